// The replica calculator against cases of Kubernetes' own suite,
// pkg/controller/podautoscaler/replica_calculator_test.go (1.3x releases). Each test names the Go
// test it reproduces. The Go fixture gives each pod two containers, each requesting
// `requests[i]` and using `levels[i]`, so a pod requests and uses twice those; its pods
// start at the zero time with a Ready condition that last changed at the zero time, the
// samples are taken at the zero time over a one-minute window, and the calculator runs
// with a 2 min CPU initialization period and a 10 s readiness delay
// (defaultTestingCPUInitializationPeriod, defaultTestingDelayOfInitialReadinessStatus).
// "Hot" pods start now, "cool" pods three minutes ago (hotCPUCreationTime,
// coolCPUCreationTime).
#include "models/autoscaling/replica_calculator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models::autoscaling {
namespace {

constexpr double kNow = 1.0e6;  // "time.Now()"; the zero time is 0
constexpr double kHot = kNow;
constexpr double kCool = kNow - 180.0;
constexpr int kContainers = 2;

struct Case {
  Case(std::int32_t current, std::string res, std::vector<double> req,
       std::vector<std::int64_t> lev)
      : currentReplicas(current),
        resource(std::move(res)),
        requests(std::move(req)),
        levels(std::move(lev)) {}
  std::int32_t currentReplicas = 0;
  std::string resource = "cpu";      // "" for a Pods (custom) metric
  std::vector<double> requests;      // cores per container
  std::vector<std::int64_t> levels;  // milli per container (resources) or per pod (custom)
  std::vector<bool> ready;           // default all true
  std::vector<double> startTime;     // default the zero time
  std::vector<PodPhase> phase;       // default Running; may list more pods than currentReplicas
  std::vector<bool> deleting;
};

ReplicaCalculatorConfig testingConfig() {
  ReplicaCalculatorConfig c;
  c.cpuInitializationPeriod = 120.0;
  c.delayOfInitialReadinessStatus = 10.0;
  return c;
}

std::vector<PodInfo> podsOf(const Case& tc) {
  std::size_t count = static_cast<std::size_t>(tc.currentReplicas);
  count = std::max(count, tc.phase.size());
  std::vector<PodInfo> pods;
  for (std::size_t i = 0; i < count; ++i) {
    PodInfo pod;
    pod.name = "test-pod-" + std::to_string(i);
    pod.phase = i < tc.phase.size() ? tc.phase[i] : PodPhase::kRunning;
    pod.deleting = i < tc.deleting.size() && tc.deleting[i];
    pod.startTime = i < tc.startTime.size() ? tc.startTime[i] : 0.0;
    pod.readyCondition = ReadyCondition{i < tc.ready.size() ? bool(tc.ready[i]) : true, 0.0};
    if (i < tc.requests.size() && !tc.resource.empty()) {
      pod.requestsMilli[tc.resource] = kContainers * std::llround(tc.requests[i] * 1000.0);
    }
    pods.push_back(pod);
  }
  return pods;
}

PodMetrics metricsOf(const Case& tc, int perPodFactor) {
  PodMetrics metrics;
  for (std::size_t i = 0; i < tc.levels.size(); ++i) {
    metrics["test-pod-" + std::to_string(i)] = PodMetric{perPodFactor * tc.levels[i], 0.0, 60.0};
  }
  return metrics;
}

ReplicaCalculation runResource(const Case& tc, std::int32_t target) {
  return resourceReplicas(tc.currentReplicas, target, tc.resource, Tolerances{}, podsOf(tc),
                          metricsOf(tc, kContainers), testingConfig(), kNow);
}

ReplicaCalculation runPodsMetric(const Case& tc, std::int64_t target) {
  return plainMetricReplicas(tc.currentReplicas, target, "", Tolerances{}, podsOf(tc),
                             metricsOf(tc, 1), testingConfig(), kNow);
}

// TestReplicaCalcScaleUp: utilization (300+500+700)/3000 = 50%, ratio 50/30, ceil(1.667 x 3) = 5.
TEST(ReplicaCalculator, ScaleUp) {
  const auto r = runResource({3, "cpu", {1, 1, 1}, {300, 500, 700}}, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 5);
  EXPECT_EQ(*r.utilization, 50);
  EXPECT_EQ(r.usage, kContainers * 500);
}

// TestReplicaCalcScaleUpUnreadyLessScale: the unready pod is left out (60%), then counted
// at 0 on the scale-up: (500+700+0)/3000 = 40%, ceil(40/30 x 3) = 4.
TEST(ReplicaCalculator, ScaleUpUnreadyLessScale) {
  Case tc{3, "cpu", {1, 1, 1}, {300, 500, 700}};
  tc.ready = {false, true, true};
  const auto r = runResource(tc, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(*r.utilization, 60);
  EXPECT_EQ(r.usage, kContainers * 600);
  EXPECT_EQ(r.unreadyPods, std::vector<std::string>{"test-pod-0"});
}

// TestReplicaCalcScaleUpHotCpuLessScale: a pod still in its CPU initialization period whose
// sample predates a full window since turning ready is unready, as above: 4.
TEST(ReplicaCalculator, ScaleUpHotCpuLessScale) {
  Case tc{3, "cpu", {1, 1, 1}, {300, 500, 700}};
  tc.startTime = {kHot, kCool, kCool};
  const auto r = runResource(tc, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(*r.utilization, 60);
}

// TestReplicaCalcScaleUpUnreadyNoScale: 40% on the ready pod; with the two unready at 0 the
// ratio is (400+0+0)/3000 = 13% < 30%: the direction would reverse, keep 3.
TEST(ReplicaCalculator, ScaleUpUnreadyNoScale) {
  Case tc{3, "cpu", {1, 1, 1}, {400, 500, 700}};
  tc.ready = {true, false, false};
  const auto r = runResource(tc, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 40);
  EXPECT_EQ(r.usage, kContainers * 400);
}

// TestReplicaCalcScaleHotCpuNoScale: the same with two hot, unready pods.
TEST(ReplicaCalculator, ScaleHotCpuNoScale) {
  Case tc{3, "cpu", {1, 1, 1}, {400, 500, 700}};
  tc.ready = {true, false, false};
  tc.startTime = {kCool, kHot, kHot};
  const auto r = runResource(tc, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 40);
}

// TestReplicaCalcScaleUpIgnoresFailedPods: Failed pods are ignored altogether:
// (500+700)/2000 = 60%, ceil(2 x 2) = 4.
TEST(ReplicaCalculator, ScaleUpIgnoresFailedPods) {
  Case tc{2, "cpu", {1, 1, 1, 1}, {500, 700}};
  tc.ready = {true, true, false, false};
  tc.phase = {PodPhase::kRunning, PodPhase::kRunning, PodPhase::kFailed, PodPhase::kFailed};
  const auto r = runResource(tc, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(*r.utilization, 60);
  EXPECT_EQ(r.ignoredPods.size(), 2u);
}

// TestReplicaCalcScaleUpIgnoresDeletionPods: so are pods being deleted.
TEST(ReplicaCalculator, ScaleUpIgnoresDeletionPods) {
  Case tc{2, "cpu", {1, 1, 1, 1}, {500, 700}};
  tc.ready = {true, true, false, false};
  tc.phase = {PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning};
  tc.deleting = {false, false, true, true};
  const auto r = runResource(tc, 30);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(*r.utilization, 60);
}

// TestReplicaCalcScaleUpCM: Pods metric qps, average (20+10+30)/3 = 20 against 15:
// ceil(1.333 x 3) = 4.
TEST(ReplicaCalculator, ScaleUpCustomMetric) {
  const auto r = runPodsMetric({3, "", {}, {20000, 10000, 30000}}, 15000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(r.usage, 20000);
}

// TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale: readiness and the CPU initialization
// period only apply to cpu; a Pods metric counts all three pods: avg 30, ceil(2 x 3) = 6.
TEST(ReplicaCalculator, ScaleUpCustomMetricUnreadyHotCpuNoLessScale) {
  Case tc{3, "", {}, {50000, 10000, 30000}};
  tc.ready = {true, true, false};
  tc.startTime = {kCool, kCool, kHot};
  const auto r = runPodsMetric(tc, 15000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 6);
  EXPECT_EQ(r.usage, 30000);
}

// TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown: avg 31.666 (integer milli
// 31666), ceil(31666/15000 x 3) = 7.
TEST(ReplicaCalculator, ScaleUpCustomMetricUnreadyHotCpuScaleWouldScaleDown) {
  Case tc{3, "", {}, {50000, 15000, 30000}};
  tc.ready = {false, true, false};
  tc.startTime = {kHot, kCool, kHot};
  const auto r = runPodsMetric(tc, 15000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 7);
  EXPECT_EQ(r.usage, 31666);
}

// TestReplicaCalcScaleDown: (100+300+500+250+250)/5000 = 28%, ceil(28/50 x 5) = 3.
TEST(ReplicaCalculator, ScaleDown) {
  const auto r = runResource({5, "cpu", {1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}}, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 28);
  EXPECT_EQ(r.usage, kContainers * 280);
}

// TestReplicaCalcScaleDownCM: 12 against 20: ceil(0.6 x 5) = 3.
TEST(ReplicaCalculator, ScaleDownCustomMetric) {
  const auto r = runPodsMetric({5, "", {}, {12000, 12000, 12000, 12000, 12000}}, 20000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
}

// TestReplicaCalcScaleDownIncludeUnreadyPods: on a scale-down unready pods are left out and
// not filled in: (100+300+500)/3000 = 30%, ceil(0.6 x 3 ready) = 2.
TEST(ReplicaCalculator, ScaleDownIncludeUnreadyPods) {
  Case tc{5, "cpu", {1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}};
  tc.ready = {true, true, true, false, false};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 2);
  EXPECT_EQ(*r.utilization, 30);
}

// TestReplicaCalcScaleDownExcludeUnscheduledPods: Pending pods are unready: 10% on the one
// running pod, ceil(0.2 x 1) = 1.
TEST(ReplicaCalculator, ScaleDownExcludeUnscheduledPods) {
  Case tc{5, "cpu", {1, 1, 1, 1, 1}, {100}};
  tc.ready = {true, false, false, false, false};
  tc.phase = {PodPhase::kRunning, PodPhase::kPending, PodPhase::kPending, PodPhase::kPending,
              PodPhase::kPending};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 1);
  EXPECT_EQ(*r.utilization, 10);
}

// TestReplicaCalcScaleDownIgnoreHotCpuPods: hot pods are left out: 30%, ceil(0.6 x 3) = 2.
TEST(ReplicaCalculator, ScaleDownIgnoreHotCpuPods) {
  Case tc{5, "cpu", {1, 1, 1, 1, 1}, {100, 300, 500, 250, 250}};
  tc.startTime = {kCool, kCool, kCool, kHot, kHot};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 2);
  EXPECT_EQ(*r.utilization, 30);
}

// TestReplicaCalcTolerance: (1010+1030+1020)/(900+1000+1100) = 102%, ratio 1.02 is within
// 0.1 of 1: keep 3.
TEST(ReplicaCalculator, Tolerance) {
  const auto r = runResource({3, "cpu", {0.9, 1.0, 1.1}, {1010, 1030, 1020}}, 100);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 102);
  EXPECT_EQ(r.usage, kContainers * 1020);
}

// TestReplicaCalcToleranceCM: average 20.666 against 20: within tolerance, keep 3.
TEST(ReplicaCalculator, ToleranceCustomMetric) {
  const auto r = runPodsMetric({3, "", {}, {20000, 21000, 21000}}, 20000);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(r.usage, 20666);
}

// TestReplicaCalcSuperfluousMetrics: samples of unknown pods do not count toward the
// utilization (587%), ceil(5.87 x 4) = 24.
TEST(ReplicaCalculator, SuperfluousMetrics) {
  const auto r = runResource({4, "cpu", {1, 1, 1, 1}, {4000, 9500, 3000, 7000, 3200, 2000}}, 100);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 24);
  EXPECT_EQ(*r.utilization, 587);
  EXPECT_EQ(r.usage, kContainers * 5875);
}

// TestReplicaCalcMissingMetrics: 24% on two pods; on the scale-down the two missing pods
// count at 100% of their request: (990+4000)/8000 = 62%, ceil(0.62 x 4) = 3.
TEST(ReplicaCalculator, MissingMetrics) {
  const auto r = runResource({4, "cpu", {1, 1, 1, 1}, {400, 95}}, 100);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 24);
  EXPECT_EQ(r.usage, 495);
  EXPECT_EQ(r.missingPods.size(), 2u);
}

