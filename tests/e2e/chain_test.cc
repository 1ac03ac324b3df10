// The chain as calls: network latency between zones and regions, responses that travel
// back through every hop, workers held during downstream calls, and balancers that count a
// request until its response is back. Every scenario here is deterministic (constant
// service times, evenly spaced arrivals), so the expected figures are worked out by hand
// in each test.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/experiment.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

class ChainTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  models::ReplicationResult run(const std::string& yaml) {
    const auto spec = scenarios::loadScenarioText(yaml, "chain.yaml", policies_);
    return models::runReplication(spec, 0, policies_);
  }
  static double value(const models::ReplicationResult& r, const std::string& path) {
    return test::figureValue(r.figures, path);
  }
};

// One tier, 10 ms of service, 5 ms each way between the clients and it: every response
// takes 5 + 10 + 5 = 20 ms; the tier's own latency counts the way in (15 ms).
TEST_F(ChainTest, ClientLatencyIsCrossedBothWays) {
  const auto r = run(R"(name: client-latency
duration: 100s
network: {client: 5ms}
traffic:
  arrivals: uniform
  phases: [{duration: 100s, rate: 1/s}]
  mix: [{class: get}]
classes: [{id: get, route: [web]}]
tiers:
  - {id: web, service: {dist: deterministic, value: 10ms}, replicas: 1, replica: {workers: 4}}
)");
  EXPECT_NEAR(value(r, "end_to_end/all/latency_s/mean"), 0.020, 1e-12);
  EXPECT_NEAR(value(r, "tiers/web/latency_s/mean"), 0.015, 1e-12);
}

// An ALB in zone az1 sends round robin to three app replicas in az1, az2, az3; crossing
// zones costs 1 ms each way, staying in az1 nothing. Two requests in three cross twice:
// mean = 1 ms + 10 ms + (2/3)(2 ms) = 12.333 ms. (300 arrivals at 1, 2, ..., 300 s; the run
// lasts 301 s so that the last one completes.) Per zone, the app's latency is its 10 ms
// plus the way in: 10 ms in az1, 11 ms in az2 and az3.
TEST_F(ChainTest, CrossZoneLatencyFollowsThePickedReplica) {
  const auto r = run(R"(name: zones
duration: 301s
regions: [{id: r1, zones: [az1, az2, az3]}]
network: {same_zone: 0ms, cross_zone: 1ms}
traffic:
  arrivals: uniform
  phases: [{duration: 300s, rate: 1/s}]
  mix: [{class: get}]
classes: [{id: get, route: [alb, app]}]
tiers:
  - {id: alb, service: {dist: deterministic, value: 1ms}, replicas: 1, zones: [az1]}
  - {id: app, service: {dist: deterministic, value: 10ms}, replicas: 3, zones: [az1, az2, az3]}
)");
  const double completed = value(r, "end_to_end/all/completed");
  ASSERT_EQ(completed, 300.0);
  EXPECT_NEAR(value(r, "end_to_end/all/latency_s/mean"), 0.011 + (2.0 / 3.0) * 0.002, 1e-9);
  EXPECT_NEAR(value(r, "tiers/app/zones/az1/latency_s/mean"), 0.010, 1e-12);
  EXPECT_NEAR(value(r, "tiers/app/zones/az2/latency_s/mean"), 0.011, 1e-12);
  EXPECT_EQ(value(r, "tiers/app/zones/az3/completed"), 100.0);
  EXPECT_EQ(value(r, "end_to_end/regions/r1/completed"), 300.0);
}

// Two regions 70 ms apart: a front in us-east-1 calling an app in eu-west-1 pays 70 ms each
// way: 1 + 70 + 10 + 70 = 151 ms. Requests count under the region of their first replica.
TEST_F(ChainTest, RegionPairLatencyAndPerRegionFigures) {
  const auto r = run(R"(name: regions
duration: 51s
regions:
  - {id: us-east-1, zones: [use1-az1]}
  - {id: eu-west-1, zones: [euw1-az1]}
network:
  cross_region: 200ms
  between_regions: [{regions: [us-east-1, eu-west-1], latency: 70ms}]
traffic:
  arrivals: uniform
  phases: [{duration: 50s, rate: 2/s}]
  mix: [{class: get}]
classes: [{id: get, route: [front, app]}]
tiers:
  - {id: front, service: {dist: deterministic, value: 1ms}, replicas: 1, region: us-east-1}
  - {id: app, service: {dist: deterministic, value: 10ms}, replicas: 1, region: eu-west-1}
)");
  EXPECT_NEAR(value(r, "end_to_end/all/latency_s/mean"), 0.151, 1e-12);
  EXPECT_EQ(value(r, "end_to_end/regions/us-east-1/completed"), 100.0);
  EXPECT_EQ(value(r, "end_to_end/regions/eu-west-1/completed"), 0.0);
}

