#pragma once

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// HAProxy `balance first`: the first target (in declaration order, HAProxy's server id)
// that is below its maxconn takes the request, so load fills servers one after the other
// and the last ones can be switched off. Without maxconn the first server takes
// everything, as in HAProxy. The balancer already leaves full targets out of the
// candidates, so the pick is the lowest candidate.
class First final : public BalancingPolicy {
 public:
  explicit First(const PolicyContext&) {}
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  std::uint32_t last_ = kNone;
};

}  // namespace lbsim::models::balancing