// TestReplicaCalcMissingMetricsNoChangeEq / Gt / Lt: one pod of two without samples; at
// 100% nothing changes, at 190% the missing pod at 0% gives 95% (within tolerance), at 60%
// the missing pod at 100% gives 80%, which with 2 pods is ceil(1.6) = 2.
TEST(ReplicaCalculator, MissingMetricsNoChange) {
  for (const std::int64_t level : {1000, 1900, 600}) {
    const auto r = runResource({2, "cpu", {1, 1}, {level}}, 100);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.replicas, 2) << level;
  }
}

// TestReplicaCalcMissingMetricsUnreadyChange: 45% against 50% with one unready and one
// missing pod: scale-down, the missing pod at 100% gives (450+1000)/2000 = 72.5% -> 72%:
// the direction reverses, keep 3.
TEST(ReplicaCalculator, MissingMetricsUnreadyChange) {
  Case tc{3, "cpu", {1, 1, 1}, {100, 450}};
  tc.ready = {false, true, true};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 45);
}

// TestReplicaCalcMissingMetricsUnreadyScaleUp: 200% on one pod; the unready and missing
// pods at 0%: 2000/3000 = 66%, ratio 1.32, ceil(1.32 x 3) = 4.
TEST(ReplicaCalculator, MissingMetricsUnreadyScaleUp) {
  Case tc{3, "cpu", {1, 1, 1}, {100, 2000}};
  tc.ready = {false, true, true};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(*r.utilization, 200);
}

