#include "models/balancing/least_conn.h"

#include <cassert>

namespace lbsim::models::balancing {

namespace {
double load(const TargetState& a, const TargetState& b) {
  // conns_a * weight_b: a's side of the cross-multiplied comparison of conns/weight.
  return static_cast<double>(a.active) * b.weight;
}
}  // namespace

std::uint32_t leastConnPick(std::span<double> currentWeights, std::span<const TargetState> targets,
                            std::span<const std::uint32_t> candidates, bool* tied) {
  assert(!candidates.empty());
  std::uint32_t best = kNone;
  std::size_t firstBest = 0;
  bool many = false;
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    const std::uint32_t i = candidates[k];
    if (best == kNone || load(targets[i], targets[best]) < load(targets[best], targets[i])) {
      best = i;
      firstBest = k;
      many = false;
    } else if (load(targets[i], targets[best]) == load(targets[best], targets[i])) {
      many = true;
    }
  }
  if (tied != nullptr) *tied = many;
  if (!many) return best;

  double total = 0.0;
  for (std::size_t k = firstBest; k < candidates.size(); ++k) {
    const std::uint32_t i = candidates[k];
    if (load(targets[i], targets[best]) != load(targets[best], targets[i])) continue;
    currentWeights[i] += targets[i].weight;
    total += targets[i].weight;
    if (currentWeights[i] > currentWeights[best]) best = i;
  }
  currentWeights[best] -= total;
  return best;
}

LeastConn::LeastConn(const PolicyContext& context) : currentWeights_(context.targetCount, 0.0) {}

Pick LeastConn::pick(const PickInput& in) {
  if (currentWeights_.size() < in.targets.size()) currentWeights_.resize(in.targets.size(), 0.0);
  last_ = leastConnPick(currentWeights_, in.targets, in.candidates, &lastTied_);
  return {last_};
}

std::string LeastConn::explainLastPick() const {
  if (last_ == kNone) return {};
  return lastTied_ ? "least active/weight, tie broken by smooth weighted round robin"
                   : "least active/weight";
}

}  // namespace lbsim::models::balancing
