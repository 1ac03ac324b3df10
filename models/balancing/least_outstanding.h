#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// AWS ALB `least_outstanding_requests`: the target with the fewest requests in flight
// from this load balancer. ALB target groups have no per-target weights, so weights are
// not used. AWS does not document how ties are broken; they are broken uniformly at
// random here, so that idle targets share the load evenly instead of the first one
// taking every request.
std::uint32_t leastOutstandingPick(std::span<const TargetState> targets,
                                   std::span<const std::uint32_t> candidates,
                                   core::RandomStream& rng, std::uint32_t* tiedCount = nullptr);

class LeastOutstanding final : public BalancingPolicy {
 public:
  explicit LeastOutstanding(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  core::RandomStream* rng_;
  std::uint32_t lastActive_ = 0;
  std::uint32_t lastTied_ = 0;
};

}  // namespace lbsim::models::balancing