// TestReplicaCalcMissingMetricsHotCpuScaleUp: the same with the unready pod hot.
TEST(ReplicaCalculator, MissingMetricsHotCpuScaleUp) {
  Case tc{3, "cpu", {1, 1, 1}, {100, 2000}};
  tc.ready = {false, true, true};
  tc.startTime = {kHot, kCool, kCool};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
}

// TestReplicaCalcMissingMetricsUnreadyScaleDown: 10% on two ready pods; the missing pod at
// 100%: 2400/6000 = 40%, ceil(0.8 x 3) = 3.
TEST(ReplicaCalculator, MissingMetricsUnreadyScaleDown) {
  Case tc{4, "cpu", {1, 1, 1, 1}, {100, 100, 100}};
  tc.ready = {false, true, true, true};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(*r.utilization, 10);
}

// TestReplicaCalcDuringRollingUpdateWithMaxSurge: a surge pod without samples during a
// rollout: 10% on two pods, the third at 100% gives 40% and ceil(0.8 x 3) = 3 > 2 current
// replicas — a scale-down may not raise the count: keep 2.
TEST(ReplicaCalculator, DuringRollingUpdateWithMaxSurge) {
  Case tc{2, "cpu", {1, 1, 1}, {100, 100}};
  tc.phase = {PodPhase::kRunning, PodPhase::kRunning, PodPhase::kRunning};
  const auto r = runResource(tc, 50);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 2);
}

