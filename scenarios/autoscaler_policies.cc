#include "scenarios/autoscaler_policies.h"

#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

using namespace models::autoscaling;

namespace {

constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

YAML::Node loadOne(const std::string& text, const std::string& fileName, const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError({{fileName, e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg}});
  }
  if (!root || !root.IsMap()) {
    throw ScenarioError({{fileName, 0, 0, "the " + what + " must be a mapping of keys to values"}});
  }
  return root;
}

std::string policyType(const yaml::Reader& in, const YAML::Node& node, const std::string& what) {
  if (!node.IsMap() || !node["PolicyType"]) return "TargetTrackingScaling";
  return in.oneOf(node["PolicyType"], what + " PolicyType",
                  {"TargetTrackingScaling", "StepScaling", "SimpleScaling"});
}

// CloudWatch's names for the group's metrics, as target tracking names them.
std::string alarmMetric(const std::string& name) {
  if (name == "CPUUtilization") return "ASGAverageCPUUtilization";
  if (name == "RequestCountPerTarget") return "ALBRequestCountPerTarget";
  return name;
}

// A step or simple scaling policy (AWS::AutoScaling::ScalingPolicy) and, under `Alarm`, the
// CloudWatch alarm (AWS::CloudWatch::Alarm) that invokes it.
StepScalingPolicy readStepPolicy(const yaml::Reader& in, const YAML::Node& node,
                                 const std::string& what, std::size_t index, bool simple,
                                 double period) {
  std::vector<std::string> keys = {"PolicyName", "PolicyType", "AdjustmentType",
                                   "MinAdjustmentMagnitude", "Alarm"};
  const std::vector<std::string> own =
      simple ? std::vector<std::string>{"ScalingAdjustment", "Cooldown"}
             : std::vector<std::string>{"StepAdjustments", "EstimatedInstanceWarmup",
                                        "MetricAggregationType"};
  keys.insert(keys.end(), own.begin(), own.end());
  in.expectMap(node, what, keys);
  StepScalingPolicy policy;
  policy.simple = simple;
  policy.name = node["PolicyName"] ? in.scalar(node["PolicyName"], what + " PolicyName")
                                   : "policy-" + std::to_string(index + 1);
  if (const YAML::Node t = node["AdjustmentType"]) {
    const std::string type =
        in.oneOf(t, what + " AdjustmentType",
                 {"ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"});
    policy.adjustmentType = type == "ChangeInCapacity" ? AdjustmentType::kChangeInCapacity
                            : type == "PercentChangeInCapacity"
                                ? AdjustmentType::kPercentChangeInCapacity
                                : AdjustmentType::kExactCapacity;
  }
  if (const YAML::Node m = node["MinAdjustmentMagnitude"]) {
    if (policy.adjustmentType != AdjustmentType::kPercentChangeInCapacity) {
      in.fail(m, what + " MinAdjustmentMagnitude applies to PercentChangeInCapacity only");
    }
    policy.minAdjustmentMagnitude =
        static_cast<std::int32_t>(in.integer(m, what + " MinAdjustmentMagnitude", 1, kMaxInt32));
  }
  const std::int64_t least =
      policy.adjustmentType == AdjustmentType::kExactCapacity ? 0 : -kMaxInt32;
  if (simple) {
    const YAML::Node a = in.required(node, "ScalingAdjustment", what);
    policy.steps.push_back(
        {std::nullopt, std::nullopt,
         static_cast<std::int32_t>(in.integer(a, what + " ScalingAdjustment", least, kMaxInt32))});
    if (node["Cooldown"]) policy.cooldown = in.seconds(node["Cooldown"], what + " Cooldown");
  } else {
    if (const YAML::Node w = node["EstimatedInstanceWarmup"]) {
      policy.estimatedInstanceWarmup = in.seconds(w, what + " EstimatedInstanceWarmup");
    }
    if (const YAML::Node g = node["MetricAggregationType"]) {
      in.oneOf(g, what + " MetricAggregationType", {"Average"});
    }
    const YAML::Node steps = in.required(node, "StepAdjustments", what);
    in.expectSequence(steps, what + " StepAdjustments");
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const std::string swhat = what + " step " + std::to_string(i + 1);
      const YAML::Node s = steps[i];
      in.expectMap(s, swhat,
                   {"MetricIntervalLowerBound", "MetricIntervalUpperBound", "ScalingAdjustment"});
      StepAdjustment step;
      if (s["MetricIntervalLowerBound"]) {
        step.lowerBound =
            in.number(s["MetricIntervalLowerBound"], swhat + " MetricIntervalLowerBound");
      }
      if (s["MetricIntervalUpperBound"]) {
        step.upperBound =
            in.number(s["MetricIntervalUpperBound"], swhat + " MetricIntervalUpperBound");
      }
      step.scalingAdjustment =
          static_cast<std::int32_t>(in.integer(in.required(s, "ScalingAdjustment", swhat),
                                               swhat + " ScalingAdjustment", least, kMaxInt32));
      policy.steps.push_back(step);
    }
    const std::vector<std::string> problems = validateStepAdjustments(policy.steps);
    if (!problems.empty()) in.fail(steps, what + " StepAdjustments: " + problems.front());
  }
  const std::string awhat = what + " Alarm";
  const YAML::Node alarm = in.required(node, "Alarm", what);
  in.expectMap(alarm, awhat,
               {"AlarmName", "MetricName", "Namespace", "Statistic", "Dimensions", "Threshold",
                "ComparisonOperator", "EvaluationPeriods", "DatapointsToAlarm", "Period"});
  policy.metric =
      alarmMetric(in.scalar(in.required(alarm, "MetricName", awhat), awhat + " MetricName"));
  if (const YAML::Node s = alarm["Statistic"]) in.oneOf(s, awhat + " Statistic", {"Average"});
  policy.alarmThreshold = in.number(in.required(alarm, "Threshold", awhat), awhat + " Threshold");
  const std::string op =
      in.oneOf(in.required(alarm, "ComparisonOperator", awhat), awhat + " ComparisonOperator",
               {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                "LessThanOrEqualToThreshold"});
  policy.aboveThreshold = op.rfind("Greater", 0) == 0;
  policy.orEqual = op.find("OrEqual") != std::string::npos;
  if (const YAML::Node e = alarm["EvaluationPeriods"]) {
    policy.evaluationPeriods =
        static_cast<int>(in.integer(e, awhat + " EvaluationPeriods", 1, 100));
  }
  if (const YAML::Node p = alarm["Period"]) {
    if (in.seconds(p, awhat + " Period") != period) {
      in.fail(p, awhat + " Period must be the group's alarm period (" +
                     std::to_string(static_cast<int>(period)) +
                     " s, lbsim's Alarms: Period): the policies are evaluated together, once a "
                     "period");
    }
  }
  policy.datapointsToAlarm = policy.evaluationPeriods;
  if (const YAML::Node d = alarm["DatapointsToAlarm"]) {
    policy.datapointsToAlarm =
        static_cast<int>(in.integer(d, awhat + " DatapointsToAlarm", 1, policy.evaluationPeriods));
  }
  return policy;
}

