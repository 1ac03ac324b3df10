#include "gui/topology_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace lbsim::gui {

namespace {

constexpr double kBoxWidth = 190.0;  // at most; narrower when the view is
constexpr double kMinBoxWidth = 130.0;
constexpr double kBoxHeight = 84.0;
constexpr double kColumnGap = 36.0;
constexpr double kClientsWidth = 70.0;
constexpr double kRowGap = 18.0;
constexpr double kMargin = 20.0;

QColor utilizationColour(double u) {
  if (!std::isfinite(u)) return QColor(235, 235, 235);
  const double clamped = std::clamp(u, 0.0, 1.0);
  return QColor::fromHsvF(static_cast<float>((1.0 - clamped) * 120.0 / 360.0), 0.45f, 0.97f);
}

QString replicaLine(const models::TierSpec& t, const TierState* counts, bool rotation) {
  if (t.autoscaler) {
    const QString range =
        QObject::tr("%1–%2").arg(t.autoscaler->minReplicas()).arg(t.autoscaler->maxReplicas());
    if (counts == nullptr) return QObject::tr("autoscaled %1 replicas").arg(range);
    return QObject::tr("%1 ready, %2 desired (%3)")
        .arg(counts->ready, 0, 'f', 0)
        .arg(counts->desired, 0, 'f', 0)
        .arg(range);
  }
  const auto backups = std::count_if(t.targets.begin(), t.targets.end(),
                                     [](const models::TargetSpec& r) { return r.backup; });
  QString s = t.kind == models::TierKind::kDatabase
                  ? QObject::tr("primary + %1 replica(s)").arg(t.targets.size() - 1)
                  : QObject::tr("%1 replica(s)").arg(t.targets.size());
  if (rotation && counts != nullptr) {
    s = QObject::tr("%1 of %2 in rotation")
            .arg(counts->inRotation, 0, 'f', 0)
            .arg(t.targets.size());
  } else if (backups > 0) {
    s += QObject::tr(", %1 backup").arg(backups);
  }
  return s;
}

}  // namespace

TopologyView::TopologyView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(400, 250);
  setMouseTracking(false);
}

void TopologyView::setScenario(const models::ScenarioSpec& spec) {
  spec_ = spec;
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < spec.tiers.size(); ++i)
    index[spec.tiers[i].id] = static_cast<int>(i);
  layer_.assign(spec.tiers.size(), 0);
  std::set<std::pair<int, int>> edges;
  for (const models::ClassSpec& c : spec.classes) {
    int previous = -1;
    for (std::size_t h = 0; h < c.route.size(); ++h) {
      const auto it = index.find(c.route[h]);
      if (it == index.end()) continue;
      layer_[static_cast<std::size_t>(it->second)] =
          std::max(layer_[static_cast<std::size_t>(it->second)], static_cast<int>(h));
      edges.insert({previous, it->second});
      previous = it->second;
    }
  }
  edges_.assign(edges.begin(), edges.end());
  utilization_.assign(spec.tiers.size(), std::nan(""));
  counts_.clear();
  rotation_ = !spec.faults.empty();
  for (const models::TierSpec& t : spec.tiers)
    rotation_ = rotation_ || t.healthCheck || t.passiveHealth;
  if (selected_ >= static_cast<int>(spec.tiers.size())) selected_ = -1;
  const int columns = layer_.empty() ? 1 : *std::max_element(layer_.begin(), layer_.end()) + 1;
  setMinimumWidth(
      static_cast<int>(2 * kMargin + kClientsWidth + columns * (kMinBoxWidth + kColumnGap)));
  layout();
  updateGeometry();
  update();
}

void TopologyView::setUtilization(const std::vector<double>& utilization) {
  utilization_ = utilization;
  utilization_.resize(spec_.tiers.size(), std::nan(""));
  update();
}

void TopologyView::setReplicaCounts(const std::vector<TierState>& tiers) {
  counts_ = tiers;
  update();
}

QStringList TopologyView::boxLines(int tier) const {
  const models::TierSpec& t = spec_.tiers[static_cast<std::size_t>(tier)];
  const double u = utilization_[static_cast<std::size_t>(tier)];
  const TierState* counts = static_cast<std::size_t>(tier) < counts_.size()
                                ? &counts_[static_cast<std::size_t>(tier)]
                                : nullptr;
  return {QString::fromStdString(t.id), replicaLine(t, counts, rotation_),
          tr("policy %1").arg(QString::fromStdString(t.balancer.policy)),
          std::isfinite(u) ? tr("utilization %1%").arg(100.0 * u, 0, 'f', 1) : tr("utilization –")};
}

void TopologyView::select(int tier) {
  selected_ = tier;
  update();
  emit tierSelected(tier);
}

