#include "core/stats/time_weighted.h"

#include <gtest/gtest.h>

namespace lbsim::core {
namespace {

class TimeWeightedTest : public ::testing::Test {};

// Value 2 on [0, 3), 5 on [3, 4), 1 on [4, 10):
//   integral(10) = 2*3 + 5*1 + 1*6 = 17, mean(10) = 17/10 = 1.7, max 5.
TEST_F(TimeWeightedTest, PiecewiseConstantByHand) {
  TimeWeighted busy(0.0, 2.0);
  busy.set(3.0, 5.0);
  busy.add(4.0, -4.0);
  EXPECT_EQ(busy.current(), 1.0);
  EXPECT_DOUBLE_EQ(busy.integral(4.0), 11.0);  // 2*3 + 5*1
  EXPECT_DOUBLE_EQ(busy.integral(10.0), 17.0);
  EXPECT_DOUBLE_EQ(busy.mean(10.0), 1.7);
  EXPECT_EQ(busy.maxValue(), 5.0);
}

// A start other than 0 and two changes at the same instant: value 1 on [2, 4), 3 on [4, 6)
// (the 7 at t=4 lasts no time): integral(6) = 1*2 + 3*2 = 8, mean(6) = 8/4 = 2; the
// zero-length 7 still counts for the maximum.
TEST_F(TimeWeightedTest, LaterStartAndInstantChanges) {
  TimeWeighted queue(2.0, 1.0);
  EXPECT_EQ(queue.mean(2.0), 1.0);  // no time has passed: the current value
  queue.set(4.0, 7.0);
  queue.set(4.0, 3.0);
  EXPECT_DOUBLE_EQ(queue.integral(6.0), 8.0);
  EXPECT_DOUBLE_EQ(queue.mean(6.0), 2.0);
  EXPECT_EQ(queue.maxValue(), 7.0);
}

// Warm-up deletion: value 10 on [0, 5) is forgotten at reset(5); value 4 continues, then 6 from
// t=7: integral(9) = 4*2 + 6*2 = 20 over 4 time units, mean 5; max since reset 6.
TEST_F(TimeWeightedTest, ResetForgetsThePastKeepsTheValue) {
  TimeWeighted replicas(0.0, 10.0);
  replicas.set(1.0, 4.0);
  replicas.reset(5.0);
  EXPECT_EQ(replicas.current(), 4.0);
  EXPECT_EQ(replicas.maxValue(), 4.0);
  EXPECT_EQ(replicas.integral(5.0), 0.0);
  EXPECT_EQ(replicas.mean(5.0), 4.0);
  replicas.set(7.0, 6.0);
  EXPECT_DOUBLE_EQ(replicas.integral(9.0), 20.0);
  EXPECT_DOUBLE_EQ(replicas.mean(9.0), 5.0);
  EXPECT_EQ(replicas.maxValue(), 6.0);
}

TEST_F(TimeWeightedTest, DefaultStartsAtZeroWithZero) {
  TimeWeighted t;
  EXPECT_EQ(t.current(), 0.0);
  EXPECT_EQ(t.mean(0.0), 0.0);
  t.add(1.0, 2.0);
  EXPECT_DOUBLE_EQ(t.mean(2.0), 1.0);  // 0 on [0,1), 2 on [1,2)
}

}  // namespace
}  // namespace lbsim::core