TargetTrackingPolicy readPolicy(const yaml::Reader& in, const YAML::Node& node,
                                const std::string& what, std::size_t index) {
  in.expectMap(
      node, what,
      {"PolicyName", "PolicyType", "EstimatedInstanceWarmup", "TargetTrackingConfiguration"});
  TargetTrackingPolicy policy;
  policy.name = node["PolicyName"] ? in.scalar(node["PolicyName"], what + " PolicyName")
                                   : "policy-" + std::to_string(index + 1);
  if (node["EstimatedInstanceWarmup"]) {
    policy.estimatedInstanceWarmup =
        in.seconds(node["EstimatedInstanceWarmup"], what + " EstimatedInstanceWarmup");
  }
  const std::string cwhat = what + " TargetTrackingConfiguration";
  const YAML::Node c = in.required(node, "TargetTrackingConfiguration", what);
  in.expectMap(c, cwhat,
               {"PredefinedMetricSpecification", "CustomizedMetricSpecification", "TargetValue",
                "DisableScaleIn", "ScaleOutCooldown", "ScaleInCooldown"});
  const YAML::Node predefined = c["PredefinedMetricSpecification"];
  const YAML::Node customized = c["CustomizedMetricSpecification"];
  if (predefined && customized) {
    in.fail(customized, cwhat + " has both a predefined and a customized metric; allowed: one");
  }
  if (predefined) {
    in.expectMap(predefined, "PredefinedMetricSpecification",
                 {"PredefinedMetricType", "ResourceLabel"});
    policy.metric =
        in.oneOf(in.required(predefined, "PredefinedMetricType", "PredefinedMetricSpecification"),
                 "PredefinedMetricType",
                 {"ASGAverageCPUUtilization", "ASGAverageNetworkIn", "ASGAverageNetworkOut",
                  "ALBRequestCountPerTarget"});
  } else if (customized) {
    in.expectMap(customized, "CustomizedMetricSpecification",
                 {"MetricName", "Namespace", "Dimensions", "Statistic", "Unit", "Metrics"});
    policy.metric = in.scalar(
        in.required(customized, "MetricName", "CustomizedMetricSpecification"), "MetricName");
  } else {
    in.fail(c, cwhat +
                   " has no metric; allowed: PredefinedMetricSpecification or "
                   "CustomizedMetricSpecification");
  }
  const YAML::Node target = in.required(c, "TargetValue", cwhat);
  policy.targetValue = in.number(target, cwhat + " TargetValue", 0.0);
  if (!(policy.targetValue > 0.0)) in.fail(target, cwhat + " TargetValue must be positive");
  if (c["DisableScaleIn"])
    policy.disableScaleIn = in.boolean(c["DisableScaleIn"], "DisableScaleIn");
  if (c["ScaleOutCooldown"])
    policy.scaleOutCooldown = in.seconds(c["ScaleOutCooldown"], "ScaleOutCooldown");
  if (c["ScaleInCooldown"])
    policy.scaleInCooldown = in.seconds(c["ScaleInCooldown"], "ScaleInCooldown");
  return policy;
}

}  // namespace

