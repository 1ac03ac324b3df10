#include "core/simulator.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace lbsim::core {
namespace {

class Recorder : public EventHandler {
 public:
  explicit Recorder(Simulator& sim) : sim_(sim) {}
  void handleEvent(const Event& e) override {
    times.push_back(sim_.now());
    payloads.push_back(e.payload);
    if (e.kind == 1 && e.payload < 5) sim_.scheduleIn(1.0, id, 1, e.payload + 1);
  }
  Simulator& sim_;
  HandlerId id = 0;
  std::vector<double> times;
  std::vector<std::uint64_t> payloads;
};

class SimulatorTest : public ::testing::Test {
 protected:
  Simulator sim_;
  Recorder recorder_{sim_};
  void SetUp() override { recorder_.id = sim_.addHandler(&recorder_); }
};

TEST_F(SimulatorTest, ClockFollowsEvents) {
  sim_.schedule(2.0, recorder_.id, 0, 20);
  sim_.schedule(1.0, recorder_.id, 0, 10);
  sim_.run();
  EXPECT_EQ(recorder_.payloads, (std::vector<std::uint64_t>{10, 20}));
  EXPECT_EQ(recorder_.times, (std::vector<double>{1.0, 2.0}));
  EXPECT_EQ(sim_.now(), 2.0);
  EXPECT_EQ(sim_.eventsProcessed(), 2u);
}

TEST_F(SimulatorTest, HandlersScheduleFollowUps) {
  sim_.schedule(0.0, recorder_.id, 1, 0);
  sim_.run();
  EXPECT_EQ(recorder_.times, (std::vector<double>{0, 1, 2, 3, 4, 5}));
}

TEST_F(SimulatorTest, StopAtEndsTheRunAtThatTime) {
  sim_.schedule(0.0, recorder_.id, 1, 0);  // events at 0,1,...,5
  sim_.stopAt(2.5);
  sim_.run();
  EXPECT_EQ(recorder_.times, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(sim_.now(), 2.5);
}

TEST_F(SimulatorTest, StopAtRunsEarlierScheduledEventsAtTheSameTime) {
  sim_.schedule(3.0, recorder_.id, 0, 1);
  sim_.stopAt(3.0);
  sim_.schedule(3.0, recorder_.id, 0, 2);  // scheduled after the stop: does not run
  sim_.run();
  EXPECT_EQ(recorder_.payloads, (std::vector<std::uint64_t>{1}));
}

// A handler whose every event schedules another at the same instant: the clock stands still,
// so a poll by simulated time (every) would never come.
class SameInstantLoop : public EventHandler {
 public:
  explicit SameInstantLoop(Simulator& sim) : sim_(sim) {}
  void handleEvent(const Event&) override { sim_.schedule(sim_.now(), id); }
  Simulator& sim_;
  HandlerId id = 0;
};

TEST_F(SimulatorTest, CheckEveryEndsARunWhoseClockStandsStill) {
  SameInstantLoop loop(sim_);
  loop.id = sim_.addHandler(&loop);
  sim_.schedule(1.0, loop.id);
  int checks = 0;
  sim_.checkEvery(1000, [&] { return ++checks == 3; });
  sim_.run();
  EXPECT_EQ(checks, 3);
  EXPECT_EQ(sim_.eventsProcessed(), 3000u);  // checked after events 1000, 2000 and 3000
  EXPECT_EQ(sim_.now(), 1.0);
}

TEST_F(SimulatorTest, CheckEveryThatNeverStopsChangesNothing) {
  sim_.schedule(0.0, recorder_.id, 1, 0);  // events at 0,1,...,5
  int checks = 0;
  sim_.checkEvery(2, [&] {
    ++checks;
    return false;
  });
  sim_.run();
  EXPECT_EQ(recorder_.times, (std::vector<double>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(checks, 3);
  EXPECT_THROW(sim_.checkEvery(0, [] { return false; }), std::invalid_argument);
}

TEST_F(SimulatorTest, EveryTicksWithoutDrift) {
  std::vector<double> ticks;
  sim_.every(0.1, 0.1, [&](double now) { ticks.push_back(now); });
  sim_.stopAt(1000.05);
  sim_.run();
  ASSERT_EQ(ticks.size(), 10000u);
  // Computed as start + k * interval, never by repeated addition.
  EXPECT_EQ(ticks.back(), 0.1 + 9999.0 * 0.1);
}

TEST_F(SimulatorTest, AtCallsOnce) {
  int calls = 0;
  sim_.at(4.0, [&](double now) {
    EXPECT_EQ(now, 4.0);
    ++calls;
  });
  sim_.schedule(10.0, recorder_.id, 0, 0);
  sim_.run();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace lbsim::core
