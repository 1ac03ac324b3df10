#include "gui/tier_details.h"

#include <QObject>
#include <cmath>

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

  h += QObject::tr("<h4>Replicas</h4>");
  h += "<table border=1 cellspacing=0 cellpadding=2><tr><th>name</th><th>workers</th>"
       "<th>queue limit</th><th>weight</th><th>busy</th><th>waiting</th><th>health</th></tr>";
  const TierState* ts = state != nullptr && tier < static_cast<int>(state->tiers.size())
                            ? &state->tiers[static_cast<std::size_t>(tier)]
                            : nullptr;
  for (std::size_t r = 0; r < t.targets.size(); ++r) {
    const models::TargetSpec& target = t.targets[r];
    const bool live = ts != nullptr && r < ts->replicas.size();
    h += QString(
             "<tr><td>%1%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td>"
             "<td>%8</td></tr>")
             .arg(QString::fromStdString(target.name).toHtmlEscaped(),
                  target.backup ? QObject::tr(" (backup)") : QString())
             .arg(target.workers)
             .arg(target.queueLimit == models::kUnboundedQueue ? QObject::tr("none")
                                                               : QString::number(target.queueLimit))
             .arg(target.weight)
             .arg(live ? QString::number(ts->replicas[r].busy) : QStringLiteral("–"))
             .arg(live ? QString::number(ts->replicas[r].queued) : QStringLiteral("–"))
             .arg(QObject::tr("up"));
  }
  h += "</table>";
  h += QObject::tr(
      "<p><small>Health checks and autoscaling are not simulated yet: every "
      "replica stays up and the count is fixed, so there is no autoscaler "
      "decision to show.</small></p>");
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
