#include "core/event_queue.h"

#include "core/calendar_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/random.h"

namespace lbsim::core {
namespace {

// Every calendar must give the same order: the 4-ary heap, the calendar queue, and the
// simulator's EventCalendar that moves between them.
template <typename Queue>
class EventQueueTest : public ::testing::Test {
 protected:
  Queue queue_;
  std::uint64_t sequence_ = 0;
  void push(double time, std::uint64_t payload) {
    this->queue_.push(Event{time, this->sequence_++, 0, 0, payload});
  }
};
using Queues = ::testing::Types<EventQueue, CalendarQueue, EventCalendar>;
TYPED_TEST_SUITE(EventQueueTest, Queues);

TYPED_TEST(EventQueueTest, PopsInTimeOrder) {
  RandomStream rng(7);
  std::vector<double> times;
  for (int i = 0; i < 10000; ++i) {
    times.push_back(rng.uniform01() * 100.0);
    this->push(times.back(), static_cast<std::uint64_t>(i));
  }
  std::sort(times.begin(), times.end());
  for (const double t : times) {
    ASSERT_FALSE(this->queue_.empty());
    EXPECT_EQ(this->queue_.pop().time, t);
  }
  EXPECT_TRUE(this->queue_.empty());
}

TYPED_TEST(EventQueueTest, TiesRunInInsertionOrder) {
  // Equal times, interleaved with other times: events at time 5 must come out in the
  // order they were pushed, whatever the heap's shape.
  for (std::uint64_t i = 0; i < 200; ++i) {
    this->push(5.0, i);
    this->push(i % 2 == 0 ? 1.0 : 9.0, 1000 + i);
  }
  std::vector<std::uint64_t> atFive;
  while (!this->queue_.empty()) {
    const Event e = this->queue_.pop();
    if (e.time == 5.0) atFive.push_back(e.payload);
  }
  ASSERT_EQ(atFive.size(), 200u);
  for (std::uint64_t i = 0; i < 200; ++i)
    EXPECT_EQ(atFive[i], i);
}

TYPED_TEST(EventQueueTest, InterleavedPushPopKeepsOrder) {
  RandomStream rng(11);
  double now = 0.0;
  for (int i = 0; i < 1000; ++i)
    this->push(rng.uniform01(), 0);
  for (int i = 0; i < 100000; ++i) {
    const Event e = this->queue_.pop();
    ASSERT_GE(e.time, now);
    now = e.time;
    this->push(now + rng.exponential(1.0), 0);
  }
}

// The queue compares times by their bits: -0.0 (whose bits are the largest) must still run
// at time zero, in its turn among the other events at zero, and before any positive time.
TYPED_TEST(EventQueueTest, NegativeZeroRunsAtTimeZero) {
  this->push(1e-300, 0);
  this->push(-0.0, 1);
  this->push(0.0, 2);
  this->push(-0.0, 3);
  this->push(5e-324, 4);  // the smallest positive double
  std::vector<std::uint64_t> order;
  while (!this->queue_.empty())
    order.push_back(this->queue_.pop().payload);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 2, 3, 4, 0}));
}

// Against a sort by (time, sequence) on a random mix of equal and distinct times, at the
// heap's sizes where a node has four children and where the last node has fewer.
TYPED_TEST(EventQueueTest, MatchesASortByTimeAndSequence) {
  RandomStream rng(5);
  for (const int n : {1, 2, 3, 4, 5, 6, 21, 22, 23, 24, 25, 1000}) {
    std::vector<Event> events;
    for (int i = 0; i < n; ++i) {
      events.push_back(Event{static_cast<double>(rng.below(8)) * 0.25, this->sequence_++, 0, 0, 0});
      this->queue_.push(events.back());
    }
    std::sort(events.begin(), events.end(), runsBefore);
    for (const Event& e : events) {
      const Event got = this->queue_.pop();
      ASSERT_EQ(got.time, e.time);
      ASSERT_EQ(got.sequence, e.sequence);
    }
    ASSERT_TRUE(this->queue_.empty());
  }
}

}  // namespace
}  // namespace lbsim::core

