#include "gui/tier_details.h"

#include <QObject>
#include <cmath>
#include <string_view>

#include "models/health/health_event.h"

namespace lbsim::gui {

namespace {

QString ms(double seconds) {
  return std::isfinite(seconds) ? QString::number(1000.0 * seconds, 'f', 1) : QStringLiteral("–");
}

QString figure(const RunResult& r, const std::string& path, double scale, int decimals) {
  for (const auto& f : r.experiment.figures) {
    if (f.path != path) continue;
    if (!std::isfinite(f.estimate.mean)) return QStringLiteral("–");
    QString s = QString::number(f.estimate.mean * scale, 'f', decimals);
    if (std::isfinite(f.estimate.halfWidth))
      s += QString::fromUtf8(" ± ") + QString::number(f.estimate.halfWidth * scale, 'f', decimals);
    return s;
  }
  return QStringLiteral("–");
}

QString text(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())).toHtmlEscaped();
}

// Each replica's parameters and, from the snapshot, its load, condition, lifecycle and
// whether the balancer sends it requests.
QString replicaTable(const models::TierSpec& t, const TierState* ts) {
  QString h = QObject::tr("<h4>Replicas</h4>");
  // One-word headings do not wrap (a narrow inspector broke "weight" and "lifecycle"
  // mid-word); the two-word ones may.
  h += QObject::tr(
      "<table border=1 cellspacing=0 cellpadding=3><tr><th>replica</th><th>busy / workers</th>"
      "<th>waiting / limit</th><th style='white-space:nowrap'>weight</th>"
      "<th style='white-space:nowrap'>condition</th><th style='white-space:nowrap'>lifecycle</th>"
      "<th>in rotation</th></tr>");
  for (std::size_t r = 0; r < t.targets.size(); ++r) {
    const models::TargetSpec& target = t.targets[r];
    const ReplicaState* rs = ts != nullptr && r < ts->replicas.size() ? &ts->replicas[r] : nullptr;
    const QString limit = target.queueLimit == models::kUnboundedQueue
                              ? QStringLiteral("∞")
                              : QString::number(target.queueLimit);
    QString condition = QStringLiteral("–"), lifecycle = QStringLiteral("–"),
            rotation = QStringLiteral("–");
    if (rs != nullptr) {
      const bool absent = rs->lifecycle == ReplicaState::Lifecycle::kAbsent;
      // An absent replica refuses what still reaches it, but it is not a fault.
      condition = absent ? QStringLiteral("–") : text(conditionName(rs->condition));
      if (!absent && rs->condition != ReplicaState::Condition::kUp)
        condition = "<b><font color=#b00000>" + condition + "</font></b>";
      lifecycle = text(lifecycleName(rs->lifecycle));
      rotation = rs->primary      ? QObject::tr("primary: writes")
                 : rs->inRotation ? QObject::tr("yes")
                                  : QObject::tr("<b><font color=#b00000>no</font></b>");
    }
    h += QString(
             "<tr><td>%1%2</td><td>%3 / %4</td><td>%5 / %6</td><td>%7</td><td>%8</td>"
             "<td>%9</td><td>%10</td></tr>")
             .arg(QString::fromStdString(target.name).toHtmlEscaped(),
                  target.backup ? QObject::tr(" (backup)") : QString())
             .arg(rs != nullptr ? QString::number(rs->busy) : QStringLiteral("–"))
             .arg(target.workers)
             .arg(rs != nullptr ? QString::number(rs->queued) : QStringLiteral("–"), limit)
             .arg(target.weight)
             .arg(condition, lifecycle, rotation);
  }
  h += "</table>";
  if (t.kind == models::TierKind::kDatabase && t.targets.size() > 1) {
    h += QObject::tr(
        "<p><small>The primary takes the writes and is not in the read rotation; a promoted "
        "read replica takes them from then on.</small></p>");
  }
  return h;
}

QString autoscalerKind(const models::AutoscalerSpec& a) {
  switch (a.kind) {
    case models::AutoscalerSpec::Kind::kHpa:
      return QObject::tr("Kubernetes HPA");
    case models::AutoscalerSpec::Kind::kAsg:
      return QObject::tr("EC2 Auto Scaling group");
    case models::AutoscalerSpec::Kind::kThreshold:
      return QObject::tr("threshold script");
  }
  return {};
}

// The tier's autoscaler, its counts now and its last decision with the reason.
QString autoscalerSection(const models::TierSpec& t, const TierState* ts) {
  if (!t.autoscaler) return {};
  const models::AutoscalerSpec& a = *t.autoscaler;
  QString h = QObject::tr("<h4>Autoscaler</h4><p>%1 (%2), %3–%4 replicas.")
                  .arg(autoscalerKind(a), QString::fromStdString(a.source).toHtmlEscaped())
                  .arg(a.minReplicas())
                  .arg(a.maxReplicas());
  if (ts != nullptr) {
    h += QObject::tr(" Now: desired %1, ready %2, in rotation %3.")
             .arg(ts->desired, 0, 'f', 0)
             .arg(ts->ready, 0, 'f', 0)
             .arg(ts->inRotation, 0, 'f', 0);
  }
  h += "</p>";
  if (ts == nullptr) return h;
  if (!ts->lastDecision) return h + QObject::tr("<p>No decision yet.</p>");
  const ScaleDecision& d = *ts->lastDecision;
  h += QObject::tr("<p>Last decision at %1 s: desired %2 → %3 (ready %4)<br><i>%5</i>%6</p>")
           .arg(d.time, 0, 'f', 1)
           .arg(d.before)
           .arg(d.desired)
           .arg(d.ready)
           .arg(QString::fromStdString(d.reason).toHtmlEscaped(),
                d.message.empty() ? QString()
                                  : ": " + QString::fromStdString(d.message).toHtmlEscaped());
  return h;
}

