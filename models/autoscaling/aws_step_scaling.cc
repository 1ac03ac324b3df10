#include "models/autoscaling/aws_step_scaling.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lbsim::models::autoscaling {

const char* toString(AdjustmentType type) {
  switch (type) {
    case AdjustmentType::kChangeInCapacity:
      return "ChangeInCapacity";
    case AdjustmentType::kPercentChangeInCapacity:
      return "PercentChangeInCapacity";
    case AdjustmentType::kExactCapacity:
      return "ExactCapacity";
  }
  return "?";
}

std::vector<std::string> validateStepAdjustments(const std::vector<StepAdjustment>& steps) {
  std::vector<std::string> problems;
  if (steps.empty()) {
    problems.emplace_back("a step scaling policy needs at least one step adjustment");
    return problems;
  }
  constexpr double kInf = std::numeric_limits<double>::infinity();
  int nullLower = 0;
  int nullUpper = 0;
  std::vector<std::pair<double, double>> ranges;
  for (const StepAdjustment& s : steps) {
    if (!s.lowerBound && !s.upperBound) {
      problems.emplace_back("a step adjustment needs a lower or an upper bound");
    }
    if (!s.lowerBound) ++nullLower;
    if (!s.upperBound) ++nullUpper;
    const double lo = s.lowerBound.value_or(-kInf);
    const double hi = s.upperBound.value_or(kInf);
    if (!(lo < hi))
      problems.emplace_back("a step adjustment's lower bound must be below its upper bound");
    ranges.emplace_back(lo, hi);
  }
  if (nullLower > 1) problems.emplace_back("at most one step adjustment may have no lower bound");
  if (nullUpper > 1) problems.emplace_back("at most one step adjustment may have no upper bound");
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) problems.emplace_back("step adjustments overlap");
    if (ranges[i].first > ranges[i - 1].second)
      problems.emplace_back("step adjustments leave a gap");
  }
  if (ranges.front().first < 0.0 && ranges.front().first != -kInf) {
    problems.emplace_back(
        "with a negative lower bound, one step adjustment must have no lower bound");
  }
  if (ranges.back().second > 0.0 && ranges.back().second != kInf) {
    problems.emplace_back(
        "with a positive upper bound, one step adjustment must have no upper bound");
  }
  return problems;
}

std::optional<std::size_t> findStepAdjustment(const std::vector<StepAdjustment>& steps,
                                              double metric, double threshold) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double difference = metric - threshold;
  const bool above = metric >= threshold;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double lo = steps[i].lowerBound.value_or(-kInf);
    const double hi = steps[i].upperBound.value_or(kInf);
    const bool inside =
        above ? (lo <= difference && difference < hi) : (lo < difference && difference <= hi);
    if (inside) return i;
  }
  return std::nullopt;
}

std::int32_t percentChangeInCapacity(std::int32_t capacity, std::int32_t percent,
                                     std::optional<std::int32_t> minAdjustmentMagnitude) {
  const double change = static_cast<double>(capacity) * percent / 100.0;
  std::int32_t rounded = 0;
  if (change > 1.0) {
    rounded = static_cast<std::int32_t>(std::floor(change));
  } else if (change > 0.0) {
    rounded = 1;
  } else if (change < -1.0) {
    rounded = static_cast<std::int32_t>(std::ceil(change));
  } else if (change < 0.0) {
    rounded = -1;
  }
  if (minAdjustmentMagnitude && rounded != 0 && std::abs(rounded) < *minAdjustmentMagnitude) {
    rounded = rounded > 0 ? *minAdjustmentMagnitude : -*minAdjustmentMagnitude;
  }
  return rounded;
}

bool breaches(const StepScalingPolicy& policy, double value) {
  const double t = policy.alarmThreshold;
  if (policy.aboveThreshold) return policy.orEqual ? value >= t : value > t;
  return policy.orEqual ? value <= t : value < t;
}

std::optional<bool> stepAlarm(const StepScalingPolicy& policy,
                              const std::deque<double>& datapoints) {
  const auto n = static_cast<std::size_t>(policy.evaluationPeriods);
  const std::size_t from = datapoints.size() > n ? datapoints.size() - n : 0;
  int present = 0;
  int breaching = 0;
  for (std::size_t i = from; i < datapoints.size(); ++i) {
    if (std::isnan(datapoints[i])) continue;
    ++present;
    if (breaches(policy, datapoints[i])) ++breaching;
  }
  if (present == 0) return std::nullopt;
  return breaching >= policy.datapointsToAlarm;
}

Decision stepScalingCapacity(const StepScalingPolicy& policy, double metric,
                             std::int32_t countedCapacity, std::int32_t desiredCapacity,
                             std::int32_t minSize, std::int32_t maxSize) {
  if (policy.simple) {
    const std::int32_t adjustment = policy.steps.empty() ? 0 : policy.steps[0].scalingAdjustment;
    std::int32_t target = adjustment;
    if (policy.adjustmentType != AdjustmentType::kExactCapacity) {
      target = desiredCapacity + (policy.adjustmentType == AdjustmentType::kChangeInCapacity
                                      ? adjustment
                                      : percentChangeInCapacity(desiredCapacity, adjustment,
                                                                policy.minAdjustmentMagnitude));
    }
    target = std::clamp(target, minSize, maxSize);
    const std::string which = std::string("simple scaling (") + toString(policy.adjustmentType) +
                              " " + std::to_string(adjustment) + ")";
    if (target == desiredCapacity) {
      return {target,
              target == maxSize   ? "AtMaxSize"
              : target == minSize ? "AtMinSize"
                                  : "NoChange",
              which + ": the desired capacity stays " + std::to_string(target)};
    }
    return {target, "SimpleScaling",
            which + ": " + std::to_string(desiredCapacity) + " -> " + std::to_string(target)};
  }
  const auto step = findStepAdjustment(policy.steps, metric, policy.alarmThreshold);
  if (!step) {
    return {desiredCapacity, "NoStepForMetric", "no step adjustment covers the metric"};
  }
  const std::int32_t adjustment = policy.steps[*step].scalingAdjustment;
  const std::string which = "step " + std::to_string(*step + 1) + " (" +
                            toString(policy.adjustmentType) + " " + std::to_string(adjustment) +
                            ")";
  std::int32_t target = desiredCapacity;
  if (policy.adjustmentType == AdjustmentType::kExactCapacity) {
    target = adjustment;
  } else {
    const std::int32_t base = adjustment > 0 ? countedCapacity : desiredCapacity;
    const std::int32_t change =
        policy.adjustmentType == AdjustmentType::kChangeInCapacity
            ? adjustment
            : percentChangeInCapacity(base, adjustment, policy.minAdjustmentMagnitude);
    target = base + change;
    // The desired capacity already counts the instances warming up.
    target = adjustment > 0 ? std::max(target, desiredCapacity) : std::min(target, desiredCapacity);
  }
  target = std::clamp(target, minSize, maxSize);
  if (target == desiredCapacity) {
    if (target == maxSize && adjustment > 0) return {target, "AtMaxSize", which + ": at MaxSize"};
    if (target == minSize && adjustment < 0) return {target, "AtMinSize", which + ": at MinSize"};
    return {target, "AlreadyScaling",
            which + ": the instances added earlier already cover this step"};
  }
  return {target, "StepAdjustment",
          which + ": " + std::to_string(desiredCapacity) + " -> " + std::to_string(target)};
}

}  // namespace lbsim::models::autoscaling
