#pragma once

#include <algorithm>
#include <cmath>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "models/health/health_event.h"

namespace lbsim::models::health {

// Where a target stands with an active checker.
enum class ActiveState : std::uint8_t {
  kInitial,  // not yet judged, takes no traffic: AWS ALB `initial`, Docker `starting`
  kUp,
  kDown,
  kRestarting,  // Kubernetes liveness: the container is being replaced, no probing
};

// When the next check starts.
enum class Schedule : std::uint8_t {
  kFixedRate,        // every interval, whatever a check takes (AWS ALB, Kubernetes, Cloudflare)
  kAfterCompletion,  // an interval after the previous check ended (HAProxy, Docker)
};

// The semantics of one system's active checks, as data: one counter machine reproduces
// HAProxy, AWS ALB, Cloudflare, Docker and Kubernetes from these (Kong, with its separate
// failure counters, has its own machine in kong_active.h). The presets below fill it from
// each system's own settings.
struct ActiveCheckSpec {
  std::string_view system;  // "HAProxy", "AWS ALB", ...
  std::string_view initialName = "initial";
  std::string_view upName = "up";
  std::string_view downName = "down";
  std::string_view restartingName = "restarting";

  Schedule schedule = Schedule::kAfterCompletion;
  double interval = 2.0;
  double fastInterval = 0.0;   // HAProxy fastinter: while between UP and DOWN (0: interval)
  double downInterval = 0.0;   // HAProxy downinter: while fully DOWN (0: interval)
  double timeout = 2.0;        // a check without an answer by then has timed out
  double firstCheck = 0.0;     // delay from the start to the first check (fixed rate: the phase)
  double startPeriod = 0.0;    // Docker start_period: failures while starting do not count
  double startInterval = 0.0;  // Docker start_interval: the interval within start_period
  double initialDelay = 0.0;   // Kubernetes initialDelaySeconds: no probe before (whole seconds)

