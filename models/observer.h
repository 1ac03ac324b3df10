#pragma once

#include <cstdint>

#include "models/errors.h"
#include "models/request.h"

namespace lbsim::models {

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
  // The request failed at `tier` (`replica` is kNone when no replica was reached).
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
  // A database read served by a read replica missed the user's own write, which had not
  // reached the replica yet (replication lag).
  virtual void onStaleRead(const Request& request, TierIndex tier, ReplicaIndex replica,
                           double now) {
    (void)request;
    (void)tier;
    (void)replica;
    (void)now;
  }
  // A replica's number of busy workers or of waiting requests changed.
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
