#include "models/tier_health.h"

#include <algorithm>
#include <cmath>
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
    case HealthCheckSpec::Kind::kKong:
      break;
  }
  throw std::invalid_argument("Kong's active checks have a machine of their own");
}

namespace {
constexpr std::uint64_t checkPayload(ReplicaIndex r, std::uint32_t which, std::uint32_t high) {
  return r | (static_cast<std::uint64_t>(which) << 31) | (static_cast<std::uint64_t>(high) << 32);
}
}  // namespace

double TierHealth::Checks::nextAt(ReplicaIndex r) const {
  return kong.empty() ? machines[r].nextCheckAt() : kong[r].nextCheckAt();
}

double TierHealth::Checks::timeout(ReplicaIndex r) const {
  return kong.empty() ? machines[r].timeout() : kong[r].timeout();
}

bool TierHealth::Checks::available(ReplicaIndex r) const {
  if (probes.empty()) return true;
  return kong.empty() ? machines[r].available() : kong[r].available();
}

std::optional<health::HealthEvent> TierHealth::Checks::result(ReplicaIndex r, double started,
                                                              double ended,
                                                              health::CheckResult result) {
  return kong.empty() ? machines[r].onCheckResult(started, ended, result)
                      : kong[r].onCheckResult(started, ended, result);
}