AsgSpec loadAsgPolicyText(const std::string& text, const std::string& fileName) {
  const YAML::Node root = loadOne(text, fileName, "Auto Scaling group");
  yaml::Reader in(fileName);
  AsgSpec group;
  in.collect([&] {
    in.expectMap(root, "the Auto Scaling group",
                 {"AutoScalingGroupName", "MinSize", "MaxSize", "DesiredCapacity",
                  "DefaultCooldown", "DefaultInstanceWarmup", "HealthCheckType",
                  "HealthCheckGracePeriod", "Policies", "Alarms"});
  });
  in.collect([&] {
    if (root["AutoScalingGroupName"])
      group.name = in.scalar(root["AutoScalingGroupName"], "AutoScalingGroupName");
    group.minSize = static_cast<std::int32_t>(in.integer(
        in.required(root, "MinSize", "the Auto Scaling group"), "MinSize", 0, kMaxInt32));
    const YAML::Node max = in.required(root, "MaxSize", "the Auto Scaling group");
    group.maxSize = static_cast<std::int32_t>(in.integer(max, "MaxSize", 0, kMaxInt32));
    if (group.maxSize < group.minSize)
      in.fail(max, "MaxSize is below MinSize; allowed: MaxSize >= MinSize");
    if (root["DesiredCapacity"]) {
      const YAML::Node d = root["DesiredCapacity"];
      group.desiredCapacity =
          static_cast<std::int32_t>(in.integer(d, "DesiredCapacity", 0, kMaxInt32));
      if (*group.desiredCapacity < group.minSize || *group.desiredCapacity > group.maxSize) {
        in.fail(d, "DesiredCapacity must be from MinSize to MaxSize");
      }
    }
  });
  in.collect([&] {
    if (root["DefaultCooldown"])
      group.defaultCooldown = in.seconds(root["DefaultCooldown"], "DefaultCooldown");
    if (root["HealthCheckType"]) {
      group.elbHealthCheck =
          in.oneOf(root["HealthCheckType"], "HealthCheckType", {"EC2", "ELB"}) == "ELB";
    }
    if (root["HealthCheckGracePeriod"]) {
      group.healthCheckGracePeriod =
          in.seconds(root["HealthCheckGracePeriod"], "HealthCheckGracePeriod");
    }
    if (root["DefaultInstanceWarmup"]) {
      group.defaultInstanceWarmup =
          in.seconds(root["DefaultInstanceWarmup"], "DefaultInstanceWarmup");
    }
  });
  in.collect([&] {
    if (!root["Alarms"]) return;
    const YAML::Node a = root["Alarms"];
    in.expectMap(a, "Alarms", {"HighDatapoints", "LowDatapoints", "LowFraction", "Period"});
    if (a["HighDatapoints"])
      group.alarms.highDatapoints =
          static_cast<int>(in.integer(a["HighDatapoints"], "HighDatapoints", 1, 100));
    if (a["LowDatapoints"])
      group.alarms.lowDatapoints =
          static_cast<int>(in.integer(a["LowDatapoints"], "LowDatapoints", 1, 100));
    if (a["LowFraction"])
      group.alarms.lowFraction = in.number(a["LowFraction"], "LowFraction", 0.0);
    if (a["Period"]) group.alarms.period = in.seconds(a["Period"], "Period");
    if (!(group.alarms.period > 0.0)) in.fail(a["Period"], "Period must be positive");
  });
  in.collect([&] {
    const YAML::Node policies = in.required(root, "Policies", "the Auto Scaling group");
    in.expectSequence(policies, "Policies");
    if (policies.size() == 0) in.fail(policies, "Policies is empty; allowed: one or more policies");
    for (std::size_t i = 0; i < policies.size(); ++i) {
      in.collect([&] {
        const std::string what = "policy " + std::to_string(i + 1);
        const std::string type = policyType(in, policies[i], what);
        if (type == "TargetTrackingScaling") {
          group.policies.push_back(readPolicy(in, policies[i], what, i));
        } else {
          group.stepPolicies.push_back(readStepPolicy(
              in, policies[i], what, i, type == "SimpleScaling", group.alarms.period));
        }
      });
    }
  });
  in.throwIfAny();
  return group;
}

