#include "gui/screenshot_tour.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QListView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <cstdio>

#include "gui/autoscaler_settings.h"
#include "gui/charts_view.h"
#include "gui/heartbeat.h"
#include "gui/main_window.h"
#include "gui/run_controller.h"
#include "gui/scenario_document.h"
#include "gui/scenario_view.h"
#include "gui/topology_view.h"
#include "gui/what_if_panel.h"

namespace lbsim::gui {

ScreenshotTour::ScreenshotTour(MainWindow& window, QString scenario, QString dir, QObject* parent)
    : QObject(parent), window_(window), scenario_(std::move(scenario)), dir_(std::move(dir)) {}

void ScreenshotTour::start() {
  // Room for the topology of a long chain beside the inspected tier, and for the charts'
  // legends (docs/gui.md: a 1920x1080 screen).
  window_.resize(1880, 1040);
  connect(&window_.controller(), &RunController::batch, this,
          [this](const LiveBatch& b) { progress_ = b.progress; });
  QTimer::singleShot(300, this, &ScreenshotTour::step);
}

void ScreenshotTour::grab(const QString& name) {
  QApplication::processEvents();
  const QString path = dir_ + "/gui-" + name + ".png";
  const bool ok = window_.grab().save(path);
  std::fprintf(stderr, "lbsim-gui: %s %s\n", ok ? "wrote" : "could not write",
               path.toUtf8().constData());
}

QString ScreenshotTour::sibling(const QString& name) const {
  const QString path = QFileInfo(scenario_).absoluteDir().filePath(name);
  return QFileInfo::exists(path) ? path : QString();
}

void ScreenshotTour::step() {
  const auto later = [this](int ms) { QTimer::singleShot(ms, this, &ScreenshotTour::step); };
  const auto report = [this](const char* what) {
    std::fprintf(stderr, "lbsim-gui: %s: event loop max gap %.1f ms over %lld heartbeats\n", what,
                 window_.heartbeat().maxGapMs(), window_.heartbeat().beats());
  };
  RunController& run = window_.controller();
  // While the run goes, this step again later.
  const auto stillRunning = [&] {
    if (!run.running()) return false;
    --step_;
    later(200);
    return true;
  };
  switch (step_++) {
    case 0: {
      // A copy of the scenario with two mistakes, to show the located error list.
      QFile in(scenario_);
      in.open(QIODevice::ReadOnly);
      QString text = QString::fromUtf8(in.readAll());
      text.replace("policy: least_conn}", "policy: least_connections}");
      text.replace("duration: 27m", "duration: 27 minutes");
      static QTemporaryDir tmp;
      const QString broken = tmp.path() + "/cerebrum-broken.yaml";
      QFile out(broken);
      out.open(QIODevice::WriteOnly);
      out.write(text.toUtf8());
      out.close();
      window_.openScenario(broken);
      window_.scenarioView().showDiagnostic(1);
      window_.scenarioView().errorList().setCurrentIndex(
          window_.scenarioView().errorList().model()->index(1, 0));
      later(300);
      break;
    }
    case 1:
      grab("errors");
      window_.openScenario(scenario_);
      window_.showTab(MainWindow::kScenarioTab);
      later(300);
      break;
    case 2:
      grab("scenario");
      // A paced run, paused in the stress phase of its first replication.
      window_.setSpeed(600.0);
      window_.showTab(MainWindow::kChartsTab);
      window_.run();
      later(200);
      break;
    case 3:
      // 90% through the first of two replications (the stress phase of cerebrum).
      if (progress_ < 0.45) --step_;
      later(100);
      break;
    case 4:
      run.pause();
      window_.topology().select(3);  // user-service in cerebrum
      later(500);
      break;
    case 5:
      grab("charts-live");
      window_.showTab(MainWindow::kTopologyTab);
      later(300);
      break;
    case 6:
      grab("topology-paused");
      window_.setSpeed(0.0);
      run.resume();
      later(200);
      break;
    case 7:
      if (stillRunning()) break;
      report("baseline run");
      // What if the course upstream had five replicas and least_request (power of two)?
      window_.whatIf().setReplicas(3, 5);
      window_.whatIf().setPolicy(3, "least_request");
      window_.showTab(MainWindow::kTopologyTab);
      later(300);
      break;
    case 8:
      grab("whatif");
      window_.run();
      later(200);
      break;
    case 9:
      if (stillRunning()) break;
      report("what-if run");
      window_.showTab(MainWindow::kChartsTab);
      later(500);
      break;
    case 10:
      grab("charts-compare");
      window_.charts().exportChart(0, dir_ + "/gui-chart-latency.svg");
      window_.showTab(MainWindow::kCompareTab);
      later(300);
      break;
    case 11:
      grab("compare");
      window_.showTab(MainWindow::kTopologyTab);
      later(300);
      break;
    case 12: {
      grab("topology");
      // The replicas of an autoscaled pool: spike-10x-hpa, next to the scenario, one
      // replication as fast as possible, its replicas chart enlarged.
      const QString spike = sibling("spike-10x-hpa.yaml");
      if (spike.isEmpty() || !window_.openScenario(spike)) {
        step_ = 19;  // skip to the failover scenario
        later(0);
        break;
      }
      window_.setDurationOverride(QString());
      window_.setReplicationsOverride(1);
      window_.setSpeed(0.0);
      window_.showTab(MainWindow::kChartsTab);
      window_.charts().focusChart(ChartsView::kReplicasChart);
      window_.run();
      later(200);
      break;
    }
    case 13:
      if (stillRunning()) break;
      report("spike-10x-hpa run");
      later(500);
      break;
    case 14: {
      grab("replicas");
      // What if the backend's HPA aimed at 50% CPU instead of 70%?
      const auto& tiers = window_.document().spec().tiers;
      for (std::size_t t = 0; t < tiers.size(); ++t) {
        if (!tiers[t].autoscaler) continue;
        const auto settings = autoscalerSettings(*tiers[t].autoscaler);
        for (std::size_t i = 0; i < settings.size(); ++i) {
          if (settings[i].name == "cpu target")
            window_.whatIf().setAutoscalerSetting(static_cast<int>(t), i, 50);
        }
        window_.topology().select(static_cast<int>(t));
      }
      window_.showTab(MainWindow::kTopologyTab);
      later(300);
      break;
    }
    case 15:
      grab("whatif-autoscaler");
      window_.run();
      later(200);
      break;
    case 16:
      if (stillRunning()) break;
      report("spike-10x-hpa what-if run");
      window_.showTab(MainWindow::kChartsTab);
      later(500);
      break;
    case 17:
      grab("replicas-whatif");
      window_.charts().focusChart(-1);
      later(0);
      break;
    case 18:
    case 19: {
      // A failover paused while the PostgreSQL primary is down (crashed at 480 s, out of
      // rotation after HAProxy's checks at about 490 s, a replica promoted at about 520 s).
      const QString failover = sibling("failover.yaml");
      if (failover.isEmpty() || !window_.openScenario(failover)) {
        QApplication::quit();
        break;
      }
      step_ = 20;
      window_.setDurationOverride(QString());
      window_.setReplicationsOverride(1);
      window_.setSpeed(60.0);
      window_.showTab(MainWindow::kTopologyTab);
      const auto& tiers = window_.document().spec().tiers;
      for (std::size_t t = 0; t < tiers.size(); ++t) {
        if (tiers[t].id == "postgres") window_.topology().select(static_cast<int>(t));
      }
      progress_ = 0.0;
      window_.run();
      later(200);
      break;
    }
    case 20:
      if (progress_ < 500.0 / 900.0) --step_;
      later(50);
      break;
    case 21:
      run.pause();
      later(500);
      break;
    case 22:
      grab("failover-paused");
      run.stop();
      later(300);
      break;
    case 23:
      if (stillRunning()) break;
      QApplication::quit();
      break;
    default:
      break;
  }
}

}  // namespace lbsim::gui
