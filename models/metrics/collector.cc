#include "models/metrics/collector.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lbsim::models {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double a, double b) {
  return b > 0.0 ? a / b : kNaN;
}
double total(const std::array<std::uint64_t, kErrorCauseCount>& e) {
  double sum = 0.0;
  for (const auto v : e)
    sum += static_cast<double>(v);
  return sum;
}
}  // namespace

Collector::Collector(Network& network) : network_(network), classes_(network.classCount()) {
  const ScenarioSpec& spec = network.spec();
  tiers_.resize(network.tierCount());
  for (TierIndex t = 0; t < tiers_.size(); ++t) {
    TierStats& stats = tiers_[t];
    stats.replicas.resize(network.tier(t).replicas().size());
    stats.byClass.resize(network.classCount());
    if (const auto* limits = network.tier(t).limits()) {
      stats.limitRejected.assign(limits->names().size(), 0);
      stats.limitDelayed.assign(limits->names().size(), 0);
    }
    if (network.tier(t).caches()) {
      stats.cacheLookups.assign(network.classCount(), 0);
      stats.cacheHits.assign(network.classCount(), 0);
    }
    for (const auto& replica : network.tier(t).replicas()) {
      std::uint32_t slot = kNone;
      if (replica.zone != kNoZone) {
        for (std::uint32_t z = 0; z < stats.zones.size(); ++z) {
          if (stats.zones[z].zone == replica.zone) slot = z;
        }
        if (slot == kNone) {
          slot = static_cast<std::uint32_t>(stats.zones.size());
          stats.zones.push_back({replica.zone, core::LatencyHistogram()});
        }
      }
      stats.zoneSlot.push_back(slot);
    }
  }
  regions_.resize(network.regions().size());
  locations_.resize(network.locations().size());
  std::vector<std::vector<ClassIndex>> classesAt(tiers_.size());
  for (ClassIndex c = 0; c < network.classCount(); ++c) {
    for (const TierIndex t : network.route(c)) {
      if (std::find(classesAt[t].begin(), classesAt[t].end(), c) == classesAt[t].end()) {
        classesAt[t].push_back(c);
      }
    }
  }
  for (TierIndex t = 0; t < tiers_.size(); ++t) {
    if (classesAt[t].size() == 1) {
      tiers_[t].soleClass = classesAt[t].front();
      continue;
    }
    for (const ClassIndex c : classesAt[t])
      tiers_[t].byClass[c] = std::make_unique<core::LatencyHistogram>();
  }
  allIds_.arrivals = series_.addSeries({"arrivals_rps", "end_to_end", "all"});
  allIds_.throughput = series_.addSeries({"throughput_rps", "end_to_end", "all"});
  allIds_.errors = series_.addSeries({"errors_rps", "end_to_end", "all"});
  allIds_.p50 = series_.addSeries({"latency_p50_s", "end_to_end", "all"});
  allIds_.p95 = series_.addSeries({"latency_p95_s", "end_to_end", "all"});
  allIds_.p99 = series_.addSeries({"latency_p99_s", "end_to_end", "all"});
  for (std::size_t k = 0; k < kErrorCauseCount; ++k) {
    causeIds_[k] =
        series_.addSeries({"errors_rps/" + std::string(errorCauseName(static_cast<ErrorCause>(k))),
                           "end_to_end", "all"});
  }
  faults_.resize(spec.faults.size());
  scaling_.resize(spec.tiers.size());
  const bool faulty = !spec.faults.empty();
  for (const TierSpec& t : spec.tiers) {
    TierSeriesIds ids{};
    if (t.retries) ids.retries = series_.addSeries({"retries_rps", t.id, "all"});
    if (t.autoscaler) {
      ScalingStats& s = scaling_[tierIds_.size()];
      s.desiredSeries = series_.addSeries({"replicas_desired", t.id, "all"});
      s.readySeries = series_.addSeries({"replicas_ready", t.id, "all"});
      s.desired = s.maxDesired =
          static_cast<std::int32_t>(t.initialReplicas > 0 ? t.initialReplicas : t.targets.size());
    }
    if (faulty || t.healthCheck || t.passiveHealth) {
      ids.up = series_.addSeries({"replicas_up", t.id, "all"});
      ids.inRotation = series_.addSeries({"replicas_in_rotation", t.id, "all"});
    }
    ids.throughput = series_.addSeries({"throughput_rps", t.id, "all"});
    ids.errors = series_.addSeries({"errors_rps", t.id, "all"});
    ids.p99 = series_.addSeries({"latency_p99_s", t.id, "all"});
    ids.utilization = series_.addSeries({"utilization", t.id, "all"});
    ids.queue = series_.addSeries({"queue_length", t.id, "all"});
    if (t.cache) ids.hitRatio = series_.addSeries({"cache_hit_ratio", t.id, "all"});
    tierIds_.push_back(ids);
  }
}