  ActiveState start = ActiveState::kUp;
  std::uint32_t failuresToDown = 3;        // fall, UnhealthyThresholdCount, retries, ...
  std::uint32_t successesToUp = 2;         // rise, HealthyThresholdCount, successThreshold
  std::uint32_t successesFromInitial = 1;  // from kInitial to kUp
  std::uint32_t startFailures = 0;         // failures counted at the start (HAProxy: fall - 1)
  std::uint32_t startSuccesses = 0;        // successes counted at the start (init-state down)
  std::uint32_t timeoutRetries = 0;  // Cloudflare retries: a timed-out attempt is retried at once
  bool restartOnDown = false;        // Kubernetes liveness: reaching down restarts the container
  std::string_view failuresSetting = "fall";
  std::string_view successesSetting = "rise";
  // What each CheckResult is called in the system's own words, indexed by CheckResult.
  std::array<std::string_view, 4> causes = {"ok", "failed", "refused", "timed out"};
};

// HAProxy `server ... check inter 5s rise 2 fall 3` (src/check.c, src/server.c). A server's
// health is an integer in [0, rise + fall - 1]: a failed check decrements it and, below
// rise, drops it to 0 (DOWN); a passed check increments it and, at rise, raises it to
// rise + fall - 1 (fully UP). So `fall` consecutive failures take a fully UP server DOWN and
// `rise` consecutive successes bring a DOWN one UP. A server starts with health = rise
// (srv_settings_cpy: "up, but will fall down at first failure") unless `init-state` says
// otherwise. The next check starts `inter` after the previous one ended (process_chk_conn),
// `fastinter` while the health is between the two ends and `downinter` while it is 0
// (srv_getinter). A timed-out check here is one to a host that does not answer the
// connection: it times out after `inter`, or after min(`timeout connect`, `inter`) when
// `timeout check` is set (doc/configuration.txt, "timeout check"); `timeout check` itself
// bounds only the wait for a reply on an established connection (a hung process), which
// is not told apart here.
struct HaproxyCheckSettings {
  enum class InitState : std::uint8_t { kNone, kFullyUp, kUp, kDown, kFullyDown };
  double inter = 2.0;  // DEF_CHKINTR 2000 ms
  double fastinter = 0.0;
  double downinter = 0.0;
  double timeoutCheck = 0.0;    // `timeout check` (0: not set)
  double timeoutConnect = 0.0;  // `timeout connect` (0: not set)
  std::uint32_t rise = 2;       // DEF_RISETIME
  std::uint32_t fall = 3;       // DEF_FALLTIME
  InitState initState = InitState::kNone;
};
ActiveCheckSpec haproxyCheck(const HaproxyCheckSettings& settings);

// AWS ALB target group health checks (Elastic Load Balancing user guide, "Health checks for
// your target groups"). A check starts every HealthCheckIntervalSeconds whatever the
// previous one took ("the time it takes for the target to respond does not affect the
// interval"); no answer within HealthCheckTimeoutSeconds is `Target.Timeout`. A registered
// target starts `initial` and "must pass one health check to be considered healthy";
// UnhealthyThresholdCount consecutive failures make it `unhealthy`, HealthyThresholdCount
// consecutive successes make an unhealthy target `healthy` again. Defaults: 30 s, 5 s, 5, 2.
struct AlbHealthCheckSettings {
  double interval = 30.0;
  double timeout = 5.0;
  std::uint32_t healthyThreshold = 5;
  std::uint32_t unhealthyThreshold = 2;
};
ActiveCheckSpec albHealthCheck(const AlbHealthCheckSettings& settings);

// Cloudflare load balancing monitors: a check every `interval` seconds with `timeout`; "the
// number of retries to attempt in case of a timeout before marking the origin as
// unhealthy. Retries are attempted immediately." `consecutive_down` / `consecutive_up`
// (default 0, that is one check) consecutive results change an origin's health. Origins
// are assumed healthy until checked. One vantage point: the majority vote of data centres
// and regions is not modelled. Defaults: 60 s, 5 s, 2 retries.
struct CloudflareMonitorSettings {
  double interval = 60.0;
  double timeout = 5.0;
  std::uint32_t retries = 2;
  std::uint32_t consecutiveUp = 0;
  std::uint32_t consecutiveDown = 0;
};
ActiveCheckSpec cloudflareMonitor(const CloudflareMonitorSettings& settings);

// Docker HEALTHCHECK (moby daemon/health.go, handleProbeResult and monitor). A container
// starts `starting`; one passing probe makes it `healthy` and clears FailingStreak; each
// failing probe adds to FailingStreak, and at `retries` it is `unhealthy` — except that
// while `starting`, a probe that began within `start_period` of the container's start does
// not count. The next probe starts an interval after the previous one ended: `interval`,
// or within the start period `start_interval` while starting, and never past the end of
// the start period. The first probe comes one such interval after the start. Defaults:
// 30 s, 30 s, 3 retries, start_period 0, start_interval 5 s.
struct DockerHealthcheckSettings {
  double interval = 30.0;
  double timeout = 30.0;
  double startPeriod = 0.0;
  double startInterval = 5.0;
  std::uint32_t retries = 3;
};
ActiveCheckSpec dockerHealthcheck(const DockerHealthcheckSettings& settings);

// Kubernetes readiness and liveness probes (kubelet pkg/kubelet/prober/worker.go, doProbe).
// A probe runs at the worker's start and then every periodSeconds (a ticker); none runs
// while the container is younger than initialDelaySeconds (whole seconds). A readiness
// probe starts at Failure (not ready), a liveness probe at Success. The result changes when
// the same result came failureThreshold (or successThreshold) times in a row. A liveness
// failure restarts the container; probing then waits for the new container. Defaults:
// period 10 s, timeout 1 s, success 1, failure 3.
struct KubernetesProbeSettings {
  enum class Kind : std::uint8_t { kReadiness, kLiveness };
  Kind kind = Kind::kReadiness;
  double initialDelaySeconds = 0.0;
  double periodSeconds = 10.0;
  double timeoutSeconds = 1.0;
  std::uint32_t successThreshold = 1;
  std::uint32_t failureThreshold = 3;
};
ActiveCheckSpec kubernetesProbe(const KubernetesProbeSettings& settings);

// The active checks of one target: a counter machine driven by check results. It decides
// when the next check starts; the caller runs the check against the target (a request
// that answers, is refused, or times out after `timeout()`) and reports the result. Times
// are simulated seconds; nothing here reads a clock.
class ActiveChecker {
 public:
  ActiveChecker(const ActiveCheckSpec& spec, double start);

