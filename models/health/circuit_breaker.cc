#include "models/health/circuit_breaker.h"

#include <cassert>

namespace lbsim::models::health {

namespace {
std::string_view breakerCause(CheckResult result) {
  switch (result) {
    case CheckResult::kOk:
      return "success";
    case CheckResult::kFailed:
      return "error response";
    case CheckResult::kRefused:
      return "connection refused";
    case CheckResult::kTimedOut:
      return "timeout";
  }
  return {};
}
}  // namespace

std::string_view breakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return {};
}

CircuitBreaker::CircuitBreaker(const BreakerSettings& settings, std::uint32_t target)
    : settings_(settings), target_(target) {
  assert(settings_.failureThreshold >= 1 && settings_.recoveryTimeout >= 0.0);
}

HealthEvent CircuitBreaker::event(double time, BreakerState to, Why why, CheckResult result) const {
  HealthEvent e;
  e.time = time;
  e.target = target_;
  e.from = breakerStateName(state_);
  e.to = breakerStateName(to);
  e.available = to == BreakerState::kClosed;  // half-open lets trials through, no traffic
  e.why = why;
  e.cause = breakerCause(result);
  e.setting = "failure_threshold";
  e.count = failures_;
  e.threshold = settings_.failureThreshold;
  e.duration = settings_.recoveryTimeout;
  return e;
}

std::optional<HealthEvent> CircuitBreaker::poll(double now) {
  // circuitbreaker's `state`: open while open_remaining > 0, that is while
  // now < opened + recovery_timeout.
  if (state_ != BreakerState::kOpen || now < openedAt_ + settings_.recoveryTimeout) {
    return std::nullopt;
  }
  HealthEvent e = event(openedAt_ + settings_.recoveryTimeout, BreakerState::kHalfOpen,
                        Why::kRecoveryTimeoutElapsed, CheckResult::kOk);
  state_ = BreakerState::kHalfOpen;
  trialsOut_ = 0;
  return e;
}

CircuitBreaker::Admission CircuitBreaker::admit(double now) {
  Admission a;
  a.event = poll(now);
  switch (state_) {
    case BreakerState::kClosed:
      a.allowed = true;
      break;
    case BreakerState::kOpen:
      a.allowed = false;
      break;
    case BreakerState::kHalfOpen:
      a.allowed = settings_.halfOpenTrials == 0 || trialsOut_ < settings_.halfOpenTrials;
      if (a.allowed) ++trialsOut_;
      break;
  }
  return a;
}

std::optional<HealthEvent> CircuitBreaker::onResult(double now, CheckResult result) {
  const BreakerState before = state_;
  if (before == BreakerState::kHalfOpen && trialsOut_ > 0) --trialsOut_;
  if (result == CheckResult::kOk) {
    // __call_succeeded: closed, count cleared, whatever the state.
    std::optional<HealthEvent> e;
    if (before == BreakerState::kHalfOpen) {
      e = event(now, BreakerState::kClosed, Why::kTrialSucceeded, result);
    } else if (before == BreakerState::kOpen) {
      e = event(now, BreakerState::kClosed, Why::kClosedByLateSuccess, result);
    }
    state_ = BreakerState::kClosed;
    failures_ = 0;
    return e;
  }
  // __call_failed: count, and (re)open at the threshold.
  ++failures_;
  if (failures_ < settings_.failureThreshold) return std::nullopt;
  const Why why = before == BreakerState::kClosed     ? Why::kBreakerOpened
                  : before == BreakerState::kHalfOpen ? Why::kTrialFailed
                                                      : Why::kReopenedByLateFailure;
  HealthEvent e = event(now, BreakerState::kOpen, why, result);
  state_ = BreakerState::kOpen;
  openedAt_ = now;
  trialsOut_ = 0;
  e.until = now + settings_.recoveryTimeout;
  return e;
}

}  // namespace lbsim::models::health
