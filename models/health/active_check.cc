#include "models/health/active_check.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace lbsim::models::health {

namespace {
// Times are sums of interval multiples; compare with a little slack.
constexpr double kSlack = 1e-9;
}  // namespace

ActiveCheckSpec haproxyCheck(const HaproxyCheckSettings& s) {
  using InitState = HaproxyCheckSettings::InitState;
  ActiveCheckSpec spec;
  spec.system = "HAProxy";
  spec.upName = "UP";
  spec.downName = "DOWN";
  spec.schedule = Schedule::kAfterCompletion;
  spec.interval = s.inter;
  spec.fastInterval = s.fastinter;
  spec.downInterval = s.downinter;
  spec.timeout = s.inter;
  if (s.timeoutCheck > 0.0 && s.timeoutConnect > 0.0)
    spec.timeout = std::min(s.timeoutConnect, s.inter);
  spec.firstCheck = 0.0;  // start_check_task: srvpos 0 of nbcheck starts at once
  spec.failuresToDown = s.fall;
  spec.successesToUp = s.rise;
  spec.failuresSetting = "fall";
  spec.successesSetting = "rise";
  switch (s.initState) {
    case InitState::kNone:
    case InitState::kUp:  // health = rise
      spec.start = ActiveState::kUp;
      spec.startFailures = s.fall - 1;
      break;
    case InitState::kFullyUp:  // health = rise + fall - 1
      spec.start = ActiveState::kUp;
      break;
    case InitState::kDown:  // health = rise - 1
      spec.start = ActiveState::kDown;
      spec.startSuccesses = s.rise - 1;
      break;
    case InitState::kFullyDown:  // health = 0
      spec.start = ActiveState::kDown;
      break;
  }
  spec.causes = {"Layer7 check passed", "Layer7 wrong status", "Layer4 connection problem",
                 "Layer4 timeout"};
  return spec;
}

ActiveCheckSpec albHealthCheck(const AlbHealthCheckSettings& s) {
  ActiveCheckSpec spec;
  spec.system = "AWS ALB";
  spec.initialName = "initial";
  spec.upName = "healthy";
  spec.downName = "unhealthy";
  spec.schedule = Schedule::kFixedRate;
  spec.interval = s.interval;
  spec.timeout = s.timeout;
  spec.start = ActiveState::kInitial;
  spec.successesFromInitial = 1;  // "must pass one health check to be considered healthy"
  spec.failuresToDown = s.unhealthyThreshold;
  spec.successesToUp = s.healthyThreshold;
  spec.failuresSetting = "UnhealthyThresholdCount";
  spec.successesSetting = "HealthyThresholdCount";
  spec.causes = {"healthy", "Target.ResponseCodeMismatch", "Target.FailedHealthChecks",
                 "Target.Timeout"};
  return spec;
}

ActiveCheckSpec cloudflareMonitor(const CloudflareMonitorSettings& s) {
  ActiveCheckSpec spec;
  spec.system = "Cloudflare";
  spec.upName = "healthy";
  spec.downName = "unhealthy";
  spec.schedule = Schedule::kFixedRate;
  spec.interval = s.interval;
  spec.timeout = s.timeout;
  spec.start = ActiveState::kUp;
  spec.failuresToDown = std::max<std::uint32_t>(1, s.consecutiveDown);
  spec.successesToUp = std::max<std::uint32_t>(1, s.consecutiveUp);
  spec.timeoutRetries = s.retries;
  spec.failuresSetting = "consecutive_down";
  spec.successesSetting = "consecutive_up";
  spec.causes = {"healthy", "response code mismatch", "connection refused", "timeout"};
  return spec;
}

ActiveCheckSpec dockerHealthcheck(const DockerHealthcheckSettings& s) {
  ActiveCheckSpec spec;
  spec.system = "Docker";
  spec.initialName = "starting";
  spec.upName = "healthy";
  spec.downName = "unhealthy";
  spec.schedule = Schedule::kAfterCompletion;
  spec.interval = s.interval;
  spec.timeout = s.timeout;
  spec.startPeriod = s.startPeriod;
  spec.startInterval = s.startInterval;
  spec.firstCheck = s.interval;  // with a start period, ActiveChecker asks intervalAfter(start)
  spec.start = ActiveState::kInitial;
  spec.successesFromInitial = 1;
  spec.successesToUp = 1;  // one passing probe: Healthy, FailingStreak = 0
  spec.failuresToDown = s.retries == 0 ? 3 : s.retries;  // defaultProbeRetries
  spec.failuresSetting = "retries";
  spec.successesSetting = "";  // no setting: one passing probe
  spec.causes = {"exit code 0", "exit code 1", "exit code 1 (connection refused)",
                 "Health check exceeded timeout"};
  return spec;
}