// TestReplicaCalcComputedToleranceAlgImplementation: pods use half of what they request
// (50%); a target just past the tolerance (1/(2 x 0.9) + 0.01 = 56%) scales 10 pods down
// to ceil(1500 / (3000 x 0.5655...) x 10) = 9; a target 0.004 past it stays at 10.
TEST(ReplicaCalculator, ComputedToleranceAlgImplementation) {
  const std::int64_t totalUsed = 10 * 150;
  const std::int64_t totalRequested = 2 * totalUsed;
  const double requestedToUsed = static_cast<double>(totalRequested / totalUsed);
  const std::int64_t perPod = totalRequested / 10;  // 300m
  Case tc{10, "cpu", {}, {}};
  for (const std::int64_t jitter : {100, -100, 10, -10, 2, -2, 1, -1, 0, 0}) {
    tc.requests.push_back(static_cast<double>(perPod + jitter) / 1000.0);
    tc.levels.push_back(totalUsed / 10);
  }
  double target = std::fabs(1.0 / (requestedToUsed * (1.0 - 0.1))) + 0.01;
  const double usedRatio =
      static_cast<double>(totalUsed) / (static_cast<double>(totalRequested) * target);
  const auto expected = static_cast<std::int32_t>(std::ceil(usedRatio * 10));
  auto r = runResource(tc, static_cast<std::int32_t>(target * 100));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, expected);
  EXPECT_EQ(*r.utilization, totalUsed * 100 / totalRequested);

  target = std::fabs(1.0 / (requestedToUsed * (1.0 - 0.1))) + 0.004;
  r = runResource(tc, static_cast<std::int32_t>(target * 100));
  EXPECT_EQ(r.replicas, 10);
}

