// The replica counts and events of a live run: the desired and ready series and the
// autoscaler's decision markers of a small HPA scenario (whose decision is worked out in
// tests/e2e/autoscaling_sim_test.cc: desired 2 -> 3 at 15 s, the new replica ready at
// 35 s), the same figures as the CLI's time series; and, for a crash under HAProxy checks,
// the replicas in rotation, the health-change markers and the paused inspection of the tier.
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QScatterSeries>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "gui/chart_model.h"
#include "gui/charts_view.h"
#include "gui/live/live_run.h"
#include "gui/tier_details.h"
#include "models/experiment.h"
#include "scenarios/loader.h"
#include "tests/support/small_hpa.h"

using namespace lbsim::gui;

namespace {

using lbsim::testing::kSmallHpa;
// 150 requests/s of 10 ms over two one-worker replicas: 75% CPU against a 50% target.
const char* kScaled = lbsim::testing::kSmallHpaScenario;

// app-1 crashes at 32 s for 20 s; HAProxy's checks (every 5 s, fall 3, rise 2) take it out
// at 45 s and back at 60 s (tests/e2e/resilience_test.cc).
const char* kCrash = R"(name: crash
duration: 90s
timeseries_interval: 5s
replications: 1
traffic:
  arrivals: uniform
  phases: [{duration: 90s, rate: 10/s}]
  mix: [{class: get}]
classes: [{id: get, route: [lb, app]}]
tiers:
  - {id: lb, service: {dist: deterministic, value: 0ms}, replicas: 1, replica: {workers: 100}}
  - id: app
    service: {dist: deterministic, value: 10ms}
    replicas: 3
    replica: {workers: 4}
    health_check: {haproxy: "check inter 5s rise 2 fall 3", demand: 0ms}
faults:
  - {fault: crash, tier: app, replicas: [app-1], at: 32s, for: 20s}
)";

// Ten-second requests, one a second: at the end, at 30 s, ten of them are still being
// served (those sent from 20 s on: the one sent at 20 s ends at 30 s, after the end's
// snapshot, which was scheduled first).
const char* kLong = R"(name: long
duration: 30s
timeseries_interval: 5s
replications: 1
traffic:
  arrivals: uniform
  phases: [{duration: 30s, rate: 1/s}]
  mix: [{class: get}]
classes: [{id: get, route: [app]}]
tiers:
  - {id: app, service: {dist: deterministic, value: 10s}, replicas: 2, replica: {workers: 100}}
)";

// The value of a CLI series at a sample time.
double seriesAt(const lbsim::models::ReplicationResult& r, const std::string& metric,
                const std::string& node, double time) {
  for (std::size_t k = 0; k < r.series.seriesCount(); ++k) {
    if (r.series.key(k).metric != metric || r.series.key(k).node != node) continue;
    for (std::size_t i = 0; i < r.series.sampleCount(); ++i) {
      if (std::abs(r.series.times()[i] - time) < 1e-9) return r.series.values(k)[i];
    }
  }
  return -1.0;
}

// The step height of a count series at a time inside (start, end] of one sample.
double stepAt(const QList<QPointF>& steps, double time) {
  for (qsizetype i = 0; i + 1 < steps.size(); i += 2) {
    if (steps[i].x() < time && time <= steps[i + 1].x()) return steps[i].y();
  }
  return -1.0;
}

}  // namespace

class ReplicaChartTest : public QObject {
  Q_OBJECT
 private:
  lbsim::models::balancing::PolicyRegistry policies_ =
      lbsim::models::balancing::PolicyRegistry::withBuiltins();
  QTemporaryDir dir_;

  lbsim::models::ScenarioSpec load(const char* scenario) {
    QFile hpa(dir_.filePath("hpa.yaml"));
    hpa.open(QIODevice::WriteOnly);
    hpa.write(kSmallHpa);
    hpa.close();
    QFile file(dir_.filePath("scenario.yaml"));
    file.open(QIODevice::WriteOnly);
    file.write(scenario);
    file.close();
    return lbsim::scenarios::loadScenarioFile(dir_.filePath("scenario.yaml").toStdString(),
                                              policies_);
  }
  // Runs the spec live, publishing at every pacing step, into `model`; returns the batches.
  std::vector<LiveBatch> runLive(const lbsim::models::ScenarioSpec& spec, ChartModel& model,
                                 std::shared_ptr<RunResult>& result) {
    LiveRun run;
    run.publishPeriod = std::chrono::milliseconds(0);
    std::vector<LiveBatch> batches;
    model.beginRun(spec, "live");
    LiveRun::Callbacks callbacks;
    callbacks.batch = [&](LiveBatch&& b) {
      model.addBatch(b);
      batches.push_back(std::move(b));
    };
    result = std::make_shared<RunResult>(run.run(spec, policies_, callbacks));
    return batches;
  }

