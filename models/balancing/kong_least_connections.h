#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// Kong `least-connections` (kong/runloop/balancer/least_connections.lua): targets sit in a
// binary min-heap keyed by (connections + 1) / weight; the top of the heap takes the
// request, and every change of a target's connection count updates its key in place.
// The "+ 1" makes the heaviest target go first when all are idle (where nginx would tie
// and round-robin). Ties follow the heap's own order, as in Kong.
class KongLeastConnections final : public BalancingPolicy {
 public:
  explicit KongLeastConnections(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  void onFinished(std::uint32_t target, double latency) override;
  void onRefused(std::uint32_t target) override;
  std::string explainLastPick() const override;

 private:
  void rebuild(const PickInput& in);
  void update(std::uint32_t target, std::uint32_t connections);
  void siftUp(std::size_t i);
  void siftDown(std::size_t i);
  double score(std::uint32_t target) const {
    return (static_cast<double>(connections_[target]) + 1.0) / weights_[target];
  }

  std::vector<std::uint32_t> heap_;     // targets, heap-ordered by score
  std::vector<std::size_t> heapIndex_;  // target -> position in heap_, or kAbsent
  std::vector<std::uint32_t> connections_;
  std::vector<double> weights_;
  std::uint64_t signature_ = 0;
  bool built_ = false;
  std::uint32_t last_ = kNone;
};

}  // namespace lbsim::models::balancing
