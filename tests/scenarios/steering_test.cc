// Where clients are and global load balancing by it, in the scenario language: traffic
// locations, the latency from each location to each region, and a balancer's steering; what
// the loader accepts and the located errors for what it does not.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader.h"
#include "scenarios/writer.h"

#include "tests/support/scenario_text_test.h"
#include "tests/support/text_lines.h"

namespace lbsim::scenarios {
namespace {

// Line numbers in the tests below are 1-based positions in this text.
const std::string kGeo = R"(name: geo
duration: 1m
regions:
  - {id: us-east-1, zones: [use1-az1]}
  - {id: eu-west-1, zones: [euw1-az1]}
network:
  locations:
    - {location: US, region: us-east-1, latency: 20ms}
    - {location: GB, region: eu-west-1, latency: {dist: lognormal, mean: 10ms, cv: 0.3}}
traffic:
  phases: [{duration: 1m, rate: 10/s}]
  locations:
    - {id: US, weight: 60}
    - {id: GB, weight: 30}
    - {id: JP}
  mix: [{class: get}]
classes:
  - {id: get, route: [glb]}
tiers:
  - id: glb
    service: {dist: exponential, mean: 1ms}
    replicas: 2
    zones: [use1-az1, euw1-az1]
    balancer:
      policy: least_conn
      steering:
        by: geo
        regions: {US: [us-east-1, eu-west-1], GB: [eu-west-1]}
        default: [us-east-1]
)";

using lbsim::testing::replaceLine;

class SteeringTest : public lbsim::testing::ScenarioTextTest {
 protected:
  SteeringTest() : ScenarioTextTest("geo.yaml") {}
};

TEST_F(SteeringTest, ReadsLocationsLatenciesAndSteering) {
  const auto spec = load(kGeo);
  ASSERT_EQ(spec.traffic.locations.size(), 3u);
  EXPECT_EQ(spec.traffic.locations[1].id, "GB");
  EXPECT_EQ(spec.traffic.locations[1].weight, 30.0);
  EXPECT_EQ(spec.traffic.locations[2].weight, 1.0);  // the default weight
  ASSERT_EQ(spec.network.locations.size(), 2u);
  EXPECT_EQ(spec.network.locations[1].region, "eu-west-1");
  EXPECT_DOUBLE_EQ(spec.network.locations[1].latency.mean(), 0.010);
  EXPECT_TRUE(spec.network.any());
  const auto& steering = spec.tiers[0].balancer.steering;
  ASSERT_TRUE(steering.has_value());
  EXPECT_EQ(steering->by, models::BalancerSpec::Steering::By::kGeo);
  ASSERT_EQ(steering->regions.size(), 2u);
  EXPECT_EQ(steering->regions[0].first, "US");
  EXPECT_EQ(steering->regions[0].second, (std::vector<std::string>{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(steering->fallback, (std::vector<std::string>{"us-east-1"}));
}

TEST_F(SteeringTest, AreasALocationIsWithinMayBeSteered) {
  std::string text = replaceLine(kGeo, 15, "    - {id: JP, within: [APAC, ASIA]}");
  text = replaceLine(text, 28, "        regions: {US: [us-east-1], ASIA: [eu-west-1]}");
  const auto spec = load(text);
  EXPECT_EQ(spec.traffic.locations[2].within, (std::vector<std::string>{"APAC", "ASIA"}));
  EXPECT_EQ(resolvedScenarioYaml(load(resolvedScenarioYaml(spec))), resolvedScenarioYaml(spec));
  EXPECT_EQ(errors(replaceLine(text, 15, "    - {id: JP, within: APAC}")),
            "geo.yaml:15:24: traffic location 'JP' within must be a list of the areas it is in, "
            "most specific first, such as [US, ENAM]\n"
            "geo.yaml:28:36: unknown client location 'ASIA' in tier 'glb' balancer steering "
            "regions; allowed: US, GB, JP (the traffic's locations and the areas they are "
            "within)");
}

TEST_F(SteeringTest, ResolvedScenarioRoundTrips) {
  const std::string once = resolvedScenarioYaml(load(kGeo));
  const auto again = load(once);
  EXPECT_EQ(resolvedScenarioYaml(again), once);
  EXPECT_EQ(again.traffic.locations.size(), 3u);
  EXPECT_EQ(again.network.locations.size(), 2u);
  ASSERT_TRUE(again.tiers[0].balancer.steering.has_value());
  EXPECT_EQ(again.tiers[0].balancer.steering->regions[1].second,
            (std::vector<std::string>{"eu-west-1"}));
}

TEST_F(SteeringTest, ByLatencyNeedsNoRegionList) {
  const std::string text = replaceLine(
      replaceLine(replaceLine(kGeo, 27, "        by: latency"), 28, "        # regions"), 29,
      "        # default");
  const auto spec = load(text);
  EXPECT_EQ(spec.tiers[0].balancer.steering->by, models::BalancerSpec::Steering::By::kLatency);
  EXPECT_TRUE(spec.tiers[0].balancer.steering->regions.empty());
}

TEST_F(SteeringTest, UnknownSteeringKind) {
  EXPECT_EQ(errors(replaceLine(kGeo, 27, "        by: proximity")),
            "geo.yaml:27:13: tier 'glb' balancer steering by 'proximity' is not known; allowed: "
            "geo, latency, random");
}

TEST_F(SteeringTest, UnknownRegionInTheSteering) {
  EXPECT_EQ(errors(replaceLine(kGeo, 28, "        regions: {US: [us-west-2], GB: [eu-west-1]}")),
            "geo.yaml:28:24: unknown region 'us-west-2' in tier 'glb' balancer steering regions "
            "of 'US'; allowed: us-east-1, eu-west-1");
}

TEST_F(SteeringTest, RegionListedTwice) {
  EXPECT_EQ(errors(replaceLine(kGeo, 29, "        default: [us-east-1, us-east-1]")),
            "geo.yaml:29:30: region 'us-east-1' is listed twice in tier 'glb' balancer steering "
            "default; allowed: each region once, in order of preference");
}

TEST_F(SteeringTest, UnknownLocationInTheSteering) {
  EXPECT_EQ(errors(replaceLine(kGeo, 28, "        regions: {US: [us-east-1], FR: [eu-west-1]}")),
            "geo.yaml:28:36: unknown client location 'FR' in tier 'glb' balancer steering "
            "regions; allowed: US, GB, JP (the traffic's locations and the areas they are within)");
}

TEST_F(SteeringTest, UnknownLocationInTheNetwork) {
  EXPECT_EQ(errors(replaceLine(kGeo, 8, "    - {location: DE, region: us-east-1, latency: 20ms}")),
            "geo.yaml:8:18: unknown client location 'DE' in network locations; allowed: US, GB, "
            "JP");
}

TEST_F(SteeringTest, UnknownRegionInTheNetwork) {
  EXPECT_EQ(errors(replaceLine(kGeo, 8, "    - {location: US, region: us-west-2, latency: 20ms}")),
            "geo.yaml:8:30: unknown region 'us-west-2' in network locations; allowed: "
            "us-east-1, eu-west-1");
}

TEST_F(SteeringTest, LatencyGivenTwice) {
  EXPECT_EQ(errors(replaceLine(kGeo, 9, "    - {location: US, region: us-east-1, latency: 30ms}")),
            "geo.yaml:9:7: the latency from 'US' to 'us-east-1' is given twice in network "
            "locations; allowed: once");
}

TEST_F(SteeringTest, LocationWeightMustBePositive) {
  EXPECT_EQ(errors(replaceLine(kGeo, 14, "    - {id: GB, weight: 0}")),
            "geo.yaml:14:24: traffic location 'GB' weight must be above 0; allowed: a share "
            "such as 40");
}

TEST_F(SteeringTest, LocationDeclaredTwice) {
  EXPECT_EQ(errors(replaceLine(kGeo, 15, "    - {id: US}")),
            "geo.yaml:15:12: traffic location 'US' is declared twice; allowed: each location "
            "once");
}

// The locations are read on their own: a mistake elsewhere in the traffic is reported
// alone, not again by everything that names a location.
TEST_F(SteeringTest, AMistakeElsewhereInTheTrafficDoesNotHideTheLocations) {
  const std::string e =
      errors(replaceLine(kGeo, 11, "  phases: [{duration: 1m, rate: 10/s}]\n  client_skew: -1"));
  EXPECT_EQ(e.find("location"), std::string::npos) << e;
  EXPECT_NE(e.find("geo.yaml:12:16: traffic client_skew must not be negative"), std::string::npos)
      << e;
}

TEST_F(SteeringTest, SteeringNeedsTrafficLocations) {
  std::string text =
      replaceLine(replaceLine(replaceLine(kGeo, 7, "  same_zone: 1ms"), 8, ""), 9, "");
  for (int line = 12; line <= 15; ++line)
    text = replaceLine(text, line, "");
  EXPECT_EQ(errors(replaceLine(text, 28, "")),
            "geo.yaml:27:9: tier 'glb' balancer steering steers by where clients are, and the "
            "traffic declares no locations; allowed: add traffic locations: [{id: US, weight: "
            "60}, ...]");
}

TEST_F(SteeringTest, LatencySteeringNeedsLatencies) {
  std::string text = replaceLine(replaceLine(kGeo, 7, "  same_zone: 1ms"), 8, "");
  text = replaceLine(replaceLine(replaceLine(text, 9, ""), 27, "        by: latency"), 28, "");
  EXPECT_EQ(errors(replaceLine(text, 29, "")),
            "geo.yaml:27:9: tier 'glb' balancer steering by latency needs the latency from each "
            "client location to the regions; allowed: add network locations: [{location: US, "
            "region: us-east-1, latency: 20ms}, ...]");
}

TEST_F(SteeringTest, GeoSteeringNeedsAnOrder) {
  EXPECT_EQ(errors(replaceLine(replaceLine(kGeo, 28, ""), 29, "")),
            "geo.yaml:27:9: tier 'glb' balancer steering by geo needs regions (the regions of "
            "each client location, in order) or default; allowed: regions: {US: [us-east-1]}, "
            "default: [us-east-1]");
}

TEST_F(SteeringTest, LatencySteeringTakesNoRegionList) {
  EXPECT_EQ(errors(replaceLine(kGeo, 27, "        by: latency")),
            "geo.yaml:28:18: tier 'glb' balancer steering by latency orders the regions by the "
            "clients' latency to them (network locations); allowed: regions and default only "
            "with by: geo");
}

TEST_F(SteeringTest, SteeringAndPreferTogether) {
  EXPECT_EQ(errors(replaceLine(kGeo, 25, "      policy: least_conn\n      prefer: same_region")),
            "geo.yaml:28:9: tier 'glb' balancer steering and prefer do not go together; "
            "allowed: one of them (steering keeps a client's requests in its region order, "
            "prefer keeps them in the caller's zone or region)");
}

TEST_F(SteeringTest, SteeredTierNeedsReplicasInRegions) {
  EXPECT_EQ(errors(replaceLine(kGeo, 23, "    # no zones")),
            "geo.yaml:27:9: tier 'glb' balancer steering needs replicas in regions, and tier "
            "'glb' has none; allowed: place them with region: or zones: of declared regions");
}

// Random steering by weight, a minimum of origins and DNS caching by shared resolvers.
std::string randomSteering(const std::string& rest) {
  return replaceLine(replaceLine(replaceLine(kGeo, 27, "        by: random"), 28,
                                 "        weights: {us-east-1: 3, eu-west-1: 0.5}"),
                     29, rest);
}

TEST_F(SteeringTest, ReadsRandomSteeringAndDnsCaching) {
  const auto spec = load(randomSteering("        ttl: 45s\n        resolvers: 200"));
  const auto& steering = *spec.tiers[0].balancer.steering;
  EXPECT_EQ(steering.by, models::BalancerSpec::Steering::By::kRandom);
  ASSERT_EQ(steering.weights.size(), 2u);
  EXPECT_EQ(steering.weights[1].first, "eu-west-1");
  EXPECT_EQ(steering.weights[1].second, 0.5);
  EXPECT_EQ(steering.ttl, 45.0);
  EXPECT_EQ(steering.resolvers, 200u);
  EXPECT_EQ(steering.minimumOrigins, 1u);
  const std::string once = resolvedScenarioYaml(spec);
  EXPECT_EQ(resolvedScenarioYaml(load(once)), once);
  EXPECT_NE(once.find("weights: {us-east-1: 3, eu-west-1: 0.5}, ttl: 45s, resolvers: 200"),
            std::string::npos)
      << once;
  // Random steering needs no client locations.
  std::string text = randomSteering("        ttl: 45s");
  for (const int line : {6, 7, 8, 9, 12, 13, 14, 15})
    text = replaceLine(text, line, "#");
  EXPECT_EQ(load(text).traffic.locations.size(), 0u);
}

TEST_F(SteeringTest, RandomSteeringTakesWeightsOnly) {
  EXPECT_EQ(errors(replaceLine(kGeo, 27, "        by: random")),
            "geo.yaml:28:18: tier 'glb' balancer steering by random draws a region by its weight "
            "for every client, wherever it is; allowed: weights: {us-east-1: 3, eu-west-1: 1} "
            "(regions and default only with by: geo)");
  EXPECT_EQ(errors(replaceLine(replaceLine(replaceLine(kGeo, 27, "        by: random"), 28, "#"),
                               29, "#")),
            "geo.yaml:27:9: tier 'glb' balancer steering by random needs the weights of the "
            "regions it answers with; allowed: weights: {us-east-1: 3, eu-west-1: 1}");
  EXPECT_EQ(errors(replaceLine(kGeo, 29, "        weights: {us-east-1: 1}")),
            "geo.yaml:29:18: tier 'glb' balancer steering weights go with by: random; allowed "
            "with by: geo: regions, default, minimum_origins, ttl, resolvers");
  EXPECT_EQ(errors(replaceLine(randomSteering("#"), 28, "        weights: {us-west-2: 3}")),
            "geo.yaml:28:19: unknown region 'us-west-2' in tier 'glb' balancer steering weights; "
            "allowed: us-east-1, eu-west-1");
  EXPECT_EQ(errors(replaceLine(randomSteering("#"), 28, "        weights: {us-east-1: -1}")),
            "geo.yaml:28:30: tier 'glb' balancer steering weight of 'us-east-1' must be a number "
            "of at least 0, not '-1'");
}

TEST_F(SteeringTest, ResolversNeedATtlAndOriginsTheirRegion) {
  EXPECT_EQ(errors(randomSteering("        resolvers: 10")),
            "geo.yaml:29:20: tier 'glb' balancer steering resolvers share cached DNS answers, and "
            "there is no ttl to cache them for; allowed: resolvers with ttl > 0, such as {ttl: "
            "60s, resolvers: 500}");
  EXPECT_EQ(errors(randomSteering("        ttl: -5s")),
            "geo.yaml:29:14: tier 'glb' balancer steering ttl must be zero or positive, not "
            "'-5s'; allowed: a duration such as 250ms, 30s, 5m, 1h");
  EXPECT_EQ(errors(randomSteering("        minimum_origins: 2")),
            "geo.yaml:29:26: tier 'glb' balancer steering minimum_origins is 2, and region "
            "'us-east-1' has 1 replica of tier 'glb', so it would never be used; allowed: at "
            "most the replicas of its smallest region");
}

}  // namespace
}  // namespace lbsim::scenarios