QSize TopologyView::sizeHint() const {
  int columns = 1, rows = 1;
  std::map<int, int> perLayer;
  for (int l : layer_)
    rows = std::max(rows, ++perLayer[l]);
  for (int l : layer_)
    columns = std::max(columns, l + 1);
  return QSize(static_cast<int>(2 * kMargin + kClientsWidth + columns * (kBoxWidth + kColumnGap)),
               static_cast<int>(2 * kMargin + rows * (kBoxHeight + kRowGap)));
}

void TopologyView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  layout();
}

void TopologyView::layout() {
  boxes_.assign(spec_.tiers.size(), QRectF());
  std::map<int, std::vector<int>> columns;
  for (std::size_t i = 0; i < layer_.size(); ++i)
    columns[layer_[i]].push_back(static_cast<int>(i));
  const int count = columns.empty() ? 1 : columns.rbegin()->first + 1;  // without the clients
  const double room = width() - 2 * kMargin - kClientsWidth;
  boxWidth_ = std::clamp((room - count * kColumnGap) / count, kMinBoxWidth, kBoxWidth);
  const double gap = std::max(kColumnGap, (room - count * boxWidth_) / count);
  const auto columnX = [&](int layer) {
    return kMargin + kClientsWidth + gap + layer * (boxWidth_ + gap);
  };
  clients_ = QRectF(kMargin, height() / 2.0 - 25.0, kClientsWidth, 50.0);
  for (const auto& [l, tiers] : columns) {
    const double total = tiers.size() * kBoxHeight + (tiers.size() - 1) * kRowGap;
    double y = std::max(kMargin, (height() - total) / 2.0);
    for (int t : tiers) {
      boxes_[static_cast<std::size_t>(t)] = QRectF(columnX(l), y, boxWidth_, kBoxHeight);
      y += kBoxHeight + kRowGap;
    }
  }
}

void TopologyView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), palette().base());
  if (spec_.tiers.empty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("Open a scenario to see its topology."));
    return;
  }
  // Edges first, under the boxes.
  p.setPen(QPen(QColor(120, 120, 120), 1.4));
  for (const auto& [from, to] : edges_) {
    const QRectF a = from < 0 ? clients_ : boxes_[static_cast<std::size_t>(from)];
    const QRectF b = boxes_[static_cast<std::size_t>(to)];
    const QPointF start(a.right(), a.center().y());
    const QPointF end(b.left(), b.center().y());
    QPainterPath path(start);
    const double dx = (end.x() - start.x()) / 2.0;
    path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end);
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setBrush(QColor(120, 120, 120));
    p.drawPolygon(QPolygonF({end, end + QPointF(-8, -4), end + QPointF(-8, 4)}));
  }
  p.setBrush(QColor(250, 250, 250));
  p.setPen(QPen(QColor(90, 90, 90), 1.2));
  p.drawRoundedRect(clients_, 8, 8);
  p.drawText(clients_, Qt::AlignCenter, tr("clients"));

  const QFont base = font();
  QFont bold = base;
  bold.setBold(true);
  for (std::size_t i = 0; i < spec_.tiers.size(); ++i) {
    const QRectF r = boxes_[i];
    const bool sel = static_cast<int>(i) == selected_;
    p.setBrush(utilizationColour(utilization_[i]));
    p.setPen(QPen(sel ? QColor(20, 60, 160) : QColor(90, 90, 90), sel ? 3.0 : 1.2));
    p.drawRoundedRect(r, 8, 8);
    p.setPen(Qt::black);
    const QRectF inner = r.adjusted(8, 4, -8, -4);
    const double line = QFontMetricsF(base).height();
    const QStringList lines = boxLines(static_cast<int>(i));
    for (int k = 0; k < lines.size(); ++k) {
      // Too long for the box: without the policy's label, in a smaller font (down to 80%),
      // and only then elided, never cut.
      QString text = lines[k];
      QFont f = k == 0 ? bold : base;
      if (k == 2 && QFontMetricsF(f).horizontalAdvance(text) > inner.width())
        text = QString::fromStdString(spec_.tiers[i].balancer.policy);
      const double size = f.pointSizeF();
      for (double scale = 0.95;
           scale >= 0.8 && size > 0.0 && QFontMetricsF(f).horizontalAdvance(text) > inner.width();
           scale -= 0.05) {
        f.setPointSizeF(size * scale);
      }
      p.setFont(f);
      const QString shown = QFontMetricsF(f).elidedText(text, Qt::ElideRight, inner.width());
      p.drawText(inner.adjusted(0, k == 0 ? 0 : line * k + 2, 0, 0), Qt::AlignTop | Qt::AlignLeft,
                 shown);
    }
  }
}

void TopologyView::mousePressEvent(QMouseEvent* event) {
  for (std::size_t i = 0; i < boxes_.size(); ++i) {
    if (boxes_[i].contains(event->position())) {
      select(static_cast<int>(i));
      return;
    }
  }
  QWidget::mousePressEvent(event);
}

}  // namespace lbsim::gui
