#include "models/balancing/random_choice.h"

#include <cassert>
#include <stdexcept>

namespace lbsim::models::balancing {

std::uint32_t weightedRandomPick(core::RandomStream& rng, std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates) {
  assert(!candidates.empty());
  double total = 0.0;
  for (const std::uint32_t i : candidates)
    total += targets[i].weight;
  double x = rng.uniform01() * total;
  for (const std::uint32_t i : candidates) {
    x -= targets[i].weight;
    if (x < 0.0) return i;
  }
  return candidates.back();  // x within rounding of total
}

RandomChoice::RandomChoice(const PolicyContext& context) : rng_(context.rng) {
  if (rng_ == nullptr) throw std::invalid_argument("random policy needs a random stream");
}

Pick RandomChoice::pick(const PickInput& in) {
  return {weightedRandomPick(*rng_, in.targets, in.candidates)};
}

}  // namespace lbsim::models::balancing