Collector::~Collector() = default;

void Collector::reset(double now) {
  deferred_.flush();
  start_ = now;
  for (TierIndex ti = 0; ti < tiers_.size(); ++ti) {
    TierStats& t = tiers_[ti];
    t.latency.reset();
    t.waitSum = 0.0;
    t.completed = 0;
    t.errors = {};
    t.retries = 0;
    t.healthChanges = 0;
    const auto& replicas = network_.tier(ti).replicas();
    for (std::size_t i = 0; i < t.replicas.size(); ++i) {
      ReplicaStats& r = t.replicas[i];
      r.busyAtReset = replicas[i].busySeconds(now);
      r.queuedAtReset = replicas[i].queuedSeconds(now);
      r.runningAtReset = replicas[i].runningSeconds(now);
      r.served = 0;
    }
    for (auto& h : t.byClass) {
      if (h) h->reset();
    }
    for (ZoneStats& z : t.zones)
      z.latency.reset();
    std::fill(t.cacheLookups.begin(), t.cacheLookups.end(), 0);
    std::fill(t.limitRejected.begin(), t.limitRejected.end(), 0);
    t.staleReads = 0;
    t.cacheStaleServed = 0;
    t.connectionsOpened = t.connectionsReused = 0;
    t.serversOpened = t.serversClosed = 0;
    std::fill(t.limitDelayed.begin(), t.limitDelayed.end(), 0);
    std::fill(t.cacheHits.begin(), t.cacheHits.end(), 0);
  }
  all_ = Counts{};
  allLatency_.reset();
  for (EndToEnd& r : regions_)
    r = EndToEnd{};
  for (EndToEnd& l : locations_)
    l = EndToEnd{};
  for (EndToEnd& c : classes_)
    c = EndToEnd{};
}

void Collector::onRequestCreated(const Request& request, double) {
  ++all_.created;
  ++classes_[request.cls].created;
  if (request.location != kNoLocation) ++locations_[request.location].created;
  ++intervalCreated_;
}

void Collector::onHopFinished(const Request& request, TierIndex tier, ReplicaIndex replica,
                              double now) {
  TierStats& t = tiers_[tier];
  const double latency = now - request.hopArrival;
  t.latency.record(latency, deferred_);
  if (t.soleClass == kNone) t.byClass[request.cls]->record(latency, deferred_);
  t.waitSum += request.serviceStart - request.hopArrival;
  ++t.completed;
  ++t.replicas[replica].served;
  if (t.zoneSlot[replica] != kNone) t.zones[t.zoneSlot[replica]].latency.record(latency, deferred_);
  ++t.intervalCompleted;
}

void Collector::onRequestCompleted(const Request& request, double now) {
  const double latency = now - request.created;
  allLatency_.record(latency, deferred_);
  ++all_.completed;
  EndToEnd& c = classes_[request.cls];
  if (classes_.size() > 1) c.latency.record(latency, deferred_);  // else it is allLatency_'s
  ++c.completed;
  if (request.region != kNoRegion) {
    EndToEnd& r = regions_[request.region];
    ++r.created;  // counted when it ends: the region is known only once a replica is picked
    r.latency.record(latency, deferred_);
    ++r.completed;
  }
  if (request.location != kNoLocation) {
    EndToEnd& l = locations_[request.location];
    l.latency.record(latency, deferred_);
    ++l.completed;
  }
  ++intervalCompleted_;
}

void Collector::onAttemptFailed(const Request& request, TierIndex tier, ReplicaIndex,
                                ErrorCause cause, bool retried, double) {
  TierStats& t = tiers_[tier];
  // An error response that came back from downstream and is retried here was counted where
  // it was produced; only the retry counts here.
  if (!(retried && request.failed)) {
    ++t.errors[static_cast<std::size_t>(cause)];
    ++t.intervalErrors;
  }
  if (retried) {
    ++t.retries;
    ++t.intervalRetries;
  }
}

