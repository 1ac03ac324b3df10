#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QPlainTextEdit;

namespace lbsim::gui {

class DiagnosticsModel;
class ScenarioDocument;

// The scenario as written (read-only YAML) and, when it did not validate, the list of its problems:
// activating one moves the cursor to its file:line:col and highlights the line.
class ScenarioView : public QWidget {
  Q_OBJECT
 public:
  explicit ScenarioView(ScenarioDocument& document, QWidget* parent = nullptr);

  DiagnosticsModel& diagnostics() { return *diagnostics_; }
  QListView& errorList() { return *list_; }
  QPlainTextEdit& text() { return *text_; }

  // Puts the cursor on 1-based `line`, `column` and highlights the line.
  void jumpTo(int line, int column);
  void showDiagnostic(int row);

 private:
  void reload();

  ScenarioDocument& document_;
  DiagnosticsModel* diagnostics_;
  QListView* list_;
  QPlainTextEdit* text_;
  QLabel* status_;
};

}  // namespace lbsim::gui
