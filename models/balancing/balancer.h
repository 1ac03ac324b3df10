#pragma once

#include <cassert>
#include <memory>
#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// A balancer over a fixed set of targets: it keeps their state (weights, active requests,
// availability), computes the candidates as nginx and HAProxy do — the available
// primaries, or the available backups when no primary is available — and asks its
// policy to pick one. It knows no policy by name.
class Balancer {
 public:
  Balancer(std::unique_ptr<BalancingPolicy> policy, std::vector<TargetState> targets);

  // The chosen target, or kNone when no target is available. The chosen target's active
  // count is incremented; call `finished` when the request leaves it.
  std::uint32_t choose(const Request& request);
  void finished(std::uint32_t target, double latency);
  // A request sent to `target` without a pick (a database write to its primary).
  void assign(std::uint32_t target) { ++targets_[target].active; }
  // The request sent to `target` was refused there (its queue was full): it no longer
  // counts as active, and the policy learns no latency from it.
  void refused(std::uint32_t target) {
    assert(targets_[target].active > 0);
    --targets_[target].active;
  }

  void setAvailable(std::uint32_t target, bool available) {
    targets_[target].available = available;
  }
  std::span<const TargetState> targets() const { return targets_; }
  std::size_t size() const { return targets_.size(); }
  BalancingPolicy& policy() { return *policy_; }

 private:
  std::unique_ptr<BalancingPolicy> policy_;
  std::vector<TargetState> targets_;
  std::vector<std::uint32_t> candidates_;  // scratch, sized once
};

}  // namespace lbsim::models::balancing
