#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// A peak-sensitive moving average of response time (Finagle's and Linkerd's PeakEwma).
// A response slower than the estimate replaces it at once (the peak); a faster one pulls
// it down with weight 1 - exp(-elapsed / decay). Between responses the estimate decays
// towards zero, so an idle target looks cheap again after a few decay times.
class PeakEwmaEstimate {
 public:
  explicit PeakEwmaEstimate(double initial = 0.0) : estimate_(initial) {}
  void observe(double now, double latency, double decayTime);
  // The estimate decayed to `now` (does not change the state).
  double at(double now, double decayTime) const;

 private:
  double estimate_;
  double stamp_ = 0.0;
};

// Peak EWMA balancing (Finagle `p2cPeakEwma`, Linkerd): two distinct targets sampled at
// random; the one with the lower cost = estimate x (active + 1) wins, the first on a tie.
class PeakEwma final : public BalancingPolicy {
 public:
  explicit PeakEwma(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  void onFinished(std::uint32_t target, double latency) override;
  std::string explainLastPick() const override;

  double cost(const TargetState& target, std::uint32_t index) const;

 private:
  core::RandomStream* rng_;
  const core::Clock* clock_;
  double decayTime_;
  std::vector<PeakEwmaEstimate> estimates_;
  double lastCosts_[2] = {0, 0};
  std::uint32_t lastPair_[2] = {kNone, kNone};
  std::uint32_t last_ = kNone;
};

}  // namespace lbsim::models::balancing
