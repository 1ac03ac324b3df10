#include "models/balancing/peak_ewma.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace lbsim::models::balancing {

void PeakEwmaEstimate::observe(double now, double latency, double decayTime) {
  if (latency > estimate_) {
    estimate_ = latency;
  } else {
    const double w = std::exp(-(now - stamp_) / decayTime);
    estimate_ = estimate_ * w + latency * (1.0 - w);
  }
  stamp_ = now;
}

double PeakEwmaEstimate::at(double now, double decayTime) const {
  return estimate_ * std::exp(-(now - stamp_) / decayTime);
}

PeakEwma::PeakEwma(const PolicyContext& context)
    : rng_(context.rng),
      clock_(context.clock),
      decayTime_(context.options.number("decay_time", 10.0)) {
  if (rng_ == nullptr || clock_ == nullptr) {
    throw std::invalid_argument("peak_ewma needs a random stream and a clock");
  }
  if (!(decayTime_ > 0.0)) {
    throw std::invalid_argument("decay_time must be positive; allowed: a duration such as 10s");
  }
  const double initial = context.options.number("default_rtt", 0.030);
  if (!(initial >= 0.0)) {
    throw std::invalid_argument(
        "default_rtt must not be negative; allowed: a duration such as 30ms");
  }
  estimates_.assign(context.targetCount, PeakEwmaEstimate(initial));
}

double PeakEwma::cost(const TargetState& target, std::uint32_t index) const {
  return estimates_[index].at(clock_->now(), decayTime_) *
         (static_cast<double>(target.active) + 1.0);
}

Pick PeakEwma::pick(const PickInput& in) {
  if (estimates_.size() < in.targets.size()) estimates_.resize(in.targets.size());
  const std::size_t n = in.candidates.size();
  if (n == 1) {
    last_ = in.candidates[0];
    lastPair_[0] = lastPair_[1] = last_;
    return {last_};
  }
  // Two distinct candidates, uniformly.
  const std::size_t a = rng_->below(n);
  std::size_t b = rng_->below(n - 1);
  if (b >= a) ++b;
  lastPair_[0] = in.candidates[a];
  lastPair_[1] = in.candidates[b];
  lastCosts_[0] = cost(in.targets[lastPair_[0]], lastPair_[0]);
  lastCosts_[1] = cost(in.targets[lastPair_[1]], lastPair_[1]);
  last_ = lastCosts_[0] <= lastCosts_[1] ? lastPair_[0] : lastPair_[1];
  return {last_};
}

void PeakEwma::onFinished(std::uint32_t target, double latency) {
  if (target < estimates_.size()) estimates_[target].observe(clock_->now(), latency, decayTime_);
}

std::string PeakEwma::explainLastPick() const {
  if (last_ == kNone) return {};
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "lower cost of two random targets (%.4g vs %.4g)",
                lastCosts_[0], lastCosts_[1]);
  return buffer;
}

}  // namespace lbsim::models::balancing
