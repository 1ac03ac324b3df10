// The rate limiters' settings as the systems write them: every rate-limit line of the
// design seeds parses, and bad values are refused with what is allowed.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/ratelimit/settings_text.h"

namespace lbsim::models::ratelimit {
namespace {

// The message of the std::invalid_argument `f` throws, or "" when it does not throw.
template <typename F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// Seed 000 (cerebrum nginx.conf): three zones at the http level and limit_req in seven
// locations, all nodelay.
TEST(RateLimitSettings, SeedNginxLimitReqLinesParse) {
  const char* zones =
      "limit_req_zone $binary_remote_addr zone=api:10m rate=100r/m;\n"
      "limit_req_zone $binary_remote_addr zone=auth:10m rate=10r/m;\n"
      "limit_req_zone $binary_remote_addr zone=payment:10m rate=5r/m;\n";
  const std::pair<const char*, std::uint64_t> locations[] = {
      {"limit_req zone=auth burst=5 nodelay;", 5},
      {"limit_req zone=api burst=20 nodelay;", 20},
      {"limit_req zone=api burst=30 nodelay;", 30},
      {"limit_req zone=api burst=50 nodelay;", 50},
      {"limit_req zone=payment burst=3 nodelay;", 3},
      {"limit_req zone=api burst=100 nodelay;", 100},
      {"limit_req zone=api burst=25 nodelay;", 25},
      {"limit_req zone=api burst=60 nodelay;", 60}};
  for (const auto& [line, burst] : locations) {
    const NginxLimitReqSettings s = parseNginxLimitReq(std::string(zones) + line);
    ASSERT_EQ(s.zones.size(), 3u);
    EXPECT_EQ(s.zones[0].rate, 1666u);  // 100r/m
    EXPECT_EQ(s.zones[1].rate, 166u);   // 10r/m
    EXPECT_EQ(s.zones[2].rate, 83u);    // 5r/m
    EXPECT_EQ(s.zones[0].key, "$binary_remote_addr");
    ASSERT_EQ(s.limits.size(), 1u);
    EXPECT_EQ(s.limits[0].burst, burst * 1000);
    EXPECT_EQ(s.limits[0].delay, kNginxNoDelay);
    EXPECT_EQ(s.status, 503);  // the seed sets no limit_req_status: its error_page 429 is unused
  }
  // Seed 003 (api.example.com): 10r/s and 5r/s per address.
  const NginxLimitReqSettings api = parseNginxLimitReq(
      "limit_req_zone $binary_remote_addr zone=api_limit:10m rate=10r/s;\n"
      "limit_req_zone $binary_remote_addr zone=auth_limit:10m rate=5r/s;\n"
      "limit_req zone=api_limit burst=20 nodelay;");
  EXPECT_EQ(api.zones[0].rate, 10000u);
  EXPECT_EQ(api.zones[1].rate, 5000u);
  EXPECT_EQ(api.limits[0].zone, "api_limit");
  const NginxLimitReqSettings auth = parseNginxLimitReq(
      "limit_req_zone $binary_remote_addr zone=auth_limit:10m rate=5r/s;"
      "limit_req zone=auth_limit burst=5 nodelay;");
  EXPECT_EQ(auth.limits[0].burst, 5000u);
}

TEST(RateLimitSettings, NginxShortFormAndLocationDirectives) {
  const NginxLimitReqSettings s =
      parseNginxLimitReq("rate=10r/s burst=20 delay=8 zone=api status=429");
  EXPECT_EQ(s.zones[0].name, "api");
  EXPECT_EQ(s.zones[0].rate, 10000u);
  EXPECT_EQ(s.limits[0].delay, 8000u);
  EXPECT_EQ(s.status, 429);
  const NginxLimitReqSettings full = parseNginxLimitReq(
      "limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s; limit_req zone=api; "
      "limit_req_status 429; limit_req_dry_run on; limit_req_log_level warn");
  EXPECT_EQ(full.limits[0].burst, 0u);
  EXPECT_EQ(full.status, 429);
  EXPECT_TRUE(full.dryRun);
  // nodelay and delay=: the last one written wins, as nginx reads them.
  EXPECT_EQ(parseNginxLimitReq("rate=1r/s burst=5 nodelay delay=2").limits[0].delay, 2000u);
  EXPECT_EQ(parseNginxLimitReq("rate=7").zones[0].rate, 7000u);  // no suffix: per second
}

TEST(RateLimitSettings, NginxErrorsSayWhatIsAllowed) {
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq("rate=10r/h");
            }).find("invalid rate \"rate=10r/h\"; allowed: rate=Nr/s or rate=Nr/m"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq("rate=10r/s burst=0");
            }).find("invalid burst value \"burst=0\""),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq("rate=10r/s brust=5");
            }).find("unknown setting \"brust=5\"; allowed:"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq("limit_req zone=api burst=5");
            }).find("no limit_req_zone defines zone \"api\""),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq("limit_req_zone $binary_remote_addr zone=api:10m rate=1r/s");
            }).find("a limit_req_zone alone limits nothing"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq(
                  "limit_req_zone $a zone=api:10m rate=1r/s; limit_req zone=api; limit_req "
                  "zone=api burst=2");
            }).find("is duplicate"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitReq("limit_req_zone $a zone=api:1k rate=1r/s; limit_req zone=api");
            }).find("is too small"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseNginxLimitReq("rate=1r/s status=200"); }).find("400 to 599"),
            std::string::npos);
}

