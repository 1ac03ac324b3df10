#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/huge_pages.h"
#include "core/prefetch.h"

namespace lbsim::models::cache {

// A hash map from 64-bit cache keys to 32-bit slot indexes, by open addressing with linear
// probing in one flat array (Knuth, TAOCP vol. 3, 6.4, algorithm L) and deletion by
// backward shift (algorithm R), so that no tombstones accumulate. Keys are mixed with the
// SplitMix64 finalizer before probing, so sequential keys (ranks) spread evenly. The table
// doubles when it would pass half full; a cache that knows its capacity reserves it up front
// and then never allocates.
class FlatKeyMap {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  explicit FlatKeyMap(std::size_t expected = 0) { reserve(expected); }

  std::size_t size() const { return size_; }

  // Makes room for `n` keys without growing again.
  void reserve(std::size_t n) {
    std::size_t capacity = 16;  // (not `slots`: Qt defines that word as a macro)
    while (capacity < 2 * n)
      capacity <<= 1;
    if (capacity > slots_.size()) rehash(capacity);
  }

  std::uint32_t find(std::uint64_t key) const {
    if (size_ == 0) return kNone;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return kNone;
      if (s.key == key) return s.value;
    }
  }

  // `key` must be absent.
  // Asks the memory system for the home slot of `key` ahead of a find (changes nothing).
  void prefetch(std::uint64_t key) const {
    if (!slots_.empty()) core::prefetch(&slots_[home(key)]);
  }

  void insert(std::uint64_t key, std::uint32_t value) {
    assert(value != kNone);
    assert(find(key) == kNone);
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.size() * 2);
    std::size_t i = home(key);
    while (slots_[i].value != kNone)
      i = (i + 1) & mask_;
    slots_[i] = {key, value};
    ++size_;
  }

  // Changes the value of a present key.
  void assign(std::uint64_t key, std::uint32_t value) {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      assert(slots_[i].value != kNone);
      if (slots_[i].key == key) {
        slots_[i].value = value;
        return;
      }
    }
  }

  bool erase(std::uint64_t key) {
    if (size_ == 0) return false;
    std::size_t i = home(key);
    while (true) {
      if (slots_[i].value == kNone) return false;
      if (slots_[i].key == key) break;
      i = (i + 1) & mask_;
    }
    // Backward shift: move later members of the probe run into the hole when their home
    // position does not lie cyclically in (hole, j].
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_; slots_[j].value != kNone; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].key);
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole].value = kNone;
    --size_;
    return true;
  }

  void clear() {
    for (Slot& s : slots_)
      s.value = kNone;
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t value = kNone;
  };

  // SplitMix64's output function (Steele, Lea, Flood 2014): a bijection with full avalanche.
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t home(std::uint64_t key) const { return static_cast<std::size_t>(mix(key)) & mask_; }

  void rehash(std::size_t capacity) {
    Slots old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.value == kNone) continue;
      std::size_t i = home(s.key);
      while (slots_[i].value != kNone)
        i = (i + 1) & mask_;
      slots_[i] = s;
      ++size_;
    }
  }

  using Slots = std::vector<Slot, core::LargeAllocator<Slot>>;  // huge pages when large
  Slots slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace lbsim::models::cache
