#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// One step of nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every
// candidate's current weight grows by its weight, the candidate with the largest current
// weight wins (the first one on a tie) and loses the sum of the candidates' weights.
// Weights {5,1,1} give a a b a c a a: the heavy target is spread out, not bunched.
// `currentWeights` is indexed like the pool's targets; non-candidates are left as they are.
std::uint32_t smoothWeightedPick(std::span<double> currentWeights,
                                 std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates,
                                 double* totalOut = nullptr);

// nginx `round_robin` (the default of an upstream block) with `weight=`: smooth weighted
// round robin. With equal weights it is plain round robin in target order.
class RoundRobin final : public BalancingPolicy {
 public:
  explicit RoundRobin(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  std::vector<double> currentWeights_;
  std::uint32_t last_ = kNone;
  double lastTotal_ = 0.0;
};

}  // namespace lbsim::models::balancing
