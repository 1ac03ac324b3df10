#include "models/autoscaling/hpa_spec.h"

namespace lbsim::models::autoscaling {

namespace {
ScalingRules fill(const std::optional<ScalingRules>& from, ScalingRules to) {
  if (!from) return to;
  if (from->selectPolicy) to.selectPolicy = from->selectPolicy;
  if (from->stabilizationWindowSeconds)
    to.stabilizationWindowSeconds = from->stabilizationWindowSeconds;
  if (from->policies) to.policies = from->policies;
  if (from->tolerance) to.tolerance = from->tolerance;
  return to;
}
}  // namespace

ScalingRules generateScaleUpRules(const std::optional<ScalingRules>& rules) {
  ScalingRules defaults;
  defaults.stabilizationWindowSeconds = 0;
  defaults.selectPolicy = SelectPolicy::kMax;
  defaults.policies = std::vector<ScalingPolicy>{{ScalingPolicyType::kPods, 4, 15},
                                                 {ScalingPolicyType::kPercent, 100, 15}};
  return fill(rules, defaults);
}

ScalingRules generateScaleDownRules(const std::optional<ScalingRules>& rules) {
  ScalingRules defaults;
  defaults.selectPolicy = SelectPolicy::kMax;
  defaults.policies = std::vector<ScalingPolicy>{{ScalingPolicyType::kPercent, 100, 15}};
  return fill(rules, defaults);
}

HpaSpec withApiDefaults(HpaSpec spec) {
  if (!spec.minReplicas) spec.minReplicas = 1;
  if (spec.metrics.empty()) {
    MetricSpec cpu;
    cpu.type = MetricSourceType::kResource;
    cpu.name = "cpu";
    cpu.target.type = MetricTargetType::kUtilization;
    cpu.target.averageUtilization = 80;
    spec.metrics.push_back(cpu);
  }
  if (spec.behavior) {
    spec.behavior->scaleUp = generateScaleUpRules(spec.behavior->scaleUp);
    spec.behavior->scaleDown = generateScaleDownRules(spec.behavior->scaleDown);
  }
  return spec;
}

const char* toString(SelectPolicy policy) {
  switch (policy) {
    case SelectPolicy::kMax:
      return "Max";
    case SelectPolicy::kMin:
      return "Min";
    case SelectPolicy::kDisabled:
      return "Disabled";
  }
  return "?";
}

const char* toString(ScalingPolicyType type) {
  return type == ScalingPolicyType::kPods ? "Pods" : "Percent";
}

}  // namespace lbsim::models::autoscaling
