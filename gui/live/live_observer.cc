#include "gui/live/live_observer.h"

#include "models/network.h"

namespace lbsim::gui {

std::string_view conditionName(models::ServicePool::Condition condition) {
  using C = models::ServicePool::Condition;
  switch (condition) {
    case C::kUp:
      return "up";
    case C::kCrashed:
      return "crashed";
    case C::kHung:
      return "hung";
    case C::kUnreachable:
      return "unreachable";
  }
  return "?";
}

std::string_view lifecycleName(models::ServicePool::Lifecycle lifecycle) {
  using L = models::ServicePool::Lifecycle;
  switch (lifecycle) {
    case L::kAbsent:
      return "absent";
    case L::kStarting:
      return "starting";
    case L::kReady:
      return "ready";
    case L::kDraining:
      return "draining";
  }
  return "?";
}

LiveObserver::LiveObserver(const models::ScenarioSpec& spec) : spec_(spec) {
  tiers_.resize(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const models::TierSpec& ts = spec.tiers[t];
    Tier& tier = tiers_[t];
    tier.replicas.resize(ts.targets.size());
    for (const models::TargetSpec& target : ts.targets)
      tier.workers += target.workers;
    tier.ready = tier.inRotation = static_cast<std::uint32_t>(ts.targets.size());
    if (ts.kind == models::TierKind::kDatabase && ts.targets.size() > 1) tier.primary = 0;
    // As the Collector: the autoscaler starts from the initial count.
    tier.autoscaled = ts.autoscaler.has_value();
    tier.desired =
        static_cast<std::int32_t>(ts.initialReplicas > 0 ? ts.initialReplicas : ts.targets.size());
  }
}

void LiveObserver::attach(const models::Network* network) {
  network_ = network;
  refresh();
}

void LiveObserver::refresh() {
  if (network_ == nullptr) return;
  requestsInFlight_ = network_->requestsInFlight();
  sessionsActive_ = network_->sessionsActive();
  for (std::size_t t = 0; t < tiers_.size() && t < network_->tierCount(); ++t) {
    const models::ServicePool& pool = network_->tier(static_cast<models::TierIndex>(t));
    Tier& tier = tiers_[t];
    tier.inRotation = 0;
    const auto& replicas = pool.replicas();
    for (std::size_t r = 0; r < tier.replicas.size() && r < replicas.size(); ++r) {
      Replica& mine = tier.replicas[r];
      mine.condition = replicas[r].condition;
      mine.lifecycle = replicas[r].lifecycle;
      mine.inRotation = pool.inRotation(static_cast<models::ReplicaIndex>(r));
      tier.inRotation += mine.inRotation ? 1 : 0;
    }
    tier.ready = pool.readyReplicas();
  }
}

void LiveObserver::advance(Tier& tier, Replica& replica, double now) {
  const double dt = now - replica.since;
  tier.busyArea += dt * replica.busy;
  tier.queuedArea += dt * replica.queued;
  replica.since = now;
}

void LiveObserver::onRequestCreated(const models::Request&, double) {
  ++created_;
}

void LiveObserver::onHopFinished(const models::Request& request, models::TierIndex tier,
                                 models::ReplicaIndex, double now) {
  Tier& t = tiers_[tier];
  ++t.served;
  t.latency.record(now - request.hopArrival);
}

void LiveObserver::onRequestCompleted(const models::Request& request, double now) {
  ++completed_;
  latency_.record(now - request.created);
}

void LiveObserver::onRequestFailed(const models::Request&, models::TierIndex, models::ReplicaIndex,
                                   models::ErrorCause cause, double) {
  ++errors_[static_cast<std::size_t>(cause)];
}

void LiveObserver::onAttemptFailed(const models::Request&, models::TierIndex tier,
                                   models::ReplicaIndex, models::ErrorCause, bool, double) {
  // As the Collector's tier series errors_rps: every error produced at the tier, retried
  // or not.
  if (tier < tiers_.size()) ++tiers_[tier].refused;
}

void LiveObserver::onHealthChanged(models::TierIndex tier, models::ReplicaIndex replica,
                                   const models::health::HealthEvent& event,
                                   std::string_view mechanism, double now) {
  if (tier >= tiers_.size() || replica >= tiers_[tier].replicas.size()) return;
  HealthChange change{now, tier, replica, mechanism, event, 0.0};
  if (network_ != nullptr) {
    // The pool's balancer follows the change just after it is told: count the others as
    // they are and this replica as it will be.
    const models::ServicePool& pool = network_->tier(tier);
    const auto& replicas = pool.replicas();
    std::uint32_t in = 0;
    for (std::size_t r = 0; r < replicas.size(); ++r) {
      if (r == replica) continue;
      in += pool.inRotation(static_cast<models::ReplicaIndex>(r)) ? 1 : 0;
    }
    const bool after = replicas[replica].slot != models::kNone &&
                       replicas[replica].lifecycle == ReplicaState::Lifecycle::kReady &&
                       (pool.health() == nullptr || pool.health()->healthy(replica)) &&
                       event.why != models::health::Why::kPromoted;
    change.inRotation = in + (after ? 1 : 0);
    change.wasInRotation = pool.inRotation(replica);
    change.nowInRotation = after;
  }
  tiers_[tier].replicas[replica].lastHealth = change;
  if (event.why == models::health::Why::kPromoted) tiers_[tier].primary = replica;
  if (healthChanges_.size() < LiveSample::kMaxEventsPerSample) {
    healthChanges_.push_back(change);
  } else {
    ++healthChangesDropped_;
  }
}

void LiveObserver::onAutoscaled(models::TierIndex tier, const models::AutoscaleNotice& notice,
                                double now) {
  if (tier >= tiers_.size()) return;
  Tier& t = tiers_[tier];
  ScaleDecision d{now,          tier,          notice.before, notice.desired,
                  notice.ready, notice.reason, notice.message};
  t.desired = notice.desired;
  if (notice.desired != notice.before) {
    if (decisions_.size() < LiveSample::kMaxEventsPerSample) {
      decisions_.push_back(d);
    } else {
      ++decisionsDropped_;
    }
  }
  t.lastDecision = std::move(d);
}

void LiveObserver::onReplicaChanged(models::TierIndex tier, models::ReplicaIndex replica,
                                    std::uint32_t busy, std::uint32_t queued, double now) {
  Tier& t = tiers_[tier];
  Replica& r = t.replicas[replica];
  advance(t, r, now);
  r.busy = busy;
  r.queued = queued;
}

void LiveObserver::onCacheLookup(const models::Request&, models::TierIndex, models::ReplicaIndex,
                                 bool hit, double) {
  ++cacheLookups_;
  cacheHits_ += hit ? 1 : 0;
}

LiveSample LiveObserver::sample(double now) {
  refresh();
  LiveSample s;
  s.decisions = std::move(decisions_);
  s.healthChanges = std::move(healthChanges_);
  s.decisionsDropped = decisionsDropped_;
  s.healthChangesDropped = healthChangesDropped_;
  decisions_.clear();
  healthChanges_.clear();
  decisionsDropped_ = healthChangesDropped_ = 0;
  if (cacheLookups_ > 0) {
    s.cacheHitRatio = static_cast<double>(cacheHits_) / static_cast<double>(cacheLookups_);
  }
  cacheLookups_ = cacheHits_ = 0;
  s.time = now;
  const double dt = now - lastSample_;
  const double perSecond = dt > 0.0 ? 1.0 / dt : 0.0;
  s.arrivals = static_cast<double>(created_) * perSecond;
  s.throughput = static_cast<double>(completed_) * perSecond;
  for (std::size_t c = 0; c < errors_.size(); ++c)
    s.errors[c] = static_cast<double>(errors_[c]) * perSecond;
  if (latency_.count() > 0) {
    s.p50 = latency_.quantile(0.50);
    s.p95 = latency_.quantile(0.95);
    s.p99 = latency_.quantile(0.99);
  }
  s.tiers.resize(tiers_.size());
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    Tier& t = tiers_[i];
    for (Replica& r : t.replicas)
      advance(t, r, now);
    TierSample& ts = s.tiers[i];
    if (t.latency.count() > 0) {
      ts.p50 = t.latency.quantile(0.50);
      ts.p95 = t.latency.quantile(0.95);
      ts.p99 = t.latency.quantile(0.99);
    }
    ts.throughput = static_cast<double>(t.served) * perSecond;
    ts.errors = static_cast<double>(t.refused) * perSecond;
    ts.utilization = dt > 0.0 && t.workers > 0.0 ? t.busyArea / (dt * t.workers) : 0.0;
    ts.queueLength = dt > 0.0 ? t.queuedArea / dt : 0.0;
    ts.ready = t.ready;
    ts.desired = t.autoscaled ? t.desired : kNaN;
    ts.inRotation = t.inRotation;
    t.busyArea = t.queuedArea = 0.0;
    t.served = t.refused = 0;
    t.latency.reset();
  }
  latency_.reset();
  created_ = completed_ = 0;
  errors_.fill(0);
  lastSample_ = now;
  return s;
}

LiveState LiveObserver::state(double now) {
  refresh();
  LiveState st;
  st.now = now;
  st.requestsInFlight = requestsInFlight_;
  st.sessionsActive = sessionsActive_;
  st.tiers.resize(tiers_.size());
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    const models::TierSpec& spec = spec_.tiers[i];
    const Tier& tier = tiers_[i];
    TierState& out = st.tiers[i];
    out.ready = tier.ready;
    out.desired = tier.autoscaled ? tier.desired : kNaN;
    out.inRotation = tier.inRotation;
    out.lastDecision = tier.lastDecision;
    for (std::size_t r = 0; r < tier.replicas.size(); ++r) {
      const models::TargetSpec& target = spec.targets[r];
      const Replica& mine = tier.replicas[r];
      out.replicas.push_back({target.name, mine.busy, mine.queued, target.workers, target.backup,
                              mine.condition, mine.lifecycle, mine.inRotation, r == tier.primary,
                              mine.lastHealth});
    }
  }
  return st;
}

}  // namespace lbsim::gui
