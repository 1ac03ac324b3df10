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
  // Equal whole-number weights make smooth weighted round robin a rotation: before a pick
  // the candidates at positions j < r hold (r - n) w and the others r w, the pick takes
  // position r and the state becomes r + 1 (mod n). While the candidate set stays the same
  // the policy only advances r, and writes the current weights back, exactly as the full
  // steps would have left them, when the set changes. (Whole numbers below 2^40 keep every
  // sum exact, so the two ways agree to the bit.)
  struct Rotation {
    bool on = false;
    std::uint64_t signature = 0;
    std::size_t n = 0;
    std::uint32_t first = 0;  // the first and last candidates, checked with the signature
    std::uint32_t lastCandidate = 0;
    std::size_t r = 0;
    double weight = 0.0;
  };
  bool sameSet(const PickInput& in) const;
  void tryRotation(const PickInput& in);
  void writeBack(std::span<const std::uint32_t> candidates);
  double currentWeight(std::uint32_t target) const;

  std::vector<double> currentWeights_;
  std::uint32_t last_ = kNone;
  double lastTotal_ = 0.0;
  Rotation rotation_;
  std::vector<std::uint32_t> rotationCandidates_;  // the set the rotation runs over
  std::uint64_t lastFailedSignature_ = 0;
  std::uint64_t slowPicks_ = 0;
};

}  // namespace lbsim::models::balancing
