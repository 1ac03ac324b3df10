#include "models/spec.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

namespace lbsim::models {

double defaultTimeseriesInterval(double duration) {
  constexpr double kSteps[] = {0.1, 0.2, 0.5, 1,   2,   5,   10,   15,
                               30,  60,  120, 300, 600, 900, 1800, 3600};
  const double wanted = duration / 500.0;
  for (const double step : kSteps) {
    if (step >= wanted) return step;
  }
  return 3600.0 * (std::floor(wanted / 3600.0) + 1.0);  // in doubles: no integer overflow
}

std::int32_t AutoscalerSpec::minReplicas() const {
  switch (kind) {
    case Kind::kHpa:
      return hpa.minReplicas.value_or(1);
    case Kind::kAsg:
      return asg.minSize;
    case Kind::kThreshold:
      return threshold.minInstances;
  }
  return 1;
}

std::int32_t AutoscalerSpec::maxReplicas() const {
  switch (kind) {
    case Kind::kHpa:
      return hpa.maxReplicas;
    case Kind::kAsg:
      return asg.maxSize;
    case Kind::kThreshold:
      return threshold.maxInstances;
  }
  return 1;
}

void addAutoscaledTargets(TierSpec& tier, std::size_t count) {
  if (tier.targets.empty()) return;
  const TargetSpec model = tier.targets.back();
  while (tier.targets.size() < count) {
    const std::size_t n = tier.targets.size();
    TargetSpec t = model;
    t.name = tier.id + "-" + std::to_string(n + 1);
    t.zone = tier.zoneSpread.empty() ? std::string() : tier.zoneSpread[n % tier.zoneSpread.size()];
    tier.targets.push_back(t);
  }
}

void setReplicaCount(TierSpec& tier, std::uint32_t count) {
  count = std::max<std::uint32_t>(count, 1);
  auto& targets = tier.targets;
  while (targets.size() > count)
    targets.pop_back();
  if (targets.size() >= count || targets.empty()) return;
  auto model =
      std::find_if(targets.rbegin(), targets.rend(), [](const TargetSpec& t) { return !t.backup; });
  const TargetSpec base = model != targets.rend() ? *model : targets.back();
  std::set<std::string> names;
  for (const auto& t : targets)
    names.insert(t.name);
  for (std::size_t n = 1; targets.size() < count; ++n) {
    std::string name = tier.id + "-" + std::to_string(n);
    if (names.count(name) != 0) continue;
    TargetSpec t = base;
    t.name = name;
    t.backup = false;
    if (!tier.zoneSpread.empty()) {
      t.zone = tier.zoneSpread[targets.size() % tier.zoneSpread.size()];
    }
    targets.push_back(t);
    names.insert(name);
  }
}

}  // namespace lbsim::models
