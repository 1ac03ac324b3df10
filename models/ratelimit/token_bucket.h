#pragma once

#include <cstdint>

#include "models/ratelimit/decision.h"
#include "models/ratelimit/key_table.h"

namespace lbsim::models::ratelimit {

// A token bucket per key: `maxTokens` capacity, full at the start, `tokensPerFill` tokens
// added every `fillInterval` seconds; a request takes one token or is rejected with
// `status`. Two ways of adding the tokens:
//  - continuous (the default): the bucket fills at tokensPerFill / fillInterval tokens per
//    second, fractions included, and a request needs one whole token. This is Envoy's
//    local rate limit since the runtime guard
//    envoy.reloadable_features.no_timer_based_rate_limit_token_bucket became the default
//    (AtomicTokenBucket in source/extensions/filters/common/local_ratelimit/); it is also
//    the textbook bucket of `rate` tokens per second and `capacity` tokens.
//  - timer (older Envoy, TimerTokenBucket): a timer started with the limiter adds
//    tokensPerFill whole tokens at fillInterval, 2 fillInterval, ... (capped at maxTokens);
//    between fills nothing is added. Envoy requires fillInterval >= 50 ms for it.
// Envoy's HTTP local_ratelimit answers 429 by default (its `status` field). Envoy keeps one
// bucket per filter (a single key) unless descriptors split it.
struct TokenBucketSettings {
  double maxTokens = 1.0;
  double tokensPerFill = 1.0;
  double fillInterval = 1.0;  // seconds
  bool timerFill = false;
  std::uint16_t status = 429;
};

class TokenBucketLimiter {
 public:
  explicit TokenBucketLimiter(const TokenBucketSettings& settings);

  Decision decide(double now, Key key);
  void prefetch(Key key) const { buckets_.prefetch(key); }  // KeyTable::prefetch

  // Tokens the key's bucket holds at `now` (maxTokens for a key never seen).
  double tokens(double now, Key key) const;
  const TokenBucketSettings& settings() const { return settings_; }
  std::size_t size() const { return buckets_.size(); }
  // Drops buckets that are full again: a new bucket starts full, so nothing changes.
  std::size_t expire(double now);

 private:
  struct Bucket {
    double tokens = 0.0;
    double updated = 0.0;  // continuous: when `tokens` was computed; timer: the last fill seen
  };
  double refill(const Bucket& b, double now) const;

  TokenBucketSettings settings_;
  double fillRate_;  // tokens per second
  KeyTable<Bucket> buckets_;
};

}  // namespace lbsim::models::ratelimit
