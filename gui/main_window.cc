#include "gui/main_window.h"

#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "cli/output/results.h"
#include "gui/chart_model.h"
#include "gui/charts_view.h"
#include "gui/compare_model.h"
#include "gui/heartbeat.h"
#include "gui/run_controller.h"
#include "gui/scenario_document.h"
#include "gui/scenario_view.h"
#include "gui/tier_details.h"
#include "gui/topology_view.h"
#include "gui/what_if_panel.h"
#include "scenarios/units.h"
#include "scenarios/writer.h"

namespace lbsim::gui {

namespace {
constexpr int kMaxRecent = 8;
}

MainWindow::MainWindow(const models::balancing::PolicyRegistry& policies, QWidget* parent)
    : QMainWindow(parent),
      policies_(policies),
      document_(new ScenarioDocument(policies, this)),
      controller_(new RunController(policies, this)),
      chartModel_(new ChartModel(this)),
      compareModel_(new CompareModel(this)),
      heartbeat_(new Heartbeat(10, this)) {
  setWindowTitle(tr("lbsim"));
  tabs_ = new QTabWidget(this);
  scenarioView_ = new ScenarioView(*document_, tabs_);
  tabs_->addTab(scenarioView_, tr("Scenario"));

  auto* topologySplit = new QSplitter(Qt::Horizontal, tabs_);
  topology_ = new TopologyView(topologySplit);
  auto* side = new QSplitter(Qt::Vertical, topologySplit);
  details_ = new QTextBrowser(side);
  details_->setObjectName("tierDetails");
  whatIf_ = new WhatIfPanel(*document_, side);
  topologySplit->setStretchFactor(0, 3);
  topologySplit->setStretchFactor(1, 1);
  topologySplit->setSizes({1300, 580});
  side->setSizes({640, 340});
  tabs_->addTab(topologySplit, tr("Topology"));

  charts_ = new ChartsView(*chartModel_, tabs_);
  tabs_->addTab(charts_, tr("Charts"));

  auto* compare = new QWidget(tabs_);
  auto* compareLayout = new QVBoxLayout(compare);
  compareNote_ = new QLabel(compare);
  compareNote_->setWordWrap(true);
  compareLayout->addWidget(compareNote_);
  compareTable_ = new QTableView(compare);
  compareTable_->setModel(compareModel_);
  compareTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  compareTable_->horizontalHeader()->setStretchLastSection(true);
  compareLayout->addWidget(compareTable_, 1);
  tabs_->addTab(compare, tr("Compare A/B"));
  setCentralWidget(tabs_);

  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(220);
  status_ = new QLabel(tr("Open a scenario (File ▸ Open)."), this);
  heartbeatLabel_ = new QLabel(this);
  heartbeatLabel_->setToolTip(
      tr("Longest time the GUI's event loop went without turning "
         "during the last run (a 10 ms heartbeat timer)."));
  statusBar()->addWidget(status_, 1);
  statusBar()->addPermanentWidget(heartbeatLabel_);
  statusBar()->addPermanentWidget(progress_);
  buildActions();

  connect(document_, &ScenarioDocument::loaded, this, [this] {
    if (document_->valid()) {
      topology_->setScenario(document_->editedSpec());
      duration_->setPlaceholderText(
          QString::fromStdString(scenarios::formatDuration(document_->spec().duration)));
      replications_->setSpecialValueText(tr("%1 (scenario)").arg(document_->spec().replications));
      dropRunsOfOtherChains();
    } else {
      topology_->setScenario({});
    }
    setWindowTitle(tr("lbsim — %1").arg(QFileInfo(document_->path()).fileName()));
    updateDetails();
    updateActions();
  });
  connect(whatIf_, &WhatIfPanel::edited, this, [this] {
    topology_->setScenario(document_->editedSpec());
    updateDetails();
  });
  connect(whatIf_, &WhatIfPanel::runRequested, this, &MainWindow::run);
  connect(topology_, &TopologyView::tierSelected, this, &MainWindow::updateDetails);
  connect(controller_, &RunController::batch, this, &MainWindow::onBatch);
  connect(controller_, &RunController::finished, this, &MainWindow::onFinished);
  connect(controller_, &RunController::failed, this, [this](const QString& message) {
    status_->setText(tr("Run failed: %1").arg(message));
    updateActions();
  });
  connect(controller_, &RunController::pausedChanged, this, [this](bool paused) {
    status_->setText(paused ? tr("Paused — click a tier to inspect its replicas.")
                            : tr("Running %1…").arg(runLabel_));
    updateActions();
  });
  rebuildRecentMenu();
  updateActions();
  updateDetails();
  resize(1400, 900);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open scenario…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(),
                                                      tr("Scenarios (*.yaml *.yml)"));
    if (!path.isEmpty()) openScenario(path);
  });
  open->setShortcut(QKeySequence::Open);
  recentMenu_ = file->addMenu(tr("Open &recent"));
  file->addSeparator();
  exportResultsAction_ =
      file->addAction(tr("Export &results folder…"), this, &MainWindow::exportResults);
  file->addAction(tr("Export all &charts (PNG + SVG)…"), this, &MainWindow::exportCharts);
  file->addSeparator();
  file->addAction(tr("&Quit"), qApp, &QApplication::quit)->setShortcut(QKeySequence::Quit);

  QToolBar* bar = addToolBar(tr("Run"));
  bar->setObjectName("runToolbar");
  bar->addAction(open);
  runAction_ = bar->addAction(tr("Run"), this, &MainWindow::run);
  runAction_->setShortcut(Qt::Key_F5);
  pauseAction_ = bar->addAction(tr("Pause"), this, [this] {
    if (controller_->paused()) {
      controller_->resume();
    } else {
      controller_->pause();
    }
  });
  stopAction_ = bar->addAction(tr("Stop"), controller_, &RunController::stop);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" Speed "), bar));
  speed_ = new QComboBox(bar);
  speed_->addItem(tr("as fast as possible"), 0.0);
  for (double s : {1.0, 10.0, 60.0, 600.0})
    speed_->addItem(tr("×%1 real time").arg(s), s);
  connect(speed_, &QComboBox::currentIndexChanged, this,
          [this] { controller_->setSpeed(speed_->currentData().toDouble()); });
  bar->addWidget(speed_);
  bar->addWidget(new QLabel(tr(" Duration "), bar));
  duration_ = new QLineEdit(bar);
  duration_->setMaximumWidth(80);
  duration_->setToolTip(tr("Override the simulated duration (e.g. 5m); empty: the scenario's"));
  bar->addWidget(duration_);
  bar->addWidget(new QLabel(tr(" Replications "), bar));
  replications_ = new QSpinBox(bar);
  replications_->setRange(0, 100);
  replications_->setSpecialValueText(tr("scenario"));
  bar->addWidget(replications_);
  bar->addSeparator();
  baselineAction_ = bar->addAction(tr("Keep as baseline A"), this, [this] {
    baseline_ = last_;
    pinned_ = true;
    chartModel_->setBaseline(baseline_);
    compareModel_->setRuns(baseline_, nullptr);
    status_->setText(tr("Baseline A: %1. Edit (what-if) and run to compare.")
                         .arg(QString::fromStdString(baseline_->label)));
  });
}

