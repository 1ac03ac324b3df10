// M/M/1 at rho = 0.9 through the whole model: traffic source, balancer, replica queue,
// network routing and the statistics collector. Reports events/s and allocations per
// event (counted by replacing the global operator new in this binary).
#include <benchmark/benchmark.h>

#include "models/metrics/collector.h"
#include "models/network.h"
#include "tests/support/counting_allocator.h"

namespace lbsim::models {
namespace {

ScenarioSpec mm1(double duration) {
  ScenarioSpec spec;
  spec.name = "mm1";
  spec.duration = duration;
  spec.traffic.phases = {{"steady", duration, 0.9, std::nullopt}};
  spec.traffic.mix = {{"job", 1.0, {"job"}}};
  spec.classes = {{"job", {"station"}, {}}};
  TierSpec tier;
  tier.id = "station";
  tier.service = core::Distribution::exponential(1.0);
  tier.targets = {{"station-1", 1, kUnboundedQueue, 1.0, 1.0, false}};
  spec.tiers = {tier};
  return spec;
}

// Each iteration simulates 10^6 time units (~900,000 customers, ~1.8 M events) after a
// warm-up run that sizes the pools; only the measured part is timed.
void BM_MM1_Model(benchmark::State& state) {
  const auto policies = balancing::PolicyRegistry::withBuiltins();
  const double span = 1e6;
  std::uint64_t events = 0;
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto spec = mm1(1e12);
    Network network(spec, 42, policies);
    Collector collector(network);
    network.addObserver(&collector);
    network.start();
    network.simulator().stopAt(1e4);
    network.simulator().run();
    const std::uint64_t e0 = network.simulator().eventsProcessed();
    const std::uint64_t a0 = lbsim::testing::allocationCount();
    network.simulator().stopAt(1e4 + span);
    state.ResumeTiming();
    network.simulator().run();
    state.PauseTiming();
    events += network.simulator().eventsProcessed() - e0;
    allocations += lbsim::testing::allocationCount() - a0;
    state.ResumeTiming();
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["customers_per_s"] =
      benchmark::Counter(static_cast<double>(events) / 2.0, benchmark::Counter::kIsRate);
  state.counters["allocs_per_event"] =
      static_cast<double>(allocations) / static_cast<double>(events);
}
BENCHMARK(BM_MM1_Model)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace lbsim::models