// Seed 000: `limit_conn_zone $binary_remote_addr zone=conn:10m;` and `limit_conn conn 50;`.
TEST(RateLimitSettings, SeedLimitConnParses) {
  const NginxLimitConnSettings s = parseNginxLimitConn(
      "limit_conn_zone $binary_remote_addr zone=conn:10m;\nlimit_conn conn 50;");
  ASSERT_EQ(s.limits.size(), 1u);
  EXPECT_EQ(s.limits[0].zone, "conn");
  EXPECT_EQ(s.limits[0].connections, 50u);
  EXPECT_EQ(s.status, 503);
  EXPECT_EQ(parseNginxLimitConn("limit_conn conn 50").zones[0].name, "conn");
  EXPECT_NE(errorOf([] {
              parseNginxLimitConn("limit_conn conn 0");
            }).find("invalid number of connections \"0\""),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseNginxLimitConn("limit_conn conn 70000");
            }).find("connection limit must be less 65536"),
            std::string::npos);
}

// Seed 000's three KongPlugin resources, pasted whole (redis connection settings included).
TEST(RateLimitSettings, SeedKongPluginsParse) {
  const KongRateLimitingSettings user = parseKongRateLimiting(R"(
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata:
  name: rate-limiting-user-service
config:
  minute: 60
  hour: 1000
  policy: redis
  redis_host: redis-service
  redis_port: 6379
  redis_database: 1
  redis_timeout: 2000
  hide_client_headers: false
plugin: rate-limiting
)");
  EXPECT_DOUBLE_EQ(user.limit(KongPeriod::kMinute), 60.0);
  EXPECT_DOUBLE_EQ(user.limit(KongPeriod::kHour), 1000.0);
  EXPECT_DOUBLE_EQ(user.limit(KongPeriod::kSecond), 0.0);
  EXPECT_EQ(user.policy, KongPolicy::kRedis);
  EXPECT_FALSE(user.hideClientHeaders);
  EXPECT_EQ(user.errorCode, 429);
  for (const char* text :
       {"minute: 120, hour: 2000, policy: redis", "{minute: 10, hour: 100, policy: redis}"}) {
    EXPECT_EQ(parseKongRateLimiting(text).policy, KongPolicy::kRedis) << text;
  }
  const KongRateLimitingSettings s = parseKongRateLimiting(
      "minute=100 hour=1000 policy=local error_code=503 "
      "error_message=\"slow down\" limit_by=ip");
  EXPECT_EQ(s.policy, KongPolicy::kLocal);
  EXPECT_EQ(s.errorCode, 503);
  EXPECT_EQ(s.errorMessage, "slow down");
  EXPECT_EQ(s.limitBy, "ip");
}

TEST(RateLimitSettings, KongErrorsFollowTheSchema) {
  EXPECT_NE(errorOf([] {
              parseKongRateLimiting("minute=100 hour=10");
            }).find("The limit for hour(10.0) cannot be lower than the limit for minute(100.0)"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseKongRateLimiting("policy=local"); }).find("at least one of second"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseKongRateLimiting("minute=5 policy=memcached");
            }).find("allowed: local, cluster, redis"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseKongRateLimiting("minute=5 policy=redis sync_rate=10");
            }).find("is not modelled"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseKongRateLimiting("minute=0"); }).find("is not a number above 0"),
            std::string::npos);
}

