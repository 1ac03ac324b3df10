// The what-if table's autoscaler rows: an HPA's cpu target and replica range edited in the
// table reach the document's edited spec (the file's spec untouched), describeEdits names
// them, and a run of the edited spec scales further than the run of the file; the edited
// copy equals what the loader reads from files with the new values; the editors' ranges
// keep min <= max and low <= high; the HPA's AverageValue target, the Auto Scaling group's
// and the threshold script's targets of the spike-10x variants.
#include <QDoubleSpinBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "gui/autoscaler_settings.h"
#include "gui/compare_model.h"
#include "gui/run_controller.h"
#include "gui/scenario_document.h"
#include "gui/what_if_panel.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/small_hpa.h"

using namespace lbsim::gui;
using ResultPtr = std::shared_ptr<const RunResult>;

namespace {

// The small HPA scenario of tests/e2e/autoscaling_sim_test.cc: 1.5 cores busy in all, two
// replicas at 75% CPU against a 50% target, min 2, max 6.
using lbsim::testing::kSmallHpa;
const char* kScaled = lbsim::testing::kSmallHpaScenario;

double figure(const RunResult& r, const std::string& path) {
  for (const auto& f : r.experiment.figures) {
    if (f.path == path) return f.estimate.mean;
  }
  return -1.0;
}

}  // namespace

class WhatIfAutoscalerTest : public QObject {
  Q_OBJECT
 private:
  lbsim::models::balancing::PolicyRegistry policies_ =
      lbsim::models::balancing::PolicyRegistry::withBuiltins();
  QTemporaryDir dir_;

  void write(const QString& name, const QString& text) {
    QFile f(dir_.filePath(name));
    f.open(QIODevice::WriteOnly);
    f.write(text.toUtf8());
  }
  QString scaledFile() {
    write("hpa.yaml", kSmallHpa);
    write("scaled.yaml", kScaled);
    return dir_.filePath("scaled.yaml");
  }
  static QString source(const char* file) {
    return QString(LBSIM_SOURCE_DIR) + "/scenarios/" + file;
  }
  ResultPtr run(const lbsim::models::ScenarioSpec& spec, const QString& label) {
    RunController controller(policies_);
    QSignalSpy finished(&controller, &RunController::finished);
    controller.start(spec, label);
    if (!finished.wait(60000)) return nullptr;
    return finished.at(0).at(0).value<ResultPtr>();
  }
  // The edited spec as Export writes it (scenario.resolved.yaml), loaded where no autoscaler
  // file is.
  lbsim::models::ScenarioSpec exportedAndReloaded(const ScenarioDocument& doc) {
    return lbsim::scenarios::loadScenarioText(
        lbsim::scenarios::resolvedScenarioYaml(doc.editedSpec()), "/nowhere/resolved.yaml",
        policies_);
  }
  template <class Editor>
  static Editor* editor(const WhatIfPanel& panel, const char* name) {
    return panel.findChild<Editor*>(name);
  }

 private slots:
  void hpaTargetEditRunsAndScalesFurther() {
    ScenarioDocument doc(policies_);
    WhatIfPanel panel(doc);
    QVERIFY(doc.load(scaledFile()));
    QSignalSpy edited(&panel, &WhatIfPanel::edited);
    // The api row, then its HPA's rows: min, max, the cpu target.
    auto* table = panel.findChild<QTableWidget*>("whatIfTable");
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->item(0, 1)->text(), QString("autoscaled"));
    QCOMPARE(table->item(3, 0)->text().trimmed(), QString("HPA cpu target"));
    auto* cpu = editor<QDoubleSpinBox>(panel, "autoscaler:api:cpu target");
    QVERIFY(cpu != nullptr);
    QCOMPARE(table->cellWidget(3, 1), cpu);
    QCOMPARE(cpu->value(), 50.0);
    QCOMPARE(cpu->suffix(), QString(" %"));
    QCOMPARE(cpu->minimum(), 1.0);  // the loader's averageUtilization >= 1
    cpu->setValue(30);
    QCOMPARE(edited.count(), 1);
    const auto& target = doc.editedSpec().tiers[0].autoscaler->hpa.metrics[0].target;
    QCOMPARE(target.averageUtilization, 30);
    QCOMPARE(doc.spec().tiers[0].autoscaler->hpa.metrics[0].target.averageUtilization, 50);
    QCOMPARE(panel.describeEdits(), QString("api HPA cpu target 50→30 %"));

