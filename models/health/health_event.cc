#include "models/health/health_event.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace lbsim::models::health {

std::string_view checkResultName(CheckResult result) {
  switch (result) {
    case CheckResult::kOk:
      return "ok";
    case CheckResult::kFailed:
      return "failed";
    case CheckResult::kRefused:
      return "refused";
    case CheckResult::kTimedOut:
      return "timed out";
  }
  return "?";
}

std::string formatSeconds(double seconds) {
  if (std::isinf(seconds)) return "never";
  char buffer[48];
  if (seconds != 0.0 && std::fabs(seconds) < 1.0) {
    std::snprintf(buffer, sizeof buffer, "%gms", seconds * 1000.0);
  } else {
    std::snprintf(buffer, sizeof buffer, "%gs", seconds);
  }
  return buffer;
}

namespace {

__attribute__((format(printf, 1, 2))) std::string format(const char* pattern, ...) {
  char buffer[400];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

// printf wants char*: the string_views of an event are literals, but not
// necessarily null-terminated ones, so they go through %.*s.
#define SV(view) static_cast<int>((view).size()), (view).data()

}  // namespace

std::string describe(const HealthEvent& e) {
  const std::string duration = formatSeconds(e.duration);
  const std::string until = formatSeconds(e.until);
  switch (e.why) {
    case Why::kFailuresReachedThreshold:
      if (e.count == 1) {
        return format("a failed check (%.*s %u): %.*s", SV(e.setting), e.threshold, SV(e.cause));
      }
      return format("%u consecutive failed checks reached %.*s %u (last: %.*s)", e.count,
                    SV(e.setting), e.threshold, SV(e.cause));
    case Why::kSuccessesReachedThreshold:
      if (e.setting.empty()) return "a passed check is enough";
      if (e.count == 1) return format("a passed check (%.*s %u)", SV(e.setting), e.threshold);
      return format("%u consecutive passed checks reached %.*s %u", e.count, SV(e.setting),
                    e.threshold);
    case Why::kFirstFailureAtStart:
      return format(
          "a server starts UP with health = rise, one failed check from DOWN; the first check "
          "failed (%.*s)",
          SV(e.cause));
    case Why::kInitialCheckPassed:
      return format("the first passing check ends the %.*s state", SV(e.from));
    case Why::kLivenessRestart:
      return format(
          "%u consecutive failed probes reached failureThreshold %u (last: %.*s): the kubelet "
          "kills and restarts the container; probing waits for the new one",
          e.count, e.threshold, SV(e.cause));
    case Why::kContainerRestarted:
      return format("a new container started: probing starts again from %.*s", SV(e.to));
    case Why::kReplaced:
      return format(
          "unhealthy by the load balancer's health checks (HealthCheckType ELB) after its "
          "HealthCheckGracePeriod %s: Auto Scaling terminates the instance and launches a "
          "replacement",
          duration.c_str());
    case Why::kFailureTypeReachedLimit:
      return format("%u %.*s since the last success reached %.*s %u", e.count, SV(e.cause),
                    SV(e.setting), e.threshold);
    case Why::kMixedResults:
      return format("%.*s counted while %.*s (%u of %.*s %u)", SV(e.cause), SV(e.from), e.count,
                    SV(e.setting), e.threshold);
    case Why::kMaxFailsReached:
      return format(
          "%u failed requests reached max_fails %u (%.*s); not chosen while now - checked <= "
          "fail_timeout %s, so again from %s",
          e.count, e.threshold, SV(e.cause), duration.c_str(), until.c_str());
    case Why::kFailTimeoutElapsed:
      return format(
          "more than fail_timeout %s since the last failure: one request is let through "
          "(checked = now)",
          duration.c_str());
    case Why::kTrialSucceeded:
      return "the request let through after the wait succeeded: the failure count is cleared";
    case Why::kTrialFailed:
      return format("the request let through after the wait failed (%.*s): waiting again until %s",
                    SV(e.cause), until.c_str());
    case Why::kEjected:
      if (e.setting == "success_rate") {
        return format(
            "success rate %.1f%% below the cluster's threshold %.1f%% (mean - stdev_factor x "
            "stdev); ejected for %s (base_ejection_time x %u), until the first interval tick at "
            "or after %s",
            e.percent, e.limit, duration.c_str(), e.count, until.c_str());
      }
      return format(
          "%.*s: %u in a row; ejected for %s (base_ejection_time x %u, at most "
          "max_ejection_time), until the first interval tick at or after %s",
          SV(e.setting), e.threshold, duration.c_str(), e.count, until.c_str());
    case Why::kEjectionOverflow:
      return format(
          "%.*s detected but not ejected: %.0f%% of the hosts would be ejected, more than "
          "max_ejection_percent %u",
          SV(e.setting), e.percent, e.threshold);
    case Why::kEjectionNotEnforced:
      return format("%.*s detected (%u in a row) but not ejected: enforcing_%.*s is 0",
                    SV(e.setting), e.count, SV(e.setting));
    case Why::kUnejected:
      return format("ejection time %s elapsed (checked at the interval tick)", duration.c_str());
    case Why::kBreakerOpened:
      return format(
          "%u failures since the last success reached failure_threshold %u (%.*s); requests "
          "fail fast until %s",
          e.count, e.threshold, SV(e.cause), until.c_str());
    case Why::kRecoveryTimeoutElapsed:
      return format("recovery_timeout %s elapsed since the circuit opened: trial requests pass",
                    duration.c_str());
    case Why::kReopenedByLateFailure:
      return format(
          "a request sent before the circuit opened failed (%.*s): the open period restarts "
          "until %s",
          SV(e.cause), until.c_str());
    case Why::kClosedByLateSuccess:
      return "a request sent before the circuit opened succeeded: closed, failure count cleared";
    case Why::kPromoted:
      return format(
          "the primary was out of rotation for %s: this read replica is promoted and takes the "
          "writes",
          formatSeconds(e.duration).c_str());
  }
  return {};
}

#undef SV

}  // namespace lbsim::models::health
