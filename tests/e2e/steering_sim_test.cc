// Global load balancing by where clients are: each client is in one location, a steering
// balancer sends it to the first region of its order that has a replica available, and the
// hop from the client (or from an edge replica with no zone) to a region takes the
// location's latency to it. Service times and latencies are constants and arrivals evenly
// spaced where a figure is worked out by hand in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "models/experiment.h"
#include "models/network.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

class SteeringSimTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  models::ReplicationResult run(const std::string& yaml, std::uint32_t replication = 0) {
    const auto spec = scenarios::loadScenarioText(yaml, "steering.yaml", policies_);
    return models::runReplication(spec, replication, policies_);
  }
  static double value(const models::ReplicationResult& r, const std::string& path) {
    return test::figureValue(r.figures, path);
  }
};

// The regions and the latencies (one way) of the tests below, for the locations a test
// declares: each location is near one region and far from the other.
std::string world(const std::vector<std::string>& locations) {
  const std::map<std::string, std::pair<int, int>> latency = {
      {"US", {20, 80}}, {"GB", {75, 10}}, {"JP", {150, 220}}};
  std::string out = R"(regions:
  - {id: us-east-1, zones: [use1-az1]}
  - {id: eu-west-1, zones: [euw1-az1]}
network:
  same_zone: 1ms
)";
  if (!locations.empty()) out += "  locations:\n";
  for (const std::string& l : locations) {
    const auto [us, eu] = latency.at(l);
    out +=
        "    - {location: " + l + ", region: us-east-1, latency: " + std::to_string(us) + "ms}\n";
    out +=
        "    - {location: " + l + ", region: eu-west-1, latency: " + std::to_string(eu) + "ms}\n";
  }
  return out;
}

// A regional entry per region behind a global balancer, and an app tier in both regions
// whose requests stay in their region.
std::string scenario(const std::string& steering, const std::string& locations,
                     const std::vector<std::string>& declared = {"US", "GB", "JP"}) {
  return "name: steered\nduration: 101s\n" + world(declared) + R"(traffic:
  arrivals: uniform
  phases: [{duration: 100s, rate: 60/s}]
  locations: )" +
         locations +
         R"(
  mix: [{class: get}]
classes: [{id: get, route: [entry, app]}]
tiers:
  - id: entry
    service: {dist: deterministic, value: 1ms}
    replicas: 2
    zones: [use1-az1, euw1-az1]
    replica: {workers: 100}
    balancer: {policy: round_robin, steering: )" +
         steering + R"(}
  - id: app
    service: {dist: deterministic, value: 10ms}
    replicas: 2
    zones: [use1-az1, euw1-az1]
    replica: {workers: 100}
    balancer: {policy: round_robin, prefer: same_region}
)";
}

// Geo steering: US to us-east-1, GB and JP (not listed: the default) to eu-west-1. A
// request's latency is twice its location's latency to its region, the entry's 1 ms, twice
// the 1 ms within the zone and the app's 10 ms: US 53 ms, GB 33 ms, JP 2 x 220 + 13 = 453 ms.
// Each region serves exactly the requests of the locations it is the first choice of.
TEST_F(SteeringSimTest, GeoSteeringSendsEachLocationToItsRegion) {
  const auto r =
      run(scenario("{by: geo, regions: {US: [us-east-1], GB: [eu-west-1]}, default: "
                   "[eu-west-1]}",
                   "[{id: US, weight: 50}, {id: GB, weight: 30}, {id: JP, weight: 20}]"));
  const double us = value(r, "end_to_end/locations/US/completed");
  const double gb = value(r, "end_to_end/locations/GB/completed");
  const double jp = value(r, "end_to_end/locations/JP/completed");
  ASSERT_EQ(us + gb + jp, 6000.0);
  EXPECT_EQ(value(r, "end_to_end/regions/us-east-1/completed"), us);
  EXPECT_EQ(value(r, "end_to_end/regions/eu-west-1/completed"), gb + jp);
  EXPECT_NEAR(value(r, "end_to_end/locations/US/latency_s/mean"), 0.053, 1e-9);
  EXPECT_NEAR(value(r, "end_to_end/locations/GB/latency_s/mean"), 0.033, 1e-9);
  EXPECT_NEAR(value(r, "end_to_end/locations/JP/latency_s/mean"), 0.453, 1e-9);
  EXPECT_EQ(value(r, "tiers/app/zones/use1-az1/completed"), us);
  // 6,000 users of their own, each in a location drawn by the weights: each share within
  // four standard deviations of the binomial count (sqrt(6000 p (1 - p)): 39, 35, 31).
  EXPECT_NEAR(us, 3000.0, 4 * 39.0);
  EXPECT_NEAR(gb, 1800.0, 4 * 35.0);
  EXPECT_NEAR(jp, 1200.0, 4 * 31.0);
}

