#include "models/ratelimit/token_bucket.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace lbsim::models::ratelimit {

namespace {

constexpr std::string_view kTokenBucket = "token bucket";

// Which fill of the timer `time` comes after: fills happen at k * interval, k >= 1.
double fillsBy(double time, double interval) {
  return std::floor(time / interval + 1e-9);
}

}  // namespace

TokenBucketLimiter::TokenBucketLimiter(const TokenBucketSettings& settings)
    : settings_(settings), fillRate_(settings.tokensPerFill / settings.fillInterval) {
  assert(settings.maxTokens >= 1.0 && settings.tokensPerFill > 0.0 && settings.fillInterval > 0.0);
}

double TokenBucketLimiter::refill(const Bucket& b, double now) const {
  if (settings_.timerFill) {
    const double fills =
        fillsBy(now, settings_.fillInterval) - fillsBy(b.updated, settings_.fillInterval);
    if (fills <= 0.0) return b.tokens;
    return std::min(settings_.maxTokens, b.tokens + fills * settings_.tokensPerFill);
  }
  if (now <= b.updated) return b.tokens;
  return std::min(settings_.maxTokens, b.tokens + (now - b.updated) * fillRate_);
}

Decision TokenBucketLimiter::decide(double now, Key key) {
  auto [slot, added] = buckets_.tryEmplace(key);
  Bucket& b = *slot;
  if (added) {
    b.tokens = settings_.maxTokens;
    b.updated = now;
  } else {
    b.tokens = refill(b, now);
    b.updated = std::max(b.updated, now);
  }
  Decision d;
  d.limiter = kTokenBucket;
  d.limit = settings_.maxTokens;
  // A whole token, give or take the rounding of times in double seconds (0.3 - 0.2 is
  // 0.09999999999999998).
  if (b.tokens >= 1.0 - 1e-9) {
    b.tokens = std::max(0.0, b.tokens - 1.0);
    d.measure = b.tokens;
    return d;
  }
  d.measure = b.tokens;
  d.fate = Fate::kReject;
  d.why = Why::kNoTokens;
  d.status = settings_.status;
  return d;
}

double TokenBucketLimiter::tokens(double now, Key key) const {
  const Bucket* b = buckets_.find(key);
  return b == nullptr ? settings_.maxTokens : refill(*b, now);
}

std::size_t TokenBucketLimiter::expire(double now) {
  return buckets_.eraseIf(
      [&](Key, const Bucket& b) { return refill(b, now) >= settings_.maxTokens; });
}

}  // namespace lbsim::models::ratelimit
