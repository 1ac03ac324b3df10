#include "models/autoscaling/aws_target_tracking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lbsim::models::autoscaling {

double instanceWarmup(const AsgSpec& group, const TargetTrackingPolicy& policy) {
  if (policy.estimatedInstanceWarmup) return *policy.estimatedInstanceWarmup;
  if (group.defaultInstanceWarmup) return *group.defaultInstanceWarmup;
  return group.defaultCooldown;
}

double instanceWarmup(const AsgSpec& group, const StepScalingPolicy& policy) {
  if (policy.simple) return 0.0;  // simple scaling has a cooldown, no warm-up
  if (policy.estimatedInstanceWarmup) return *policy.estimatedInstanceWarmup;
  if (group.defaultInstanceWarmup) return *group.defaultInstanceWarmup;
  return group.defaultCooldown;
}

std::int32_t targetTrackingCapacity(std::int32_t countedCapacity, double metric, double target) {
  const double exact = static_cast<double>(countedCapacity) * metric / target;
  return static_cast<std::int32_t>(std::ceil(exact - 1e-9 * std::max(1.0, exact)));
}

const char* toString(AlarmState state) {
  switch (state) {
    case AlarmState::kInsufficientData:
      return "INSUFFICIENT_DATA";
    case AlarmState::kOk:
      return "OK";
    case AlarmState::kHigh:
      return "AlarmHigh";
    case AlarmState::kLow:
      return "AlarmLow";
  }
  return "?";
}

AlarmState targetTrackingAlarm(const std::deque<double>& datapoints, double target,
                               const TargetTrackingAlarms& alarms) {
  if (datapoints.empty() || std::isnan(datapoints.back())) return AlarmState::kInsufficientData;
  const auto lastAll = [&](int count, auto predicate) {
    if (static_cast<int>(datapoints.size()) < count) return false;
    for (auto it = datapoints.end() - count; it != datapoints.end(); ++it) {
      if (std::isnan(*it) || !predicate(*it)) return false;
    }
    return true;
  };
  if (lastAll(alarms.highDatapoints, [&](double v) { return v > target; }))
    return AlarmState::kHigh;
  if (lastAll(alarms.lowDatapoints, [&](double v) { return v < alarms.lowFraction * target; })) {
    return AlarmState::kLow;
  }
  return AlarmState::kOk;
}

Decision combineTargetTrackingProposals(const AsgSpec& group,
                                        const std::vector<PolicyEvaluation>& evaluations,
                                        std::int32_t desiredCapacity, const ScaleInGate& gate) {
  std::optional<std::int32_t> out;
  std::string outPolicy;
  for (const PolicyEvaluation& e : evaluations) {
    if (e.alarm == AlarmState::kHigh && e.proposal && *e.proposal > desiredCapacity &&
        (!out || *e.proposal > *out)) {
      out = *e.proposal;
      outPolicy = e.policy;
    }
  }
  if (out) {
    if (desiredCapacity >= group.maxSize) {
      return {desiredCapacity, "AtMaxSize",
              outPolicy + " asks for " + std::to_string(*out) + "; the group is at MaxSize " +
                  std::to_string(group.maxSize)};
    }
    const std::int32_t capacity = std::min(*out, group.maxSize);
    return {capacity, "ScaleOut",
            outPolicy + " is above its target: ceil(instances x metric / target) = " +
                std::to_string(*out) +
                (capacity < *out ? " (MaxSize " + std::to_string(group.maxSize) + ")" : "")};
  }
  for (const PolicyEvaluation& e : evaluations) {
    if (e.alarm == AlarmState::kHigh && e.proposal) {
      return {desiredCapacity, "AlreadyScaledOut",
              e.policy + " is above its target but asks for " + std::to_string(*e.proposal) +
                  ", not more than the desired " + std::to_string(desiredCapacity) +
                  " (instances warming up count)"};
    }
  }
  // Scale in only if every policy that may scale in asks to.
  std::optional<std::int32_t> in;
  std::string holdout;
  for (const PolicyEvaluation& e : evaluations) {
    const auto policy =
        std::find_if(group.policies.begin(), group.policies.end(),
                     [&](const TargetTrackingPolicy& p) { return p.name == e.policy; });
    if (policy != group.policies.end() && policy->disableScaleIn) continue;
    if (e.alarm == AlarmState::kLow && e.proposal && *e.proposal < desiredCapacity) {
      in = std::max(in.value_or(*e.proposal), *e.proposal);
    } else if (holdout.empty()) {
      holdout = e.policy;
    }
  }
  if (!in) {
    const bool alarm =
        std::any_of(evaluations.begin(), evaluations.end(), [](const PolicyEvaluation& e) {
          return e.alarm == AlarmState::kHigh || e.alarm == AlarmState::kLow;
        });
    if (alarm)
      return {desiredCapacity, "NoChange", "the policies in alarm ask for the desired capacity"};
    return {desiredCapacity, "NoAlarm", "no policy is in alarm"};
  }
  if (!holdout.empty()) {
    return {desiredCapacity, "NotAllPoliciesScaleIn",
            holdout + " does not ask to scale in; scale-in needs every policy"};
  }
  if (desiredCapacity <= group.minSize) {
    return {desiredCapacity, "AtMinSize",
            "the policies ask for " + std::to_string(*in) + "; the group is at MinSize " +
                std::to_string(group.minSize)};
  }
  if (gate.warming) {
    return {desiredCapacity, "ScaleInWarmup",
            "scale-in waits until the instances warming up are done"};
  }
  if (gate.inCooldown) {
    return {desiredCapacity, "ScaleInCooldown", "within the scale-in cooldown"};
  }
  const std::int32_t capacity = std::max(*in, group.minSize);
  return {capacity, "ScaleIn",
          "every policy is below 90% of its target: the largest proposal is " +
              std::to_string(*in) +
              (capacity > *in ? " (MinSize " + std::to_string(group.minSize) + ")" : "")};
}

