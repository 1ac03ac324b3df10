#pragma once

#include <QString>
#include <QWidget>
#include <vector>

#include "gui/chart_model.h"

#include <QTimer>
#include <cstdint>

class QChart;
class QChartView;
class QComboBox;

namespace lbsim::gui {

// The live charts, one per figure family, redrawn from the ChartModel (at the rate the
// run controller publishes, at most 10 times a second). Run B is drawn solid, the baseline
// A dashed in the same colour. Each chart exports as PNG or SVG (right click).
//
// Redrawing costs the GUI thread milliseconds per chart, so the view redraws at most every
// kRedrawMs and only while visible, one chart per turn of the event loop (so input and
// painting get in between), replaces a series' points in one call (Qt Charts rebuilds a
// line's whole path for each point appended: appending a batch point by point stalled the
// event loop for up to 100 ms), and keeps its axes unless the data leave them.
class ChartsView : public QWidget {
  Q_OBJECT
 public:
  explicit ChartsView(ChartModel& model, QWidget* parent = nullptr);

  int chartCount() const { return static_cast<int>(charts_.size()); }
  QString chartTitle(int index) const;
  QChartView* chartView(int index) const { return charts_[static_cast<std::size_t>(index)].view; }
  // Writes chart `index` to `path`: SVG when it ends in .svg, else an image (PNG).
  bool exportChart(int index, const QString& path) const;
  // Every chart as <dir>/<name>.png and .svg; returns how many files were written.
  int exportAll(const QString& dir) const;
  QString fileName(int index) const { return charts_[static_cast<std::size_t>(index)].file; }
  // Shows chart `index` alone, filling the view (-1: every chart); double-clicking a chart
  // does the same, and double-clicking it again brings the others back.
  void focusChart(int index);
  int focusedChart() const { return focused_; }
  // The replicas chart's tier (-1: every tier, in rotation or ready).
  int replicaScope() const;
  void setReplicaScope(int tier);
  static constexpr int kReplicasChart = 2;

 public slots:
  // Redraws now (the throttled path is `scheduleRefresh`).
  void refresh();
  void scheduleRefresh();

 protected:
  void showEvent(QShowEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  // A line of a chart, or a set of markers of the replicas chart.
  enum class Kind { kLine, kDecisions, kTakenOut, kBackIn };
  struct Line {
    QString name;
    SeriesRef ref;
    Kind kind = Kind::kLine;
    int colour = -1;  // index into the palette; -1: the line's position
  };
  struct Chart {
    QString file;
    QString title;
    QString yTitle;
    QChartView* view = nullptr;
    QStringList keys;  // what the chart shows now; rebuilt when it changes
  };
  std::vector<Line> linesFor(std::size_t chart) const;
  std::vector<Line> replicaLines(QString& title) const;
  QList<QPointF> pointsOf(ChartModel::Slot slot, const Line& line) const;
  // What a marker near `at` stands for: the decision or health change, as text.
  QString markerText(ChartModel::Slot slot, const Line& line, const QPointF& at) const;
  void updateScope();  // the scope combos' tiers, in step with the run
  void drawNext();
  void draw(Chart& chart, const std::vector<Line>& lines);

  ChartModel& model_;
  QComboBox* latencyScope_;
  QComboBox* replicaScope_;
  QStringList scopeTiers_;  // the tiers the combos list
  std::vector<int> scopeAutoscaled_;
  QTimer redraw_;
  bool dirty_ = false;
  int focused_ = -1;
  std::size_t next_ = SIZE_MAX;  // next chart of an incremental redraw; >= size(): none
  std::vector<Chart> charts_;
};

}  // namespace lbsim::gui
