#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/simulator.h"
#include "models/autoscaling/hpa_behavior.h"
#include "models/autoscaling/hpa_metrics_source.h"
#include "models/autoscaling/hpa_spec.h"
#include "models/autoscaling/replica_calculator.h"

namespace lbsim::models::autoscaling {

// kube-controller-manager's flags for the HPA controller, with their defaults.
struct HpaControllerConfig {
  double syncPeriod = 15.0;  // --horizontal-pod-autoscaler-sync-period
  double tolerance = 0.1;    // --horizontal-pod-autoscaler-tolerance
  double downscaleStabilizationWindow =
      300.0;                           // --horizontal-pod-autoscaler-downscale-stabilization
  ReplicaCalculatorConfig calculator;  // cpu initialization period, readiness delay
  // The scale-up cap of the HPAs without `behavior`: max(2 x current, 4) per sync
  // (horizontal.go scaleUpLimitFactor, scaleUpLimitMinimum).
  double scaleUpLimitFactor = 2.0;
  double scaleUpLimitMinimum = 4.0;
};

// The target's scale subresource: spec.replicas (what was last set) and status.replicas
// (pods that exist).
struct ScaleState {
  std::int32_t specReplicas = 0;
  std::int32_t statusReplicas = 0;
};

// An HPA status condition: AbleToScale, ScalingActive or ScalingLimited.
struct Condition {
  std::string type;
  bool status = false;
  std::string reason;
  std::string message;
};

// One metric's part of a sync.
struct MetricOutcome {
  std::string
      description;      // the controller's name: "cpu resource utilization (percentage of request)"
  std::string current;  // what it measured: "85% (850m per pod)", "120"
  std::string target;   // "70%", "100"
  ReplicaCalculation calculation;
};

// Tolerances of an HPA: the controller's flag, overridden per direction by
// behavior.scaleUp/scaleDown.tolerance (tolerancesForHpa).
Tolerances tolerancesFor(const HpaSpec& spec, double defaultTolerance);

// computeReplicasForMetrics: each metric's proposal, and the largest of the valid ones. When
// every metric is invalid — or some are and the valid ones would scale down — the result is
// -1 and nothing is scaled (the controller does not scale down on partial information).
struct MetricsProposal {
  std::int32_t replicas = -1;
  std::string metric;  // description of the metric that gave the largest proposal
  std::vector<MetricOutcome> outcomes;
  int invalidCount = 0;
  std::string error;           // "invalid metrics (1 invalid out of 3), first error is: ..."
  Condition invalidCondition;  // ScalingActive=False with the first invalid metric's reason
};
MetricsProposal computeReplicasForMetrics(const HpaSpec& spec, const Tolerances& tolerances,
                                          const ScaleState& scale, const HpaMetricsSource& source,
                                          const ReplicaCalculatorConfig& config, double now);

// One sync of one HPA and why it ended where it did.
struct HpaDecision {
  double time = 0.0;
  std::int32_t currentReplicas = 0;  // scale.spec.replicas before the sync
  std::int32_t desiredReplicas = 0;  // what the controller leaves it at
  bool rescale = false;
  std::optional<std::int32_t> metricReplicas;      // largest proposal of the metrics
  std::optional<std::int32_t> stabilizedReplicas;  // after the stabilization window
  std::string metric;                              // the metric behind metricReplicas
  std::string stabilizationReason;  // ReadyForNewScale, ScaleUpStabilized, ScaleDownStabilized
  std::string reason;               // DesiredWithinRange, ScaleUpLimit, ScaleDownLimit,
                                    // TooManyReplicas, TooFewReplicas, ScalingDisabled,
                                    // FailedComputeMetricsReplicas
  std::string message;
  std::string rescaleReason;  // the event's reason: "cpu resource ... above target"
  std::vector<MetricOutcome> metrics;
  std::vector<Condition> conditions;  // status.conditions after the sync
};

// The HPA controller for one HorizontalPodAutoscaler: reconcileAutoscaler with its memory of
// recommendations and scale events. It reads time from the injected clock and the cluster
// from an HpaMetricsSource, and returns its decision; applying it is the caller's business.
class HpaController {
 public:
  HpaController(const HpaSpec& spec, const HpaControllerConfig& config, const core::Clock& clock);

  HpaDecision reconcile(const ScaleState& scale, const HpaMetricsSource& source);

  const HpaSpec& spec() const { return spec_; }  // with the API server's defaults
  const HpaControllerConfig& config() const { return config_; }
  const std::vector<TimestampedRecommendation>& recommendations() const { return recommendations_; }
  const std::vector<TimestampedScaleEvent>& scaleUpEvents() const { return scaleUpEvents_; }
  const std::vector<TimestampedScaleEvent>& scaleDownEvents() const { return scaleDownEvents_; }
  std::optional<double> lastScaleTime() const { return lastScaleTime_; }

  // Replaces the recommendation history, which the first sync would otherwise start with
  // the current count: a warm start (a simulation resuming a controller, or a test).
  void seedRecommendations(std::vector<TimestampedRecommendation> history) {
    recommendations_ = std::move(history);
    recommendationsRecorded_ = true;
  }

 private:
  void setCondition(const std::string& type, bool status, const std::string& reason,
                    const std::string& message);
  std::int32_t normalize(HpaDecision& decision, std::int32_t current, std::int32_t desired,
                         std::int32_t minReplicas, double now);

  HpaSpec spec_;
  HpaControllerConfig config_;
  const core::Clock* clock_;
  bool recommendationsRecorded_ = false;
  std::vector<TimestampedRecommendation> recommendations_;
  std::vector<TimestampedScaleEvent> scaleUpEvents_;
  std::vector<TimestampedScaleEvent> scaleDownEvents_;
  std::vector<Condition> conditions_;
  std::optional<double> lastScaleTime_;
};

}  // namespace lbsim::models::autoscaling
