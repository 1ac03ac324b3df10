#include "models/cache/lru_cache.h"

#include <cassert>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::cache {

LruCache::LruCache(const LruSettings& settings) : settings_(settings) {
  if (!(settings.inactive > 0.0)) {
    throw std::invalid_argument("LruCache: inactive must be positive (kForever disables it)");
  }
  if (settings.maxEntries >= kNil) {
    throw std::invalid_argument("LruCache: at most 4294967294 entries");
  }
  if (settings.maxEntries > 0) {
    entries_.reserve(settings.maxEntries);
    map_.reserve(settings.maxEntries);
  }
}

void LruCache::unlink(std::uint32_t i) {
  Entry& e = entries_[i];
  if (e.prev != kNil) {
    entries_[e.prev].next = e.next;
  } else {
    head_ = e.next;
  }
  if (e.next != kNil) {
    entries_[e.next].prev = e.prev;
  } else {
    tail_ = e.prev;
  }
  e.prev = e.next = kNil;
}

void LruCache::pushFront(std::uint32_t i) {
  Entry& e = entries_[i];
  e.prev = kNil;
  e.next = head_;
  if (head_ != kNil) entries_[head_].prev = i;
  head_ = i;
  if (tail_ == kNil) tail_ = i;
}

void LruCache::remove(std::uint32_t i) {
  unlink(i);
  Entry& e = entries_[i];
  map_.erase(e.key);
  bytes_ -= e.size;
  --count_;
  e.next = free_;
  free_ = i;
}

std::uint32_t LruCache::allocate() {
  if (free_ != kNil) {
    const std::uint32_t i = free_;
    free_ = entries_[i].next;
    entries_[i] = Entry{};
    return i;
  }
  entries_.emplace_back();
  return static_cast<std::uint32_t>(entries_.size() - 1);
}

void LruCache::removeInactive(double now) {
  if (std::isinf(settings_.inactive)) return;
  // The queue is ordered by last access, so the inactive entries are exactly a tail run.
  while (tail_ != kNil && entries_[tail_].lastAccess + settings_.inactive <= now) {
    remove(tail_);
    ++stats_.inactiveRemovals;
  }
}

double LruCache::nextInactiveRemoval() const {
  if (tail_ == kNil || std::isinf(settings_.inactive)) return kForever;
  return entries_[tail_].lastAccess + settings_.inactive;
}

CacheLookup LruCache::lookup(std::uint64_t key, double now) {
  removeInactive(now);
  CacheLookup r;
  const std::uint32_t i = map_.find(key);
  if (i == kNil) {
    ++stats_.misses;
    return r;
  }
  Entry& e = entries_[i];
  assert(now >= e.lastAccess);
  e.lastAccess = now;
  unlink(i);
  pushFront(i);
  r.result = now <= e.validUntil ? CacheResult::kFresh : CacheResult::kStale;
  r.status = e.status;
  r.size = e.size;
  r.storedAt = e.storedAt;
  r.validUntil = e.validUntil;
  if (r.result == CacheResult::kFresh) {
    ++stats_.fresh;
  } else {
    ++stats_.stale;
  }
  return r;
}

bool LruCache::store(std::uint64_t key, double now, double validFor, std::uint64_t size,
                     std::uint16_t status) {
  assert(validFor >= 0.0);
  removeInactive(now);
  if (settings_.maxBytes > 0 && size > settings_.maxBytes) {
    ++stats_.refused;
    return false;
  }
  std::uint32_t i = map_.find(key);
  if (i != kNil) {
    // Replacing the response: take the old one out of the byte count while making room.
    unlink(i);
    bytes_ -= entries_[i].size;
    entries_[i].size = 0;
  }
  const std::uint64_t slotsNeeded = i == kNil ? 1 : 0;
  while (tail_ != kNil &&
         ((settings_.maxEntries > 0 && count_ + slotsNeeded > settings_.maxEntries) ||
          (settings_.maxBytes > 0 && bytes_ + size > settings_.maxBytes))) {
    remove(tail_);
    ++stats_.evictions;
  }
  if (i == kNil) {
    i = allocate();
    map_.insert(key, i);
    ++count_;
  }
  Entry& e = entries_[i];
  e.key = key;
  e.size = size;
  e.status = status;
  e.storedAt = now;
  e.validUntil = now + validFor;
  e.lastAccess = now;
  bytes_ += size;
  pushFront(i);
  ++stats_.stores;
  return true;
}

bool LruCache::erase(std::uint64_t key) {
  const std::uint32_t i = map_.find(key);
  if (i == kNil) return false;
  remove(i);
  return true;
}

std::vector<std::uint64_t> LruCache::keysByRecency() const {
  std::vector<std::uint64_t> keys;
  keys.reserve(count_);
  for (std::uint32_t i = head_; i != kNil; i = entries_[i].next)
    keys.push_back(entries_[i].key);
  return keys;
}

}  // namespace lbsim::models::cache
