#include "models/spec.h"

namespace lbsim::models {

double defaultTimeseriesInterval(double duration) {
  constexpr double kSteps[] = {0.1, 0.2, 0.5, 1,   2,   5,   10,   15,
                               30,  60,  120, 300, 600, 900, 1800, 3600};
  const double wanted = duration / 500.0;
  for (const double step : kSteps) {
    if (step >= wanted) return step;
  }
  return 3600.0 * static_cast<double>(static_cast<long long>(wanted / 3600.0) + 1);
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

}  // namespace lbsim::models
