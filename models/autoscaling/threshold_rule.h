#pragma once

#include <cstdint>
#include <optional>

#include "models/autoscaling/hpa_behavior.h"

namespace lbsim::models::autoscaling {

// The threshold scripts of the seeds (scripts/auto-scale.sh, monitor-performance.sh,
// scale-backend.sh): every check interval, scale up by a step when CPU (or memory, or the
// request rate) is above its high threshold, down by a step when CPU and memory are below
// their low thresholds, each direction after its cooldown; an error rate above the
// emergency threshold scales up at once by a larger step. The seeds describe the scripts,
// not their code: the precedence below (emergency, then up, then down) and the cooldown
// clocks are lbsim's reading, and every number is configurable.
struct ThresholdRule {
  double checkInterval = 60.0;
  double cpuHigh = 70.0;  // percent
  double cpuLow = 30.0;
  std::optional<double> memoryHigh;  // percent
  std::optional<double> memoryLow;
  std::optional<double> rpsHigh;             // requests/s over the whole service
  std::optional<double> errorRateEmergency;  // fraction of requests failing, 0.05
  std::int32_t step = 1;
  std::int32_t emergencyStep = 2;
  double scaleUpCooldown = 300.0;    // since the last scale-up
  double scaleDownCooldown = 600.0;  // since the last scaling action of either direction
  std::int32_t minInstances = 1;
  std::int32_t maxInstances = 10;
  bool operator==(const ThresholdRule&) const = default;
};

// What the script reads at a check; a metric it cannot read does not trigger anything.
struct ThresholdSample {
  std::optional<double> cpu;
  std::optional<double> memory;
  std::optional<double> rps;
  std::optional<double> errorRate;
};

struct ThresholdState {
  std::int32_t instances = 1;
  std::optional<double> lastScaleUp;
  std::optional<double> lastScaleDown;
};

// One check. Reasons: EmergencyScaleUp, CpuAboveThreshold, MemoryAboveThreshold,
// RpsAboveThreshold, ScaleUpCooldown, AtMaxInstances, BelowThresholds, ScaleDownCooldown,
// AtMinInstances, WithinThresholds.
Decision evaluateThresholdRule(const ThresholdRule& rule, const ThresholdSample& sample,
                               const ThresholdState& state, double now);

}  // namespace lbsim::models::autoscaling
