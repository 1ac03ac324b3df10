#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/event_queue.h"

namespace lbsim::core {

// The event calendar as a calendar queue (R. Brown, "Calendar queues: a fast O(1) priority
// queue implementation for the simulation event set problem", CACM 31(10), 1988): time is
// cut into days of `width_` seconds, and day d's events wait in bucket d mod (the number of
// buckets), a list sorted by (time, sequence). The next event is the head of the current
// day's bucket when that head belongs to the current day; otherwise the next day is
// looked at. A push and a pop touch one bucket or a few, whatever the number of pending
// events, where a heap compares its way through log(n) levels of random times.
//
// The order is exactly the heap's: by time, then by sequence (events at one time in the
// order they were scheduled). Days are whole numbers computed the same way for every
// event (floor(time / width), a monotone function of time), so an event of an earlier day
// always has an earlier time; within a bucket the list keeps the exact order.
//
// The width adapts, deterministically, to the events: it is re-estimated from the spacing of
// the earliest pending events whenever the bucket count doubles or halves (the count
// follows the number of pending events), and when the average gap between popped events
// drifts away from it (a ramp in traffic changes the density of events by orders of
// magnitude). Re-bucketing never changes the order of events, only how fast they are found.
// Like the heap, it takes events in any order; the simulator pushes none before `now`.
class CalendarQueue {
 public:
  CalendarQueue() { rebuild(kMinBuckets, kInitialWidth); }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void reserve(std::size_t n) { nodes_.reserve(n); }
  std::size_t capacity() const { return nodes_.capacity(); }
  std::size_t bucketCount() const { return buckets_.size(); }
  void clear() {
    nodes_.clear();
    free_ = kNil;
    size_ = 0;
    buckets_.clear();
    rebuild(kMinBuckets, width_);
  }

  const Event& top() const {
    assert(size_ > 0);
    return nodes_[head(findDay())].event;
  }

  void push(Event event) {
    assert(event.time >= 0.0);
    event.time += 0.0;  // -0.0 becomes +0.0, as in the heap
    std::uint32_t n;
    if (free_ != kNil) {
      n = free_;
      free_ = nodes_[n].next;
      nodes_[n].event = event;
    } else {
      n = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back(Node{event, kNil});
    }
    ++size_;
    const std::int64_t d = day(event.time);
    if (d < today_) today_ = d;
    const std::size_t steps = link(n, static_cast<std::size_t>(d) & mask_);
    if (size_ > 2 * buckets_.size()) {
      rebuild(buckets_.size() * 2, estimateWidth());
    } else if (steps > kLongWalk && pushesSinceRebuild_ > buckets_.size()) {
      // Too many events share a day: the width is far too wide for the events of now.
      rebuild(buckets_.size(), estimateWidth());
    } else {
      ++pushesSinceRebuild_;
    }
  }

  Event pop() {
    assert(size_ > 0);
    const std::int64_t d = findDay();
    const std::size_t b = static_cast<std::size_t>(d) & mask_;
    const std::uint32_t n = buckets_[b].head;
    buckets_[b].head = nodes_[n].next;
    if (buckets_[b].head == kNil) buckets_[b].tail = kNil;
    const Event event = nodes_[n].event;
    nodes_[n].next = free_;
    free_ = n;
    --size_;
    // The pops' average gap says how dense the events are now.
    if (event.time > lastPop_) gapSum_ += event.time - lastPop_;
    lastPop_ = event.time;
    if (++popsSinceCheck_ == kCheckEvery) checkWidth();
    if (buckets_.size() > kMinBuckets && size_ < buckets_.size() / 2) {
      rebuild(buckets_.size() / 2, estimateWidth());
    }
    return event;
  }

