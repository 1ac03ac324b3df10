#pragma once

#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "gui/live/live_sample.h"

namespace lbsim::gui {

// A series the charts can show: a metric of the end-to-end figures (tier < 0) or of one
// tier; `cause` picks the error cause for kErrors end to end (-1: all causes).
enum class Metric {
  kP50,
  kP95,
  kP99,
  kThroughput,
  kArrivals,
  kErrors,
  kUtilization,
  kQueueLength,
  kReady,  // replica counts: drawn as steps (points())
  kDesired,
  kInRotation,
  kCacheHitRatio,
};
// Whether a metric is a replica count, which holds over an interval rather than
// describing it: points() draws it as steps.
bool isCount(Metric metric);
struct SeriesRef {
  Metric metric = Metric::kP99;
  int tier = -1;
  int cause = -1;
};

// The value a chart plots: latencies in ms, utilization and hit ratio in %, rates per s.
double chartValue(const LiveSample& sample, const SeriesRef& ref);

// The mean over replications of each interval's figures (NaN-skipping, as the CLI's
// timeseries.csv averages): what the charts show once a run is over.
std::vector<LiveSample> meanOverReplications(const std::vector<std::vector<LiveSample>>& runs);

// What the charts plot, for two runs: B, the run going on or the last one, and A, the
// baseline it is compared with. While a run goes, B shows its current replication as it
// comes; once over, the mean of its replications.
class ChartModel : public QObject {
  Q_OBJECT
 public:
  enum Slot { kA = 0, kB = 1 };
  using QObject::QObject;

  // B becomes a new live run of `spec`.
  void beginRun(const models::ScenarioSpec& spec, const QString& label);
  void addBatch(const LiveBatch& batch);
  void finishRun(const std::shared_ptr<const RunResult>& result);
  // A: the run to compare with (null: none).
  void setBaseline(const std::shared_ptr<const RunResult>& result);

  bool has(Slot slot) const { return slots_[slot].present; }
  bool live() const { return slots_[kB].live; }
  QString label(Slot slot) const { return slots_[slot].label; }
  QStringList tiers(Slot slot) const { return slots_[slot].tiers; }
  double duration(Slot slot) const { return slots_[slot].duration; }
  std::uint32_t replication() const { return slots_[kB].replication; }
  const std::vector<LiveSample>& samples(Slot slot) const { return slots_[slot].samples; }
  // Points (simulated seconds, chartValue), undefined values left out. A replica count is
  // a step per sample, level over the interval that ends at the sample, so the change shows
  // in the interval where it happened (where its decision marker is): (start, v), (end, v).
  QList<QPointF> points(Slot slot, const SeriesRef& ref) const;
  // The autoscaler decisions that changed the tier's desired count, at (time, desired after);
  // once a run is over, those of all its replications.
  QList<QPointF> decisionPoints(Slot slot, int tier) const;
  std::vector<ScaleDecision> decisions(Slot slot, int tier) const;
  // The health changes that took one of the tier's replicas out of rotation (`out`) or put
  // it back, at (time, replicas in rotation just after); changes that left the replica where
  // it was are not marked.
  QList<QPointF> healthPoints(Slot slot, int tier, bool out) const;
  std::vector<HealthChange> healthChanges(Slot slot, int tier) const;
  // Tiers with an autoscaler; whether replicas can leave rotation (faults or a health
  // mechanism in the scenario).
  std::vector<int> autoscaledTiers(Slot slot) const { return slots_[slot].autoscaled; }
  bool tracksRotation(Slot slot) const { return slots_[slot].rotation; }
  QString replicaName(Slot slot, int tier, std::uint32_t replica) const;
  // Whether any sample of either run has a cache hit ratio (a scenario without caches has
  // none, and the cache chart says so).
  bool hasCache() const;

 signals:
  void changed();

 private:
  struct SlotData {
    bool present = false;
    bool live = false;
    QString label;
    QStringList tiers;
    std::vector<int> autoscaled;
    std::vector<QStringList> replicaNames;  // by tier
    bool rotation = false;
    double duration = 0.0;  // simulated seconds: the charts' time axis
    std::uint32_t replication = 0;
    std::vector<LiveSample> samples;
  };
  void setFinished(SlotData& slot, const RunResult& result);
  static void describe(SlotData& slot, const models::ScenarioSpec& spec);
  SlotData slots_[2];
};

}  // namespace lbsim::gui
