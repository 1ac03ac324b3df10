#include "core/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/random.h"

namespace lbsim::core {
namespace {

class EventQueueTest : public ::testing::Test {
 protected:
  EventQueue queue_;
  std::uint64_t sequence_ = 0;
  void push(double time, std::uint64_t payload) {
    queue_.push(Event{time, sequence_++, 0, 0, payload});
  }
};

TEST_F(EventQueueTest, PopsInTimeOrder) {
  RandomStream rng(7);
  std::vector<double> times;
  for (int i = 0; i < 10000; ++i) {
    times.push_back(rng.uniform01() * 100.0);
    push(times.back(), static_cast<std::uint64_t>(i));
  }
  std::sort(times.begin(), times.end());
  for (const double t : times) {
    ASSERT_FALSE(queue_.empty());
    EXPECT_EQ(queue_.pop().time, t);
  }
  EXPECT_TRUE(queue_.empty());
}

TEST_F(EventQueueTest, TiesRunInInsertionOrder) {
  // Equal times, interleaved with other times: events at time 5 must come out in the
  // order they were pushed, whatever the heap's shape.
  for (std::uint64_t i = 0; i < 200; ++i) {
    push(5.0, i);
    push(i % 2 == 0 ? 1.0 : 9.0, 1000 + i);
  }
  std::vector<std::uint64_t> atFive;
  while (!queue_.empty()) {
    const Event e = queue_.pop();
    if (e.time == 5.0) atFive.push_back(e.payload);
  }
  ASSERT_EQ(atFive.size(), 200u);
  for (std::uint64_t i = 0; i < 200; ++i)
    EXPECT_EQ(atFive[i], i);
}

TEST_F(EventQueueTest, InterleavedPushPopKeepsOrder) {
  RandomStream rng(11);
  double now = 0.0;
  for (int i = 0; i < 1000; ++i)
    push(rng.uniform01(), 0);
  for (int i = 0; i < 100000; ++i) {
    const Event e = queue_.pop();
    ASSERT_GE(e.time, now);
    now = e.time;
    push(now + rng.exponential(1.0), 0);
  }
}

// The queue compares times by their bits: -0.0 (whose bits are the largest) must still run
// at time zero, in its turn among the other events at zero, and before any positive time.
TEST_F(EventQueueTest, NegativeZeroRunsAtTimeZero) {
  push(1e-300, 0);
  push(-0.0, 1);
  push(0.0, 2);
  push(-0.0, 3);
  push(5e-324, 4);  // the smallest positive double
  std::vector<std::uint64_t> order;
  while (!queue_.empty())
    order.push_back(queue_.pop().payload);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 2, 3, 4, 0}));
}

// Against a sort by (time, sequence) on a random mix of equal and distinct times, at the
// heap's sizes where a node has four children and where the last node has fewer.
TEST_F(EventQueueTest, MatchesASortByTimeAndSequence) {
  RandomStream rng(5);
  for (const int n : {1, 2, 3, 4, 5, 6, 21, 22, 23, 24, 25, 1000}) {
    std::vector<Event> events;
    for (int i = 0; i < n; ++i) {
      events.push_back(Event{static_cast<double>(rng.below(8)) * 0.25, sequence_++, 0, 0, 0});
      queue_.push(events.back());
    }
    std::sort(events.begin(), events.end(), runsBefore);
    for (const Event& e : events) {
      const Event got = queue_.pop();
      ASSERT_EQ(got.time, e.time);
      ASSERT_EQ(got.sequence, e.sequence);
    }
    ASSERT_TRUE(queue_.empty());
  }
}

}  // namespace
}  // namespace lbsim::core
