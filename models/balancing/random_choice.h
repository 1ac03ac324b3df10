#pragma once

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// Picks a candidate at random with probability proportional to its weight (nginx
// `random` without `two`; uniform when weights are equal). Uses its injected stream only.
std::uint32_t weightedRandomPick(core::RandomStream& rng, std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates);

class RandomChoice final : public BalancingPolicy {
 public:
  explicit RandomChoice(const PolicyContext& context);
  Pick pick(const PickInput& input) override;

 private:
  core::RandomStream* rng_;
};

}  // namespace lbsim::models::balancing