// A front of one worker that holds it while the back works (a thread-per-request server):
// each request keeps the worker 1 ms + 100 ms, so at 5 requests/s the front is busy
// 5 x 0.101 = 50.5% of the time; an event-driven front (the default) only 5 x 0.001.
TEST_F(ChainTest, HeldWorkersStayBusyDuringDownstreamCalls) {
  const std::string base = R"(name: hold
duration: 200s
traffic:
  arrivals: uniform
  phases: [{duration: 200s, rate: 5/s}]
  mix: [{class: get}]
classes: [{id: get, route: [front, back]}]
tiers:
  - id: front
    service: {dist: deterministic, value: 1ms}
    replicas: 1
    replica: {workers: 1}
    hold_worker: HOLD
  - {id: back, service: {dist: deterministic, value: 100ms}, replicas: 1, replica: {workers: 10}}
)";
  auto with = [&](const std::string& hold) {
    std::string text = base;
    text.replace(text.find("HOLD"), 4, hold);
    return run(text);
  };
  // Arrivals are evenly spaced at 0.2, 0.4, ..., 200 s; the 999 that end before the run
  // does hold 999 x 0.101 s of the 200 s: 0.5045.
  EXPECT_NEAR(value(with("true"), "tiers/front/utilization"), 0.505, 0.001);
  EXPECT_NEAR(value(with("false"), "tiers/front/utilization"), 0.005, 0.0001);
  // Holding does not change what the client sees when nothing queues.
  EXPECT_NEAR(value(with("true"), "end_to_end/all/latency_s/mean"), 0.101, 1e-12);
}

// maxconn counts a connection until its response is back, as HAProxy does: a front limited
// to one connection whose requests spend 1 ms there and 100 ms downstream completes at most
// one request per 101 ms, whatever the arrival rate (20/s here): at most 60 / 0.101 = 594
// in 60 s, and the rest wait at the balancer (when_full: queue, HAProxy's backend queue).
// nginx (round_robin's own rule) has no such queue: a request that finds the server full
// fails at once, so one in three is admitted (arrivals every 50 ms, 101 ms held): 400 of the
// 1,200, of which the last ends after the run, and 800 errors.
TEST_F(ChainTest, MaxconnCountsUntilTheResponseReturns) {
  auto scenario = [](const std::string& balancer) {
    return R"(name: maxconn
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 60s, rate: 20/s}]
  mix: [{class: get}]
classes: [{id: get, route: [front, back]}]
tiers:
  - {id: front, service: {dist: deterministic, value: 1ms}, replicas: 1, replica: {maxconn: 1},
     balancer: )" +
           balancer + R"(}
  - {id: back, service: {dist: deterministic, value: 100ms}, replicas: 1, replica: {workers: 50}}
)";
  };
  const auto queued = run(scenario("{when_full: queue}"));
  const double completed = value(queued, "end_to_end/all/completed");
  EXPECT_LE(completed, 594.0);
  EXPECT_GE(completed, 593.0);
  const auto nginx = run(scenario("{policy: round_robin}"));
  EXPECT_EQ(value(nginx, "end_to_end/all/completed"), 399.0);
  EXPECT_EQ(value(nginx, "end_to_end/all/errors/502_no_healthy_upstream"), 800.0);
}

}  // namespace
}  // namespace lbsim

namespace lbsim {
namespace {

// Replication lag: each user writes (to the primary, 1 ms) and then reads (at the read
// replica, 1 ms, finishing 1 ms after the write). With a lag of 5 ms the write has not
// reached the replica when the read is served: every read is stale; with 0.5 ms none is.
TEST_F(ChainTest, ReadsBeforeTheReplicaCaughtUpAreStale) {
  const std::string base = R"(name: lag
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 59s, rate: 2/s}]
  mix: [{flow: [write, read]}]
classes:
  - {id: write, route: [db], demands: {db: {op: write}}}
  - {id: read, route: [db]}
tiers:
  - id: db
    kind: database
    service: {dist: deterministic, value: 1ms}
    primary: {workers: 4}
    read_replicas: {count: 1, workers: 4}
    replication_lag: LAG
)";
  auto with = [&](const std::string& lag) {
    std::string text = base;
    text.replace(text.find("LAG"), 3, lag);
    return run(text);
  };
  const auto slow = with("5ms");
  const double reads = value(slow, "end_to_end/classes/read/completed");
  EXPECT_EQ(reads, 118.0);
  EXPECT_EQ(value(slow, "tiers/db/stale_reads"), reads);
  EXPECT_EQ(value(with("500us"), "tiers/db/stale_reads"), 0.0);
}

}  // namespace
}  // namespace lbsim
