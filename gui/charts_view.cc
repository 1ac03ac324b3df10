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
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#ifdef LBSIM_HAVE_QT_SVG
#include <QSvgGenerator>
#endif

#include "models/errors.h"
#include "models/health/health_event.h"

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
  bar->addSpacing(16);
  bar->addWidget(new QLabel(tr("Replicas of:"), this));
  replicaScope_ = new QComboBox(this);
  replicaScope_->setObjectName("replicaScope");
  replicaScope_->addItem(tr("every tier"), -1);
  bar->addWidget(replicaScope_);
  bar->addStretch(1);
  bar->addWidget(new QLabel(tr("Solid: this run (B); dashed: baseline (A). Double-click a "
                               "chart to enlarge it, right-click to export it."),
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
      {"replicas", tr("Replicas per pool"), tr("replicas")},
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
    c.view->viewport()->installEventFilter(this);
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
  connect(replicaScope_, &QComboBox::currentIndexChanged, this,
          [this] { draw(charts_[kReplicas], linesFor(kReplicas)); });
  refresh();
}

void ChartsView::focusChart(int index) {
  focused_ = index >= 0 && index < chartCount() ? index : -1;
  for (int i = 0; i < chartCount(); ++i)
    chartView(i)->setVisible(focused_ < 0 || i == focused_);
}

bool ChartsView::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::MouseButtonDblClick) {
    for (int i = 0; i < chartCount(); ++i) {
      if (chartView(i)->viewport() == watched) {
        focusChart(focused_ == i ? -1 : i);
        return true;
      }
    }
  }
  return QWidget::eventFilter(watched, event);
}

int ChartsView::replicaScope() const {
  return replicaScope_->currentData().toInt();
}

