#include "models/autoscaling/threshold_rule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace lbsim::models::autoscaling {

namespace {
std::string number(double v) {
  char buffer[32];
  if (v == std::round(v) && std::fabs(v) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
  }
  return buffer;
}
}  // namespace

Decision evaluateThresholdRule(const ThresholdRule& rule, const ThresholdSample& sample,
                               const ThresholdState& state, double now) {
  const std::int32_t n = state.instances;
  if (rule.errorRateEmergency && sample.errorRate && *sample.errorRate > *rule.errorRateEmergency) {
    if (n >= rule.maxInstances) {
      return {n, "AtMaxInstances", "error rate above the emergency threshold, at the maximum"};
    }
    return {std::min(n + rule.emergencyStep, rule.maxInstances), "EmergencyScaleUp",
            "error rate " + number(100.0 * *sample.errorRate) + "% > " +
                number(100.0 * *rule.errorRateEmergency) + "%: scale up now, no cooldown"};
  }
  std::string up;
  std::string why;
  if (sample.cpu && *sample.cpu > rule.cpuHigh) {
    up = "CpuAboveThreshold";
    why = "cpu " + number(*sample.cpu) + "% > " + number(rule.cpuHigh) + "%";
  } else if (rule.memoryHigh && sample.memory && *sample.memory > *rule.memoryHigh) {
    up = "MemoryAboveThreshold";
    why = "memory " + number(*sample.memory) + "% > " + number(*rule.memoryHigh) + "%";
  } else if (rule.rpsHigh && sample.rps && *sample.rps > *rule.rpsHigh) {
    up = "RpsAboveThreshold";
    why = number(*sample.rps) + " req/s > " + number(*rule.rpsHigh) + " req/s";
  }
  if (!up.empty()) {
    if (state.lastScaleUp && now - *state.lastScaleUp < rule.scaleUpCooldown) {
      return {
          n, "ScaleUpCooldown",
          why + ", but the last scale-up was less than " + number(rule.scaleUpCooldown) + " s ago"};
    }
    if (n >= rule.maxInstances) return {n, "AtMaxInstances", why + ", at the maximum"};
    return {std::min(n + rule.step, rule.maxInstances), up, why};
  }
  const bool cpuLow = sample.cpu && *sample.cpu < rule.cpuLow;
  const bool memoryLow = !rule.memoryLow || (sample.memory && *sample.memory < *rule.memoryLow);
  if (cpuLow && memoryLow) {
    const std::string low = "cpu " + number(*sample.cpu) + "% < " + number(rule.cpuLow) + "%";
    std::optional<double> last = state.lastScaleDown;
    if (state.lastScaleUp && (!last || *state.lastScaleUp > *last)) last = state.lastScaleUp;
    if (last && now - *last < rule.scaleDownCooldown) {
      return {n, "ScaleDownCooldown",
              low + ", but the last scaling was less than " + number(rule.scaleDownCooldown) +
                  " s ago"};
    }
    if (n <= rule.minInstances) return {n, "AtMinInstances", low + ", at the minimum"};
    return {std::max(n - rule.step, rule.minInstances), "BelowThresholds", low};
  }
  return {n, "WithinThresholds", "no threshold crossed"};
}

}  // namespace lbsim::models::autoscaling
