#include "models/balancing/ring_hash.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "models/balancing/xxhash64.h"

namespace lbsim::models::balancing {

std::vector<RingEntry> buildHashRing(std::span<const std::string> names,
                                     std::span<const double> weights, std::uint64_t minimumRingSize,
                                     std::uint64_t maximumRingSize) {
  assert(names.size() == weights.size());
  std::vector<RingEntry> ring;
  if (names.empty()) return ring;

  // Envoy normalizes as weight * 1.0 / sum; the same operations give the same doubles.
  double sum = 0.0;
  for (const double w : weights)
    sum += w;
  double minWeight = 1.0;
  for (const double w : weights)
    minWeight = std::min(minWeight, w * 1.0 / sum);

  const double scale =
      std::min(std::ceil(minWeight * static_cast<double>(minimumRingSize)) / minWeight,
               static_cast<double>(maximumRingSize));
  ring.reserve(static_cast<std::size_t>(std::ceil(scale)));

  std::string key;
  double placed = 0.0;
  double wanted = 0.0;
  for (std::size_t t = 0; t < names.size(); ++t) {
    wanted += scale * (weights[t] * 1.0 / sum);
    for (std::uint64_t i = 0; placed < wanted; ++i, ++placed) {
      key.assign(names[t]);
      key += '_';
      key += std::to_string(i);
      ring.push_back({xxHash64(key), static_cast<std::uint32_t>(t)});
    }
  }
  std::stable_sort(ring.begin(), ring.end(),
                   [](const RingEntry& a, const RingEntry& b) { return a.hash < b.hash; });
  return ring;
}

std::size_t ringPositionFor(std::span<const RingEntry> ring, std::uint64_t hash) {
  assert(!ring.empty());
  const auto it = std::lower_bound(ring.begin(), ring.end(), hash,
                                   [](const RingEntry& e, std::uint64_t h) { return e.hash < h; });
  return it == ring.end() ? 0 : static_cast<std::size_t>(it - ring.begin());
}

RingHash::RingHash(const PolicyContext& context)
    : rng_(context.rng),
      minimumRingSize_(wholeNumberOption(context.options, "ring_hash", "minimum_ring_size",
                                         kDefaultMinimumRingSize, 1, kRingSizeLimit)),
      maximumRingSize_(wholeNumberOption(context.options, "ring_hash", "maximum_ring_size",
                                         kDefaultMaximumRingSize, 1, kRingSizeLimit)),
      key_(parseHashKey("ring_hash", context.options.text("key", "client"))),
      names_(hashedTargetNames(context)) {
  if (minimumRingSize_ > maximumRingSize_) {
    throw std::invalid_argument(
        "ring_hash minimum_ring_size (" + std::to_string(minimumRingSize_) +
        ") > maximum_ring_size (" + std::to_string(maximumRingSize_) +
        "); allowed: minimum_ring_size <= maximum_ring_size (defaults 1024 and 8388608)");
  }
}

Pick RingHash::pick(const PickInput& in) {
  assert(!in.candidates.empty());
  const std::vector<RingEntry>& ring = rings_.get(in.candidateSignature, [&](auto& table) {
    candidateNames_.clear();
    candidateWeights_.clear();
    for (const std::uint32_t i : in.candidates) {
      candidateNames_.push_back(i < names_.size() ? names_[i] : "target-" + std::to_string(i));
      candidateWeights_.push_back(in.targets[i].weight);
    }
    table = buildHashRing(candidateNames_, candidateWeights_, minimumRingSize_, maximumRingSize_);
    for (RingEntry& e : table)
      e.target = in.candidates[e.target];
  });

  // Envoy picks at random when the request gives no hash; every simulated request has one.
  lastHadRequest_ = in.request != nullptr;
  if (lastHadRequest_) {
    std::string_view text;
    lastHash_ = requestHash(*in.request, key_, lastText_, &text);
    lastTextSize_ = text.size();
  } else {
    lastHash_ = rng_ != nullptr ? rng_->nextU64() : 0;
  }
  lastEntry_ = ring[ringPositionFor(ring, lastHash_)];
  lastRingSize_ = ring.size();
  last_ = lastEntry_.target;
  return {last_};
}

std::string RingHash::explainLastPick() const {
  if (last_ == kNone) return {};
  char hex[2][19];
  std::snprintf(hex[0], sizeof hex[0], "%016llx", static_cast<unsigned long long>(lastHash_));
  std::snprintf(hex[1], sizeof hex[1], "%016llx", static_cast<unsigned long long>(lastEntry_.hash));
  const std::string source = lastHadRequest_ ? std::string(hashKeyName(key_)) + " " +
                                                   std::string(lastText_.data(), lastTextSize_)
                                             : std::string("a random number (no request)");
  const std::string name = last_ < names_.size() ? names_[last_] : std::to_string(last_);
  return "hash 0x" + std::string(hex[0]) + " of " + source + " → ring entry 0x" + hex[1] + " of " +
         name + " (the first of the ring's " + std::to_string(lastRingSize_) +
         " entries at or after the hash)";
}

PolicyInfo ringHashPolicyInfo() {
  return {"ring_hash",
          "Envoy RING_HASH: ketama ring of xxHash64 points, as many per target as its weight "
          "share; a request goes to the first point at or after its hash",
          {{"minimum_ring_size", OptionKind::kNumber,
            "fewest points on the ring, 1 to 8388608 (default 1024)"},
           {"maximum_ring_size", OptionKind::kNumber,
            "most points on the ring, 1 to 8388608 (default 8388608)"},
           hashKeyOptionSpec()},
          [](const PolicyContext& c) { return std::make_unique<RingHash>(c); }};
}

}  // namespace lbsim::models::balancing
