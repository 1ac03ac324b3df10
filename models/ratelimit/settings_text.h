#pragma once

#include <string_view>

#include "models/ratelimit/cloudflare_rate_limit.h"
#include "models/ratelimit/haproxy_stick_table.h"
#include "models/ratelimit/kong_rate_limiting.h"
#include "models/ratelimit/nginx_limit_conn.h"
#include "models/ratelimit/nginx_limit_req.h"
#include "models/ratelimit/token_bucket.h"

namespace lbsim::models::ratelimit {

// Each limiter's settings written as its own configuration writes them, for `lbsim explain
// ratelimit` (and later the scenario language). Each parser throws std::invalid_argument
// saying what is wrong and what is allowed; a setting left out keeps the system's default.
// The seeds' lines parse as they are (tests/models/ratelimit_settings_test.cc).

// nginx limit_req. The short form "rate=10r/s burst=20 nodelay" (also zone=NAME, delay=N,
// status=N, dry_run) is one zone and one limit_req; the configuration form takes the
// directives themselves, separated by ';' or new lines:
//   limit_req_zone $binary_remote_addr zone=api:10m rate=100r/m;
//   limit_req zone=api burst=20 nodelay;   (several limit_req lines: all apply)
//   limit_req_status 429;  limit_req_dry_run on;
// Values as nginx checks them: rate=N r/s or r/m (whole N > 0), burst and delay whole > 0,
// status 400-599, zone sizes of at least 32k.
NginxLimitReqSettings parseNginxLimitReq(std::string_view text);

// nginx limit_conn: "limit_conn_zone $binary_remote_addr zone=conn:10m; limit_conn conn 50;"
// (limit_conn_status, limit_conn_dry_run); the short form is the number alone ("50").
NginxLimitConnSettings parseNginxLimitConn(std::string_view text);

// Kong rate-limiting config: "minute=100 hour=1000 policy=local", or the plugin's YAML
// ("config: {minute: 60, hour: 1000, policy: redis, redis_host: ...}"). second, minute, hour,
// day, month, year > 0 (at least one, longer periods not lower), policy local | cluster |
// redis, limit_by, error_code, error_message, hide_client_headers, sync_rate (-1 only);
// redis_* connection settings are read and ignored.
KongRateLimitingSettings parseKongRateLimiting(std::string_view text);

// HAProxy: "http_req_rate(10s) gt 100 [deny_status 429] [expire 30s]", or the seeds' lines
// "stick-table type ip size 100k expire 30s store http_req_rate(10s)
//  http-request track-sc0 src
//  http-request deny if { sc_http_req_rate(0) gt 100 }". Times as HAProxy reads them: a bare
// number is milliseconds.
HaproxyReqRateSettings parseHaproxyReqRate(std::string_view text);

// Cloudflare: "threshold=100 period=60 timeout=600 action=block", also the rules' API names
// (requests_per_period, mitigation_timeout, status_code) and the legacy resource's (mode,
// ban, simulate, statuses = [200, 201]); the seeds' Terraform block parses as written.
CloudflareRateLimitSettings parseCloudflareRateLimit(std::string_view text);

// Envoy local_ratelimit token_bucket: "max_tokens=100 tokens_per_fill=10 fill_interval=1s
// [timer] [status=429]"; fill_interval needs a unit as a protobuf Duration does.
TokenBucketSettings parseEnvoyTokenBucket(std::string_view text);

// A plain token bucket: "rate=10/s capacity=20 [status=429]" (rate also as 600/m, 10r/s).
TokenBucketSettings parseTokenBucket(std::string_view text);

}  // namespace lbsim::models::ratelimit
