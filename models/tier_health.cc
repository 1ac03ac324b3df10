#include "models/tier_health.h"

#include <stdexcept>

#include "models/health/settings_text.h"
#include "models/network.h"
#include "models/service_pool.h"

namespace lbsim::models {

health::ActiveCheckSpec activeCheckSpec(const HealthCheckSpec& spec) {
  switch (spec.kind) {
    case HealthCheckSpec::Kind::kHaproxy:
      return health::haproxyCheck(health::parseHaproxyCheck(spec.settings));
    case HealthCheckSpec::Kind::kAlb:
      return health::albHealthCheck(health::parseAlbHealthCheck(spec.settings));
    case HealthCheckSpec::Kind::kCloudflare:
      return health::cloudflareMonitor(health::parseCloudflareMonitor(spec.settings));
    case HealthCheckSpec::Kind::kDocker:
      return health::dockerHealthcheck(health::parseDockerHealthcheck(spec.settings));
    case HealthCheckSpec::Kind::kKubernetes:
      return health::kubernetesProbe(health::parseKubernetesProbe(spec.settings));
  }
  throw std::invalid_argument("unknown health check kind");
}

TierHealth::TierHealth(ServicePool& pool, Network& network, const TierSpec& spec,
                       core::RandomStream* rng)
    : pool_(pool), network_(network), handler_(network.simulator().addHandler(this)), rng_(rng) {
  const std::size_t n = spec.targets.size();
  if (spec.healthCheck) {
    const health::ActiveCheckSpec check = activeCheckSpec(*spec.healthCheck);
    checkDemand_ = spec.healthCheck->demand;
    checkers_.reserve(n);
    for (std::size_t r = 0; r < n; ++r)
      checkers_.emplace_back(check, 0.0);
    probes_.resize(n);
  }
  if (spec.passiveHealth) {
    const PassiveHealthSpec& p = *spec.passiveHealth;
    switch (p.kind) {
      case PassiveHealthSpec::Kind::kNginx: {
        passive_ = PassiveKind::kNginx;
        health::NginxFailSettings settings = health::parseNginxServer(p.settings);
        settings.singlePeer = n == 1;
        for (std::size_t r = 0; r < n; ++r)
          nginx_.emplace_back(settings, static_cast<std::uint32_t>(r));
        break;
      }
      case PassiveHealthSpec::Kind::kEnvoy:
        passive_ = PassiveKind::kEnvoy;
        outlier_ = std::make_unique<health::EnvoyOutlierDetector>(
            health::parseEnvoyOutlier(p.settings), n, 0.0, rng_);
        break;
      case PassiveHealthSpec::Kind::kBreaker: {
        passive_ = PassiveKind::kBreaker;
        const health::BreakerSettings settings = health::parseBreaker(p.settings);
        for (std::size_t r = 0; r < n; ++r)
          breakers_.emplace_back(settings, static_cast<std::uint32_t>(r));
        break;
      }
    }
  }
}

void TierHealth::start() {
  for (ReplicaIndex r = 0; r < checkers_.size(); ++r)
    scheduleNextCheck(r);
  if (outlier_) {
    network_.simulator().schedule(outlier_->nextIntervalAt(), handler_, kOutlierInterval, 0);
  }
}

bool TierHealth::healthy(ReplicaIndex r) const {
  if (!checkers_.empty() && !checkers_[r].available()) return false;
  const double now = network_.simulator().now();
  switch (passive_) {
    case PassiveKind::kNone:
      return true;
    case PassiveKind::kNginx:
      return nginx_[r].eligible(now);
    case PassiveKind::kEnvoy:
      return outlier_->available(r);
    case PassiveKind::kBreaker:
      return breakers_[r].state() != health::BreakerState::kOpen;
  }
  return true;
}

void TierHealth::onPicked(ReplicaIndex r) {
  const double now = network_.simulator().now();
  if (passive_ == PassiveKind::kNginx) {
    const bool before = nginx_[r].eligible(now);
    report(nginx_[r].onChosen(now), r, "nginx max_fails");
    if (before && !nginx_[r].eligible(now)) pool_.healthChanged(r);
  } else if (passive_ == PassiveKind::kBreaker) {
    report(breakers_[r].admit(now).event, r, "circuit breaker");
  }
}

void TierHealth::onAttemptResult(ReplicaIndex r, health::CheckResult result, int status) {
  const double now = network_.simulator().now();
  switch (passive_) {
    case PassiveKind::kNone:
      return;
    case PassiveKind::kNginx: {
      health::NginxPeerHealth& peer = nginx_[r];
      // An answer counts as unsuccessful only for what proxy_next_upstream lists.
      health::CheckResult seen = result;
      if (result == health::CheckResult::kFailed && !peer.countsAsFailure(result)) {
        seen = health::CheckResult::kOk;
      }
      const bool before = peer.eligible(now);
      report(peer.onResult(now, seen), r, "nginx max_fails");
      const bool after = peer.eligible(now);
      if (before != after) pool_.healthChanged(r);
      if (!after) wakeAt(r, peer.eligibleAgainAt());
      return;
    }
    case PassiveKind::kEnvoy: {
      scratch_.clear();
      outlier_->onResponse(r, status, now, scratch_);
      for (const health::HealthEvent& e : scratch_) {
        report(e, e.target, "envoy outlier detection");
        pool_.healthChanged(e.target);
      }
      return;
    }
    case PassiveKind::kBreaker: {
      health::CircuitBreaker& b = breakers_[r];
      const bool before = b.state() != health::BreakerState::kOpen;
      report(b.onResult(now, result), r, "circuit breaker");
      const bool after = b.state() != health::BreakerState::kOpen;
      if (before != after) pool_.healthChanged(r);
      if (!after) wakeAt(r, b.halfOpenAt());
      return;
    }
  }
}

void TierHealth::wakeAt(ReplicaIndex r, double time) {
  const double now = network_.simulator().now();
  if (time == health::kNever || time == -health::kNever) return;
  network_.simulator().schedule(std::max(time, now), handler_, kPassiveWake, r);
}

void TierHealth::scheduleNextCheck(ReplicaIndex r) {
  const double at = checkers_[r].nextCheckAt();
  if (at == health::kNever) return;
  network_.simulator().schedule(std::max(at, network_.simulator().now()), handler_, kCheckStart, r);
}

void TierHealth::startCheck(ReplicaIndex r) {
  Probe& probe = probes_[r];
  probe.serial = nextSerial_++;
  probe.started = network_.simulator().now();
  probe.request = kNone;
  const std::uint32_t serial = probe.serial;
  network_.simulator().schedule(probe.started + checkers_[r].timeout(), handler_, kCheckTimeout,
                                (static_cast<std::uint64_t>(serial) << 32) | r);
  const std::optional<health::CheckResult> now =
      pool_.sendProbe(r, checkDemand_, serial, probe.request);
  if (now) checkResult(r, *now);
}

void TierHealth::probeFinished(ReplicaIndex r, RequestIndex request, health::CheckResult result) {
  // A check that already timed out (or was superseded) is answered too late: it is dropped.
  if (probes_[r].serial == 0 || probes_[r].request != request) return;
  checkResult(r, result);
}

void TierHealth::checkResult(ReplicaIndex r, health::CheckResult result) {
  Probe& probe = probes_[r];
  const double now = network_.simulator().now();
  const double started = probe.started;
  probe.serial = 0;
  probe.request = kNone;
  const bool before = checkers_[r].available();
  report(checkers_[r].onCheckResult(started, now, result), r, "active check");
  if (before != checkers_[r].available()) pool_.healthChanged(r);
  scheduleNextCheck(r);
}

void TierHealth::handleEvent(const core::Event& event) {
  switch (event.kind) {
    case kCheckStart:
      startCheck(static_cast<ReplicaIndex>(event.payload));
      break;
    case kCheckTimeout: {
      const auto r = static_cast<ReplicaIndex>(event.payload & 0xffffffffu);
      const auto serial = static_cast<std::uint32_t>(event.payload >> 32);
      if (probes_[r].serial == serial) checkResult(r, health::CheckResult::kTimedOut);
      break;
    }
    case kPassiveWake: {
      const auto r = static_cast<ReplicaIndex>(event.payload);
      if (passive_ == PassiveKind::kBreaker) {
        report(breakers_[r].poll(network_.simulator().now()), r, "circuit breaker");
      }
      pool_.healthChanged(r);
      break;
    }
    case kOutlierInterval: {
      scratch_.clear();
      outlier_->onInterval(network_.simulator().now(), scratch_);
      for (const health::HealthEvent& e : scratch_) {
        report(e, e.target, "envoy outlier detection");
        pool_.healthChanged(e.target);
      }
      network_.simulator().schedule(outlier_->nextIntervalAt(), handler_, kOutlierInterval, 0);
      break;
    }
    default:
      break;
  }
}

void TierHealth::report(const std::optional<health::HealthEvent>& event, ReplicaIndex r,
                        const char* mechanism) {
  if (!event) return;
  network_.healthChanged(pool_.index(), r, *event, mechanism);
}

}  // namespace lbsim::models