// Seed 003 (haproxy.cfg), three lines as written.
TEST(RateLimitSettings, SeedHaproxyStickTableParses) {
  const HaproxyReqRateSettings s = parseHaproxyReqRate(
      "stick-table type ip size 100k expire 30s store http_req_rate(10s)\n"
      "http-request track-sc0 src\n"
      "http-request deny if { sc_http_req_rate(0) gt 100 }");
  EXPECT_EQ(s.period, 10000);
  EXPECT_EQ(s.expire, 30000);
  EXPECT_EQ(s.op, HaproxyOperator::kGt);
  EXPECT_EQ(s.threshold, 100u);
  EXPECT_EQ(s.denyStatus, 403);
  const HaproxyReqRateSettings short_ =
      parseHaproxyReqRate("http_req_rate(1m) ge 5 deny_status 429");
  EXPECT_EQ(short_.period, 60000);
  EXPECT_EQ(short_.op, HaproxyOperator::kGe);
  EXPECT_EQ(short_.denyStatus, 429);
  EXPECT_EQ(parseHaproxyReqRate("http_req_rate(2000) gt 1").period, 2000);  // bare: ms
}

TEST(RateLimitSettings, HaproxyErrors) {
  EXPECT_NE(errorOf([] {
              parseHaproxyReqRate("sc_http_req_rate(0) gt 100");
            }).find("no period: give http_req_rate(PERIOD)"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseHaproxyReqRate("http_req_rate(10s) gt 100 deny_status 418");
            }).find("status code not handled by default; allowed: 200, 400"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseHaproxyReqRate("http_req_rate(10s) above 100");
            }).find("unknown word \"above\""),
            std::string::npos);
}

// Seed 000's Terraform resource "cloudflare_rate_limit" "api_rate_limit", pasted whole.
TEST(RateLimitSettings, SeedCloudflareResourceParses) {
  const CloudflareRateLimitSettings s = parseCloudflareRateLimit(R"(
resource "cloudflare_rate_limit" "api_rate_limit" {
  zone_id   = var.cloudflare_zone_id
  threshold = 200
  period    = 60

  match {
    request {
      url_pattern = "api.cerebrumbiologyacademy.com/api/*"
      schemes     = ["HTTP", "HTTPS"]
      methods     = ["GET", "POST", "PUT", "DELETE"]
    }

    response {
      statuses = [200, 201, 202, 301, 302, 401, 403]
    }
  }

  action {
    mode    = "challenge"
    timeout = 600

    response {
      content_type = "text/plain"
      body         = "Rate limit exceeded. Please try again later."
    }
  }
}
)");
  EXPECT_EQ(s.threshold, 200u);
  EXPECT_DOUBLE_EQ(s.period, 60.0);
  EXPECT_DOUBLE_EQ(s.timeout, 600.0);
  EXPECT_EQ(s.action, CloudflareAction::kChallenge);
  EXPECT_EQ(s.countStatuses, (std::vector<std::uint16_t>{200, 201, 202, 301, 302, 401, 403}));
  const CloudflareRateLimitSettings b =
      parseCloudflareRateLimit("threshold=100 period=60 timeout=600 action=block");
  EXPECT_EQ(b.action, CloudflareAction::kBlock);
  EXPECT_EQ(b.blockStatus, 429);
  EXPECT_TRUE(b.countStatuses.empty());
}

TEST(RateLimitSettings, CloudflareErrors) {
  EXPECT_NE(errorOf([] {
              parseCloudflareRateLimit("threshold=100 period=30");
            }).find("allowed: 10, 60, 120, 300, 600, 3600"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseCloudflareRateLimit("threshold=100 timeout=90");
            }).find("0 (throttle), 10, 60"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseCloudflareRateLimit("threshold=100 action=drop");
            }).find("is not an action"),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseCloudflareRateLimit("period=60"); }).find("no threshold"),
            std::string::npos);
}

TEST(RateLimitSettings, TokenBuckets) {
  const TokenBucketSettings e = parseEnvoyTokenBucket(
      "token_bucket: {max_tokens: 10000, tokens_per_fill: 1000, fill_interval: 1s}");
  EXPECT_DOUBLE_EQ(e.maxTokens, 10000.0);
  EXPECT_DOUBLE_EQ(e.tokensPerFill, 1000.0);
  EXPECT_DOUBLE_EQ(e.fillInterval, 1.0);
  EXPECT_FALSE(e.timerFill);
  EXPECT_NE(errorOf([] {
              parseEnvoyTokenBucket("max_tokens=1 fill_interval=10ms timer");
            }).find("fill timer must be >= 50ms"),
            std::string::npos);
  EXPECT_NE(errorOf([] {
              parseEnvoyTokenBucket("max_tokens=1 fill_interval=1");
            }).find("not a duration with a unit"),
            std::string::npos);
  const TokenBucketSettings t = parseTokenBucket("rate=600/m capacity=20");
  EXPECT_DOUBLE_EQ(t.tokensPerFill / t.fillInterval, 10.0);
  EXPECT_DOUBLE_EQ(t.maxTokens, 20.0);
}

}  // namespace
}  // namespace lbsim::models::ratelimit
