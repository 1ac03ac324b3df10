#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "models/health/health_event.h"

namespace lbsim::models::health {

struct BreakerSettings {
  std::uint32_t failureThreshold = 5;  // failure_threshold
  double recoveryTimeout = 30.0;       // recovery_timeout, seconds (circuitbreaker's default 30)
  // Requests let through at once while half-open: 1 is the classic single trial request;
  // 0 lets every request through, as fabfuel/circuitbreaker does.
  std::uint32_t halfOpenTrials = 1;
};

enum class BreakerState : std::uint8_t { kClosed, kOpen, kHalfOpen };
std::string_view breakerStateName(BreakerState state);  // "closed", "open", "half_open"

// A client-side circuit breaker with the settings of Python's `circuitbreaker` package
// (fabfuel/circuitbreaker, the names the Automata seed uses: failure_threshold = 5,
// recovery_timeout = 300). Results are applied as its __call_failed / __call_succeeded do,
// whatever the state: a failure adds to failure_count and, at failure_threshold, opens the
// circuit (again) from now; a success closes it and clears the count — so the count is of
// failures since the last success. While open, requests fail fast; once recovery_timeout
// has passed since it opened (open_remaining <= 0) the circuit is half-open and lets trial
// requests through: the first result decides, success closes and failure reopens.
class CircuitBreaker {
 public:
  explicit CircuitBreaker(const BreakerSettings& settings, std::uint32_t target = 0);

  struct Admission {
    bool allowed = true;
    std::optional<HealthEvent> event;  // open -> half_open, when admission found it due
  };
  // Whether a request may be sent at `now`. A request let through while half-open is a
  // trial; its result must be reported.
  Admission admit(double now);
  // Moves open -> half_open if recovery_timeout has passed; the event is stamped with the
  // moment it became due. For drivers that want the change at its time (halfOpenAt()).
  std::optional<HealthEvent> poll(double now);
  // The result of a request that was let through.
  std::optional<HealthEvent> onResult(double now, CheckResult result);

  BreakerState state() const { return state_; }
  double halfOpenAt() const {
    return state_ == BreakerState::kOpen ? openedAt_ + settings_.recoveryTimeout : kNever;
  }
  std::uint32_t failureCount() const { return failures_; }
  const BreakerSettings& settings() const { return settings_; }

 private:
  HealthEvent event(double time, BreakerState to, Why why, CheckResult result) const;

  BreakerSettings settings_;
  std::uint32_t target_ = 0;
  BreakerState state_ = BreakerState::kClosed;
  std::uint32_t failures_ = 0;
  std::uint32_t trialsOut_ = 0;
  double openedAt_ = 0.0;
};

}  // namespace lbsim::models::health
