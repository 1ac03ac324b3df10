#pragma once

#include <QAbstractTableModel>
#include <memory>
#include <string>
#include <vector>

#include "gui/live/live_sample.h"

namespace lbsim::gui {

// The summary figures of two runs side by side, each as mean ± the half-width of its 95%
// confidence interval over replications (the numbers of summary.json), and B − A. Rows:
// the end-to-end latency, throughput and error ratio, then each tier's p99, utilization
// and errors, and an autoscaled tier's largest and final desired replica count and its
// replica-hours. A row is bold when the two intervals do not overlap.
class CompareModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kFigure, kA, kB, kDelta, kColumnCount };
  using QAbstractTableModel::QAbstractTableModel;

  void setRuns(std::shared_ptr<const RunResult> a, std::shared_ptr<const RunResult> b);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  // The figure path of a row (summary.json's), for tests and the tooltip.
  QString path(int row) const;

 private:
  struct Row {
    QString label;
    std::string path;
    double scale = 1.0;  // shown value = figure × scale
    int decimals = 1;
  };
  const models::FigureEstimate* find(const RunResult* run, const std::string& path) const;
  QString cell(const RunResult* run, const Row& row) const;

  std::shared_ptr<const RunResult> a_, b_;
  std::vector<Row> rows_;
};

}  // namespace lbsim::gui
