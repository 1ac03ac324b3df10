#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

namespace lbsim::core {

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
    ++live_;
    if (!free_.empty()) {
      const Index index = free_.back();
      free_.pop_back();
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
    assert(live_ > 0);
    --live_;
    free_.push_back(index);
  }

  T& operator[](Index index) {
    assert(index < items_.size());
    return items_[index];
  }
  const T& operator[](Index index) const {
    assert(index < items_.size());
    return items_[index];
  }

  std::size_t live() const { return live_; }
  std::size_t capacity() const { return items_.size(); }
  void clear() {
    items_.clear();
    free_.clear();
    live_ = 0;
  }

 private:
  std::vector<T> items_;
  std::vector<Index> free_;
  std::size_t live_ = 0;
};

}  // namespace lbsim::core