TargetTrackingController::TargetTrackingController(AsgSpec group, const core::Clock& clock)
    : group_(std::move(group)),
      clock_(&clock),
      datapoints_(group_.policies.size()),
      stepDatapoints_(group_.stepPolicies.size()) {}

AsgDecision TargetTrackingController::evaluate(const AsgState& state,
                                               const AsgMetricsSource& source) {
  const double now = clock_->now();
  AsgDecision decision;
  decision.time = now;
  decision.desiredBefore = state.desiredCapacity;
  const std::size_t keep =
      static_cast<std::size_t>(std::max(group_.alarms.highDatapoints, group_.alarms.lowDatapoints));
  for (std::size_t i = 0; i < group_.policies.size(); ++i) {
    const TargetTrackingPolicy& policy = group_.policies[i];
    PolicyEvaluation e;
    e.policy = policy.name;
    e.metric = policy.metric;
    e.target = policy.targetValue;
    e.value = state.countedInstances > 0 ? source.metric(policy.metric) : std::nullopt;
    datapoints_[i].push_back(e.value.value_or(std::nan("")));
    while (datapoints_[i].size() > keep)
      datapoints_[i].pop_front();
    e.alarm = targetTrackingAlarm(datapoints_[i], policy.targetValue, group_.alarms);
    if ((e.alarm == AlarmState::kHigh || e.alarm == AlarmState::kLow) && e.value) {
      e.proposal = targetTrackingCapacity(state.countedInstances, *e.value, policy.targetValue);
    }
    decision.policies.push_back(e);
  }
  // With explicit ScaleInCooldowns the longest applies; without, the group's DefaultCooldown.
  std::optional<double> scaleInCooldown;
  for (const TargetTrackingPolicy& p : group_.policies) {
    if (p.scaleInCooldown)
      scaleInCooldown = std::max(scaleInCooldown.value_or(0.0), *p.scaleInCooldown);
  }
  ScaleInGate gate;
  gate.warming = state.warmingInstances > 0;
  gate.inCooldown =
      lastScaleIn_ && now - *lastScaleIn_ < scaleInCooldown.value_or(group_.defaultCooldown);
  decision.decision =
      group_.policies.empty()
          ? Decision{state.desiredCapacity, "NoAlarm", "no policy is in alarm"}
          : combineTargetTrackingProposals(group_, decision.policies, state.desiredCapacity, gate);
  // Step and simple scaling policies whose alarm is in ALARM act too; of all the policies
  // that change the capacity, the largest capacity wins.
  bool acted = decision.decision.replicas != state.desiredCapacity;
  for (std::size_t i = 0; i < group_.stepPolicies.size(); ++i) {
    const StepScalingPolicy& policy = group_.stepPolicies[i];
    StepEvaluation e;
    e.policy = policy.name;
    e.metric = policy.metric;
    e.threshold = policy.alarmThreshold;
    e.value = state.countedInstances > 0 ? source.metric(policy.metric) : std::nullopt;
    std::deque<double>& points = stepDatapoints_[i];
    points.push_back(e.value.value_or(std::nan("")));
    while (points.size() > static_cast<std::size_t>(policy.evaluationPeriods))
      points.pop_front();
    e.alarm = stepAlarm(policy, points);
    if (e.alarm.value_or(false) && e.value) {
      const double cooldown = policy.cooldown.value_or(group_.defaultCooldown);
      if (policy.simple && lastActivity_ && now - *lastActivity_ < cooldown) {
        e.proposal = Decision{state.desiredCapacity, "SimpleScalingCooldown",
                              "within the cooldown after the last scaling activity"};
      } else {
        e.proposal = stepScalingCapacity(policy, *e.value, state.countedInstances,
                                         state.desiredCapacity, group_.minSize, group_.maxSize);
      }
      const Decision& p = *e.proposal;
      if (p.replicas != state.desiredCapacity &&
          (!acted || p.replicas > decision.decision.replicas)) {
        decision.decision = {p.replicas, p.reason, policy.name + ": " + p.message};
        acted = true;
      } else if (!acted && decision.decision.reason == "NoAlarm") {
        decision.decision = {p.replicas, p.reason, policy.name + ": " + p.message};
      }
    }
    decision.steps.push_back(e);
  }
  decision.desiredCapacity = decision.decision.replicas;
  decision.changed = decision.desiredCapacity != state.desiredCapacity;
  if (decision.changed) {
    lastActivity_ = now;
    if (decision.desiredCapacity > state.desiredCapacity) {
      lastScaleOut_ = now;
      lastScaleIn_.reset();  // a scale-out ends a scale-in cooldown
    } else {
      lastScaleIn_ = now;
    }
  }
  return decision;
}

}  // namespace lbsim::models::autoscaling
