#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>

#include "core/index_pool.h"

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
inline constexpr std::uint16_t kNoLocation = 0xffff;

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
  // Eight-byte fields, then four, two and one: 112 bytes.
  std::uint64_t id = 0;             // sequence number in the run, for traces
  std::uint64_t seed = 0;           // seeds the request's network latency draws
  std::uint64_t cacheKey = 0;       // the object it asks for, as caches key it
  std::uint64_t sessionKey = 0;     // identifies the user session (a session cookie)
  std::uint64_t triedSlots = 0;     // balancer slots (mod 64) already tried at `triedHop`
  double created = 0.0;             // when the client sent it
  double hopArrival = 0.0;          // when it reached the current tier's balancer
  double serviceStart = 0.0;        // when a worker took it at the current tier
  ClassIndex cls = 0;               // index into the scenario's classes
  std::uint32_t client = 0;         // client identity: hashing, affinity and per-client limits
  std::uint32_t clientAddress = 0;  // its IPv4 address (nginx $remote_addr)
  ReplicaIndex replica = kNone;     // replica serving the current hop
  std::uint32_t session = kNone;    // the user session (flow) it belongs to, if any
  ReplicaIndex failReplica = kNone;
  std::uint16_t hop = 0;                 // position in the class's route (going or coming back)
  std::uint16_t heldWorkers = 0;         // bit h: the replica at hop h keeps a worker for it
  std::uint16_t region = kNoRegion;      // region of the first replica on its path in one
  std::uint16_t location = kNoLocation;  // where its client is (`traffic locations`)
  std::uint16_t cacheMisses = 0;         // bit h: the cache at hop h missed (store on the way back)
  // A request whose caller timed out: the part of it still downstream of hop `orphanHop`
  // goes on (the servers do not know), and ends silently when its response gets back there.
  std::uint16_t orphanHop = 0xffff;
  std::uint16_t failTier = 0;       // where the error of a failed response was produced
  std::uint16_t failHop = 0;        // and at which hop of the route
  std::uint16_t triedHop = 0xffff;  // the hop `triedSlots` is about
  std::uint16_t connSlots = 0;      // bit h: it holds an nginx limit_conn slot at hop h
  std::uint16_t status = 0;         // the HTTP status of a failed response
  // Flags, one bit each (six bools would take six bytes).
  bool traced : 1 = false;  // sampled into the per-request trace
  bool failed : 1 = false;  // the response travelling back is an error
  bool alive : 1 = false;   // in the pool (timers check it with `id`)
  bool probe : 1 = false;   // a health check, not a client's request
  // Stuck at the replica of its current hop (a hung or unreachable one): only a timeout of
  // its caller ends it.
  bool parked : 1 = false;
  bool queued : 1 = false;  // waiting in the queue of the replica at its current hop
  std::uint8_t cause = 0;   // the ErrorCause of a failed response

  // Its hops, as many as the scenario's longest route: they follow the request in its
  // RequestPool entry (a request made elsewhere has none).
  HopState* hops() {
    return std::launder(
        reinterpret_cast<HopState*>(reinterpret_cast<std::byte*>(this) + sizeof(Request)));
  }
  const HopState* hops() const { return const_cast<Request*>(this)->hops(); }

  // Back to a new request's values for reuse from the pool; the network resets the hops.
  void resetForReuse() {
    id = seed = cacheKey = 0;
    cls = client = clientAddress = 0;
    sessionKey = 0;
    session = kNone;
    hop = heldWorkers = cacheMisses = 0;
    region = kNoRegion;
    location = kNoLocation;
    traced = failed = alive = probe = parked = queued = false;
    cause = 0;
    status = 0;
    orphanHop = 0xffff;
    failTier = failHop = 0;
    triedHop = 0xffff;
    connSlots = 0;
    failReplica = kNone;
    triedSlots = 0;
    replica = kNone;
    created = hopArrival = serviceStart = 0.0;
  }
};
// Plus 24 bytes per hop of the longest route (HopState): 256 bytes for six hops.
static_assert(sizeof(Request) <= 112, "keep in-flight requests small");
static_assert(sizeof(Request) % alignof(HopState) == 0);

// The requests in flight, by index: each entry a Request and then its hops, as many as the
// scenario's longest route, in one block of memory (so a request and its hops share cache
// lines, and a short route's request carries no pointer to them). Released entries are
// reused; the memory grows by doubling and moves then, so references into it last only
// until the next acquire().
class RequestPool {
 public:
  using Index = std::uint32_t;

  explicit RequestPool(std::uint32_t hopsPerRequest = 1) { setHops(hopsPerRequest); }
  RequestPool(const RequestPool&) = delete;
  RequestPool& operator=(const RequestPool&) = delete;

  // Before the first acquire().
  void setHops(std::uint32_t hopsPerRequest) {
    assert(size_ == 0);
    hops_ = hopsPerRequest;
    words_ = (sizeof(Request) + hopsPerRequest * sizeof(HopState)) / sizeof(std::uint64_t);
  }
  std::uint32_t hopsPerRequest() const { return hops_; }
  std::size_t bytesPerEntry() const { return words_ * sizeof(std::uint64_t); }

  void reserve(std::size_t n) {
    if (n > capacity_) grow(n);
    free_.reserve(n);
  }

  // A new request's values, its hops' generation and tries 0 (the rest of a hop is written
  // before it is read).
  Index acquire() {
    Index index = 0;
    if (free_.reuse(index)) {
      (*this)[index].resetForReuse();
    } else {
      if (size_ == capacity_) grow(capacity_ == 0 ? 64 : capacity_ * 2);
      index = static_cast<Index>(size_++);
      new (entry(index)) Request{};
    }
    HopState* hops = (*this)[index].hops();
    for (std::uint32_t h = 0; h < hops_; ++h) {
      hops[h].generation = 0;
      hops[h].tries = 0;
    }
    return index;
  }

  void release(Index index) {
    assert(index < size_);
    free_.release(index);
  }

  Request& operator[](Index index) {
    assert(index < size_);
    return *std::launder(reinterpret_cast<Request*>(entry(index)));
  }
  const Request& operator[](Index index) const { return const_cast<RequestPool&>(*this)[index]; }

  std::size_t live() const { return free_.live(); }
  std::size_t capacity() const { return size_; }

 private:
  std::uint64_t* entry(Index index) { return storage_.get() + std::size_t{index} * words_; }
  // Requests and hops are aggregates of numbers: their bytes move with them.
  void grow(std::size_t capacity) {
    auto bigger = std::make_unique<std::uint64_t[]>(capacity * words_);
    if (size_ > 0)
      std::memcpy(bigger.get(), storage_.get(), size_ * words_ * sizeof(std::uint64_t));
    for (std::size_t i = size_; i < capacity; ++i) {
      HopState* hops = reinterpret_cast<HopState*>(bigger.get() + i * words_ +
                                                   sizeof(Request) / sizeof(std::uint64_t));
      for (std::uint32_t h = 0; h < hops_; ++h)
        new (hops + h) HopState{};
    }
    storage_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<std::uint64_t[]> storage_;
  std::size_t words_ = 0;
  std::uint32_t hops_ = 1;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  core::FreeIndexes free_;
};

}  // namespace lbsim::models