 private:
  static constexpr std::uint32_t kNil = ~std::uint32_t{0};
  static constexpr std::size_t kMinBuckets = 16;
  static constexpr double kInitialWidth = 1.0;
  // A width of about twice the mean gap between events: one or two events a day, so a pop
  // rarely looks at an empty day and a push rarely walks a list.
  static constexpr double kGapsPerDay = 2.0;
  static constexpr std::size_t kCheckEvery = 4096;
  static constexpr std::size_t kLongWalk = 64;
  static constexpr std::size_t kWidthSample = 32;
  // Widths outside these are taken as these: a width that is 0 or subnormal would make
  // 1 / width infinite. (Only the speed depends on the width, never the order.)
  static constexpr double kMinWidth = 1e-9;
  static constexpr double kMaxWidth = 1e9;
  // Days beyond this are one day: a monotone cap that keeps floor(time / width) in range.
  static constexpr double kLastDay = 4.0e18;

  struct Node {
    Event event;
    std::uint32_t next = kNil;
  };

  std::int64_t day(double time) const {
    return static_cast<std::int64_t>(std::min(time * inverseWidth_, kLastDay));
  }
  std::uint32_t head(std::int64_t d) const {
    return buckets_[static_cast<std::size_t>(d) & mask_].head;
  }

  // The day of the next event: today's when its bucket's head belongs to today, else the
  // first later day that has one. After a whole year of empty days (all events are far
  // ahead), the earliest head of all buckets says where the next event is.
  std::int64_t findDay() const {
    for (std::size_t looked = 0; looked < buckets_.size(); ++looked, ++today_) {
      const std::uint32_t n = head(today_);
      if (n != kNil && day(nodes_[n].event.time) == today_) return today_;
    }
    std::uint32_t best = kNil;
    for (const Bucket& bucket : buckets_) {
      const std::uint32_t n = bucket.head;
      if (n != kNil && (best == kNil || orderKey(nodes_[n].event) < orderKey(nodes_[best].event)))
        best = n;
    }
    assert(best != kNil);
    today_ = day(nodes_[best].event.time);
    return today_;
  }

  // Puts node n into bucket b in (time, sequence) order; returns the nodes walked past.
  std::size_t link(std::uint32_t n, std::size_t b) {
    const OrderKey key = orderKey(nodes_[n].event);
    Bucket& bucket = buckets_[b];
    if (bucket.tail == kNil) {
      nodes_[n].next = kNil;
      bucket.head = bucket.tail = n;
      return 0;
    }
    if (orderKey(nodes_[bucket.tail].event) < key) {  // the usual case: after all of the day
      nodes_[n].next = kNil;
      nodes_[bucket.tail].next = n;
      bucket.tail = n;
      return 0;
    }
    std::uint32_t* at = &bucket.head;
    std::size_t steps = 0;
    while (orderKey(nodes_[*at].event) < key) {
      at = &nodes_[*at].next;
      ++steps;
    }
    nodes_[n].next = *at;
    *at = n;
    return steps;
  }

  // The width for the events pending now: kGapsPerDay times the mean spacing of the earliest
  // ones (Brown's estimate); the current width when they all share one time.
  double estimateWidth() const {
    if (size_ < 2) return width_;
    std::vector<double>& times = sample_;
    times.clear();
    // Walk the days from today, taking each bucket's events of that day (the front of its
    // list: no event is of an earlier day), until enough.
    std::int64_t d = findDay();
    for (std::size_t looked = 0; looked < buckets_.size() && times.size() < kWidthSample;
         ++looked, ++d) {
      for (std::uint32_t n = head(d);
           n != kNil && times.size() < kWidthSample && day(nodes_[n].event.time) == d;
           n = nodes_[n].next) {
        times.push_back(nodes_[n].event.time);
      }
    }
    if (times.size() < 2) {
      // The events are spread over more than a year of days: take any, sorted.
      times.clear();
      for (const Bucket& bucket : buckets_) {
        for (std::uint32_t n = bucket.head; n != kNil; n = nodes_[n].next)
          times.push_back(nodes_[n].event.time);
      }
      std::sort(times.begin(), times.end());
      if (times.size() > kWidthSample) times.resize(kWidthSample);
    }
    const double spread = times.back() - times.front();
    if (!(spread > 0.0)) return width_;
    return kGapsPerDay * spread / static_cast<double>(times.size() - 1);
  }