void ChartsView::setReplicaScope(int tier) {
  updateScope();
  const int i = replicaScope_->findData(tier);
  if (i >= 0) replicaScope_->setCurrentIndex(i);
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
    case kQueue: {
      const Metric m = chart == kUtilization ? Metric::kUtilization : Metric::kQueueLength;
      for (int t = 0; t < tiers.size(); ++t)
        lines.push_back({tiers[t], {m, t}});
      break;
    }
    case kReplicas: {
      QString title;
      return replicaLines(title);
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

std::vector<ChartsView::Line> ChartsView::replicaLines(QString& title) const {
  const ChartModel::Slot slot = model_.has(ChartModel::kB) ? ChartModel::kB : ChartModel::kA;
  const QStringList tiers = model_.tiers(slot);
  const bool rotation = model_.tracksRotation(slot);
  const int tier = replicaScope_->currentData().toInt();
  std::vector<Line> lines;
  if (tier < 0 || tier >= tiers.size()) {
    // Every tier: those the balancers send requests to when replicas can leave rotation.
    title = rotation ? tr("Replicas in rotation per tier") : tr("Ready replicas per tier");
    for (int t = 0; t < tiers.size(); ++t)
      lines.push_back({tiers[t], {rotation ? Metric::kInRotation : Metric::kReady, t}});
    return lines;
  }
  const auto autoscaled = model_.autoscaledTiers(slot);
  const bool scaled = std::find(autoscaled.begin(), autoscaled.end(), tier) != autoscaled.end();
  title = scaled ? tr("Replicas of %1: desired and ready, with the autoscaler's decisions")
                       .arg(tiers[tier])
                 : tr("Replicas of %1").arg(tiers[tier]);
  if (scaled) lines.push_back({tr("desired"), {Metric::kDesired, tier}, Kind::kLine, 0});
  lines.push_back({tr("ready"), {Metric::kReady, tier}, Kind::kLine, 2});
  if (rotation) lines.push_back({tr("in rotation"), {Metric::kInRotation, tier}, Kind::kLine, 1});
  if (scaled)
    lines.push_back({tr("scale decision"), {Metric::kDesired, tier}, Kind::kDecisions, 4});
  if (rotation) {
    lines.push_back({tr("taken out"), {Metric::kInRotation, tier}, Kind::kTakenOut, 3});
    lines.push_back({tr("back in"), {Metric::kInRotation, tier}, Kind::kBackIn, 2});
  }
  return lines;
}

QList<QPointF> ChartsView::pointsOf(ChartModel::Slot slot, const Line& line) const {
  switch (line.kind) {
    case Kind::kLine:
      return model_.points(slot, line.ref);
    case Kind::kDecisions:
      return model_.decisionPoints(slot, line.ref.tier);
    case Kind::kTakenOut:
    case Kind::kBackIn:
      return model_.healthPoints(slot, line.ref.tier, line.kind == Kind::kTakenOut);
  }
  return {};
}

QString ChartsView::markerText(ChartModel::Slot slot, const Line& line, const QPointF& at) const {
  // The event nearest in time (markers of one series at one time have the same count).
  QString best;
  double distance = std::numeric_limits<double>::infinity();
  const auto consider = [&](double time, const QString& text) {
    if (std::abs(time - at.x()) < distance) {
      distance = std::abs(time - at.x());
      best = text;
    }
  };
  if (line.kind == Kind::kDecisions) {
    for (const ScaleDecision& d : model_.decisions(slot, line.ref.tier)) {
      consider(
          d.time,
          tr("%1 s: desired %2 → %3 (ready %4)\n%5")
              .arg(d.time, 0, 'f', 1)
              .arg(d.before)
              .arg(d.desired)
              .arg(d.ready)
              .arg(QString::fromStdString(d.reason + (d.message.empty() ? "" : ": " + d.message))));
    }
  } else {
    for (const HealthChange& h : model_.healthChanges(slot, line.ref.tier)) {
      if (h.nowInRotation == (line.kind == Kind::kTakenOut) || h.wasInRotation == h.nowInRotation) {
        continue;
      }
      consider(h.time, tr("%1 s, %2 (%3): %4 → %5\n%6")
                           .arg(h.time, 0, 'f', 1)
                           .arg(model_.replicaName(slot, line.ref.tier, h.replica))
                           .arg(QString::fromUtf8(h.mechanism.data(),
                                                  static_cast<qsizetype>(h.mechanism.size())))
                           .arg(QString::fromUtf8(h.event.from.data(),
                                                  static_cast<qsizetype>(h.event.from.size())))
                           .arg(QString::fromUtf8(h.event.to.data(),
                                                  static_cast<qsizetype>(h.event.to.size())))
                           .arg(QString::fromStdString(models::health::describe(h.event))));
    }
  }
  return best;
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
  // Keep the scopes' tiers in step with the run; a new scenario shows the replicas of its
  // first autoscaled tier, if it has one.
  const ChartModel::Slot slot = model_.has(ChartModel::kB) ? ChartModel::kB : ChartModel::kA;
  const QStringList tiers = model_.tiers(slot);
  const std::vector<int> autoscaled = model_.autoscaledTiers(slot);
  if (tiers == scopeTiers_ && autoscaled == scopeAutoscaled_) return;
  const bool sameTiers = tiers == scopeTiers_;
  scopeTiers_ = tiers;
  scopeAutoscaled_ = autoscaled;
  const QSignalBlocker blockLatency(latencyScope_);
  const QSignalBlocker blockReplicas(replicaScope_);
  const int latency = sameTiers ? latencyScope_->currentIndex() : 0;
  latencyScope_->clear();
  latencyScope_->addItem(tr("end to end"), -1);
  replicaScope_->clear();
  replicaScope_->addItem(tr("every tier"), -1);
  for (int t = 0; t < tiers.size(); ++t) {
    latencyScope_->addItem(tiers[t], t);
    replicaScope_->addItem(tiers[t], t);
  }
  latencyScope_->setCurrentIndex(latency >= 0 && latency < latencyScope_->count() ? latency : 0);
  replicaScope_->setCurrentIndex(autoscaled.empty() ? 0 : autoscaled.front() + 1);
}

void ChartsView::draw(Chart& c, const std::vector<Line>& lines) {
  QChart* chart = c.view->chart();
  QStringList keys;
  const bool shown[2] = {model_.has(ChartModel::kA), model_.has(ChartModel::kB)};
  for (const Line& l : lines) {
    for (int s = 0; s < 2; ++s) {
      if (shown[s]) {
        keys << QString("%1/%2/%3/%4")
                    .arg(s)
                    .arg(static_cast<int>(l.kind))
                    .arg(l.ref.tier)
                    .arg(l.name);
      }
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
      const Line& line = lines[i];
      const QColor colour =
          kPalette[static_cast<std::size_t>(line.colour >= 0 ? line.colour : static_cast<int>(i)) %
                   std::size(kPalette)];
      for (int s = 0; s < 2; ++s) {
        if (!shown[s]) continue;
        const bool both = shown[0] && shown[1];
        QXYSeries* series = nullptr;
        if (line.kind == Kind::kLine) {
          series = new QLineSeries;
          QPen pen(colour);
          pen.setWidthF(s == 0 ? 1.5 : 2.0);
          if (s == 0 && both) pen.setStyle(Qt::DashLine);
          series->setPen(pen);
        } else {
          // Markers: decisions as circles, health changes as triangles; the baseline's hollow.
          auto* markers = new QScatterSeries;
          markers->setMarkerShape(line.kind == Kind::kDecisions
                                      ? QScatterSeries::MarkerShapeCircle
                                      : QScatterSeries::MarkerShapeTriangle);
          markers->setMarkerSize(line.kind == Kind::kDecisions ? 9.0 : 10.0);
          markers->setColor(s == 0 && both ? QColor(Qt::transparent) : colour);
          markers->setBorderColor(line.kind == Kind::kDecisions ? colour.darker(160) : colour);
          const auto slot = static_cast<ChartModel::Slot>(s);
          connect(markers, &QXYSeries::hovered, this,
                  [this, slot, line](const QPointF& at, bool inside) {
                    if (inside) {
                      QToolTip::showText(QCursor::pos(), markerText(slot, line, at), this);
                    } else {
                      QToolTip::hideText();
                    }
                  });
          series = markers;
        }
        series->setName(line.name);
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
        // One legend entry per line: the baseline's twin goes unlabelled.
        if (s == 0 && both) {
          for (QLegendMarker* m : chart->legend()->markers(series))
            m->setVisible(false);
        }
      }
    }
    c.keys = keys;
  }
  QString title = c.title;
  if (c.file == "replicas") {
    replicaLines(title);
  } else if (lines.empty() && c.file == "cache") {
    title += tr(" — no cache lookups in this run");
  }
  if (chart->title() != title) chart->setTitle(title);
  double yMax = 0.0;
  const auto series = chart->series();
  int k = 0;
  for (const Line& line : lines) {
    for (int s = 0; s < 2; ++s) {
      if (!shown[s]) continue;
      const QList<QPointF> pts = pointsOf(static_cast<ChartModel::Slot>(s), line);
      for (const QPointF& p : pts)
        yMax = std::max(yMax, p.y());
      auto* xy = static_cast<QXYSeries*>(series[k++]);
      // Replaced at once when changed: Qt Charts rebuilds a series' whole path (and its
      // stroked shape) for every point appended, so appending the k points of a batch
      // costs k rebuilds where one replace costs one.
      if (xy->points() != pts) xy->replace(pts);
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
