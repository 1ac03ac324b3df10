#include "models/autoscaling/hpa_controller.h"

#include <algorithm>

#include "models/autoscaling/quantity.h"

namespace lbsim::models::autoscaling {

namespace {

Condition unableToCompute(const std::string& reason, const std::string& error) {
  return {"ScalingActive", false, reason,
          "the HPA was unable to compute the replica count: " + error};
}

// computeReplicasForMetric for one metric spec; fills `outcome` and returns the condition to
// report when the metric is invalid.
Condition computeReplicasForMetric(const MetricSpec& metric, const Tolerances& tolerances,
                                   const ScaleState& scale, const HpaMetricsSource& source,
                                   const ReplicaCalculatorConfig& config, double now,
                                   MetricOutcome& outcome) {
  ReplicaCalculation& calc = outcome.calculation;
  switch (metric.type) {
    case MetricSourceType::kResource: {
      const std::vector<PodInfo> pods = source.pods();
      PodMetrics samples = source.resourceMetric(metric.name).value_or(PodMetrics{});
      if (metric.target.type == MetricTargetType::kUtilization) {
        outcome.description = metric.name + " resource utilization (percentage of request)";
        outcome.target = std::to_string(metric.target.averageUtilization) + "%";
        calc = resourceReplicas(scale.specReplicas, metric.target.averageUtilization, metric.name,
                                tolerances, pods, std::move(samples), config, now);
        if (!calc.ok) {
          calc.error = "failed to get " + metric.name + " resource metric value: failed to get " +
                       metric.name + " utilization: " + calc.error;
          return unableToCompute("FailedGetResourceMetric", calc.error);
        }
        outcome.current = std::to_string(*calc.utilization) + "% (" +
                          formatMetricValue(calc.usage, metric.name) + " per pod)";
      } else if (metric.target.type == MetricTargetType::kAverageValue) {
        outcome.description = metric.name + " resource";
        outcome.target = formatMetricValue(metric.target.valueMilli, metric.name);
        if (samples.empty()) {
          calc = {};
          calc.error = "unable to get metrics for resource " + metric.name +
                       ": no metrics returned from resource metrics API";
        } else {
          calc = plainMetricReplicas(scale.specReplicas, metric.target.valueMilli, metric.name,
                                     tolerances, pods, std::move(samples), config, now);
        }
        if (!calc.ok) {
          calc.error = "failed to get " + metric.name + " resource metric value: failed to get " +
                       metric.name + " usage: " + calc.error;
          return unableToCompute("FailedGetResourceMetric", calc.error);
        }
        outcome.current = formatMetricValue(calc.usage, metric.name);
      } else {
        calc.error = "failed to get " + metric.name +
                     " resource metric value: invalid resource metric source: neither an average "
                     "utilization target nor an average value (usage) target was set";
        return unableToCompute("FailedGetResourceMetric", calc.error);
      }
      return {};
    }
    case MetricSourceType::kPods: {
      outcome.description = "pods metric " + metric.name;
      outcome.target = formatMetricValue(metric.target.valueMilli, metric.name);
      const auto samples = source.podsMetric(metric.name);
      if (!samples || samples->empty()) {
        calc.error = "failed to get pods metric value: unable to get metric " + metric.name +
                     ": no metrics returned from custom metrics API";
        return unableToCompute("FailedGetPodsMetric", calc.error);
      }
      calc = plainMetricReplicas(scale.specReplicas, metric.target.valueMilli, "", tolerances,
                                 source.pods(), *samples, config, now);
      if (!calc.ok) {
        calc.error = "failed to get pods metric value: " + calc.error;
        return unableToCompute("FailedGetPodsMetric", calc.error);
      }
      outcome.current = formatMetricValue(calc.usage, metric.name);
      return {};
    }
    case MetricSourceType::kObject: {
      outcome.description =
          (metric.describedKind.empty() ? std::string("object") : metric.describedKind) +
          " metric " + metric.name;
      outcome.target = formatMetricValue(metric.target.valueMilli, metric.name) +
                       (metric.target.type == MetricTargetType::kAverageValue ? " per pod" : "");
      const auto value = source.objectMetric(metric.name);
      if (!value) {
        calc.error = "failed to get object metric value: unable to get metric " + metric.name +
                     ": no value returned from custom metrics API";
        return unableToCompute("FailedGetObjectMetric", calc.error);
      }
      if (metric.target.type == MetricTargetType::kAverageValue) {
        calc = objectPerPodMetricReplicas(scale.statusReplicas, *value, metric.target.valueMilli,
                                          tolerances);
        outcome.current = formatMetricValue(calc.usage, metric.name) + " per pod";
      } else {
        calc = objectMetricReplicas(scale.specReplicas, *value, metric.target.valueMilli,
                                    tolerances, source.pods());
        outcome.current = formatMetricValue(*value, metric.name);
      }
      if (!calc.ok) {
        calc.error = "failed to get object metric value: " + calc.error;
        return unableToCompute("FailedGetObjectMetric", calc.error);
      }
      return {};
    }
    case MetricSourceType::kExternal: {
      outcome.description = "external metric " + metric.name;
      outcome.target = formatMetricValue(metric.target.valueMilli, metric.name) +
                       (metric.target.type == MetricTargetType::kAverageValue ? " per pod" : "");
      const auto values = source.externalMetric(metric.name);
      if (!values || values->empty()) {
        calc.error = "failed to get " + metric.name +
                     " external metric value: unable to get external metric " + metric.name +
                     ": no metrics returned from external metrics API";
        return unableToCompute("FailedGetExternalMetric", calc.error);
      }
      if (metric.target.type == MetricTargetType::kAverageValue) {
        calc = externalPerPodMetricReplicas(scale.statusReplicas, *values, metric.target.valueMilli,
                                            tolerances);
        outcome.current = formatMetricValue(calc.usage, metric.name) + " per pod";
      } else {
        calc = externalMetricReplicas(scale.specReplicas, *values, metric.target.valueMilli,
                                      tolerances, source.pods());
        outcome.current = formatMetricValue(calc.usage, metric.name);
      }
      if (!calc.ok) {
        calc.error = "failed to get " + metric.name + " external metric value: " + calc.error;
        return unableToCompute("FailedGetExternalMetric", calc.error);
      }
      return {};
    }
  }
  return {};
}

}  // namespace

Tolerances tolerancesFor(const HpaSpec& spec, double defaultTolerance) {
  Tolerances t{defaultTolerance, defaultTolerance};
  if (spec.behavior) {
    if (spec.behavior->scaleDown && spec.behavior->scaleDown->tolerance) {
      t.scaleDown = *spec.behavior->scaleDown->tolerance;
    }
    if (spec.behavior->scaleUp && spec.behavior->scaleUp->tolerance) {
      t.scaleUp = *spec.behavior->scaleUp->tolerance;
    }
  }
  return t;
}

MetricsProposal computeReplicasForMetrics(const HpaSpec& spec, const Tolerances& tolerances,
                                          const ScaleState& scale, const HpaMetricsSource& source,
                                          const ReplicaCalculatorConfig& config, double now) {
  MetricsProposal out;
  std::int32_t replicas = 0;
  std::string firstError;
  for (const MetricSpec& metric : spec.metrics) {
    MetricOutcome outcome;
    const Condition condition =
        computeReplicasForMetric(metric, tolerances, scale, source, config, now, outcome);
    if (!outcome.calculation.ok) {
      if (out.invalidCount == 0) {
        out.invalidCondition = condition;
        firstError = outcome.calculation.error;
      }
      ++out.invalidCount;
    } else if (replicas == 0 || outcome.calculation.replicas > replicas) {
      replicas = outcome.calculation.replicas;
      out.metric = outcome.description;
    }
    out.outcomes.push_back(std::move(outcome));
  }
  const int total = static_cast<int>(spec.metrics.size());
  if (out.invalidCount > 0) {
    out.error = "invalid metrics (" + std::to_string(out.invalidCount) + " invalid out of " +
                std::to_string(total) + "), first error is: " + firstError;
  }
  // All invalid, or some invalid and the valid ones would scale down: do nothing.
  if (out.invalidCount >= total || (out.invalidCount > 0 && replicas < scale.specReplicas)) {
    out.replicas = -1;
    out.metric.clear();
    return out;
  }
  out.replicas = replicas;
  return out;
}

HpaController::HpaController(const HpaSpec& spec, const HpaControllerConfig& config,
                             const core::Clock& clock)
    : spec_(withApiDefaults(spec)), config_(config), clock_(&clock) {
  // maybeInitScaleDownStabilizationWindow
  if (spec_.behavior && spec_.behavior->scaleDown &&
      !spec_.behavior->scaleDown->stabilizationWindowSeconds) {
    spec_.behavior->scaleDown->stabilizationWindowSeconds =
        static_cast<std::int32_t>(config_.downscaleStabilizationWindow);
  }
}

void HpaController::setCondition(const std::string& type, bool status, const std::string& reason,
                                 const std::string& message) {
  for (Condition& c : conditions_) {
    if (c.type == type) {
      c = {type, status, reason, message};
      return;
    }
  }
  conditions_.push_back({type, status, reason, message});
}

std::int32_t HpaController::normalize(HpaDecision& decision, std::int32_t current,
                                      std::int32_t desired, std::int32_t minReplicas, double now) {
  if (!spec_.behavior) {
    // normalizeDesiredReplicas
    const std::int32_t stabilized = stabilizeRecommendation(
        recommendations_, now, config_.downscaleStabilizationWindow, desired);
    decision.stabilizedReplicas = stabilized;
    if (stabilized != desired) {
      decision.stabilizationReason = "ScaleDownStabilized";
      setCondition("AbleToScale", true, "ScaleDownStabilized",
                   "recent recommendations were higher than current one, applying the highest "
                   "recent recommendation");
    } else {
      decision.stabilizationReason = "ReadyForNewScale";
      setCondition("AbleToScale", true, "ReadyForNewScale",
                   "recommended size matches current size");
    }
    const Decision d =
        convertDesiredReplicasWithRules(current, stabilized, minReplicas, spec_.maxReplicas,
                                        config_.scaleUpLimitFactor, config_.scaleUpLimitMinimum);
    setCondition("ScalingLimited", d.replicas != stabilized, d.reason, d.message);
    decision.reason = d.reason;
    decision.message = d.message;
    return d.replicas;
  }
  // normalizeDesiredReplicasWithBehaviors
  NormalizationArg args;
  args.scaleUp = *spec_.behavior->scaleUp;
  args.scaleDown = *spec_.behavior->scaleDown;
  args.minReplicas = minReplicas;
  args.maxReplicas = spec_.maxReplicas;
  args.currentReplicas = current;
  args.desiredReplicas = desired;
  const Decision stabilized = stabilizeRecommendationWithBehaviors(recommendations_, now, args);
  decision.stabilizedReplicas = stabilized.replicas;
  args.desiredReplicas = stabilized.replicas;
  if (stabilized.replicas != desired) {
    decision.stabilizationReason = stabilized.reason;
    setCondition("AbleToScale", true, stabilized.reason, stabilized.message);
  } else {
    decision.stabilizationReason = "ReadyForNewScale";
    setCondition("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size");
  }
  const Decision d =
      convertDesiredReplicasWithBehaviorRate(args, scaleUpEvents_, scaleDownEvents_, now);
  setCondition("ScalingLimited", d.replicas != stabilized.replicas, d.reason, d.message);
  decision.reason = d.reason;
  decision.message = d.message;
  return d.replicas;
}

HpaDecision HpaController::reconcile(const ScaleState& scale, const HpaMetricsSource& source) {
  const double now = clock_->now();
  HpaDecision decision;
  decision.time = now;
  const std::int32_t current = scale.specReplicas;
  decision.currentReplicas = current;
  setCondition("AbleToScale", true, "SucceededGetScale",
               "the HPA controller was able to get the target's current scale");
  if (!recommendationsRecorded_) {  // recordInitialRecommendation
    recommendations_.push_back({current, now});
    recommendationsRecorded_ = true;
  }
  const std::int32_t minReplicas = *spec_.minReplicas;
  std::int32_t desired = 0;
  bool rescale = true;
  if (current == 0 && minReplicas != 0) {
    desired = 0;
    rescale = false;
    decision.reason = "ScalingDisabled";
    decision.message = "scaling is disabled since the replica count of the target is zero";
    setCondition("ScalingActive", false, decision.reason, decision.message);
  } else if (current > spec_.maxReplicas) {
    decision.rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    desired = spec_.maxReplicas;
    decision.reason = "TooManyReplicas";
    decision.message = decision.rescaleReason;
  } else if (current < minReplicas) {
    decision.rescaleReason = "Current number of replicas below Spec.MinReplicas";
    desired = minReplicas;
    decision.reason = "TooFewReplicas";
    decision.message = decision.rescaleReason;
  } else {
    MetricsProposal proposal = computeReplicasForMetrics(
        spec_, tolerancesFor(spec_, config_.tolerance), scale, source, config_.calculator, now);
    decision.metrics = std::move(proposal.outcomes);
    if (proposal.replicas == -1) {
      setCondition(proposal.invalidCondition.type, proposal.invalidCondition.status,
                   proposal.invalidCondition.reason, proposal.invalidCondition.message);
      decision.desiredReplicas = current;
      decision.reason = "FailedComputeMetricsReplicas";
      decision.message = proposal.error;
      decision.conditions = conditions_;
      return decision;
    }
    setCondition(
        "ScalingActive", true, "ValidMetricFound",
        "the HPA was able to successfully calculate a replica count from " + proposal.metric);
    decision.metricReplicas = proposal.replicas;
    decision.metric = proposal.metric;
    std::string rescaleMetric;
    if (proposal.replicas > desired) {
      desired = proposal.replicas;
      rescaleMetric = proposal.metric;
    }
    if (desired > current) decision.rescaleReason = rescaleMetric + " above target";
    if (desired < current) decision.rescaleReason = "All metrics below target";
    desired = normalize(decision, current, desired, minReplicas, now);
    rescale = desired != current;
  }
  if (rescale) {
    setCondition(
        "AbleToScale", true, "SucceededRescale",
        "the HPA controller was able to update the target scale to " + std::to_string(desired));
    storeScaleEvent(spec_.behavior ? &*spec_.behavior : nullptr, scaleUpEvents_, scaleDownEvents_,
                    current, desired, now);
    lastScaleTime_ = now;
  } else {
    desired = current;
  }
  decision.desiredReplicas = desired;
  decision.rescale = rescale;
  decision.conditions = conditions_;
  return decision;
}

}  // namespace lbsim::models::autoscaling