void Collector::addLog(LogRecord record) {
  if (log_.size() >= kMaxLog) return;
  log_.push_back(std::move(record));
}

void Collector::onAutoscaled(TierIndex tier, const AutoscaleNotice& notice, double now) {
  ScalingStats& s = scaling_[tier];
  if (notice.desired == notice.before) return;
  s.desiredSeconds += s.desired * (now - s.since);
  s.since = now;
  s.desired = notice.desired;
  s.maxDesired = std::max(s.maxDesired, notice.desired);
  ++s.changes;
  addLog({0, now, network_.tier(tier).id(), "", "autoscaler",
          "desired " + std::to_string(notice.before) + " -> " + std::to_string(notice.desired) +
              " (ready " + std::to_string(notice.ready) + ")",
          notice.reason + (notice.message.empty() ? "" : ": " + notice.message)});
}

void Collector::onHealthChanged(TierIndex tier, ReplicaIndex replica,
                                const health::HealthEvent& event, std::string_view mechanism,
                                double now) {
  ++tiers_[tier].healthChanges;
  addLog({0, now, network_.tier(tier).id(), network_.tier(tier).replicas()[replica].name,
          std::string(mechanism), std::string(event.from) + " -> " + std::string(event.to),
          health::describe(event)});
  for (FaultStats& f : faults_) {
    if (f.started < 0.0) continue;
    for (std::size_t i = 0; i < f.replicas.size(); ++i) {
      if (f.replicas[i] != std::pair<TierIndex, ReplicaIndex>{tier, replica}) continue;
      f.out[i] = !event.available;
      if (!event.available) {
        f.everOut[i] = true;
        if (f.firstOut < 0.0) f.firstOut = now;
        const bool allOut = std::find(f.everOut.begin(), f.everOut.end(), false) == f.everOut.end();
        if (allOut && f.allOut < 0.0) f.allOut = now;
      } else if (f.ended >= 0.0) {
        f.back[i] = true;
        if (f.backIn < 0.0 && std::find(f.back.begin(), f.back.end(), false) == f.back.end()) {
          f.backIn = now;
        }
      }
    }
  }
}

void Collector::onFault(const FaultNotice& notice, double now) {
  addLog({0, now, network_.tier(notice.tier).id(),
          notice.replica == kNone ? std::string()
                                  : network_.tier(notice.tier).replicas()[notice.replica].name,
          "fault", std::string(notice.kind) + (notice.started ? " starts" : " ends"),
          std::string(notice.name)});
  FaultStats& f = faults_[notice.fault];
  const std::pair<TierIndex, ReplicaIndex> at{notice.tier, notice.replica};
  if (notice.started) {
    if (f.occurrences++ == 0) f.started = now;
    if (f.ended < 0.0 && notice.replica != kNone &&
        std::find(f.replicas.begin(), f.replicas.end(), at) == f.replicas.end()) {
      f.replicas.push_back(at);
      const bool out = !network_.tier(notice.tier).inRotation(notice.replica);
      f.out.push_back(out);
      f.everOut.push_back(out);
      f.back.push_back(false);
    }
  } else if (f.ended < 0.0) {
    f.ended = now;
    // Replicas in rotation when it ends are back at once.
    for (std::size_t i = 0; i < f.out.size(); ++i)
      f.back[i] = !f.out[i];
    if (std::find(f.back.begin(), f.back.end(), false) == f.back.end()) f.backIn = now;
  }
}

void Collector::onRequestFailed(const Request& request, TierIndex, ReplicaIndex, ErrorCause cause,
                                double now) {
  const auto k = static_cast<std::size_t>(cause);
  ++intervalCauses_[k];
  for (FaultStats& f : faults_) {
    if (f.started < 0.0 || (f.ended >= 0.0 && now > f.ended)) continue;
    ++f.errorsDuring;
    if (f.allOut < 0.0) ++f.errorsBeforeOut;
    f.lastError = now;
  }
  ++all_.errors[k];
  ++classes_[request.cls].errors[k];
  if (request.region != kNoRegion) {
    ++regions_[request.region].created;
    ++regions_[request.region].errors[k];
  }
  if (request.location != kNoLocation) ++locations_[request.location].errors[k];
  ++intervalErrors_;
}

