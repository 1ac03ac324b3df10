// Replays of metric traces through the HPA controller (models/autoscaling/replay.h). The
// expected decisions follow from the controller's arithmetic, worked out in the comments.
#include "models/autoscaling/replay.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace lbsim::models::autoscaling {
namespace {

MetricTrace perMetric(const std::vector<MetricTraceRow>& rows) {
  MetricTrace t;
  t.metricRows = rows;
  return t;
}

// The seed's user-service HPA with cpu only: 3..15 replicas, 70% cpu; scale-up window 60 s,
// Max of 50% and 2 Pods per 60 s; scale-down window 300 s, 10% per 60 s.
HpaSpec userService() {
  HpaSpec s;
  s.name = "user-service-hpa";
  s.minReplicas = 3;
  s.maxReplicas = 15;
  MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.averageUtilization = 70;
  s.metrics = {cpu};
  ScalingRules up;
  up.stabilizationWindowSeconds = 60;
  up.selectPolicy = SelectPolicy::kMax;
  up.policies = std::vector<ScalingPolicy>{{ScalingPolicyType::kPercent, 50, 60},
                                           {ScalingPolicyType::kPods, 2, 60}};
  ScalingRules down;
  down.stabilizationWindowSeconds = 300;
  down.policies = std::vector<ScalingPolicy>{{ScalingPolicyType::kPercent, 10, 60}};
  s.behavior = Behavior{up, down};
  return s;
}

std::int32_t replicasAt(const std::vector<HpaReplayStep>& steps, double t) {
  for (const auto& s : steps) {
    if (s.decision.time == t) return s.decision.desiredReplicas;
  }
  ADD_FAILURE() << "no sync at " << t;
  return -1;
}

// A steady load within the tolerance: one decision per 15 s sync, none scaling.
TEST(HpaReplay, SteadyLoadWithinToleranceKeepsTheCount) {
  const auto steps = replayHpa(userService(), perMetric({{0, "cpu", 72}, {600, "cpu", 72}}), {});
  ASSERT_EQ(steps.size(), 41u);  // 0, 15, ..., 600
  for (const auto& s : steps) {
    EXPECT_EQ(s.decision.desiredReplicas, 3);
    EXPECT_FALSE(s.decision.rescale);
  }
}

// A 10x cpu spike at 300 s on 3 replicas (35% -> 350%), closed loop, pods Ready 30 s after
// a scale-up (utilizations below are per pod, integer percent as the controller has them):
// - 300..330: 350/70 = 5, ceil(5 x 3) = 15 wanted; the scale-up window still holds 285's 2.
// - 345: the window is all 15s; the rate allows max(ceil(3 x 1.5), 3 + 2) = 5: ScaleUpLimit.
// - 375: the 2 new pods are Ready but within the CPU initialization period without a full
//   metric window since: unready, counted at 0: (3 x 210 + 0) / 5 = 126%, ceil(1.8 x 5) = 9.
// - 405: all 5 counted, 210% -> 15; the +2 of 345 is out of the 60 s period: limit
//   max(ceil(5 x 1.5), 5 + 2) = 8.
// - 465: the window holds 435's and 450's 10 (131% with 3 unready pods at 0 gives 82%,
//   ceil(1.17 x 8) = 10): 10, within the limit of 12.
// - 510: the window's least is 495's and 510's 12 (105% with 2 unready at 0: 84%,
//   ceil(1.2 x 10)); the limit is 10 - 2 + 4 = 12 (the +2 of 465 is in the period): 12.
// - 540, 555: 87% with 2 unready at 0 is 72%, ratio 1.029, within tolerance: keep 12; those
//   12s hold the window until 615, when it is all 15s: 15 (maxReplicas).
// - the spike ends at 900; the 300 s scale-down window keeps 885's 15 until 1185 (a sample
//   exactly 300 s old is out), then 10% per minute: int(13.5) = 13, ..., 3 by 1665.
TEST(HpaReplay, TenfoldSpikeClosedLoop) {
  std::vector<MetricTraceRow> rows;
  for (int t = 0; t <= 1800; t += 30)
    rows.push_back({double(t), "cpu", (t >= 300 && t < 900) ? 350.0 : 35.0});
  const auto steps = replayHpa(userService(), perMetric(rows), {});
  EXPECT_EQ(replicasAt(steps, 330), 3);
  EXPECT_EQ(replicasAt(steps, 345), 5);
  EXPECT_EQ(steps[23].decision.reason, "ScaleUpLimit");  // t = 345
  ASSERT_EQ(steps[25].decision.time, 375);
  ASSERT_EQ(steps[25].decision.metrics.size(), 1u);
  EXPECT_EQ(steps[25].decision.metrics[0].calculation.unreadyPods.size(), 2u);
  EXPECT_EQ(steps[25].decision.metricReplicas, 9);
  EXPECT_EQ(replicasAt(steps, 405), 8);
  EXPECT_EQ(replicasAt(steps, 465), 10);
  EXPECT_EQ(replicasAt(steps, 495), 10);
  EXPECT_EQ(replicasAt(steps, 510), 12);
  EXPECT_EQ(replicasAt(steps, 600), 12);
  EXPECT_EQ(replicasAt(steps, 615), 15);
  EXPECT_EQ(replicasAt(steps, 1170), 15);
  EXPECT_EQ(replicasAt(steps, 1185), 13);
  EXPECT_EQ(steps[79].decision.reason, "ScaleDownLimit");  // t = 1185
  EXPECT_EQ(replicasAt(steps, 1650), 4);
  EXPECT_EQ(replicasAt(steps, 1665), 3);
  EXPECT_EQ(steps.back().decision.desiredReplicas, 3);
}

// Open loop: the same spike never reaches the pods, so the controller climbs at its rate
// limit to maxReplicas and stays there during the spike.
TEST(HpaReplay, OpenLoopClimbsToTheMaximum) {
  HpaReplayOptions options;
  options.closedLoop = false;
  const auto steps =
      replayHpa(userService(), perMetric({{0, "cpu", 350}, {600, "cpu", 350}}), options);
  EXPECT_EQ(steps.back().decision.desiredReplicas, 15);
}

// A per-pod trace: pod-3 is Pending at 15 s (unready, counted at 0 on a scale-up) and
// pod-2 has only a memory sample at 30 s (missing for cpu, counted at 0 on a scale-up).
TEST(HpaReplay, PerPodTraceGroupsPods) {
  MetricTrace trace;
  trace.perPod = true;
  const auto row = [](double t, const char* pod, double cores, PodTraceState s) {
    return PodTraceRow{t, pod, "cpu", cores, s};
  };
  trace.podRows = {row(0, "pod-1", 0.9, PodTraceState::kReady),
                   row(0, "pod-2", 0.9, PodTraceState::kReady),
                   row(15, "pod-1", 0.9, PodTraceState::kReady),
                   row(15, "pod-2", 0.9, PodTraceState::kReady),
                   row(15, "pod-3", 0, PodTraceState::kPending),
                   row(30, "pod-1", 0.9, PodTraceState::kReady),
                   row(30, "pod-3", 0.2, PodTraceState::kReady),
                   {30, "pod-2", "memory", 1e8, PodTraceState::kReady}};
  HpaSpec spec = userService();
  spec.minReplicas = 1;
  HpaReplayOptions options;
  options.requestsMilli["cpu"] = 1000;
  const auto steps = replayHpa(spec, trace, options);
  ASSERT_EQ(steps.size(), 3u);
  // 0 s: 90% on 2 pods, ratio 1.286, ceil(2.57) = 3 wanted (held by the scale-up window).
  EXPECT_EQ(steps[0].decision.metricReplicas, 3);
  // 15 s: pod-3 Pending: (90 + 90 + 0) / 300 = 60%: the direction reverses, keep 2.
  EXPECT_EQ(steps[1].decision.metrics[0].calculation.unreadyPods,
            std::vector<std::string>{"pod-3"});
  EXPECT_EQ(steps[1].decision.metricReplicas, 2);
  // 30 s: pod-3 turned Ready just now (inside the CPU initialization period): unready;
  // pod-2 without a sample: missing. 90% on pod-1, both at 0: 30%, reverses: keep 2.
  EXPECT_EQ(steps[2].decision.metrics[0].calculation.missingPods,
            std::vector<std::string>{"pod-2"});
  EXPECT_EQ(steps[2].decision.metrics[0].calculation.unreadyPods,
            std::vector<std::string>{"pod-3"});
  EXPECT_EQ(steps[2].decision.metricReplicas, 2);
  EXPECT_EQ(steps[2].pods, 3);
}

TEST(HpaReplay, PerPodTraceNeedsRequestsForUtilization) {
  MetricTrace trace;
  trace.perPod = true;
  trace.podRows = {{0, "pod-1", "cpu", 0.5, PodTraceState::kReady}};
  EXPECT_THROW(replayHpa(userService(), trace, {}), std::invalid_argument);
  EXPECT_THROW(replayHpa(userService(), MetricTrace{}, {}), std::invalid_argument);
}

// A metric missing from the trace is an invalid metric: with the other asking to scale
// down, nothing is scaled (computeReplicasForMetrics' rule), and the reason says so.
TEST(HpaReplay, MetricMissingFromTheTraceBlocksScaleDown) {
  HpaSpec spec = userService();
  MetricSpec rps;
  rps.type = MetricSourceType::kPods;
  rps.name = "http_requests_per_second";
  rps.target = {MetricTargetType::kAverageValue, 0, 100000};
  spec.metrics.push_back(rps);
  HpaReplayOptions options;
  options.initialReplicas = 6;
  const auto steps = replayHpa(spec, perMetric({{0, "cpu", 10}, {900, "cpu", 10}}), options);
  EXPECT_EQ(steps.back().decision.desiredReplicas, 6);
  EXPECT_EQ(steps.back().decision.reason, "FailedComputeMetricsReplicas");
}

}  // namespace
}  // namespace lbsim::models::autoscaling
