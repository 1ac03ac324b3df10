#include "models/balancing/haproxy_source.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "models/balancing/ip_hash.h"
#include "models/balancing/round_robin.h"
#include "models/traffic/clients.h"

namespace lbsim::models::balancing {

namespace {
// BE_WEIGHT_SCALE: consistent hashing scales weights by 16 (lbprm.wdiv in lb_chash.c).
constexpr std::uint32_t kWeightScale = 16;
// SRV_EWGHT_RANGE = SRV_UWGHT_RANGE (256) * BE_WEIGHT_SCALE: the key space of one server id.
constexpr std::uint32_t kServerKeyRange = 256 * kWeightScale;
}  // namespace

std::uint32_t haproxyWeight(double weight) {
  return static_cast<std::uint32_t>(std::clamp(std::round(weight), 1.0, 256.0));
}

std::uint32_t sourceAddressHash(std::uint32_t address) {
  return address;
}

std::uint32_t haproxyFullHash(std::uint32_t a) {
  a = (a + 0x7ed55d16u) + (a << 12);
  a = (a ^ 0xc761c23cu) ^ (a >> 19);
  a = (a + 0x165667b1u) + (a << 5);
  a = (a + 0xd3a2646cu) ^ (a << 9);
  a = (a + 0xfd7046c5u) + (a << 3);
  a = (a ^ 0xb55a4f09u) ^ (a >> 16);
  return a * 3221225473u;
}

void buildServerMap(std::span<const std::uint32_t> weights, std::uint32_t total,
                    std::vector<std::uint32_t>& map) {
  map.assign(total, kNone);
  if (weights.empty()) return;
  std::vector<int> score(weights.size(), 0);
  const int tot = static_cast<int>(total);
  for (std::uint32_t slot = 0; slot < total; ++slot) {
    if (total == 1) {
      map[slot] = 0;
      break;
    }
    std::size_t best = 0;
    int max = 0;
    for (std::size_t s = 0; s < weights.size(); ++s) {
      score[s] += static_cast<int>(weights[s]);
      const int v = (score[s] + tot) / tot;
      if (s == 0 || v > max) {
        max = v;
        best = s;
      }
    }
    map[slot] = static_cast<std::uint32_t>(best);
    score[best] -= tot;
  }
}

void buildChtree(std::span<const std::uint32_t> puids, std::span<const std::uint32_t> weights,
                 std::vector<ChtreeNode>& tree) {
  assert(puids.size() == weights.size());
  tree.clear();
  for (std::uint32_t s = 0; s < puids.size(); ++s) {
    const std::uint32_t serverKey = puids[s] * kServerKeyRange;
    for (std::uint32_t j = 0; j < weights[s] * kWeightScale; ++j)
      tree.push_back({haproxyFullHash(serverKey + j), s});
  }
  std::stable_sort(tree.begin(), tree.end(),
                   [](const ChtreeNode& a, const ChtreeNode& b) { return a.key < b.key; });
}

std::size_t closestChtreeNode(std::span<const ChtreeNode> tree, std::uint32_t hash) {
  assert(!tree.empty());
  std::size_t next = static_cast<std::size_t>(
      std::lower_bound(tree.begin(), tree.end(), hash,
                       [](const ChtreeNode& n, std::uint32_t h) { return n.key < h; }) -
      tree.begin());
  if (next == tree.size()) next = 0;
  const std::size_t prev = next == 0 ? tree.size() - 1 : next - 1;
  const std::uint32_t dp = hash - tree[prev].key;  // unsigned: distances wrap like the ring
  const std::uint32_t dn = tree[next].key - hash;
  return dp <= dn ? prev : next;
}

HaproxySource::HaproxySource(const PolicyContext& context, HashType hashType, bool allBackups)
    : hashType_(hashType),
      allBackups_(allBackups),
      names_(context.targetNames),
      currentWeights_(context.targetCount, 0.0) {}

void HaproxySource::rebuild(const PickInput& in) {
  signature_ = in.candidateSignature;
  built_ = true;
  candidate_.assign(in.targets.size(), false);
  for (const std::uint32_t i : in.candidates)
    candidate_[i] = true;

  // The usable servers: the available primaries, else the available backups.
  bool anyPrimary = false;
  std::uint32_t gcd = 0;
  for (const TargetState& t : in.targets) {
    anyPrimary = anyPrimary || (t.available && !t.backup);
    gcd = std::gcd(gcd, haproxyWeight(t.weight));
  }
  // Map-based weights are divided by the GCD of every configured server's weight
  // (init_server_map); consistent hashing scales them by 16 instead (lb_chash.c).
  if (hashType_ == HashType::kConsistent || gcd == 0) gcd = 1;
  const bool backupMode = !anyPrimary;
  std::vector<std::uint32_t>& usable = scratchUsable_;
  std::vector<std::uint32_t>& weights = scratchWeights_;
  usable.clear();
  weights.clear();
  for (std::uint32_t i = 0; i < in.targets.size(); ++i) {
    const TargetState& t = in.targets[i];
    if (!t.available || t.backup != backupMode) continue;
    usable.push_back(i);
    weights.push_back(haproxyWeight(t.weight) / gcd);
  }
  if (haveTable_ && usable == usable_ && weights == weights_ && backupMode == backupMode_) {
    return;  // the same servers and weights: HAProxy's map or tree does not change
  }
  haveTable_ = true;
  usable_.swap(usable);
  weights_.swap(weights);
  backupMode_ = backupMode;
  const bool firstBackupOnly = backupMode_ && !allBackups_ && !usable_.empty();
  totalUsed_ = firstBackupOnly ? 1 : static_cast<std::uint32_t>(usable_.size());
  totalWeight_ =
      firstBackupOnly ? weights_.front() : std::accumulate(weights_.begin(), weights_.end(), 0u);
  map_.clear();
  tree_.clear();
  if (usable_.empty()) return;
  if (hashType_ == HashType::kMapBased) {
    buildServerMap(weights_, totalWeight_, map_);
  } else {
    puids_.clear();
    for (const std::uint32_t i : usable_)
      puids_.push_back(i + 1);  // automatic ids: 1, 2, ... in declaration order
    buildChtree(puids_, weights_, tree_);
  }
}

std::uint32_t HaproxySource::passOverFull(std::uint32_t slot) {
  if (hashType_ == HashType::kMapBased) {
    // map_get_server_rr: from the cursor, the first slot whose server has room.
    if (rrIndex_ >= totalWeight_) rrIndex_ = 0;
    std::uint32_t index = rrIndex_;
    do {
      const std::uint32_t target = usable_[map_[index++]];
      if (candidate_[target]) {
        rrIndex_ = index;
        return target;
      }
      if (index == totalWeight_) index = 0;
    } while (index != rrIndex_);
    return kNone;
  }
  if (backupMode_ && !allBackups_) return kNone;  // HAProxy has only the first backup
  for (std::size_t k = 1; k < tree_.size(); ++k) {
    const std::uint32_t target = usable_[tree_[(slot + k) % tree_.size()].server];
    if (candidate_[target]) return target;
  }
  return kNone;
}

Pick HaproxySource::pick(const PickInput& in) {
  if (!built_ || in.candidateSignature != signature_) rebuild(in);
  if (currentWeights_.size() < in.targets.size()) currentWeights_.resize(in.targets.size(), 0.0);
  lastAddress_ = in.request != nullptr ? in.request->clientAddress : 0;
  lastHashed_ = kNone;
  last_ = kNone;
  if (!usable_.empty()) {
    if (hashType_ == HashType::kMapBased) {
      lastHash_ = totalUsed_ == 1 ? 0 : sourceAddressHash(lastAddress_);
      lastSlot_ = lastHash_ % totalWeight_;
      lastHashed_ = usable_[map_[lastSlot_]];
    } else if (backupMode_ && !allBackups_) {
      lastHash_ = 0;
      lastHashed_ = usable_.front();  // the first backup, without a lookup
    } else {
      lastHash_ = totalUsed_ == 1 ? 0 : haproxyFullHash(sourceAddressHash(lastAddress_));
      lastSlot_ = static_cast<std::uint32_t>(closestChtreeNode(tree_, lastHash_));
      lastHashed_ = usable_[tree_[lastSlot_].server];
    }
    last_ = candidate_[lastHashed_] ? lastHashed_ : passOverFull(lastSlot_);
  }
  if (last_ == kNone) last_ = smoothWeightedPick(currentWeights_, in.targets, in.candidates);
  return {last_};
}

std::string HaproxySource::explainLastPick() const {
  if (last_ == kNone) return {};
  const std::string chosen = targetName(names_, last_);
  if (lastHashed_ == kNone) return "no usable server: round robin gives " + chosen;
  const std::string address = traffic::addressText(lastAddress_);
  std::string out;
  if (hashType_ == HashType::kMapBased) {
    out = totalUsed_ == 1
              ? "one usable server: HAProxy does not hash; map[0] = " +
                    targetName(names_, lastHashed_)
              : "source " + address + " = " + std::to_string(lastHash_) + "; " +
                    std::to_string(lastHash_) + " % " + std::to_string(totalWeight_) + " = " +
                    std::to_string(lastSlot_) + " → map[" + std::to_string(lastSlot_) +
                    "] = " + targetName(names_, lastHashed_);
  } else if (backupMode_ && !allBackups_) {
    out = "no primary available: HAProxy uses the first backup, " + targetName(names_, lastHashed_);
  } else {
    char hex[24];
    std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(lastHash_));
    out = totalUsed_ == 1
              ? "one usable server: HAProxy does not hash; it is " + targetName(names_, lastHashed_)
              : "source " + address + ", avalanche hash " + hex +
                    " → closest tree node belongs to " + targetName(names_, lastHashed_);
  }
  if (last_ == lastHashed_) return out;
  out += ", which is at its maxconn (HAProxy would queue the request on it)";
  return out + (hashType_ == HashType::kMapBased
                    ? "; the map's round-robin cursor gives " + chosen
                    : "; the next tree node with room gives " + chosen);
}

