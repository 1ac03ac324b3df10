#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "models/health/health_event.h"

namespace lbsim::models::health {

// Kong upstream `healthchecks.active` (kong/db/schema/entities/upstreams.lua for the
// defaults, lua-resty-healthcheck lib/resty/healthcheck.lua for the machine). Every limit
// defaults to 0, which turns that counter off: a result whose limit is 0 is ignored
// entirely (incr_counter returns before counting).
struct KongActiveSettings {
  double healthyInterval = 0.0;    // healthy.interval: probe healthy targets (0: never)
  double unhealthyInterval = 0.0;  // unhealthy.interval: probe unhealthy targets (0: never)
  double timeout = 1.0;            // active.timeout
  std::uint32_t successes = 0;     // healthy.successes
  std::uint32_t httpFailures = 0;  // unhealthy.http_failures: an unhealthy status
  std::uint32_t tcpFailures = 0;   // unhealthy.tcp_failures: connection refused or reset
  std::uint32_t timeouts = 0;      // unhealthy.timeouts
};

enum class KongHealth : std::uint8_t { kHealthy, kMostlyHealthy, kMostlyUnhealthy, kUnhealthy };

std::string_view kongHealthName(KongHealth health);  // "healthy", "mostly_healthy", ...

// One Kong target under active checks. Four counters: successes, and failures by kind
// (http, tcp, timeout), each compared with its own limit. A failure clears only the success
// counter; a success clears all three failure counters. Results that agree with the
// current full state are not counted (a success while `healthy`, a failure while
// `unhealthy`). A mixed result moves `healthy` to `mostly_healthy` and `unhealthy` to
// `mostly_unhealthy`; a counter at its limit moves the target to `healthy` or `unhealthy`.
// `healthy` and `mostly_healthy` take traffic. Two timers, both first firing one interval
// after the start: healthy.interval probes the (mostly) healthy targets and
// unhealthy.interval the (mostly) unhealthy ones. Targets start healthy.
class KongActiveChecker {
 public:
  KongActiveChecker(const KongActiveSettings& settings, double start);

  // When the timer of the target's current mode next fires; kNever when that interval is 0.
  double nextCheckAt() const { return next_; }
  double timeout() const { return settings_.timeout; }

  // A probe started at `started` ended at `ended` with `result`: kOk is a healthy status,
  // kFailed an unhealthy status (http_failures), kRefused a TCP failure, kTimedOut a
  // timeout.
  std::optional<HealthEvent> onCheckResult(double started, double ended, CheckResult result);

  KongHealth health() const { return health_; }
  bool available() const {
    return health_ == KongHealth::kHealthy || health_ == KongHealth::kMostlyHealthy;
  }
  std::uint32_t successCount() const { return successes_; }
  std::uint32_t httpCount() const { return http_; }
  std::uint32_t tcpCount() const { return tcp_; }
  std::uint32_t timeoutCount() const { return timeouts_; }
  // Whether the last result was counted (its limit is not 0 and it disagrees with the
  // current full state).
  bool lastCounted() const { return lastCounted_; }
  const KongActiveSettings& settings() const { return settings_; }

 private:
  double nextTick(double started, double ended) const;

  KongActiveSettings settings_;
  double start_ = 0.0;
  double next_ = 0.0;
  KongHealth health_ = KongHealth::kHealthy;
  std::uint32_t successes_ = 0;
  std::uint32_t http_ = 0;
  std::uint32_t tcp_ = 0;
  std::uint32_t timeouts_ = 0;
  bool lastCounted_ = false;
};

}  // namespace lbsim::models::health
