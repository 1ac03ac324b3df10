#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/autoscaling/hpa_spec.h"

namespace lbsim::models::autoscaling {

// How the HPA controller turns the metrics' proposal into the replica count it sets
// (pkg/controller/podautoscaler/horizontal.go, 1.3x releases): stabilization over the history of
// recommendations, then the scaling rate limits over the history of scale events, then
// minReplicas/maxReplicas. Every function is pure: the histories and `now` (seconds of the
// simulated clock) are arguments. The controller compares times strictly, as Go's
// time.After/Before do; the boundaries matter in a simulation whose clock ticks exactly.

// A decision with its reason, in the controller's words: {7, "ScaleUpLimit", "the desired
// replica count is increasing faster than the maximum scale rate"}.
struct Decision {
  std::int32_t replicas = 0;
  std::string reason;
  std::string message;
};

struct TimestampedRecommendation {
  std::int32_t recommendation = 0;
  double timestamp = 0.0;
};

struct TimestampedScaleEvent {
  std::int32_t replicaChange = 0;  // absolute value, non-negative
  double timestamp = 0.0;
  bool outdated = false;
};

// The controller's NormalizationArg, with both directions' rules already defaulted
// (generateScaleUpRules / generateScaleDownRules, and scaleDown's window filled in).
struct NormalizationArg {
  ScalingRules scaleUp;
  ScalingRules scaleDown;
  std::int32_t minReplicas = 1;
  std::int32_t maxReplicas = 1;
  std::int32_t currentReplicas = 0;
  std::int32_t desiredReplicas = 0;
};

// Without `behavior` (normalizeDesiredReplicas): the largest recommendation not older than
// the downscale stabilization window (a sample exactly at the cutoff still counts); the
// oldest expired slot is reused for the new recommendation.
std::int32_t stabilizeRecommendation(std::vector<TimestampedRecommendation>& recommendations,
                                     double now, double downscaleStabilizationWindow,
                                     std::int32_t prenormalizedDesiredReplicas);

// Without `behavior` (convertDesiredReplicasWithRules): minReplicas, then the scale-up cap
// max(scaleUpLimitFactor x current, scaleUpLimitMinimum) or maxReplicas, whichever is lower.
// Reasons: TooFewReplicas, ScaleUpLimit, TooManyReplicas, DesiredWithinRange.
Decision convertDesiredReplicasWithRules(std::int32_t currentReplicas, std::int32_t desiredReplicas,
                                         std::int32_t hpaMinReplicas, std::int32_t hpaMaxReplicas,
                                         double scaleUpLimitFactor = 2.0,
                                         double scaleUpLimitMinimum = 4.0);
std::int32_t calculateScaleUpLimit(std::int32_t currentReplicas, double scaleUpLimitFactor = 2.0,
                                   double scaleUpLimitMinimum = 4.0);

// stabilizeRecommendationWithBehaviors: the recommendation moves from the current count
// toward the desired one only as far as every recommendation of the window allows — up to
// the lowest recommendation of the scale-up window, down to the highest of the scale-down
// window. Records the unstabilized recommendation (reusing a slot older than both windows).
// Reason ScaleUpStabilized when desired >= current, else ScaleDownStabilized.
Decision stabilizeRecommendationWithBehaviors(
    std::vector<TimestampedRecommendation>& recommendations, double now,
    const NormalizationArg& args);

// convertDesiredReplicasWithBehaviorRate: the scaling policies' limit for the direction of
// the change, computed from the replica count at the start of each policy's period, then
// maxReplicas/minReplicas. Reasons: ScaleUpLimit, TooManyReplicas, ScaleDownLimit,
// TooFewReplicas, DesiredWithinRange.
Decision convertDesiredReplicasWithBehaviorRate(
    const NormalizationArg& args, const std::vector<TimestampedScaleEvent>& scaleUpEvents,
    const std::vector<TimestampedScaleEvent>& scaleDownEvents, double now);

// The sum of the changes of events strictly inside (now - periodSeconds, now].
std::int32_t getReplicasChangePerPeriod(std::int32_t periodSeconds,
                                        const std::vector<TimestampedScaleEvent>& scaleEvents,
                                        double now);

// The highest count the scale-up policies allow: for each policy the count at the start of
// its period (current - added + removed within the period) plus value Pods, or times
// (1 + value%) rounded up; Max takes the largest, Min the smallest; Disabled keeps current.
std::int32_t calculateScaleUpLimitWithScalingRules(
    std::int32_t currentReplicas, const std::vector<TimestampedScaleEvent>& scaleUpEvents,
    const std::vector<TimestampedScaleEvent>& scaleDownEvents, const ScalingRules& rules,
    double now);

// The lowest count the scale-down policies allow: period start minus value Pods, or times
// (1 - value%) truncated; Max (the biggest change) takes the smallest count, Min the largest.
std::int32_t calculateScaleDownLimitWithBehaviors(
    std::int32_t currentReplicas, const std::vector<TimestampedScaleEvent>& scaleUpEvents,
    const std::vector<TimestampedScaleEvent>& scaleDownEvents, const ScalingRules& rules,
    double now);

std::int32_t getLongestPolicyPeriod(const ScalingRules& rules);

// Marks events older than the longest policy period (strictly) as outdated: their slots are
// reused by the next event.
void markScaleEventsOutdated(std::vector<TimestampedScaleEvent>& scaleEvents,
                             std::int32_t longestPolicyPeriod, double now);

// storeScaleEvent: records a rescale from prevReplicas to newReplicas in the history of its
// direction, reusing the last outdated slot. Nothing is stored without `behavior`.
void storeScaleEvent(const Behavior* behavior, std::vector<TimestampedScaleEvent>& scaleUpEvents,
                     std::vector<TimestampedScaleEvent>& scaleDownEvents, std::int32_t prevReplicas,
                     std::int32_t newReplicas, double now);

}  // namespace lbsim::models::autoscaling
