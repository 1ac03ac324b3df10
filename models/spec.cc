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
  // The autoscaler's replicas are copies of the last one that is not a backup: backups (an
  // nginx `backup` server) run beside them and are not counted.
  const auto model = std::find_if(tier.targets.rbegin(), tier.targets.rend(),
                                  [](const TargetSpec& t) { return !t.backup; });
  if (model == tier.targets.rend()) return;
  const TargetSpec base = *model;
  std::size_t scaled = 0;
  std::set<std::string> names;
  for (const auto& t : tier.targets) {
    scaled += t.backup ? 0 : 1;
    names.insert(t.name);
  }
  while (scaled < count) {
    const std::size_t n = tier.targets.size();
    TargetSpec t = base;
    t.name = tier.id + "-" + std::to_string(n + 1);
    for (std::size_t k = n + 2; names.count(t.name) != 0; ++k)
      t.name = tier.id + "-" + std::to_string(k);
    t.zone = tier.zoneSpread.empty() ? std::string() : tier.zoneSpread[n % tier.zoneSpread.size()];
    names.insert(t.name);
    tier.targets.push_back(t);
    ++scaled;
  }
}

std::size_t backupTargets(const TierSpec& tier) {
  return static_cast<std::size_t>(std::count_if(tier.targets.begin(), tier.targets.end(),
                                                [](const TargetSpec& t) { return t.backup; }));
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