namespace lbsim::core {
namespace {

// The calendar queue re-buckets as the number of events and their density change: against
// a sort, through growth from one event to 50,000, a ramp of densities over six orders of
// magnitude, far-future events (timers, the end of the run) and a shrink back to a few.
TEST(CalendarQueue, MatchesASortThroughGrowthRampsAndShrinking) {
  CalendarQueue queue;
  RandomStream rng(17);
  std::uint64_t sequence = 0;
  std::vector<Event> reference;  // a binary heap by runsAfter
  const auto after = [](const Event& a, const Event& b) { return runsBefore(b, a); };
  const auto push = [&](double time) {
    const Event e{time, sequence++, 0, 0, sequence};
    queue.push(e);
    reference.push_back(e);
    std::push_heap(reference.begin(), reference.end(), after);
  };
  const auto popBoth = [&](double& now) {
    std::pop_heap(reference.begin(), reference.end(), after);
    const Event want = reference.back();
    reference.pop_back();
    ASSERT_EQ(queue.top().sequence, want.sequence);
    const Event got = queue.pop();
    ASSERT_EQ(got.time, want.time);
    ASSERT_EQ(got.sequence, want.sequence);
    ASSERT_EQ(got.payload, want.payload);
    now = got.time;
  };
  double now = 0.0;
  push(3600.0);  // the end of the run, far ahead all along
  for (int phase = 0; phase < 6; ++phase) {
    const double meanGap = std::pow(10.0, -phase);  // 1 s down to 10 us between events
    const std::size_t target = phase < 3 ? 50 * (phase + 1) * (phase + 1) : 50000 / phase;
    for (int i = 0; i < 30000; ++i) {
      if (queue.size() < target || rng.uniform01() < 0.5) {
        // Mostly near events; some at the same instant (zero delay); some timers far ahead.
        const double u = rng.uniform01();
        const double delay = u < 0.1    ? 0.0
                             : u < 0.15 ? 60.0 + rng.uniform01()
                                        : rng.exponential(meanGap * static_cast<double>(target));
        push(now + delay);
      } else {
        popBoth(now);
      }
      ASSERT_EQ(queue.size(), reference.size());
    }
  }
  while (queue.size() > 3)
    popBoth(now);
  EXPECT_LE(queue.bucketCount(), 16u);
}

// Events a few subnormal steps apart (the width estimate would be subnormal) and events
// near the largest doubles: the day numbers stay finite and the order exact.
TEST(CalendarQueue, ExtremeTimesKeepTheOrder) {
  CalendarQueue queue;
  std::uint64_t sequence = 0;
  for (int i = 999; i >= 0; --i)
    queue.push(Event{static_cast<double>(i) * 5e-324, sequence++, 0, 0, 0});
  for (int i = 0; i < 100; ++i)
    queue.push(Event{1e308 * (1.0 + i / 1000.0), sequence++, 0, 0, 0});
  double last = 0.0;
  std::size_t popped = 0;
  while (!queue.empty()) {
    const Event e = queue.pop();
    ASSERT_GE(e.time, last);
    last = e.time;
    ++popped;
  }
  EXPECT_EQ(popped, 1100u);
  EXPECT_EQ(last, 1e308 * (1.0 + 99 / 1000.0));
}

TEST(CalendarQueue, ClearEmptiesItForReuse) {
  CalendarQueue queue;
  for (std::uint64_t i = 0; i < 1000; ++i)
    queue.push(Event{static_cast<double>(i % 37), i, 0, 0, 0});
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bucketCount(), 16u);
  queue.push(Event{2.0, 2000, 0, 0, 0});
  queue.push(Event{1.0, 2001, 0, 0, 0});
  EXPECT_EQ(queue.pop().sequence, 2001u);
  EXPECT_EQ(queue.pop().sequence, 2000u);
  EXPECT_TRUE(queue.empty());
}

// Thousands of events at one instant, pushed in a random order of sequence numbers (the
// queue, unlike the simulator, allows that): they come out by sequence, and long walks in a
// crowded bucket re-bucket the queue rather than degrade.
TEST(CalendarQueue, CrowdedInstantsKeepTheSequenceOrder) {
  CalendarQueue queue;
  RandomStream rng(3);
  std::vector<std::uint64_t> sequences(5000);
  for (std::size_t i = 0; i < sequences.size(); ++i)
    sequences[i] = i;
  for (std::size_t i = sequences.size() - 1; i > 0; --i)
    std::swap(sequences[i], sequences[rng.below(i + 1)]);
  for (const std::uint64_t s : sequences)
    queue.push(Event{s % 2 == 0 ? 2.5 : 2.5 + 1e-9 * static_cast<double>(s), s, 0, 0, 0});
  std::vector<std::uint64_t> evens;
  double last = 0.0;
  while (!queue.empty()) {
    const Event e = queue.pop();
    ASSERT_GE(e.time, last);
    last = e.time;
    if (e.time == 2.5) evens.push_back(e.sequence);
  }
  ASSERT_EQ(evens.size(), 2500u);
  EXPECT_TRUE(std::is_sorted(evens.begin(), evens.end()));
}

}  // namespace
}  // namespace lbsim::core

namespace lbsim::core {
namespace {

// The simulator's calendar moves its events into the calendar queue above kToCalendar and
// back into the heap below kToHeap, several times over, without changing the order.
TEST(EventCalendar, SwitchesBothWaysInTheExactOrder) {
  EventCalendar calendar;
  RandomStream rng(23);
  std::uint64_t sequence = 0;
  std::vector<Event> reference;
  const auto after = [](const Event& a, const Event& b) { return runsBefore(b, a); };
  double now = 0.0;
  int switchesUp = 0;
  int switchesDown = 0;
  for (int round = 0; round < 3; ++round) {
    for (int grow = 0; grow < 2; ++grow) {
      const std::size_t goal = grow == 0 ? EventCalendar::kToCalendar * 3 : 2;
      while (grow == 0 ? calendar.size() < goal : calendar.size() > goal) {
        // (Growing from 2 may pop both first: an empty calendar can only be pushed to.)
        const bool pushNow =
            calendar.empty() || (grow == 0 ? rng.uniform01() < 0.7 : rng.uniform01() < 0.3);
        if (pushNow) {
          // A quarter at the same instant as another event: ties across the switch.
          const double t = rng.uniform01() < 0.25 ? now : now + rng.exponential(0.01);
          const Event e{t, sequence++, 0, 0, 0};
          const bool wasLarge = calendar.usesCalendarQueue();
          calendar.push(e);
          switchesUp += !wasLarge && calendar.usesCalendarQueue();
          reference.push_back(e);
          std::push_heap(reference.begin(), reference.end(), after);
        } else {
          std::pop_heap(reference.begin(), reference.end(), after);
          const Event want = reference.back();
          reference.pop_back();
          const bool wasLarge = calendar.usesCalendarQueue();
          const Event got = calendar.pop();
          switchesDown += wasLarge && !calendar.usesCalendarQueue();
          ASSERT_EQ(got.sequence, want.sequence);
          ASSERT_EQ(got.time, want.time);
          now = got.time;
        }
        ASSERT_EQ(calendar.size(), reference.size());
      }
    }
  }
  EXPECT_EQ(switchesUp, 3);
  EXPECT_EQ(switchesDown, 3);
}

}  // namespace
}  // namespace lbsim::core
