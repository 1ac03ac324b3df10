// Cache rules: nginx and Cloudflare syntax as the seeds write it, nginx's defaults, and what
// each rule lets a request do.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/cache/cache_rules.h"

namespace lbsim::models::cache {
namespace {

// The message of the std::invalid_argument `f` throws ("" if none).
template <typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(NginxSyntax, Times) {
  EXPECT_DOUBLE_EQ(parseNginxTime("10m", "t"), 600.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("30s", "t"), 30.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("30", "t"), 30.0);  // a bare number is seconds
  EXPECT_DOUBLE_EQ(parseNginxTime("1h30m", "t"), 5400.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("1h 30m", "t"), 5400.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("1d", "t"), 86400.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("7d", "t"), 604800.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("1w", "t"), 604800.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("1M", "t"), 30.0 * 86400.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("1y", "t"), 365.0 * 86400.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("1m30", "t"), 90.0);
  EXPECT_DOUBLE_EQ(parseNginxTime("500ms", "t", true), 0.5);
  const std::string e = errorOf([] { parseNginxTime("10x", "proxy_cache_valid"); });
  EXPECT_NE(e.find("proxy_cache_valid: invalid time value \"10x\""), std::string::npos) << e;
  EXPECT_NE(e.find("allowed:"), std::string::npos);
  EXPECT_THROW(parseNginxTime("30m1h", "t"), std::invalid_argument);  // smallest unit first
  EXPECT_THROW(parseNginxTime("500ms", "t"), std::invalid_argument);  // whole seconds here
  EXPECT_THROW(parseNginxTime("m", "t"), std::invalid_argument);
  EXPECT_THROW(parseNginxTime("", "t"), std::invalid_argument);
  EXPECT_THROW(parseNginxTime("1.5h", "t"), std::invalid_argument);
}

TEST(NginxSyntax, Sizes) {
  EXPECT_EQ(parseNginxSize("1g", "s"), 1073741824u);
  EXPECT_EQ(parseNginxSize("10G", "s"), 10737418240u);
  EXPECT_EQ(parseNginxSize("100m", "s"), 104857600u);
  EXPECT_EQ(parseNginxSize("512k", "s"), 524288u);
  EXPECT_EQ(parseNginxSize("4096", "s"), 4096u);
  const std::string e = errorOf([] { parseNginxSize("1t", "max_size"); });
  EXPECT_NE(e.find("max_size: invalid size \"1t\"; allowed: bytes, or a whole number with k, m or "
                   "g"),
            std::string::npos)
      << e;
}

// Every location's cache directives in the seeds, verbatim (seed 000: /api/auth/, /api/users/,
// /api/courses/, /api/enrollments/, /api/payments/, /api/analytics/; seed 003: /static/).
TEST(NginxCacheRules, SeedLocationsParse) {
  const NginxCacheRules auth = parseNginxCacheDirectives(R"(
        proxy_cache_bypass $http_upgrade;
        proxy_cache api_cache;
        proxy_cache_methods GET HEAD;
        proxy_cache_valid 200 302 5m;
        proxy_cache_valid 404 1m;
        proxy_cache_key "$scheme$request_method$host$request_uri";
        proxy_cache_bypass $http_cache_control;)");
  EXPECT_EQ(auth.zone, "api_cache");
  EXPECT_EQ(auth.validity(200), 300.0);
  EXPECT_EQ(auth.validity(302), 300.0);
  EXPECT_EQ(auth.validity(404), 60.0);
  EXPECT_EQ(auth.validity(301), std::nullopt);  // not listed: not cached
  EXPECT_EQ(auth.validity(500), std::nullopt);
  EXPECT_FALSE(auth.keyIncludesUser);
  EXPECT_EQ(auth.bypassWhen, (std::vector<std::string>{"$http_upgrade", "$http_cache_control"}));

  const NginxCacheRules users = parseNginxCacheDirectives(R"(
        proxy_cache api_cache;
        proxy_cache_methods GET HEAD;
        proxy_cache_valid 200 302 10m;
        proxy_cache_valid 404 2m;
        proxy_cache_key "$scheme$request_method$host$request_uri$http_authorization";)");
  EXPECT_EQ(users.validity(200), 600.0);
  EXPECT_EQ(users.validity(404), 120.0);
  EXPECT_TRUE(users.keyIncludesUser);

  struct Seed {
    const char* text;
    double ok;
    double notFound;
    bool perUser;
  };
  const Seed others[] = {
      {"proxy_cache api_cache; proxy_cache_methods GET HEAD; proxy_cache_valid 200 302 30m; "
       "proxy_cache_valid 404 5m; proxy_cache_key \"$scheme$request_method$host$request_uri\";",
       1800.0, 300.0, false},
      {"proxy_cache api_cache; proxy_cache_methods GET HEAD; proxy_cache_valid 200 302 2m; "
       "proxy_cache_valid 404 30s; proxy_cache_key "
       "\"$scheme$request_method$host$request_uri$http_authorization\";",
       120.0, 30.0, true},
      {"proxy_cache api_cache; proxy_cache_methods GET HEAD; proxy_cache_valid 200 302 30s; "
       "proxy_cache_valid 404 10s; proxy_cache_key "
       "\"$scheme$request_method$host$request_uri$http_authorization\";",
       30.0, 10.0, true},
      {"proxy_cache api_cache; proxy_cache_methods GET HEAD; proxy_cache_valid 200 302 15m; "
       "proxy_cache_valid 404 2m; proxy_cache_key "
       "\"$scheme$request_method$host$request_uri$http_authorization\";",
       900.0, 120.0, true},
  };
  for (const Seed& s : others) {
    const NginxCacheRules r = parseNginxCacheDirectives(s.text);
    EXPECT_EQ(r.validity(200), s.ok) << s.text;
    EXPECT_EQ(r.validity(404), s.notFound) << s.text;
    EXPECT_EQ(r.keyIncludesUser, s.perUser) << s.text;
  }

  EXPECT_FALSE(parseNginxCacheDirectives("proxy_cache off;").enabled());

  const NginxCacheRules statics = parseNginxCacheDirectives(R"(
            proxy_cache static_cache;
            proxy_cache_valid 200 1d;
            proxy_cache_use_stale error timeout http_500 http_502 http_503 http_504;)");
  EXPECT_EQ(statics.validity(200), 86400.0);
  EXPECT_EQ(statics.validity(302), std::nullopt);
  EXPECT_TRUE(statics.servesStaleOn(StaleCondition::kError));
  EXPECT_TRUE(statics.servesStaleOn(StaleCondition::kTimeout));
  EXPECT_TRUE(statics.servesStaleOn(StaleCondition::kHttp503));
  EXPECT_FALSE(statics.servesStaleOn(StaleCondition::kHttp404));
  EXPECT_FALSE(statics.servesStaleOn(StaleCondition::kUpdating));
  EXPECT_EQ(staleConditionOfStatus(503), StaleCondition::kHttp503);
  EXPECT_EQ(staleConditionOfStatus(200), std::nullopt);
  EXPECT_EQ(auth.useStale, 0u);  // proxy_cache_use_stale off is the default
}

TEST(NginxCacheRules, ValidDefaultsAndOrder) {
  // Only a time: 200, 301 and 302.
  const NginxCacheRules timeOnly =
      parseNginxCacheDirectives("proxy_cache z; proxy_cache_valid 10m;");
  EXPECT_EQ(timeOnly.validity(200), 600.0);
  EXPECT_EQ(timeOnly.validity(301), 600.0);
  EXPECT_EQ(timeOnly.validity(302), 600.0);
  EXPECT_EQ(timeOnly.validity(404), std::nullopt);
  // `any` matches what no earlier line matched ...
  const NginxCacheRules withAny = parseNginxCacheDirectives(
      "proxy_cache z; proxy_cache_valid 200 302 10m; proxy_cache_valid 404 1m; "
      "proxy_cache_valid any 1m;");
  EXPECT_EQ(withAny.validity(200), 600.0);
  EXPECT_EQ(withAny.validity(500), 60.0);
  // ... and everything when it comes first (the first matching line wins).
  const NginxCacheRules anyFirst = parseNginxCacheDirectives(
      "proxy_cache z; proxy_cache_valid any 1m; proxy_cache_valid 200 1h;");
  EXPECT_EQ(anyFirst.validity(200), 60.0);
  // A zero time caches nothing.
  EXPECT_EQ(parseNginxCacheDirectives("proxy_cache_valid 200 0;").validity(200), std::nullopt);
  const std::string e = errorOf([] { parseNginxCacheDirectives("proxy_cache_valid 99 1m;"); });
  EXPECT_NE(e.find("invalid status \"99\"; allowed: status codes 100 to 599, or any"),
            std::string::npos)
      << e;
}

TEST(NginxCacheRules, WhatARequestMayDo) {
  NginxCacheRules r = parseNginxCacheDirectives(
      "proxy_cache api; proxy_cache_valid 200 5m; proxy_cache_bypass $http_upgrade;");
  RequestTraits get;
  const CacheDecision d = r.decide(get);
  EXPECT_TRUE(d.lookup);
  EXPECT_TRUE(d.store);
  RequestTraits head;
  head.method = HttpMethod::kHead;
  EXPECT_TRUE(r.decide(head).lookup);  // GET and HEAD by default
  RequestTraits post;
  post.method = HttpMethod::kPost;
  EXPECT_FALSE(r.decide(post).lookup);
  EXPECT_FALSE(r.decide(post).store);
  RequestTraits upgrade;
  upgrade.bypass = true;  // proxy_cache_bypass: not served from cache, still stored
  EXPECT_FALSE(r.decide(upgrade).lookup);
  EXPECT_TRUE(r.decide(upgrade).store);
  RequestTraits noCache;
  noCache.noCache = true;  // proxy_no_cache: served from cache, never stored
  EXPECT_TRUE(r.decide(noCache).lookup);
  EXPECT_FALSE(r.decide(noCache).store);
  applyNginxCacheDirectives(r, "proxy_cache_methods POST;");
  EXPECT_TRUE(r.decide(post).lookup);
  EXPECT_TRUE(r.decide(get).lookup);  // GET and HEAD are always added
  RequestTraits put;
  put.method = HttpMethod::kPut;
  EXPECT_FALSE(r.decide(put).lookup);
  EXPECT_FALSE(parseNginxCacheDirectives("proxy_cache_valid 200 5m;").decide(get).lookup);

  const std::string method = errorOf([] { parseNginxCacheDirectives("proxy_cache_methods PUT;"); });
  EXPECT_NE(method.find("invalid value \"PUT\"; allowed: GET, HEAD, POST"), std::string::npos);
  const std::string unknown = errorOf(
      [] { parseNginxCacheDirectives("add_header X-Cache-Status $upstream_cache_status;"); });
  EXPECT_NE(unknown.find("unknown cache directive \"add_header\"; allowed: proxy_cache, "),
            std::string::npos)
      << unknown;
  const std::string stale =
      errorOf([] { parseNginxCacheDirectives("proxy_cache_use_stale http_418;"); });
  EXPECT_NE(stale.find("allowed: error, timeout"), std::string::npos);
  EXPECT_THROW(parseNginxCacheDirectives("proxy_cache api"), std::invalid_argument);  // no ';'
  EXPECT_EQ(parseNginxCacheDirectives("proxy_cache_use_stale error off;").useStale, 0u);
}

TEST(ProxyCachePath, SeedLinesAndLruSettings) {
  const ProxyCachePath api = parseProxyCachePath(
      "proxy_cache_path /var/cache/nginx/api levels=1:2 keys_zone=api_cache:100m max_size=1g "
      "inactive=60m use_temp_path=off;");
  EXPECT_EQ(api.path, "/var/cache/nginx/api");
  EXPECT_EQ(api.levels, "1:2");
  EXPECT_EQ(api.zone, "api_cache");
  EXPECT_EQ(api.zoneBytes, 100u * 1024 * 1024);
  EXPECT_EQ(api.maxBytes, 1024u * 1024 * 1024);
  EXPECT_DOUBLE_EQ(api.inactive, 3600.0);
  EXPECT_FALSE(api.useTempPath);
  const LruSettings s = api.lruSettings();
  EXPECT_EQ(s.maxEntries, 800000u);  // 100 MiB x 8,000 keys per MiB
  EXPECT_EQ(s.maxBytes, 1024u * 1024 * 1024);
  EXPECT_DOUBLE_EQ(s.inactive, 3600.0);

  const ProxyCachePath statics = parseProxyCachePath(
      "proxy_cache_path /var/cache/nginx/static levels=1:2 keys_zone=static_cache:50m "
      "max_size=2g inactive=7d use_temp_path=off;");
  EXPECT_EQ(statics.maxBytes, 2u * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(statics.inactive, 7 * 86400.0);
  const ProxyCachePath seed3 = parseProxyCachePath(
      "proxy_cache_path /var/cache/nginx levels=1:2 keys_zone=static_cache:10m max_size=1g "
      "inactive=60m use_temp_path=off;");
  EXPECT_EQ(seed3.lruSettings().maxEntries, 80000u);

  const ProxyCachePath bare = parseProxyCachePath("max_size=10g inactive=60m");
  EXPECT_EQ(bare.path, "");
  EXPECT_EQ(bare.maxBytes, 10ULL * 1024 * 1024 * 1024);
  EXPECT_EQ(bare.lruSettings().maxEntries, 0u);  // no keys_zone: entries not bounded
  EXPECT_DOUBLE_EQ(parseProxyCachePath("/c keys_zone=z:1m").inactive, 600.0);  // default 10m

  EXPECT_NE(errorOf([] { parseProxyCachePath("max_size=10t"); }).find("invalid size \"10t\""),
            std::string::npos);
  EXPECT_NE(errorOf([] { parseProxyCachePath("/c levels=3:1"); }).find("invalid levels"),
            std::string::npos);
  const std::string unknown = errorOf([] { parseProxyCachePath("/c size=1g"); });
  EXPECT_NE(unknown.find("unknown parameter \"size\"; allowed: a path, then levels=1:2"),
            std::string::npos)
      << unknown;
  // keys_zone sizes take k and m only (ngx_parse_size).
  EXPECT_THROW(parseProxyCachePath("/c keys_zone=z:1g"), std::invalid_argument);
}

// Seed 000's page rules, verbatim.
TEST(CloudflareCacheRule, SeedPageRules) {
  const CloudflareCacheRule api = parseCloudflarePageRule(R"(
  actions {
    cache_level = "cache_everything"
    edge_cache_ttl = 7200  # 2 hours
    browser_cache_ttl = 3600  # 1 hour
  })");
  EXPECT_EQ(api.cacheLevel, CloudflareCacheLevel::kCacheEverything);
  EXPECT_EQ(api.edgeCacheTtl, 7200.0);
  EXPECT_EQ(api.browserCacheTtl, 3600.0);
  const CloudflareCacheRule statics = parseCloudflarePageRule(R"(
    cache_level = "cache_everything"
    edge_cache_ttl = 2592000  # 30 days
    browser_cache_ttl = 86400  # 1 day)");
  EXPECT_EQ(statics.edgeCacheTtl, 2592000.0);
  EXPECT_EQ(statics.edgeTtl(200), 2592000.0);
  EXPECT_EQ(statics.edgeTtl(404), 2592000.0);
  EXPECT_EQ(statics.edgeTtl(500), std::nullopt);
  const std::string level =
      errorOf([] { parseCloudflarePageRule("cache_level = \"everything\""); });
  EXPECT_NE(level.find("cache_level \"everything\" is unknown; allowed: bypass, basic"),
            std::string::npos)
      << level;
  const std::string other = errorOf([] { parseCloudflarePageRule("ssl = \"flexible\""); });
  EXPECT_NE(other.find("\"ssl\" is not a cache action; allowed: cache_level"), std::string::npos);
  EXPECT_THROW(parseCloudflarePageRule("edge_cache_ttl = 2h"), std::invalid_argument);
  EXPECT_EQ(parseCloudflarePageRule("cache_level: Ignore Query String").cacheLevel,
            CloudflareCacheLevel::kSimplified);
}

TEST(CloudflareCacheRule, LevelsDecideWhatIsCached) {
  RequestTraits json;  // GET /api/courses/42: no static extension
  RequestTraits jsonQuery = json;
  jsonQuery.hasQueryString = true;
  RequestTraits image;
  image.staticExtension = true;  // GET /img/logo.png
  RequestTraits imageQuery = image;
  imageQuery.hasQueryString = true;
  RequestTraits post = json;
  post.method = HttpMethod::kPost;

  auto rule = [](CloudflareCacheLevel level) {
    CloudflareCacheRule r;
    r.cacheLevel = level;
    return r;
  };
  const auto bypass = rule(CloudflareCacheLevel::kBypass);
  const auto basic = rule(CloudflareCacheLevel::kBasic);
  const auto simplified = rule(CloudflareCacheLevel::kSimplified);
  const auto standard = rule(CloudflareCacheLevel::kAggressive);
  const auto everything = rule(CloudflareCacheLevel::kCacheEverything);

  EXPECT_FALSE(bypass.decide(image).lookup);
  EXPECT_TRUE(basic.decide(image).lookup);
  EXPECT_FALSE(basic.decide(imageQuery).lookup);
  EXPECT_TRUE(simplified.decide(imageQuery).lookup);
  EXPECT_FALSE(simplified.decide(imageQuery).queryInKey);
  EXPECT_TRUE(standard.decide(imageQuery).lookup);
  EXPECT_TRUE(standard.decide(imageQuery).queryInKey);
  EXPECT_FALSE(standard.decide(json).lookup);  // HTML and JSON are not cached by default
  EXPECT_TRUE(everything.decide(json).lookup);
  EXPECT_TRUE(everything.decide(jsonQuery).queryInKey);
  EXPECT_FALSE(everything.decide(post).lookup);
  // Cloudflare's default edge TTLs without origin headers.
  EXPECT_EQ(standard.edgeTtl(200), 7200.0);
  EXPECT_EQ(standard.edgeTtl(301), 7200.0);
  EXPECT_EQ(standard.edgeTtl(302), 1200.0);
  EXPECT_EQ(standard.edgeTtl(410), 180.0);
  EXPECT_EQ(standard.edgeTtl(403), std::nullopt);
  EXPECT_EQ(parseCloudflareCacheLevel("No Query String"), CloudflareCacheLevel::kBasic);
  EXPECT_EQ(parseCloudflareCacheLevel("Standard"), CloudflareCacheLevel::kAggressive);
}

}  // namespace
}  // namespace lbsim::models::cache
