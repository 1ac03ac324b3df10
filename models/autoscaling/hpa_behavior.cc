#include "models/autoscaling/hpa_behavior.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace lbsim::models::autoscaling {

std::int32_t stabilizeRecommendation(std::vector<TimestampedRecommendation>& recommendations,
                                     double now, double downscaleStabilizationWindow,
                                     std::int32_t prenormalizedDesiredReplicas) {
  std::int32_t maxRecommendation = prenormalizedDesiredReplicas;
  bool foundOldSample = false;
  std::size_t oldSampleIndex = 0;
  const double cutoff = now - downscaleStabilizationWindow;
  for (std::size_t i = 0; i < recommendations.size(); ++i) {
    const auto& rec = recommendations[i];
    if (rec.timestamp < cutoff) {
      foundOldSample = true;
      oldSampleIndex = i;
    } else if (rec.recommendation > maxRecommendation) {
      maxRecommendation = rec.recommendation;
    }
  }
  if (foundOldSample) {
    recommendations[oldSampleIndex] = {prenormalizedDesiredReplicas, now};
  } else {
    recommendations.push_back({prenormalizedDesiredReplicas, now});
  }
  return maxRecommendation;
}

std::int32_t calculateScaleUpLimit(std::int32_t currentReplicas, double scaleUpLimitFactor,
                                   double scaleUpLimitMinimum) {
  return static_cast<std::int32_t>(
      std::max(scaleUpLimitFactor * static_cast<double>(currentReplicas), scaleUpLimitMinimum));
}

Decision convertDesiredReplicasWithRules(std::int32_t currentReplicas, std::int32_t desiredReplicas,
                                         std::int32_t hpaMinReplicas, std::int32_t hpaMaxReplicas,
                                         double scaleUpLimitFactor, double scaleUpLimitMinimum) {
  const std::int32_t minimumAllowedReplicas = hpaMinReplicas;
  // A cap on scaling up against bogus usage reports (kubernetes issue #32304).
  const std::int32_t scaleUpLimit =
      calculateScaleUpLimit(currentReplicas, scaleUpLimitFactor, scaleUpLimitMinimum);
  std::int32_t maximumAllowedReplicas = 0;
  Decision limit;
  if (hpaMaxReplicas > scaleUpLimit) {
    maximumAllowedReplicas = scaleUpLimit;
    limit = {0, "ScaleUpLimit",
             "the desired replica count is increasing faster than the maximum scale rate"};
  } else {
    maximumAllowedReplicas = hpaMaxReplicas;
    limit = {0, "TooManyReplicas",
             "the desired replica count is more than the maximum replica count"};
  }
  if (desiredReplicas < minimumAllowedReplicas) {
    return {minimumAllowedReplicas, "TooFewReplicas",
            "the desired replica count is less than the minimum replica count"};
  }
  if (desiredReplicas > maximumAllowedReplicas) {
    limit.replicas = maximumAllowedReplicas;
    return limit;
  }
  return {desiredReplicas, "DesiredWithinRange",
          "the desired count is within the acceptable range"};
}

Decision stabilizeRecommendationWithBehaviors(
    std::vector<TimestampedRecommendation>& recommendations, double now,
    const NormalizationArg& args) {
  assert(args.scaleUp.stabilizationWindowSeconds && args.scaleDown.stabilizationWindowSeconds);
  bool foundOldSample = false;
  std::size_t oldSampleIndex = 0;
  std::int32_t upRecommendation = args.desiredReplicas;
  const double upCutoff = now - *args.scaleUp.stabilizationWindowSeconds;
  std::int32_t downRecommendation = args.desiredReplicas;
  const double downCutoff = now - *args.scaleDown.stabilizationWindowSeconds;
  for (std::size_t i = 0; i < recommendations.size(); ++i) {
    const auto& rec = recommendations[i];
    if (rec.timestamp > upCutoff) upRecommendation = std::min(rec.recommendation, upRecommendation);
    if (rec.timestamp > downCutoff) {
      downRecommendation = std::max(rec.recommendation, downRecommendation);
    }
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) {
      foundOldSample = true;
      oldSampleIndex = i;
    }
  }
  std::int32_t recommendation = args.currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;
  if (foundOldSample) {
    recommendations[oldSampleIndex] = {args.desiredReplicas, now};
  } else {
    recommendations.push_back({args.desiredReplicas, now});
  }
  if (args.desiredReplicas >= args.currentReplicas) {
    return {recommendation, "ScaleUpStabilized",
            "recent recommendations were lower than current one, applying the lowest recent "
            "recommendation"};
  }
  return {recommendation, "ScaleDownStabilized",
          "recent recommendations were higher than current one, applying the highest recent "
          "recommendation"};
}

