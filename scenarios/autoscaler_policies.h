#pragma once

#include <string>

#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/threshold_rule.h"
#include "scenarios/error.h"

namespace lbsim::scenarios {

// An EC2 Auto Scaling group with its scaling policies, written with the names of the API and
// of CloudFormation (AWS::AutoScaling::AutoScalingGroup, ::ScalingPolicy, and for step and
// simple scaling the AWS::CloudWatch::Alarm that invokes the policy, under `Alarm`):
//
//   AutoScalingGroupName: user-service-asg
//   MinSize: 3
//   MaxSize: 15
//   DesiredCapacity: 5
//   DefaultCooldown: 300
//   DefaultInstanceWarmup: 300          # optional
//   Policies:
//     - PolicyName: cpu
//       PolicyType: TargetTrackingScaling
//       EstimatedInstanceWarmup: 300    # optional
//       TargetTrackingConfiguration:
//         PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
//         TargetValue: 70.0
//         ScaleOutCooldown: 300         # optional (Application Auto Scaling)
//         ScaleInCooldown: 600
//         DisableScaleIn: false
//     - PolicyName: cpu-step
//       PolicyType: StepScaling
//       AdjustmentType: ChangeInCapacity  # or PercentChangeInCapacity, ExactCapacity
//       MinAdjustmentMagnitude: 2         # optional, PercentChangeInCapacity only
//       EstimatedInstanceWarmup: 120      # optional
//       StepAdjustments:
//         - {MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1}
//         - {MetricIntervalLowerBound: 20, ScalingAdjustment: 3}
//       Alarm: {MetricName: CPUUtilization, Threshold: 60,
//               ComparisonOperator: GreaterThanOrEqualToThreshold,
//               EvaluationPeriods: 3, DatapointsToAlarm: 2}
//     - PolicyName: cpu-simple
//       PolicyType: SimpleScaling
//       AdjustmentType: ChangeInCapacity
//       ScalingAdjustment: -1
//       Cooldown: 300                     # optional: DefaultCooldown
//       Alarm: {MetricName: CPUUtilization, Threshold: 20, ComparisonOperator: LessThanThreshold}
//   HealthCheckType: ELB                  # optional (EC2): replace instances the ALB finds
//   unhealthy HealthCheckGracePeriod: 300           # optional (0)
//
// An alarm's MetricName CPUUtilization is the group's ASGAverageCPUUtilization and
// RequestCountPerTarget is ALBRequestCountPerTarget; its Period must be the group's alarm
// period (60 s).
//
// A policy's metric is its PredefinedMetricType or its CustomizedMetricSpecification's
// MetricName; the trace names it the same way. `Alarms` (lbsim's) sets the assumed alarms:
// {HighDatapoints: 3, LowDatapoints: 15, LowFraction: 0.9, Period: 60}.
models::autoscaling::AsgSpec loadAsgPolicyFile(const std::string& path);
models::autoscaling::AsgSpec loadAsgPolicyText(const std::string& text,
                                               const std::string& fileName);

// A threshold script's rule, in lbsim's scenario style:
//
//   check_interval: 60s
//   cpu: {high: 70%, low: 30%}
//   memory: {high: 75%, low: 30%}     # optional
//   rps_high: 100/s                   # optional
//   error_rate_emergency: 5%          # optional
//   step: 1
//   emergency_step: 2
//   cooldown: {up: 300s, down: 600s}
//   instances: {min: 2, max: 10}
models::autoscaling::ThresholdRule loadScalingScriptFile(const std::string& path);
models::autoscaling::ThresholdRule loadScalingScriptText(const std::string& text,
                                                         const std::string& fileName);

}  // namespace lbsim::scenarios
