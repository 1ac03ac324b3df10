#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace lbsim::core {

// A FIFO queue on a ring buffer whose capacity doubles when full: after the queue has
// reached its peak length, push and pop never allocate (unlike std::deque, which
// allocates and frees blocks as it moves through memory).
template <typename T>
class RingQueue {
 public:
  explicit RingQueue(std::size_t initialCapacity = 8) : items_(roundUp(initialCapacity)) {}

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push(const T& value) {
    if (size_ == items_.size()) grow();
    items_[(head_ + size_) & (items_.size() - 1)] = value;
    ++size_;
  }

  T pop() {
    assert(size_ > 0);
    T value = items_[head_];
    head_ = (head_ + 1) & (items_.size() - 1);
    --size_;
    return value;
  }

  const T& front() const {
    assert(size_ > 0);
    return items_[head_];
  }

  void clear() {
    head_ = 0;
    size_ = 0;
  }

 private:
  static std::size_t roundUp(std::size_t n) {
    std::size_t c = 1;
    while (c < n)
      c <<= 1;
    return c;
  }

  void grow() {
    std::vector<T> bigger(items_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i)
      bigger[i] = items_[(head_ + i) & (items_.size() - 1)];
    items_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> items_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace lbsim::core
