#include "models/ratelimit/kong_rate_limiting.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>

namespace lbsim::models::ratelimit {

namespace {

constexpr std::string_view kRateLimiting = "rate-limiting";

constexpr std::array<std::string_view, kKongPeriodCount> kPeriodNames = {
    "second", "minute", "hour", "day", "month", "year"};
constexpr std::array<std::int64_t, kKongPeriodCount> kExpiration = {1,     60,      3600,
                                                                    86400, 2592000, 31536000};

KongPeriod periodAt(std::size_t i) {
  return static_cast<KongPeriod>(i);
}

}  // namespace

std::string_view kongPeriodName(KongPeriod period) {
  return kPeriodNames[static_cast<std::size_t>(period)];
}

std::int64_t kongExpiration(KongPeriod period) {
  return kExpiration[static_cast<std::size_t>(period)];
}

std::string_view kongPolicyName(KongPolicy policy) {
  switch (policy) {
    case KongPolicy::kLocal:
      return "local";
    case KongPolicy::kCluster:
      return "cluster";
    case KongPolicy::kRedis:
      return "redis";
  }
  return {};
}

std::size_t KongCounters::IdHash::operator()(const Id& id) const {
  std::uint64_t h = id.key * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<std::uint64_t>(id.windowStart) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  h ^= static_cast<std::uint64_t>(id.period) + (h << 6) + (h >> 2);
  return static_cast<std::size_t>(h);
}

std::uint64_t KongCounters::usage(Key key, KongPeriod period, std::int64_t windowStart,
                                  double now) const {
  const auto it = counters_.find(Id{key, windowStart, period});
  if (it == counters_.end() || now >= it->second.expiresAt) return 0;
  return it->second.value;
}

std::uint64_t KongCounters::increment(Key key, KongPeriod period, std::int64_t windowStart,
                                      double now, double windowEnd) {
  Counter& c = counters_[Id{key, windowStart, period}];
  if (c.value == 0 || now >= c.expiresAt) {
    c.value = 0;
    c.expiresAt = now + static_cast<double>(kongExpiration(period));
    c.windowEnd = windowEnd;
  }
  return ++c.value;
}

std::size_t KongCounters::expire(double now) {
  return std::erase_if(counters_, [now](const auto& entry) {
    return now >= std::min(entry.second.expiresAt, entry.second.windowEnd);
  });
}

std::int64_t KongRateLimiting::windowStart(KongPeriod period, std::int64_t unixSeconds) {
  using namespace std::chrono;
  const std::int64_t length = kongExpiration(period);
  if (period <= KongPeriod::kDay) {
    std::int64_t start = unixSeconds / length * length;
    if (start > unixSeconds) start -= length;  // before 1970: round towards the past
    return start;
  }
  const sys_days day = floor<days>(sys_seconds{seconds{unixSeconds}});
  const year_month_day date{day};
  const sys_days first = period == KongPeriod::kMonth ? sys_days{date.year() / date.month() / 1}
                                                      : sys_days{date.year() / January / 1};
  return duration_cast<seconds>(first.time_since_epoch()).count();
}

std::int64_t KongRateLimiting::windowEnd(KongPeriod period, std::int64_t unixSeconds) {
  using namespace std::chrono;
  const std::int64_t start = windowStart(period, unixSeconds);
  if (period <= KongPeriod::kDay) return start + kongExpiration(period);
  const year_month_day date{floor<days>(sys_seconds{seconds{start}})};
  const sys_days next = period == KongPeriod::kMonth
                            ? sys_days{(date.year() / date.month() / 1) + months{1}}
                            : sys_days{(date.year() + years{1}) / January / 1};
  return duration_cast<seconds>(next.time_since_epoch()).count();
}

KongRateLimiting::KongRateLimiting(KongRateLimitingSettings settings, KongCounters& counters,
                                   double epoch)
    : settings_(std::move(settings)), counters_(counters), epoch_(epoch) {
  assert(std::any_of(settings_.limits.begin(), settings_.limits.end(),
                     [](double l) { return l > 0.0; }));
}

Decision KongRateLimiting::decide(double now, Key key) {
  // ngx.time(): whole seconds of Unix time.
  const auto ts = static_cast<std::int64_t>(std::floor(epoch_ + now + 1e-9));
  const bool redis = settings_.policy == KongPolicy::kRedis;

  struct Usage {
    double remaining = 0.0;
    std::int64_t start = 0;
    double end = 0.0;  // simulation seconds
    std::uint64_t used = 0;
  };
  std::array<Usage, kKongPeriodCount> usage{};
  int stop = -1;      // Kong's `stop`: the (last) period whose limit is reached
  int shortest = -1;  // the shortest such period, for the reason
  for (std::size_t i = 0; i < kKongPeriodCount; ++i) {
    const double limit = settings_.limits[i];
    if (limit <= 0.0) continue;
    const KongPeriod p = periodAt(i);
    Usage& u = usage[i];
    u.start = windowStart(p, ts);
    u.end = static_cast<double>(windowEnd(p, ts)) - epoch_;
    // redis: INCR returns the count with this request; Kong compares the count before it.
    u.used = redis ? counters_.increment(key, p, u.start, now, u.end) - 1
                   : counters_.usage(key, p, u.start, now);
    u.remaining = limit - static_cast<double>(u.used);
    if (u.remaining <= 0.0) {
      stop = static_cast<int>(i);
      if (shortest < 0) shortest = static_cast<int>(i);
    }
  }

  Decision d;
  d.limiter = kRateLimiting;
  // The headers, as the access phase computes them.
  bool picked = false;
  double remaining = 0.0;
  std::int64_t window = 0;
  for (std::size_t i = 0; i < kKongPeriodCount; ++i) {
    if (settings_.limits[i] <= 0.0) continue;
    double current = usage[i].remaining;
    if (stop < 0 || stop == static_cast<int>(i)) current -= 1.0;
    current = std::max(0.0, current);
    const std::int64_t length = kongExpiration(periodAt(i));
    if (!picked || current < remaining || (current == remaining && length > window)) {
      picked = true;
      remaining = current;
      window = length;
      d.retryAfter = static_cast<double>(std::max<std::int64_t>(1, length - (ts - usage[i].start)));
    }
  }
  if (!settings_.hideClientHeaders) {
    d.remaining = static_cast<std::int64_t>(std::floor(remaining));
  } else {
    d.retryAfter = 0.0;
  }

  const std::size_t reported =
      shortest >= 0
          ? static_cast<std::size_t>(shortest)
          : static_cast<std::size_t>(std::find_if(settings_.limits.begin(), settings_.limits.end(),
                                                  [](double l) { return l > 0.0; }) -
                                     settings_.limits.begin());
  d.scope = kongPeriodName(periodAt(reported));
  d.limit = settings_.limits[reported];
  d.measure = static_cast<double>(usage[reported].used);
  if (stop >= 0) {
    d.fate = Fate::kReject;
    d.why = Why::kWindowFull;
    d.status = settings_.errorCode;
    return d;
  }
  if (!redis) {
    for (std::size_t i = 0; i < kKongPeriodCount; ++i) {
      if (settings_.limits[i] <= 0.0) continue;
      counters_.increment(key, periodAt(i), usage[i].start, now, usage[i].end);
    }
  }
  return d;
}

}  // namespace lbsim::models::ratelimit
