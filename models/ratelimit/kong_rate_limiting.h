#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "models/ratelimit/decision.h"

namespace lbsim::models::ratelimit {

enum class KongPeriod : std::uint8_t { kSecond, kMinute, kHour, kDay, kMonth, kYear };
inline constexpr std::size_t kKongPeriodCount = 6;

std::string_view kongPeriodName(KongPeriod period);  // "second" ... "year"
// kong/plugins/rate-limiting/expiration.lua: the counters' time to live, and the window
// length Kong uses for RateLimit-Reset (a month is 30 days, a year 365).
std::int64_t kongExpiration(KongPeriod period);

enum class KongPolicy : std::uint8_t {
  kLocal,    // a counter per Kong node, in its lua_shared_dict
  kCluster,  // one counter in Kong's database, shared by every node
  kRedis,    // one counter in Redis, shared by every node
};
std::string_view kongPolicyName(KongPolicy policy);

// The plugin's config (kong/plugins/rate-limiting/schema.lua), with its defaults.
struct KongRateLimitingSettings {
  // Requests per window, indexed by KongPeriod; 0 when the period is not configured. At least
  // one is; a longer period's limit may not be lower than a shorter one's.
  std::array<double, kKongPeriodCount> limits{};
  KongPolicy policy = KongPolicy::kLocal;
  std::string limitBy = "consumer";  // what the key stands for: consumer, credential, ip, ...
  std::uint16_t errorCode = 429;
  std::string errorMessage = "API rate limit exceeded";
  bool hideClientHeaders = false;
  // -1: every request reads and writes the counters (the default). Redis batching with a
  // positive sync_rate is not modelled.
  double syncRate = -1.0;

  double limit(KongPeriod p) const { return limits[static_cast<std::size_t>(p)]; }
};

// Where counters live: one node's shared dict for `policy: local`; the database or Redis,
// shared by several KongRateLimiting nodes, for `cluster` and `redis`. A counter is the
// number of requests of one key in one window; like the shm's init_ttl and Redis's EXPIRE
// on the first INCR, it lives kongExpiration(period) seconds from its first increment.
class KongCounters {
 public:
  std::uint64_t usage(Key key, KongPeriod period, std::int64_t windowStart, double now) const;
  // Adds one and returns the new value; a missing or expired counter starts again from 0.
  std::uint64_t increment(Key key, KongPeriod period, std::int64_t windowStart, double now,
                          double windowEnd);

  std::size_t size() const { return counters_.size(); }
  // Drops counters that can no longer be read: their window or their time to live is over.
  std::size_t expire(double now);

 private:
  struct Id {
    Key key;
    std::int64_t windowStart;
    KongPeriod period;
    bool operator==(const Id&) const = default;
  };
  struct IdHash {
    std::size_t operator()(const Id& id) const;
  };
  struct Counter {
    std::uint64_t value = 0;
    double expiresAt = 0.0;  // simulation seconds
    double windowEnd = 0.0;  // simulation seconds
  };
  std::unordered_map<Id, Counter, IdHash> counters_;
};

// One Kong node running the rate-limiting plugin (kong/plugins/rate-limiting/handler.lua,
// policies/init.lua), Kong 3.4 and later:
//  - Time is ngx.time(), whole Unix seconds. Windows are fixed and aligned to the calendar in
//    UTC: second, minute, hour and day start at multiples of their length since the epoch,
//    month and year at the first day of the month and of the year.
//  - For every configured period, usage = the key's counter in the current window; the
//    request is rejected with error_code (429) when any limit - usage <= 0. So exactly
//    `limit` requests pass per window.
//  - local and cluster increment every configured period's counter after an accepted request
//    only: rejected requests are not counted. redis (sync_rate -1) increments every counter
//    with INCR before comparing, for every request: rejected requests count too, which fills
//    a longer window faster while a shorter one rejects.
//  - Headers: RateLimit-Remaining is the smallest remaining after this request over the
//    periods (ties: the longer period), RateLimit-Reset that period's length (30 days for a
//    month) minus the seconds since its window started, at least 1; Retry-After on a 429.
// Not modelled: local and cluster increment in a timer after the request (ngx.timer.at 0),
// so requests arriving at the same instant may all read the old count; the counters here
// are updated at once.
class KongRateLimiting {
 public:
  // `epoch`: the Unix time of simulation time 0 (default 1970-01-01T00:00:00Z), which places
  // the calendar's month and year boundaries.
  KongRateLimiting(KongRateLimitingSettings settings, KongCounters& counters, double epoch = 0.0);

  Decision decide(double now, Key key);

  const KongRateLimitingSettings& settings() const { return settings_; }
  // The start, in Unix seconds, of the window of `period` holding Unix second `unixSeconds`.
  static std::int64_t windowStart(KongPeriod period, std::int64_t unixSeconds);
  // The start of the next window.
  static std::int64_t windowEnd(KongPeriod period, std::int64_t unixSeconds);

 private:
  KongRateLimitingSettings settings_;
  KongCounters& counters_;
  double epoch_;
};

}  // namespace lbsim::models::ratelimit
