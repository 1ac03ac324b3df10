// A tier without per-request mechanisms takes a short path (ServicePool::allowPlainPath). It
// must be a shortcut and nothing else: every figure and every time-series value of a run is
// the same, to the last bit, as when every tier takes the general path.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>

#include "models/experiment.h"
#include "models/network.h"
#include "scenarios/loader.h"

namespace lbsim {
namespace {

class PlainPathTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  // The replication run as usual, and run with the short path forbidden; the tiers that took
  // it in the first run are counted in `plainTiers`.
  void expectSameRun(const std::string& yaml, std::size_t plainTiers) {
    const auto spec = scenarios::loadScenarioText(yaml, "plain.yaml", policies_);
    std::size_t plain = 0;
    models::RunHooks usual;
    usual.attach = [&](models::Network& network, std::uint32_t) {
      for (models::TierIndex t = 0; t < network.tierCount(); ++t)
        plain += network.tier(t).plain() ? 1 : 0;
    };
    models::RunHooks general;
    general.attach = [](models::Network& network, std::uint32_t) {
      for (models::TierIndex t = 0; t < network.tierCount(); ++t)
        network.tier(t).forbidPlainPath();
    };
    const auto a = models::runReplication(spec, 0, policies_, usual);
    const auto b = models::runReplication(spec, 0, policies_, general);
    EXPECT_EQ(plain, plainTiers);
    EXPECT_EQ(a.events, b.events);
    ASSERT_EQ(a.figures.size(), b.figures.size());
    for (std::size_t i = 0; i < a.figures.size(); ++i) {
      EXPECT_EQ(a.figures[i].path, b.figures[i].path);
      // Bit for bit: NaN (an empty histogram's percentile) equals itself here.
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a.figures[i].value),
                std::bit_cast<std::uint64_t>(b.figures[i].value))
          << a.figures[i].path << ": " << a.figures[i].value << " vs " << b.figures[i].value;
    }
    ASSERT_EQ(a.series.seriesCount(), b.series.seriesCount());
    EXPECT_EQ(a.series.times(), b.series.times());
    for (std::size_t s = 0; s < a.series.seriesCount(); ++s) {
      const auto& x = a.series.values(s);
      const auto& y = b.series.values(s);
      ASSERT_EQ(x.size(), y.size());
      for (std::size_t i = 0; i < x.size(); ++i)
        EXPECT_EQ(std::bit_cast<std::uint64_t>(x[i]), std::bit_cast<std::uint64_t>(y[i]));
    }
    EXPECT_GT(a.figures.size(), 20u);
  }
};

// Three plain tiers (round robin, least_conn, random; bounded queues that overflow, unequal
// speeds and weights, a two-step flow) and one with a response timeout, which is not plain.
// The overload makes queues fill and refuse, so the 503 path runs as well.
TEST_F(PlainPathTest, PlainTiersGiveTheGeneralPathsResults) {
  expectSameRun(R"(name: plain
duration: 300s
warmup: 20s
traffic:
  phases: [{duration: 300s, rate: 220/s}]
  mix: [{flow: [browse, buy], weight: 3}, {class: browse, weight: 1}]
classes:
  - {id: browse, route: [edge, app, db]}
  - id: buy
    route: [edge, app]
    demands: {app: {service: {dist: lognormal, mean: 30ms, cv: 1.5}}}
tiers:
  - {id: edge, service: {dist: exponential, mean: 2ms}, replicas: 2,
     balancer: {policy: round_robin}, timeouts: {response: 2s}}
  - id: app
    service: {dist: exponential, mean: 20ms}
    replicas: 3
    replica: {workers: 2, queue_limit: 6}
    balancer: {policy: least_conn}
  - id: db
    service: {dist: gamma, mean: 4ms, cv: 2}
    replicas: 2
    replica: {workers: 1, queue_limit: 4}
    targets: [{speed: 1.5}, {weight: 2}]
    balancer: {policy: random}
)",
                2);
}

// A fault ends the short path of its tier while requests are in service and queued there;
// they and the rest of the run go the general way, with the same results. The balancer's
// maxconn makes requests wait at the balancer, which the short path also meets.
TEST_F(PlainPathTest, AFaultEndsTheShortPathMidRun) {
  expectSameRun(R"(name: plain-fault
duration: 200s
traffic:
  phases: [{duration: 200s, rate: 90/s}]
  mix: [{class: get}]
classes: [{id: get, route: [front, app]}]
tiers:
  - {id: front, service: {dist: exponential, mean: 1ms}, replicas: 2,
     replica: {workers: 4, maxconn: 3}}
  - id: app
    service: {dist: exponential, mean: 25ms}
    replicas: 3
    replica: {workers: 1, queue_limit: 8}
    retries: {style: nginx, tries: 2, on: [error, http_503]}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 60s, for: 30s}
  - {fault: slow, tier: app, replicas: [app-1], at: 120s, for: 20s, speed: 0.5}
)",
                2);
}

}  // namespace
}  // namespace lbsim