std::int32_t getReplicasChangePerPeriod(std::int32_t periodSeconds,
                                        const std::vector<TimestampedScaleEvent>& scaleEvents,
                                        double now) {
  const double cutoff = now - periodSeconds;
  std::int32_t replicas = 0;
  for (const auto& event : scaleEvents) {
    if (event.timestamp > cutoff) replicas += event.replicaChange;
  }
  return replicas;
}

std::int32_t calculateScaleUpLimitWithScalingRules(
    std::int32_t currentReplicas, const std::vector<TimestampedScaleEvent>& scaleUpEvents,
    const std::vector<TimestampedScaleEvent>& scaleDownEvents, const ScalingRules& rules,
    double now) {
  assert(rules.selectPolicy && rules.policies);
  if (*rules.selectPolicy == SelectPolicy::kDisabled) return currentReplicas;
  const bool min = *rules.selectPolicy == SelectPolicy::kMin;
  // For scaling up, the smallest change (Min) gives the lowest count.
  std::int32_t result =
      min ? std::numeric_limits<std::int32_t>::max() : std::numeric_limits<std::int32_t>::min();
  for (const ScalingPolicy& policy : *rules.policies) {
    const std::int32_t added = getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents, now);
    const std::int32_t deleted =
        getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents, now);
    const std::int32_t periodStartReplicas = currentReplicas - added + deleted;
    std::int32_t proposed = 0;
    if (policy.type == ScalingPolicyType::kPods) {
      proposed = periodStartReplicas + policy.value;
    } else {
      // Rounded up, or a small percentage of a small count would never add a pod.
      proposed = static_cast<std::int32_t>(
          std::ceil(static_cast<double>(periodStartReplicas) * (1.0 + policy.value / 100.0)));
    }
    result = min ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

