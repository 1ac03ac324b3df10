#include "models/balancing/round_robin.h"

#include <cassert>
#include <cstdio>
#include <limits>

namespace lbsim::models::balancing {

std::uint32_t smoothWeightedPick(std::span<double> currentWeights,
                                 std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates, double* totalOut) {
  assert(!candidates.empty());
  double total = 0.0;
  std::uint32_t best = kNone;
  // The best value is kept in a register rather than read back from the array: the same
  // picks, without a load that waits on the store before it.
  double bestValue = -std::numeric_limits<double>::infinity();
  for (const std::uint32_t i : candidates) {
    const double weight = targets[i].weight;
    const double current = currentWeights[i] + weight;
    currentWeights[i] = current;
    total += weight;
    if (best == kNone || current > bestValue) {
      best = i;
      bestValue = current;
    }
  }
  currentWeights[best] -= total;
  if (totalOut != nullptr) *totalOut = total;
  return best;
}

RoundRobin::RoundRobin(const PolicyContext& context) : currentWeights_(context.targetCount, 0.0) {}

Pick RoundRobin::pick(const PickInput& in) {
  if (currentWeights_.size() < in.targets.size()) currentWeights_.resize(in.targets.size(), 0.0);
  last_ = smoothWeightedPick(currentWeights_, in.targets, in.candidates, &lastTotal_);
  return {last_};
}

std::string RoundRobin::explainLastPick() const {
  if (last_ == kNone) return {};
  const double after = currentWeights_[last_];
  char buffer[160];
  std::snprintf(buffer, sizeof buffer,
                "largest current weight (%g) after each added its weight; minus total %g -> %g",
                after + lastTotal_, lastTotal_, after);
  return buffer;
}

}  // namespace lbsim::models::balancing
