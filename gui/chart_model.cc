#include "gui/chart_model.h"

#include <cmath>

namespace lbsim::gui {

double chartValue(const LiveSample& s, const SeriesRef& ref) {
  const bool tier = ref.tier >= 0;
  if (tier && static_cast<std::size_t>(ref.tier) >= s.tiers.size()) return kNaN;
  const TierSample* t = tier ? &s.tiers[static_cast<std::size_t>(ref.tier)] : nullptr;
  switch (ref.metric) {
    case Metric::kP50:
      return 1000.0 * (t ? t->p50 : s.p50);
    case Metric::kP95:
      return 1000.0 * (t ? t->p95 : s.p95);
    case Metric::kP99:
      return 1000.0 * (t ? t->p99 : s.p99);
    case Metric::kThroughput:
      return t ? t->throughput : s.throughput;
    case Metric::kArrivals:
      return t ? kNaN : s.arrivals;
    case Metric::kErrors: {
      if (t) return t->errors;
      if (ref.cause >= 0) return s.errors[static_cast<std::size_t>(ref.cause)];
      double sum = 0.0;
      for (double e : s.errors)
        sum += e;
      return sum;
    }
    case Metric::kUtilization:
      return t ? 100.0 * t->utilization : kNaN;
    case Metric::kQueueLength:
      return t ? t->queueLength : kNaN;
    case Metric::kReady:
      return t ? t->ready : kNaN;
    case Metric::kDesired:
      return t ? t->desired : kNaN;
    case Metric::kInRotation:
      return t ? t->inRotation : kNaN;
    case Metric::kCacheHitRatio:
      return s.cacheHitRatio ? 100.0 * *s.cacheHitRatio : kNaN;
  }
  return kNaN;
}

bool isCount(Metric metric) {
  return metric == Metric::kReady || metric == Metric::kDesired || metric == Metric::kInRotation;
}

namespace {

// Running NaN-skipping mean of one field.
struct Mean {
  double sum = 0.0;
  int n = 0;
  void add(double v) {
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  double get() const { return n > 0 ? sum / n : kNaN; }
};

// The fields of a tier's sample that the mean averages.
constexpr double TierSample::*kTierFields[] = {
    &TierSample::p50,         &TierSample::p95,    &TierSample::p99,
    &TierSample::throughput,  &TierSample::errors, &TierSample::utilization,
    &TierSample::queueLength, &TierSample::ready,  &TierSample::desired,
    &TierSample::inRotation,
};
constexpr std::size_t kTierFieldCount = std::size(kTierFields);

}  // namespace

std::vector<LiveSample> meanOverReplications(const std::vector<std::vector<LiveSample>>& runs) {
  std::size_t count = 0;
  const std::vector<LiveSample>* longest = nullptr;
  for (const auto& r : runs) {
    if (r.size() > count) {
      count = r.size();
      longest = &r;
    }
  }
  std::vector<LiveSample> out;
  for (std::size_t i = 0; i < count; ++i) {
    const LiveSample& shape = (*longest)[i];
    LiveSample m;
    m.time = shape.time;
    m.tiers.resize(shape.tiers.size());
    Mean p50, p95, p99, arrivals, throughput, cache;
    std::vector<Mean> errors(m.errors.size());
    std::vector<Mean> tier(shape.tiers.size() * kTierFieldCount);
    for (const auto& r : runs) {
      if (i >= r.size()) continue;
      const LiveSample& s = r[i];
      p50.add(s.p50);
      p95.add(s.p95);
      p99.add(s.p99);
      arrivals.add(s.arrivals);
      throughput.add(s.throughput);
      if (s.cacheHitRatio) cache.add(*s.cacheHitRatio);
      for (std::size_t c = 0; c < s.errors.size(); ++c)
        errors[c].add(s.errors[c]);
      for (std::size_t t = 0; t < s.tiers.size() && t < shape.tiers.size(); ++t) {
        for (std::size_t k = 0; k < kTierFieldCount; ++k)
          tier[t * kTierFieldCount + k].add(s.tiers[t].*kTierFields[k]);
      }
      // Every replication's events, so the markers show the spread of the decisions.
      m.decisions.insert(m.decisions.end(), s.decisions.begin(), s.decisions.end());
      m.healthChanges.insert(m.healthChanges.end(), s.healthChanges.begin(), s.healthChanges.end());
      m.decisionsDropped += s.decisionsDropped;
      m.healthChangesDropped += s.healthChangesDropped;
    }
    m.p50 = p50.get();
    m.p95 = p95.get();
    m.p99 = p99.get();
    m.arrivals = arrivals.get();
    m.throughput = throughput.get();
    if (cache.n > 0) m.cacheHitRatio = cache.get();
    for (std::size_t c = 0; c < m.errors.size(); ++c)
      m.errors[c] = errors[c].get();
    for (std::size_t t = 0; t < m.tiers.size(); ++t) {
      for (std::size_t k = 0; k < kTierFieldCount; ++k)
        m.tiers[t].*kTierFields[k] = tier[t * kTierFieldCount + k].get();
    }
    out.push_back(std::move(m));
  }
  return out;
}

namespace {

QStringList tierNames(const models::ScenarioSpec& spec) {
  QStringList names;
  for (const auto& t : spec.tiers)
    names << QString::fromStdString(t.id);
  return names;
}

}  // namespace

void ChartModel::describe(SlotData& slot, const models::ScenarioSpec& spec) {
  slot.tiers = tierNames(spec);
  slot.duration = spec.duration;
  slot.autoscaled.clear();
  slot.replicaNames.assign(spec.tiers.size(), {});
  slot.rotation = !spec.faults.empty();
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const models::TierSpec& tier = spec.tiers[t];
    for (const models::TargetSpec& target : tier.targets)
      slot.replicaNames[t] << QString::fromStdString(target.name);
    if (tier.autoscaler) slot.autoscaled.push_back(static_cast<int>(t));
    slot.rotation = slot.rotation || tier.healthCheck || tier.passiveHealth;
  }
}

void ChartModel::beginRun(const models::ScenarioSpec& spec, const QString& label) {
  SlotData& b = slots_[kB];
  b = {};
  b.present = true;
  b.live = true;
  b.label = label;
  describe(b, spec);
  emit changed();
}

void ChartModel::addBatch(const LiveBatch& batch) {
  SlotData& b = slots_[kB];
  if (!b.live) return;
  if (batch.replication != b.replication) {
    b.replication = batch.replication;
    b.samples.clear();
  }
  if (batch.samples.empty()) return;
  b.samples.insert(b.samples.end(), batch.samples.begin(), batch.samples.end());
  emit changed();
}

void ChartModel::setFinished(SlotData& slot, const RunResult& result) {
  slot = {};
  slot.present = true;
  slot.label = QString::fromStdString(result.label);
  describe(slot, result.spec);
  // A stopped run shows what it had: its replications so far, the last one partial.
  std::vector<std::vector<LiveSample>> done;
  for (const auto& r : result.samples) {
    if (!r.empty()) done.push_back(r);
  }
  slot.replication = static_cast<std::uint32_t>(done.size());
  slot.samples = meanOverReplications(done);
}

void ChartModel::finishRun(const std::shared_ptr<const RunResult>& result) {
  if (result) setFinished(slots_[kB], *result);
  emit changed();
}

void ChartModel::setBaseline(const std::shared_ptr<const RunResult>& result) {
  if (result) {
    setFinished(slots_[kA], *result);
  } else {
    slots_[kA] = {};
  }
  emit changed();
}

QList<QPointF> ChartModel::points(Slot slot, const SeriesRef& ref) const {
  QList<QPointF> out;
  const bool steps = isCount(ref.metric);
  double start = 0.0;
  for (const LiveSample& s : slots_[slot].samples) {
    const double v = chartValue(s, ref);
    if (std::isfinite(v)) {
      if (steps) out.append(QPointF(start, v));
      out.append(QPointF(s.time, v));
    }
    start = s.time;
  }
  return out;
}

QString ChartModel::replicaName(Slot slot, int tier, std::uint32_t replica) const {
  const auto& names = slots_[slot].replicaNames;
  if (tier < 0 || static_cast<std::size_t>(tier) >= names.size() ||
      replica >= static_cast<std::uint32_t>(names[static_cast<std::size_t>(tier)].size())) {
    return QString::number(replica);
  }
  return names[static_cast<std::size_t>(tier)][static_cast<qsizetype>(replica)];
}

namespace {

// The events of one tier in the samples' lists `list`, in time order.
template <typename Event>
std::vector<Event> eventsOf(const std::vector<LiveSample>& samples,
                            std::vector<Event> LiveSample::*list, int tier) {
  std::vector<Event> out;
  for (const LiveSample& s : samples) {
    for (const Event& e : s.*list) {
      if (static_cast<int>(e.tier) == tier) out.push_back(e);
    }
  }
  return out;
}

}  // namespace

std::vector<ScaleDecision> ChartModel::decisions(Slot slot, int tier) const {
  return eventsOf(slots_[slot].samples, &LiveSample::decisions, tier);
}

QList<QPointF> ChartModel::decisionPoints(Slot slot, int tier) const {
  QList<QPointF> out;
  for (const ScaleDecision& d : decisions(slot, tier))
    out.append(QPointF(d.time, d.desired));
  return out;
}

std::vector<HealthChange> ChartModel::healthChanges(Slot slot, int tier) const {
  return eventsOf(slots_[slot].samples, &LiveSample::healthChanges, tier);
}

QList<QPointF> ChartModel::healthPoints(Slot slot, int tier, bool out) const {
  QList<QPointF> points;
  for (const HealthChange& h : healthChanges(slot, tier)) {
    const bool shown =
        out ? h.wasInRotation && !h.nowInRotation : !h.wasInRotation && h.nowInRotation;
    if (shown) points.append(QPointF(h.time, h.inRotation));
  }
  return points;
}

bool ChartModel::hasCache() const {
  for (const SlotData& slot : slots_) {
    for (const LiveSample& s : slot.samples) {
      if (s.cacheHitRatio) return true;
    }
  }
  return false;
}

}  // namespace lbsim::gui