// The last health change of each replica, with its reason.
QString healthSection(const models::TierSpec& t, const TierState* ts) {
  QString h = QObject::tr("<h4>Health</h4>");
  if (!t.healthCheck && !t.passiveHealth) {
    h += QObject::tr(
        "<p>No health check or passive health on this tier: a replica that fails stays in "
        "rotation.</p>");
  }
  if (ts == nullptr) return h;
  QString list;
  for (std::size_t r = 0; r < ts->replicas.size() && r < t.targets.size(); ++r) {
    const ReplicaState& rs = ts->replicas[r];
    if (!rs.lastHealth) continue;
    const HealthChange& c = *rs.lastHealth;
    list += QObject::tr("<li><b>%1</b> at %2 s, %3: %4 → %5. %6</li>")
                .arg(QString::fromStdString(rs.name).toHtmlEscaped())
                .arg(c.time, 0, 'f', 1)
                .arg(text(c.mechanism), text(c.event.from), text(c.event.to),
                     QString::fromStdString(models::health::describe(c.event)).toHtmlEscaped());
  }
  if (!list.isEmpty()) {
    h += QObject::tr("<p>Last change of each replica:</p><ul>") + list + "</ul>";
  } else if (t.healthCheck || t.passiveHealth) {
    h += QObject::tr("<p>No health change yet.</p>");
  }
  return h;
}

}  // namespace

QString tierDetailsHtml(const models::ScenarioSpec& spec, int tier, const TierSample* latest,
                        const LiveState* state, const RunResult* result) {
  if (tier < 0 || tier >= static_cast<int>(spec.tiers.size()))
    return QObject::tr("<p>Click a tier to see its parameters and figures.</p>");
  const models::TierSpec& t = spec.tiers[static_cast<std::size_t>(tier)];
  QString h;
  h += QString("<h3>%1</h3>").arg(QString::fromStdString(t.id).toHtmlEscaped());
  h += "<table cellspacing=0 cellpadding=2>";
  const auto row = [&h](const QString& k, const QString& v) {
    h += QString("<tr><td><i>%1</i></td><td>%2</td></tr>").arg(k, v);
  };
  row(QObject::tr("kind"), t.kind == models::TierKind::kDatabase
                               ? QObject::tr("database (writes to the primary)")
                               : QObject::tr("service pool"));
  row(QObject::tr("policy"), QString::fromStdString(t.balancer.policy));
  row(QObject::tr("mean service"),
      ms(t.service.mean()) + " ms, cv " + QString::number(t.service.cv(), 'g', 3));
  row(QObject::tr("holds worker downstream"), t.holdWorker ? "yes" : "no");
  h += "</table>";

  const TierState* ts = state != nullptr && tier < static_cast<int>(state->tiers.size())
                            ? &state->tiers[static_cast<std::size_t>(tier)]
                            : nullptr;
  h += replicaTable(t, ts);
  h += autoscalerSection(t, ts);
  h += healthSection(t, ts);
  if (state != nullptr) {
    h += QObject::tr("<p>At t = %1 s: %2 requests in flight, %3 user sessions active.</p>")
             .arg(state->now, 0, 'f', 1)
             .arg(state->requestsInFlight)
             .arg(state->sessionsActive);
  }
  if (result != nullptr && !result->stopped) {
    const std::string p = "tiers/" + t.id + "/";
    h += QObject::tr("<h4>Summary (%1 replications, mean ± 95% CI)</h4>")
             .arg(result->spec.replications);
    h += "<table cellspacing=0 cellpadding=2>";
    row("p50 / p95 / p99 ms", figure(*result, p + "latency_s/p50", 1000, 1) + " / " +
                                  figure(*result, p + "latency_s/p95", 1000, 1) + " / " +
                                  figure(*result, p + "latency_s/p99", 1000, 1));
    row(QObject::tr("throughput req/s"), figure(*result, p + "throughput_rps", 1, 1));
    row(QObject::tr("utilization %"), figure(*result, p + "utilization", 100, 1));
    row(QObject::tr("queue length"), figure(*result, p + "queue_length", 1, 2));
    row(QObject::tr("503 queue full"), figure(*result, p + "errors/503_queue_full", 1, 0));
    h += "</table>";
  } else if (latest != nullptr) {
    h += QObject::tr("<h4>Last interval</h4><table cellspacing=0 cellpadding=2>");
    row("p50 / p95 / p99 ms", ms(latest->p50) + " / " + ms(latest->p95) + " / " + ms(latest->p99));
    row(QObject::tr("throughput req/s"), QString::number(latest->throughput, 'f', 1));
    row(QObject::tr("utilization %"), QString::number(100.0 * latest->utilization, 'f', 1));
    row(QObject::tr("queue length"), QString::number(latest->queueLength, 'f', 2));
    row(QObject::tr("errors/s"), QString::number(latest->errors, 'f', 2));
    h += "</table>";
  }
  return h;
}

}  // namespace lbsim::gui