  // When the next check (or Cloudflare retry) starts; kNever while restarting.
  double nextCheckAt() const { return next_; }
  double timeout() const { return spec_.timeout; }

  // The check that started at `started` (= nextCheckAt()) ended at `ended` with `result`.
  // Returns the state change it caused, if any, and schedules the next check.
  std::optional<HealthEvent> onCheckResult(double started, double ended, CheckResult result);

  // Kubernetes liveness: the replacement container started at `now`; probing resumes.
  std::optional<HealthEvent> containerRestarted(double now);
  // A new target took this one's place at `now` (a new container or instance, registered
  // afresh): the counters and state start again as at the start, whatever the state was.
  // Returns the change, if the state changed.
  std::optional<HealthEvent> newTarget(double now);

  // A target already in service when checking began (a replica running when the run starts,
  // checked for long before): judged up with clear counters, any start period long over.
  // HAProxy's own start (health = rise) is kept by not calling this.
  void assumeInService();
  // Moves the first check to `at` (the phase of a schedule that began before the run): a
  // fixed-rate grid is shifted to it, an after-completion schedule starts there.
  void firstCheckAt(double at);
  ActiveState state() const { return state_; }
  std::string_view stateName() const { return nameOf(state_); }
  bool available() const { return state_ == ActiveState::kUp; }
  std::uint32_t failureStreak() const { return failures_; }
  std::uint32_t successStreak() const { return successes_; }
  // Whether the last result counted: false for a Docker failure within start_period and for
  // a Cloudflare timeout that is retried.
  bool lastCounted() const { return lastCounted_; }
  bool lastWasRetried() const { return lastRetried_; }
  const ActiveCheckSpec& spec() const { return spec_; }

  // The interval the next check waits after one that ended at `ended` (after-completion
  // schedules): HAProxy's srv_getinter and Docker's getInterval.
  double intervalAfter(double ended) const;

 private:
  std::string_view nameOf(ActiveState s) const;
  double firstTickFrom(double containerStart) const;
  HealthEvent change(double time, ActiveState to, Why why, CheckResult result);

  ActiveCheckSpec spec_;
  double start_ = 0.0;           // when the checker started (fixed-rate phase)
  double containerStart_ = 0.0;  // when the current container started
  double next_ = 0.0;
  double checkStart_ = 0.0;  // first attempt of the current check (Cloudflare retries)
  ActiveState state_ = ActiveState::kUp;
  std::uint32_t failures_ = 0;
  std::uint32_t successes_ = 0;
  std::uint32_t failureCredit_ = 0;  // of failures_, how many were given at the start
  std::uint32_t successCredit_ = 0;
  std::uint32_t retriesLeft_ = 0;
  bool inRetry_ = false;
  bool lastCounted_ = true;
  bool lastRetried_ = false;
};

// The kubelet's crash-loop back-off (pkg/kubelet: flowcontrol.Backoff with an initial 10 s
// and a 300 s cap, MaxContainerBackOff) before a restarted container starts: none for the
// first restart, then 10 s, twice the last wait each time, at most 300 s; the series starts
// again when the last restart is more than twice the cap (10 minutes) ago. `CrashLoop` keeps
// one container's series.
class CrashLoop {
 public:
  // The wait before the container restarted at `now` starts.
  double restartAt(double now) {
    if (count_ > 0 && now - last_ > 2.0 * kCap) count_ = 0;
    const double wait =
        count_ == 0
            ? 0.0
            : std::min(kCap,
                       kInitial * std::ldexp(1.0, static_cast<int>(std::min(count_ - 1, 16u))));
    ++count_;
    last_ = now;
    return wait;
  }

 private:
  static constexpr double kInitial = 10.0;
  static constexpr double kCap = 300.0;
  std::uint32_t count_ = 0;  // restarts in the current series
  double last_ = 0.0;        // when the last one happened
};

}  // namespace lbsim::models::health
