#include "gui/compare_model.h"

#include <QFont>
#include <cmath>

namespace lbsim::gui {

void CompareModel::setRuns(std::shared_ptr<const RunResult> a, std::shared_ptr<const RunResult> b) {
  beginResetModel();
  a_ = std::move(a);
  b_ = std::move(b);
  rows_.clear();
  const RunResult* shape = b_ ? b_.get() : a_.get();
  if (shape != nullptr) {
    const std::string e2e = "end_to_end/all/";
    rows_.push_back({tr("end to end p50 (ms)"), e2e + "latency_s/p50", 1000.0, 1});
    rows_.push_back({tr("end to end p95 (ms)"), e2e + "latency_s/p95", 1000.0, 1});
    rows_.push_back({tr("end to end p99 (ms)"), e2e + "latency_s/p99", 1000.0, 1});
    rows_.push_back({tr("throughput (req/s)"), e2e + "throughput_rps", 1.0, 1});
    rows_.push_back({tr("error ratio (%)"), e2e + "error_ratio", 100.0, 2});
    for (const models::TierSpec& t : shape->spec.tiers) {
      const QString id = QString::fromStdString(t.id);
      const std::string p = "tiers/" + t.id + "/";
      rows_.push_back({tr("%1 p99 (ms)").arg(id), p + "latency_s/p99", 1000.0, 1});
      rows_.push_back({tr("%1 utilization (%)").arg(id), p + "utilization", 100.0, 1});
      rows_.push_back({tr("%1 503 queue full").arg(id), p + "errors/503_queue_full", 1.0, 0});
      if (t.autoscaler) {
        const std::string a = p + "autoscaler/";
        rows_.push_back({tr("%1 max desired replicas").arg(id), a + "max_desired", 1.0, 1});
        rows_.push_back({tr("%1 final desired replicas").arg(id), a + "final_desired", 1.0, 1});
        rows_.push_back({tr("%1 replica-hours").arg(id), a + "replica_hours", 1.0, 2});
      }
    }
  }
  endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QString CompareModel::path(int row) const {
  return QString::fromStdString(rows_.at(static_cast<std::size_t>(row)).path);
}

const models::FigureEstimate* CompareModel::find(const RunResult* run,
                                                 const std::string& path) const {
  if (run == nullptr) return nullptr;
  for (const auto& f : run->experiment.figures) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

QString CompareModel::cell(const RunResult* run, const Row& row) const {
  const models::FigureEstimate* f = find(run, row.path);
  if (f == nullptr) return run == nullptr ? QString() : QStringLiteral("–");
  const double m = f->estimate.mean * row.scale;
  if (!std::isfinite(m)) return QStringLiteral("–");
  QString text = QString::number(m, 'f', row.decimals);
  const double hw = f->estimate.halfWidth * row.scale;
  if (std::isfinite(hw)) text += QString::fromUtf8(" ± ") + QString::number(hw, 'f', row.decimals);
  return text;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[static_cast<std::size_t>(index.row())];
  const models::FigureEstimate* fa = find(a_.get(), row.path);
  const models::FigureEstimate* fb = find(b_.get(), row.path);
  const bool separated =
      fa != nullptr && fb != nullptr && std::isfinite(fa->estimate.halfWidth) &&
      std::isfinite(fb->estimate.halfWidth) &&
      (fa->estimate.high() < fb->estimate.low() || fb->estimate.high() < fa->estimate.low());
  if (role == Qt::FontRole && separated) {
    QFont bold;
    bold.setBold(true);
    return bold;
  }
  if (role == Qt::ToolTipRole) {
    return tr("%1 in summary.json%2")
        .arg(QString::fromStdString(row.path))
        .arg(separated ? tr(" — the 95% intervals do not overlap") : QString());
  }
  if (role == Qt::TextAlignmentRole && index.column() != kFigure) {
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kFigure:
      return row.label;
    case kA:
      return cell(a_.get(), row);
    case kB:
      return cell(b_.get(), row);
    case kDelta: {
      if (fa == nullptr || fb == nullptr) return {};
      const double d = (fb->estimate.mean - fa->estimate.mean) * row.scale;
      if (!std::isfinite(d)) return QStringLiteral("–");
      return (d > 0 ? QStringLiteral("+") : QString()) + QString::number(d, 'f', row.decimals);
    }
    default:
      return {};
  }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  const auto name = [](const std::shared_ptr<const RunResult>& r, const QString& slot) {
    return r ? QString("%1: %2").arg(slot, QString::fromStdString(r->label)) : slot;
  };
  switch (section) {
    case kFigure:
      return tr("figure (mean ± 95% CI half-width)");
    case kA:
      return name(a_, "A");
    case kB:
      return name(b_, "B");
    case kDelta:
      return tr("B − A");
    default:
      return {};
  }
}

}  // namespace lbsim::gui
