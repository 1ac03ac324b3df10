// Stabilization and scaling rates against Kubernetes' own suite,
// pkg/controller/podautoscaler/horizontal_test.go (1.3x releases): TestNormalizeDesiredReplicas,
// TestNormalizeDesiredReplicasWithBehavior, TestScalingWithRules and TestStoreScaleEvents.
// The Go tests take time.Now() when they build their histories and again inside the
// function, so an event exactly one period old is already outside it; with one simulated
// `now` the strict comparisons give the same answer.
#include "models/autoscaling/hpa_behavior.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lbsim::models::autoscaling {
namespace {

constexpr double kNow = 10000.0;

// generateScalingRules(pods, podsPeriod, percent, percentPeriod, stabilizationWindow).
ScalingRules rules(std::int32_t pods, std::int32_t podsPeriod, std::int32_t percent,
                   std::int32_t percentPeriod, std::int32_t window) {
  ScalingRules r;
  r.stabilizationWindowSeconds = window;
  r.selectPolicy = SelectPolicy::kMax;
  r.policies = std::vector<ScalingPolicy>{};
  if (pods != 0) r.policies->push_back({ScalingPolicyType::kPods, pods, podsPeriod});
  if (percent != 0) r.policies->push_back({ScalingPolicyType::kPercent, percent, percentPeriod});
  return r;
}

// generateEventsUniformDistribution: the events spread over the last `period` seconds, each
// at the middle of its segment, the first the oldest (Go truncates the offset to whole
// seconds).
std::vector<TimestampedScaleEvent> uniformEvents(const std::vector<int>& changes, int period) {
  std::vector<TimestampedScaleEvent> events;
  const double segment = static_cast<double>(period) / static_cast<double>(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto offset =
        static_cast<long long>(period - segment * static_cast<double>(i + 1) + segment / 2.0);
    events.push_back({changes[i], kNow - static_cast<double>(offset), false});
  }
  return events;
}

struct RulesCase {
  std::string name;
  std::vector<TimestampedScaleEvent> up;
  std::vector<TimestampedScaleEvent> down;
  std::int32_t minReplicas;
  std::int32_t maxReplicas;
  std::optional<ScalingRules> scaleUp;
  std::optional<ScalingRules> scaleDown;
  std::int32_t current;
  std::int32_t desired;
  std::int32_t expected;
  std::string condition;
};

// TestScalingWithRules: convertDesiredReplicasWithBehaviorRate with rules defaulted by
// GenerateHPAScaleUpRules / GenerateHPAScaleDownRules. The expected counts and reasons are
// the Go table's; the comments are its own where it has them.
TEST(HpaBehavior, ScalingWithRules) {
  const std::vector<RulesCase> cases = {
      {"prenormalized desired replicas within range",
       {},
       {},
       3,
       8,
       {},
       {},
       5,
       7,
       7,
       "DesiredWithinRange"},
      {"prenormalized desired replicas < minReplicas",
       {},
       {},
       2,
       8,
       {},
       {},
       3,
       1,
       2,
       "TooFewReplicas"},
      {"prenormalized desired replicas within range when minReplicas is 0",
       {},
       {},
       0,
       10,
       {},
       {},
       1,
       0,
       0,
       "DesiredWithinRange"},
      {"maxReplicas is the limit because maxReplicas < scaleUpLimit",
       {},
       {},
       1,
       10,
       {},
       {},
       20,
       1000,
       10,
       "TooManyReplicas"},
      {"desired replica count is more than the maximum replica count",
       {},
       {},
       100,
       150,
       {},
       {},
       100,
       1000,
       150,
       "TooManyReplicas"},
      {"scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies",
       {},
       {},
       1,
       2000,
       rules(0, 0, 1, 60, 0),
       {},
       3,
       1000,
       4,
       "ScaleUpLimit"},
      {"scaleUp with default behavior", {}, {}, 1, 1000, {}, {}, 10, 50, 20, "ScaleUpLimit"},
      {"scaleUp with pods policy larger than percent policy",
       {},
       {},
       1,
       1000,
       rules(100, 60, 100, 60, 0),
       {},
       10,
       500,
       110,
       "ScaleUpLimit"},
      {"scaleUp with percent policy larger than pods policy",
       {},
       {},
       1,
       1000,
       rules(2, 60, 100, 60, 0),
       {},
       10,
       500,
       20,
       "ScaleUpLimit"},
      {"scaleUp with spec MaxReplicas limitation with large pod policy",
       {},
       {},
       1,
       1000,
       rules(100, 60, 0, 0, 0),
       {},
       10,
       50,
       50,
       "DesiredWithinRange"},
      {"scaleUp with pod policy limitation",
       {},
       {},
       1,
       1000,
       rules(30, 60, 0, 0, 0),
       {},
       10,
       50,
       40,
       "ScaleUpLimit"},
      {"scaleUp with percent policy limitation",
       {},
       {},
       1,
       1000,
       rules(0, 0, 200, 60, 0),
       {},
       10,
       50,
       30,
       "ScaleUpLimit"},
      {"scaleDown with percent policy larger than pod policy",
       {},
       {},
       1,
       1000,
       {},
       rules(20, 60, 1, 60, 300),
       100,
       2,
       80,
       "ScaleDownLimit"},
      {"scaleDown with pod policy larger than percent policy",
       {},
       {},
       1,
       1000,
       {},
       rules(2, 60, 1, 60, 300),
       100,
       2,
       98,
       "ScaleDownLimit"},
      {"scaleDown with spec MinReplicas limitation with large percent policy",
       {},
       {},
       5,
       1000,
       {},
       rules(0, 0, 100, 60, 300),
       10,
       2,
       5,
       "TooFewReplicas"},
      {"scaleDown with pod policy limitation",
       {},
       {},
       1,
       1000,
       {},
       rules(5, 60, 0, 0, 300),
       10,
       2,
       5,
       "ScaleDownLimit"},
      {"scaleDown with percent policy limitation",
       {},
       {},
       1,
       1000,
       {},
       rules(0, 0, 50, 60, 300),
       10,
       5,
       5,
       "DesiredWithinRange"},
      // 200 < 100 - 15 + 300
      {"scaleUp with spec MaxReplicas limitation with large pod policy and events",
       uniformEvents({1, 5, 9}, 120),
       {},
       1,
       200,
       rules(300, 60, 0, 0, 0),
       {},
       100,
       500,
       200,
       "TooManyReplicas"},
      // 120 seconds ago we had (100 - 15) replicas, now the rate.Pods = 5
      {"scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent "
       "scale up events",
       uniformEvents({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(5, 120, 0, 0, 0),
       {},
       100,
       500,
       100,
       "ScaleUpLimit"},
      // 100 - 15 + 150
      {"scaleUp with pod policy and previous scale up events",
       uniformEvents({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(150, 120, 0, 0, 0),
       {},
       100,
       500,
       235,
       "ScaleUpLimit"},
      // (100 - 15) + 200%
      {"scaleUp with percent policy and previous scale up events",
       uniformEvents({1, 5, 9}, 120),
       {},
       1,
       1000,
       rules(0, 0, 200, 120, 0),
       {},
       100,
       500,
       255,
       "ScaleUpLimit"},
      {"scaleUp with percent policy and previous scale up and down events",
       uniformEvents({4}, 120),
       uniformEvents({2}, 120),
       1,
       1000,
       rules(0, 0, 300, 300, 0),
       {},
       6,
       24,
       16,
       "ScaleUpLimit"},
      // without scaleDown rate limitations the PeriodSeconds does not influence anything
      {"scaleDown with default policy and previous events",
       {},
       uniformEvents({1, 5, 9}, 120),
       1,
       1000,
       {},
       {},
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"scaleDown with spec MinReplicas limitation with large pod policy and previous events",
       {},
       uniformEvents({1, 5, 9}, 120),
       5,
       1000,
       {},
       rules(130, 120, 0, 0, 300),
       100,
       0,
       5,
       "TooFewReplicas"},
      // 100 + 15 - 5
      {"scaleDown with pod policy limitation and previous events",
       {},
       uniformEvents({1, 5, 9}, 120),
       1,
       1000,
       {},
       rules(5, 120, 0, 0, 300),
       100,
       2,
       100,
       "ScaleDownLimit"},
      // (100 + 12) - 50%
      {"scaleDown with percent policy limitation and previous events",
       {},
       uniformEvents({2, 4, 6}, 120),
       1,
       1000,
       {},
       rules(0, 0, 50, 120, 300),
       100,
       0,
       56,
       "ScaleDownLimit"},
      {"scaleDown with percent policy and previous scale up and down events",
       uniformEvents({2}, 120),
       uniformEvents({4}, 120),
       1,
       1000,
       {},
       rules(0, 0, 50, 180, 0),
       10,
       1,
       6,
       "ScaleDownLimit"},
      // (100 + 30) - 10% = 117 is more then 100 (currentReplicas), keep 100
      {"scaleDown with previous events preventing further scale down",
       {},
       uniformEvents({10, 10, 10}, 120),
       1,
       1000,
       {},
       rules(0, 0, 10, 120, 300),
       100,
       0,
       100,
       "ScaleDownLimit"},
      // (10 + 30) - 1000% = -360 is less than 0 and less then 5 (desired by metrics), set 5
      {"scaleDown with with previous events still allowing more scale down",
       {},
       uniformEvents({10, 10, 10}, 120),
       1,
       1000,
       {},
       rules(0, 0, 1000, 120, 300),
       10,
       5,
       5,
       "DesiredWithinRange"},
      {"check 'outdated' flag for events for one behavior for up",
       uniformEvents({8, 12, 9, 11}, 120),
       {},
       1,
       1000,
       rules(1000, 60, 0, 0, 0),
       {},
       100,
       200,
       200,
       "DesiredWithinRange"},
      {"check that events were marked 'outdated' for two different policies in the behavior for "
       "down",
       {},
       uniformEvents({8, 12, 9, 11}, 120),
       1,
       1000,
       {},
       rules(1000, 30, 100, 60, 300),
       100,
       5,
       5,
       "DesiredWithinRange"},
  };
  for (const RulesCase& tc : cases) {
    NormalizationArg args;
    args.scaleUp = generateScaleUpRules(tc.scaleUp);
    args.scaleDown = generateScaleDownRules(tc.scaleDown);
    args.minReplicas = tc.minReplicas;
    args.maxReplicas = tc.maxReplicas;
    args.currentReplicas = tc.current;
    args.desiredReplicas = tc.desired;
    const Decision d = convertDesiredReplicasWithBehaviorRate(args, tc.up, tc.down, kNow);
    EXPECT_EQ(d.replicas, tc.expected) << tc.name;
    EXPECT_EQ(d.reason, tc.condition) << tc.name;
    EXPECT_FALSE(d.message.empty()) << tc.name;
  }
}

// selectPolicy: Min picks the policy allowing the smallest change, Disabled forbids the
// direction. 10 replicas, policies 4 Pods and 100 Percent per 15 s: Max allows 20, Min 14.
TEST(HpaBehavior, SelectPolicy) {
  ScalingRules up = generateScaleUpRules(std::nullopt);
  EXPECT_EQ(calculateScaleUpLimitWithScalingRules(10, {}, {}, up, kNow), 20);
  up.selectPolicy = SelectPolicy::kMin;
  EXPECT_EQ(calculateScaleUpLimitWithScalingRules(10, {}, {}, up, kNow), 14);
  up.selectPolicy = SelectPolicy::kDisabled;
  EXPECT_EQ(calculateScaleUpLimitWithScalingRules(10, {}, {}, up, kNow), 10);

  // The seed's user-service scale-down: 10% per 60 s of 15 replicas is int(13.5) = 13.
  ScalingRules down = rules(0, 0, 10, 60, 300);
  EXPECT_EQ(calculateScaleDownLimitWithBehaviors(15, {}, {}, down, kNow), 13);
  // Min (the smallest change) among 2 Pods and 50% of 5: max(3, 2) = 3
  // (TestCalculateScaleDownLimitWithBehaviors in horizontal_test.go).
  ScalingRules twoPolicies = rules(2, 60, 50, 60, 300);
  twoPolicies.selectPolicy = SelectPolicy::kMin;
  EXPECT_EQ(calculateScaleDownLimitWithBehaviors(5, {}, {}, twoPolicies, kNow), 3);
  down.selectPolicy = SelectPolicy::kDisabled;
  NormalizationArg args;
  args.scaleUp = generateScaleUpRules(std::nullopt);
  args.scaleDown = down;
  args.minReplicas = 1;
  args.maxReplicas = 20;
  args.currentReplicas = 15;
  args.desiredReplicas = 5;
  const Decision d = convertDesiredReplicasWithBehaviorRate(args, {}, {}, kNow);
  EXPECT_EQ(d.replicas, 15);
  EXPECT_EQ(d.reason, "ScaleDownLimit");
}

struct StabilizationCase {
  std::string name;
  std::vector<TimestampedRecommendation> recommendations;
  std::int32_t current;
  std::int32_t desired;
  std::int32_t expected;
  std::vector<std::int32_t> expectedRecommendations;  // empty: not checked
  std::int32_t upWindow;
  std::int32_t downWindow;
};

// TestNormalizeDesiredReplicasWithBehavior: stabilizeRecommendationWithBehaviors.
TEST(HpaBehavior, NormalizeDesiredReplicasWithBehavior) {
  const double m = 60.0;
  const std::vector<StabilizationCase> cases = {
      {"empty recommendations for scaling down", {}, 100, 5, 5, {5}, 0, 0},
      {"simple scale down stabilization",
       {{4, kNow - 2 * m}, {5, kNow - 1 * m}},
       100,
       3,
       5,
       {4, 5, 3},
       0,
       3 * 60},
      {"simple scale up stabilization",
       {{4, kNow - 2 * m}, {5, kNow - 1 * m}},
       1,
       7,
       4,
       {4, 5, 7},
       5 * 60,
       0},
      {"no scale down stabilization",
       {{1, kNow - 2 * m}, {2, kNow - 1 * m}},
       100,
       3,
       3,
       {1, 2, 3},
       5 * 60,
       0},
      {"no scale up stabilization",
       {{4, kNow - 2 * m}, {5, kNow - 1 * m}},
       1,
       3,
       3,
       {4, 5, 3},
       0,
       5 * 60},
      {"no scale down stabilization, reuse recommendation element",
       {{10, kNow - 10 * m}, {9, kNow - 9 * m}},
       100,
       3,
       3,
       {10, 3},
       0,
       0},
      {"no scale up stabilization, reuse recommendation element",
       {{10, kNow - 10 * m}, {9, kNow - 9 * m}},
       1,
       100,
       100,
       {10, 100},
       0,
       0},
      {"scale down stabilization, reuse one of obsolete recommendation element",
       {{10, kNow - 10 * m}, {4, kNow - 1 * m}, {5, kNow - 2 * m}, {9, kNow - 9 * m}},
       100,
       3,
       5,
       {10, 4, 5, 3},
       0,
       3 * 60},
      // only the first recommendation is obsolete for both directions
      {"scale up stabilization, reuse one of obsolete recommendation element",
       {{10, kNow - 100 * m}, {6, kNow - 1 * m}, {5, kNow - 2 * m}, {9, kNow - 3 * m}},
       1,
       100,
       5,
       {100, 6, 5, 9},
       300,
       0},
      {"scale up and down stabilization, do not scale up when prenormalized rec goes down",
       {{2, kNow - 100 * m}, {3, kNow - 3 * m}},
       2,
       1,
       2,
       {},
       300,
       300},
      {"scale up and down stabilization, do not scale down when prenormalized rec goes up",
       {{2, kNow - 100 * m}, {1, kNow - 3 * m}},
       2,
       3,
       2,
       {},
       300,
       300},
  };
  for (const StabilizationCase& tc : cases) {
    std::vector<TimestampedRecommendation> history = tc.recommendations;
    NormalizationArg args;
    args.currentReplicas = tc.current;
    args.desiredReplicas = tc.desired;
    args.scaleUp.stabilizationWindowSeconds = tc.upWindow;
    args.scaleDown.stabilizationWindowSeconds = tc.downWindow;
    const Decision d = stabilizeRecommendationWithBehaviors(history, kNow, args);
    EXPECT_EQ(d.replicas, tc.expected) << tc.name;
    if (tc.expectedRecommendations.empty()) continue;
    ASSERT_EQ(history.size(), tc.expectedRecommendations.size()) << tc.name;
    for (std::size_t i = 0; i < history.size(); ++i) {
      EXPECT_EQ(history[i].recommendation, tc.expectedRecommendations[i]) << tc.name << " " << i;
    }
  }
}

// TestNormalizeDesiredReplicas: stabilizeRecommendation (no behavior), 5 minute window.
TEST(HpaBehavior, NormalizeDesiredReplicas) {
  const double m = 60.0;
  struct LegacyCase {
    std::string name;
    std::vector<TimestampedRecommendation> recommendations;
    std::int32_t desired;
    std::int32_t expected;
    std::size_t logLength;
  };
  const std::vector<LegacyCase> cases = {
      {"empty log", {}, 5, 5, 1},
      {"stabilize", {{4, kNow - 2 * m}, {5, kNow - 1 * m}}, 3, 5, 3},
      {"no stabilize", {{1, kNow - 2 * m}, {2, kNow - 1 * m}}, 3, 3, 3},
      {"no stabilize - old recommendations", {{10, kNow - 10 * m}, {9, kNow - 9 * m}}, 3, 3, 2},
      {"stabilize - old recommendations",
       {{10, kNow - 10 * m}, {4, kNow - 1 * m}, {5, kNow - 2 * m}, {9, kNow - 9 * m}},
       3,
       5,
       4},
  };
  for (const LegacyCase& tc : cases) {
    std::vector<TimestampedRecommendation> history = tc.recommendations;
    EXPECT_EQ(stabilizeRecommendation(history, kNow, 300.0, tc.desired), tc.expected) << tc.name;
    EXPECT_EQ(history.size(), tc.logLength) << tc.name;
  }
}

// TestStoreScaleEvents: the change in the last 60 s before storing, and the history after
// storing a change of 5 (up and down alike).
TEST(HpaBehavior, StoreScaleEvents) {
  struct StoreCase {
    std::string name;
    std::vector<TimestampedScaleEvent> previous;
    std::optional<ScalingRules> rules;
    std::int32_t expectedChange;
    std::vector<std::pair<std::int32_t, bool>> expected;  // {replicaChange, outdated}
  };
  const std::vector<StoreCase> cases = {
      {"empty entries with default behavior", {}, std::nullopt, 0, {}},
      {"empty entries with two-policy-behavior", {}, rules(10, 60, 100, 60, 0), 0, {{5, false}}},
      {"one outdated entry to be kept untouched without behavior",
       {{7, kNow - 61, false}},
       std::nullopt,
       0,
       {{7, false}}},
      {"one outdated entry to be replaced with behavior",
       {{7, kNow - 61, false}},
       rules(10, 60, 100, 60, 0),
       0,
       {{5, false}}},
      {"one actual entry to be not touched with behavior",
       {{7, kNow - 58, false}},
       rules(10, 60, 100, 60, 0),
       7,
       {{7, false}, {5, false}}},
      {"two entries, one of them to be replaced",
       {{7, kNow - 61, false}, {6, kNow - 59, false}},
       rules(10, 60, 0, 0, 0),
       6,
       {{5, false}, {6, false}}},
      {"replace one entry, use policies with different periods",
       {{8, kNow - 29, false}, {6, kNow - 59, false}, {7, kNow - 61, false}, {9, kNow - 61, false}},
       rules(10, 60, 100, 30, 0),
       14,
       {{8, false}, {6, false}, {7, true}, {5, false}}},
      {"two entries, both actual",
       {{7, kNow - 58, false}, {6, kNow - 59, false}},
       rules(10, 120, 100, 30, 0),
       13,
       {{7, false}, {6, false}, {5, false}}},
  };
  for (const StoreCase& tc : cases) {
    for (const bool up : {true, false}) {
      std::vector<TimestampedScaleEvent> upEvents;
      std::vector<TimestampedScaleEvent> downEvents;
      (up ? upEvents : downEvents) = tc.previous;
      EXPECT_EQ(getReplicasChangePerPeriod(60, up ? upEvents : downEvents, kNow), tc.expectedChange)
          << tc.name;
      Behavior behavior;
      (up ? behavior.scaleUp : behavior.scaleDown) = tc.rules;
      storeScaleEvent(tc.rules ? &behavior : nullptr, upEvents, downEvents, 10, up ? 15 : 5, kNow);
      const auto& events = up ? upEvents : downEvents;
      ASSERT_EQ(events.size(), tc.expected.size()) << tc.name << (up ? " up" : " down");
      for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].replicaChange, tc.expected[i].first) << tc.name << " " << i;
        EXPECT_EQ(events[i].outdated, tc.expected[i].second) << tc.name << " " << i;
      }
    }
  }
}

// convertDesiredReplicasWithRules, the path of HPAs without `behavior`: the scale-up cap is
// max(2 x current, 4). From 3 replicas to a desired 10 with maxReplicas 20: 6, ScaleUpLimit.
TEST(HpaBehavior, ConvertDesiredReplicasWithRules) {
  Decision d = convertDesiredReplicasWithRules(3, 10, 1, 20);
  EXPECT_EQ(d.replicas, 6);
  EXPECT_EQ(d.reason, "ScaleUpLimit");
  d = convertDesiredReplicasWithRules(1, 10, 1, 20);
  EXPECT_EQ(d.replicas, 4);
  d = convertDesiredReplicasWithRules(3, 10, 1, 5);
  EXPECT_EQ(d.replicas, 5);
  EXPECT_EQ(d.reason, "TooManyReplicas");
  d = convertDesiredReplicasWithRules(3, 1, 2, 5);
  EXPECT_EQ(d.replicas, 2);
  EXPECT_EQ(d.reason, "TooFewReplicas");
  d = convertDesiredReplicasWithRules(3, 4, 2, 5);
  EXPECT_EQ(d.reason, "DesiredWithinRange");
}

}  // namespace
}  // namespace lbsim::models::autoscaling
