#include "models/balancing/maglev.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "models/balancing/xxhash64.h"

namespace lbsim::models::balancing {

bool isPrime(std::uint64_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (std::uint64_t d = 3; d * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

std::vector<std::uint32_t> buildMaglevTable(std::span<const std::string> names,
                                            std::span<const double> weights,
                                            std::uint64_t tableSize) {
  assert(names.size() == weights.size() && tableSize >= 2);
  std::vector<std::uint32_t> table;
  if (names.empty()) return table;

  struct Builder {
    std::uint32_t target;
    std::uint64_t offset;
    std::uint64_t skip;
    double weight;
    double turnsTaken = 0.0;  // Envoy's target_weight_: turns so far times the top weight
    std::uint64_t next = 0;
  };

  double sum = 0.0;
  for (const double w : weights)
    sum += w;
  double maxWeight = 0.0;
  std::vector<std::uint32_t> order(names.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return names[a] < names[b]; });
  std::vector<Builder> builders;
  builders.reserve(names.size());
  for (const std::uint32_t t : order) {
    const double w = weights[t] * 1.0 / sum;
    maxWeight = std::max(maxWeight, w);
    builders.push_back(
        {t, xxHash64(names[t], 0) % tableSize, xxHash64(names[t], 1) % (tableSize - 1) + 1, w});
  }

  table.assign(tableSize, kNone);
  std::uint64_t filled = 0;
  for (std::uint32_t round = 1; filled < tableSize; ++round) {
    for (std::size_t k = 0; k < builders.size() && filled < tableSize; ++k) {
      Builder& b = builders[k];
      if (static_cast<double>(round) * b.weight < b.turnsTaken) continue;
      b.turnsTaken += maxWeight;
      std::uint64_t slot = (b.offset + b.skip * b.next) % tableSize;
      while (table[slot] != kNone) {
        ++b.next;
        slot = (b.offset + b.skip * b.next) % tableSize;
      }
      table[slot] = b.target;
      ++b.next;
      ++filled;
    }
  }
  return table;
}

Maglev::Maglev(const PolicyContext& context)
    : rng_(context.rng),
      tableSize_(wholeNumberOption(context.options, "maglev", "table_size", kDefaultMaglevTableSize,
                                   2, kMaglevTableSizeLimit)),
      key_(parseHashKey("maglev", context.options.text("key", "client"))),
      names_(hashedTargetNames(context)) {
  if (!isPrime(tableSize_)) {
    throw std::invalid_argument("maglev table_size " + std::to_string(tableSize_) +
                                " is not prime; allowed: a prime number up to 5000011, such as "
                                "65537 (the default)");
  }
}

Pick Maglev::pick(const PickInput& in) {
  assert(!in.candidates.empty());
  const std::vector<std::uint32_t>& table = tables_.get(in.candidateSignature, [&](auto& t) {
    candidateNames_.clear();
    candidateWeights_.clear();
    for (const std::uint32_t i : in.candidates) {
      candidateNames_.push_back(i < names_.size() ? names_[i] : "target-" + std::to_string(i));
      candidateWeights_.push_back(in.targets[i].weight);
    }
    t = buildMaglevTable(candidateNames_, candidateWeights_, tableSize_);
    for (std::uint32_t& owner : t)
      owner = in.candidates[owner];
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
  lastSlot_ = lastHash_ % tableSize_;
  last_ = table[lastSlot_];
  return {last_};
}

std::string Maglev::explainLastPick() const {
  if (last_ == kNone) return {};
  char hex[19];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(lastHash_));
  const std::string source = lastHadRequest_ ? std::string(hashKeyName(key_)) + " " +
                                                   std::string(lastText_.data(), lastTextSize_)
                                             : std::string("a random number (no request)");
  const std::string name = last_ < names_.size() ? names_[last_] : std::to_string(last_);
  return "hash 0x" + std::string(hex) + " of " + source + " → Maglev slot " +
         std::to_string(lastSlot_) + " of " + std::to_string(tableSize_) + " owned by " + name;
}

PolicyInfo maglevPolicyInfo() {
  return {"maglev",
          "Envoy MAGLEV: Maglev lookup table of table_size slots shared out by weight; a "
          "request's hash picks a slot",
          {{"table_size", OptionKind::kNumber,
            "slots in the lookup table, a prime up to 5000011 (default 65537)"},
           hashKeyOptionSpec()},
          [](const PolicyContext& c) { return std::make_unique<Maglev>(c); }};
}

}  // namespace lbsim::models::balancing
