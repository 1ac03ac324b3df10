#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/huge_pages.h"
#include "core/prefetch.h"

#include "models/ratelimit/decision.h"

namespace lbsim::models::ratelimit {

// The per-key state of a rate limiter: an open-addressing table (linear probing, no
// tombstones) from a 64-bit key to a T, with the keys' values inline.
//
// The limiters of a large scenario hold hundreds of thousands of client addresses (every
// Artillery virtual user is a new client, and a counter must outlive its client by up to
// two periods). A std::unordered_map lookup there costs a division, a bucket load and a
// node load, each a cache miss, and every new key a malloc; here it is a multiply-xor hash
// and, mostly, one slot. The key ~0 is reserved (the empty slot); rate limiters key by
// client address or 0. The table grows at half full and shrinks when a sweep leaves it
// nearly empty, so its memory follows the keys alive, not every key ever seen.
template <typename T>
class KeyTable {
 public:
  static constexpr Key kEmpty = ~Key{0};

  KeyTable() = default;
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;
  KeyTable(KeyTable&&) noexcept = default;
  KeyTable& operator=(KeyTable&&) noexcept = default;

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

  // The value of `key`, or nullptr.
  T* find(Key key) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == kEmpty) return nullptr;
    }
  }
  const T* find(Key key) const { return const_cast<KeyTable*>(this)->find(key); }

  // Asks the memory system for the home slot of `key` ahead of a lookup. In a table of
  // hundreds of thousands of keys a lookup is mostly one cache miss: issued when the
  // lookup is known to come (a request on its way to the limiter's replica), the miss
  // overlaps with the events in between. Changes nothing.
  void prefetch(Key key) const {
    if (!slots_.empty()) core::prefetch(&slots_[home(key)]);
  }

  // The value of `key`, added as T{} when missing; the flag says whether it was added.
  std::pair<T*, bool> tryEmplace(Key key) {
    assert(key != kEmpty);
    if (!slots_.empty()) {
      for (std::size_t i = home(key);; i = (i + 1) & mask_) {
        Slot& s = slots_[i];
        if (s.key == key) return {&s.value, false};
        if (s.key == kEmpty) {
          if ((size_ + 1) * 2 <= mask_ + 1) {
            s.key = key;
            s.value = T{};
            ++size_;
            return {&s.value, true};
          }
          break;  // over half full: grow first
        }
      }
    }
    rehash(slots_.empty() ? kMinCapacity : slots_.size() * 2);
    Slot& s = slots_[freeSlot(key)];
    s.key = key;
    s.value = T{};
    ++size_;
    return {&s.value, true};
  }

  // Removes every entry for which pred(key, value) holds; returns how many went.
  template <typename Pred>
  std::size_t eraseIf(Pred pred) {
    if (size_ == 0) return 0;
    const std::size_t before = size_;
    // Start just after an empty slot, so that no cluster wraps around the scan's start and
    // every entry the backward shifts move is still ahead of the scan or at its position.
    std::size_t start = 0;
    while (slots_[start].key != kEmpty)
      ++start;
    const std::size_t n = mask_ + 1;
    for (std::size_t k = 1; k <= n;) {
      const std::size_t i = (start + k) & mask_;
      Slot& s = slots_[i];
      if (s.key != kEmpty && pred(std::as_const(s.key), std::as_const(s.value))) {
        erasePosition(i);  // an entry may move into i: look at i again
      } else {
        ++k;
      }
    }
    const std::size_t erased = before - size_;
    std::size_t target = mask_ + 1;
    while (target > kMinCapacity && size_ * 8 < target)
      target /= 2;
    if (target != mask_ + 1) rehash(target);
    return erased;
  }

  // Calls f(key, value) for every entry, in slot order.
  template <typename F>
  void forEach(F f) const {
    if (slots_.empty()) return;
    for (std::size_t i = 0; i <= mask_; ++i) {
      if (slots_[i].key != kEmpty) f(slots_[i].key, slots_[i].value);
    }
  }

 private:
  static constexpr std::size_t kMinCapacity = 64;
  struct Slot {
    Key key = kEmpty;
    T value{};
  };

  static std::uint64_t scatter(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  std::size_t home(Key key) const { return static_cast<std::size_t>(scatter(key)) & mask_; }
  std::size_t freeSlot(Key key) const {
    std::size_t i = home(key);
    while (slots_[i].key != kEmpty)
      i = (i + 1) & mask_;
    return i;
  }

  // Empties slot i and moves later entries of its cluster back so that every entry stays
  // reachable from its home slot (backward-shift deletion).
  void erasePosition(std::size_t i) {
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j].key != kEmpty; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].key);
      // j's entry may fill the hole when its home is not in (hole, j] cyclically.
      const bool homeAfterHole = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!homeAfterHole) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
    slots_[hole].key = kEmpty;
    slots_[hole].value = T{};
    --size_;
  }

  void rehash(std::size_t capacity) {
    Slots old = std::move(slots_);
    slots_ = Slots(capacity);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < old.size(); ++i) {
      if (old[i].key != kEmpty) slots_[freeSlot(old[i].key)] = std::move(old[i]);
    }
  }

  // In huge pages when large (core::allocateLarge): a lookup's TLB miss would otherwise add
  // to its cache miss, and prefetch() would stall on the page walk.
  using Slots = std::vector<Slot, core::LargeAllocator<Slot>>;
  Slots slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace lbsim::models::ratelimit
