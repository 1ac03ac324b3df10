#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/autoscaling/hpa_behavior.h"

namespace lbsim::models::autoscaling {

// Amazon EC2 Auto Scaling step scaling (User Guide "Step and simple scaling policies",
// API StepAdjustment and PutScalingPolicy). A CloudWatch alarm on a threshold invokes the
// policy; the step whose bounds contain (metric - threshold) gives the adjustment:
// - above the threshold a step covers lower <= difference < upper, below it
//   lower < difference <= upper; a missing bound is infinite;
// - ChangeInCapacity adds the adjustment, ExactCapacity sets it, PercentChangeInCapacity adds
//   that percentage of the capacity, rounded: above 1 down, between 0 and 1 to 1, between
//   -1 and 0 to -1, below -1 up; MinAdjustmentMagnitude is the least change it makes;
// - while instances warm up they are part of the capacity a scale-out starts from, so a
//   second breach in the same step adds nothing and a larger step only the difference.

enum class AdjustmentType { kChangeInCapacity, kPercentChangeInCapacity, kExactCapacity };
const char* toString(AdjustmentType type);

struct StepAdjustment {
  std::optional<double> lowerBound;  // MetricIntervalLowerBound, relative to the threshold
  std::optional<double> upperBound;  // MetricIntervalUpperBound
  std::int32_t scalingAdjustment = 0;
  bool operator==(const StepAdjustment&) const = default;
};

struct StepScalingPolicy {
  std::string name;
  // SimpleScaling (the older kind): one adjustment, steps[0]'s, added to the desired
  // capacity; then the policy does not act until `cooldown` (else the group's
  // DefaultCooldown) has passed since the group's last scaling activity.
  bool simple = false;
  std::optional<double> cooldown;
  std::optional<double> estimatedInstanceWarmup;
  // The CloudWatch alarm that invokes the policy: its metric (named as target tracking names
  // them: ASGAverageCPUUtilization, ALBRequestCountPerTarget, or another), threshold and
  // comparison, and DatapointsToAlarm of EvaluationPeriods one-period datapoints. While in
  // ALARM it invokes the policy once a period (CloudWatch repeats Auto Scaling actions).
  std::string metric = "ASGAverageCPUUtilization";
  double alarmThreshold = 0.0;
  bool aboveThreshold = true;  // GreaterThan... (scale-out) or LessThan... (scale-in)
  bool orEqual = true;         // ...OrEqualToThreshold
  int evaluationPeriods = 1;
  int datapointsToAlarm = 1;
  AdjustmentType adjustmentType = AdjustmentType::kChangeInCapacity;
  std::optional<std::int32_t> minAdjustmentMagnitude;
  std::vector<StepAdjustment> steps;
  bool operator==(const StepScalingPolicy&) const = default;
};

// Whether one datapoint breaches the policy's alarm threshold.
bool breaches(const StepScalingPolicy& policy, double value);
// The alarm's state after `datapoints` (oldest first; NaN is missing): ALARM (true) when at
// least DatapointsToAlarm of the last EvaluationPeriods breach, OK (false) otherwise; no state
// while all of them are missing (CloudWatch's default TreatMissingData: missing).
std::optional<bool> stepAlarm(const StepScalingPolicy& policy,
                              const std::deque<double>& datapoints);

// AWS's rules for a policy's steps: no overlap, no gap, at most one null lower and one null
// upper bound, not both null in one step, a null bound wherever the ranges go past 0.
// Returns the problems, empty when valid.
std::vector<std::string> validateStepAdjustments(const std::vector<StepAdjustment>& steps);

// The index of the step for `metric`, or nullopt when none covers it.
std::optional<std::size_t> findStepAdjustment(const std::vector<StepAdjustment>& steps,
                                              double metric, double threshold);

// PercentChangeInCapacity: the change in instances for `percent` of `capacity`, rounded as
// AWS documents, at least MinAdjustmentMagnitude in size.
std::int32_t percentChangeInCapacity(std::int32_t capacity, std::int32_t percent,
                                     std::optional<std::int32_t> minAdjustmentMagnitude);

// The desired capacity after the policy runs on `metric` (the alarm is in ALARM). A
// scale-out adds to the instances that count toward the metric (in service and warmed up)
// and never lowers the desired capacity, which already holds the instances warming up: a
// repeated breach in the same step adds nothing, a larger step the difference. A scale-in
// removes from the desired capacity. A simple scaling policy adds its adjustment to the
// desired capacity (its cooldown is the caller's to check). Reasons: StepAdjustment,
// SimpleScaling, NoStepForMetric, AlreadyScaling, AtMaxSize, AtMinSize.
Decision stepScalingCapacity(const StepScalingPolicy& policy, double metric,
                             std::int32_t countedCapacity, std::int32_t desiredCapacity,
                             std::int32_t minSize, std::int32_t maxSize);

}  // namespace lbsim::models::autoscaling