AsgSpec loadAsgPolicyFile(const std::string& path) {
  return loadAsgPolicyText(yaml::readFile(path, "Auto Scaling group file"), path);
}

ThresholdRule loadScalingScriptText(const std::string& text, const std::string& fileName) {
  const YAML::Node root = loadOne(text, fileName, "scaling script");
  yaml::Reader in(fileName);
  ThresholdRule rule;
  in.collect([&] {
    in.expectMap(root, "the scaling script",
                 {"check_interval", "cpu", "memory", "rps_high", "error_rate_emergency", "step",
                  "emergency_step", "cooldown", "instances"});
  });
  const auto highLow = [&](const char* key, auto assign) {
    in.collect([&] {
      const YAML::Node n = root[key];
      if (!n) return;
      in.expectMap(n, key, {"high", "low"});
      assign(
          n["high"] ? std::optional(in.percent(n["high"], std::string(key) + " high"))
                    : std::nullopt,
          n["low"] ? std::optional(in.percent(n["low"], std::string(key) + " low")) : std::nullopt);
    });
  };
  in.collect([&] {
    if (root["check_interval"])
      rule.checkInterval = in.seconds(root["check_interval"], "check_interval");
    if (!(rule.checkInterval > 0.0))
      in.fail(root["check_interval"], "check_interval must be positive");
  });
  highLow("cpu", [&](std::optional<double> high, std::optional<double> low) {
    if (high) rule.cpuHigh = *high;
    if (low) rule.cpuLow = *low;
  });
  highLow("memory", [&](std::optional<double> high, std::optional<double> low) {
    rule.memoryHigh = high;
    rule.memoryLow = low;
  });
  in.collect([&] {
    if (!root["rps_high"]) return;
    const std::string s = in.scalar(root["rps_high"], "rps_high");
    const auto v = parseRate(s);
    if (!v || *v <= 0.0)
      in.fail(root["rps_high"], "rps_high '" + s + "' is not a rate; allowed: " + kRateForms);
    rule.rpsHigh = *v;
  });
  in.collect([&] {
    if (root["error_rate_emergency"]) {
      rule.errorRateEmergency =
          in.percent(root["error_rate_emergency"], "error_rate_emergency") / 100.0;
    }
  });
  in.collect([&] {
    if (root["step"])
      rule.step = static_cast<std::int32_t>(in.integer(root["step"], "step", 1, 1000));
    if (root["emergency_step"]) {
      rule.emergencyStep =
          static_cast<std::int32_t>(in.integer(root["emergency_step"], "emergency_step", 1, 1000));
    }
  });
  in.collect([&] {
    const YAML::Node c = root["cooldown"];
    if (!c) return;
    in.expectMap(c, "cooldown", {"up", "down"});
    if (c["up"]) rule.scaleUpCooldown = in.seconds(c["up"], "cooldown up");
    if (c["down"]) rule.scaleDownCooldown = in.seconds(c["down"], "cooldown down");
  });
  in.collect([&] {
    const YAML::Node n = root["instances"];
    if (!n) return;
    in.expectMap(n, "instances", {"min", "max"});
    if (n["min"])
      rule.minInstances =
          static_cast<std::int32_t>(in.integer(n["min"], "instances min", 0, kMaxInt32));
    if (n["max"])
      rule.maxInstances =
          static_cast<std::int32_t>(in.integer(n["max"], "instances max", 1, kMaxInt32));
    if (rule.maxInstances < rule.minInstances) in.fail(n, "instances max is below min");
  });
  in.throwIfAny();
  return rule;
}

ThresholdRule loadScalingScriptFile(const std::string& path) {
  return loadScalingScriptText(yaml::readFile(path, "scaling script"), path);
}

}  // namespace lbsim::scenarios
