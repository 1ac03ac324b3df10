#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lbsim::models::autoscaling {

// A Kubernetes `autoscaling/v2` HorizontalPodAutoscaler spec as plain values, the way the
// API server stores it (k8s.io/api/autoscaling/v2 types.go). Optional fields stay optional
// here: `withApiDefaults` fills them in as the API server does, and the controller reads
// only defaulted specs.

// Metric sources the controller computes proposals for. ContainerResource is not modelled.
enum class MetricSourceType { kResource, kPods, kObject, kExternal };
enum class MetricTargetType { kUtilization, kAverageValue, kValue };

struct MetricTarget {
  MetricTargetType type = MetricTargetType::kUtilization;
  std::int32_t averageUtilization = 0;  // percent of the pods' requests (kUtilization)
  std::int64_t valueMilli = 0;          // Quantity.MilliValue() of value / averageValue
  bool operator==(const MetricTarget&) const = default;
};

struct MetricSpec {
  MetricSourceType type = MetricSourceType::kResource;
  std::string name;           // resource name (cpu, memory) or metric name
  std::string describedKind;  // Object metrics: the described object's kind (Ingress, ...)
  std::string describedName;  // Object metrics: its name
  MetricTarget target;
  bool operator==(const MetricSpec&) const = default;
};

enum class ScalingPolicyType { kPods, kPercent };
struct ScalingPolicy {
  ScalingPolicyType type = ScalingPolicyType::kPods;
  std::int32_t value = 0;
  std::int32_t periodSeconds = 0;
  bool operator==(const ScalingPolicy&) const = default;
};

// selectPolicy: Max (the policy allowing the biggest change), Min, Disabled.
enum class SelectPolicy { kMax, kMin, kDisabled };

// HPAScalingRules. After defaulting every field is set, except scaleDown's
// stabilizationWindowSeconds, which the controller fills from its
// --horizontal-pod-autoscaler-downscale-stabilization flag (300 s).
struct ScalingRules {
  std::optional<std::int32_t> stabilizationWindowSeconds;
  std::optional<SelectPolicy> selectPolicy;
  std::optional<std::vector<ScalingPolicy>> policies;
  std::optional<double> tolerance;  // HPAConfigurableTolerance (alpha in 1.33, then beta)
  bool operator==(const ScalingRules&) const = default;
};

struct Behavior {
  std::optional<ScalingRules> scaleUp;
  std::optional<ScalingRules> scaleDown;
  bool operator==(const Behavior&) const = default;
};

struct HpaSpec {
  std::string name;
  std::string targetKind;  // scaleTargetRef
  std::string targetName;
  std::optional<std::int32_t> minReplicas;  // API default 1
  std::int32_t maxReplicas = 1;
  std::vector<MetricSpec> metrics;   // API default: cpu at 80% utilization
  std::optional<Behavior> behavior;  // absent: the controller's pre-behavior path
  bool operator==(const HpaSpec&) const = default;
};

// pkg/apis/autoscaling/v2/defaults.go: GenerateHPAScaleUpRules — unset fields of scaleUp
// become stabilizationWindowSeconds 0, selectPolicy Max, policies [4 Pods / 15 s,
// 100 Percent / 15 s].
ScalingRules generateScaleUpRules(const std::optional<ScalingRules>& rules);
// GenerateHPAScaleDownRules — selectPolicy Max, policies [100 Percent / 15 s]; the window
// is left unset for the controller.
ScalingRules generateScaleDownRules(const std::optional<ScalingRules>& rules);

// SetDefaults_HorizontalPodAutoscaler: minReplicas 1, metrics [cpu 80%]
// (autoscaling.DefaultCPUUtilization), and when `behavior` is present both directions
// filled in with the generators above.
HpaSpec withApiDefaults(HpaSpec spec);

const char* toString(SelectPolicy policy);
const char* toString(ScalingPolicyType type);

}  // namespace lbsim::models::autoscaling
