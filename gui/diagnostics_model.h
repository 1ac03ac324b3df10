#pragma once

#include <QAbstractListModel>
#include <vector>

#include "scenarios/error.h"

namespace lbsim::gui {

// The located problems of a scenario, one row each, shown as `file:line:col: message`.
class DiagnosticsModel : public QAbstractListModel {
  Q_OBJECT
 public:
  enum Role { kLineRole = Qt::UserRole + 1, kColumnRole, kFileRole, kMessageRole };
  using QAbstractListModel::QAbstractListModel;

  void setDiagnostics(std::vector<scenarios::Diagnostic> diagnostics);
  const scenarios::Diagnostic& at(int row) const { return diagnostics_.at(row); }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

 private:
  std::vector<scenarios::Diagnostic> diagnostics_;
};

}  // namespace lbsim::gui
