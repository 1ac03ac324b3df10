#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "core/ring_queue.h"
#include "models/cache/flat_key_map.h"

namespace lbsim::models::cache {

struct TtlStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
};

// The TTL cache of the analytic literature, in its "non-reset" variant (N. C. Fofack, P. Nain,
// G. Neglia, D. Towsley, "Analysis of TTL-based cache networks", ValueTools 2012): a miss
// stores the object for a fixed TTL T, hits do not extend it, and the first request after
// expiry misses and stores it again. An object stored at t serves requests in [t, t + T).
// No capacity: every object can be held at once. This is the variant
// validation::ttlCache (validation/analytic/cache.h) gives the hit ratio of under Poisson
// requests, h_k = lambda_k T / (1 + lambda_k T); it is also what an nginx cache with
// `proxy_cache_valid T`, ample max_size and `inactive` >= T does (validity is set at the
// store and hits do not refresh it; see LruCache).
//
// Memory: since every object lives exactly T, expiry order is insertion order, and expired
// objects are dropped from the front of a FIFO as time passes; the map and the FIFO grow to
// the peak number of live objects and then allocate nothing.
class TtlCache {
 public:
  explicit TtlCache(double ttl);

  // A request for `key` at `now` (non-decreasing): true on a hit; on a miss the object is
  // stored until now + ttl.
  bool request(std::uint64_t key, double now);

  // Drops the objects expired by `now`.
  void expire(double now);

  double ttl() const { return ttl_; }
  std::uint64_t entries() const { return map_.size(); }
  const TtlStats& stats() const { return stats_; }

 private:
  struct Stored {
    std::uint64_t key;
    double expiresAt;
  };

  double ttl_;
  FlatKeyMap map_;  // key -> index into live_
  std::vector<Stored> live_;
  std::vector<std::uint32_t> freeSlots_;
  core::RingQueue<std::uint32_t> fifo_;
  double lastNow_ = -std::numeric_limits<double>::infinity();
  TtlStats stats_;
};

}  // namespace lbsim::models::cache
