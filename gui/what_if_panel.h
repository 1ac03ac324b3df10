#pragma once

#include <QWidget>

class QTableWidget;

namespace lbsim::gui {

class ScenarioDocument;

// What-if edits: each tier's replica count and balancing policy, applied to the document's
// edited copy of the scenario (never to the file), then re-run and compared with the run
// before. An autoscaled tier's replica count is not editable (its autoscaler sets it), nor
// are the autoscaler's settings.
class WhatIfPanel : public QWidget {
  Q_OBJECT
 public:
  explicit WhatIfPanel(ScenarioDocument& document, QWidget* parent = nullptr);

  // Sets a tier's replicas / policy as the editors would (for the screenshot tour).
  void setReplicas(int tier, int count);
  void setPolicy(int tier, const QString& policy);
  // "course-service replicas 3→5, postgres policy least_conn" (empty: no edits).
  QString describeEdits() const;

 signals:
  void edited();
  void runRequested();

 private:
  void reload();

  ScenarioDocument& document_;
  QTableWidget* table_;
};

}  // namespace lbsim::gui
