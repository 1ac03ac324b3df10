#include "models/metrics/trace.h"

#include <limits>

namespace lbsim::models {

TraceObserver::TraceObserver(const Network& network, TraceSink& sink, std::uint32_t replication)
    : network_(network), sink_(sink), replication_(replication) {}

TraceRecord TraceObserver::base(const Request& request) const {
  TraceRecord r;
  r.replication = replication_;
  r.request = request.id;
  r.cls = &network_.spec().classes[request.cls].id;
  r.client = request.client;
  return r;
}

void TraceObserver::onHopFinished(const Request& request, TierIndex tier, ReplicaIndex replica,
                                  double now) {
  if (!request.traced) return;
  TraceRecord r = base(request);
  r.hop = request.hop;
  r.tier = &network_.tier(tier).id();
  r.replica = &network_.tier(tier).replicas()[replica].name;
  r.arrived = request.hopArrival;
  r.started = request.serviceStart;
  r.departed = now;
  r.outcome = "ok";
  sink_.write(r);
}

TraceRecord TraceObserver::failedAttempt(const Request& request, TierIndex tier,
                                         ReplicaIndex replica, ErrorCause cause, double now) const {
  TraceRecord r = base(request);
  r.hop = request.hop;
  r.tier = &network_.tier(tier).id();
  r.replica = replica == kNone ? nullptr : &network_.tier(tier).replicas()[replica].name;
  r.arrived = request.hopArrival;
  r.started = std::numeric_limits<double>::quiet_NaN();
  r.departed = now;
  r.outcome = errorCauseName(cause);
  return r;
}

void TraceObserver::onAttemptFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                                    ErrorCause cause, bool retried, double now) {
  // An attempt that ends the request is the row onRequestFailed writes.
  if (!request.traced || !retried) return;
  sink_.write(failedAttempt(request, tier, replica, cause, now));
}

void TraceObserver::onRequestCompleted(const Request& request, double now) {
  if (!request.traced) return;
  TraceRecord r = base(request);
  r.tier = &endToEnd_;
  r.arrived = request.created;
  r.started = request.created;
  r.departed = now;
  r.outcome = "ok";
  sink_.write(r);
}

void TraceObserver::onRequestFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                                    ErrorCause cause, double now) {
  if (!request.traced) return;
  // The response has come back up to hop 0: the row is about the hop where it failed.
  TraceRecord f = failedAttempt(request, tier, replica, cause, now);
  f.hop = request.failHop;
  sink_.write(f);
  TraceRecord e = base(request);
  e.tier = &endToEnd_;
  e.arrived = request.created;
  e.started = request.created;
  e.departed = now;
  e.outcome = errorCauseName(cause);
  sink_.write(e);
}

}  // namespace lbsim::models
