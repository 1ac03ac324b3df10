#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// nginx `least_conn` (ngx_http_upstream_get_least_conn_peer): the candidate with the
// fewest active requests per unit of weight wins, compared without division as
// conns_a * weight_b < conns_b * weight_a. When several share the least ratio, smooth
// weighted round robin picks among them (only the tied candidates' current weights move).
std::uint32_t leastConnPick(std::span<double> currentWeights, std::span<const TargetState> targets,
                            std::span<const std::uint32_t> candidates, bool* tied = nullptr);

class LeastConn final : public BalancingPolicy {
 public:
  explicit LeastConn(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  std::vector<double> currentWeights_;
  std::uint32_t last_ = kNone;
  bool lastTied_ = false;
};

}  // namespace lbsim::models::balancing
