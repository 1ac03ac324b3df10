#include "scenarios/autoscaler_writer.h"

#include <yaml-cpp/yaml.h>

#include "scenarios/units.h"

namespace lbsim::scenarios {

namespace {

namespace as = models::autoscaling;

// A Kubernetes quantity from thousandths: whole numbers plain, others in milli units.
std::string quantity(std::int64_t milli) {
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  return std::to_string(milli) + "m";
}

void emitTarget(YAML::Emitter& out, const as::MetricTarget& t) {
  out << YAML::Key << "target" << YAML::Value << YAML::BeginMap;
  switch (t.type) {
    case as::MetricTargetType::kUtilization:
      out << YAML::Key << "type" << YAML::Value << "Utilization";
      out << YAML::Key << "averageUtilization" << YAML::Value << t.averageUtilization;
      break;
    case as::MetricTargetType::kAverageValue:
      out << YAML::Key << "type" << YAML::Value << "AverageValue";
      out << YAML::Key << "averageValue" << YAML::Value << quantity(t.valueMilli);
      break;
    case as::MetricTargetType::kValue:
      out << YAML::Key << "type" << YAML::Value << "Value";
      out << YAML::Key << "value" << YAML::Value << quantity(t.valueMilli);
      break;
  }
  out << YAML::EndMap;
}

void emitMetricName(YAML::Emitter& out, const std::string& name) {
  out << YAML::Key << "metric" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
      << YAML::Value << name << YAML::EndMap;
}

void emitRules(YAML::Emitter& out, const char* key, const as::ScalingRules& r) {
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  if (r.stabilizationWindowSeconds) {
    out << YAML::Key << "stabilizationWindowSeconds" << YAML::Value
        << *r.stabilizationWindowSeconds;
  }
  if (r.selectPolicy) {
    out << YAML::Key << "selectPolicy" << YAML::Value << as::toString(*r.selectPolicy);
  }
  if (r.policies) {
    out << YAML::Key << "policies" << YAML::Value << YAML::BeginSeq;
    for (const as::ScalingPolicy& p : *r.policies) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "type" << YAML::Value << as::toString(p.type);
      out << YAML::Key << "value" << YAML::Value << p.value;
      out << YAML::Key << "periodSeconds" << YAML::Value << p.periodSeconds;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (r.tolerance) {
    out << YAML::Key << "tolerance" << YAML::Value
        << quantity(static_cast<std::int64_t>(*r.tolerance * 1000.0 + 0.5));
  }
  out << YAML::EndMap;
}

// CloudWatch's names for the group metrics an alarm watches (the loader maps them back).
std::string alarmMetricName(const std::string& metric) {
  if (metric == "ASGAverageCPUUtilization") return "CPUUtilization";
  if (metric == "ALBRequestCountPerTarget") return "RequestCountPerTarget";
  return metric;
}

bool predefined(const std::string& metric) {
  return metric == "ASGAverageCPUUtilization" || metric == "ASGAverageNetworkIn" ||
         metric == "ASGAverageNetworkOut" || metric == "ALBRequestCountPerTarget";
}

}  // namespace

std::string hpaManifestYaml(const as::HpaSpec& hpa) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "autoscaling/v2";
  out << YAML::Key << "kind" << YAML::Value << "HorizontalPodAutoscaler";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
      << YAML::Value << hpa.name << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "scaleTargetRef" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "apps/v1";
  out << YAML::Key << "kind" << YAML::Value << hpa.targetKind;
  out << YAML::Key << "name" << YAML::Value << hpa.targetName << YAML::EndMap;
  if (hpa.minReplicas) out << YAML::Key << "minReplicas" << YAML::Value << *hpa.minReplicas;
  out << YAML::Key << "maxReplicas" << YAML::Value << hpa.maxReplicas;
  if (!hpa.metrics.empty()) {
    out << YAML::Key << "metrics" << YAML::Value << YAML::BeginSeq;
    for (const as::MetricSpec& m : hpa.metrics) {
      out << YAML::BeginMap;
      switch (m.type) {
        case as::MetricSourceType::kResource:
          out << YAML::Key << "type" << YAML::Value << "Resource";
          out << YAML::Key << "resource" << YAML::Value << YAML::BeginMap;
          out << YAML::Key << "name" << YAML::Value << m.name;
          break;
        case as::MetricSourceType::kPods:
          out << YAML::Key << "type" << YAML::Value << "Pods";
          out << YAML::Key << "pods" << YAML::Value << YAML::BeginMap;
          emitMetricName(out, m.name);
          break;
        case as::MetricSourceType::kObject:
          out << YAML::Key << "type" << YAML::Value << "Object";
          out << YAML::Key << "object" << YAML::Value << YAML::BeginMap;
          out << YAML::Key << "describedObject" << YAML::Value << YAML::BeginMap;
          out << YAML::Key << "kind" << YAML::Value << m.describedKind;
          out << YAML::Key << "name" << YAML::Value << m.describedName << YAML::EndMap;
          emitMetricName(out, m.name);
          break;
        case as::MetricSourceType::kExternal:
          out << YAML::Key << "type" << YAML::Value << "External";
          out << YAML::Key << "external" << YAML::Value << YAML::BeginMap;
          emitMetricName(out, m.name);
          break;
      }
      emitTarget(out, m.target);
      out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (hpa.behavior) {
    out << YAML::Key << "behavior" << YAML::Value << YAML::BeginMap;
    if (hpa.behavior->scaleUp) emitRules(out, "scaleUp", *hpa.behavior->scaleUp);
    if (hpa.behavior->scaleDown) emitRules(out, "scaleDown", *hpa.behavior->scaleDown);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string asgPolicyYaml(const as::AsgSpec& g) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!g.name.empty()) out << YAML::Key << "AutoScalingGroupName" << YAML::Value << g.name;
  out << YAML::Key << "MinSize" << YAML::Value << g.minSize;
  out << YAML::Key << "MaxSize" << YAML::Value << g.maxSize;
  if (g.desiredCapacity) out << YAML::Key << "DesiredCapacity" << YAML::Value << *g.desiredCapacity;
  out << YAML::Key << "DefaultCooldown" << YAML::Value << formatNumber(g.defaultCooldown);
  if (g.defaultInstanceWarmup) {
    out << YAML::Key << "DefaultInstanceWarmup" << YAML::Value
        << formatNumber(*g.defaultInstanceWarmup);
  }
  out << YAML::Key << "HealthCheckType" << YAML::Value << (g.elbHealthCheck ? "ELB" : "EC2");
  out << YAML::Key << "HealthCheckGracePeriod" << YAML::Value
      << formatNumber(g.healthCheckGracePeriod);
  out << YAML::Key << "Alarms" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "HighDatapoints" << YAML::Value << g.alarms.highDatapoints;
  out << YAML::Key << "LowDatapoints" << YAML::Value << g.alarms.lowDatapoints;
  out << YAML::Key << "LowFraction" << YAML::Value << formatNumber(g.alarms.lowFraction);
  out << YAML::Key << "Period" << YAML::Value << formatNumber(g.alarms.period) << YAML::EndMap;
  out << YAML::Key << "Policies" << YAML::Value << YAML::BeginSeq;
  for (const as::TargetTrackingPolicy& p : g.policies) {
    out << YAML::BeginMap;
    out << YAML::Key << "PolicyName" << YAML::Value << p.name;
    out << YAML::Key << "PolicyType" << YAML::Value << "TargetTrackingScaling";
    if (p.estimatedInstanceWarmup) {
      out << YAML::Key << "EstimatedInstanceWarmup" << YAML::Value
          << formatNumber(*p.estimatedInstanceWarmup);
    }
    out << YAML::Key << "TargetTrackingConfiguration" << YAML::Value << YAML::BeginMap;
    if (predefined(p.metric)) {
      out << YAML::Key << "PredefinedMetricSpecification" << YAML::Value << YAML::Flow
          << YAML::BeginMap << YAML::Key << "PredefinedMetricType" << YAML::Value << p.metric
          << YAML::EndMap;
    } else {
      out << YAML::Key << "CustomizedMetricSpecification" << YAML::Value << YAML::Flow
          << YAML::BeginMap << YAML::Key << "MetricName" << YAML::Value << p.metric << YAML::EndMap;
    }
    out << YAML::Key << "TargetValue" << YAML::Value << formatNumber(p.targetValue);
    out << YAML::Key << "DisableScaleIn" << YAML::Value << (p.disableScaleIn ? "true" : "false");
    if (p.scaleOutCooldown) {
      out << YAML::Key << "ScaleOutCooldown" << YAML::Value << formatNumber(*p.scaleOutCooldown);
    }
    if (p.scaleInCooldown) {
      out << YAML::Key << "ScaleInCooldown" << YAML::Value << formatNumber(*p.scaleInCooldown);
    }
    out << YAML::EndMap << YAML::EndMap;
  }
  for (const as::StepScalingPolicy& p : g.stepPolicies) {
    out << YAML::BeginMap;
    out << YAML::Key << "PolicyName" << YAML::Value << p.name;
    out << YAML::Key << "PolicyType" << YAML::Value << (p.simple ? "SimpleScaling" : "StepScaling");
    out << YAML::Key << "AdjustmentType" << YAML::Value << as::toString(p.adjustmentType);
    if (p.minAdjustmentMagnitude) {
      out << YAML::Key << "MinAdjustmentMagnitude" << YAML::Value << *p.minAdjustmentMagnitude;
    }
    if (p.simple) {
      out << YAML::Key << "ScalingAdjustment" << YAML::Value
          << (p.steps.empty() ? 0 : p.steps.front().scalingAdjustment);
      if (p.cooldown) out << YAML::Key << "Cooldown" << YAML::Value << formatNumber(*p.cooldown);
    } else {
      if (p.estimatedInstanceWarmup) {
        out << YAML::Key << "EstimatedInstanceWarmup" << YAML::Value
            << formatNumber(*p.estimatedInstanceWarmup);
      }
      out << YAML::Key << "StepAdjustments" << YAML::Value << YAML::BeginSeq;
      for (const as::StepAdjustment& s : p.steps) {
        out << YAML::Flow << YAML::BeginMap;
        if (s.lowerBound) {
          out << YAML::Key << "MetricIntervalLowerBound" << YAML::Value
              << formatNumber(*s.lowerBound);
        }
        if (s.upperBound) {
          out << YAML::Key << "MetricIntervalUpperBound" << YAML::Value
              << formatNumber(*s.upperBound);
        }
        out << YAML::Key << "ScalingAdjustment" << YAML::Value << s.scalingAdjustment;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    const std::string op = std::string(p.aboveThreshold ? "GreaterThan" : "LessThan") +
                           (p.orEqual ? "OrEqualToThreshold" : "Threshold");
    out << YAML::Key << "Alarm" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "MetricName" << YAML::Value << alarmMetricName(p.metric);
    out << YAML::Key << "Threshold" << YAML::Value << formatNumber(p.alarmThreshold);
    out << YAML::Key << "ComparisonOperator" << YAML::Value << op;
    out << YAML::Key << "EvaluationPeriods" << YAML::Value << p.evaluationPeriods;
    out << YAML::Key << "DatapointsToAlarm" << YAML::Value << p.datapointsToAlarm;
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string scalingScriptYaml(const as::ThresholdRule& r) {
  YAML::Emitter out;
  const auto percent = [](double v) { return formatNumber(v) + "%"; };
  out << YAML::BeginMap;
  out << YAML::Key << "check_interval" << YAML::Value << formatDuration(r.checkInterval);
  out << YAML::Key << "cpu" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "high"
      << YAML::Value << percent(r.cpuHigh) << YAML::Key << "low" << YAML::Value << percent(r.cpuLow)
      << YAML::EndMap;
  if (r.memoryHigh || r.memoryLow) {
    out << YAML::Key << "memory" << YAML::Value << YAML::Flow << YAML::BeginMap;
    if (r.memoryHigh) out << YAML::Key << "high" << YAML::Value << percent(*r.memoryHigh);
    if (r.memoryLow) out << YAML::Key << "low" << YAML::Value << percent(*r.memoryLow);
    out << YAML::EndMap;
  }
  if (r.rpsHigh) out << YAML::Key << "rps_high" << YAML::Value << formatNumber(*r.rpsHigh) + "/s";
  if (r.errorRateEmergency) {
    out << YAML::Key << "error_rate_emergency" << YAML::Value
        << percent(*r.errorRateEmergency * 100.0);
  }
  out << YAML::Key << "step" << YAML::Value << r.step;
  out << YAML::Key << "emergency_step" << YAML::Value << r.emergencyStep;
  out << YAML::Key << "cooldown" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "up"
      << YAML::Value << formatDuration(r.scaleUpCooldown) << YAML::Key << "down" << YAML::Value
      << formatDuration(r.scaleDownCooldown) << YAML::EndMap;
  out << YAML::Key << "instances" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
      << "min" << YAML::Value << r.minInstances << YAML::Key << "max" << YAML::Value
      << r.maxInstances << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lbsim::scenarios