TierHealth::TierHealth(ServicePool& pool, Network& network, const TierSpec& spec,
                       core::RandomStream* rng)
    : pool_(pool), network_(network), handler_(network.simulator().addHandler(this)), rng_(rng) {
  const std::size_t n = spec.targets.size();
  if (spec.healthCheck) {
    Checks& c = checks_[kReadiness];
    c.demand = spec.healthCheck->demand;
    c.probes.resize(n);
    using K = HealthCheckSpec::Kind;
    if (spec.healthCheck->kind == K::kKong) {
      const health::KongActiveSettings kong = health::parseKongActive(spec.healthCheck->settings);
      for (std::size_t r = 0; r < n; ++r)
        c.kong.emplace_back(kong, 0.0);
    } else {
      const health::ActiveCheckSpec check = activeCheckSpec(*spec.healthCheck);
      c.machines.reserve(n);
      for (std::size_t r = 0; r < n; ++r)
        c.machines.emplace_back(check, 0.0);
      c.freshTargets = spec.healthCheck->kind == K::kAlb || spec.healthCheck->kind == K::kDocker ||
                       spec.healthCheck->kind == K::kKubernetes;
    }
  }
  if (spec.liveness) {
    Checks& c = checks_[kLiveness];
    c.demand = spec.liveness->probe.demand;
    c.mechanism = "liveness probe";
    c.freshTargets = true;
    c.probes.resize(n);
    const health::ActiveCheckSpec check = activeCheckSpec(spec.liveness->probe);
    c.machines.reserve(n);
    for (std::size_t r = 0; r < n; ++r)
      c.machines.emplace_back(check, 0.0);
    restartTime_ = spec.liveness->restart;
    restarts_.resize(n);
  }
  if (spec.autoscaler && spec.autoscaler->kind == AutoscalerSpec::Kind::kAsg &&
      spec.autoscaler->asg.elbHealthCheck && spec.healthCheck) {
    replaceAfter_ = spec.autoscaler->asg.healthCheckGracePeriod;
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
  // The replicas running when the run starts have been in service, and checked, for long
  // before: their schedules began at different times. HAProxy spreads its servers' first
  // checks evenly over the interval (check.c start_checks: server k of n at k x inter / n)
  // and keeps its own start (up, health = rise); the other systems' targets are taken as
  // judged up, each on a schedule of its own phase, uniform over its interval. (Kong's
  // checker keeps its start at 0.)
  for (const Which which : {kReadiness, kLiveness}) {
    std::vector<health::ActiveChecker>& machines = checks_[which].machines;
    const auto n = static_cast<double>(machines.size());
    for (ReplicaIndex r = 0; r < machines.size(); ++r) {
      if (pool_.replicas()[r].lifecycle != ServicePool::Lifecycle::kReady) continue;
      health::ActiveChecker& m = machines[r];
      const double interval = m.spec().interval;
      if (m.spec().system == "HAProxy") {
        m.firstCheckAt(static_cast<double>(r) * interval / n);
      } else {
        m.assumeInService();
        m.firstCheckAt(rng_->uniform01() * interval);
      }
    }
    for (ReplicaIndex r = 0; r < checks_[which].probes.size(); ++r)
      scheduleNextCheck(which, r);
  }
  if (outlier_) {
    network_.simulator().schedule(outlier_->nextIntervalAt(), handler_, kOutlierInterval, 0);
  }
}

bool TierHealth::healthy(ReplicaIndex r) const {
  if (!checks_[kReadiness].available(r)) return false;
  // A pod is not ready while its container is not running (its Service drops the endpoint).
  if (!restarts_.empty() && restarts_[r].down) return false;
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

bool TierHealth::checked(const Checks& checks, ReplicaIndex r) const {
  if (!checks.freshTargets) return true;
  if (!restarts_.empty() && restarts_[r].down) return false;
  const ServicePool::Lifecycle life = pool_.replicas()[r].lifecycle;
  return life == ServicePool::Lifecycle::kReady || life == ServicePool::Lifecycle::kDraining;
}

void TierHealth::scheduleNextCheck(Which which, ReplicaIndex r) {
  Checks& checks = checks_[which];
  const double at = checks.nextAt(r);
  if (at == health::kNever || !checked(checks, r)) return;
  const std::uint32_t tick = ++checks.probes[r].tick;
  network_.simulator().schedule(std::max(at, network_.simulator().now()), handler_, kCheckStart,
                                checkPayload(r, which, tick));
}

void TierHealth::startCheck(Which which, ReplicaIndex r) {
  Checks& checks = checks_[which];
  if (!checked(checks, r)) return;  // gone since: probing waits for a new process
  Probe& probe = checks.probes[r];
  probe.serial = nextSerial_++;
  probe.started = network_.simulator().now();
  probe.request = kNone;
  const std::uint32_t serial = probe.serial;
  network_.simulator().schedule(probe.started + checks.timeout(r), handler_, kCheckTimeout,
                                checkPayload(r, which, serial));
  const std::optional<health::CheckResult> now =
      pool_.sendProbe(r, checks.demand, serial, probe.request);
  if (now) checkResult(which, r, *now);
}

void TierHealth::probeFinished(ReplicaIndex r, RequestIndex request, health::CheckResult result) {
  // A check that already timed out (or was superseded) is answered too late: it is dropped.
  for (const Which which : {kReadiness, kLiveness}) {
    const std::vector<Probe>& probes = checks_[which].probes;
    if (probes.empty() || probes[r].serial == 0 || probes[r].request != request) continue;
    checkResult(which, r, result);
    return;
  }
}

void TierHealth::checkResult(Which which, ReplicaIndex r, health::CheckResult result) {
  Checks& checks = checks_[which];
  Probe& probe = checks.probes[r];
  const double now = network_.simulator().now();
  const double started = probe.started;
  probe.serial = 0;
  probe.request = kNone;
  const bool before = checks.available(r);
  const std::optional<health::HealthEvent> event = checks.result(r, started, now, result);
  report(event, r, checks.mechanism);
  if (which == kLiveness) {
    if (event && event->why == health::Why::kLivenessRestart) {
      restartContainer(r);
      return;  // probing waits for the new container
    }
  } else if (before != checks.available(r)) {
    pool_.healthChanged(r);
    const ServicePool::Replica& replica = pool_.replicas()[r];
    if (replaceAfter_ && !checks.available(r) &&
        replica.lifecycle == ServicePool::Lifecycle::kReady) {
      // The group acts once the grace period after the instance came into service is over.
      const double at = std::max(now, replica.readyAt + *replaceAfter_);
      network_.simulator().schedule(at, handler_, kReplace,
                                    r | (static_cast<std::uint64_t>(replica.lifeSerial) << 32));
    }
  }
  scheduleNextCheck(which, r);
}

void TierHealth::restartContainer(ReplicaIndex r) {
  const double now = network_.simulator().now();
  if (pool_.replicas()[r].lifecycle != ServicePool::Lifecycle::kReady) return;  // going anyway
  Restarts& s = restarts_[r];
  const double backoff = s.backOff.restartAt(now);
  s.down = true;
  // The pod is not ready while its container is not running.
  Checks& readiness = checks_[kReadiness];
  if (!readiness.probes.empty() && readiness.freshTargets) {
    const bool before = readiness.available(r);
    readiness.probes[r].serial = 0;
    report(readiness.machines[r].newTarget(now), r, readiness.mechanism);
    if (before != readiness.available(r)) pool_.healthChanged(r);
  }
  pool_.restartProcess(r, backoff + restartTime_);
}

void TierHealth::replicaStarted(ReplicaIndex r) {
  const double now = network_.simulator().now();
  if (!restarts_.empty()) restarts_[r].down = false;
  for (const Which which : {kReadiness, kLiveness}) {
    Checks& checks = checks_[which];
    if (checks.probes.empty() || !checks.freshTargets) continue;
    const bool before = checks.available(r);
    checks.probes[r].serial = 0;  // a check under way was the old process's
    checks.probes[r].request = kNone;
    report(checks.machines[r].newTarget(now), r, checks.mechanism);
    if (which == kReadiness && before != checks.available(r)) pool_.healthChanged(r);
    scheduleNextCheck(which, r);
  }
}

void TierHealth::handleEvent(const core::Event& event) {
  switch (event.kind) {
    case kCheckStart: {
      const auto r = static_cast<ReplicaIndex>(event.payload & 0x7fffffffu);
      const auto which = static_cast<Which>((event.payload >> 31) & 1u);
      if (checks_[which].probes[r].tick == static_cast<std::uint32_t>(event.payload >> 32)) {
        startCheck(which, r);
      }
      break;
    }
    case kCheckTimeout: {
      const auto r = static_cast<ReplicaIndex>(event.payload & 0x7fffffffu);
      const auto which = static_cast<Which>((event.payload >> 31) & 1u);
      const auto serial = static_cast<std::uint32_t>(event.payload >> 32);
      if (checks_[which].probes[r].serial == serial) {
        checkResult(which, r, health::CheckResult::kTimedOut);
      }
      break;
    }
    case kReplace: {
      const auto r = static_cast<ReplicaIndex>(event.payload & 0xffffffffu);
      const ServicePool::Replica& replica = pool_.replicas()[r];
      if (replica.lifeSerial != static_cast<std::uint32_t>(event.payload >> 32) ||
          replica.lifecycle != ServicePool::Lifecycle::kReady || !replica.autoscaled ||
          checks_[kReadiness].available(r)) {
        break;
      }
      health::HealthEvent e;
      e.time = network_.simulator().now();
      e.target = r;
      e.from = "InService";
      e.to = "Terminating";
      e.available = false;
      e.why = health::Why::kReplaced;
      e.duration = *replaceAfter_;
      network_.healthChanged(pool_.index(), r, e, "Auto Scaling health check");
      pool_.replaceInstance(r);
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
