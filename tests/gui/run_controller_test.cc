// The run controller: a run starts in a worker thread, reports progress in batches at a
// bounded rate, pauses, resumes and stops, and ends with the same results as the CLI's
// runExperiment (the pacing and sampling events it adds do not change the model).
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "gui/run_controller.h"
#include "models/experiment.h"
#include "scenarios/loader.h"

using lbsim::gui::LiveBatch;
using lbsim::gui::RunController;
using lbsim::gui::RunResult;
using ResultPtr = std::shared_ptr<const RunResult>;

class RunControllerTest : public QObject {
  Q_OBJECT
 private:
  lbsim::models::balancing::PolicyRegistry policies_ =
      lbsim::models::balancing::PolicyRegistry::withBuiltins();
  lbsim::models::ScenarioSpec load(const char* file) {
    return lbsim::scenarios::loadScenarioFile(std::string(LBSIM_SOURCE_DIR) + "/" + file,
                                              policies_);
  }

 private slots:
  void startProgressResults() {
    lbsim::models::ScenarioSpec spec = load("scenarios/examples/shop.yaml");
    spec.replications = 2;
    RunController controller(policies_);
    QSignalSpy started(&controller, &RunController::started);
    QSignalSpy batches(&controller, &RunController::batch);
    QSignalSpy finished(&controller, &RunController::finished);
    controller.start(spec, "test");
    QCOMPARE(started.count(), 1);
    QVERIFY(controller.running());
    QVERIFY(finished.wait(60000));
    QVERIFY(!controller.running());
    QVERIFY(batches.count() >= 2);  // at least the end of each replication
    double last = -1.0;
    for (const auto& args : batches) {
      const auto b = args.at(0).value<LiveBatch>();
      QVERIFY(b.progress >= last - 1e-12);  // progress never goes back
      QVERIFY(b.progress <= 1.0 + 1e-12);
      last = b.progress;
    }
    QCOMPARE(last, 1.0);
    const ResultPtr r = finished.at(0).at(0).value<ResultPtr>();
    QCOMPARE(r->label, std::string("test"));
    QVERIFY(!r->stopped);
    // 10 min at a 30 s interval: 20 samples per replication, the last at the end.
    QCOMPARE(r->samples.size(), std::size_t{2});
    QCOMPARE(r->samples[0].size(), std::size_t{20});
    QCOMPARE(r->samples[1].back().time, 600.0);
    // The same figures and event count as the CLI's run of the same spec.
    lbsim::models::RunHooks cliHooks;
    cliHooks.progress = [](std::uint32_t, double) {};
    cliHooks.interrupted = [] { return false; };
    const auto cli = lbsim::models::runExperiment(spec, policies_, cliHooks);
    QCOMPARE(r->experiment.events, cli.events);
    QCOMPARE(r->experiment.figures.size(), cli.figures.size());
    for (std::size_t i = 0; i < cli.figures.size(); ++i) {
      QCOMPARE(r->experiment.figures[i].path, cli.figures[i].path);
      QCOMPARE(r->experiment.figures[i].values, cli.figures[i].values);
    }
    // Live throughput agrees with the summary: mean of the post-warm-up samples.
    double sum = 0.0;
    int n = 0;
    for (const auto& s : r->samples[0]) {
      if (s.time > spec.warmup) {
        sum += s.throughput;
        ++n;
      }
    }
    double summary = 0.0;
    for (const auto& f : r->experiment.figures) {
      if (f.path == "end_to_end/all/throughput_rps") summary = f.values[0];
    }
    QVERIFY(std::abs(sum / n - summary) < 1e-6 * summary);
  }

  void stopEndsEarlyWithoutResults() {
    lbsim::models::ScenarioSpec spec = load("scenarios/cerebrum.yaml");
    RunController controller(policies_);
    controller.setSpeed(1.0);  // real time: 27 min per replication, unless stopped
    QSignalSpy batches(&controller, &RunController::batch);
    QSignalSpy finished(&controller, &RunController::finished);
    controller.start(spec, "stop me");
    QVERIFY(batches.wait(5000));
    QElapsedTimer clock;
    clock.start();
    controller.stop();
    QVERIFY(finished.wait(5000));
    QVERIFY(clock.elapsed() < 2000);
    const ResultPtr r = finished.at(0).at(0).value<ResultPtr>();
    QVERIFY(r->stopped);
    QVERIFY(r->experiment.figures.empty());
  }

  void pauseHoldsAndResumeContinues() {
    lbsim::models::ScenarioSpec spec = load("scenarios/examples/shop.yaml");
    spec.replications = 1;
    RunController controller(policies_);
    controller.setSpeed(300.0);  // 600 s of simulated time in about 2 s
    QSignalSpy batches(&controller, &RunController::batch);
    QSignalSpy paused(&controller, &RunController::pausedChanged);
    QSignalSpy finished(&controller, &RunController::finished);
    controller.start(spec, "pause");
    QVERIFY(batches.wait(5000));
    controller.pause();
    QCOMPARE(paused.count(), 1);
    QVERIFY(controller.paused());
    // The paused run publishes its state once, then nothing moves.
    QTRY_VERIFY_WITH_TIMEOUT(batches.last().at(0).value<LiveBatch>().paused, 2000);
    const double at = batches.last().at(0).value<LiveBatch>().state.now;
    QTest::qWait(500);
    QCOMPARE(batches.last().at(0).value<LiveBatch>().state.now, at);
    QVERIFY(finished.isEmpty());
    controller.setSpeed(0.0);
    controller.resume();
    QCOMPARE(paused.count(), 2);
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.at(0).at(0).value<ResultPtr>()->stopped);
  }

  void speedPacesTheRun() {
    lbsim::models::ScenarioSpec spec = load("scenarios/examples/shop.yaml");
    spec.replications = 1;
    RunController controller(policies_);
    controller.setSpeed(600.0);  // 600 s simulated: about 1 s of wall time
    QSignalSpy finished(&controller, &RunController::finished);
    QElapsedTimer clock;
    clock.start();
    controller.start(spec, "paced");
    QVERIFY(finished.wait(30000));
    QVERIFY(clock.elapsed() >= 900);
    QVERIFY(clock.elapsed() < 10000);
  }
};

QTEST_MAIN(RunControllerTest)
#include "run_controller_test.moc"
