// Every registered balancing policy's pick at 8, 64 and 1024 equal-weight targets, through
// the balancer as the network drives it: Balancer::choose computes the candidates and asks
// the policy, and Balancer::finished tells it the oldest request in flight has finished, so
// that about two requests per target are always in flight (least-loaded policies then see
// real, uneven counts rather than all zeros). Requests come from 10,000 clients with their
// addresses (traffic::clientAddress) and several sessions each, so hashing policies hash
// a different key almost every pick. Reports picks/s and allocations per pick.
//
// The benchmarks are registered from the registry's names when this program starts, so a
// new policy is measured without touching this file. (A static initializer is fine here:
// this file is a source of the executable, not of a static library that could drop it.)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/balancing/balancer.h"
#include "models/balancing/policy.h"
#include "models/request.h"
#include "models/traffic/clients.h"
#include "tests/support/counting_allocator.h"

namespace lbsim::models::balancing {
namespace {

constexpr std::uint32_t kClients = 10000;
constexpr std::uint32_t kSessionsPerClient = 4;
constexpr std::size_t kTraffic = 1 << 16;  // requests prepared, then cycled through
constexpr std::uint32_t kInFlightPerTarget = 2;

// The part of a request a policy reads, prepared before timing so that the loop measures
// the pick and not the traffic generator.
struct Arrival {
  std::uint32_t client;
  std::uint32_t address;
  std::uint64_t sessionKey;
  double latency;  // the time it will spend at its target, for latency-aware policies
};

std::vector<Arrival> makeTraffic() {
  core::RandomStream rng(20240611);
  std::vector<Arrival> out(kTraffic);
  for (Arrival& a : out) {
    a.client = static_cast<std::uint32_t>(rng.below(kClients));
    a.address = traffic::clientAddress(a.client);
    // A session cookie per (client, session): the same client comes back with a few keys.
    const std::uint64_t session = a.client * kSessionsPerClient + rng.below(kSessionsPerClient);
    a.sessionKey = core::RandomStream(session).nextU64();
    a.latency = rng.exponential(0.02);
  }
  return out;
}

struct Variant {
  std::string label;  // benchmark name: BM_Pick/<label>/<targets>
  std::string policy;
  PolicyOptions options;
};

void pickBenchmark(benchmark::State& state, const Variant& variant) {
  static const std::vector<Arrival> traffic = makeTraffic();
  const PolicyRegistry registry = PolicyRegistry::withBuiltins();
  const auto n = static_cast<std::uint32_t>(state.range(0));

  core::Simulator sim;  // its clock stays at 0: nothing here schedules events
  core::RandomStream rng = core::RandomStream::named(42, "policy:bench");
  PolicyContext context;
  context.rng = &rng;
  context.clock = &sim.clock();
  context.targetCount = n;
  for (std::uint32_t i = 0; i < n; ++i)
    context.targetNames.push_back("app-" + std::to_string(i + 1));
  context.options = variant.options;
  Balancer balancer(registry.create(variant.policy, context), std::vector<TargetState>(n));

  // The targets of the requests in flight, oldest first, in a ring of 2n.
  std::vector<std::uint32_t> inFlight(static_cast<std::size_t>(n) * kInFlightPerTarget);
  std::vector<double> latencyOf(inFlight.size());
  Request request;
  std::size_t next = 0;  // index into traffic
  std::size_t oldest = 0;
  const auto arrive = [&] {
    const Arrival& a = traffic[next];
    next = (next + 1) % traffic.size();
    request.client = a.client;
    request.clientAddress = a.address;
    request.sessionKey = a.sessionKey;
    ++request.id;
    return a.latency;
  };
  // Warm-up: fill the window (and let hashing policies build their tables).
  for (std::size_t k = 0; k < inFlight.size(); ++k) {
    latencyOf[k] = arrive();
    const Decision d = balancer.choose(request);
    if (d.choice != Choice::kChosen) {
      state.SkipWithError("the balancer did not choose a target");
      return;
    }
    inFlight[k] = d.target;
  }

  const std::uint64_t allocationsBefore = lbsim::testing::allocationCount();
  for (auto _ : state) {
    const double latency = arrive();
    const Decision d = balancer.choose(request);
    benchmark::DoNotOptimize(d);
    balancer.finished(inFlight[oldest], latencyOf[oldest]);
    inFlight[oldest] = d.target;
    latencyOf[oldest] = latency;
    oldest = oldest + 1 == inFlight.size() ? 0 : oldest + 1;
  }
  const std::uint64_t allocations = lbsim::testing::allocationCount() - allocationsBefore;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["allocs_per_pick"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations());
}

// Every registered policy with its defaults, and the option values that switch a policy to
// another algorithm (nginx `hash ... consistent`, HAProxy `hash-type consistent`).
std::vector<Variant> variants() {
  const PolicyRegistry registry = PolicyRegistry::withBuiltins();
  std::vector<Variant> out;
  for (const std::string& name : registry.names())
    out.push_back({name, name, {}});
  if (registry.contains("hash")) {
    Variant v{"hash:consistent", "hash", {}};
    v.options.setNumber("consistent", 1);
    out.push_back(v);
  }
  if (registry.contains("source")) {
    Variant v{"source:consistent", "source", {}};
    v.options.setText("hash_type", "consistent");
    out.push_back(v);
  }
  return out;
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const Variant& v : variants()) {
    benchmark::RegisterBenchmark(("BM_Pick/" + v.label).c_str(), pickBenchmark, v)
        ->Arg(8)
        ->Arg(64)
        ->Arg(1024);
  }
  return true;
}();

}  // namespace
}  // namespace lbsim::models::balancing
