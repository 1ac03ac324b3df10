#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/ratelimit/decision.h"
#include "models/ratelimit/nginx_limit_conn.h"
#include "models/spec.h"

namespace lbsim::models::ratelimit {

// The rate limiters of one tier, as the simulation consults them: for each replica (an nginx
// instance, a Kong node, an HAProxy) the nginx `limit_req` of the location a class's path
// takes at the tier, then the tier-wide limiters. nginx zones, Kong `local` counters, HAProxy
// tables and token buckets belong to each replica; Kong `cluster`/`redis` counters and
// Cloudflare rules (one edge network) are shared by all.
// The nginx directives of one location of `tier`, as parseNginxLimitReq reads them: the tier's
// limit_req_zone lines, the location's limit_req directives ('; '-separated in `limitReq`)
// and limit_req_status.
std::string nginxLimitReqText(const TierSpec& tier, const std::string& limitReq);

// The tier's `limit_conn` as the simulation applies it: parseNginxLimitConn's settings, whose
// zones must all be keyed by the client address or all by one key for every request. Throws
// std::invalid_argument, saying what is allowed.
NginxLimitConnSettings tierLimitConn(const std::string& text);

class TierLimits {
 public:
  // Classes whose route passes the tier get the limit_req of the routing rule their path
  // takes there. Throws std::invalid_argument for settings the parsers refuse.
  TierLimits(const TierSpec& tier, const std::vector<ClassSpec>& classes, std::size_t replicas);
  ~TierLimits();
  TierLimits(const TierLimits&) = delete;
  TierLimits& operator=(const TierLimits&) = delete;

  bool any() const { return any_; }
  // The decision for a request of class `cls` from client `client` at `replica` at `now`:
  // the location's limit_req, then each tier-wide limiter, the first rejection ending it and
  // the longest delay winning. `which` is set to the index in names() of the limiter that
  // rejected or delayed it.
  Decision decide(ReplicaIndex replica, ClassIndex cls, std::uint32_t client, double now,
                  std::size_t& which);
  // Asks the memory system for the state decide() will read for this request (a hint that
  // changes nothing): called when the request leaves for the replica, so that the lookup's
  // cache miss overlaps with what the simulation does until it gets there.
  void prefetch(ReplicaIndex replica, ClassIndex cls, std::uint32_t client) const;

  // nginx limit_conn (the tier's `limit_conn`, for every request): whether there is one, and
  // a request of client `client` asking for a slot at `replica` once the other limits let it
  // through (nginx runs limit_req before limit_conn, a delayed request after its delay).
  // A decision with `holdsSlot` must be given back with releaseConnection when the request
  // ends at the replica; a rejection sets `which` to the index in names() of the zone.
  bool limitsConnections() const { return limitsConnections_; }
  Decision acquireConnection(ReplicaIndex replica, std::uint32_t client, double now,
                             std::size_t& which);
  void releaseConnection(ReplicaIndex replica, std::uint32_t client);
  // A new process at the replica: its zones start empty (nginx keeps them in shared memory).
  void resetConnections(ReplicaIndex replica);
  // Slots held at the replica, over all its limit_conn zones.
  std::uint64_t connectionsHeld(ReplicaIndex replica) const;

  // Names of the limits, for the outputs: the nginx zones ("limit_req:api"), then the
  // tier-wide limiters ("kong", "haproxy", "cloudflare", "token_bucket", numbered when
  // there are several of a kind), then the limit_conn zones ("limit_conn:conn").
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> names_;
  bool any_ = false;
  bool limitsConnections_ = false;
};

}  // namespace lbsim::models::ratelimit
