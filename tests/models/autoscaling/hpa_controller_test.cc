// The whole reconcile loop against controller-level cases of Kubernetes' suite,
// pkg/controller/podautoscaler/horizontal_test.go (1.3x releases). That suite sets
// scaleUpLimitFactor = 8 in its init() "so we don't accidentally run into it"; so does this
// fixture. Its pods start at the zero time and are ready, each requesting `reportedCPURequests`
// and using `reportedLevels` (milli-cores, or milli-units of a custom metric).
#include "models/autoscaling/hpa_controller.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace lbsim::models::autoscaling {
namespace {

class FakeSource final : public HpaMetricsSource {
 public:
  std::vector<PodInfo> podList;
  std::map<std::string, PodMetrics> resources;
  std::map<std::string, PodMetrics> custom;
  std::map<std::string, std::int64_t> objects;
  std::map<std::string, std::vector<std::int64_t>> external;

  std::vector<PodInfo> pods() const override { return podList; }
  std::optional<PodMetrics> resourceMetric(const std::string& r) const override {
    const auto it = resources.find(r);
    return it == resources.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<PodMetrics> podsMetric(const std::string& m) const override {
    const auto it = custom.find(m);
    return it == custom.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<std::int64_t> objectMetric(const std::string& m) const override {
    const auto it = objects.find(m);
    return it == objects.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<std::vector<std::int64_t>> externalMetric(const std::string& m) const override {
    const auto it = external.find(m);
    return it == external.end() ? std::nullopt : std::optional(it->second);
  }
};

// Pods test-pod-i requesting `requests[i]` cores of cpu, with `levels[i]` as the sample of
// `metric` (a resource name, or a custom metric when `custom`).
FakeSource cluster(const std::vector<double>& requests, const std::vector<std::int64_t>& levels,
                   const std::string& metric = "cpu", bool custom = false) {
  FakeSource s;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    PodInfo pod;
    pod.name = "test-pod-" + std::to_string(i);
    pod.startTime = 0.0;
    pod.readyCondition = ReadyCondition{true, 0.0};
    pod.requestsMilli["cpu"] = std::llround(requests[i] * 1000.0);
    s.podList.push_back(pod);
  }
  PodMetrics samples;
  for (std::size_t i = 0; i < levels.size(); ++i)
    samples["test-pod-" + std::to_string(i)] = PodMetric{levels[i], 0.0, 60.0};
  (custom ? s.custom : s.resources)[metric] = samples;
  return s;
}

MetricSpec cpuTarget(std::int32_t percent) {
  MetricSpec m;
  m.type = MetricSourceType::kResource;
  m.name = "cpu";
  m.target = {MetricTargetType::kUtilization, percent, 0};
  return m;
}

MetricSpec podsTarget(const std::string& name, std::int64_t averageMilli) {
  MetricSpec m;
  m.type = MetricSourceType::kPods;
  m.name = name;
  m.target = {MetricTargetType::kAverageValue, 0, averageMilli};
  return m;
}

HpaSpec hpa(std::int32_t minReplicas, std::int32_t maxReplicas, std::vector<MetricSpec> metrics) {
  HpaSpec s;
  s.name = "test-hpa";
  s.minReplicas = minReplicas;
  s.maxReplicas = maxReplicas;
  s.metrics = std::move(metrics);
  return s;
}

struct Fixture {
  core::Simulator sim;  // the clock; the suite runs at "time.Now()", far from the zero time
  HpaControllerConfig config;
  Fixture() {
    config.scaleUpLimitFactor = 8.0;
    config.calculator.cpuInitializationPeriod = 120.0;
    config.calculator.delayOfInitialReadinessStatus = 10.0;
    sim.at(1.0e6, [](double) {});
    sim.run();
  }
  // One reconcile; `emptyHistory` is the suite's `recommendations: []timestampedRecommendation{}`,
  // which keeps the current count out of the stabilization window.
  HpaDecision reconcile(const HpaSpec& spec, std::int32_t replicas, const FakeSource& source,
                        bool emptyHistory) {
    HpaController controller(spec, config, sim.clock());
    if (emptyHistory) controller.seedRecommendations({});
    return controller.reconcile({replicas, replicas}, source);
  }
};

std::string conditionReason(const HpaDecision& d, const std::string& type) {
  for (const Condition& c : d.conditions) {
    if (c.type == type) return c.reason;
  }
  return "";
}

// TestScaleUp: 50% against 30%: 5, within range.
TEST(HpaController, ScaleUp) {
  Fixture f;
  const auto d =
      f.reconcile(hpa(2, 6, {cpuTarget(30)}), 3, cluster({1, 1, 1}, {300, 500, 700}), false);
  EXPECT_EQ(d.desiredReplicas, 5);
  EXPECT_TRUE(d.rescale);
  EXPECT_EQ(d.reason, "DesiredWithinRange");
  EXPECT_EQ(conditionReason(d, "AbleToScale"), "SucceededRescale");
  EXPECT_EQ(conditionReason(d, "ScalingActive"), "ValidMetricFound");
  EXPECT_EQ(d.rescaleReason, "cpu resource utilization (percentage of request) above target");
  ASSERT_EQ(d.metrics.size(), 1u);
  EXPECT_EQ(*d.metrics[0].calculation.utilization, 50);
}

// TestScaleUpCM: Pods metric qps averaging 20 against 15: 4.
TEST(HpaController, ScaleUpCustomMetric) {
  Fixture f;
  const auto d = f.reconcile(hpa(2, 6, {podsTarget("qps", 15000)}), 3,
                             cluster({1, 1, 1}, {20000, 10000, 30000}, "qps", true), false);
  EXPECT_EQ(d.desiredReplicas, 4);
  EXPECT_EQ(d.rescaleReason, "pods metric qps above target");
}

// TestScaleUpCMUnreadyandCpuHot: readiness does not apply to Pods metrics; 7 is capped by
// maxReplicas: 6, TooManyReplicas.
TEST(HpaController, ScaleUpCustomMetricCappedByMax) {
  Fixture f;
  FakeSource s = cluster({1, 1, 1}, {50000, 15000, 30000}, "qps", true);
  s.podList[0].readyCondition->ready = false;
  s.podList[2].readyCondition->ready = false;
  const auto d = f.reconcile(hpa(2, 6, {podsTarget("qps", 15000)}), 3, s, false);
  EXPECT_EQ(d.metricReplicas, 7);
  EXPECT_EQ(d.desiredReplicas, 6);
  EXPECT_EQ(d.reason, "TooManyReplicas");
  EXPECT_EQ(conditionReason(d, "ScalingLimited"), "TooManyReplicas");
}

// TestScaleDown: 28% against 50%: 3, with an empty recommendation history.
TEST(HpaController, ScaleDown) {
  Fixture f;
  const auto d = f.reconcile(hpa(2, 6, {cpuTarget(50)}), 5,
                             cluster({1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}), true);
  EXPECT_EQ(d.desiredReplicas, 3);
  EXPECT_EQ(d.rescaleReason, "All metrics below target");
}

// The same without the empty history: the controller's first sync records the current count
// (recordInitialRecommendation), and the 5 minute scale-down window holds it at 5.
TEST(HpaController, ScaleDownStabilizedByInitialRecommendation) {
  Fixture f;
  const auto d = f.reconcile(hpa(2, 6, {cpuTarget(50)}), 5,
                             cluster({1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}), false);
  EXPECT_EQ(d.desiredReplicas, 5);
  EXPECT_FALSE(d.rescale);
  EXPECT_EQ(d.stabilizationReason, "ScaleDownStabilized");
  EXPECT_EQ(conditionReason(d, "AbleToScale"), "ScaleDownStabilized");
}

// TestScaleDownWithScalingRules: with a behavior (scaleUp 100% / 15 s, window 30 s;
// scaleDown defaulted): 3.
TEST(HpaController, ScaleDownWithScalingRules) {
  Fixture f;
  HpaSpec spec = hpa(2, 6, {cpuTarget(50)});
  ScalingRules up;
  up.stabilizationWindowSeconds = 30;
  up.selectPolicy = SelectPolicy::kMax;
  up.policies = std::vector<ScalingPolicy>{{ScalingPolicyType::kPercent, 100, 15}};
  spec.behavior = Behavior{up, std::nullopt};
  const auto d = f.reconcile(spec, 5, cluster({1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}), true);
  EXPECT_EQ(d.desiredReplicas, 3);
  EXPECT_EQ(d.reason, "DesiredWithinRange");
}

// TestToleranceCM: qps averaging 20.333 against 20 is within tolerance: keep 3,
// AbleToScale ReadyForNewScale.
TEST(HpaController, ToleranceCustomMetric) {
  Fixture f;
  const auto d = f.reconcile(hpa(1, 5, {podsTarget("qps", 20000)}), 3,
                             cluster({0.9, 1.0, 1.1}, {20000, 20001, 21000}, "qps", true), false);
  EXPECT_EQ(d.desiredReplicas, 3);
  EXPECT_FALSE(d.rescale);
  EXPECT_EQ(conditionReason(d, "AbleToScale"), "ReadyForNewScale");
  EXPECT_EQ(conditionReason(d, "ScalingLimited"), "DesiredWithinRange");
}

// TestMinReplicas: 3% against 90% asks for 1; minReplicas 2: TooFewReplicas.
TEST(HpaController, MinReplicas) {
  Fixture f;
  const auto d =
      f.reconcile(hpa(2, 5, {cpuTarget(90)}), 3, cluster({0.9, 1.0, 1.1}, {10, 95, 10}), true);
  EXPECT_EQ(d.desiredReplicas, 2);
  EXPECT_EQ(d.reason, "TooFewReplicas");
  EXPECT_EQ(conditionReason(d, "ScalingLimited"), "TooFewReplicas");
}

// TestZeroMinReplicasDesiredZero: with minReplicas 0 an idle target goes to 0.
TEST(HpaController, ZeroMinReplicasDesiredZero) {
  Fixture f;
  const auto d =
      f.reconcile(hpa(0, 5, {cpuTarget(90)}), 3, cluster({0.9, 1.0, 1.1}, {0, 0, 0}), true);
  EXPECT_EQ(d.desiredReplicas, 0);
  EXPECT_EQ(d.reason, "DesiredWithinRange");
}

// TestMaxReplicas: 616% against 90% asks for 21; maxReplicas 5: TooManyReplicas.
TEST(HpaController, MaxReplicas) {
  Fixture f;
  const auto d = f.reconcile(hpa(2, 5, {cpuTarget(90)}), 3,
                             cluster({0.9, 1.0, 1.1}, {8000, 9500, 1000}), false);
  EXPECT_EQ(d.desiredReplicas, 5);
  EXPECT_EQ(d.reason, "TooManyReplicas");
}

// TestSuperfluousMetrics: 24 capped at 6.
TEST(HpaController, SuperfluousMetrics) {
  Fixture f;
  const auto d = f.reconcile(hpa(2, 6, {cpuTarget(100)}), 4,
                             cluster({1, 1, 1, 1}, {4000, 9500, 3000, 7000, 3200, 2000}), false);
  EXPECT_EQ(d.desiredReplicas, 6);
  EXPECT_EQ(d.reason, "TooManyReplicas");
}

// TestTooFewReplicas, TestTooManyReplicas, TestZeroReplicas: the count is brought within
// [min, max] before any metric is read; a target scaled to zero is left alone.
TEST(HpaController, OutOfRangeAndDisabled) {
  Fixture f;
  auto d = f.reconcile(hpa(3, 5, {cpuTarget(90)}), 2, FakeSource{}, false);
  EXPECT_EQ(d.desiredReplicas, 3);
  EXPECT_EQ(d.rescaleReason, "Current number of replicas below Spec.MinReplicas");
  d = f.reconcile(hpa(3, 5, {cpuTarget(90)}), 10, FakeSource{}, false);
  EXPECT_EQ(d.desiredReplicas, 5);
  EXPECT_EQ(d.rescaleReason, "Current number of replicas above Spec.MaxReplicas");
  d = f.reconcile(hpa(3, 5, {cpuTarget(90)}), 0, FakeSource{}, false);
  EXPECT_EQ(d.desiredReplicas, 0);
  EXPECT_FALSE(d.rescale);
  EXPECT_EQ(conditionReason(d, "ScalingActive"), "ScalingDisabled");
}

// TestScaleUpOneMetricEmpty: one metric fails (an External metric with no value) and the
// other asks for a scale-up: the controller scales on the valid one, 4.
TEST(HpaController, ScaleUpOneMetricEmpty) {
  Fixture f;
  MetricSpec qps;
  qps.type = MetricSourceType::kExternal;
  qps.name = "qps";
  qps.target = {MetricTargetType::kValue, 0, 100};
  const auto d =
      f.reconcile(hpa(2, 6, {cpuTarget(30), qps}), 3, cluster({1, 1, 1}, {300, 400, 500}), false);
  EXPECT_EQ(d.desiredReplicas, 4);
  ASSERT_EQ(d.metrics.size(), 2u);
  EXPECT_FALSE(d.metrics[1].calculation.ok);
}

// TestNoScaleDownOneMetricEmpty: the valid metric asks for a scale-down (3) but another is
// invalid: no scaling on partial information; ScalingActive False, FailedGetExternalMetric.
TEST(HpaController, NoScaleDownOneMetricEmpty) {
  Fixture f;
  MetricSpec qps;
  qps.type = MetricSourceType::kExternal;
  qps.name = "qps";
  qps.target = {MetricTargetType::kValue, 0, 1000};
  const auto d = f.reconcile(hpa(2, 6, {cpuTarget(50), qps}), 5,
                             cluster({1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}), true);
  EXPECT_EQ(d.desiredReplicas, 5);
  EXPECT_FALSE(d.rescale);
  EXPECT_EQ(d.reason, "FailedComputeMetricsReplicas");
  EXPECT_EQ(conditionReason(d, "ScalingActive"), "FailedGetExternalMetric");
  EXPECT_NE(d.message.find("invalid metrics (1 invalid out of 2)"), std::string::npos);
}

// Several metrics: the largest proposal wins (computeReplicasForMetrics). cpu asks for 5,
// qps for 4: 5, set by cpu.
TEST(HpaController, SeveralMetricsTakeTheLargestProposal) {
  Fixture f;
  FakeSource s = cluster({1, 1, 1}, {300, 500, 700});
  for (std::size_t i = 0; i < 3; ++i)
    s.custom["qps"]["test-pod-" + std::to_string(i)] = PodMetric{20000, 0.0, 60.0};
  const auto d = f.reconcile(hpa(1, 10, {podsTarget("qps", 15000), cpuTarget(30)}), 3, s, false);
  EXPECT_EQ(d.metricReplicas, 5);
  EXPECT_EQ(d.metric, "cpu resource utilization (percentage of request)");
  EXPECT_EQ(d.desiredReplicas, 5);
}

// Over successive syncs with a behavior: the seed's user-service scale-up (Max of 50% and
// 2 Pods per 60 s, window 60 s) from 3 replicas at 700% of a 70% target (wanting 30, capped
// at 15). The current count, recorded at the first sync, holds the scale-up window's
// minimum at 3 until it is 60 s old (the window excludes a sample exactly 60 s old); then
// the policies allow max(ceil(3 x 1.5), 3 + 2) = 5 per 60 s, counted from the count at the
// start of the period.
TEST(HpaController, BehaviorOverSuccessiveSyncs) {
  core::Simulator sim;
  HpaSpec spec = hpa(3, 15, {cpuTarget(70)});
  ScalingRules up;
  up.stabilizationWindowSeconds = 60;
  up.selectPolicy = SelectPolicy::kMax;
  up.policies = std::vector<ScalingPolicy>{{ScalingPolicyType::kPercent, 50, 60},
                                           {ScalingPolicyType::kPods, 2, 60}};
  spec.behavior = Behavior{up, std::nullopt};
  HpaController controller(spec, HpaControllerConfig{}, sim.clock());
  std::int32_t replicas = 3;
  std::vector<std::int32_t> seen;
  sim.every(15.0, 0.0, [&](double) {
    FakeSource s = cluster(std::vector<double>(replicas, 1.0),
                           std::vector<std::int64_t>(replicas, 7000));  // 700%
    for (PodInfo& pod : s.podList)
      pod.startTime = -3600.0;  // long past the CPU initialization period
    const HpaDecision d = controller.reconcile({replicas, replicas}, s);
    replicas = d.desiredReplicas;
    seen.push_back(replicas);
  });
  sim.stopAt(130.0);
  sim.run();
  // t=0..45: the window's minimum is the initial 3 (DesiredWithinRange at 3).
  // t=60: the initial sample leaves the window; 30 wanted, ScaleUpLimit at 5.
  // t=75..105: the +2 of t=60 is inside every policy's 60 s: the limit stays 5.
  // t=120: it is exactly 60 s old, out of the period: max(ceil(5 x 1.5), 5 + 2) = 8.
  const std::vector<std::int32_t> expected = {3, 3, 3, 3, 5, 5, 5, 5, 8};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace lbsim::models::autoscaling