bool MainWindow::openScenario(const QString& path) {
  if (controller_->running()) return false;
  const bool ok = document_->load(path);
  addRecent(QFileInfo(path).absoluteFilePath());
  showTab(ok ? kTopologyTab : kScenarioTab);
  status_->setText(ok ? tr("%1 loaded. Run (F5) to simulate.").arg(path)
                      : tr("%1 has problems: see the list.").arg(path));
  return ok;
}

void MainWindow::setDurationOverride(const QString& text) {
  duration_->setText(text);
}
void MainWindow::setReplicationsOverride(int replications) {
  replications_->setValue(replications);
}
void MainWindow::setSpeed(double factor) {
  const int i = speed_->findData(factor);
  if (i >= 0) {
    speed_->setCurrentIndex(i);
  } else {
    controller_->setSpeed(factor);
  }
}
void MainWindow::showTab(Tab tab) {
  tabs_->setCurrentIndex(tab);
}

void MainWindow::run() {
  if (controller_->running() || !document_->valid()) return;
  models::ScenarioSpec spec = document_->editedSpec();
  if (!duration_->text().trimmed().isEmpty()) {
    const auto d = scenarios::parseDuration(duration_->text().trimmed().toStdString());
    if (!d || *d <= spec.warmup) {
      QMessageBox::warning(
          this, tr("Duration"),
          tr("'%1' is not a duration longer than the warm-up (%2); e.g. 10m.")
              .arg(duration_->text(),
                   QString::fromStdString(scenarios::formatDuration(spec.warmup))));
      return;
    }
    spec.duration = *d;
  }
  if (replications_->value() > 0)
    spec.replications = static_cast<std::uint32_t>(replications_->value());
  ++runs_;
  const QString edits = whatIf_->describeEdits();
  runLabel_ = tr("run %1%2").arg(runs_).arg(edits.isEmpty() ? tr(" (as written)") : ": " + edits);
  if (!pinned_ && last_ && !last_->stopped) {
    baseline_ = last_;
    chartModel_->setBaseline(baseline_);
  }
  last_.reset();
  latest_.clear();
  compareModel_->setRuns(baseline_, nullptr);
  chartModel_->beginRun(spec, runLabel_);
  topology_->setScenario(spec);
  heartbeat_->reset();
  controller_->start(spec, runLabel_);
  status_->setText(tr("Running %1…").arg(runLabel_));
  updateActions();
}