// TestReplicaCalcScaleUpCMObject: an Object metric of 20 against a value target of 15:
// ceil(1.333 x 3 ready pods) = 4.
TEST(ReplicaCalculator, ScaleUpObjectMetric) {
  const auto r = objectMetricReplicas(3, 20000, 15000, Tolerances{}, podsOf({3, "", {}, {}}));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.replicas, 4);
}

// TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods: only ready pods multiply the ratio:
// ceil(50/10 x 1) = 5, not 15.
TEST(ReplicaCalculator, ScaleUpObjectMetricIgnoresUnreadyPods) {
  Case tc{3, "", {}, {}};
  tc.ready = {false, true, false};
  const auto r = objectMetricReplicas(3, 50000, 10000, Tolerances{}, podsOf(tc));
  EXPECT_EQ(r.replicas, 5);
}

// TestReplicaCalcScaleUpCMPerPodObject: 20 against 5 per pod with 3 pods: ratio 1.333,
// ceil(20/5) = 4; the average reported is ceil(20000/3) = 6667.
TEST(ReplicaCalculator, ScaleUpPerPodObjectMetric) {
  const auto r = objectPerPodMetricReplicas(3, 20000, 5000, Tolerances{});
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(r.usage, 6667);
}

// TestReplicaCalcTolerancePerPodCMObject: 20.166 against 5 per pod with 4 pods is ratio
// 1.008: keep 4; average ceil(20166/4) = 5042.
TEST(ReplicaCalculator, TolerancePerPodObjectMetric) {
  const auto r = objectPerPodMetricReplicas(4, 20166, 5000, Tolerances{});
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(r.usage, 5042);
}

// TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods: external 8.6 against 4.4 with one
// ready pod: ceil(1.95 x 1) = 2.
TEST(ReplicaCalculator, ScaleUpExternalMetricIgnoresUnreadyPods) {
  Case tc{3, "", {}, {}};
  tc.ready = {false, true, false};
  const auto r = externalMetricReplicas(3, {8600}, 4400, Tolerances{}, podsOf(tc));
  EXPECT_EQ(r.replicas, 2);
}

