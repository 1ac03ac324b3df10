// The views around a run: the topology's tiers and their layering for a small chain (and
// clicking a box), the what-if panel's edits producing a modified spec (the file's spec
// untouched), and a chart exported as PNG.
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <set>

#include "gui/chart_model.h"
#include "gui/charts_view.h"
#include "gui/scenario_document.h"
#include "gui/topology_view.h"
#include "gui/what_if_panel.h"

using namespace lbsim::gui;

namespace {

// lb -> app -> db, and lb -> db directly: db's column is decided by the longest route.
// `cache` is on no route but the side one (lb -> cache).
const char* kChain = R"(name: chain
duration: 60s
traffic:
  phases: [{duration: 60s, rate: 10/s}]
  mix: [{class: full, weight: 2}, {class: direct}, {class: side}]
classes:
  - {id: full, route: [lb, app, db]}
  - {id: direct, route: [lb, db]}
  - {id: side, route: [lb, cache]}
tiers:
  - {id: lb, service: {dist: deterministic, value: 1ms}, replicas: 1, replica: {workers: 10}}
  - id: app
    service: {dist: exponential, mean: 10ms}
    replicas: 3
    replica: {workers: 2}
    balancer: {policy: round_robin}
  - {id: cache, service: {dist: deterministic, value: 1ms}, replicas: 2}
  - {id: db, service: {dist: deterministic, value: 2ms}, replicas: 1, replica: {workers: 4}}
)";

LiveSample sample(double time, double utilization) {
  LiveSample s;
  s.time = time;
  s.p50 = 0.01;
  s.p95 = 0.02;
  s.p99 = 0.03;
  s.throughput = 100.0;
  s.arrivals = 100.0;
  for (int t = 0; t < 4; ++t) {
    TierSample ts;
    ts.utilization = utilization * (t + 1) / 4.0;
    ts.ready = ts.inRotation = t + 1;
    s.tiers.push_back(ts);
  }
  return s;
}

}  // namespace

class ViewsTest : public QObject {
  Q_OBJECT
 private:
  lbsim::models::balancing::PolicyRegistry policies_ =
      lbsim::models::balancing::PolicyRegistry::withBuiltins();
  QTemporaryDir dir_;
  QString chainFile() {
    const QString path = dir_.filePath("chain.yaml");
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(kChain);
    return path;
  }

 private slots:
  void topologyLayersTheChain() {
    ScenarioDocument doc(policies_);
    QVERIFY2(doc.load(chainFile()),
             doc.diagnostics().empty() ? "?" : doc.diagnostics().front().message.c_str());
    TopologyView view;
    view.resize(1000, 400);
    view.setScenario(doc.spec());
    view.show();
    // Columns from the clients: lb 0; app and cache 1; db 2 (via app, not 1 via lb).
    QCOMPARE(view.layers(), (std::vector<int>{0, 1, 1, 2}));
    QVERIFY(view.box(0).right() < view.box(1).left());
    QCOMPARE(view.box(1).left(), view.box(2).left());  // one column
    QVERIFY(view.box(1).right() < view.box(3).left());
    QVERIFY(!view.box(1).intersects(view.box(2)));
    QCOMPARE(view.boxLines(1),
             (QStringList{"app", "3 replica(s)", "policy round_robin", "utilization –"}));
    view.setUtilization({0.1, 0.5, 0.0, 0.9});
    QCOMPARE(view.boxLines(1)[3], QString("utilization 50.0%"));
    // Clicking a box selects its tier.
    QSignalSpy selected(&view, &TopologyView::tierSelected);
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.box(3).center().toPoint());
    QCOMPARE(view.selected(), 3);
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.at(0).at(0).toInt(), 3);
  }

  void whatIfProducesAModifiedSpec() {
    ScenarioDocument doc(policies_);
    WhatIfPanel panel(doc);
    QVERIFY(doc.load(chainFile()));
    QSignalSpy edited(&panel, &WhatIfPanel::edited);
    auto* table = panel.findChild<QTableWidget*>("whatIfTable");
    QVERIFY(table != nullptr);
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->item(1, 0)->text(), QString("app"));
    // The editors of the app row, as a user turns them.
    auto* replicas = qobject_cast<QSpinBox*>(table->cellWidget(1, 1));
    auto* policy = qobject_cast<QComboBox*>(table->cellWidget(1, 2));
    QVERIFY(replicas != nullptr && policy != nullptr);
    QVERIFY(replicas->isEnabled());
    replicas->setValue(5);
    policy->setCurrentText("least_request");
    QCOMPARE(edited.count(), 2);
    const lbsim::models::TierSpec& app = doc.editedSpec().tiers[1];
    QCOMPARE(app.targets.size(), std::size_t{5});
    QCOMPARE(app.targets[4].name, std::string("app-5"));
    QCOMPARE(app.targets[4].workers, 2u);  // a copy of the last replica
    QCOMPARE(app.balancer.policy, std::string("least_request"));
    // The file's spec is untouched.
    QCOMPARE(doc.spec().tiers[1].targets.size(), std::size_t{3});
    QCOMPARE(doc.spec().tiers[1].balancer.policy, std::string("round_robin"));
    QCOMPARE(panel.describeEdits(), QString("app replicas 3→5, app policy least_request"));
    // Reset: the edited copy is the file's again.
    QPushButton* reset = nullptr;
    for (auto* b : panel.findChildren<QPushButton*>()) {
      if (b->text() == "Reset edits") reset = b;
    }
    QVERIFY(reset != nullptr);
    reset->click();
    QCOMPARE(doc.editedSpec().tiers[1].targets.size(), std::size_t{3});
    QVERIFY(panel.describeEdits().isEmpty());
  }

  void chartExportsAsPng() {
    ScenarioDocument doc(policies_);
    QVERIFY(doc.load(chainFile()));
    ChartModel model;
    auto result = std::make_shared<RunResult>();
    result->spec = doc.spec();
    result->label = "run";
    result->samples = {{sample(10, 0.2), sample(20, 0.4), sample(30, 0.8)}};
    model.finishRun(result);
    ChartsView view(model);
    view.resize(1000, 700);
    view.show();
    view.refresh();
    QVERIFY(dir_.isValid());
    const QString png = dir_.filePath("utilization.png");
    QVERIFY(view.exportChart(1, png));
    QFileInfo info(png);
    QVERIFY(info.exists());
    QVERIFY(info.size() > 0);
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), view.chartView(1)->size());
    // A drawn chart, not a blank image: lines in several colours.
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
      for (int x = 0; x < image.width(); x += 3)
        colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    // Every chart: a PNG each (and an SVG each when built with Qt SVG).
    const int written = view.exportAll(dir_.path());
    QVERIFY(written == view.chartCount() || written == 2 * view.chartCount());
    for (int i = 0; i < view.chartCount(); ++i)
      QVERIFY(QFileInfo(dir_.filePath(view.fileName(i) + ".png")).size() > 0);
  }
};

QTEST_MAIN(ViewsTest)
#include "views_test.moc"
