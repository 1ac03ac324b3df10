#include "gui/autoscaler_settings.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "models/autoscaling/hpa_spec.h"

namespace lbsim::gui {

namespace {

using models::AutoscalerSpec;
using Kind = AutoscalerSpec::Kind;
using Setter = std::function<void(AutoscalerSpec&, double)>;

struct Entry {
  AutoscalerSetting setting;
  Setter set;
};

AutoscalerSetting setting(std::string name, std::string field, std::string unit, double value,
                          double lowest, double highest, int decimals) {
  return {std::move(name),         std::move(field),         std::move(unit), value,
          std::min(lowest, value), std::max(highest, value), decimals};
}

std::int32_t count(double v) {
  return static_cast<std::int32_t>(std::lround(v));
}

void setRange(AutoscalerSpec& a, std::int32_t min, std::int32_t max) {
  switch (a.kind) {
    case Kind::kHpa:
      a.hpa.minReplicas = min;
      a.hpa.maxReplicas = max;
      break;
    case Kind::kAsg:
      a.asg.minSize = min;
      a.asg.maxSize = max;
      break;
    case Kind::kThreshold:
      a.threshold.minInstances = min;
      a.threshold.maxInstances = max;
      break;
  }
}

// The HPA's metrics as the controller reads them: none written is cpu at 80%.
std::vector<models::autoscaling::MetricSpec> hpaMetrics(const models::autoscaling::HpaSpec& hpa) {
  return hpa.metrics.empty() ? models::autoscaling::withApiDefaults(hpa).metrics : hpa.metrics;
}

void hpaEntries(const AutoscalerSpec& a, std::vector<Entry>& out) {
  using models::autoscaling::MetricTargetType;
  const auto metrics = hpaMetrics(a.hpa);
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const models::autoscaling::MetricTarget& t = metrics[i].target;
    const Setter set = [i](AutoscalerSpec& s, double v) {
      s.hpa.metrics = hpaMetrics(s.hpa);
      models::autoscaling::MetricTarget& target = s.hpa.metrics[i].target;
      if (target.type == MetricTargetType::kUtilization) {
        target.averageUtilization = count(v);
      } else {
        target.valueMilli = std::llround(v * 1000.0);  // a Quantity's MilliValue
      }
    };
    const std::string name = metrics[i].name + " target";
    if (t.type == MetricTargetType::kUtilization) {
      out.push_back({setting(name, metrics[i].name + " averageUtilization", "%",
                             t.averageUtilization, 1, 1000, 0),
                     set});
    } else {
      const std::string field =
          metrics[i].name +
          (t.type == MetricTargetType::kAverageValue ? " averageValue" : " value");
      out.push_back(
          {setting(name, field, "", static_cast<double>(t.valueMilli) / 1000.0, 0.001, 1e12, 3),
           set});
    }
  }
}

// A longest cooldown, window or interval offered: a day.
constexpr double kLongestSeconds = 86400.0;

// behavior's stabilization windows, when the manifest has a behavior (without one the
// controller takes another path, which a window set here would change): scale-up's unset
// is 0, scale-down's the controller's --horizontal-pod-autoscaler-downscale-stabilization.
void hpaBehaviorEntries(const AutoscalerSpec& a, std::vector<Entry>& out) {
  if (!a.hpa.behavior) return;
  using Rules = std::optional<models::autoscaling::ScalingRules>;
  const auto window = [&](const char* name, const char* field, const Rules& rules, double unset,
                          Rules models::autoscaling::Behavior::*member) {
    const double value =
        rules && rules->stabilizationWindowSeconds ? *rules->stabilizationWindowSeconds : unset;
    out.push_back({setting(name, field, "s", value, 0, 3600, 0),  // the API's 0-3600
                   [member](AutoscalerSpec& s, double v) {
                     Rules& r = (*s.hpa.behavior).*member;
                     if (!r) r = models::autoscaling::ScalingRules{};
                     r->stabilizationWindowSeconds = count(v);
                   }});
  };
  window("scale-up stabilization", "behavior scaleUp stabilizationWindowSeconds",
         a.hpa.behavior->scaleUp, 0.0, &models::autoscaling::Behavior::scaleUp);
  window("scale-down stabilization", "behavior scaleDown stabilizationWindowSeconds",
         a.hpa.behavior->scaleDown, a.hpaConfig.downscaleStabilizationWindow,
         &models::autoscaling::Behavior::scaleDown);
}

void asgEntries(const AutoscalerSpec& a, std::vector<Entry>& out) {
  // Every metric but the request count per target is a percentage (AutoscalerDriver).
  const auto unitOf = [](const std::string& metric) {
    return metric == "ALBRequestCountPerTarget" ? "" : "%";
  };
  for (std::size_t i = 0; i < a.asg.policies.size(); ++i) {
    const auto& p = a.asg.policies[i];
    out.push_back({setting(p.metric + " target", p.name + " TargetValue", unitOf(p.metric),
                           p.targetValue, 0.01, 1e6, 2),
                   [i](AutoscalerSpec& s, double v) { s.asg.policies[i].targetValue = v; }});
  }
  out.push_back({setting("default cooldown", "DefaultCooldown", "s", a.asg.defaultCooldown, 0,
                         kLongestSeconds, 0),
                 [](AutoscalerSpec& s, double v) { s.asg.defaultCooldown = v; }});
  // Step and simple policies: the alarm's threshold, each step's adjustment, a simple
  // policy's cooldown.
  for (std::size_t i = 0; i < a.asg.stepPolicies.size(); ++i) {
    const auto& p = a.asg.stepPolicies[i];
    out.push_back({setting(p.name + " threshold", p.name + " Alarm Threshold", unitOf(p.metric),
                           p.alarmThreshold, -1e6, 1e6, 2),
                   [i](AutoscalerSpec& s, double v) { s.asg.stepPolicies[i].alarmThreshold = v; }});
    const char* unit =
        p.adjustmentType == models::autoscaling::AdjustmentType::kPercentChangeInCapacity ? "%"
                                                                                          : "";
    for (std::size_t k = 0; k < p.steps.size(); ++k) {
      const std::string name =
          p.name + (p.simple ? " adjustment" : " step " + std::to_string(k + 1));
      // ExactCapacity sets the capacity itself: not below 0 (as the loader).
      const double lowest = p.adjustmentType == models::autoscaling::AdjustmentType::kExactCapacity
                                ? 0.0
                                : -kMostReplicas * 100.0;
      out.push_back({setting(name, p.name + " ScalingAdjustment", unit,
                             p.steps[k].scalingAdjustment, lowest, kMostReplicas * 100.0, 0),
                     [i, k](AutoscalerSpec& s, double v) {
                       s.asg.stepPolicies[i].steps[k].scalingAdjustment = count(v);
                     }});
    }
    if (p.simple) {
      out.push_back({setting(p.name + " cooldown", p.name + " Cooldown", "s",
                             p.cooldown.value_or(a.asg.defaultCooldown), 0, kLongestSeconds, 0),
                     [i](AutoscalerSpec& s, double v) { s.asg.stepPolicies[i].cooldown = v; }});
    }
  }
}

// A high and a low threshold in percent, each within 0-100 and low <= high.
void highLow(const std::string& name, std::optional<double> high, std::optional<double> low,
             const std::function<double&(AutoscalerSpec&, bool)>& field, std::vector<Entry>& out) {
  if (high) {
    out.push_back({setting(name + " high", name + " high", "%", *high,
                           std::max(low.value_or(0), 0.1), 100, 1),
                   [field](AutoscalerSpec& s, double v) { field(s, true) = v; }});
  }
  if (low) {
    out.push_back({setting(name + " low", name + " low", "%", *low, 0, high.value_or(100), 1),
                   [field](AutoscalerSpec& s, double v) { field(s, false) = v; }});
  }
}

void thresholdEntries(const AutoscalerSpec& a, std::vector<Entry>& out) {
  const models::autoscaling::ThresholdRule& r = a.threshold;
  highLow(
      "cpu", r.cpuHigh, r.cpuLow,
      [](AutoscalerSpec& s, bool high) -> double& {
        return high ? s.threshold.cpuHigh : s.threshold.cpuLow;
      },
      out);
  highLow(
      "memory", r.memoryHigh, r.memoryLow,
      [](AutoscalerSpec& s, bool high) -> double& {
        return high ? *s.threshold.memoryHigh : *s.threshold.memoryLow;
      },
      out);
  if (r.rpsHigh) {
    out.push_back({setting("rps high", "rps_high", "req/s", *r.rpsHigh, 0.01, 1e9, 2),
                   [](AutoscalerSpec& s, double v) { s.threshold.rpsHigh = v; }});
  }
  // The loader's ranges: steps 1-1000, a positive check interval.
  out.push_back({setting("step", "step", "", r.step, 1, 1000, 0),
                 [](AutoscalerSpec& s, double v) { s.threshold.step = count(v); }});
  out.push_back({setting("emergency step", "emergency_step", "", r.emergencyStep, 1, 1000, 0),
                 [](AutoscalerSpec& s, double v) { s.threshold.emergencyStep = count(v); }});
  out.push_back(
      {setting("check interval", "check_interval", "s", r.checkInterval, 1, kLongestSeconds, 0),
       [](AutoscalerSpec& s, double v) { s.threshold.checkInterval = v; }});
  out.push_back(
      {setting("up cooldown", "cooldown up", "s", r.scaleUpCooldown, 0, kLongestSeconds, 0),
       [](AutoscalerSpec& s, double v) { s.threshold.scaleUpCooldown = v; }});
  out.push_back(
      {setting("down cooldown", "cooldown down", "s", r.scaleDownCooldown, 0, kLongestSeconds, 0),
       [](AutoscalerSpec& s, double v) { s.threshold.scaleDownCooldown = v; }});
}

std::vector<Entry> entries(const AutoscalerSpec& a) {
  // The range as the files of each kind (in Kind's order) call it.
  static constexpr const char* kRange[][2] = {
      {"minReplicas", "maxReplicas"}, {"MinSize", "MaxSize"}, {"instances min", "instances max"}};
  const auto& field = kRange[static_cast<int>(a.kind)];
  const double min = a.minReplicas();
  const double max = a.maxReplicas();
  std::vector<Entry> out;
  out.push_back({setting("min replicas", field[0], "", min, 1, max, 0),
                 [](AutoscalerSpec& s, double v) { setRange(s, count(v), s.maxReplicas()); }});
  out.push_back({setting("max replicas", field[1], "", max, std::max(min, 1.0), kMostReplicas, 0),
                 [](AutoscalerSpec& s, double v) { setRange(s, s.minReplicas(), count(v)); }});
  switch (a.kind) {
    case Kind::kHpa:
      hpaEntries(a, out);
      hpaBehaviorEntries(a, out);
      break;
    case Kind::kAsg:
      asgEntries(a, out);
      break;
    case Kind::kThreshold:
      thresholdEntries(a, out);
      break;
  }
  return out;
}

// What follows the minimum when it was the loaded minimum (the loader's default), else stays
// as loaded within the range.
std::int32_t withinRange(std::int32_t loaded, std::int32_t loadedMin, std::int32_t min,
                         std::int32_t max) {
  return loaded == loadedMin ? min : std::clamp(loaded, min, max);
}

// After a new replica range: the start, DesiredCapacity and targets (see the header).
void fitToRange(models::TierSpec& tier, const models::TierSpec& loaded) {
  AutoscalerSpec& a = *tier.autoscaler;
  const AutoscalerSpec& was = *loaded.autoscaler;
  const std::int32_t min = a.minReplicas();
  const std::int32_t max = a.maxReplicas();
  if (a.kind == Kind::kAsg && was.asg.desiredCapacity) {
    a.asg.desiredCapacity = withinRange(*was.asg.desiredCapacity, was.minReplicas(), min, max);
  }
  // The loader starts at least one replica.
  const std::int32_t start = withinRange(static_cast<std::int32_t>(loaded.initialReplicas),
                                         std::max(was.minReplicas(), 1), min, max);
  tier.initialReplicas = static_cast<std::uint32_t>(std::max(start, 1));
  // Backups are kept beside the autoscaler's replicas and not counted.
  const std::size_t backups = models::backupTargets(loaded);
  const std::size_t targets =
      std::max(loaded.targets.size() - backups, static_cast<std::size_t>(std::max(max, 1)));
  if (tier.targets.size() > targets + backups) {
    tier.targets.erase(tier.targets.begin() + static_cast<std::ptrdiff_t>(targets + backups),
                       tier.targets.end());
  }
  models::addAutoscaledTargets(tier, targets);
}

}  // namespace

std::string autoscalerShortName(const AutoscalerSpec& autoscaler) {
  switch (autoscaler.kind) {
    case Kind::kHpa:
      return "HPA";
    case Kind::kAsg:
      return "ASG";
    case Kind::kThreshold:
      return "script";
  }
  return {};
}

std::vector<AutoscalerSetting> autoscalerSettings(const AutoscalerSpec& autoscaler) {
  std::vector<AutoscalerSetting> out;
  for (Entry& e : entries(autoscaler))
    out.push_back(std::move(e.setting));
  return out;
}

void setAutoscalerSetting(models::TierSpec& tier, const models::TierSpec& loaded, std::size_t index,
                          double value) {
  if (!tier.autoscaler || !loaded.autoscaler) return;
  const std::vector<Entry> list = entries(*tier.autoscaler);
  if (index >= list.size()) return;
  const AutoscalerSetting& s = list[index].setting;
  list[index].set(*tier.autoscaler, std::clamp(value, s.lowest, s.highest));
  if (index == kMinReplicasSetting || index == kMaxReplicasSetting) fitToRange(tier, loaded);
}

}  // namespace lbsim::gui