// TestReplicaCalcScaleDownCMExternal: 8.6 against 14.334 with 5 pods: ceil(0.6 x 5) = 3.
TEST(ReplicaCalculator, ScaleDownExternalMetric) {
  const auto r = externalMetricReplicas(5, {8600}, 14334, Tolerances{}, podsOf({5, "", {}, {}}));
  EXPECT_EQ(r.replicas, 3);
}

// TestReplicaCalcScaleUpPerPodCMExternal and TestReplicaCalcScaleDownPerPodCMExternal:
// ceil(8600/2150) = 4 (average 2867), ceil(8600/2867) = 3 (average 1720).
TEST(ReplicaCalculator, PerPodExternalMetric) {
  auto r = externalPerPodMetricReplicas(3, {8600}, 2150, Tolerances{});
  EXPECT_EQ(r.replicas, 4);
  EXPECT_EQ(r.usage, 2867);
  r = externalPerPodMetricReplicas(5, {8600}, 2867, Tolerances{});
  EXPECT_EQ(r.replicas, 3);
  EXPECT_EQ(r.usage, 1720);
}

// TestReplicaCalcEmptyMetrics, TestReplicaCalcEmptyCPURequest,
// TestReplicaCalcDisjointResourcesMetrics: the errors that make the metric invalid.
TEST(ReplicaCalculator, Errors) {
  auto r = runResource({4, "cpu", {1, 1, 1}, {}}, 100);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("no metrics returned from resource metrics API"), std::string::npos);

  r = runResource({1, "cpu", {}, {200}}, 100);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("missing request for"), std::string::npos);

  Case disjoint{1, "cpu", {1}, {}};
  PodMetrics other{{"an-older-pod-name", PodMetric{200, 0.0, 60.0}}};
  r = resourceReplicas(1, 100, "cpu", Tolerances{}, podsOf(disjoint), other, testingConfig(), kNow);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("no metrics returned matched known pods"), std::string::npos);
}

// The current rule (fallbackUtilization) for missing pods on a scale-down with a target above 100%:
// they count at the target, max(100, target) percent of their request. 100% on one pod of two
// against a 150% target is ratio 0.67; the missing pod at 150% gives (1000+1500)/2000 = 125% —
// ratio 0.83, ceil(0.83 x 2) = 2. (At 100% it would have been 1000+1000 = 100%, ratio 0.67.)
TEST(ReplicaCalculator, MissingPodsCountAtTargetAbove100Percent) {
  const auto r = resourceReplicas(2, 150, "cpu", Tolerances{}, podsOf({2, "cpu", {0.5, 0.5}, {}}),
                                  PodMetrics{{"test-pod-0", PodMetric{1000, 0.0, 60.0}}},
                                  testingConfig(), kNow);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(*r.utilization, 100);
  ASSERT_TRUE(r.rebalancedRatio);
  EXPECT_NEAR(*r.rebalancedRatio, 125.0 / 150.0, 1e-12);  // exact integer percents
  EXPECT_EQ(r.replicas, 2);
}

// Tolerances.isWithin with per-direction tolerances (HPAConfigurableTolerance): a 5%
// scale-up tolerance acts on a 1.06 ratio that the default 10% would ignore.
TEST(ReplicaCalculator, ConfigurableTolerance) {
  const Tolerances tight{0.1, 0.05};
  EXPECT_FALSE(tight.isWithin(1.06));
  EXPECT_TRUE(tight.isWithin(0.91));
  EXPECT_TRUE(Tolerances{}.isWithin(1.06));
  EXPECT_TRUE(Tolerances{}.isWithin(1.1));
  EXPECT_FALSE(Tolerances{}.isWithin(0.89));
}

}  // namespace
}  // namespace lbsim::models::autoscaling
