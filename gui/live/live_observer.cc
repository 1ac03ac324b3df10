#include "gui/live/live_observer.h"

namespace lbsim::gui {

LiveObserver::LiveObserver(const models::ScenarioSpec& spec) : spec_(spec) {
  tiers_.resize(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    tiers_[t].replicas.resize(spec.tiers[t].targets.size());
    for (const models::TargetSpec& target : spec.tiers[t].targets)
      tiers_[t].workers += target.workers;
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

void LiveObserver::onRequestFailed(const models::Request&, models::TierIndex tier,
                                   models::ReplicaIndex, models::ErrorCause cause, double) {
  ++errors_[static_cast<std::size_t>(cause)];
  if (tier < tiers_.size()) ++tiers_[tier].refused;
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
  LiveSample s;
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
    ts.replicas = static_cast<double>(t.replicas.size());
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

LiveState LiveObserver::state(double now) const {
  LiveState st;
  st.now = now;
  st.tiers.resize(tiers_.size());
  for (std::size_t i = 0; i < tiers_.size(); ++i) {
    const models::TierSpec& spec = spec_.tiers[i];
    for (std::size_t r = 0; r < tiers_[i].replicas.size(); ++r) {
      const models::TargetSpec& target = spec.targets[r];
      st.tiers[i].replicas.push_back({target.name, tiers_[i].replicas[r].busy,
                                      tiers_[i].replicas[r].queued, target.workers, target.backup});
    }
  }
  return st;
}

}  // namespace lbsim::gui