  void checkWidth() {
    const double gap = gapSum_ / static_cast<double>(popsSinceCheck_);
    popsSinceCheck_ = 0;
    gapSum_ = 0.0;
    if (!(gap > 0.0)) return;
    const double wanted = kGapsPerDay * gap;
    if (wanted < width_ / 4.0 || wanted > width_ * 4.0) rebuild(buckets_.size(), wanted);
  }

  // Re-buckets every pending event over `buckets` buckets of days `width` long.
  void rebuild(std::size_t buckets, double width) {
    assert(buckets >= kMinBuckets && (buckets & (buckets - 1)) == 0);
    std::vector<std::uint32_t>& pending = pending_;
    pending.clear();
    for (const Bucket& bucket : buckets_) {
      for (std::uint32_t n = bucket.head; n != kNil; n = nodes_[n].next)
        pending.push_back(n);
    }
    // In (time, sequence) order, so that each bucket is built by appending.
    std::sort(pending.begin(), pending.end(), [&](std::uint32_t a, std::uint32_t b) {
      return orderKey(nodes_[a].event) < orderKey(nodes_[b].event);
    });
    width_ = std::clamp(width, kMinWidth, kMaxWidth);
    inverseWidth_ = 1.0 / width_;
    buckets_.assign(buckets, Bucket{});
    mask_ = buckets - 1;
    today_ = pending.empty() ? day(lastPop_) : day(nodes_[pending.front()].event.time);
    for (const std::uint32_t n : pending)
      link(n, static_cast<std::size_t>(day(nodes_[n].event.time)) & mask_);
    pushesSinceRebuild_ = 0;
  }

  std::vector<Node> nodes_;
  std::uint32_t free_ = kNil;
  struct Bucket {
    std::uint32_t head = kNil;  // the day's list, in (time, sequence) order
    std::uint32_t tail = kNil;
  };
  std::vector<Bucket> buckets_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  double width_ = kInitialWidth;
  double inverseWidth_ = 1.0 / kInitialWidth;
  mutable std::int64_t today_ = 0;  // no pending event is of an earlier day
  double lastPop_ = 0.0;
  double gapSum_ = 0.0;
  std::size_t popsSinceCheck_ = 0;
  std::size_t pushesSinceRebuild_ = 0;
  // Scratch space of estimateWidth and rebuild, kept so that re-bucketing allocates only
  // while the queue grows.
  mutable std::vector<double> sample_;
  std::vector<std::uint32_t> pending_;
};

}  // namespace lbsim::core

namespace lbsim::core {

// The simulator's calendar: the 4-ary heap while few events are pending (a handful in an
// M/M/1 model, where the heap's few comparisons beat the calendar queue's bookkeeping), the
// calendar queue once there are many (hundreds in a chain of tiers, where the heap's depth
// costs more). Events move from one to the other when the count crosses kToCalendar going
// up or kToHeap going down; both pop in the same exact order, so the switch changes nothing
// but speed.
class EventCalendar {
 public:
  static constexpr std::size_t kToCalendar = 256;
  static constexpr std::size_t kToHeap = 64;

  bool empty() const { return size() == 0; }
  std::size_t size() const { return large_ ? calendar_.size() : heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(std::min(n, kToCalendar + 1)); }
  bool usesCalendarQueue() const { return large_; }

  const Event& top() const { return large_ ? calendar_.top() : heap_.top(); }

  void push(const Event& event) {
    if (!large_) {
      heap_.push(event);
      if (heap_.size() > kToCalendar) {
        while (!heap_.empty())
          calendar_.push(heap_.pop());
        large_ = true;
      }
    } else {
      calendar_.push(event);
    }
  }

  Event pop() {
    if (!large_) return heap_.pop();
    const Event event = calendar_.pop();
    if (calendar_.size() < kToHeap) {
      while (!calendar_.empty())
        heap_.push(calendar_.pop());
      large_ = false;
    }
    return event;
  }

 private:
  EventQueue heap_;
  CalendarQueue calendar_;
  bool large_ = false;
};

}  // namespace lbsim::core
