#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace lbsim::models::health {

inline constexpr double kNever = std::numeric_limits<double>::infinity();

// What one health check — a request with a timeout — came back with. Systems tell apart
// what they can see: Kong counts refusals (tcp_failures), bad statuses (http_failures) and
// timeouts (timeouts) separately, Cloudflare retries only timeouts, Envoy sees a refusal as
// a 503 and a timeout as a 504.
enum class CheckResult : std::uint8_t {
  kOk,        // answered in time with a passing status
  kFailed,    // answered in time with a failing status (an HTTP 5xx, a non-zero exit)
  kRefused,   // the connection was refused or reset: the process is not listening
  kTimedOut,  // no answer within the check's timeout: the host is gone or the process hung
};

std::string_view checkResultName(CheckResult result);  // "ok", "failed", "refused", "timed out"

// Why a health mechanism changed a target's state (or decided not to).
enum class Why : std::uint8_t {
  kFailuresReachedThreshold,   // `count` consecutive failures reached `setting` = `threshold`
  kSuccessesReachedThreshold,  // `count` consecutive successes reached `setting` = `threshold`
  kFirstFailureAtStart,  // HAProxy: a server starts UP with health = rise, one failure from DOWN
  kInitialCheckPassed,   // AWS ALB `initial`, Docker `starting`: the first passing check
  kLivenessRestart,      // Kubernetes liveness: the kubelet restarts the container
  kContainerRestarted,   // a new container: probing resumes from the initial state
  kFailureTypeReachedLimit,  // Kong: one failure counter (http, tcp, timeout) reached its limit
  kMixedResults,             // Kong: healthy -> mostly_healthy, unhealthy -> mostly_unhealthy
  kMaxFailsReached,          // nginx: fails reached max_fails: skipped until `until`
  kFailTimeoutElapsed,       // nginx: fail_timeout elapsed, one request is let through
  kTrialSucceeded,           // nginx, breaker: the request after the wait succeeded
  kTrialFailed,              // nginx, breaker: the request after the wait failed
  kEjected,                  // Envoy: ejected for `duration` (base_ejection_time x backoff `count`)
  kEjectionOverflow,         // Envoy: detected, not ejected: max_ejection_percent would be exceeded
  kEjectionNotEnforced,      // Envoy: detected, not ejected: enforcing_* is 0
  kUnejected,                // Envoy: the ejection time elapsed, seen at an interval tick
  kBreakerOpened,            // breaker: `count` failures reached failure_threshold
  kRecoveryTimeoutElapsed,   // breaker: recovery_timeout elapsed: half-open
  kReopenedByLateFailure,    // breaker: a request in flight failed while open: open again
  kClosedByLateSuccess,      // breaker: a request in flight succeeded while open: closed
  kPromoted,  // database: the primary stayed down `duration`: this replica takes the writes
  kReplaced,  // Auto Scaling: unhealthy past HealthCheckGracePeriod `duration`: replaced
};

// A decision of a health mechanism with its reason, in the system's own words: the state
// names ("UP", "unhealthy", "half_open") and the cause ("Layer4 timeout",
// "Target.Timeout", "consecutive_5xx"). Every string is a static literal, so events are
// cheap to make on the hot path; `describe` writes the sentence for people.
struct HealthEvent {
  double time = 0.0;
  std::uint32_t target = 0;  // the target (host, peer) the event is about
  std::string_view from;
  std::string_view to;
  bool available = true;  // whether the target takes traffic after the event
  Why why = Why::kFailuresReachedThreshold;
  std::string_view cause;    // what the last result was, in the system's words
  std::string_view setting;  // the setting that was reached: "fall", "max_fails", ...
  std::uint32_t count = 0;
  std::uint32_t threshold = 0;
  double duration = 0.0;  // seconds: ejection time, fail_timeout, recovery_timeout
  double until = 0.0;     // when a wait ends (nginx, breaker, Envoy ejection)
  double percent = 0.0;   // Envoy: the share of hosts that would be ejected, a success rate
  double limit = 0.0;     // Envoy: the success-rate ejection threshold
};

// One sentence: why the event happened and what follows from it.
std::string describe(const HealthEvent& event);

// Durations as operators write them: "5s", "250ms", "1m30s".
std::string formatSeconds(double seconds);

}  // namespace lbsim::models::health
