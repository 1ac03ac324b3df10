#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lbsim::models::ratelimit {

// What a limiter counts by: the client address ($binary_remote_addr, `src`, Cloudflare's
// `ip.src`), a Kong consumer or credential, a session. The simulation picks it; to a limiter
// it is an opaque number.
using Key = std::uint64_t;

// What happens to a request.
enum class Fate : std::uint8_t {
  kPass,    // goes on at once
  kDelay,   // goes on after `Decision::delay` seconds (nginx limit_req without nodelay)
  kReject,  // answered at once with `Decision::status`
};

std::string_view fateName(Fate fate);  // "pass", "delay", "reject"

// Why a limiter decided what it did. The figures behind the reason are in the Decision.
enum class Why : std::uint8_t {
  kWithinLimit,         // under every limit: `measure` <= `limit`
  kDelayed,             // nginx limit_req: excess above delay=, waits (excess - delay) / rate
  kBurstExceeded,       // nginx limit_req: excess > burst
  kTooManyConnections,  // nginx limit_conn: the key already holds `limit` requests
  kWindowFull,          // Kong: a window's usage reached its limit
  kRateAboveThreshold,  // HAProxy, Cloudflare: the rate estimate passed the threshold
  kMitigation,          // Cloudflare: inside the mitigation timeout started by an earlier request
  kNoTokens,            // token bucket: less than one token left
};

// A limiter's decision on one request, with its reason in the system's own terms. Every
// string is a static literal or points into the limiter's settings, so a decision costs no
// allocation on the hot path; `describe` writes the sentence for people.
struct Decision {
  Fate fate = Fate::kPass;
  Why why = Why::kWithinLimit;
  std::uint16_t status = 0;  // the HTTP status of a rejection; 0 when the request goes on
  // nginx limit_req_dry_run / limit_conn_dry_run, Cloudflare `log`: the request would have
  // been delayed or rejected as `why` says, and goes on at once instead.
  bool dryRun = false;
  // nginx limit_conn: the request holds a connection slot; call release() when it ends.
  bool holdsSlot = false;
  double delay = 0.0;    // seconds, when fate is kDelay
  double measure = 0.0;  // excess (requests), window usage, rate estimate, tokens, connections
  double limit = 0.0;    // burst, window limit, threshold, bucket capacity, connections
  double until = 0.0;    // Cloudflare: when the mitigation ends
  std::int64_t remaining = -1;  // Kong RateLimit-Remaining; -1 when the system sends none
  double retryAfter = 0.0;      // Kong RateLimit-Reset (and Retry-After when rejected), seconds
  std::string_view limiter;     // "limit_req", "limit_conn", "rate-limiting", ...
  std::string_view scope;       // zone name, Kong period ("minute"), HAProxy operator, action
};

// One sentence: what happens to the request and why, with the figures.
std::string describe(const Decision& decision);

// Whole milliseconds of a time in seconds, as nginx's ngx_current_msec and HAProxy's now_ms
// see it. The small epsilon keeps 0.29 s at 290 ms although 0.29 * 1000 is 289.99999999999997.
std::int64_t wholeMilliseconds(double seconds);

}  // namespace lbsim::models::ratelimit