void MainWindow::onBatch(const LiveBatch& batch) {
  chartModel_->addBatch(batch);
  state_ = batch.state;
  topology_->setReplicaCounts(state_.tiers);
  if (!batch.samples.empty()) {
    latest_.assign(1, batch.samples.back());
    std::vector<double> u;
    for (const TierSample& t : batch.samples.back().tiers)
      u.push_back(t.utilization);
    topology_->setUtilization(u);
  }
  progress_->setValue(static_cast<int>(1000.0 * batch.progress));
  heartbeatLabel_->setText(tr("UI max stall %1 ms").arg(heartbeat_->maxGapMs(), 0, 'f', 0));
  if (batch.paused || tabs_->currentIndex() == kTopologyTab) updateDetails();
}

void MainWindow::onFinished(std::shared_ptr<const RunResult> result) {
  last_ = result;
  chartModel_->finishRun(result);
  compareModel_->setRuns(baseline_, result->stopped ? nullptr : result);
  compareNote_->setText(
      tr("A: %1. B: %2. Figures are means over replications ± the half-width of their "
         "95% confidence interval (Student t); bold rows: the intervals do not overlap.")
          .arg(baseline_ ? QString::fromStdString(baseline_->label) : tr("none yet"),
               QString::fromStdString(result->label)));
  if (!result->stopped) {
    std::vector<double> u;
    for (const auto& t : result->spec.tiers) {
      double v = std::nan("");
      for (const auto& f : result->experiment.figures) {
        if (f.path == "tiers/" + t.id + "/utilization") v = f.estimate.mean;
      }
      u.push_back(v);
    }
    topology_->setUtilization(u);
    progress_->setValue(1000);
  }
  heartbeatLabel_->setText(tr("UI max stall %1 ms").arg(heartbeat_->maxGapMs(), 0, 'f', 0));
  status_->setText(result->stopped
                       ? tr("%1 stopped; no results (as the CLI, a stopped run writes none).")
                             .arg(QString::fromStdString(result->label))
                       : tr("%1 done: %2 events in %3 s wall time.")
                             .arg(QString::fromStdString(result->label))
                             .arg(result->experiment.events)
                             .arg(result->wallSeconds, 0, 'f', 1));
  updateDetails();
  updateActions();
}

void MainWindow::updateDetails() {
  const models::ScenarioSpec* spec = nullptr;
  if (last_) {
    spec = &last_->spec;
  } else if (document_->valid()) {
    spec = &document_->editedSpec();
  }
  if (spec == nullptr) {
    details_->setHtml(tr("<p>No valid scenario open.</p>"));
    return;
  }
  const int tier = topology_->selected();
  const TierSample* latest =
      !latest_.empty() && tier >= 0 && tier < static_cast<int>(latest_[0].tiers.size())
          ? &latest_[0].tiers[static_cast<std::size_t>(tier)]
          : nullptr;
  const bool haveState = controller_->running() || last_ != nullptr;
  details_->setHtml(
      tierDetailsHtml(*spec, tier, latest, haveState ? &state_ : nullptr, last_.get()));
}

void MainWindow::dropRunsOfOtherChains() {
  // Figures are matched by tier index: a run of other tiers is neither compared with this
  // scenario's runs nor inspected on its topology.
  const auto sameTiers = [this](const std::shared_ptr<const RunResult>& run) {
    const auto& a = run->spec.tiers;
    const auto& b = document_->spec().tiers;
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const auto& x, const auto& y) { return x.id == y.id; });
  };
  if (baseline_ && !sameTiers(baseline_)) {
    baseline_.reset();
    pinned_ = false;
    chartModel_->setBaseline(nullptr);
  }
  if (last_ && !sameTiers(last_)) last_.reset();
  compareModel_->setRuns(baseline_, last_);
}

void MainWindow::updateActions() {
  const bool running = controller_->running();
  runAction_->setEnabled(!running && document_->valid());
  pauseAction_->setEnabled(running);
  pauseAction_->setText(controller_->paused() ? tr("Resume") : tr("Pause"));
  stopAction_->setEnabled(running);
  baselineAction_->setEnabled(!running && last_ && !last_->stopped);
  exportResultsAction_->setEnabled(last_ && !last_->stopped);
}

void MainWindow::addRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent)
    recent.removeLast();
  settings.setValue("recentFiles", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  for (const QString& path : recent)
    recentMenu_->addAction(path, this, [this, path] { openScenario(path); });
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::exportResults() {
  if (!last_ || last_->stopped) return;
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Results folder"));
  if (dir.isEmpty()) return;
  try {
    output::writeResultsFolder(dir.toStdString(), last_->spec, last_->experiment,
                               scenarios::resolvedScenarioYaml(last_->spec));
    status_->setText(
        tr("Wrote summary.json, timeseries.csv and scenario.resolved.yaml to %1").arg(dir));
  } catch (const std::exception& e) {
    QMessageBox::critical(this, tr("Export"), QString::fromUtf8(e.what()));
  }
}

void MainWindow::exportCharts() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the charts"));
  if (dir.isEmpty()) return;
  const int n = charts_->exportAll(dir);
  status_->setText(tr("Wrote %1 chart files to %2").arg(n).arg(dir));
}

}  // namespace lbsim::gui
