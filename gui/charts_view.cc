#include "gui/charts_view.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QPainter>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#ifdef LBSIM_HAVE_QT_SVG
#include <QSvgGenerator>
#endif

#include "models/errors.h"

namespace lbsim::gui {

namespace {

constexpr int kRedrawMs = 250;

enum ChartIndex { kLatency, kUtilization, kReplicas, kTraffic, kQueue, kCache, kChartCount };

const QColor kPalette[] = {QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),
                           QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                           QColor(23, 190, 207)};

}  // namespace

ChartsView::ChartsView(ChartModel& model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* outer = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Latency of:"), this));
  latencyScope_ = new QComboBox(this);
  latencyScope_->setObjectName("latencyScope");
  latencyScope_->addItem(tr("end to end"), -1);
  bar->addWidget(latencyScope_);
  bar->addStretch(1);
  bar->addWidget(new QLabel(tr("Solid: this run (B); dashed: baseline (A). Right-click a chart "
                               "to export it."),
                            this));
  outer->addLayout(bar);
  auto* grid = new QGridLayout;
  outer->addLayout(grid, 1);
  const struct {
    const char* file;
    QString title;
    QString y;
  } kCharts[kChartCount] = {
      {"latency", tr("Latency p50 / p95 / p99"), tr("ms")},
      {"utilization", tr("Utilization per tier"), tr("%")},
      {"replicas", tr("Replicas per pool (static: autoscaling is not simulated yet)"),
       tr("replicas")},
      {"traffic", tr("Throughput and errors by cause"), tr("requests/s")},
      {"queue", tr("Waiting requests per tier"), tr("requests")},
      {"cache", tr("Cache hit ratio"), tr("%")},
  };
  for (int i = 0; i < kChartCount; ++i) {
    Chart c;
    c.file = kCharts[i].file;
    c.title = kCharts[i].title;
    c.yTitle = kCharts[i].y;
    auto* chart = new QChart;
    chart->setTitle(c.title);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(4, 4, 4, 4));
    c.view = new QChartView(chart, this);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(320, 220);
    c.view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(c.view, &QWidget::customContextMenuRequested, this, [this, i](const QPoint& at) {
      QMenu menu;
      QAction* png = menu.addAction(tr("Export as PNG…"));
      QAction* svg = menu.addAction(tr("Export as SVG…"));
      QAction* chosen = menu.exec(chartView(i)->mapToGlobal(at));
      if (chosen == nullptr) return;
      const bool isSvg = chosen == svg;
      (void)png;
      const QString path = QFileDialog::getSaveFileName(
          this, tr("Export chart"), fileName(i) + (isSvg ? ".svg" : ".png"),
          isSvg ? tr("SVG (*.svg)") : tr("PNG (*.png)"));
      if (!path.isEmpty()) exportChart(i, path);
    });
    grid->addWidget(c.view, i / 2, i % 2);
    charts_.push_back(c);
  }
  redraw_.setSingleShot(true);
  redraw_.setInterval(kRedrawMs);
  connect(&redraw_, &QTimer::timeout, this, [this] {
    if (!dirty_ || !isVisible() || next_ < charts_.size()) return;
    dirty_ = false;
    updateScope();
    next_ = 0;
    drawNext();
  });
  connect(&model_, &ChartModel::changed, this, &ChartsView::scheduleRefresh);
  connect(latencyScope_, &QComboBox::currentIndexChanged, this,
          [this] { draw(charts_[kLatency], linesFor(kLatency)); });
  refresh();
}

QString ChartsView::chartTitle(int index) const {
  return charts_[static_cast<std::size_t>(index)].title;
}

std::vector<ChartsView::Line> ChartsView::linesFor(std::size_t chart) const {
  std::vector<Line> lines;
  const ChartModel::Slot slot = model_.has(ChartModel::kB) ? ChartModel::kB : ChartModel::kA;
  const QStringList tiers = model_.tiers(slot);
  switch (chart) {
    case kLatency: {
      const int tier = latencyScope_->currentData().toInt();
      lines.push_back({"p50", {Metric::kP50, tier}});
      lines.push_back({"p95", {Metric::kP95, tier}});
      lines.push_back({"p99", {Metric::kP99, tier}});
      break;
    }
    case kUtilization:
    case kReplicas:
    case kQueue: {
      const Metric m = chart == kUtilization ? Metric::kUtilization
                       : chart == kReplicas  ? Metric::kReplicas
                                             : Metric::kQueueLength;
      for (int t = 0; t < tiers.size(); ++t)
        lines.push_back({tiers[t], {m, t}});
      break;
    }
    case kTraffic: {
      lines.push_back({tr("arrivals"), {Metric::kArrivals}});
      lines.push_back({tr("throughput"), {Metric::kThroughput}});
      // Only the causes that occur, so the legend stays short.
      for (int c = 0; c < static_cast<int>(models::kErrorCauseCount); ++c) {
        const SeriesRef ref{Metric::kErrors, -1, c};
        bool any = false;
        for (ChartModel::Slot s : {ChartModel::kA, ChartModel::kB}) {
          for (const QPointF& p : model_.points(s, ref))
            any = any || p.y() > 0.0;
        }
        if (any) {
          const auto name = models::errorCauseName(static_cast<models::ErrorCause>(c));
          lines.push_back({QString::fromLatin1(name.data(), static_cast<int>(name.size())), ref});
        }
      }
      break;
    }
    case kCache:
      // All caching tiers' lookups together, per sample interval.
      if (model_.hasCache()) lines.push_back({tr("hit ratio"), {Metric::kCacheHitRatio}});
      break;
    default:
      break;
  }
  return lines;
}

