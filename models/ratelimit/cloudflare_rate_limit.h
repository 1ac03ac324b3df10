#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/ratelimit/decision.h"
#include "models/ratelimit/key_table.h"

namespace lbsim::models::ratelimit {

enum class CloudflareAction : std::uint8_t {
  kBlock,             // block (the legacy resource's `ban`): answers `status`, 429 by default
  kChallenge,         // interactive challenge page: 403
  kJsChallenge,       // JavaScript challenge page: 403
  kManagedChallenge,  // managed challenge page: 403
  kLog,               // log (legacy `simulate`): counts and logs, never acts
};
std::string_view cloudflareActionName(CloudflareAction action);

// A rate limiting rule (developers.cloudflare.com/waf/rate-limiting-rules/parameters/), or
// the deprecated `cloudflare_rate_limit` resource of the seeds (threshold, period,
// action.mode, action.timeout, match.response.statuses).
struct CloudflareRateLimitSettings {
  std::uint64_t threshold = 0;  // requests_per_period
  double period = 60.0;         // seconds: 10, 60, 120, 300, 600 or 3600
  // mitigation_timeout, seconds: the action applies to every request of the key for this
  // long once the rate is exceeded; 0 throttles instead (acts only on requests over the rate).
  double timeout = 600.0;
  CloudflareAction action = CloudflareAction::kBlock;
  std::uint16_t blockStatus = 429;  // response.status_code of block, 400..499
  // Counting on the response (a counting expression with http.response.code, or the legacy
  // match.response.statuses): only responses with one of these statuses count, when they
  // come back. Empty: every matching request counts when it arrives.
  std::vector<std::uint16_t> countStatuses;
};

// One Cloudflare rate limiting rule in one data center (counters are not shared across data
// centers: developers.cloudflare.com/waf/rate-limiting-rules/request-rate/), per key (the
// rule's characteristics, such as ip.src).
//
// Counting: Cloudflare's sliding-window approximation ("How we built rate limiting capable of
// scaling to millions of domains", blog.cloudflare.com/counting-things-a-lot-of-different-
// things/, 2017): fixed windows of `period` aligned to the clock, one counter for the current
// window and one for the previous, and
//     rate = previous * (period - elapsed in the current window) / period + current
// A request counts on arrival, then the rule acts when rate > threshold — so with
// requests_per_period 1 the second request in the period is acted on (the docs' example A).
// Counting on the response, the request is judged on the counters without itself and
// counts when its response matches (example B).
// Acting: with a mitigation timeout the request that exceeds the rate and every request of
// the key in the next `timeout` seconds get the action ("regardless of the request rate
// during this period"); those requests are not counted (an assumption: the docs do not say).
// With timeout 0 (throttling) only requests over the rate get the action and they are not
// counted, so the key passes at the configured rate. A challenged client is taken not to
// solve the challenge (a simulated client cannot): the request ends with 403. `log` acts on
// nothing and marks the decision as a dry run.
class CloudflareRateLimit {
 public:
  explicit CloudflareRateLimit(CloudflareRateLimitSettings settings);

  Decision decide(double now, Key key);
  void prefetch(Key key) const { counters_.prefetch(key); }  // KeyTable::prefetch
  // A response for `key` came back with `status` (only with countStatuses).
  void onResponse(double now, Key key, std::uint16_t status);

  // The rate estimate at `now` without counting a request.
  double rate(double now, Key key) const;
  const CloudflareRateLimitSettings& settings() const { return settings_; }
  std::size_t size() const { return counters_.size(); }
  // Drops keys out of mitigation whose counters are two windows old (their rate is 0).
  std::size_t expire(double now);

 private:
  struct Counter {
    double windowStart = 0.0;
    std::uint64_t current = 0;
    std::uint64_t previous = 0;
    double mitigatedUntil = -1.0;
  };
  void roll(Counter& c, double now) const;
  double estimate(const Counter& c, double now) const;
  std::uint16_t actionStatus() const;

  CloudflareRateLimitSettings settings_;
  KeyTable<Counter> counters_;
};

}  // namespace lbsim::models::ratelimit
