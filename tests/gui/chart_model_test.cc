// The chart models: the values the charts plot (units), the mean over replications the
// charts show after a run, the live/finished/baseline life of the ChartModel, and the A/B
// summary table.
#include <QSignalSpy>
#include <QTest>
#include <cmath>

#include "gui/chart_model.h"
#include "gui/compare_model.h"

using namespace lbsim::gui;

namespace {

LiveSample sample(double time, double p99, double utilization) {
  LiveSample s;
  s.time = time;
  s.p50 = p99 / 4;
  s.p95 = p99 / 2;
  s.p99 = p99;
  s.throughput = 10.0 * time;
  s.errors[0] = 1.5;
  s.errors[1] = 0.5;
  TierSample t;
  t.utilization = utilization;
  t.p99 = p99 / 3;
  t.ready = 3;
  s.tiers.push_back(t);
  return s;
}

lbsim::models::ScenarioSpec oneTier() {
  lbsim::models::ScenarioSpec spec;
  spec.tiers.resize(1);
  spec.tiers[0].id = "app";
  spec.replications = 2;
  return spec;
}

std::shared_ptr<RunResult> finished(std::vector<std::vector<LiveSample>> samples) {
  auto r = std::make_shared<RunResult>();
  r->spec = oneTier();
  r->label = "run";
  r->samples = std::move(samples);
  return r;
}

lbsim::models::FigureEstimate figure(const std::string& path, double mean, double halfWidth) {
  lbsim::models::FigureEstimate f;
  f.path = path;
  f.estimate.mean = mean;
  f.estimate.halfWidth = halfWidth;
  f.estimate.n = 5;
  return f;
}

}  // namespace

class ChartModelTest : public QObject {
  Q_OBJECT
 private slots:
  void valuesInChartUnits() {
    const LiveSample s = sample(10.0, 0.2, 0.5);
    QCOMPARE(chartValue(s, {Metric::kP99}), 200.0);            // s -> ms
    QCOMPARE(chartValue(s, {Metric::kP99, 0}), 200.0 / 3);     // the tier's own
    QCOMPARE(chartValue(s, {Metric::kUtilization, 0}), 50.0);  // fraction -> %
    QCOMPARE(chartValue(s, {Metric::kErrors}), 2.0);           // all causes
    QCOMPARE(chartValue(s, {Metric::kErrors, -1, 1}), 0.5);    // one cause
    QCOMPARE(chartValue(s, {Metric::kReady, 0}), 3.0);
    QVERIFY(std::isnan(chartValue(s, {Metric::kUtilization, 7})));  // no such tier
    QVERIFY(std::isnan(chartValue(s, {Metric::kCacheHitRatio})));   // no cache yet
  }

  void meanSkipsUndefinedValues() {
    LiveSample a = sample(10.0, 0.2, 0.2);
    LiveSample b = sample(10.0, kNaN, 0.4);  // no completion in b's interval
    const auto m = meanOverReplications({{a, sample(20.0, 0.1, 0.1)}, {b}});
    QCOMPARE(m.size(), std::size_t{2});  // as long as the longest replication
    QCOMPARE(m[0].p99, 0.2);             // NaN left out, not averaged as 0
    QCOMPARE(m[0].tiers[0].utilization, 0.30000000000000004);
    QCOMPARE(m[1].time, 20.0);
    QCOMPARE(m[1].p99, 0.1);
  }

  void liveThenFinishedThenBaseline() {
    ChartModel model;
    QSignalSpy changed(&model, &ChartModel::changed);
    model.beginRun(oneTier(), "B");
    QVERIFY(model.live());
    QVERIFY(model.has(ChartModel::kB));
    QVERIFY(!model.has(ChartModel::kA));
    QCOMPARE(model.tiers(ChartModel::kB), QStringList{"app"});

    LiveBatch b0;
    b0.replication = 0;
    b0.samples = {sample(10, 0.1, 0.1), sample(20, kNaN, 0.2)};
    model.addBatch(b0);
    QList<QPointF> p = model.points(ChartModel::kB, {Metric::kP99});
    QCOMPARE(p.size(), 1);  // the undefined interval leaves a gap, not a zero
    QCOMPARE(p[0], QPointF(10, 100));
    // The next replication starts the live chart afresh.
    LiveBatch b1;
    b1.replication = 1;
    b1.samples = {sample(10, 0.3, 0.5)};
    model.addBatch(b1);
    QCOMPARE(model.points(ChartModel::kB, {Metric::kUtilization, 0}),
             QList<QPointF>{QPointF(10, 50)});
    const int before = static_cast<int>(changed.count());
    model.addBatch(LiveBatch{1, 0.5, {}, {}, false});  // state only: nothing to redraw
    QCOMPARE(changed.count(), before);

    // Over: the mean of the replications.
    model.finishRun(finished({{sample(10, 0.1, 0.2)}, {sample(10, 0.3, 0.4)}}));
    QVERIFY(!model.live());
    QCOMPARE(model.points(ChartModel::kB, {Metric::kP99})[0].y(), 200.0);
    QCOMPARE(model.points(ChartModel::kB, {Metric::kUtilization, 0})[0].y(), 30.000000000000004);

    model.setBaseline(finished({{sample(10, 0.5, 0.9)}}));
    QVERIFY(model.has(ChartModel::kA));
    QCOMPARE(model.points(ChartModel::kA, {Metric::kP99})[0].y(), 500.0);
    QVERIFY(!model.hasCache());
    model.setBaseline(nullptr);
    QVERIFY(!model.has(ChartModel::kA));
  }

  void compareTableShowsIntervals() {
    auto a = finished({});
    auto b = finished({});
    a->label = "before";
    b->label = "after";
    a->experiment.figures = {figure("end_to_end/all/latency_s/p99", 0.300, 0.010),
                             figure("tiers/app/utilization", 0.50, 0.02)};
    b->experiment.figures = {figure("end_to_end/all/latency_s/p99", 0.250, 0.060),
                             figure("tiers/app/utilization", 0.25, 0.01)};
    CompareModel model;
    model.setRuns(a, b);
    int p99 = -1, util = -1;
    for (int r = 0; r < model.rowCount(); ++r) {
      if (model.path(r) == "end_to_end/all/latency_s/p99") p99 = r;
      if (model.path(r) == "tiers/app/utilization") util = r;
    }
    QVERIFY(p99 >= 0 && util >= 0);
    QCOMPARE(model.index(p99, CompareModel::kA).data().toString(), QString("300.0 ± 10.0"));
    QCOMPARE(model.index(p99, CompareModel::kB).data().toString(), QString("250.0 ± 60.0"));
    QCOMPARE(model.index(p99, CompareModel::kDelta).data().toString(), QString("-50.0"));
    QCOMPARE(model.index(util, CompareModel::kB).data().toString(), QString("25.0 ± 1.0"));
    // Overlapping intervals stay plain; separated ones are bold.
    QVERIFY(!model.index(p99, CompareModel::kA).data(Qt::FontRole).isValid());
    QVERIFY(model.index(util, CompareModel::kA).data(Qt::FontRole).value<QFont>().bold());
    // A figure a run does not have shows a dash, not a number.
    QCOMPARE(model.index(0, CompareModel::kA).data().toString(), QString("–"));
    QCOMPARE(model.headerData(CompareModel::kA, Qt::Horizontal, Qt::DisplayRole).toString(),
             QString("A: before"));
  }
};

QTEST_MAIN(ChartModelTest)
#include "chart_model_test.moc"
