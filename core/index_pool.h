#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

namespace lbsim::core {

// The bookkeeping every index pool shares: released indexes wait to be handed out again
// (the last released first, while its memory is likely still in cache), and a count of the
// indexes handed out and not released.
class FreeIndexes {
 public:
  using Index = std::uint32_t;

  void reserve(std::size_t n) { free_.reserve(n); }

  // Counts one more live index and, when one was released, sets `index` to it.
  bool reuse(Index& index) {
    ++live_;
    if (free_.empty()) return false;
    index = free_.back();
    free_.pop_back();
    return true;
  }
  void release(Index index) {
    assert(live_ > 0);
    --live_;
    free_.push_back(index);
  }

  std::size_t live() const { return live_; }
  void clear() {
    free_.clear();
    live_ = 0;
  }

 private:
  std::vector<Index> free_;
  std::size_t live_ = 0;
};

// An item type that knows how to make itself as good as new more cheaply than assigning a
// fresh value (a request with large arrays that are always written before they are read).
template <typename T>
concept ResetsInPlace = requires(T& t) {
  t.resetForReuse();
};

// Objects addressed by a 32-bit index, recycled through a free list: requests, sessions
// and other short-lived entities live here so that events can refer to them by index and
// nothing is allocated per entity once the pool has grown to the peak population.
// Indexes stay valid until released; storage may move when the pool grows, so hold
// indexes, not references, across anything that can acquire.
template <typename T>
class IndexPool {
 public:
  using Index = std::uint32_t;

  void reserve(std::size_t n) {
    items_.reserve(n);
    free_.reserve(n);
  }

  Index acquire() {
    Index index = 0;
    if (free_.reuse(index)) {
      if constexpr (ResetsInPlace<T>) {
        items_[index].resetForReuse();
      } else {
        items_[index] = T{};
      }
      return index;
    }
    items_.emplace_back();
    return static_cast<Index>(items_.size() - 1);
  }

  void release(Index index) {
    assert(index < items_.size());
    free_.release(index);
  }

  T& operator[](Index index) {
    assert(index < items_.size());
    return items_[index];
  }
  const T& operator[](Index index) const {
    assert(index < items_.size());
    return items_[index];
  }

  std::size_t live() const { return free_.live(); }
  std::size_t capacity() const { return items_.size(); }
  void clear() {
    items_.clear();
    free_.clear();
  }

 private:
  std::vector<T> items_;
  FreeIndexes free_;
};

}  // namespace lbsim::core
