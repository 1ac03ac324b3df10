#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/balancing/envoy_hash_policy.h"
#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// Envoy's default table size, the one the Maglev paper recommends (section 5.3), and the
// largest Envoy accepts (maglev.proto: "must be prime number limited to 5000011").
inline constexpr std::uint64_t kDefaultMaglevTableSize = 65537;
inline constexpr std::uint64_t kMaglevTableSizeLimit = 5000011;

bool isPrime(std::uint64_t n);

// Envoy's Maglev table (MaglevTable::constructMaglevTableInternal with the original
// table), the Maglev paper's "pseudocode listing 1" (Eisenbud et al., NSDI 2016, section
// 3.4) with weights. Targets are taken in the order of their names, so the table does not
// depend on the order they are listed in. Target t prefers the slots
//   (offset_t + skip_t * j) mod M,  j = 0, 1, ...,
//   offset_t = xxHash64(name_t, seed 0) mod M,  skip_t = xxHash64(name_t, seed 1) mod (M - 1) + 1,
// and, round after round, each target whose turn it is takes its next preferred free slot
// until all M slots are taken. With normalized weights w_t and W = max w_t, target t has a
// turn in round r while r * w_t >= (turns taken so far) * W: the heaviest target every
// round, one of a third of its weight every third round. With equal weights every target
// owns floor(M/N) or ceil(M/N) slots. Each slot holds an index into `names`; `tableSize` is
// prime (so every skip walks all slots).
std::vector<std::uint32_t> buildMaglevTable(std::span<const std::string> names,
                                            std::span<const double> weights,
                                            std::uint64_t tableSize);

// Envoy Maglev (load_balancing_policies/maglev): the request's hash (`key`: client address
// or session cookie, as Envoy's hash_policy) indexes the table built over the candidates,
// slot = hash mod table_size. A lookup is one array read, and shares are near exact; when
// a target leaves, its slots go to the others and a few more slots change hands than a
// ring would move (the paper's "minimal disruption", not none). The table is rebuilt when
// the candidates change.
class Maglev final : public BalancingPolicy {
 public:
  explicit Maglev(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  core::RandomStream* rng_;
  std::uint64_t tableSize_;
  HashKey key_;
  std::vector<std::string> names_;
  RecentTables<std::vector<std::uint32_t>> tables_;
  std::vector<std::string> candidateNames_;
  std::vector<double> candidateWeights_;
  HashKeyText lastText_{};
  std::size_t lastTextSize_ = 0;
  bool lastHadRequest_ = false;
  std::uint64_t lastHash_ = 0;
  std::uint64_t lastSlot_ = 0;
  std::uint32_t last_ = kNone;
};

// The registry entry: name `maglev`, options table_size and key.
PolicyInfo maglevPolicyInfo();

}  // namespace lbsim::models::balancing
