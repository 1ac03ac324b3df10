#include "models/balancing/balancer.h"

#include <cassert>

namespace lbsim::models::balancing {

Balancer::Balancer(std::unique_ptr<BalancingPolicy> policy, std::vector<TargetState> targets)
    : policy_(std::move(policy)), targets_(std::move(targets)) {
  candidates_.reserve(targets_.size());
}

std::uint32_t Balancer::choose(const Request& request) {
  candidates_.clear();
  for (std::uint32_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].available && !targets_[i].backup) candidates_.push_back(i);
  }
  if (candidates_.empty()) {
    for (std::uint32_t i = 0; i < targets_.size(); ++i) {
      if (targets_[i].available && targets_[i].backup) candidates_.push_back(i);
    }
  }
  if (candidates_.empty()) return kNone;
  const Pick pick = policy_->pick(targets_, candidates_, request);
  assert(pick.target < targets_.size() && targets_[pick.target].available);
  ++targets_[pick.target].active;
  return pick.target;
}

void Balancer::finished(std::uint32_t target, double latency) {
  assert(targets_[target].active > 0);
  --targets_[target].active;
  policy_->onFinished(target, latency);
}

}  // namespace lbsim::models::balancing
