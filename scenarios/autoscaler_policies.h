#pragma once

#include <string>

#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/threshold_rule.h"
#include "scenarios/error.h"

namespace lbsim::scenarios {

// An EC2 Auto Scaling group with its target tracking policies, written with the names of the
// API and of CloudFormation (AWS::AutoScaling::AutoScalingGroup, ::ScalingPolicy):
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
