// EC2 Auto Scaling target tracking and step scaling, and the seeds' threshold scripts.
// Where AWS documents a rule or an example, the test quotes the page; the rest checks
// lbsim's stated assumptions (models/autoscaling/aws_target_tracking.h).
#include <gtest/gtest.h>

#include <cmath>

#include "models/autoscaling/aws_step_scaling.h"
#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/replay.h"
#include "models/autoscaling/threshold_rule.h"

namespace lbsim::models::autoscaling {
namespace {

AsgSpec twoPolicies() {
  AsgSpec g;
  g.name = "user-service-asg";
  g.minSize = 3;
  g.maxSize = 15;
  g.desiredCapacity = 5;
  g.policies = {{"cpu", "ASGAverageCPUUtilization", 70.0, false, {}, 300.0, 600.0},
                {"memory", "MemoryUtilization", 80.0, false, {}, 300.0, 600.0}};
  return g;
}

PolicyEvaluation eval(const std::string& policy, AlarmState alarm, std::int32_t proposal) {
  PolicyEvaluation e;
  e.policy = policy;
  e.alarm = alarm;
  e.proposal = proposal;
  return e;
}

// ceil(capacity x metric / target): 5 instances at 91% against 70% need ceil(6.5) = 7;
// at exactly the ratio the capacity is not rounded up by floating-point noise.
TEST(TargetTracking, ProportionalCapacity) {
  EXPECT_EQ(targetTrackingCapacity(5, 91.0, 70.0), 7);
  EXPECT_EQ(targetTrackingCapacity(10, 70.0 * 1.1, 70.0), 11);
  EXPECT_EQ(targetTrackingCapacity(8, 21.875, 70.0), 3);
}

// The alarms (assumed): AlarmHigh after 3 datapoints above the target, AlarmLow after 15
// below 90% of it; a missing datapoint is insufficient data.
TEST(TargetTracking, Alarms) {
  const TargetTrackingAlarms alarms;
  std::deque<double> d = {80, 80};
  EXPECT_EQ(targetTrackingAlarm(d, 70, alarms), AlarmState::kOk);
  d.push_back(80);
  EXPECT_EQ(targetTrackingAlarm(d, 70, alarms), AlarmState::kHigh);
  d.push_back(70);  // equal to the target is not above it
  EXPECT_EQ(targetTrackingAlarm(d, 70, alarms), AlarmState::kOk);
  std::deque<double> low(14, 62.9);
  EXPECT_EQ(targetTrackingAlarm(low, 70, alarms), AlarmState::kOk);
  low.push_back(62.9);
  EXPECT_EQ(targetTrackingAlarm(low, 70, alarms), AlarmState::kLow);
  low.push_back(std::nan(""));
  EXPECT_EQ(targetTrackingAlarm(low, 70, alarms), AlarmState::kInsufficientData);
}

// "If any of the target tracking policies are ready for scale out, it will scale out the
// Auto Scaling group. It scales in only if all of the target tracking policies (with the
// scale-in portion enabled) are ready to scale in." (EC2 Auto Scaling User Guide, multiple
// target tracking scaling policies)
TEST(TargetTracking, OutIfAnyInIfAll) {
  const AsgSpec g = twoPolicies();
  Decision d = combineTargetTrackingProposals(
      g, {eval("cpu", AlarmState::kHigh, 8), eval("memory", AlarmState::kLow, 3)}, 5, {});
  EXPECT_EQ(d.replicas, 8);
  EXPECT_EQ(d.reason, "ScaleOut");
  d = combineTargetTrackingProposals(
      g, {eval("cpu", AlarmState::kOk, 5), eval("memory", AlarmState::kLow, 3)}, 8, {});
  EXPECT_EQ(d.replicas, 8);
  EXPECT_EQ(d.reason, "NotAllPoliciesScaleIn");
  d = combineTargetTrackingProposals(
      g, {eval("cpu", AlarmState::kLow, 4), eval("memory", AlarmState::kLow, 3)}, 8, {});
  EXPECT_EQ(d.replicas, 4);  // the largest proposal: the most conservative scale-in
  EXPECT_EQ(d.reason, "ScaleIn");
  // A policy with scale-in disabled does not hold the others back.
  AsgSpec noIn = g;
  noIn.policies[0].disableScaleIn = true;
  d = combineTargetTrackingProposals(
      noIn, {eval("cpu", AlarmState::kOk, 8), eval("memory", AlarmState::kLow, 3)}, 8, {});
  EXPECT_EQ(d.replicas, 3);
  // MinSize, MaxSize, the warm-up and the cooldown.
  d = combineTargetTrackingProposals(g, {eval("cpu", AlarmState::kHigh, 40)}, 5, {});
  EXPECT_EQ(d.replicas, 15);
  d = combineTargetTrackingProposals(g, {eval("cpu", AlarmState::kHigh, 40)}, 15, {});
  EXPECT_EQ(d.reason, "AtMaxSize");
  d = combineTargetTrackingProposals(
      g, {eval("cpu", AlarmState::kLow, 1), eval("memory", AlarmState::kLow, 1)}, 5, {});
  EXPECT_EQ(d.replicas, 3);
  d = combineTargetTrackingProposals(
      g, {eval("cpu", AlarmState::kLow, 1), eval("memory", AlarmState::kLow, 1)}, 5, {true, false});
  EXPECT_EQ(d.reason, "ScaleInWarmup");
  d = combineTargetTrackingProposals(
      g, {eval("cpu", AlarmState::kLow, 1), eval("memory", AlarmState::kLow, 1)}, 5, {false, true});
  EXPECT_EQ(d.reason, "ScaleInCooldown");
  // Still in alarm while the instances launched for it warm up: no second scale-out.
  d = combineTargetTrackingProposals(g, {eval("cpu", AlarmState::kHigh, 8)}, 8, {true, false});
  EXPECT_EQ(d.reason, "AlreadyScaledOut");
}

// "the warm-up ... falls back to the value of default cooldown" when neither the policy's
// EstimatedInstanceWarmup nor the group's DefaultInstanceWarmup is set (PutScalingPolicy).
TEST(TargetTracking, InstanceWarmup) {
  AsgSpec g = twoPolicies();
  EXPECT_EQ(instanceWarmup(g, g.policies[0]), 300.0);
  g.defaultInstanceWarmup = 120.0;
  EXPECT_EQ(instanceWarmup(g, g.policies[0]), 120.0);
  g.policies[0].estimatedInstanceWarmup = 60.0;
  EXPECT_EQ(instanceWarmup(g, g.policies[0]), 60.0);
}

// The seed's user-service group under demand of 350% of its 5 instances from minute 5 to 15
// (closed loop, instance CPU capped at 100%, InService 60 s after launch, warm-up 300 s):
// AlarmHigh at 7:00 (3 datapoints), ceil(5 x 100/70) = 8; the 3 new instances count from
// 13:00, where 8 saturated instances ask for ceil(8 x 100/70) = 12; after the spike, scale-in
// needs both policies low: cpu's 15 datapoints below 63% take until 29:00.
TEST(TargetTracking, SeedGroupUnderASaturatingSpike) {
  MetricTrace trace;
  for (int t = 0; t <= 1800; t += 30) {
    const bool spike = t >= 300 && t < 900;
    trace.metricRows.push_back({double(t), "ASGAverageCPUUtilization", spike ? 350.0 : 35.0});
    trace.metricRows.push_back({double(t), "MemoryUtilization", spike ? 70.0 : 45.0});
  }
  const auto steps = replayTargetTracking(twoPolicies(), trace, {});
  const auto at = [&](int minute) { return steps[static_cast<std::size_t>(minute)].decision; };
  EXPECT_EQ(at(6).desiredCapacity, 5);
  EXPECT_EQ(at(7).desiredCapacity, 8);
  EXPECT_EQ(at(7).decision.reason, "ScaleOut");
  EXPECT_EQ(at(8).decision.reason, "AlreadyScaledOut");
  EXPECT_EQ(steps[8].warming, 3);
  EXPECT_EQ(at(13).desiredCapacity, 12);
  EXPECT_EQ(at(28).desiredCapacity, 12);
  EXPECT_EQ(at(29).desiredCapacity, 3);
  EXPECT_EQ(at(29).decision.reason, "ScaleIn");
}

// Step adjustments against AWS's example: "suppose that you have an alarm with a breach
// threshold of 50: ... greater than or equal to 50 and less than 60, specify a lower bound
// of 0 and an upper bound of 10; ... greater than 40 and less than or equal to 50, a lower
// bound of -10 and an upper bound of 0" (API StepAdjustment).
TEST(StepScaling, BoundsRelativeToTheThreshold) {
  const std::vector<StepAdjustment> out = {{0.0, 10.0, 1}, {10.0, std::nullopt, 3}};
  EXPECT_EQ(findStepAdjustment(out, 50.0, 50.0), 0u);
  EXPECT_EQ(findStepAdjustment(out, 59.9, 50.0), 0u);
  EXPECT_EQ(findStepAdjustment(out, 60.0, 50.0), 1u);
  EXPECT_EQ(findStepAdjustment(out, 49.0, 50.0), std::nullopt);
  const std::vector<StepAdjustment> in = {{-10.0, 0.0, -1}, {std::nullopt, -10.0, -2}};
  EXPECT_EQ(findStepAdjustment(in, 45.0, 50.0), 0u);
  EXPECT_EQ(findStepAdjustment(in, 40.0, 50.0), 1u);  // -10 is exclusive below the threshold
  EXPECT_TRUE(validateStepAdjustments(out).empty());
  EXPECT_TRUE(validateStepAdjustments(in).empty());
  EXPECT_FALSE(validateStepAdjustments({{0.0, 10.0, 1}, {20.0, std::nullopt, 2}}).empty());  // gap
  EXPECT_FALSE(
      validateStepAdjustments({{0.0, 10.0, 1}, {5.0, std::nullopt, 2}}).empty());  // overlap
  EXPECT_FALSE(validateStepAdjustments({{0.0, 10.0, 1}}).empty());  // positive upper, no null upper
}

// PercentChangeInCapacity rounding, with the User Guide's examples: "Values greater than 1
// are rounded down. For example, 12.7 is rounded to 12. Values between 0 and 1 are rounded
// to 1. For example, .67 is rounded to 1. Values between 0 and -1 are rounded to -1. For
// example, -.58 is rounded to -1. Values less than -1 are rounded up. For example, -6.67 is
// rounded to -6." And MinAdjustmentMagnitude: "25 percent of 4 is 1. However, because you
// specified a MinAdjustmentMagnitude of 2, ... scales out ... by 2".
TEST(StepScaling, PercentChangeRounding) {
  EXPECT_EQ(percentChangeInCapacity(127, 10, std::nullopt), 12);  // 12.7
  EXPECT_EQ(percentChangeInCapacity(3, 22, std::nullopt), 1);     // 0.66
  EXPECT_EQ(percentChangeInCapacity(2, -29, std::nullopt), -1);   // -0.58
  EXPECT_EQ(percentChangeInCapacity(667, -1, std::nullopt), -6);  // -6.67
  EXPECT_EQ(percentChangeInCapacity(4, 25, std::nullopt), 1);
  EXPECT_EQ(percentChangeInCapacity(4, 25, 2), 2);
}

// "when an alarm triggers a step scaling policy to increase the capacity by 2, ... If the
// alarm triggers again ... at a more aggressive step adjustment of 3, the previous increase
// of 2 is considered part of the current capacity. Therefore, only 1 is added to the
// capacity." (Application Auto Scaling, StepScalingPolicyConfiguration Cooldown; EC2 Auto
// Scaling applies the same to instances warming up.)
TEST(StepScaling, WarmingInstancesCountTowardTheNextStep) {
  StepScalingPolicy p;
  p.alarmThreshold = 70.0;
  p.steps = {{0.0, 10.0, 2}, {10.0, std::nullopt, 3}};
  Decision d = stepScalingCapacity(p, 75.0, 4, 4, 1, 20);
  EXPECT_EQ(d.replicas, 6);
  EXPECT_EQ(d.reason, "StepAdjustment");
  d = stepScalingCapacity(p, 75.0, 4, 6, 1, 20);  // same step, 2 instances still warming
  EXPECT_EQ(d.replicas, 6);
  EXPECT_EQ(d.reason, "AlreadyScaling");
  d = stepScalingCapacity(p, 85.0, 4, 6, 1, 20);  // a larger step adds the difference
  EXPECT_EQ(d.replicas, 7);
  p.adjustmentType = AdjustmentType::kExactCapacity;
  EXPECT_EQ(stepScalingCapacity(p, 85.0, 4, 6, 1, 20).replicas, 3);
  p.adjustmentType = AdjustmentType::kChangeInCapacity;
  EXPECT_EQ(stepScalingCapacity(p, 85.0, 19, 19, 1, 20).replicas, 20);  // MaxSize
}

// CloudWatch's "M out of N": with EvaluationPeriods 3 and DatapointsToAlarm 2 the alarm is
// in ALARM when 2 of the last 3 datapoints breach, not necessarily consecutive (CloudWatch
// User Guide, "Evaluating an alarm"). GreaterThanThreshold does not breach at the threshold;
// ...OrEqualTo does. With every datapoint missing the alarm has no state (TreatMissingData
// missing).
TEST(StepScaling, AlarmNeedsMOfNBreachingDatapoints) {
  StepScalingPolicy p;
  p.alarmThreshold = 70.0;
  p.orEqual = false;
  p.evaluationPeriods = 3;
  p.datapointsToAlarm = 2;
  EXPECT_EQ(stepAlarm(p, {80, 60, 80}), true);
  EXPECT_EQ(stepAlarm(p, {80, 60, 60}), false);
  EXPECT_EQ(stepAlarm(p, {80, 80, 60, 60}), false);  // only the last 3 count
  EXPECT_EQ(stepAlarm(p, {80, 70, 60}), false);      // 70 is not above 70
  p.orEqual = true;
  EXPECT_EQ(stepAlarm(p, {80, 70, 60}), true);
  EXPECT_EQ(stepAlarm(p, {std::nan(""), std::nan(""), std::nan("")}), std::nullopt);
  p.aboveThreshold = false;
  EXPECT_EQ(stepAlarm(p, {20, 75, 30}), true);
}

AsgSpec stepGroup() {
  AsgSpec g;
  g.minSize = 2;
  g.maxSize = 10;
  g.desiredCapacity = 2;
  g.defaultCooldown = 300.0;
  return g;
}

MetricTrace cpuTrace(double value, int seconds) {
  MetricTrace trace;
  for (int t = 0; t <= seconds; t += 60)
    trace.metricRows.push_back({double(t), "ASGAverageCPUUtilization", value});
  return trace;
}

// Simple scaling: "After a scaling activity is started, the policy must wait for the
// scaling activity or health check replacement to complete and the cooldown period to
// expire before responding to additional alarms" (EC2 Auto Scaling User Guide, "Step and
// simple scaling policies"). CPU at 80% against > 70 all along, DefaultCooldown 300 s, one
// minute per datapoint, open loop: +1 at 0:00, then nothing until 5:00, +1 again, 10:00.
TEST(StepScaling, SimpleScalingWaitsForTheCooldown) {
  AsgSpec g = stepGroup();
  StepScalingPolicy p;
  p.name = "simple";
  p.simple = true;
  p.alarmThreshold = 70.0;
  p.steps = {{std::nullopt, std::nullopt, 1}};
  g.stepPolicies = {p};
  AsgReplayOptions options;
  options.closedLoop = false;
  const auto steps = replayTargetTracking(g, cpuTrace(80.0, 660), options);
  std::vector<std::pair<double, std::int32_t>> changes;
  for (const auto& s : steps) {
    if (s.decision.changed) changes.emplace_back(s.decision.time, s.decision.desiredCapacity);
  }
  const std::vector<std::pair<double, std::int32_t>> expected = {{0, 3}, {300, 4}, {600, 5}};
  EXPECT_EQ(changes, expected);
  EXPECT_EQ(steps[1].decision.decision.reason, "SimpleScalingCooldown");
}

// "If multiple policies are triggered at the same time, Amazon EC2 Auto Scaling chooses the
// policy that provides the largest capacity for both scale out and scale in" (User Guide,
// "Multiple scaling policies"). A target tracking policy at 70% seeing 84% on 5 instances
// asks for ceil(5 x 84/70) = 6 (after its 3 datapoints); a step policy adding 3 above 80 asks
// for 8 at once: 8. Then with an ExactCapacity 3 step instead: alone at 0:00 it sets 3; at
// 2:00 target tracking's alarm asks for ceil(3 x 84/70) = 4 and the step policy for 3: the
// larger, 4, wins.
TEST(StepScaling, TheLargestCapacityOfThePoliciesWins) {
  AsgSpec g = stepGroup();
  g.desiredCapacity = 5;
  g.policies = {{"cpu", "ASGAverageCPUUtilization", 70.0, false, 0.0, {}, {}}};
  StepScalingPolicy p;
  p.name = "step";
  p.alarmThreshold = 80.0;
  p.estimatedInstanceWarmup = 0.0;
  p.steps = {{0.0, std::nullopt, 3}};
  g.stepPolicies = {p};
  AsgReplayOptions options;
  options.closedLoop = false;
  options.launchTime = 0.0;
  auto steps = replayTargetTracking(g, cpuTrace(84.0, 180), options);
  EXPECT_EQ(steps[0].decision.desiredCapacity, 8);  // the step policy, at once
  EXPECT_EQ(steps[0].decision.decision.reason, "StepAdjustment");
  g.stepPolicies[0].adjustmentType = AdjustmentType::kExactCapacity;
  g.stepPolicies[0].steps[0].scalingAdjustment = 3;
  steps = replayTargetTracking(g, cpuTrace(84.0, 180), options);
  EXPECT_EQ(steps[0].decision.desiredCapacity, 3);
  EXPECT_EQ(steps[2].decision.desiredCapacity, 4);
  EXPECT_EQ(steps[2].decision.decision.reason, "ScaleOut");
}

// The seeds' scripts: up above 70% cpu with a 300 s cooldown, down below 30% after 600 s, an
// error rate above 5% scales up by the emergency step at once.
TEST(ThresholdRule, SeedScript) {
  ThresholdRule r;
  r.rpsHigh = 100.0;
  r.errorRateEmergency = 0.05;
  r.minInstances = 2;
  r.maxInstances = 10;
  ThresholdState s;
  s.instances = 3;
  Decision d = evaluateThresholdRule(r, {85.0, {}, {}, {}}, s, 1000.0);
  EXPECT_EQ(d.replicas, 4);
  EXPECT_EQ(d.reason, "CpuAboveThreshold");
  s.lastScaleUp = 800.0;
  d = evaluateThresholdRule(r, {85.0, {}, {}, {}}, s, 1000.0);
  EXPECT_EQ(d.reason, "ScaleUpCooldown");
  d = evaluateThresholdRule(r, {85.0, {}, {}, 0.08}, s, 1000.0);
  EXPECT_EQ(d.replicas, 5);
  EXPECT_EQ(d.reason, "EmergencyScaleUp");
  d = evaluateThresholdRule(r, {50.0, {}, 150.0, {}}, ThresholdState{3, {}, {}}, 1000.0);
  EXPECT_EQ(d.reason, "RpsAboveThreshold");
  d = evaluateThresholdRule(r, {20.0, {}, 50.0, {}}, s, 1000.0);
  EXPECT_EQ(d.reason, "ScaleDownCooldown");  // 200 s after a scale-up
  d = evaluateThresholdRule(r, {20.0, {}, 50.0, {}}, s, 1400.0);
  EXPECT_EQ(d.replicas, 2);
  EXPECT_EQ(d.reason, "BelowThresholds");
  d = evaluateThresholdRule(r, {20.0, {}, 50.0, {}}, ThresholdState{2, {}, {}}, 1400.0);
  EXPECT_EQ(d.reason, "AtMinInstances");
  d = evaluateThresholdRule(r, {50.0, {}, 50.0, {}}, s, 1400.0);
  EXPECT_EQ(d.reason, "WithinThresholds");
}

}  // namespace
}  // namespace lbsim::models::autoscaling
