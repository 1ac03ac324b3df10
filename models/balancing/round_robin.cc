#include "models/balancing/round_robin.h"

#include <cassert>
#include <cstdio>
#include <limits>

namespace lbsim::models::balancing {

std::uint32_t smoothWeightedPick(std::span<double> currentWeights,
                                 std::span<const TargetState> targets,
                                 std::span<const std::uint32_t> candidates, double* totalOut) {
  assert(!candidates.empty());
  double total = 0.0;
  std::uint32_t best = kNone;
  // The best value is kept in a register rather than read back from the array: the same
  // picks, without a load that waits on the store before it.
  double bestValue = -std::numeric_limits<double>::infinity();
  for (const std::uint32_t i : candidates) {
    const double weight = targets[i].weight;
    const double current = currentWeights[i] + weight;
    currentWeights[i] = current;
    total += weight;
    if (best == kNone || current > bestValue) {
      best = i;
      bestValue = current;
    }
  }
  currentWeights[best] -= total;
  if (totalOut != nullptr) *totalOut = total;
  return best;
}

RoundRobin::RoundRobin(const PolicyContext& context) : currentWeights_(context.targetCount, 0.0) {}

bool RoundRobin::sameSet(const PickInput& in) const {
  return in.candidateSignature != 0 && in.candidateSignature == rotation_.signature &&
         in.candidates.size() == rotation_.n && in.candidates.front() == rotation_.first &&
         in.candidates.back() == rotation_.lastCandidate;
}

// Whether the current weights of the candidates are a rotation's state, and which.
void RoundRobin::tryRotation(const PickInput& in) {
  const std::size_t n = in.candidates.size();
  const double w = in.targets[in.candidates.front()].weight;
  if (!(w >= 1.0 && w <= 1e6 && w == static_cast<double>(static_cast<std::int64_t>(w))) ||
      n > (std::size_t{1} << 20)) {
    return;
  }
  for (const std::uint32_t c : in.candidates) {
    if (in.targets[c].weight != w) return;
  }
  // r is where the value first changes (0 when all are equal, which must then be 0).
  std::size_t r = 0;
  const double v0 = currentWeights_[in.candidates.front()];
  for (std::size_t j = 1; j < n && r == 0; ++j) {
    if (currentWeights_[in.candidates[j]] != v0) r = j;
  }
  const double low = (static_cast<double>(r) - static_cast<double>(n)) * w;
  const double high = static_cast<double>(r) * w;
  for (std::size_t j = 0; j < n; ++j) {
    if (currentWeights_[in.candidates[j]] != (j < r ? low : high)) return;
  }
  rotation_ = {true, in.candidateSignature, n, in.candidates.front(), in.candidates.back(), r, w};
  rotationCandidates_.assign(in.candidates.begin(), in.candidates.end());
}

void RoundRobin::writeBack(std::span<const std::uint32_t> candidates) {
  for (std::size_t j = 0; j < candidates.size(); ++j) {
    currentWeights_[candidates[j]] = currentWeight(candidates[j]);
  }
}

double RoundRobin::currentWeight(std::uint32_t target) const {
  if (!rotation_.on) return currentWeights_[target];
  for (std::size_t j = 0; j < rotationCandidates_.size(); ++j) {
    if (rotationCandidates_[j] != target) continue;
    const double r = static_cast<double>(rotation_.r);
    const double n = static_cast<double>(rotation_.n);
    return j < rotation_.r ? (r - n) * rotation_.weight : r * rotation_.weight;
  }
  return currentWeights_[target];
}

Pick RoundRobin::pick(const PickInput& in) {
  if (rotation_.on) {
    if (sameSet(in)) {
      last_ = in.candidates[rotation_.r];
      if (++rotation_.r == rotation_.n) rotation_.r = 0;
      return {last_};
    }
    writeBack(rotationCandidates_);
    rotation_.on = false;
  }
  if (currentWeights_.size() < in.targets.size()) currentWeights_.resize(in.targets.size(), 0.0);
  last_ = smoothWeightedPick(currentWeights_, in.targets, in.candidates, &lastTotal_);
  // Look for a rotation when the candidate set changes, and now and then in case a set
  // left out of step (by a retry's pick over fewer candidates) has come back into one.
  if (in.candidateSignature != 0 &&
      (in.candidateSignature != lastFailedSignature_ || ++slowPicks_ % 256 == 0)) {
    tryRotation(in);
    if (!rotation_.on) lastFailedSignature_ = in.candidateSignature;
  }
  return {last_};
}

std::string RoundRobin::explainLastPick() const {
  if (last_ == kNone) return {};
  const double after = currentWeight(last_);
  char buffer[160];
  std::snprintf(buffer, sizeof buffer,
                "largest current weight (%g) after each added its weight; minus total %g -> %g",
                after + lastTotal_, lastTotal_, after);
  return buffer;
}

}  // namespace lbsim::models::balancing