void Collector::onCacheLookup(const Request& request, TierIndex tier, ReplicaIndex, bool hit,
                              double) {
  TierStats& t = tiers_[tier];
  ++t.cacheLookups[request.cls];
  ++t.intervalLookups;
  if (hit) {
    ++t.cacheHits[request.cls];
    ++t.intervalHits;
  }
}

void Collector::onRateLimited(const Request&, TierIndex tier, ReplicaIndex, std::size_t limit,
                              bool rejected, double) {
  TierStats& t = tiers_[tier];
  if (limit >= t.limitRejected.size()) return;
  ++(rejected ? t.limitRejected : t.limitDelayed)[limit];
}

void Collector::onStaleRead(const Request&, TierIndex tier, ReplicaIndex, double) {
  ++tiers_[tier].staleReads;
}

void Collector::onCacheStaleServed(const Request&, TierIndex tier, ReplicaIndex, double) {
  ++tiers_[tier].cacheStaleServed;
}

void Collector::onUpstreamConnection(const Request&, TierIndex tier, ReplicaIndex, bool reused,
                                     double) {
  ++(reused ? tiers_[tier].connectionsReused : tiers_[tier].connectionsOpened);
}

void Collector::onPoolServer(TierIndex tier, ReplicaIndex, bool opened, double) {
  ++(opened ? tiers_[tier].serversOpened : tiers_[tier].serversClosed);
}

double Collector::meanBusy(TierIndex tier, ReplicaIndex replica, double now) const {
  const auto& pool = network_.tier(tier).replicas()[replica];
  if (now == start_) return pool.busy;
  return (pool.busySeconds(now) - tiers_[tier].replicas[replica].busyAtReset) / (now - start_);
}

double Collector::utilization(TierIndex tier, const std::vector<ReplicaIndex>& replicas,
                              double now) const {
  const auto& pool = network_.tier(tier).replicas();
  double busy = 0.0;
  double workers = 0.0;
  if (!network_.spec().tiers[tier].autoscaler) {
    for (const ReplicaIndex r : replicas) {
      busy += meanBusy(tier, r, now);
      workers += pool[r].workers;
    }
    return ratio(busy, workers);
  }
  double capacity = 0.0;
  for (const ReplicaIndex r : replicas) {
    const ReplicaStats& stats = tiers_[tier].replicas[r];
    busy += pool[r].busySeconds(now) - stats.busyAtReset;
    capacity += pool[r].workers * (pool[r].runningSeconds(now) - stats.runningAtReset);
  }
  return ratio(busy, capacity);
}

double Collector::meanQueued(TierIndex tier, ReplicaIndex replica, double now) const {
  const auto& pool = network_.tier(tier).replicas()[replica];
  if (now == start_) return static_cast<double>(pool.waiting());
  return (pool.queuedSeconds(now) - tiers_[tier].replicas[replica].queuedAtReset) / (now - start_);
}

void Collector::addLatencyFigures(Figures& out, const std::string& prefix,
                                  const core::LatencyHistogram& h) const {
  out.push_back({prefix + "latency_s/mean", h.mean()});
  out.push_back({prefix + "latency_s/p50", h.quantile(0.50)});
  out.push_back({prefix + "latency_s/p90", h.quantile(0.90)});
  out.push_back({prefix + "latency_s/p95", h.quantile(0.95)});
  out.push_back({prefix + "latency_s/p99", h.quantile(0.99)});
  out.push_back({prefix + "latency_s/p999", h.quantile(0.999)});
  out.push_back({prefix + "latency_s/max", h.max()});
}

void Collector::addErrorFigures(Figures& out, const std::string& prefix,
                                const ErrorCounts& e) const {
  for (std::size_t k = 0; k < kErrorCauseCount; ++k) {
    out.push_back({prefix + "errors/" + std::string(errorCauseName(static_cast<ErrorCause>(k))),
                   static_cast<double>(e[k])});
  }
}

