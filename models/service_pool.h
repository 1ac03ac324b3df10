#pragma once

#include <string>
#include <vector>

#include "core/ring_queue.h"
#include "core/simulator.h"
#include "models/balancing/balancer.h"
#include "models/cache/lru_cache.h"
#include "models/ratelimit/tier_limits.h"
#include "models/spec.h"

namespace lbsim::models {

class Network;

inline constexpr std::uint16_t kNoZone = 0xffff;

// A tier of replicas behind a balancer. Each replica is a multi-server FIFO queue:
// `workers` requests in service at once, up to `queue_limit` waiting, the rest refused
// with 503. A request's service time at a replica is its demand divided by the replica's
// speed. A database tier sends writes to its primary (replica 0) and balances reads over
// its read replicas (over the primary when it has none).
//
// The balancer counts a request as active on its replica from the pick until the response
// has come back through the hop (downstream tiers and network included), as nginx and
// HAProxy count a connection to an upstream server. A replica's worker is freed when its
// own service ends, or, for a tier that holds workers, when the response comes back.
class ServicePool final : public core::EventHandler {
 public:
  struct Replica {
    std::string name;
    std::uint32_t workers = 1;
    std::uint32_t queueLimit = kUnboundedQueue;
    double speed = 1.0;
    std::uint32_t busy = 0;
    std::uint32_t slot = kNone;    // index among the balancer's targets, if it is one
    std::uint16_t zone = kNoZone;  // index into the network's zones
    core::RingQueue<RequestIndex> queue;
  };

  // The tier's balancing policy is created from `policies`, with its own random stream.
  ServicePool(Network& network, TierIndex index, const TierSpec& spec,
              const balancing::PolicyRegistry& policies, core::RandomStream* policyStream);

  // A request arrives at this tier (its hop points here): the balancer picks a replica
  // and the request travels to it.
  void arrive(RequestIndex index, DbOperation operation);
  void handleEvent(const core::Event& event) override;
  // The response from this hop has reached the upstream side: the balancer's count drops.
  void responseReturned(RequestIndex index);
  // The response from downstream has reached this hop's replica: a held worker is freed.
  void releaseHeld(RequestIndex index);

  TierIndex index() const { return index_; }
  const std::string& id() const { return id_; }
  const std::vector<Replica>& replicas() const { return replicas_; }
  std::uint32_t totalWorkers() const { return totalWorkers_; }
  // Requests waiting at the balancer because every target is at its maxconn.
  std::size_t waitingAtBalancer() const { return waiting_.size(); }
  balancing::Balancer& balancer() { return balancer_; }
  bool holdsWorkers() const { return holdWorker_; }
  bool caches() const { return !caches_.empty(); }
  // Whether requests of a class are looked up in this tier's caches.
  bool cachesClass(ClassIndex c) const { return c < cachedClasses_.size() && cachedClasses_[c]; }
  // The tier's rate limiters (null when it has none).
  const ratelimit::TierLimits* limits() const { return limits_.get(); }
  // The replica's cache: whether it holds a fresh response for `key` (and counts the use),
  // and storing a response that came back from upstream.
  bool cacheLookup(ReplicaIndex replica, std::uint64_t key, double now) {
    return caches_[replica].lookup(key, now).result == cache::CacheResult::kFresh;
  }
  void cacheStore(ReplicaIndex replica, std::uint64_t key, double now) {
    caches_[replica].store(key, now, cacheTtl_);
  }

 private:
  enum EventKind : std::uint32_t { kServiceDone, kReachReplica, kLimitDelayOver };
  void admit(RequestIndex index, ReplicaIndex replica);
  void sendTo(RequestIndex index, ReplicaIndex replica);
  void dispatch(RequestIndex index, ReplicaIndex replica);
  void startService(ReplicaIndex replica, RequestIndex index);
  void serviceDone(RequestIndex index);
  void releaseWorker(ReplicaIndex replica);
  void drainWaiting();
  void notify(ReplicaIndex replica);

  Network& network_;
  TierIndex index_;
  std::string id_;
  bool database_;
  bool holdWorker_;
  core::HandlerId handler_;
  std::vector<Replica> replicas_;
  std::vector<ReplicaIndex> slotReplica_;  // balancer target -> replica
  balancing::Balancer balancer_;
  std::uint32_t totalWorkers_ = 0;
  core::RingQueue<RequestIndex> waiting_;
  std::vector<cache::LruCache> caches_;            // per replica, when the tier caches
  std::unique_ptr<ratelimit::TierLimits> limits_;  // null when the tier limits nothing
  double cacheTtl_ = 0.0;
  std::vector<bool> cachedClasses_;  // by class
  bool draining_ = false;
};

// The replicas of a tier that its balancer spreads requests over: all of them, except
// that a database with read replicas balances reads over the read replicas only.
std::vector<ReplicaIndex> balancedReplicas(const TierSpec& spec);

// The policy context of a tier's balancer, without the random stream and clock.
balancing::PolicyContext policyContext(const TierSpec& spec);

}  // namespace lbsim::models