// A location with no entry of its own takes that of the first area it is within (a data
// center's country, then its continent: Cloudflare's pop, country and region pools), then the
// default order. No latencies here: each request takes 1 + 2 x 1 + 10 ms.
TEST_F(SteeringSimTest, ALocationTakesTheOrderOfTheFirstAreaItIsWithin) {
  const auto r =
      run(scenario("{by: geo, regions: {US: [us-east-1], EU: [eu-west-1], NA: "
                   "[eu-west-1]}, default: [eu-west-1]}",
                   "[{id: LAX, within: [US, NA]}, {id: FRA, within: [DE, EU]}, {id: "
                   "SYD}]",
                   {}));
  EXPECT_EQ(value(r, "end_to_end/regions/us-east-1/completed"),
            value(r, "end_to_end/locations/LAX/completed"));
  EXPECT_EQ(value(r, "end_to_end/regions/eu-west-1/completed"),
            value(r, "end_to_end/locations/FRA/completed") +
                value(r, "end_to_end/locations/SYD/completed"));
  EXPECT_GT(value(r, "end_to_end/locations/LAX/completed"), 1500.0);  // a third of 6,000
  EXPECT_NEAR(value(r, "end_to_end/all/latency_s/mean"), 0.013, 1e-9);
}

// Latency steering orders the regions by the mean latency from each location: US (20 ms
// against 80) and JP (150 against 220) to us-east-1, GB (10 against 75) to eu-west-1. The
// same latencies as above for US and GB; JP 2 x 150 + 13 = 313 ms.
TEST_F(SteeringSimTest, LatencySteeringTakesTheNearestRegion) {
  const auto r = run(scenario(
      "{by: latency}", "[{id: US, weight: 50}, {id: GB, weight: 30}, {id: JP, weight: 20}]"));
  const double us = value(r, "end_to_end/locations/US/completed");
  const double jp = value(r, "end_to_end/locations/JP/completed");
  EXPECT_EQ(value(r, "end_to_end/regions/us-east-1/completed"), us + jp);
  EXPECT_EQ(value(r, "end_to_end/regions/eu-west-1/completed"),
            value(r, "end_to_end/locations/GB/completed"));
  EXPECT_NEAR(value(r, "end_to_end/locations/US/latency_s/mean"), 0.053, 1e-9);
  EXPECT_NEAR(value(r, "end_to_end/locations/GB/latency_s/mean"), 0.033, 1e-9);
  EXPECT_NEAR(value(r, "end_to_end/locations/JP/latency_s/mean"), 0.313, 1e-9);
}

// A client stays in one location for all its requests: with a population of one client,
// every request comes from one place.
TEST_F(SteeringSimTest, AClientStaysInItsLocation) {
  std::string yaml = scenario("{by: latency}", "[{id: US}, {id: GB}]", {"US", "GB"});
  yaml.replace(yaml.find("  mix:"), 0, "  clients: 1\n");
  const auto r = run(yaml);
  const double us = value(r, "end_to_end/locations/US/completed");
  const double gb = value(r, "end_to_end/locations/GB/completed");
  EXPECT_EQ(us + gb, 6000.0);
  EXPECT_TRUE(us == 0.0 || gb == 0.0) << us << " " << gb;
}

