// The event loop allocates nothing per event once warmed up. This executable replaces the
// global operator new to count allocations, so it is its own test binary.
#include <gtest/gtest.h>

#include "core/distributions.h"
#include "models/metrics/collector.h"
#include "models/network.h"
#include "tests/support/counting_allocator.h"

namespace lbsim::models {
namespace {

TEST(HotPath, NoAllocationPerEventAfterWarmUp) {
  // A two-tier chain at moderate load with a balancer on each tier and the statistics
  // collector attached: the parts every event goes through.
  ScenarioSpec spec;
  spec.name = "alloc";
  spec.duration = 1e9;
  spec.traffic.phases = {{"steady", 1e9, 40.0, std::nullopt}};
  spec.traffic.mix = {{"a", 1.0, {"a", "a"}}, {"b", 1.0, {"b"}}};
  spec.classes = {{"a", {"front", "back"}, {}}, {"b", {"front"}, {}}};
  TierSpec front;
  front.id = "front";
  front.service = core::Distribution::exponential(0.01);
  front.targets = {{"f1", 2, kUnboundedQueue, 1, 1, false},
                   {"f2", 2, kUnboundedQueue, 1, 1, false}};
  front.balancer.policy = "least_conn";
  TierSpec back;
  back.id = "back";
  back.service = core::Distribution::lognormal(-4.0, 1.0);
  back.targets = {{"b1", 4, 32, 1, 2, false}, {"b2", 4, 32, 1, 1, false}};
  spec.tiers = {front, back};

  const auto policies = balancing::PolicyRegistry::withBuiltins();
  Network network(spec, 99, policies);
  Collector collector(network);
  network.addObserver(&collector);
  network.start();
  core::Simulator& sim = network.simulator();
  sim.stopAt(2000.0);  // warm-up: pools and queues reach their working size
  sim.run();
  const std::uint64_t eventsBefore = sim.eventsProcessed();
  const std::uint64_t before = lbsim::testing::allocationCount();
  sim.stopAt(20000.0);
  sim.run();
  const std::uint64_t events = sim.eventsProcessed() - eventsBefore;
  const std::uint64_t allocations = lbsim::testing::allocationCount() - before;
  EXPECT_GT(events, 2000000u);
  EXPECT_EQ(allocations, 0u) << allocations << " allocations in " << events << " events";
  // Memory per request in flight (docs/performance.md): the 112-byte Request and 24 bytes
  // for each hop of the longest route, class a's two, in one pool entry.
  EXPECT_EQ(network.bytesPerRequest(), 112u + 2u * 24u);
}

}  // namespace
}  // namespace lbsim::models
