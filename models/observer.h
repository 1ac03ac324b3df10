#pragma once

#include <cstdint>

#include <string>
#include <string_view>

#include "models/errors.h"
#include "models/health/health_event.h"
#include "models/request.h"

namespace lbsim::models {

// A fault started or ended at some replicas (models/fault_injector.h).
struct FaultNotice {
  std::uint32_t fault = 0;  // index into ScenarioSpec::faults
  std::string_view name;    // as the report names it
  std::string_view kind;    // crash, hang, unreachable, slow
  bool started = true;      // false: it ended, the replicas are back
  TierIndex tier = 0;
  ReplicaIndex replica = 0;
};

// An autoscaler's decision about a tier (models/autoscaler_driver.h), with its reason in the
// controller's words (ScaleUpLimit, DesiredWithinRange, ScaleOut, CpuAboveThreshold...).
struct AutoscaleNotice {
  std::int32_t before = 0;   // desired replicas before the decision
  std::int32_t desired = 0;  // after it
  std::int32_t ready = 0;    // replicas ready at the time
  std::string reason;
  std::string message;
};

// What the model tells the world. Statistics, the time series, traces and the GUI are all
// observers; the model never formats or stores output itself. Every callback happens at
// the current simulated time `now`.
class NetworkObserver {
 public:
  virtual ~NetworkObserver() = default;
  virtual void onRequestCreated(const Request& request, double now) {
    (void)request;
    (void)now;
  }
  // The request leaves `tier` after being served by `replica`; `request.hopArrival` and
  // `request.serviceStart` say when it arrived there and when a worker took it.
  virtual void onHopFinished(const Request& request, TierIndex tier, ReplicaIndex replica,
                             double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)now;
  }
  virtual void onRequestCompleted(const Request& request, double now) {
    (void)request;
    (void)now;
  }
  // An error was produced at `tier` (`replica` is kNone when no replica was reached): a
  // refusal, a timeout, a rate limiter's answer. `retried`: the caller of `tier` tries the
  // request again; otherwise the error travels back towards the client.
  virtual void onAttemptFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                               ErrorCause cause, bool retried, double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)cause;
    (void)retried;
    (void)now;
  }
  // A health mechanism changed its view of a replica (`mechanism`: "active check",
  // "nginx max_fails", ...); the event says why.
  virtual void onHealthChanged(TierIndex tier, ReplicaIndex replica,
                               const health::HealthEvent& event, std::string_view mechanism,
                               double now) {
    (void)tier;
    (void)replica;
    (void)event;
    (void)mechanism;
    (void)now;
  }
  virtual void onAutoscaled(TierIndex tier, const AutoscaleNotice& notice, double now) {
    (void)tier;
    (void)notice;
    (void)now;
  }
  virtual void onFault(const FaultNotice& notice, double now) {
    (void)notice;
    (void)now;
  }
  // The client got an error response: the request failed at `tier` (`replica` is kNone when
  // no replica was reached) with `cause`.
  virtual void onRequestFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                               ErrorCause cause, double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)cause;
    (void)now;
  }
  // A caching tier's replica looked the request up: `hit` if it answers from its cache.
  virtual void onCacheLookup(const Request& request, TierIndex tier, ReplicaIndex replica, bool hit,
                             double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)hit;
    (void)now;
  }
  // The cache of `tier` at `replica` answered with an expired entry instead of the upstream's
  // failure (nginx proxy_cache_use_stale).
  virtual void onCacheStaleServed(const Request& request, TierIndex tier, ReplicaIndex replica,
                                  double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)now;
  }
  // A rate limiter of `tier` (index `limit` in its TierLimits::names()) rejected the request
  // at `replica`, or delayed it.
  virtual void onRateLimited(const Request& request, TierIndex tier, ReplicaIndex replica,
                             std::size_t limit, bool rejected, double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)limit;
    (void)rejected;
    (void)now;
  }
  // The caller of `tier` sends the request to `replica` over an upstream keep-alive
  // connection: `reused` an idle one, or opened a new one (which costs the connect time).
  virtual void onUpstreamConnection(const Request& request, TierIndex tier, ReplicaIndex replica,
                                    bool reused, double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)reused;
    (void)now;
  }
  // A PgBouncer tier's process at `replica` opened a server connection for the tier's pool
  // (for a waiting client, the reserve or min_pool_size), or closed one (`opened` false: idle
  // timeout, lifetime, evicted for another pool, or the process went down).
  virtual void onPoolServer(TierIndex tier, ReplicaIndex replica, bool opened, double now) {
    (void)tier;
    (void)replica;
    (void)opened;
    (void)now;
  }
  // A database read served by a read replica missed the user's own write, which had not
  // reached the replica yet (replication lag).
  virtual void onStaleRead(const Request& request, TierIndex tier, ReplicaIndex replica,
                           double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)now;
  }
  // A replica's number of busy workers or of waiting requests changed. It comes at every
  // start and end of service, so an observer that does not need it says so below: the
  // network then does not call it. (The pools keep the integrals of both counts:
  // Replica::busySeconds and queuedSeconds.)
  virtual bool wantsReplicaChanges() const { return true; }
  virtual void onReplicaChanged(TierIndex tier, ReplicaIndex replica, std::uint32_t busy,
                                std::uint32_t queued, double now) {
    (void)tier;
    (void)replica;
    (void)busy;
    (void)queued;
    (void)now;
  }
};

}  // namespace lbsim::models