Figures Collector::figures(double now) const {
  deferred_.flush();
  Figures out;
  const double span = now - start_;
  const ScenarioSpec& spec = network_.spec();
  const core::LatencyHistogram allLatency = allLatency_.total();
  auto endToEnd = [&](const std::string& prefix, const Counts& e,
                      const core::LatencyHistogram& latency) {
    out.push_back({prefix + "requests", static_cast<double>(e.created)});
    out.push_back({prefix + "completed", static_cast<double>(e.completed)});
    out.push_back({prefix + "throughput_rps", ratio(static_cast<double>(e.completed), span)});
    addLatencyFigures(out, prefix, latency);
    addErrorFigures(out, prefix, e.errors);
    const double errors = total(e.errors);
    out.push_back(
        {prefix + "error_ratio", ratio(errors, errors + static_cast<double>(e.completed))});
    out.push_back({prefix + "availability", ratio(static_cast<double>(e.completed),
                                                  errors + static_cast<double>(e.completed))});
  };
  endToEnd("end_to_end/all/", all_, allLatency);
  for (ClassIndex c = 0; c < classes_.size(); ++c) {
    endToEnd("end_to_end/classes/" + spec.classes[c].id + "/", classes_[c],
             classes_.size() > 1 ? classes_[c].latency : allLatency);
  }
  for (std::size_t r = 0; r < regions_.size(); ++r) {
    endToEnd("end_to_end/regions/" + network_.regions()[r] + "/", regions_[r], regions_[r].latency);
  }
  for (std::size_t l = 0; l < locations_.size(); ++l) {
    endToEnd("end_to_end/locations/" + network_.locations()[l] + "/", locations_[l],
             locations_[l].latency);
  }
  for (TierIndex t = 0; t < tiers_.size(); ++t) {
    const TierStats& s = tiers_[t];
    const ServicePool& pool = network_.tier(t);
    const std::string prefix = "tiers/" + pool.id() + "/";
    const bool autoscaled = spec.tiers[t].autoscaler.has_value();
    out.push_back({prefix + "completed", static_cast<double>(s.completed)});
    out.push_back({prefix + "throughput_rps", ratio(static_cast<double>(s.completed), span)});
    const core::LatencyHistogram tierLatency = s.latency.total();
    addLatencyFigures(out, prefix, tierLatency);
    out.push_back({prefix + "wait_s/mean", ratio(s.waitSum, static_cast<double>(s.completed))});
    double busy = 0.0;
    double queued = 0.0;
    std::vector<ReplicaIndex> all;
    for (ReplicaIndex r = 0; r < s.replicas.size(); ++r) {
      busy += meanBusy(t, r, now);
      queued += meanQueued(t, r, now);
      all.push_back(r);
    }
    out.push_back({prefix + "utilization",
                   autoscaled ? utilization(t, all, now) : ratio(busy, pool.totalWorkers())});
    out.push_back({prefix + "busy_workers", busy});
    out.push_back({prefix + "queue_length", queued});
    addErrorFigures(out, prefix, s.errors);
    if (spec.tiers[t].retries) out.push_back({prefix + "retries", static_cast<double>(s.retries)});
    if (pool.health()) {
      out.push_back({prefix + "health_changes", static_cast<double>(s.healthChanges)});
    }
    for (ReplicaIndex r = 0; r < s.replicas.size(); ++r) {
      const auto& replica = pool.replicas()[r];
      const std::string rp = prefix + "replicas/" + replica.name + "/";
      out.push_back({rp + "utilization", autoscaled ? utilization(t, {r}, now)
                                                    : meanBusy(t, r, now) / replica.workers});
      out.push_back({rp + "queue_length", meanQueued(t, r, now)});
      out.push_back({rp + "share", ratio(static_cast<double>(s.replicas[r].served),
                                         static_cast<double>(s.completed))});
    }
    if (spec.tiers[t].replicationLag) {
      out.push_back({prefix + "stale_reads", static_cast<double>(s.staleReads)});
    }
    if (spec.tiers[t].keepalive) {
      const auto opened = static_cast<double>(s.connectionsOpened);
      const auto reused = static_cast<double>(s.connectionsReused);
      out.push_back({prefix + "keepalive/opened", opened});
      out.push_back({prefix + "keepalive/reused", reused});
      out.push_back({prefix + "keepalive/reuse_ratio", ratio(reused, opened + reused)});
    }
    if (spec.tiers[t].pgbouncer) {
      out.push_back({prefix + "pgbouncer/servers_opened", static_cast<double>(s.serversOpened)});
      out.push_back({prefix + "pgbouncer/servers_closed", static_cast<double>(s.serversClosed)});
    }
    if (const auto* limits = pool.limits()) {
      for (std::size_t l = 0; l < limits->names().size(); ++l) {
        const std::string lp = prefix + "rate_limits/" + limits->names()[l] + "/";
        out.push_back({lp + "rejected", static_cast<double>(s.limitRejected[l])});
        // limit_conn never delays a request.
        if (!limits->names()[l].starts_with("limit_conn:")) {
          out.push_back({lp + "delayed", static_cast<double>(s.limitDelayed[l])});
        }
      }
    }
    if (!s.cacheLookups.empty()) {
      double lookups = 0.0, hits = 0.0;
      for (ClassIndex c = 0; c < s.cacheLookups.size(); ++c) {
        lookups += static_cast<double>(s.cacheLookups[c]);
        hits += static_cast<double>(s.cacheHits[c]);
      }
      out.push_back({prefix + "cache/lookups", lookups});
      out.push_back({prefix + "cache/hits", hits});
      out.push_back({prefix + "cache/hit_ratio", ratio(hits, lookups)});
      out.push_back({prefix + "cache/stale_served", static_cast<double>(s.cacheStaleServed)});
    }
    for (std::uint32_t z = 0; z < s.zones.size(); ++z) {
      const ZoneStats& zs = s.zones[z];
      const std::string zp = prefix + "zones/" + network_.zones()[zs.zone] + "/";
      double zoneBusy = 0.0;
      double zoneWorkers = 0.0;
      std::vector<ReplicaIndex> inZone;
      for (ReplicaIndex r = 0; r < s.replicas.size(); ++r) {
        if (s.zoneSlot[r] != z) continue;
        zoneBusy += meanBusy(t, r, now);
        zoneWorkers += pool.replicas()[r].workers;
        inZone.push_back(r);
      }
      out.push_back({zp + "completed", static_cast<double>(zs.latency.count())});
      out.push_back({zp + "throughput_rps", ratio(static_cast<double>(zs.latency.count()), span)});
      out.push_back({zp + "utilization",
                     autoscaled ? utilization(t, inZone, now) : ratio(zoneBusy, zoneWorkers)});
      out.push_back({zp + "latency_s/mean", zs.latency.mean()});
      out.push_back({zp + "latency_s/p50", zs.latency.quantile(0.50)});
      out.push_back({zp + "latency_s/p95", zs.latency.quantile(0.95)});
      out.push_back({zp + "latency_s/p99", zs.latency.quantile(0.99)});
    }
    for (ClassIndex c = 0; c < s.byClass.size(); ++c) {
      if (!s.byClass[c] && c != s.soleClass) continue;
      const core::LatencyHistogram& h = c == s.soleClass ? tierLatency : *s.byClass[c];
      const std::string cp = prefix + "classes/" + spec.classes[c].id + "/";
      out.push_back({cp + "completed", static_cast<double>(h.count())});
      out.push_back({cp + "latency_s/mean", h.mean()});
      out.push_back({cp + "latency_s/p50", h.quantile(0.50)});
      out.push_back({cp + "latency_s/p95", h.quantile(0.95)});
      out.push_back({cp + "latency_s/p99", h.quantile(0.99)});
      if (!s.cacheLookups.empty()) {
        out.push_back({cp + "cache_hit_ratio", ratio(static_cast<double>(s.cacheHits[c]),
                                                     static_cast<double>(s.cacheLookups[c]))});
      }
    }
  }
  for (TierIndex t = 0; t < scaling_.size(); ++t) {
    if (!spec.tiers[t].autoscaler) continue;
    const ScalingStats& s = scaling_[t];
    const std::string ap = "tiers/" + spec.tiers[t].id + "/autoscaler/";
    out.push_back({ap + "scale_changes", static_cast<double>(s.changes)});
    out.push_back({ap + "max_desired", static_cast<double>(s.maxDesired)});
    out.push_back({ap + "final_desired", static_cast<double>(s.desired)});
    out.push_back(
        {ap + "replica_hours", (s.desiredSeconds + s.desired * (now - s.since)) / 3600.0});
  }
  // Per fault, times from its start (seconds); NaN when it did not happen.
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const FaultStats& f = faults_[i];
    const std::string fp = "faults/" + std::to_string(i + 1) + "/";
    auto since = [&](double t, double from) { return t >= 0.0 && from >= 0.0 ? t - from : kNaN; };
    out.push_back({fp + "occurrences", static_cast<double>(f.occurrences)});
    out.push_back({fp + "replicas", static_cast<double>(f.replicas.size())});
    out.push_back({fp + "first_out_s", since(f.firstOut, f.started)});
    out.push_back({fp + "all_out_s", since(f.allOut, f.started)});
    out.push_back({fp + "errors_until_all_out", static_cast<double>(f.errorsBeforeOut)});
    out.push_back({fp + "errors_during", static_cast<double>(f.errorsDuring)});
    out.push_back({fp + "last_error_s", since(f.lastError, f.started)});
    out.push_back({fp + "back_in_rotation_s", since(f.backIn, f.ended)});
  }
  return out;
}

