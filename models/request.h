#pragma once

#include <cstdint>
#include <limits>

namespace lbsim::models {

using ClassIndex = std::uint32_t;
using TierIndex = std::uint32_t;
using ReplicaIndex = std::uint32_t;
using RequestIndex = std::uint32_t;

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// The longest route a request class may take (CDN ... database); the per-hop bit masks
// below allow up to 16.
inline constexpr std::uint32_t kMaxRouteLength = 12;

inline constexpr std::uint16_t kNoRegion = 0xffff;

// What a request keeps about one hop of its route, from its creation (the demand, drawn
// for every hop when the request is created) or from when the hop's balancer picked a
// replica. 24 bytes.
struct HopState {
  double demand = 0.0;         // service demand (seconds at speed 1)
  double pickedAt = 0.0;       // when the hop's balancer picked the replica
  ReplicaIndex replicaAt = 0;  // the replica picked
  // The generation of the replica when it was picked: a replica that crashed or hung since
  // has a new generation, and what it held for the request is gone.
  std::uint16_t generation = 0;
  std::uint8_t tries = 0;  // attempts made at the hop
};

// One request in flight. It lives in an IndexPool and events refer to it by index.
//
// A request is a call down its route: the replica at each hop forwards it to the next tier
// and gets the response back, so the replica picked at every hop and the time the hop's
// balancer picked it are kept until the response has come back through that hop. A field
// added here must be reset in resetForReuse below.
struct Request {
  std::uint64_t id = 0;              // sequence number in the run, for traces
  std::uint64_t seed = 0;            // seeds the request's network latency draws
  std::uint64_t cacheKey = 0;        // the object it asks for, as caches key it
  ClassIndex cls = 0;                // index into the scenario's classes
  std::uint32_t client = 0;          // client identity: hashing, affinity and per-client limits
  std::uint32_t clientAddress = 0;   // its IPv4 address (nginx $remote_addr)
  ReplicaIndex replica = kNone;      // replica serving the current hop
  std::uint64_t sessionKey = 0;      // identifies the user session (a session cookie)
  std::uint32_t session = kNone;     // the user session (flow) it belongs to, if any
  std::uint16_t hop = 0;             // position in the class's route (going or coming back)
  std::uint16_t heldWorkers = 0;     // bit h: the replica at hop h keeps a worker for it
  std::uint16_t region = kNoRegion;  // region of the first replica on its path in one
  std::uint16_t cacheMisses = 0;     // bit h: the cache at hop h missed (store on the way back)
  bool traced = false;               // sampled into the per-request trace
  bool failed = false;               // the response travelling back is an error
  bool alive = false;                // in the pool (timers check it with `id`)
  bool probe = false;                // a health check, not a client's request
  // Stuck at the replica of its current hop (a hung or unreachable one): only a timeout of
  // its caller ends it.
  bool parked = false;
  bool queued = false;     // waiting in the queue of the replica at its current hop
  std::uint8_t cause = 0;  // the ErrorCause of a failed response
  // A request whose caller timed out: the part of it still downstream of hop `orphanHop`
  // goes on (the servers do not know), and ends silently when its response gets back there.
  std::uint16_t orphanHop = 0xffff;
  std::uint16_t failTier = 0;       // where the error of a failed response was produced
  std::uint16_t triedHop = 0xffff;  // the hop `triedSlots` is about
  std::uint16_t connSlots = 0;      // bit h: it holds an nginx limit_conn slot at hop h
  ReplicaIndex failReplica = kNone;
  std::uint64_t triedSlots = 0;  // balancer slots (mod 64) already tried at `triedHop`
  std::uint16_t status = 0;      // the HTTP status of a failed response
  double created = 0.0;          // when the client sent it
  double hopArrival = 0.0;       // when it reached the current tier's balancer
  double serviceStart = 0.0;     // when a worker took it at the current tier
  // Its hops, as many as the scenario's longest route: storage the network gives each pool
  // entry once, which stays with the entry (see Network::acquireRequest). Out of line, so
  // that a request of a short route does not carry the longest one's hops.
  HopState* hops = nullptr;

  // Back to a new request's values for reuse from the pool; the network resets the hops.
  void resetForReuse() {
    id = seed = cacheKey = 0;
    cls = client = clientAddress = 0;
    sessionKey = 0;
    session = kNone;
    hop = heldWorkers = cacheMisses = 0;
    region = kNoRegion;
    traced = failed = alive = probe = parked = queued = false;
    cause = 0;
    status = 0;
    orphanHop = 0xffff;
    failTier = 0;
    triedHop = 0xffff;
    connSlots = 0;
    failReplica = kNone;
    triedSlots = 0;
    replica = kNone;
    created = hopArrival = serviceStart = 0.0;
  }
};
// Plus 24 bytes per hop of the longest route (HopState).
static_assert(sizeof(Request) <= 128, "keep in-flight requests small");

}  // namespace lbsim::models