PolicyInfo haproxySourcePolicyInfo() {
  return {"source",
          "HAProxy balance source: the client IPv4 address indexes the weighted server map "
          "(hash-type map-based) or the consistent-hash tree",
          {{"hash_type", OptionKind::kText,
            "map-based (HAProxy's default: map[address % total weight]) or consistent"},
           {"allbackups", OptionKind::kNumber,
            "1: HAProxy `option allbackups`, all available backups share the load when no "
            "primary is available; 0: only the first backup (default)"}},
          [](const PolicyContext& c) -> std::unique_ptr<BalancingPolicy> {
            const std::string type = c.options.text("hash_type", "map-based");
            HaproxySource::HashType hashType;
            if (type == "map-based") {
              hashType = HaproxySource::HashType::kMapBased;
            } else if (type == "consistent") {
              hashType = HaproxySource::HashType::kConsistent;
            } else {
              throw std::invalid_argument("hash_type '" + type +
                                          "' is not supported; allowed: map-based, consistent");
            }
            const double allBackups = c.options.number("allbackups", 0.0);
            if (allBackups != 0.0 && allBackups != 1.0) {
              throw std::invalid_argument(
                  "allbackups must be 0 or 1; allowed: 0 (first backup "
                  "only), 1 (all backups)");
            }
            return std::make_unique<HaproxySource>(c, hashType, allBackups == 1.0);
          }};
}

}  // namespace lbsim::models::balancing