void ChartsView::scheduleRefresh() {
  dirty_ = true;
  if (!redraw_.isActive()) redraw_.start();
}

void ChartsView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (dirty_) refresh();
}

void ChartsView::drawNext() {
  if (next_ >= charts_.size()) return;
  draw(charts_[next_], linesFor(next_));
  if (++next_ < charts_.size()) {
    QTimer::singleShot(0, this, &ChartsView::drawNext);
  } else if (dirty_) {
    redraw_.start();  // changes came in meanwhile
  }
}

void ChartsView::refresh() {
  dirty_ = false;
  next_ = charts_.size();
  updateScope();
  for (std::size_t i = 0; i < charts_.size(); ++i)
    draw(charts_[i], linesFor(i));
}

void ChartsView::updateScope() {
  // Keep the latency scope's tiers in step with the run.
  const ChartModel::Slot slot = model_.has(ChartModel::kB) ? ChartModel::kB : ChartModel::kA;
  const QStringList tiers = model_.tiers(slot);
  if (latencyScope_->count() != tiers.size() + 1) {
    const QSignalBlocker block(latencyScope_);
    const int current = latencyScope_->currentIndex();
    latencyScope_->clear();
    latencyScope_->addItem(tr("end to end"), -1);
    for (int t = 0; t < tiers.size(); ++t)
      latencyScope_->addItem(tiers[t], t);
    latencyScope_->setCurrentIndex(current >= 0 && current < latencyScope_->count() ? current : 0);
  }
}

void ChartsView::draw(Chart& c, const std::vector<Line>& lines) {
  QChart* chart = c.view->chart();
  QStringList keys;
  const bool shown[2] = {model_.has(ChartModel::kA), model_.has(ChartModel::kB)};
  for (const Line& l : lines) {
    for (int s = 0; s < 2; ++s) {
      if (shown[s]) keys << QString("%1/%2").arg(s).arg(l.name);
    }
  }
  if (keys != c.keys) {
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
      chart->removeAxis(axis);
    auto* x = new QValueAxis;
    x->setTitleText(tr("simulated time (s)"));
    x->setLabelFormat("%.0f");
    auto* y = new QValueAxis;
    y->setTitleText(c.yTitle);
    y->setLabelFormat("%.4g");
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      for (int s = 0; s < 2; ++s) {
        if (!shown[s]) continue;
        auto* series = new QLineSeries;
        const bool both = shown[0] && shown[1];
        series->setName(lines[i].name);
        QPen pen(kPalette[i % std::size(kPalette)]);
        pen.setWidthF(s == 0 ? 1.5 : 2.0);
        if (s == 0 && both) pen.setStyle(Qt::DashLine);
        series->setPen(pen);
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
        // One legend entry per line: the baseline's dashed twin goes unlabelled.
        if (s == 0 && both) {
          for (QLegendMarker* m : chart->legend()->markers(series))
            m->setVisible(false);
        }
      }
    }
    c.keys = keys;
  }
  chart->setTitle(lines.empty() && c.file == "cache"
                      ? c.title + tr(" — no cache lookups in this run")
                      : c.title);
  double yMax = 0.0;
  const auto series = chart->series();
  int k = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (int s = 0; s < 2; ++s) {
      if (!shown[s]) continue;
      const QList<QPointF> pts = model_.points(static_cast<ChartModel::Slot>(s), lines[i].ref);
      for (const QPointF& p : pts)
        yMax = std::max(yMax, p.y());
      auto* line = static_cast<QLineSeries*>(series[k++]);
      // A live run only adds points; anything else (a new replication, the mean at the
      // end) replaces them.
      const qsizetype have = line->count();
      if (have > 0 && have <= pts.size() && line->at(have - 1) == pts[have - 1]) {
        if (have < pts.size()) line->append(pts.mid(have));
      } else {
        line->replace(pts);
      }
    }
  }
  const auto axes = chart->axes();
  if (axes.size() == 2) {
    auto* x = static_cast<QValueAxis*>(axes[0]);
    auto* y = static_cast<QValueAxis*>(axes[1]);
    const double duration =
        std::max(model_.duration(ChartModel::kA), model_.duration(ChartModel::kB));
    if (duration > 0.0 && x->max() != duration) x->setRange(0.0, duration);
    // Grow (or shrink a lot) only: a steady axis costs no relayout.
    const double top = yMax > 0.0 ? yMax * 1.05 : 1.0;
    if (top > y->max() || top < y->max() / 4.0) {
      y->setRange(0.0, top);
      y->applyNiceNumbers();
    }
  }
}

bool ChartsView::exportChart(int index, const QString& path) const {
  QChartView* view = chartView(index);
  if (path.endsWith(".svg", Qt::CaseInsensitive)) {
#ifndef LBSIM_HAVE_QT_SVG
    return false;  // built without Qt SVG: PNG only
#else
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(view->size());
    svg.setViewBox(QRect(QPoint(0, 0), view->size()));
    svg.setTitle(chartTitle(index));
    QPainter painter;
    if (!painter.begin(&svg)) return false;
    view->render(&painter);
    return painter.end();
#endif
  }
  return view->grab().save(path);
}

int ChartsView::exportAll(const QString& dir) const {
  int written = 0;
  for (int i = 0; i < chartCount(); ++i) {
    written += exportChart(i, dir + "/" + fileName(i) + ".png") ? 1 : 0;
    written += exportChart(i, dir + "/" + fileName(i) + ".svg") ? 1 : 0;
  }
  return written;
}

}  // namespace lbsim::gui
