// Regions, zones and network latency in the scenario language: how replicas are placed,
// what the loader accepts, and the located errors for what it does not.
#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader.h"
#include "scenarios/writer.h"

#include "tests/support/scenario_text_test.h"
#include "tests/support/text_lines.h"

namespace lbsim::scenarios {
namespace {

// Line numbers in the tests below are 1-based positions in this text.
const std::string kPlaced = R"(name: placed
duration: 1m
regions:
  - {id: us-east-1, zones: [use1-az1, use1-az2, use1-az3]}
  - {id: eu-west-1, zones: [euw1-az1, euw1-az2]}
network:
  same_zone: 0.1ms
  cross_zone: {dist: lognormal, mean: 1ms, cv: 0.3}
  cross_region: 90ms
  client: 20ms
  between_regions:
    - {regions: [us-east-1, eu-west-1], latency: 70ms}
  links:
    - {from: client, to: alb, latency: 15ms}
traffic:
  phases: [{duration: 1m, rate: 10/s}]
  mix: [{class: get}]
classes:
  - id: get
    route: [alb, app]
tiers:
  - id: alb
    service: {dist: exponential, mean: 1ms}
    replicas: 3
    region: us-east-1
  - id: app
    service: {dist: exponential, mean: 10ms}
    replicas: 5
    zones: [use1-az1, use1-az2]
    targets: [{}, {zone: euw1-az1}]
    hold_worker: true
)";

using lbsim::testing::replaceLine;

class PlacementTest : public lbsim::testing::ScenarioTextTest {
 protected:
  PlacementTest() : ScenarioTextTest("placed.yaml") {}
};

TEST_F(PlacementTest, SpreadsReplicasOverZonesInTurn) {
  const auto spec = load(kPlaced);
  ASSERT_EQ(spec.regions.size(), 2u);
  const auto& alb = spec.tiers[0];
  EXPECT_EQ(alb.targets[0].zone, "use1-az1");
  EXPECT_EQ(alb.targets[1].zone, "use1-az2");
  EXPECT_EQ(alb.targets[2].zone, "use1-az3");
  const auto& app = spec.tiers[1];
  EXPECT_EQ(app.targets[0].zone, "use1-az1");
  EXPECT_EQ(app.targets[1].zone, "euw1-az1");  // its own zone wins over the spread
  EXPECT_EQ(app.targets[2].zone, "use1-az1");  // replica i goes to zone i mod 2
  EXPECT_EQ(app.targets[3].zone, "use1-az2");
  EXPECT_EQ(app.targets[4].zone, "use1-az1");
  EXPECT_TRUE(app.holdWorker);
  EXPECT_FALSE(alb.holdWorker);
  // The spread is kept for replicas added later.
  EXPECT_EQ(alb.zoneSpread, (std::vector<std::string>{"use1-az1", "use1-az2", "use1-az3"}));
  EXPECT_EQ(app.zoneSpread, (std::vector<std::string>{"use1-az1", "use1-az2"}));
}

// Targets added for an autoscaler's maximum (by the loader, or by the GUI's what-if for a
// larger one) copy the last replica and continue the spread; without one, no zone.
TEST_F(PlacementTest, AddedAutoscaledTargetsContinueTheSpread) {
  auto app = load(kPlaced).tiers[1];
  models::addAutoscaledTargets(app, 7);
  ASSERT_EQ(app.targets.size(), 7u);
  EXPECT_EQ(app.targets[5].name, "app-6");
  EXPECT_EQ(app.targets[5].zone, "use1-az2");  // replica i in zone i mod 2
  EXPECT_EQ(app.targets[6].zone, "use1-az1");
  app.zoneSpread.clear();
  models::addAutoscaledTargets(app, 8);
  EXPECT_EQ(app.targets[7].name, "app-8");
  EXPECT_EQ(app.targets[7].zone, "");  // not the zone of the replica it copies
}

TEST_F(PlacementTest, ReadsTheNetworkLatencies) {
  const auto spec = load(kPlaced);
  const auto& net = spec.network;
  ASSERT_TRUE(net.sameZone && net.crossZone && net.crossRegion && net.client);
  EXPECT_DOUBLE_EQ(net.sameZone->mean(), 0.0001);
  EXPECT_DOUBLE_EQ(net.crossZone->mean(), 0.001);
  EXPECT_DOUBLE_EQ(net.crossRegion->mean(), 0.09);
  ASSERT_EQ(net.regionPairs.size(), 1u);
  EXPECT_EQ(net.regionPairs[0].b, "eu-west-1");
  EXPECT_DOUBLE_EQ(net.regionPairs[0].latency.mean(), 0.07);
  ASSERT_EQ(net.links.size(), 1u);
  EXPECT_EQ(net.links[0].from, "client");
  EXPECT_DOUBLE_EQ(net.links[0].latency.mean(), 0.015);
}

TEST_F(PlacementTest, ResolvedScenarioRoundTrips) {
  const std::string once = resolvedScenarioYaml(load(kPlaced));
  const auto again = load(once);
  EXPECT_EQ(resolvedScenarioYaml(again), once);
  EXPECT_EQ(again.tiers[1].targets[1].zone, "euw1-az1");
  EXPECT_TRUE(again.tiers[1].holdWorker);
  EXPECT_EQ(again.network.links.size(), 1u);
}

TEST_F(PlacementTest, UnknownRegionOfATier) {
  EXPECT_EQ(errors(replaceLine(kPlaced, 25, "    region: ap-south-1")),
            "placed.yaml:25:13: unknown region 'ap-south-1' in tier 'alb'; allowed: us-east-1, "
            "eu-west-1");
}

TEST_F(PlacementTest, ZoneThatNoRegionDeclares) {
  EXPECT_EQ(errors(replaceLine(kPlaced, 29, "    zones: [use1-az1, use1-az9]")),
            "placed.yaml:29:12: tier 'app' places replica 'app-4' in zone 'use1-az9', which no "
            "region declares; allowed: euw1-az1, euw1-az2, use1-az1, use1-az2, use1-az3");
}

TEST_F(PlacementTest, ZonesAndRegionTogether) {
  EXPECT_EQ(errors(replaceLine(kPlaced, 25, "    region: us-east-1\n    zones: [use1-az1]")),
            "placed.yaml:25:13: tier 'alb' gives both zones and region; allowed: one of them");
}

TEST_F(PlacementTest, ZoneDeclaredTwice) {
  EXPECT_EQ(errors(replaceLine(kPlaced, 5, "  - {id: eu-west-1, zones: [euw1-az1, use1-az2]}")),
            "placed.yaml:5:39: zone 'use1-az2' is declared twice; allowed: each zone in one "
            "region");
}

TEST_F(PlacementTest, UnknownTierInALink) {
  EXPECT_EQ(errors(replaceLine(kPlaced, 14, "    - {from: client, to: nlb, latency: 15ms}")),
            "placed.yaml:14:26: unknown tier 'nlb' in network link; allowed: alb, app");
}

TEST_F(PlacementTest, UnknownRegionInARegionPair) {
  EXPECT_EQ(
      errors(replaceLine(kPlaced, 12, "    - {regions: [us-east-1, us-west-2], latency: 70ms}")),
      "placed.yaml:12:29: unknown region 'us-west-2'; allowed: us-east-1, eu-west-1");
}

TEST_F(PlacementTest, NegativeLatency) {
  EXPECT_EQ(errors(replaceLine(kPlaced, 7, "  same_zone: -1ms")).substr(0, 30),
            "placed.yaml:7:14: network same");
}

}  // namespace
}  // namespace lbsim::scenarios
