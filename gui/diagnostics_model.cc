#include "gui/diagnostics_model.h"

namespace lbsim::gui {

void DiagnosticsModel::setDiagnostics(std::vector<scenarios::Diagnostic> diagnostics) {
  beginResetModel();
  diagnostics_ = std::move(diagnostics);
  endResetModel();
}

int DiagnosticsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(diagnostics_.size());
}

QVariant DiagnosticsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const scenarios::Diagnostic& d = diagnostics_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      return QString::fromStdString(d.format());
    case kLineRole:
      return d.line;
    case kColumnRole:
      return d.column;
    case kFileRole:
      return QString::fromStdString(d.file);
    case kMessageRole:
      return QString::fromStdString(d.message);
    default:
      return {};
  }
}

}  // namespace lbsim::gui
