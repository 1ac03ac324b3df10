#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lbsim::models::autoscaling {

// The Kubernetes HPA replica calculator (pkg/controller/podautoscaler/replica_calculator.go
// and metrics/utilization.go, 1.33+ with per-direction tolerances), as pure functions of what the
// controller lists: the pods of the scale target and one metric's samples. Quantities are
// milli-values (int64 thousandths), as the controller computes them; times are seconds of the
// simulated clock.

// Metric usage ratio tolerances: no change while 1 - scaleDown <= ratio <= 1 + scaleUp
// (Tolerances.isWithin). Both default to --horizontal-pod-autoscaler-tolerance, 0.1; an
// HPA's behavior.scaleUp/scaleDown.tolerance overrides one direction.
struct Tolerances {
  double scaleDown = 0.1;
  double scaleUp = 0.1;
  bool isWithin(double usageRatio) const {
    return (1.0 - scaleDown) <= usageRatio && usageRatio <= (1.0 + scaleUp);
  }
};

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

// The pod's Ready condition: its status and when it last changed.
struct ReadyCondition {
  bool ready = true;
  double lastTransitionTime = 0.0;
};

// What the controller reads of one pod of the scale target.
struct PodInfo {
  std::string name;
  PodPhase phase = PodPhase::kRunning;
  bool deleting = false;                         // deletionTimestamp set
  std::optional<double> startTime;               // status.startTime; nullopt when unset
  std::optional<ReadyCondition> readyCondition;  // nullopt: no Ready condition yet
  // Requests by resource name (cpu, memory), summed over the pod's containers; a resource
  // missing here is a container without a request, an error for Utilization targets.
  std::map<std::string, std::int64_t> requestsMilli;
};

// One pod's sample of a metric: value, when it was taken, over which window.
struct PodMetric {
  std::int64_t valueMilli = 0;
  double timestamp = 0.0;
  double window = 60.0;
};
using PodMetrics = std::map<std::string, PodMetric>;  // by pod name

// groupPods: ignored pods (being deleted or Failed), unready pods (Pending; for cpu also
// not Ready, or within the CPU initialization period without a full metric window since
// turning Ready), missing pods (no sample) and the count of the rest.
struct PodGroups {
  int readyPodCount = 0;
  std::set<std::string> unready;
  std::set<std::string> missing;
  std::set<std::string> ignored;
};
PodGroups groupPods(const std::vector<PodInfo>& pods, const PodMetrics& metrics,
                    const std::string& resource, double cpuInitializationPeriod,
                    double delayOfInitialReadinessStatus, double now);

// GetResourceUtilizationRatio: utilization = int32(sum(usage) * 100 / sum(requests)) over
// the pods that have both — integer percent, truncated — and ratio = utilization / target.
struct UtilizationRatio {
  bool ok = false;
  std::string error;
  double ratio = 0.0;
  std::int32_t utilization = 0;
  std::int64_t rawAverage = 0;  // sum(usage) / number of pods counted
};
UtilizationRatio getResourceUtilizationRatio(const PodMetrics& metrics,
                                             const std::map<std::string, std::int64_t>& requests,
                                             std::int32_t targetUtilization);

// GetMetricUsageRatio: usage = sum / count in integer milli-units, ratio = usage / target.
struct UsageRatio {
  double ratio = 0.0;
  std::int64_t usage = 0;
};
UsageRatio getMetricUsageRatio(const PodMetrics& metrics, std::int64_t targetUsage);

// The controller's flags that the calculator uses.
struct ReplicaCalculatorConfig {
  double cpuInitializationPeriod = 300.0;  // --horizontal-pod-autoscaler-cpu-initialization-period
  double delayOfInitialReadinessStatus =
      30.0;  // --horizontal-pod-autoscaler-initial-readiness-delay
};

// One metric's proposal and what led to it.
struct ReplicaCalculation {
  bool ok = false;
  std::string error;  // the controller's error text when !ok
  std::int32_t replicas = 0;
  std::int64_t usage = 0;                   // average milli-value (raw usage for resources)
  std::optional<std::int32_t> utilization;  // percent of request, Utilization targets
  double usageRatio = 0.0;
  std::optional<double> rebalancedRatio;  // after missing and unready pods were filled in
  int readyPods = 0;
  std::vector<std::string> unreadyPods;
  std::vector<std::string> missingPods;
  std::vector<std::string> ignoredPods;
  std::string why;  // in operators' words: "within tolerance", "ceil(1.40 x 3 ready pods)"
};

// GetResourceReplicas: a Resource metric with an averageUtilization target. On a scale-up
// unready pods count as 0% and missing pods as 0%; on a scale-down missing pods count as
// max(100%, target) of their request; a result that would reverse the direction or that
// falls within the tolerance keeps the current count.
ReplicaCalculation resourceReplicas(std::int32_t currentReplicas, std::int32_t targetUtilization,
                                    const std::string& resource, const Tolerances& tolerances,
                                    const std::vector<PodInfo>& pods, PodMetrics metrics,
                                    const ReplicaCalculatorConfig& config, double now);

// calcPlainMetricReplicas: a Pods metric (resource "") or a Resource metric with an
// averageValue target (GetRawResourceReplicas). Missing pods count as the target on a
// scale-down and 0 on a scale-up.
ReplicaCalculation plainMetricReplicas(std::int32_t currentReplicas, std::int64_t targetUsage,
                                       const std::string& resource, const Tolerances& tolerances,
                                       const std::vector<PodInfo>& pods, PodMetrics metrics,
                                       const ReplicaCalculatorConfig& config, double now);

// getReadyPodsCount: Running pods whose Ready condition is true.
int readyPodsCount(const std::vector<PodInfo>& pods);

// getUsageRatioReplicaCount: ceil(ratio x ready pods) outside the tolerance; from zero
// replicas, ceil(ratio) without tolerance (scale from zero).
ReplicaCalculation usageRatioReplicaCount(std::int32_t currentReplicas, double usageRatio,
                                          const Tolerances& tolerances,
                                          const std::vector<PodInfo>& pods);

// GetObjectMetricReplicas: an Object metric with a value target.
ReplicaCalculation objectMetricReplicas(std::int32_t currentReplicas, std::int64_t usage,
                                        std::int64_t targetUsage, const Tolerances& tolerances,
                                        const std::vector<PodInfo>& pods);
// GetObjectPerPodMetricReplicas: an Object metric with an averageValue target, against the
// scale's status.replicas: ceil(usage / target) outside the tolerance.
ReplicaCalculation objectPerPodMetricReplicas(std::int32_t statusReplicas, std::int64_t usage,
                                              std::int64_t targetAverageUsage,
                                              const Tolerances& tolerances);
// GetExternalMetricReplicas: the sum of the External metric's series against a value target.
ReplicaCalculation externalMetricReplicas(std::int32_t currentReplicas,
                                          const std::vector<std::int64_t>& values,
                                          std::int64_t targetUsage, const Tolerances& tolerances,
                                          const std::vector<PodInfo>& pods);
// GetExternalPerPodMetricReplicas: the sum against an averageValue target per pod.
ReplicaCalculation externalPerPodMetricReplicas(std::int32_t statusReplicas,
                                                const std::vector<std::int64_t>& values,
                                                std::int64_t targetUsagePerPod,
                                                const Tolerances& tolerances);

}  // namespace lbsim::models::autoscaling
