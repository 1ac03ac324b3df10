#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lbsim::core {

using HandlerId = std::uint32_t;

// A pending event: a small value, so the calendar holds events by value and the hot path
// allocates nothing. What an event means is up to its handler: `kind` says which of the
// handler's events it is and `payload` carries its argument (a request index, a replica
// index, a token). Events are ordered by (time, sequence); the sequence number is given at
// scheduling time, so events at the same time run in the order they were scheduled.
struct Event {
  double time = 0.0;
  std::uint64_t sequence = 0;
  HandlerId handler = 0;
  std::uint32_t kind = 0;
  std::uint64_t payload = 0;
};
static_assert(sizeof(Event) == 32, "an event should stay two to a cache line");

inline bool runsBefore(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
}

// The calendar's order as one unsigned 128-bit number: the time's bits above the sequence.
// For times >= +0.0 the bits of a double order as the doubles do, so comparing two keys is
// runsBefore without a branch (the heap's comparisons of random times mispredict half the
// time). The queue stores -0.0 as +0.0.
__extension__ using OrderKey = unsigned __int128;
inline OrderKey orderKey(const Event& e) {
  return (static_cast<OrderKey>(std::bit_cast<std::uint64_t>(e.time)) << 64) | e.sequence;
}

// The event calendar: an implicit 4-ary min-heap. A 4-ary heap halves the depth of a
// binary heap and keeps the four children of a node in one cache line (4 x 32 bytes of
// 64-byte-aligned storage spans two lines at most), which measures faster than a binary
// heap for the calendar sizes of a simulation (tens to tens of thousands of events).
//
// Cancellation is lazy, and there is only this one scheme: an event is never removed;
// the handler that scheduled it keeps a token (e.g. a generation number in the payload)
// and ignores an event whose token no longer matches.
class EventQueue {
 public:
  static constexpr std::size_t kArity = 4;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  void clear() { heap_.clear(); }
  std::size_t capacity() const { return heap_.capacity(); }

  const Event& top() const {
    assert(!heap_.empty());
    return heap_.front();
  }

  // The new event is kept in registers while the hole climbs; it is written once, where it
  // lands. (Appending it first and reading it back made the load wait on the store.)
  void push(Event event) {
    assert(event.time >= 0.0);
    event.time += 0.0;  // -0.0 becomes +0.0, whose bits order before every positive time
    const OrderKey key = orderKey(event);
    std::size_t i = heap_.size();
    heap_.emplace_back();
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!(key < orderKey(heap_[parent]))) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = event;
  }

  Event pop() {
    assert(!heap_.empty());
    Event result = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) siftDown(0, last);
    return result;
  }

 private:
  // Places `moving` starting at the hole `i`, moving the smallest child up each level.
  // Bottom-up (Floyd): the hole left at the root goes down to a leaf, taking the smallest
  // child up at each level without comparing it with `moving`; then `moving` (the old last
  // event, which belongs near the bottom) climbs from there. Three comparisons a level
  // instead of four, and no early exit to mispredict. A node with four children picks the
  // smallest in a tournament of conditional moves.
  void siftDown(std::size_t i, const Event& moving) {
    const std::size_t n = heap_.size();
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      if (first + kArity <= n) {
        const OrderKey k0 = orderKey(heap_[first]);
        const OrderKey k1 = orderKey(heap_[first + 1]);
        const OrderKey k2 = orderKey(heap_[first + 2]);
        const OrderKey k3 = orderKey(heap_[first + 3]);
        const bool left1 = k1 < k0;
        const bool right3 = k3 < k2;
        const OrderKey left = left1 ? k1 : k0;
        const OrderKey right = right3 ? k3 : k2;
        const std::size_t leftIndex = first + (left1 ? 1 : 0);
        const std::size_t rightIndex = first + (right3 ? 3 : 2);
        best = right < left ? rightIndex : leftIndex;
      } else {
        OrderKey bestKey = orderKey(heap_[first]);
        for (std::size_t c = first + 1; c < n; ++c) {
          const OrderKey k = orderKey(heap_[c]);
          if (k < bestKey) {
            best = c;
            bestKey = k;
          }
        }
      }
      heap_[i] = heap_[best];
      i = best;
    }
    const OrderKey key = orderKey(moving);
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!(key < orderKey(heap_[parent]))) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = moving;
  }

  std::vector<Event> heap_;
};

}  // namespace lbsim::core
