#include "models/cache/ttl_cache.h"

#include <cassert>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::cache {

TtlCache::TtlCache(double ttl) : ttl_(ttl) {
  if (!(ttl >= 0.0) || !std::isfinite(ttl)) {
    throw std::invalid_argument("TtlCache: the TTL must be finite and >= 0 seconds");
  }
}

void TtlCache::expire(double now) {
  assert(now >= lastNow_);
  lastNow_ = now;
  while (!fifo_.empty() && live_[fifo_.front()].expiresAt <= now) {
    const std::uint32_t slot = fifo_.pop();
    map_.erase(live_[slot].key);
    freeSlots_.push_back(slot);
  }
}

bool TtlCache::request(std::uint64_t key, double now) {
  expire(now);
  if (map_.find(key) != FlatKeyMap::kNone) {
    ++stats_.hits;
    return true;
  }
  ++stats_.misses;
  if (ttl_ == 0.0) return false;
  std::uint32_t slot;
  if (!freeSlots_.empty()) {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
    live_[slot] = {key, now + ttl_};
  } else {
    slot = static_cast<std::uint32_t>(live_.size());
    live_.push_back({key, now + ttl_});
  }
  map_.insert(key, slot);
  fifo_.push(slot);
  return false;
}

}  // namespace lbsim::models::cache
