#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/health/active_check.h"
#include "models/health/circuit_breaker.h"
#include "models/health/envoy_outlier.h"
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
class TierHealth final : public core::EventHandler {
 public:
  // `rng` draws Envoy's enforcement and jitter; it must outlive this.
  TierHealth(ServicePool& pool, Network& network, const TierSpec& spec, core::RandomStream* rng);

  bool any() const { return !checkers_.empty() || passive_ != PassiveKind::kNone; }
  // Schedules the first checks and the outlier detector's interval.
  void start();

  // Whether the balancer may send requests to `replica` now.
  bool healthy(ReplicaIndex replica) const;

  // A request was sent to `replica` (nginx's trial after fail_timeout, a breaker's trial).
  void onPicked(ReplicaIndex replica);
  // An attempt at `replica` ended: `status` is the HTTP status the caller saw (200 for a
  // success, 502 refused or reset, 503, 504 timed out...).
  void onAttemptResult(ReplicaIndex replica, health::CheckResult result, int status);

  // A check request sent to `replica` was served (ok), refused, or failed.
  void probeFinished(ReplicaIndex replica, RequestIndex probe, health::CheckResult result);

  void handleEvent(const core::Event& event) override;

 private:
  enum EventKind : std::uint32_t { kCheckStart, kCheckTimeout, kPassiveWake, kOutlierInterval };
  enum class PassiveKind { kNone, kNginx, kEnvoy, kBreaker };

  struct Probe {
    std::uint32_t serial = 0;  // of the check in progress; 0: none
    double started = 0.0;
    RequestIndex request = kNone;  // the check request in the replica, if one was sent
  };

  void startCheck(ReplicaIndex replica);
  void checkResult(ReplicaIndex replica, health::CheckResult result);
  void scheduleNextCheck(ReplicaIndex replica);
  void report(const std::optional<health::HealthEvent>& event, ReplicaIndex replica,
              const char* mechanism);
  void wakeAt(ReplicaIndex replica, double time);

  ServicePool& pool_;
  Network& network_;
  core::HandlerId handler_;
  core::RandomStream* rng_;
  double checkDemand_ = 0.001;
  std::vector<health::ActiveChecker> checkers_;  // per replica, when checks are configured
  std::vector<Probe> probes_;
  std::uint32_t nextSerial_ = 1;
  PassiveKind passive_ = PassiveKind::kNone;
  std::vector<health::NginxPeerHealth> nginx_;
  std::vector<health::CircuitBreaker> breakers_;
  std::unique_ptr<health::EnvoyOutlierDetector> outlier_;
  std::vector<health::HealthEvent> scratch_;
};

// The check spec of a tier's health_check settings (throws std::invalid_argument).
health::ActiveCheckSpec activeCheckSpec(const HealthCheckSpec& spec);

}  // namespace lbsim::models