// Where a client is depends on the run's seed and the client only: the same in every run of
// one seed, and another draw for another replication's seed.
TEST_F(SteeringSimTest, LocationsAreAFunctionOfTheSeedAndTheClient) {
  const auto spec = scenarios::loadScenarioText(
      scenario("{by: latency}", "[{id: US, weight: 3}, {id: GB, weight: 1}]", {"US", "GB"}),
      "steering.yaml", policies_);
  models::Network a(spec, 11, policies_);
  models::Network b(spec, 11, policies_);
  models::Network c(spec, 12, policies_);
  int same = 0;
  int differ = 0;
  int us = 0;
  for (std::uint32_t client = 0; client < 4000; ++client) {
    const std::uint16_t l = a.clientLocation(client);
    ASSERT_EQ(l, b.clientLocation(client));
    (l == c.clientLocation(client) ? same : differ) += 1;
    us += l == 0 ? 1 : 0;
  }
  EXPECT_NEAR(us, 3000, 4 * std::sqrt(4000 * 0.75 * 0.25));
  EXPECT_GT(differ, 1000);  // independent draws agree 5/8 of the time: 1,500 differ
}

// Two regional entries, the app in both regions, a crash of us-east-1's entry from 32 to 62 s
// checked every 5 s (fall 3, rise 2); US clients; `steering` is the entry's.
std::string failoverScenario(const std::string& steering) {
  return R"(name: failover
duration: 120s
)" + world({"US"}) +
         R"(traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 100/s}]
  locations: [{id: US}]
  mix: [{class: get}]
classes: [{id: get, route: [entry, app]}]
tiers:
  - id: entry
    service: {dist: deterministic, value: 0ms}
    replicas: 2
    zones: [use1-az1, euw1-az1]
    replica: {workers: 100}
    balancer: {steering: )" +
         steering + R"(}
    health_check: {haproxy: "check inter 5s rise 2 fall 3", demand: 0ms}
  - id: app
    service: {dist: deterministic, value: 10ms}
    replicas: 2
    zones: [use1-az1, euw1-az1]
    replica: {workers: 4}
    balancer: {policy: round_robin, prefer: same_region}
faults:
  - {fault: crash, tier: entry, region: us-east-1, at: 32s, for: 30s}
)";
}

// Failover in the client's order: US clients use us-east-1, then eu-west-1. us-east-1's entry
// crashes at 32 s for 30 s; its health check (every 5 s, fall 3, rise 2) takes it out at 45 s
// and back at 70 s. The requests sent from 32 to 45 s reach the crashed entry (1,300 at
// 100/s), as do the responses of the few sent in the 32 ms before the crash that were still
// downstream (a round trip to the app and back to the entry takes 20 + 1 + 10 + 1 ms: at most
// four); from 45 to 70 s eu-west-1 serves them (2,500), and the rest us-east-1.
TEST_F(SteeringSimTest, FailoverFollowsTheClientsOrder) {
  const std::string yaml = failoverScenario("{by: geo, regions: {US: [us-east-1, eu-west-1]}}");
  const auto r = run(yaml);
  double errors = 0.0;
  for (const auto& f : r.figures) {
    if (f.path.starts_with("end_to_end/locations/US/errors/")) errors += f.value;
  }
  EXPECT_GE(errors, 1300.0);
  EXPECT_LE(errors, 1304.0);
  EXPECT_EQ(value(r, "end_to_end/regions/eu-west-1/completed"), 2500.0);
  EXPECT_EQ(value(r, "end_to_end/regions/us-east-1/completed"),
            value(r, "end_to_end/locations/US/completed") - 2500.0);
}

