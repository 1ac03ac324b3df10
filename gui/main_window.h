#pragma once

#include <QMainWindow>
#include <memory>

#include "gui/live/live_sample.h"
#include "models/balancing/policy.h"

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace lbsim::gui {

class ChartModel;
class ChartsView;
class CompareModel;
class Heartbeat;
class RunController;
class ScenarioDocument;
class ScenarioView;
class TopologyView;
class WhatIfPanel;

// Puts the views together and wires them to the document, the run controller and the
// models; the work is in those.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  enum Tab { kScenarioTab, kTopologyTab, kChartsTab, kCompareTab };
  explicit MainWindow(const models::balancing::PolicyRegistry& policies, QWidget* parent = nullptr);
  ~MainWindow() override;

  bool openScenario(const QString& path);
  // Runs the (edited) scenario with the duration/replication overrides of the toolbar.
  void run();
  void setDurationOverride(const QString& text);
  void setReplicationsOverride(int replications);  // 0: the scenario's
  void setSpeed(double factor);                    // 0: as fast as possible
  void showTab(Tab tab);

  ScenarioDocument& document() { return *document_; }
  RunController& controller() { return *controller_; }
  ChartsView& charts() { return *charts_; }
  TopologyView& topology() { return *topology_; }
  WhatIfPanel& whatIf() { return *whatIf_; }
  ScenarioView& scenarioView() { return *scenarioView_; }
  Heartbeat& heartbeat() { return *heartbeat_; }
  std::shared_ptr<const RunResult> lastResult() const { return last_; }

 private:
  void buildActions();
  void onBatch(const LiveBatch& batch);
  void onFinished(std::shared_ptr<const RunResult> result);
  void updateDetails();
  void updateActions();
  void dropRunsOfOtherChains();
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void exportResults();
  void exportCharts();

  const models::balancing::PolicyRegistry& policies_;
  ScenarioDocument* document_;
  RunController* controller_;
  ChartModel* chartModel_;
  CompareModel* compareModel_;
  Heartbeat* heartbeat_;
  QTabWidget* tabs_;
  ScenarioView* scenarioView_;
  TopologyView* topology_;
  QTextBrowser* details_;
  WhatIfPanel* whatIf_;
  ChartsView* charts_;
  QTableView* compareTable_;
  QLabel* compareNote_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* heartbeatLabel_;
  QLineEdit* duration_;
  QSpinBox* replications_;
  QComboBox* speed_;
  QMenu* recentMenu_ = nullptr;
  QAction* runAction_ = nullptr;
  QAction* pauseAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QAction* baselineAction_ = nullptr;
  QAction* exportResultsAction_ = nullptr;

  std::shared_ptr<const RunResult> last_;      // B once over
  std::shared_ptr<const RunResult> baseline_;  // A
  bool pinned_ = false;                        // A chosen by hand, not "the run before"
  LiveState state_;
  std::vector<LiveSample> latest_;  // last sample of the live run (0 or 1)
  int runs_ = 0;
  QString runLabel_;
};

}  // namespace lbsim::gui