    // The file's run and the what-if run. Worked out as in tests/e2e/autoscaling_sim_test.cc:
    // at 50% the HPA asks for ceil(2 x 75/50) = 3 at 15 s, and 1.5 cores over 3 is 50%, so 3
    // it stays. At 30% it asks for ceil(2 x 75/30) = 5 at 15 s, held to 4 by the scale-up
    // limit max(2 x 2, 4); at 30 s the two starting pods count as idle for a scale-up:
    // 150/4 = 37.5% against 30%, ceil(4 x 1.25) = 5; 1.5 cores over 5 is 30%, so 5 it stays.
    const ResultPtr a = run(doc.spec(), "file");
    const ResultPtr b = run(doc.editedSpec(), panel.describeEdits());
    QVERIFY(a && b && !a->stopped && !b->stopped);
    QCOMPARE(figure(*a, "tiers/api/autoscaler/final_desired"), 3.0);
    QCOMPARE(figure(*b, "tiers/api/autoscaler/final_desired"), 5.0);
    QCOMPARE(figure(*b, "tiers/api/autoscaler/max_desired"), 5.0);
    // The A/B table shows it.
    CompareModel compare;
    compare.setRuns(a, b);
    int row = -1;
    for (int r = 0; r < compare.rowCount(); ++r) {
      if (compare.path(r) == "tiers/api/autoscaler/final_desired") row = r;
    }
    QVERIFY(row >= 0);
    QCOMPARE(compare.index(row, CompareModel::kFigure).data().toString(),
             QString("api final desired replicas"));
    QCOMPARE(compare.index(row, CompareModel::kDelta).data().toString(), QString("+2.0"));
  }

  void raisingMaxAddsTargetsAsTheLoaderDoes() {
    ScenarioDocument doc(policies_);
    WhatIfPanel panel(doc);
    QVERIFY(doc.load(scaledFile()));
    auto* max = editor<QDoubleSpinBox>(panel, "autoscaler:api:max replicas");
    QVERIFY(max != nullptr);
    QCOMPARE(max->value(), 6.0);
    max->setValue(8);
    editor<QDoubleSpinBox>(panel, "autoscaler:api:cpu target")->setValue(20);
    const lbsim::models::TierSpec& api = doc.editedSpec().tiers[0];
    QCOMPARE(api.autoscaler->hpa.maxReplicas, 8);
    QCOMPARE(api.targets.size(), std::size_t{8});
    QCOMPARE(api.targets[7].name, std::string("api-8"));
    QCOMPARE(api.targets[7].workers, 1u);
    QCOMPARE(doc.spec().tiers[0].targets.size(), std::size_t{6});
    QCOMPARE(panel.describeEdits(),
             QString("api HPA max replicas 6→8, api HPA cpu target 50→20 %"));
    // 1.5 cores at 20% want ceil(1.5/0.2) = 8 replicas (8 x 18.75% is within the 10%
    // tolerance): more than the 6 the file's targets allow, so only the new targets can run
    // them. (4 at 15 s by the scale-up limit; at 30 s 150/4 = 37.5% -> ceil(4 x 1.875) = 8.)
    const ResultPtr b = run(doc.editedSpec(), "max 8");
    QVERIFY(b && !b->stopped);
    QCOMPARE(figure(*b, "tiers/api/autoscaler/final_desired"), 8.0);
    // Back to 6: the added targets go again.
    max->setValue(6);
    QCOMPARE(doc.editedSpec().tiers[0].targets.size(), std::size_t{6});
  }

  // The edited copy is what the loader makes of files with the new values: the HPA file with
  // minReplicas 3, maxReplicas 8 and the cpu target at 20%, its tier spread over three zones.
  // The same targets (names, zones), start, HPA, and a run with the same figures.
  void editsAreWhatTheLoaderReadsFromEditedFiles() {
    QString zoned = kScaled;
    zoned.replace("replica: {workers: 1}\n", "replica: {workers: 1}\n    zones: [za, zb, zc]\n");
    QString hpa = kSmallHpa;
    hpa.replace("minReplicas: 2", "minReplicas: 3")
        .replace("maxReplicas: 6", "maxReplicas: 8")
        .replace("averageUtilization: 50", "averageUtilization: 20");
    QString edited = zoned;
    edited.replace("hpa: hpa.yaml", "hpa: hpa-edited.yaml");
    write("hpa.yaml", kSmallHpa);
    write("zoned.yaml", zoned);
    write("hpa-edited.yaml", hpa);
    write("zoned-edited.yaml", edited);
    ScenarioDocument expected(policies_);
    QVERIFY(expected.load(dir_.filePath("zoned-edited.yaml")));
    ScenarioDocument doc(policies_);
    WhatIfPanel panel(doc);
    QVERIFY(doc.load(dir_.filePath("zoned.yaml")));
    editor<QDoubleSpinBox>(panel, "autoscaler:api:max replicas")->setValue(8);
    editor<QDoubleSpinBox>(panel, "autoscaler:api:min replicas")->setValue(3);
    editor<QDoubleSpinBox>(panel, "autoscaler:api:cpu target")->setValue(20);
    const lbsim::models::TierSpec& want = expected.spec().tiers[0];
    const lbsim::models::TierSpec& got = doc.editedSpec().tiers[0];
    QCOMPARE(got.targets.size(), want.targets.size());
    for (std::size_t i = 0; i < want.targets.size(); ++i) {
      QCOMPARE(got.targets[i].name, want.targets[i].name);
      QCOMPARE(got.targets[i].zone, want.targets[i].zone);
    }
    QCOMPARE(got.targets[7].zone, std::string("zb"));  // api-8, replica 7: zone 7 mod 3
    QCOMPARE(got.initialReplicas, want.initialReplicas);
    QCOMPARE(got.initialReplicas, 3u);
    const auto& a = got.autoscaler->hpa;
    const auto& b = want.autoscaler->hpa;
    QCOMPARE(a.minReplicas, b.minReplicas);
    QCOMPARE(a.maxReplicas, b.maxReplicas);
    QCOMPARE(a.metrics[0].target.averageUtilization, b.metrics[0].target.averageUtilization);
    const ResultPtr x = run(doc.editedSpec(), "edited");
    const ResultPtr y = run(expected.spec(), "file");
    QVERIFY(x && y);
    QCOMPARE(x->experiment.events, y->experiment.events);
    QCOMPARE(x->experiment.figures.size(), y->experiment.figures.size());
    for (std::size_t i = 0; i < x->experiment.figures.size(); ++i) {
      QCOMPARE(x->experiment.figures[i].path, y->experiment.figures[i].path);
      QCOMPARE(x->experiment.figures[i].values, y->experiment.figures[i].values);
    }
  }

  void rangeEditorsKeepMinBelowMax() {
    ScenarioDocument doc(policies_);
    WhatIfPanel panel(doc);
    QVERIFY(doc.load(scaledFile()));
    auto* min = editor<QDoubleSpinBox>(panel, "autoscaler:api:min replicas");
    auto* max = editor<QDoubleSpinBox>(panel, "autoscaler:api:max replicas");
    QVERIFY(min != nullptr && max != nullptr);
    QCOMPARE(min->value(), 2.0);
    QCOMPARE(min->maximum(), 6.0);
    QCOMPARE(max->minimum(), 2.0);
    QCOMPARE(max->maximum(), double(kMostReplicas));
    max->setValue(4);
    QCOMPARE(min->maximum(), 4.0);
    min->setValue(5);  // above the maximum: held at it
    QCOMPARE(min->value(), 4.0);
    QCOMPARE(max->minimum(), 4.0);
    max->setValue(1);
    QCOMPARE(max->value(), 4.0);
    const lbsim::models::TierSpec& api = doc.editedSpec().tiers[0];
    QCOMPARE(api.autoscaler->hpa.minReplicas.value_or(-1), 4);
    QCOMPARE(api.autoscaler->hpa.maxReplicas, 4);
    // It started at its minimum (no `initial`), so it starts at the new one.
    QCOMPARE(doc.spec().tiers[0].initialReplicas, 2u);
    QCOMPARE(api.initialReplicas, 4u);
    // The targets loaded stay (6, for the loaded maximum): a smaller one does not drop them.
    QCOMPARE(api.targets.size(), std::size_t{6});
    // Reset: the file's autoscaler again, and its editors.
    for (auto* b : panel.findChildren<QPushButton*>()) {
      if (b->text() == "Reset edits") b->click();
    }
    QVERIFY(panel.describeEdits().isEmpty());
    QCOMPARE(doc.editedSpec().tiers[0].initialReplicas, 2u);
    // The rebuilt editors (the old ones are deleted later): api, min, max, cpu target.
    auto* table = panel.findChild<QTableWidget*>("whatIfTable");
    QCOMPARE(qobject_cast<QDoubleSpinBox*>(table->cellWidget(2, 1))->value(), 6.0);
  }

  void hpaAverageValueTarget() {
    ScenarioDocument doc(policies_);
    WhatIfPanel panel(doc);
    QVERIFY(doc.load(source("spike-10x-hpa.yaml")));
    // user-service-hpa.yaml: cpu 70%, memory 80%, http_requests_per_second 100 per pod.
    QCOMPARE(editor<QDoubleSpinBox>(panel, "autoscaler:backend:cpu target")->value(), 70.0);
    QCOMPARE(editor<QDoubleSpinBox>(panel, "autoscaler:backend:memory target")->value(), 80.0);
    auto* rate =
        editor<QDoubleSpinBox>(panel, "autoscaler:backend:http_requests_per_second target");
    QVERIFY(rate != nullptr);
    QCOMPARE(rate->value(), 100.0);
    QVERIFY(rate->suffix().isEmpty());
    QCOMPARE(rate->minimum(), 0.001);  // a positive Quantity, to the milli
    rate->setValue(80.5);
    const auto& metric = doc.editedSpec().tiers[2].autoscaler->hpa.metrics[2];
    QCOMPARE(metric.target.valueMilli, std::int64_t{80500});
    QCOMPARE(panel.describeEdits(),
             QString("backend HPA http_requests_per_second target 100→80.5"));
  }

  // An HPA without metrics is scaled on cpu at 80% (the API's default): shown, and written
  // out when edited.
  void hpaWithoutMetricsShowsTheDefault() {
    ScenarioDocument doc(policies_);
    QVERIFY(doc.load(scaledFile()));
    lbsim::models::TierSpec loaded = doc.spec().tiers[0];
    loaded.autoscaler->hpa.metrics.clear();
    const auto settings = autoscalerSettings(*loaded.autoscaler);
    QCOMPARE(settings.size(), std::size_t{3});
    QCOMPARE(settings[2].name, std::string("cpu target"));
    QCOMPARE(settings[2].value, 80.0);
    lbsim::models::TierSpec tier = loaded;
    setAutoscalerSetting(tier, loaded, 2, 60);
    QCOMPARE(tier.autoscaler->hpa.metrics.size(), std::size_t{1});
    QCOMPARE(tier.autoscaler->hpa.metrics[0].name, std::string("cpu"));
    QCOMPARE(tier.autoscaler->hpa.metrics[0].target.averageUtilization, 60);
  }

  void asgAndScriptTargets() {
    {
      ScenarioDocument doc(policies_);
      WhatIfPanel panel(doc);
      QVERIFY(doc.load(source("spike-10x-asg.yaml")));
      auto* cpu =
          editor<QDoubleSpinBox>(panel, "autoscaler:backend:ASGAverageCPUUtilization target");
      auto* memory = editor<QDoubleSpinBox>(panel, "autoscaler:backend:MemoryUtilization target");
      auto* min = editor<QDoubleSpinBox>(panel, "autoscaler:backend:min replicas");
      QVERIFY(cpu != nullptr && memory != nullptr && min != nullptr);
      QCOMPARE(cpu->value(), 70.0);
      QCOMPARE(memory->value(), 80.0);
      QVERIFY(cpu->minimum() > 0.0);  // TargetValue must be positive
      cpu->setValue(50);
      const lbsim::models::TierSpec& backend = doc.editedSpec().tiers[2];
      QCOMPARE(backend.autoscaler->asg.policies[0].targetValue, 50.0);
      // DesiredCapacity 5 (MinSize 3) starts the group; a MinSize of 6 raises both.
      QCOMPARE(backend.initialReplicas, 5u);
      min->setValue(6);
      QCOMPARE(backend.autoscaler->asg.desiredCapacity.value_or(-1), 6);
      QCOMPARE(backend.initialReplicas, 6u);
      QCOMPARE(panel.describeEdits(), QString("backend ASG min replicas 3→6, backend ASG "
                                              "ASGAverageCPUUtilization target 70→50 %"));
    }
    {
      ScenarioDocument doc(policies_);
      WhatIfPanel panel(doc);
      QVERIFY(doc.load(source("spike-10x-script.yaml")));
      auto* high = editor<QDoubleSpinBox>(panel, "autoscaler:backend:cpu high");
      auto* low = editor<QDoubleSpinBox>(panel, "autoscaler:backend:cpu low");
      auto* rps = editor<QDoubleSpinBox>(panel, "autoscaler:backend:rps high");
      QVERIFY(high != nullptr && low != nullptr && rps != nullptr);
      QCOMPARE(high->value(), 70.0);
      QCOMPARE(low->value(), 30.0);
      QCOMPARE(low->maximum(), 70.0);  // low <= high
      QCOMPARE(high->maximum(), 100.0);
      QCOMPARE(rps->value(), 100.0);
      QCOMPARE(rps->suffix(), QString(" req/s"));
      high->setValue(60);
      QCOMPARE(low->maximum(), 60.0);
      low->setValue(65);
      QCOMPARE(low->value(), 60.0);
      const auto& rule = doc.editedSpec().tiers[2].autoscaler->threshold;
      QCOMPARE(rule.cpuHigh, 60.0);
      QCOMPARE(rule.cpuLow, 60.0);
      QCOMPARE(panel.describeEdits(),
               QString("backend script cpu high 70→60 %, backend script cpu low 30→60 %"));
      auto* up = editor<QDoubleSpinBox>(panel, "autoscaler:backend:up cooldown");
      auto* step = editor<QDoubleSpinBox>(panel, "autoscaler:backend:step");
      QVERIFY(up != nullptr && step != nullptr);
      QCOMPARE(up->value(), 300.0);
      QCOMPARE(up->suffix(), QString(" s"));
      up->setValue(120);
      step->setValue(2);
      QCOMPARE(rule.scaleUpCooldown, 120.0);
      QCOMPARE(rule.step, 2);
    }
  }

  // The step and simple policies of an Auto Scaling group, and an HPA's behavior windows:
  // edited in the table, and written whole into the resolved scenario, which loads anywhere
  // (no file beside it) and gives the edited autoscaler back.
  void stepPoliciesAndBehaviorAreEditedAndExported() {
    {
      QFile group(QString(LBSIM_SOURCE_DIR) + "/scenarios/autoscaling/user-service-asg-step.yaml");
      QVERIFY(group.open(QIODevice::ReadOnly));
      write("asg.yaml", QString::fromUtf8(group.readAll()));
      write("scaled.yaml", QString(kScaled).replace("hpa: hpa.yaml", "asg: asg.yaml"));
      ScenarioDocument doc(policies_);
      WhatIfPanel panel(doc);
      QVERIFY(doc.load(dir_.filePath("scaled.yaml")));
      // UserServiceCpuHigh: Threshold 70, steps +20 % and +50 %; UserServiceCpuLow: -1, 600 s.
      auto* threshold =
          editor<QDoubleSpinBox>(panel, "autoscaler:api:UserServiceCpuHigh threshold");
      auto* step2 = editor<QDoubleSpinBox>(panel, "autoscaler:api:UserServiceCpuHigh step 2");
      auto* cooldown = editor<QDoubleSpinBox>(panel, "autoscaler:api:UserServiceCpuLow cooldown");
      auto* adjustment =
          editor<QDoubleSpinBox>(panel, "autoscaler:api:UserServiceCpuLow adjustment");
      auto* group300 = editor<QDoubleSpinBox>(panel, "autoscaler:api:default cooldown");
      QVERIFY(threshold && step2 && cooldown && adjustment && group300);
      QCOMPARE(threshold->value(), 70.0);
      QCOMPARE(step2->value(), 50.0);
      QCOMPARE(step2->suffix(), QString(" %"));
      QCOMPARE(cooldown->value(), 600.0);
      QCOMPARE(adjustment->value(), -1.0);
      QCOMPARE(group300->value(), 300.0);
      threshold->setValue(65);
      step2->setValue(40);
      cooldown->setValue(300);
      adjustment->setValue(-2);
      const auto& asg = doc.editedSpec().tiers[0].autoscaler->asg;
      QCOMPARE(asg.stepPolicies[0].alarmThreshold, 65.0);
      QCOMPARE(asg.stepPolicies[0].steps[1].scalingAdjustment, 40);
      QCOMPARE(asg.stepPolicies[1].cooldown.value_or(-1), 300.0);
      QCOMPARE(asg.stepPolicies[1].steps[0].scalingAdjustment, -2);
      QVERIFY(exportedAndReloaded(doc).tiers[0].autoscaler->asg == asg);
    }
    {
      ScenarioDocument doc(policies_);
      WhatIfPanel panel(doc);
      QVERIFY(doc.load(source("spike-10x-hpa.yaml")));
      // user-service-hpa.yaml's behavior: scale-up window 60 s, scale-down 300 s.
      auto* up = editor<QDoubleSpinBox>(panel, "autoscaler:backend:scale-up stabilization");
      auto* down = editor<QDoubleSpinBox>(panel, "autoscaler:backend:scale-down stabilization");
      QVERIFY(up != nullptr && down != nullptr);
      QCOMPARE(up->value(), 60.0);
      QCOMPARE(down->value(), 300.0);
      QCOMPARE(down->maximum(), 3600.0);
      down->setValue(120);
      const auto& hpa = doc.editedSpec().tiers[2].autoscaler->hpa;
      QCOMPARE(hpa.behavior->scaleDown->stabilizationWindowSeconds.value_or(-1), 120);
      QVERIFY(exportedAndReloaded(doc).tiers[2].autoscaler->hpa == hpa);
    }
    {
      // Without behavior there is no window to edit (the controller takes the other path).
      ScenarioDocument doc(policies_);
      WhatIfPanel panel(doc);
      QVERIFY(doc.load(scaledFile()));
      QVERIFY(editor<QDoubleSpinBox>(panel, "autoscaler:api:scale-down stabilization") == nullptr);
    }
  }
};

QTEST_MAIN(WhatIfAutoscalerTest)
#include "what_if_autoscaler_test.moc"