// The same failure with DNS caching: one resolver for the US, whose answers live 30 s. It
// resolves at the first request (0.01 s) to us-east-1, again at 30.01 s (still us-east-1),
// and keeps that answer until 60.01 s: the requests sent from 32 s reach the crashed entry,
// whose health check took it out of the answers at 45 s, until then (2,801 of them, and the
// at most four responses downstream at the crash). From 60.01 s the resolver answers
// eu-west-1, and keeps it for 30 s although us-east-1 is back at 70 s: eu-west-1 serves the
// 3,000 requests of [60.01 s, 90.01 s).
TEST_F(SteeringSimTest, ACachedDnsAnswerOutlivesTheFailoverByItsTtl) {
  const std::string yaml =
      failoverScenario("{by: geo, regions: {US: [us-east-1, eu-west-1]}, ttl: 30s, resolvers: 1}");
  const auto r = run(yaml);
  double errors = 0.0;
  for (const auto& f : r.figures) {
    if (f.path.starts_with("end_to_end/locations/US/errors/")) errors += f.value;
  }
  EXPECT_GE(errors, 2800.0);
  EXPECT_LE(errors, 2806.0);
  EXPECT_GE(value(r, "end_to_end/regions/eu-west-1/completed"), 2999.0);
  EXPECT_LE(value(r, "end_to_end/regions/eu-west-1/completed"), 3001.0);
}

// Random steering (by weight, wherever the client is): us-east-1 weight 3, eu-west-1 weight
// 1, no locations needed. Of 6,000 requests us-east-1 serves a binomial(6000, 3/4) share:
// within 4 standard deviations (sqrt(6000 x 3/16) = 33.5) of 4,500. With one resolver caching
// its answer for 10 minutes (longer than the run), every request goes to the one region it
// drew.
TEST_F(SteeringSimTest, RandomSteeringSplitsByWeight) {
  std::string yaml = scenario("{by: random, weights: {us-east-1: 3, eu-west-1: 1}}", "[]", {});
  yaml.replace(yaml.find("  locations: []\n"), 16, "");
  const auto r = run(yaml);
  const double us = value(r, "end_to_end/regions/us-east-1/completed");
  EXPECT_EQ(us + value(r, "end_to_end/regions/eu-west-1/completed"), 6000.0);
  EXPECT_NEAR(us, 4500.0, 4 * std::sqrt(6000.0 * 3.0 / 16.0));
  std::string cached = scenario(
      "{by: random, weights: {us-east-1: 3, eu-west-1: 1}, ttl: 10m, resolvers: 1}", "[]", {});
  cached.replace(cached.find("  locations: []\n"), 16, "");
  const auto c = run(cached);
  const double cachedUs = value(c, "end_to_end/regions/us-east-1/completed");
  EXPECT_TRUE(cachedUs == 0.0 || cachedUs == 6000.0) << cachedUs;
}

// An edge tier with no zone stands near the client: the hop from it to a region takes the
// location's latency, and the hop to it none (no client latency given): 2 x 20 ms + the
// edge's 1 ms + the entry's 1 ms + (app) 2 x 1 + 10 ms = 54 ms for US.
TEST_F(SteeringSimTest, AnEdgeWithNoZoneIsWhereTheClientIs) {
  std::string yaml = scenario("{by: latency}", "[{id: US}]", {"US"});
  yaml.replace(yaml.find("route: [entry, app]"), 19, "route: [edge, entry, app]");
  yaml += R"(  - id: edge
    service: {dist: deterministic, value: 1ms}
    replicas: 1
    replica: {workers: 100}
)";
  const auto r = run(yaml);
  EXPECT_EQ(value(r, "end_to_end/locations/US/completed"), 6000.0);
  EXPECT_NEAR(value(r, "end_to_end/locations/US/latency_s/mean"), 0.054, 1e-9);
}

}  // namespace
}  // namespace lbsim
