// lbsim-gui: open a scenario, run it live, change it and compare.
//
//   lbsim-gui [SCENARIO] [--duration 5m] [--replications N] [--speed X]
//             [--screenshots DIR] [--measure]
//
// --screenshots DIR takes the screenshots of docs/gui.md from this application and quits;
// --measure runs SCENARIO once as fast as possible and prints the longest stall of the
// event loop (a 10 ms heartbeat) while it ran.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>

#include "gui/heartbeat.h"
#include "gui/live/live_sample.h"
#include "gui/main_window.h"
#include "gui/run_controller.h"
#include "gui/scenario_document.h"
#include "gui/screenshot_tour.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("lbsim");
  QApplication::setApplicationName("lbsim-gui");
  QCommandLineParser parser;
  parser.setApplicationDescription("lbsim: simulate load-balancing architectures, live.");
  parser.addHelpOption();
  parser.addPositionalArgument("scenario", "scenario file to open");
  QCommandLineOption duration("duration", "override the simulated duration", "D");
  QCommandLineOption replications("replications", "override the replications", "N");
  QCommandLineOption speed("speed", "simulated seconds per wall second (0: max)", "X");
  QCommandLineOption screenshots("screenshots", "take the documentation screenshots", "DIR");
  QCommandLineOption measure("measure", "run once and print the event loop's longest stall");
  parser.addOptions({duration, replications, speed, screenshots, measure});
  parser.process(app);

  const auto policies = lbsim::models::balancing::PolicyRegistry::withBuiltins();
  lbsim::gui::MainWindow window(policies);
  if (parser.isSet(duration)) window.setDurationOverride(parser.value(duration));
  if (parser.isSet(replications))
    window.setReplicationsOverride(parser.value(replications).toInt());
  if (parser.isSet(speed)) window.setSpeed(parser.value(speed).toDouble());
  window.show();
  const QStringList args = parser.positionalArguments();
  if (parser.isSet(screenshots)) {
    if (args.isEmpty()) parser.showHelp(2);
    auto* tour =
        new lbsim::gui::ScreenshotTour(window, args.front(), parser.value(screenshots), &window);
    tour->start();
    return QApplication::exec();
  }
  if (!args.isEmpty()) window.openScenario(args.front());
  if (parser.isSet(measure)) {
    if (!window.document().valid()) return 2;
    window.showTab(lbsim::gui::MainWindow::kChartsTab);
    QObject::connect(&window.controller(), &lbsim::gui::RunController::finished, &window,
                     [&window](std::shared_ptr<const lbsim::gui::RunResult> r) {
                       std::printf(
                           "lbsim-gui: %llu events in %.1f s wall; event loop max gap %.1f ms "
                           "over %lld heartbeats of 10 ms\n",
                           static_cast<unsigned long long>(r->experiment.events), r->wallSeconds,
                           window.heartbeat().maxGapMs(), window.heartbeat().beats());
                       QApplication::quit();
                     });
    QTimer::singleShot(500, &window, [&window] { window.run(); });
  }
  return QApplication::exec();
}
