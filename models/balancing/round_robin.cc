#include "models/balancing/round_robin.h"

#include <cassert>

namespace lbsim::models::balancing {

std::uint32_t smoothWeightedPick(std::span<double> currentWeights,
                                 std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates) {
  assert(!candidates.empty());
  double total = 0.0;
  std::uint32_t best = kNone;
  for (const std::uint32_t i : candidates) {
    currentWeights[i] += targets[i].weight;
    total += targets[i].weight;
    if (best == kNone || currentWeights[i] > currentWeights[best]) best = i;
  }
  currentWeights[best] -= total;
  return best;
}

RoundRobin::RoundRobin(const PolicyContext& context) : currentWeights_(context.targetCount, 0.0) {}

Pick RoundRobin::pick(std::span<const TargetState> targets,
                      std::span<const std::uint32_t> candidates, const Request&) {
  if (currentWeights_.size() < targets.size()) currentWeights_.resize(targets.size(), 0.0);
  last_ = smoothWeightedPick(currentWeights_, targets, candidates);
  return {last_};
}

std::string RoundRobin::explainLastPick() const {
  if (last_ == kNone) return {};
  return "largest current weight after adding each weight; it then loses the total";
}

}  // namespace lbsim::models::balancing
