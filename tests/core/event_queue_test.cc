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

}  // namespace
}  // namespace lbsim::core
