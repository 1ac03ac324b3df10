#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/balancing/envoy_hash_policy.h"
#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// One point of a hash ring: a hash and the target that owns it.
struct RingEntry {
  std::uint64_t hash = 0;
  std::uint32_t target = 0;
};

// Envoy's defaults and limits (ring_hash.proto: "Defaults to 1024 entries, and limited to
// 8M entries"; maximum "Defaults to 8M entries").
inline constexpr std::uint64_t kDefaultMinimumRingSize = 1024;
inline constexpr std::uint64_t kDefaultMaximumRingSize = 8388608;
inline constexpr std::uint64_t kRingSizeLimit = 8388608;

// Envoy's ring (RingHashLoadBalancer::Ring). Weights are normalized to sum to 1; the
// scale is the smallest that gives the lightest target a whole number of points with at
// least `minimumRingSize` points in all, capped at `maximumRingSize`:
//   scale = min(ceil(minWeight * minimumRingSize) / minWeight, maximumRingSize).
// Walking the targets in the given order with running sums, target k gets points while
// points placed so far < scale * (w_1 + ... + w_k), so fractional shares are carried
// over rather than rounded per target. Point i of a target is xxHash64("<name>_<i>"), seed
// 0 (Envoy hashes the host's address string). The ring is sorted by hash; `target` of an
// entry is the index into `names`. Equal hashes keep their insertion order.
std::vector<RingEntry> buildHashRing(std::span<const std::string> names,
                                     std::span<const double> weights, std::uint64_t minimumRingSize,
                                     std::uint64_t maximumRingSize);

// The position of the entry a hash goes to: the first entry whose hash is >= `hash`,
// wrapping to the first entry past the last (Envoy's ketama binary search, which is this
// lower bound). `ring` is sorted and non-empty.
std::size_t ringPositionFor(std::span<const RingEntry> ring, std::uint64_t hash);

// Envoy `RING_HASH` (load_balancing_policies/ring_hash) with hash_function XX_HASH: a
// ketama ring over the candidates, points in proportion to weight (buildHashRing); a
// request goes to the first point at or after its hash (`key`: client address or session
// cookie, as Envoy's hash_policy). When a target leaves, only the keys on its points move,
// each to the next point of a surviving target. The ring is rebuilt when the candidates
// change.
class RingHash final : public BalancingPolicy {
 public:
  explicit RingHash(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  core::RandomStream* rng_;
  std::uint64_t minimumRingSize_;
  std::uint64_t maximumRingSize_;
  HashKey key_;
  std::vector<std::string> names_;
  RecentTables<std::vector<RingEntry>> rings_;
  // Scratch for rebuilding, kept to avoid reallocating.
  std::vector<std::string> candidateNames_;
  std::vector<double> candidateWeights_;
  // The last pick, for explainLastPick.
  HashKeyText lastText_{};
  std::size_t lastTextSize_ = 0;
  bool lastHadRequest_ = false;
  std::uint64_t lastHash_ = 0;
  RingEntry lastEntry_;
  std::size_t lastRingSize_ = 0;
  std::uint32_t last_ = kNone;
};

// The registry entry: name `ring_hash`, options minimum_ring_size, maximum_ring_size, key.
PolicyInfo ringHashPolicyInfo();

}  // namespace lbsim::models::balancing
