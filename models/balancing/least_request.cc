#include "models/balancing/least_request.h"

#include <cassert>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::balancing {

std::uint32_t powerOfChoicesPick(std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates,
                                 std::uint32_t choiceCount, core::RandomStream& rng) {
  assert(!candidates.empty() && choiceCount >= 1);
  std::uint32_t best = kNone;
  for (std::uint32_t c = 0; c < choiceCount; ++c) {
    const std::uint32_t sampled = candidates[rng.below(candidates.size())];
    if (best == kNone || targets[sampled].active < targets[best].active) best = sampled;
  }
  return best;
}

double leastRequestWeight(const TargetState& target, double activeRequestBias) {
  const double active = static_cast<double>(target.active) + 1.0;
  if (activeRequestBias == 1.0) return target.weight / active;
  if (activeRequestBias == 0.0) return target.weight;
  return target.weight / std::pow(active, activeRequestBias);
}

void EdfSchedule::clear() {
  entries_.clear();
  now_ = 0.0;
  order_ = 0;
}

void EdfSchedule::add(std::uint32_t target, double weight) {
  entries_.push_back({now_ + 1.0 / weight, order_++, target});
}

// A linear scan: pools are small and the entry's weight changes at every pick, which a
// heap would have to re-sift anyway.
std::size_t EdfSchedule::earliest() const {
  assert(!entries_.empty());
  std::size_t best = 0;
  for (std::size_t i = 1; i < entries_.size(); ++i) {
    const Entry& a = entries_[i];
    const Entry& b = entries_[best];
    if (a.deadline < b.deadline || (a.deadline == b.deadline && a.order < b.order)) best = i;
  }
  return best;
}

LeastRequest::LeastRequest(const PolicyContext& context)
    : rng_(context.rng),
      choiceCount_(static_cast<std::uint32_t>(context.options.number("choice_count", 2))),
      activeRequestBias_(context.options.number("active_request_bias", 1.0)) {
  if (rng_ == nullptr) throw std::invalid_argument("least_request needs a random stream");
  const double choices = context.options.number("choice_count", 2);
  if (choices < 2 || choices != std::floor(choices) || choices > 1000) {
    throw std::invalid_argument(
        "choice_count must be a whole number from 2 to 1000 (Envoy's "
        "minimum is 2); allowed: 2, 3, ...");
  }
  if (!(activeRequestBias_ >= 0.0) || !std::isfinite(activeRequestBias_)) {
    throw std::invalid_argument(
        "active_request_bias must be zero or positive; allowed: 0 (plain "
        "weighted round robin) to any positive number, default 1");
  }
}

Pick LeastRequest::pick(const PickInput& in) {
  // Envoy decides between the two modes from the configured weights of the hosts.
  bool weighted = false;
  for (const std::uint32_t i : in.candidates) {
    if (in.targets[i].weight != in.targets[in.candidates[0]].weight) weighted = true;
  }
  weighted_ = weighted;
  if (!weighted) {
    last_ = powerOfChoicesPick(in.targets, in.candidates, choiceCount_, *rng_);
    return {last_};
  }
  if (schedule_.empty() || scheduleSignature_ != in.candidateSignature) {
    schedule_.clear();
    for (const std::uint32_t i : in.candidates) {
      schedule_.add(i, leastRequestWeight(in.targets[i], activeRequestBias_));
    }
    scheduleSignature_ = in.candidateSignature;
  }
  last_ = schedule_.pickAndAdd([&](std::uint32_t t) {
    // The picked target's request is about to be added: Envoy computes its weight after
    // the pick, before the request counts as active, as here.
    return leastRequestWeight(in.targets[t], activeRequestBias_);
  });
  return {last_};
}

std::string LeastRequest::explainLastPick() const {
  if (last_ == kNone) return {};
  return weighted_
             ? "earliest deadline in the weighted schedule (weight / (active + 1)^bias)"
             : "fewest active requests of " + std::to_string(choiceCount_) + " random choices";
}

}  // namespace lbsim::models::balancing
