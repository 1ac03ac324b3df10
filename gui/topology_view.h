#pragma once

#include <QRectF>
#include <QWidget>
#include <vector>

#include "gui/live/live_sample.h"
#include "models/spec.h"

namespace lbsim::gui {

// The chain as a layered diagram, left to right from the clients (CDN → … → database):
// each tier sits one column right of the tiers that send it requests (the longest route
// to it decides), one box per tier with its replica count, balancing policy and a fill
// colour from its utilization (green idle → red saturated, grey before any figure).
// Clicking a box selects the tier.
class TopologyView : public QWidget {
  Q_OBJECT
 public:
  explicit TopologyView(QWidget* parent = nullptr);

  void setScenario(const models::ScenarioSpec& spec);
  // Fraction per tier in scenario order; NaN: unknown.
  void setUtilization(const std::vector<double>& utilization);
  // Replica counts of a run (ready, desired, in rotation): autoscaled tiers show ready and
  // desired, tiers whose replicas can leave rotation show how many are in it. Empty: the
  // scenario's counts.
  void setReplicaCounts(const std::vector<TierState>& tiers);
  // The text lines of a tier's box, as drawn (elided to the box when too long).
  QStringList boxLines(int tier) const;
  int selected() const { return selected_; }
  void select(int tier);
  // Column of each tier (0 = first after the clients), as laid out.
  const std::vector<int>& layers() const { return layer_; }
  QRectF box(int tier) const { return boxes_[static_cast<std::size_t>(tier)]; }

  QSize sizeHint() const override;

 signals:
  void tierSelected(int tier);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void layout();

  models::ScenarioSpec spec_;
  std::vector<int> layer_;
  std::vector<std::pair<int, int>> edges_;  // (from, to); from -1: the clients
  std::vector<double> utilization_;
  std::vector<TierState> counts_;
  bool rotation_ = false;  // faults or health mechanisms: replicas can leave rotation
  std::vector<QRectF> boxes_;
  QRectF clients_;
  double boxWidth_ = 190.0;
  int selected_ = -1;
};

}  // namespace lbsim::gui
