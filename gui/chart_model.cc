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
    case Metric::kReplicas:
      return t ? t->replicas : kNaN;
    case Metric::kCacheHitRatio:
      return s.cacheHitRatio ? 100.0 * *s.cacheHitRatio : kNaN;
  }
  return kNaN;
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
    std::vector<Mean> tier(shape.tiers.size() * 6);
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
        const TierSample& ts = s.tiers[t];
        const double v[6] = {ts.p50, ts.p95, ts.p99, ts.throughput, ts.errors, ts.utilization};
        for (int k = 0; k < 6; ++k)
          tier[t * 6 + k].add(v[k]);
      }
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
      TierSample& ts = m.tiers[t];
      ts.p50 = tier[t * 6 + 0].get();
      ts.p95 = tier[t * 6 + 1].get();
      ts.p99 = tier[t * 6 + 2].get();
      ts.throughput = tier[t * 6 + 3].get();
      ts.errors = tier[t * 6 + 4].get();
      ts.utilization = tier[t * 6 + 5].get();
      Mean queue, replicas;
      for (const auto& r : runs) {
        if (i < r.size() && t < r[i].tiers.size()) {
          queue.add(r[i].tiers[t].queueLength);
          replicas.add(r[i].tiers[t].replicas);
        }
      }
      ts.queueLength = queue.get();
      ts.replicas = replicas.get();
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

void ChartModel::beginRun(const models::ScenarioSpec& spec, const QString& label) {
  SlotData& b = slots_[kB];
  b = {};
  b.present = true;
  b.live = true;
  b.label = label;
  b.tiers = tierNames(spec);
  b.duration = spec.duration;
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
  slot.tiers = tierNames(result.spec);
  slot.duration = result.spec.duration;
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
  for (const LiveSample& s : slots_[slot].samples) {
    const double v = chartValue(s, ref);
    if (std::isfinite(v)) out.append(QPointF(s.time, v));
  }
  return out;
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
