// The scenario error list: a scenario that does not validate lists every located problem
// as file:line:col: message, and activating one puts the read-only YAML view's cursor on
// that line and column; a valid scenario hides the list.
#include <QFile>
#include <QListView>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include "gui/diagnostics_model.h"
#include "gui/scenario_document.h"
#include "gui/scenario_view.h"

using namespace lbsim::gui;

class ScenarioErrorListTest : public QObject {
  Q_OBJECT
 private:
  lbsim::models::balancing::PolicyRegistry policies_ =
      lbsim::models::balancing::PolicyRegistry::withBuiltins();
  QTemporaryDir dir_;
  QString broken_;

 private slots:
  void initTestCase() {
    // cerebrum.yaml with two mistakes: a duration without a unit it knows (line 12) and an
    // unknown policy on the first `least_conn` tier.
    QFile in(QString(LBSIM_SOURCE_DIR) + "/scenarios/cerebrum.yaml");
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(in.readAll());
    QVERIFY(text.contains("duration: 27m"));
    text.replace("duration: 27m", "duration: 27 minutes");
    const qsizetype policy = text.indexOf("balancer: {policy: least_conn}");
    QVERIFY(policy > 0);
    text.replace(policy, qsizetype(sizeof("balancer: {policy: least_conn}") - 1),
                 "balancer: {policy: fastest}");
    broken_ = dir_.path() + "/broken.yaml";
    QFile out(broken_);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(text.toUtf8());
  }

  void listsLocatedProblems() {
    ScenarioDocument doc(policies_);
    QVERIFY(!doc.load(broken_));
    DiagnosticsModel model;
    model.setDiagnostics(doc.diagnostics());
    QCOMPARE(model.rowCount(), 2);
    const QString first = model.index(0).data().toString();
    QVERIFY2(first.startsWith(broken_ + ":12:11: duration '27 minutes' is not a duration"),
             qPrintable(first));
    QCOMPARE(model.index(0).data(DiagnosticsModel::kLineRole).toInt(), 12);
    QCOMPARE(model.index(0).data(DiagnosticsModel::kColumnRole).toInt(), 11);
    const QString second = model.index(1).data().toString();
    QVERIFY2(second.contains("unknown balancing policy 'fastest'; allowed:"), qPrintable(second));
  }

  void activatingAProblemJumpsToIt() {
    ScenarioDocument doc(policies_);
    ScenarioView view(doc);
    view.resize(900, 600);
    view.show();
    doc.load(broken_);
    QVERIFY(view.text().isReadOnly());
    QVERIFY(view.errorList().isVisible());
    QCOMPARE(view.errorList().model()->rowCount(), 2);
    // The first problem is shown on load.
    QCOMPARE(view.text().textCursor().blockNumber(), 11);
    QCOMPARE(view.text().textCursor().positionInBlock(), 10);
    const auto& d = view.diagnostics().at(1);
    emit view.errorList().activated(view.errorList().model()->index(1, 0));
    QCOMPARE(view.text().textCursor().blockNumber(), d.line - 1);
    QCOMPARE(view.text().textCursor().positionInBlock(), d.column - 1);
    QVERIFY(view.text().textCursor().block().text().contains("fastest"));
    QCOMPARE(view.text().extraSelections().size(), 1);  // the line is highlighted
  }

  void validScenarioHidesTheList() {
    ScenarioDocument doc(policies_);
    ScenarioView view(doc);
    view.show();
    QVERIFY(doc.load(QString(LBSIM_SOURCE_DIR) + "/scenarios/cerebrum.yaml"));
    QVERIFY(!view.errorList().isVisible());
    QCOMPARE(view.errorList().model()->rowCount(), 0);
    QVERIFY(view.text().toPlainText().startsWith("# Cerebrum"));
  }

  void unreadableFileIsOneProblem() {
    ScenarioDocument doc(policies_);
    QVERIFY(!doc.load(dir_.path() + "/missing.yaml"));
    QCOMPARE(doc.diagnostics().size(), std::size_t{1});
  }
};

QTEST_MAIN(ScenarioErrorListTest)
#include "scenario_error_list_test.moc"
