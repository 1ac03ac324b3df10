#include "gui/scenario_view.h"

#include <QFontDatabase>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>

#include "gui/diagnostics_model.h"
#include "gui/scenario_document.h"

namespace lbsim::gui {

ScenarioView::ScenarioView(ScenarioDocument& document, QWidget* parent)
    : QWidget(parent), document_(document), diagnostics_(new DiagnosticsModel(this)) {
  auto* layout = new QVBoxLayout(this);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  layout->addWidget(status_);
  auto* splitter = new QSplitter(Qt::Vertical, this);
  list_ = new QListView(splitter);
  list_->setModel(diagnostics_);
  list_->setObjectName("errorList");
  text_ = new QPlainTextEdit(splitter);
  text_->setObjectName("yamlView");
  text_->setReadOnly(true);
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  text_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 4);
  layout->addWidget(splitter, 1);
  connect(list_, &QListView::activated, this,
          [this](const QModelIndex& i) { showDiagnostic(i.row()); });
  connect(list_, &QListView::clicked, this,
          [this](const QModelIndex& i) { showDiagnostic(i.row()); });
  connect(&document_, &ScenarioDocument::loaded, this, &ScenarioView::reload);
}

void ScenarioView::reload() {
  text_->setPlainText(document_.text());
  diagnostics_->setDiagnostics(document_.diagnostics());
  list_->setVisible(!document_.valid());
  text_->setExtraSelections({});
  if (document_.valid()) {
    status_->setText(tr("%1 — valid: %2 tiers, %3 request classes (read-only view)")
                         .arg(document_.path())
                         .arg(document_.spec().tiers.size())
                         .arg(document_.spec().classes.size()));
  } else {
    status_->setText(tr("%1 — %n problem(s); nothing is simulated until the file validates. "
                        "Click a problem to see where it is.",
                        "", static_cast<int>(document_.diagnostics().size()))
                         .arg(document_.path()));
    if (diagnostics_->rowCount() > 0) {
      list_->setCurrentIndex(diagnostics_->index(0));
      showDiagnostic(0);
    }
  }
}

void ScenarioView::showDiagnostic(int row) {
  if (row < 0 || row >= diagnostics_->rowCount()) return;
  const auto& d = diagnostics_->at(row);
  jumpTo(d.line, d.column);
}

void ScenarioView::jumpTo(int line, int column) {
  if (line <= 0) return;
  const QTextBlock block = text_->document()->findBlockByNumber(line - 1);
  if (!block.isValid()) return;
  QTextCursor cursor(block);
  cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                      std::min(std::max(column - 1, 0), block.length() - 1));
  text_->setTextCursor(cursor);
  text_->centerCursor();
  QTextEdit::ExtraSelection highlight;
  highlight.format.setBackground(QColor(255, 228, 196));
  highlight.format.setProperty(QTextFormat::FullWidthSelection, true);
  highlight.cursor = cursor;
  highlight.cursor.clearSelection();
  text_->setExtraSelections({highlight});
  text_->setFocus();
}

}  // namespace lbsim::gui