 private slots:
  // The state a finished run leaves to inspect: the requests in flight at the end agree with
  // the replicas' busy workers (they were 0 while the replicas showed busy workers).
  void finalStateCountsTheRequestsInFlight() {
    QVERIFY(dir_.isValid());
    const auto spec = load(kLong);
    ChartModel model;
    std::shared_ptr<RunResult> result;
    const std::vector<LiveBatch> batches = runLive(spec, model, result);
    QVERIFY(!batches.empty());
    const LiveState& end = batches.back().state;
    QCOMPARE(end.now, 30.0);
    std::size_t busy = 0;
    for (const ReplicaState& r : end.tiers.at(0).replicas)
      busy += r.busy + r.queued;
    QCOMPARE(busy, std::size_t{10});
    QCOMPARE(end.requestsInFlight, busy);
  }

  void desiredReadyAndDecisionMarkers() {
    QVERIFY(dir_.isValid());
    const auto spec = load(kScaled);
    ChartModel model;
    std::shared_ptr<RunResult> result;
    runLive(spec, model, result);
    QCOMPARE(model.autoscaledTiers(ChartModel::kB), std::vector<int>{0});
    QVERIFY(!model.tracksRotation(ChartModel::kB));

    // One decision changed the count: 2 -> 3 at 15 s, with the controller's reason.
    QCOMPARE(model.decisionPoints(ChartModel::kB, 0), QList<QPointF>{QPointF(15.0, 3.0)});
    const auto decisions = model.decisions(ChartModel::kB, 0);
    QCOMPARE(decisions.size(), std::size_t{1});
    QCOMPARE(decisions[0].before, 2);
    QCOMPARE(decisions[0].ready, 2);
    QVERIFY2(decisions[0].message.find("cpu resource utilization") != std::string::npos,
             decisions[0].message.c_str());

    // Desired and ready, as steps over each 5 s interval.
    const QList<QPointF> desired = model.points(ChartModel::kB, {Metric::kDesired, 0});
    const QList<QPointF> ready = model.points(ChartModel::kB, {Metric::kReady, 0});
    QCOMPARE(desired.size(), 2 * 24);  // 120 s / 5 s, two points a step
    QCOMPARE(stepAt(desired, 10.0), 2.0);
    QCOMPARE(stepAt(desired, 15.0), 3.0);  // the interval (10, 15] holds the decision
    QCOMPARE(stepAt(ready, 30.0), 2.0);
    QCOMPARE(stepAt(ready, 35.0), 3.0);  // ready 20 s after the decision
    QCOMPARE(stepAt(desired, 120.0), 3.0);
    // The decision's marker sits on the desired line: in the step that holds it.
    QCOMPARE(stepAt(desired, decisions[0].time), static_cast<double>(decisions[0].desired));

    // Every sample as the CLI's replicas_desired and replicas_ready series.
    const auto cli = lbsim::models::runReplication(spec, 0, policies_);
    for (qsizetype i = 1; i < desired.size(); i += 2) {
      const double t = desired[i].x();
      QCOMPARE(desired[i].y(), seriesAt(cli, "replicas_desired", "api", t));
      QCOMPARE(ready[i].y(), seriesAt(cli, "replicas_ready", "api", t));
    }

    // Over: the mean of the one replication, markers kept.
    model.finishRun(result);
    QCOMPARE(model.points(ChartModel::kB, {Metric::kDesired, 0}), desired);
    QCOMPARE(model.decisionPoints(ChartModel::kB, 0), QList<QPointF>{QPointF(15.0, 3.0)});

    // The charts view shows that tier's desired and ready lines and the marker.
    ChartsView view(model);
    view.resize(1000, 700);
    view.show();
    view.refresh();
    QCOMPARE(view.replicaScope(), 0);  // the autoscaled tier, not every tier
    QChart* chart = view.chartView(ChartsView::kReplicasChart)->chart();
    QVERIFY(chart->title().contains("api"));
    QStringList names;
    QScatterSeries* markers = nullptr;
    for (QAbstractSeries* s : chart->series()) {
      names << s->name();
      if (auto* scatter = qobject_cast<QScatterSeries*>(s)) markers = scatter;
    }
    QCOMPARE(names, (QStringList{"desired", "ready", "scale decision"}));
    QVERIFY(markers != nullptr);
    QCOMPARE(markers->points(), QList<QPointF>{QPointF(15.0, 3.0)});
    // Every tier: one line of ready replicas per tier.
    view.setReplicaScope(-1);
    QCOMPARE(chart->series().size(), 1);
    QCOMPARE(chart->series()[0]->name(), QString("api"));
  }