void Collector::sample(double now) {
  const double span = now - lastSample_;
  if (!(span > 0.0)) return;
  deferred_.flush();
  series_.beginSample(now);
  series_.set(allIds_.arrivals, static_cast<double>(intervalCreated_) / span);
  series_.set(allIds_.throughput, static_cast<double>(intervalCompleted_) / span);
  series_.set(allIds_.errors, static_cast<double>(intervalErrors_) / span);
  allLatency_.endInterval([&](const core::LatencyHistogram& h) {
    series_.set(allIds_.p50, h.quantile(0.50));
    series_.set(allIds_.p95, h.quantile(0.95));
    series_.set(allIds_.p99, h.quantile(0.99));
  });
  for (std::size_t k = 0; k < kErrorCauseCount; ++k)
    series_.set(causeIds_[k], static_cast<double>(intervalCauses_[k]) / span);
  intervalCauses_ = {};
  intervalCreated_ = intervalCompleted_ = intervalErrors_ = 0;
  for (TierIndex t = 0; t < tiers_.size(); ++t) {
    TierStats& s = tiers_[t];
    const TierSeriesIds& ids = tierIds_[t];
    double busy = 0.0;
    double queued = 0.0;
    double capacity = 0.0;  // worker-seconds of the replicas running (autoscaled tiers)
    const auto& replicas = network_.tier(t).replicas();
    for (std::size_t i = 0; i < s.replicas.size(); ++i) {
      ReplicaStats& r = s.replicas[i];
      const double b = replicas[i].busySeconds(now);
      const double q = replicas[i].queuedSeconds(now);
      const double running = replicas[i].runningSeconds(now);
      busy += b - r.busyAtSample;
      queued += q - r.queuedAtSample;
      capacity += replicas[i].workers * (running - r.runningAtSample);
      r.busyAtSample = b;
      r.queuedAtSample = q;
      r.runningAtSample = running;
    }
    series_.set(ids.throughput, static_cast<double>(s.intervalCompleted) / span);
    series_.set(ids.errors, static_cast<double>(s.intervalErrors) / span);
    s.latency.endInterval(
        [&](const core::LatencyHistogram& h) { series_.set(ids.p99, h.quantile(0.99)); });
    series_.set(ids.utilization, network_.spec().tiers[t].autoscaler
                                     ? ratio(busy, capacity)
                                     : busy / span / network_.tier(t).totalWorkers());
    series_.set(ids.queue, queued / span);
    if (ids.retries != kNoSeries) {
      series_.set(ids.retries, static_cast<double>(s.intervalRetries) / span);
    }
    s.intervalRetries = 0;
    if (scaling_[t].desiredSeries != kNoSeries) {
      series_.set(scaling_[t].desiredSeries, static_cast<double>(scaling_[t].desired));
      series_.set(scaling_[t].readySeries, static_cast<double>(network_.tier(t).readyReplicas()));
    }
    if (ids.up != kNoSeries) {
      const ServicePool& pool = network_.tier(t);
      double up = 0.0, inRotation = 0.0;
      for (const auto& replica : pool.replicas()) {
        if (replica.condition == ServicePool::Condition::kUp) up += 1.0;
      }
      for (const auto& target : pool.balancer().targets()) {
        if (target.available) inRotation += 1.0;
      }
      series_.set(ids.up, up);
      series_.set(ids.inRotation, inRotation);
    }
    if (ids.hitRatio != kNoSeries) {
      series_.set(ids.hitRatio, ratio(static_cast<double>(s.intervalHits),
                                      static_cast<double>(s.intervalLookups)));
      s.intervalLookups = s.intervalHits = 0;
    }
    s.intervalCompleted = s.intervalErrors = 0;
  }
  lastSample_ = now;
}

}  // namespace lbsim::models
