#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "models/spec.h"

namespace lbsim::gui {

// The settings of a tier's autoscaler that the what-if table edits: its replica range, then
// each target it tracks (an HPA metric's target, an Auto Scaling group policy's TargetValue,
// a threshold script's high and low thresholds and request rate).
struct AutoscalerSetting {
  std::string name;    // "min replicas", "cpu target", "cpu high"
  std::string field;   // in the autoscaler's file: "minReplicas", "cpu averageUtilization"
  std::string unit;    // "%", "req/s" or empty
  double value = 0.0;  // as written: percent, the metric's units, replicas
  // What the editor accepts: what the loader accepts (positive targets, min <= max, low <=
  // high) within a practical bound; a loaded value outside that bound widens it.
  double lowest = 0.0;
  double highest = 0.0;
  int decimals = 0;
};

inline constexpr std::size_t kMinReplicasSetting = 0;
inline constexpr std::size_t kMaxReplicasSetting = 1;
// The most replicas an editor offers (as the what-if table's replica count).
inline constexpr int kMostReplicas = 512;

// "HPA", "ASG", "script".
std::string autoscalerShortName(const models::AutoscalerSpec& autoscaler);

// The settings in order: min replicas, max replicas, then the targets. An HPA without
// metrics shows the API's default (cpu at 80%); editing it writes that metric out.
std::vector<AutoscalerSetting> autoscalerSettings(const models::AutoscalerSpec& autoscaler);

// Sets setting `index` of an autoscaled tier (clamped into the setting's range). A new range
// also moves what depends on it, from the tier as loaded (`loaded`): the replicas at the
// start (the minimum when they were the loaded minimum, else the loaded count within the
// range), an Auto Scaling group's DesiredCapacity (kept within the range), and the targets:
// the loaded ones plus, up to a larger maximum, copies as the loader expands them.
void setAutoscalerSetting(models::TierSpec& tier, const models::TierSpec& loaded, std::size_t index,
                          double value);

}  // namespace lbsim::gui