  void inRotationHealthMarkersAndInspection() {
    const auto spec = load(kCrash);
    ChartModel model;
    std::shared_ptr<RunResult> result;
    const auto batches = runLive(spec, model, result);
    QVERIFY(model.tracksRotation(ChartModel::kB));
    QVERIFY(model.autoscaledTiers(ChartModel::kB).empty());

    // HAProxy checks app-1, the first server, at 0, 5, 10, ... s (the others' first checks are
    // spread over the interval): out of rotation at 45 s (2 of 3 left), back at 60 s.
    QCOMPARE(model.healthPoints(ChartModel::kB, 1, true), QList<QPointF>{QPointF(45.0, 2.0)});
    QCOMPARE(model.healthPoints(ChartModel::kB, 1, false), QList<QPointF>{QPointF(60.0, 3.0)});
    const QList<QPointF> rotation = model.points(ChartModel::kB, {Metric::kInRotation, 1});
    QCOMPARE(stepAt(rotation, 50.0), 2.0);
    QCOMPARE(stepAt(rotation, 65.0), 3.0);
    // Every sample as the CLI's replicas_in_rotation (the sample at 45 s is taken before
    // that instant's check, in both).
    const auto cli = lbsim::models::runReplication(spec, 0, policies_);
    QCOMPARE(rotation.size(), 2 * 18);
    for (qsizetype i = 1; i < rotation.size(); i += 2)
      QCOMPARE(rotation[i].y(), seriesAt(cli, "replicas_in_rotation", "app", rotation[i].x()));
    QCOMPARE(stepAt(model.points(ChartModel::kB, {Metric::kReady, 1}), 50.0), 3.0);

    // A snapshot while app-1 is down and out: what the paused inspection shows.
    const LiveState* down = nullptr;
    for (const LiveBatch& b : batches) {
      if (b.state.now > 46.0 && b.state.now < 51.0) down = &b.state;
    }
    QVERIFY(down != nullptr);
    const ReplicaState& app1 = down->tiers[1].replicas[0];
    QCOMPARE(app1.name, std::string("app-1"));
    QCOMPARE(app1.condition, ReplicaState::Condition::kCrashed);
    QCOMPARE(app1.lifecycle, ReplicaState::Lifecycle::kReady);
    QVERIFY(!app1.inRotation);
    QVERIFY(app1.lastHealth.has_value());
    QCOMPARE(app1.lastHealth->time, 45.0);
    QVERIFY(!app1.lastHealth->event.available);
    QCOMPARE(down->tiers[1].inRotation, 2.0);
    QVERIFY(down->tiers[1].replicas[1].inRotation);
    QCOMPARE(down->tiers[1].replicas[1].condition, ReplicaState::Condition::kUp);

    const QString html = tierDetailsHtml(spec, 1, nullptr, down, nullptr);
    QVERIFY(html.contains("crashed"));
    QVERIFY(html.contains("active check"));
    QVERIFY2(html.contains(
                 QString::fromStdString(lbsim::models::health::describe(app1.lastHealth->event))
                     .toHtmlEscaped()),
             qPrintable(html));
    QVERIFY(!html.contains("not simulated"));
  }
};

QTEST_MAIN(ReplicaChartTest)
#include "replica_chart_test.moc"