std::int32_t calculateScaleDownLimitWithBehaviors(
    std::int32_t currentReplicas, const std::vector<TimestampedScaleEvent>& scaleUpEvents,
    const std::vector<TimestampedScaleEvent>& scaleDownEvents, const ScalingRules& rules,
    double now) {
  assert(rules.selectPolicy && rules.policies);
  if (*rules.selectPolicy == SelectPolicy::kDisabled) return currentReplicas;
  const bool min = *rules.selectPolicy == SelectPolicy::kMin;
  // For scaling down, the smallest change (Min) gives the highest count.
  std::int32_t result =
      min ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int32_t>::max();
  for (const ScalingPolicy& policy : *rules.policies) {
    const std::int32_t added = getReplicasChangePerPeriod(policy.periodSeconds, scaleUpEvents, now);
    const std::int32_t deleted =
        getReplicasChangePerPeriod(policy.periodSeconds, scaleDownEvents, now);
    const std::int32_t periodStartReplicas = currentReplicas - added + deleted;
    std::int32_t proposed = 0;
    if (policy.type == ScalingPolicyType::kPods) {
      proposed = periodStartReplicas - policy.value;
    } else {
      proposed = static_cast<std::int32_t>(static_cast<double>(periodStartReplicas) *
                                           (1.0 - policy.value / 100.0));
    }
    result = min ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

Decision convertDesiredReplicasWithBehaviorRate(
    const NormalizationArg& args, const std::vector<TimestampedScaleEvent>& scaleUpEvents,
    const std::vector<TimestampedScaleEvent>& scaleDownEvents, double now) {
  if (args.desiredReplicas > args.currentReplicas) {
    std::int32_t scaleUpLimit = calculateScaleUpLimitWithScalingRules(
        args.currentReplicas, scaleUpEvents, scaleDownEvents, args.scaleUp, now);
    // Never below the current count: scaling up waits until old events leave the period.
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    std::int32_t maximumAllowedReplicas = args.maxReplicas;
    Decision limit;
    if (maximumAllowedReplicas > scaleUpLimit) {
      maximumAllowedReplicas = scaleUpLimit;
      limit = {0, "ScaleUpLimit",
               "the desired replica count is increasing faster than the maximum scale rate"};
    } else {
      limit = {0, "TooManyReplicas",
               "the desired replica count is more than the maximum replica count"};
    }
    if (args.desiredReplicas > maximumAllowedReplicas) {
      limit.replicas = maximumAllowedReplicas;
      return limit;
    }
  } else if (args.desiredReplicas < args.currentReplicas) {
    std::int32_t scaleDownLimit = calculateScaleDownLimitWithBehaviors(
        args.currentReplicas, scaleUpEvents, scaleDownEvents, args.scaleDown, now);
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    std::int32_t minimumAllowedReplicas = args.minReplicas;
    Decision limit;
    if (minimumAllowedReplicas < scaleDownLimit) {
      minimumAllowedReplicas = scaleDownLimit;
      limit = {0, "ScaleDownLimit",
               "the desired replica count is decreasing faster than the maximum scale rate"};
    } else {
      limit = {0, "TooFewReplicas",
               "the desired replica count is less than the minimum replica count"};
    }
    if (args.desiredReplicas < minimumAllowedReplicas) {
      limit.replicas = minimumAllowedReplicas;
      return limit;
    }
  }
  return {args.desiredReplicas, "DesiredWithinRange",
          "the desired count is within the acceptable range"};
}

std::int32_t getLongestPolicyPeriod(const ScalingRules& rules) {
  std::int32_t longest = 0;
  if (!rules.policies) return longest;
  for (const ScalingPolicy& policy : *rules.policies)
    longest = std::max(longest, policy.periodSeconds);
  return longest;
}

void markScaleEventsOutdated(std::vector<TimestampedScaleEvent>& scaleEvents,
                             std::int32_t longestPolicyPeriod, double now) {
  const double cutoff = now - longestPolicyPeriod;
  for (auto& event : scaleEvents) {
    if (event.timestamp < cutoff) event.outdated = true;
  }
}

void storeScaleEvent(const Behavior* behavior, std::vector<TimestampedScaleEvent>& scaleUpEvents,
                     std::vector<TimestampedScaleEvent>& scaleDownEvents, std::int32_t prevReplicas,
                     std::int32_t newReplicas, double now) {
  if (behavior == nullptr) return;  // the events would never be read
  const bool up = newReplicas > prevReplicas;
  std::vector<TimestampedScaleEvent>& events = up ? scaleUpEvents : scaleDownEvents;
  const auto& rules = up ? behavior->scaleUp : behavior->scaleDown;
  const std::int32_t longest = rules ? getLongestPolicyPeriod(*rules) : 0;
  markScaleEventsOutdated(events, longest, now);
  bool foundOldSample = false;
  std::size_t oldSampleIndex = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].outdated) {
      foundOldSample = true;
      oldSampleIndex = i;
    }
  }
  const TimestampedScaleEvent event{up ? newReplicas - prevReplicas : prevReplicas - newReplicas,
                                    now, false};
  if (foundOldSample) {
    events[oldSampleIndex] = event;
  } else {
    events.push_back(event);
  }
}

}  // namespace lbsim::models::autoscaling