ActiveCheckSpec kubernetesProbe(const KubernetesProbeSettings& s) {
  using Kind = KubernetesProbeSettings::Kind;
  ActiveCheckSpec spec;
  spec.system = s.kind == Kind::kReadiness ? "Kubernetes readiness" : "Kubernetes liveness";
  spec.schedule = Schedule::kFixedRate;
  spec.interval = s.periodSeconds;
  spec.timeout = s.timeoutSeconds;
  spec.initialDelay = s.initialDelaySeconds;
  spec.failuresToDown = s.failureThreshold;
  spec.successesToUp = s.successThreshold;
  spec.failuresSetting = "failureThreshold";
  spec.successesSetting = "successThreshold";
  if (s.kind == Kind::kReadiness) {
    spec.upName = "Ready";
    spec.downName = "NotReady";
    spec.start = ActiveState::kDown;  // initialValue = results.Failure
  } else {
    spec.upName = "Alive";
    spec.downName = "Failed";
    spec.restartingName = "Restarting";
    spec.start = ActiveState::kUp;  // initialValue = results.Success
    spec.restartOnDown = true;
  }
  spec.causes = {"probe succeeded", "HTTP probe failed with statuscode: 500",
                 "connect: connection refused",
                 "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"};
  return spec;
}

ActiveChecker::ActiveChecker(const ActiveCheckSpec& spec, double start)
    : spec_(spec), start_(start), containerStart_(start) {
  assert(spec_.interval > 0.0 && spec_.timeout > 0.0);
  assert(spec_.failuresToDown >= 1 && spec_.successesToUp >= 1 && spec_.successesFromInitial >= 1);
  state_ = spec_.start;
  failures_ = failureCredit_ = spec_.startFailures;
  successes_ = successCredit_ = spec_.startSuccesses;
  retriesLeft_ = spec_.timeoutRetries;
  if (spec_.schedule == Schedule::kFixedRate) {
    next_ = firstTickFrom(start);
  } else {
    next_ = start + (spec_.startPeriod > 0.0 ? intervalAfter(start) : spec_.firstCheck);
  }
}

void ActiveChecker::assumeInService() {
  state_ = ActiveState::kUp;
  failures_ = failureCredit_ = 0;
  successes_ = successCredit_ = 0;
  // Started long ago: no start period, no initial delay left.
  containerStart_ = -std::numeric_limits<double>::infinity();
}

void ActiveChecker::firstCheckAt(double at) {
  if (spec_.schedule == Schedule::kFixedRate) start_ = at - spec_.firstCheck;
  next_ = at;
}

std::string_view ActiveChecker::nameOf(ActiveState s) const {
  switch (s) {
    case ActiveState::kInitial:
      return spec_.initialName;
    case ActiveState::kUp:
      return spec_.upName;
    case ActiveState::kDown:
      return spec_.downName;
    case ActiveState::kRestarting:
      return spec_.restartingName;
  }
  return {};
}

// The ticks of a fixed-rate checker are start + firstCheck + k * interval. Kubernetes skips
// the ticks while the container is younger than initialDelaySeconds, counted in whole
// seconds (int32(time.Since(StartedAt).Seconds()) < InitialDelaySeconds).
double ActiveChecker::firstTickFrom(double containerStart) const {
  const double phase = start_ + spec_.firstCheck;
  double k = std::max(0.0, std::ceil((containerStart - phase) / spec_.interval - kSlack));
  while (std::floor(phase + k * spec_.interval - containerStart + kSlack) < spec_.initialDelay)
    k += 1.0;
  return phase + k * spec_.interval;
}

double ActiveChecker::intervalAfter(double ended) const {
  if (spec_.startPeriod > 0.0) {
    // Docker's getInterval: never run past the end of the start period, and probe every
    // start_interval while still starting within it.
    const double elapsed = ended - containerStart_;
    if (elapsed >= spec_.startPeriod) return spec_.interval;
    const double remaining = spec_.startPeriod - elapsed;
    if (remaining < spec_.interval) return remaining;
    if (state_ == ActiveState::kInitial && spec_.startInterval > 0.0) return spec_.startInterval;
    return spec_.interval;
  }
  // HAProxy's srv_getinter: inter when fully UP, downinter when fully DOWN, fastinter in
  // between (and at the start, health = rise).
  if (state_ == ActiveState::kUp && failures_ == 0) return spec_.interval;
  if (state_ == ActiveState::kDown && successes_ == 0) {
    return spec_.downInterval > 0.0 ? spec_.downInterval : spec_.interval;
  }
  return spec_.fastInterval > 0.0 ? spec_.fastInterval : spec_.interval;
}

