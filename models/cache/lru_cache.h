#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/cache/flat_key_map.h"

namespace lbsim::models::cache {

inline constexpr double kForever = std::numeric_limits<double>::infinity();

// The capacity and lifetime settings of one nginx cache (`proxy_cache_path`).
struct LruSettings {
  // Most entries held; 0 is no limit. nginx bounds entries by the keys_zone size ("one
  // megabyte zone can store about 8 thousand keys", ngx_http_proxy_module documentation) and
  // removes the least recently used key when the zone is full.
  std::uint64_t maxEntries = 0;
  // Most bytes held (`max_size`); 0 is no limit. nginx's cache manager removes the least
  // recently used data once the cache exceeds max_size.
  std::uint64_t maxBytes = 0;
  // `inactive` (default 10m): an entry not accessed for this long is removed whether or not
  // it is still valid. kForever disables it.
  double inactive = 600.0;
};

enum class CacheResult : std::uint8_t {
  kMiss,   // no entry: go to the upstream and store() the response if it may be cached
  kFresh,  // a valid entry: served from the cache (HIT)
  kStale,  // an expired entry still present: go to the upstream, and serve this entry if the
           // upstream fails in a way proxy_cache_use_stale lists (STALE), else store() anew
};

struct CacheLookup {
  CacheResult result = CacheResult::kMiss;
  std::uint16_t status = 0;  // the cached response's status (a 404 can be cached too)
  std::uint64_t size = 0;    // its size in bytes
  double storedAt = 0.0;     // when it was stored
  double validUntil = 0.0;   // fresh through this time
};

struct LruStats {
  std::uint64_t fresh = 0;
  std::uint64_t stale = 0;
  std::uint64_t misses = 0;
  std::uint64_t stores = 0;            // store() calls that kept the response
  std::uint64_t refused = 0;           // responses larger than max_size, never kept
  std::uint64_t evictions = 0;         // least recently used entries removed for room
  std::uint64_t inactiveRemovals = 0;  // entries removed by `inactive`
};

// An nginx-style LRU cache over 64-bit keys (the hash of proxy_cache_key), following
// src/http/ngx_http_file_cache.c:
//  - Every lookup of a present entry, fresh or expired, moves it to the head of the LRU queue
//    and pushes its inactivity deadline to now + inactive (ngx_http_file_cache_exists sets
//    fcn->expire = ngx_time() + cache->inactive and reinserts it at the queue head).
//  - Validity is fixed when the response is stored (valid_sec = now + proxy_cache_valid) and
//    is not extended by hits: the entry is fresh while now <= validUntil and stale after
//    (ngx_http_file_cache_read: stale once valid_sec < now). A stale entry stays until
//    `inactive` or capacity removes it, so it can be served under proxy_cache_use_stale.
//  - Removal from the tail of the queue: entries not accessed for `inactive`
//    (ngx_http_file_cache_expire: removed once fcn->expire <= now), and least recently used
//    entries while the cache is over max_size or out of key slots
//    (ngx_http_file_cache_forced_expire).
// Differences, on purpose: time is continuous, not nginx's whole seconds; capacity is enforced
// at the moment of the store rather than by the cache manager's next pass (nginx may exceed
// max_size briefly); an inactive entry is gone at exactly lastAccess + inactive rather than at
// the manager's next pass; and keys never stored (misses) take no key slot, whereas nginx
// also keeps nodes for keys it has looked up but not cached (proxy_cache_min_uses).
//
// Memory: entries live in a flat array linked into an intrusive doubly linked list by index,
// keys in a FlatKeyMap; with maxEntries set both are sized up front, and lookup, store and
// removal allocate nothing. Without maxEntries they grow by doubling to the peak population.
class LruCache {
 public:
  explicit LruCache(const LruSettings& settings);

  // Looks `key` up at `now` (removing inactive entries first). A present entry, fresh or
  // stale, is touched: it becomes the most recently used and its inactivity restarts.
  CacheLookup lookup(std::uint64_t key, double now);

  // Stores (or replaces) the response for `key` at `now`, valid for `validFor` seconds
  // (proxy_cache_valid for its status), `size` bytes. The entry becomes the most recently
  // used; least recently used entries are removed until it fits. Returns false, storing
  // nothing, when `size` alone exceeds maxBytes (and any previous entry for the key stays).
  bool store(std::uint64_t key, double now, double validFor, std::uint64_t size = 1,
             std::uint16_t status = 200);

  // Removes `key` (a purge); false when absent.
  bool erase(std::uint64_t key);

  // Removes every entry not accessed for `inactive` by `now` (what nginx's cache manager does
  // on each pass). lookup() and store() do this themselves.
  void removeInactive(double now);

  // The earliest time removeInactive() would remove something (kForever when empty or
  // `inactive` is off): the least recently used entry's last access + inactive.
  double nextInactiveRemoval() const;

  // A hint ahead of a lookup or store of `key` (FlatKeyMap::prefetch); changes nothing.
  void prefetch(std::uint64_t key) const { map_.prefetch(key); }

  bool contains(std::uint64_t key) const { return map_.find(key) != FlatKeyMap::kNone; }
  std::uint64_t entries() const { return count_; }
  std::uint64_t bytes() const { return bytes_; }
  const LruStats& stats() const { return stats_; }
  const LruSettings& settings() const { return settings_; }

  // Keys from most to least recently used (for tests and `explain`; O(entries)).
  std::vector<std::uint64_t> keysByRecency() const;

 private:
  static constexpr std::uint32_t kNil = FlatKeyMap::kNone;

  struct Entry {
    std::uint64_t key = 0;
    std::uint64_t size = 0;
    double storedAt = 0.0;
    double validUntil = 0.0;
    double lastAccess = 0.0;
    std::uint32_t prev = kNil;
    std::uint32_t next = kNil;  // also the free-list link
    std::uint16_t status = 0;
  };

  void unlink(std::uint32_t index);
  void pushFront(std::uint32_t index);
  void remove(std::uint32_t index);
  std::uint32_t allocate();

  LruSettings settings_;
  std::vector<Entry> entries_;
  FlatKeyMap map_;
  std::uint32_t head_ = kNil;  // most recently used
  std::uint32_t tail_ = kNil;  // least recently used
  std::uint32_t free_ = kNil;
  std::uint64_t count_ = 0;
  std::uint64_t bytes_ = 0;
  LruStats stats_;
};

}  // namespace lbsim::models::cache
