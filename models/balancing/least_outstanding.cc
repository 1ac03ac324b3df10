#include "models/balancing/least_outstanding.h"

#include <cassert>
#include <stdexcept>

namespace lbsim::models::balancing {

std::uint32_t leastOutstandingPick(std::span<const TargetState> targets,
                                   std::span<const std::uint32_t> candidates,
                                   core::RandomStream& rng, std::uint32_t* tiedCount) {
  assert(!candidates.empty());
  std::uint32_t least = targets[candidates[0]].active;
  std::uint32_t tied = 0;
  for (const std::uint32_t i : candidates) {
    if (targets[i].active < least) {
      least = targets[i].active;
      tied = 1;
    } else if (targets[i].active == least) {
      ++tied;
    }
  }
  if (tiedCount != nullptr) *tiedCount = tied;
  // The k-th of the tied targets, k uniform: one draw whatever the number of ties.
  std::uint64_t k = tied > 1 ? rng.below(tied) : 0;
  for (const std::uint32_t i : candidates) {
    if (targets[i].active == least && k-- == 0) return i;
  }
  return candidates[0];  // unreachable
}

LeastOutstanding::LeastOutstanding(const PolicyContext& context) : rng_(context.rng) {
  if (rng_ == nullptr)
    throw std::invalid_argument("least_outstanding_requests needs a random stream");
}

Pick LeastOutstanding::pick(const PickInput& in) {
  const std::uint32_t t = leastOutstandingPick(in.targets, in.candidates, *rng_, &lastTied_);
  lastActive_ = in.targets[t].active;
  return {t};
}

std::string LeastOutstanding::explainLastPick() const {
  return "fewest outstanding requests (" + std::to_string(lastActive_) + ")" +
         (lastTied_ > 1 ? ", chosen at random among " + std::to_string(lastTied_) + " tied"
                        : std::string());
}

}  // namespace lbsim::models::balancing
