#pragma once

#include <QWidget>
#include <cstddef>
#include <vector>

class QDoubleSpinBox;
class QTableWidget;

namespace lbsim::gui {

class ScenarioDocument;

// What-if edits: each tier's replica count and balancing policy, applied to the document's
// edited copy of the scenario (never to the file), then re-run and compared with the run
// before. An autoscaled tier's replica count is its autoscaler's; the rows below the tier
// edit the autoscaler instead: its replica range and its targets (autoscaler_settings.h).
class WhatIfPanel : public QWidget {
  Q_OBJECT
 public:
  explicit WhatIfPanel(ScenarioDocument& document, QWidget* parent = nullptr);

  // Sets a tier's replicas / policy as the editors would (for the screenshot tour).
  void setReplicas(int tier, int count);
  void setPolicy(int tier, const QString& policy);
  // Sets a setting of a tier's autoscaler (in autoscalerSettings' order) as its editor would.
  void setAutoscalerSetting(int tier, std::size_t setting, double value);
  // "course-service replicas 3→5, postgres policy least_conn, user-service HPA cpu target
  // 70→50 %" (empty: no edits).
  QString describeEdits() const;

 signals:
  void edited();
  void runRequested();

 private:
  void reload();
  void addAutoscalerRows(int tier);
  // The autoscaler editors' ranges after an edit (min <= max, low <= high).
  void updateAutoscalerRanges(int tier);

  ScenarioDocument& document_;
  QTableWidget* table_;
  std::vector<int> rows_;                                  // each tier's row
  std::vector<std::vector<QDoubleSpinBox*>> autoscalers_;  // each tier's autoscaler editors
};

}  // namespace lbsim::gui
