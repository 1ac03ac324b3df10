#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/health/active_check.h"
#include "models/health/circuit_breaker.h"
#include "models/health/envoy_outlier.h"
#include "models/health/kong_active.h"
#include "models/health/nginx_passive.h"
#include "models/request.h"
#include "models/spec.h"

namespace lbsim::models {

class Network;
class ServicePool;

// The health of a tier's replicas as its balancer sees it: active checks (one checker per
// replica, whose checks are requests to the replica) and passive health judged from real
// requests (nginx max_fails, Envoy outlier detection, or a circuit breaker per replica).
// A replica takes traffic only while every mechanism configured says it may. Each change is
// told to the network's observers with its reason, and the pool updates its balancer.
//
// Two mechanisms act on the replica itself: a Kubernetes liveness probe restarts its
// container (with the kubelet's crash-loop back-off), and an Auto Scaling group with
// HealthCheckType ELB replaces an instance its load balancer finds unhealthy once the
// group's HealthCheckGracePeriod has passed.
class TierHealth final : public core::EventHandler {
 public:
  // `rng` draws Envoy's enforcement and jitter; it must outlive this.
  TierHealth(ServicePool& pool, Network& network, const TierSpec& spec, core::RandomStream* rng);

  bool any() const {
    return !checks_[kReadiness].probes.empty() || !checks_[kLiveness].probes.empty() ||
           passive_ != PassiveKind::kNone;
  }
  // Schedules the first checks and the outlier detector's interval.
  void start();

  // Whether the balancer may send requests to `replica` now.
  bool healthy(ReplicaIndex replica) const;
  // When the replica's next active check (or liveness probe) starts; kNever if none.
  double nextCheckAt(bool liveness, ReplicaIndex replica) const {
    const Checks& c = checks_[liveness ? kLiveness : kReadiness];
    return c.probes.empty() ? health::kNever : c.nextAt(replica);
  }

  // A request was sent to `replica` (nginx's trial after fail_timeout, a breaker's trial).
  void onPicked(ReplicaIndex replica);
  // An attempt at `replica` ended: `status` is the HTTP status the caller saw (200 for a
  // success, 502 refused or reset, 503, 504 timed out...).
  void onAttemptResult(ReplicaIndex replica, health::CheckResult result, int status);

  // A check request sent to `replica` was served (ok), refused, or failed.
  void probeFinished(ReplicaIndex replica, RequestIndex probe, health::CheckResult result);

  // A new process or instance runs on the replica from now (the autoscaler started it, or it
  // replaces a restarted container or an unhealthy instance): the checks of systems that
  // register a new target afresh (ALB, Docker, Kubernetes) start again from their initial
  // state; HAProxy, Cloudflare and Kong keep what they knew of the server.
  void replicaStarted(ReplicaIndex replica);

  void handleEvent(const core::Event& event) override;

 private:
  enum EventKind : std::uint32_t {
    kCheckStart,    // payload: replica | which << 31 | tick << 32
    kCheckTimeout,  // payload: replica | which << 31 | serial << 32
    kPassiveWake,
    kOutlierInterval,
    kReplace,  // payload: replica | life serial << 32
  };
  enum class PassiveKind { kNone, kNginx, kEnvoy, kBreaker };
  enum Which : std::uint32_t { kReadiness = 0, kLiveness = 1 };

  struct Probe {
    std::uint32_t serial = 0;  // of the check in progress; 0: none
    std::uint32_t tick = 0;    // of the next check scheduled (an earlier one's event is stale)
    double started = 0.0;
    RequestIndex request = kNone;  // the check request in the replica, if one was sent
  };
  // One active mechanism over the tier's replicas: the checks the balancer follows, or a
  // Kubernetes liveness probe. Kong's checker has counters of its own; the other systems
  // share one machine.
  struct Checks {
    std::vector<health::ActiveChecker> machines;
    std::vector<health::KongActiveChecker> kong;
    std::vector<Probe> probes;  // per replica; empty: not configured
    double demand = 0.001;
    const char* mechanism = "active check";
    bool freshTargets = false;  // a new process or instance is checked from the start again
    double nextAt(ReplicaIndex r) const;
    double timeout(ReplicaIndex r) const;
    bool available(ReplicaIndex r) const;
    std::optional<health::HealthEvent> result(ReplicaIndex r, double started, double ended,
                                              health::CheckResult result);
  };
  struct Restarts {
    health::CrashLoop backOff;
    bool down = false;  // no container runs until the new one starts
  };

  void startCheck(Which which, ReplicaIndex replica);
  void checkResult(Which which, ReplicaIndex replica, health::CheckResult result);
  void scheduleNextCheck(Which which, ReplicaIndex replica);
  // Whether the replica runs a process the mechanism checks (a new target is not checked
  // before it starts, nor after it is gone).
  bool checked(const Checks& checks, ReplicaIndex replica) const;
  void restartContainer(ReplicaIndex replica);
  void report(const std::optional<health::HealthEvent>& event, ReplicaIndex replica,
              const char* mechanism);
  void wakeAt(ReplicaIndex replica, double time);

  ServicePool& pool_;
  Network& network_;
  core::HandlerId handler_;
  core::RandomStream* rng_;
  std::array<Checks, 2> checks_;
  std::uint32_t nextSerial_ = 1;
  double restartTime_ = 0.0;            // liveness: a new container's start
  std::vector<Restarts> restarts_;      // liveness, per replica
  std::optional<double> replaceAfter_;  // Auto Scaling ELB health: HealthCheckGracePeriod
  PassiveKind passive_ = PassiveKind::kNone;
  std::vector<health::NginxPeerHealth> nginx_;
  std::vector<health::CircuitBreaker> breakers_;
  std::unique_ptr<health::EnvoyOutlierDetector> outlier_;
  std::vector<health::HealthEvent> scratch_;
};

// The check spec of a tier's health_check settings (throws std::invalid_argument).
health::ActiveCheckSpec activeCheckSpec(const HealthCheckSpec& spec);

}  // namespace lbsim::models
