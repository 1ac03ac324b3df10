#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// Envoy `LEAST_REQUEST`. When all candidates have the same weight it is the power of d
// choices: `choice_count` targets sampled at random with replacement; the first sample is
// kept unless a later one has strictly fewer active requests. When weights differ, Envoy
// switches to an earliest-deadline-first weighted round robin whose weights follow the
// load at the moment of each pick: weight / (active + 1)^active_request_bias, the picked
// target going back into the schedule at deadline + 1 / its current weight.
std::uint32_t powerOfChoicesPick(std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates,
                                 std::uint32_t choiceCount, core::RandomStream& rng);

// Envoy's effective weight of a target in the weighted mode.
double leastRequestWeight(const TargetState& target, double activeRequestBias);

// Envoy's EDF scheduler: each entry's deadline is the time of its last pick plus 1/weight;
// the smallest deadline is picked, ties in insertion order.
class EdfSchedule {
 public:
  void clear();
  void add(std::uint32_t target, double weight);
  // Pops the earliest entry and puts it back with `weightNow` (the weight it has now).
  template <typename WeightOf>
  std::uint32_t pickAndAdd(WeightOf weightNow) {
    const std::size_t best = earliest();
    const Entry e = entries_[best];
    now_ = e.deadline;
    entries_[best] = {now_ + 1.0 / weightNow(e.target), order_++, e.target};
    return e.target;
  }
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    double deadline;
    std::uint64_t order;
    std::uint32_t target;
  };
  std::size_t earliest() const;
  std::vector<Entry> entries_;
  double now_ = 0.0;
  std::uint64_t order_ = 0;
};

class LeastRequest final : public BalancingPolicy {
 public:
  explicit LeastRequest(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  core::RandomStream* rng_;
  std::uint32_t choiceCount_;
  double activeRequestBias_;
  EdfSchedule schedule_;
  std::uint64_t scheduleSignature_ = 0;
  bool weighted_ = false;
  std::uint32_t last_ = kNone;
};

}  // namespace lbsim::models::balancing