HealthEvent ActiveChecker::change(double time, ActiveState to, Why why, CheckResult result) {
  HealthEvent e;
  e.time = time;
  e.from = nameOf(state_);
  e.to = nameOf(to);
  e.why = why;
  e.cause = spec_.causes[static_cast<std::size_t>(result)];
  if (result == CheckResult::kOk) {
    e.setting = spec_.successesSetting;
    e.count = successes_ - successCredit_;
    e.threshold =
        state_ == ActiveState::kInitial ? spec_.successesFromInitial : spec_.successesToUp;
  } else {
    e.setting = spec_.failuresSetting;
    e.count = failures_ - failureCredit_;
    e.threshold = spec_.failuresToDown;
  }
  state_ = to;
  e.available = available();
  failureCredit_ = 0;
  successCredit_ = 0;
  return e;
}

std::optional<HealthEvent> ActiveChecker::onCheckResult(double started, double ended,
                                                        CheckResult result) {
  assert(state_ != ActiveState::kRestarting);
  assert(started + kSlack >= next_ && ended + kSlack >= started);
  lastCounted_ = true;
  lastRetried_ = false;
  if (!inRetry_) {
    checkStart_ = started;
    retriesLeft_ = spec_.timeoutRetries;
  }
  if (result == CheckResult::kTimedOut && retriesLeft_ > 0) {
    --retriesLeft_;
    inRetry_ = true;
    lastRetried_ = true;
    lastCounted_ = false;
    next_ = ended;  // Cloudflare: "Retries are attempted immediately"
    return std::nullopt;
  }
  inRetry_ = false;

  const bool passed = result == CheckResult::kOk;
  if (passed) {
    ++successes_;
    failures_ = 0;
    failureCredit_ = 0;
  } else if (state_ == ActiveState::kInitial && spec_.startPeriod > 0.0 &&
             started - containerStart_ < spec_.startPeriod) {
    lastCounted_ = false;  // Docker: a probe begun within start_period while starting
  } else {
    ++failures_;
    successes_ = 0;
    successCredit_ = 0;
  }

  std::optional<HealthEvent> event;
  switch (state_) {
    case ActiveState::kInitial:
      if (passed && successes_ >= spec_.successesFromInitial) {
        event = change(ended, ActiveState::kUp,
                       spec_.successesFromInitial == 1 ? Why::kInitialCheckPassed
                                                       : Why::kSuccessesReachedThreshold,
                       result);
      } else if (!passed && lastCounted_ && failures_ >= spec_.failuresToDown) {
        event = change(ended, ActiveState::kDown, Why::kFailuresReachedThreshold, result);
      }
      break;
    case ActiveState::kUp:
      if (!passed && failures_ >= spec_.failuresToDown) {
        if (spec_.restartOnDown) {
          event = change(ended, ActiveState::kRestarting, Why::kLivenessRestart, result);
        } else {
          event = change(
              ended, ActiveState::kDown,
              failureCredit_ > 0 ? Why::kFirstFailureAtStart : Why::kFailuresReachedThreshold,
              result);
        }
      }
      break;
    case ActiveState::kDown:
      if (passed && successes_ >= spec_.successesToUp) {
        event =
            change(ended, ActiveState::kUp,
                   successCredit_ > 0 ? Why::kInitialCheckPassed : Why::kSuccessesReachedThreshold,
                   result);
      }
      break;
    case ActiveState::kRestarting:
      break;
  }

  if (state_ == ActiveState::kRestarting) {
    next_ = kNever;
  } else if (spec_.schedule == Schedule::kFixedRate) {
    // The next tick after this check's first attempt that is not before its end (a ticker
    // whose receiver was busy delivers the tick when it is free).
    const double phase = start_ + spec_.firstCheck;
    double k = std::floor((checkStart_ - phase) / spec_.interval + kSlack) + 1.0;
    while (phase + k * spec_.interval + kSlack < ended)
      k += 1.0;
    next_ = phase + k * spec_.interval;
  } else {
    next_ = ended + intervalAfter(ended);
  }
  return event;
}

std::optional<HealthEvent> ActiveChecker::containerRestarted(double now) {
  if (state_ != ActiveState::kRestarting) return std::nullopt;
  return newTarget(now);
}

std::optional<HealthEvent> ActiveChecker::newTarget(double now) {
  const ActiveState before = state_;
  HealthEvent e;
  e.time = now;
  e.from = nameOf(state_);
  state_ = spec_.start;
  e.to = nameOf(state_);
  e.why = Why::kContainerRestarted;
  e.available = available();
  failures_ = failureCredit_ = spec_.startFailures;
  successes_ = successCredit_ = spec_.startSuccesses;
  inRetry_ = false;
  containerStart_ = now;
  if (spec_.schedule == Schedule::kFixedRate) {
    next_ = firstTickFrom(now);
  } else {
    next_ = now + (spec_.startPeriod > 0.0 ? intervalAfter(now) : spec_.firstCheck);
  }
  if (before == state_) return std::nullopt;
  return e;
}

}  // namespace lbsim::models::health
