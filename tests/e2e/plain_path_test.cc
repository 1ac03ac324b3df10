// A tier without per-request mechanisms takes a short path (ServicePool::allowPlainPath). It
// must be a shortcut and nothing else: every figure and every time-series value of a run is
// the same, to the last bit, as when every tier takes the general path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "models/experiment.h"
#include "models/network.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"
#include "tests/support/same_run.h"

namespace lbsim {
namespace {

class PlainPathTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  // The replication run as usual, and run with the short path forbidden; the tiers that took
  // it in the first run are counted in `plainTiers`. Both runs look every 10 ms at the
  // requests waiting at each tier's balancer; the most seen in the first run are kept in
  // mostWaiting_, and its figures in figures_.
  void expectSameRun(const std::string& yaml, std::size_t plainTiers) {
    const auto spec = scenarios::loadScenarioText(yaml, "plain.yaml", policies_);
    std::size_t plain = 0;
    mostWaiting_.assign(spec.tiers.size(), 0);
    models::RunHooks usual;
    usual.attach = [&](models::Network& network, std::uint32_t) {
      for (models::TierIndex t = 0; t < network.tierCount(); ++t)
        plain += network.tier(t).plain() ? 1 : 0;
      network.simulator().every(0.01, 0.0, [&](double) {
        for (models::TierIndex t = 0; t < network.tierCount(); ++t)
          mostWaiting_[t] = std::max(mostWaiting_[t], network.tier(t).waitingAtBalancer());
      });
    };
    models::RunHooks general;
    general.attach = [](models::Network& network, std::uint32_t) {
      for (models::TierIndex t = 0; t < network.tierCount(); ++t)
        network.tier(t).forbidPlainPath();
      network.simulator().every(0.01, 0.0, [](double) {});
    };
    const auto a = models::runReplication(spec, 0, policies_, usual);
    const auto b = models::runReplication(spec, 0, policies_, general);
    EXPECT_EQ(plain, plainTiers);
    test::expectSameBits(a, b);
    EXPECT_GT(a.figures.size(), 20u);
    figures_ = a.figures;
  }
  double figure(const std::string& path) const { return test::figureValue(figures_, path); }

  models::Figures figures_;
  std::vector<std::size_t> mostWaiting_;
};

// Two plain tiers, round robin in front and random at the back (bounded queues that overflow,
// unequal speeds and weights, a two-step flow), around a least_conn tier with a response
// timeout, which is not plain. The overload makes queues fill and refuse (the 503 path),
// and the timeout leaves orphans that go on to the back tier.
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
     balancer: {policy: round_robin}}
  - id: app
    service: {dist: exponential, mean: 20ms}
    replicas: 3
    replica: {workers: 2, queue_limit: 6}
    balancer: {policy: least_conn}
    timeouts: {response: 80ms}
  - id: db
    service: {dist: gamma, mean: 4ms, cv: 2}
    replicas: 2
    replica: {workers: 1, queue_limit: 4}
    targets: [{speed: 1.5}, {weight: 2}]
    balancer: {policy: random}
)",
                2);
  EXPECT_GT(figure("end_to_end/all/errors/504_gateway_timeout"), 0.0);
}

// A fault ends the short path of its tier while requests are in service and queued there;
// they and the rest of the run go the general way, with the same results. The front's
// maxconn makes requests wait at its balancer (when_full: queue, HAProxy's rule), which the
// short path also meets; the side tier's makes them fail there at once (nginx's rule).
TEST_F(PlainPathTest, AFaultEndsTheShortPathMidRun) {
  expectSameRun(R"(name: plain-fault
duration: 200s
traffic:
  phases: [{duration: 200s, rate: 110/s}]
  mix: [{class: get, weight: 9}, {class: side, weight: 2}]
classes: [{id: get, route: [front, app]}, {id: side, route: [side]}]
tiers:
  - {id: front, service: {dist: exponential, mean: 1ms}, replicas: 2,
     replica: {workers: 4, maxconn: 3}, balancer: {when_full: queue}}
  - {id: side, service: {dist: exponential, mean: 50ms}, replicas: 1,
     replica: {workers: 4, maxconn: 1}}
  - id: app
    service: {dist: exponential, mean: 25ms}
    replicas: 3
    replica: {workers: 1, queue_limit: 8}
    retries: {style: nginx, tries: 2, on: [error, http_503]}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 60s, for: 30s}
  - {fault: slow, tier: app, replicas: [app-1], at: 120s, for: 20s, speed: 0.5}
)",
                3);
  EXPECT_GT(mostWaiting_[0], 0u);  // front
  EXPECT_GT(figure("tiers/side/errors/502_no_healthy_upstream"), 0.0);
}

}  // namespace
}  // namespace lbsim
