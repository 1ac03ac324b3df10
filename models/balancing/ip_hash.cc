#include "models/balancing/ip_hash.h"

#include <cassert>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "models/balancing/round_robin.h"
#include "models/traffic/clients.h"

namespace lbsim::models::balancing {

std::uint32_t nginxWeight(double weight) {
  const double rounded = std::round(weight);
  return rounded < 1.0 ? 1u : static_cast<std::uint32_t>(rounded);
}

std::uint32_t weightWalk(std::uint32_t w, std::span<const HashPeer> peers) {
  std::uint32_t p = 0;
  while (w >= peers[p].weight) {
    w -= peers[p].weight;
    ++p;
    assert(p < peers.size());
  }
  return p;
}

std::uint32_t totalWeight(std::span<const HashPeer> peers) {
  std::uint32_t total = 0;
  for (const HashPeer& p : peers)
    total += p.weight;
  return total;
}

std::uint32_t ipHashRound(std::uint32_t hash, std::uint32_t address) {
  for (const int shift : {24, 16, 8}) {
    hash = (hash * 113 + ((address >> shift) & 0xFFu)) % 6271;
  }
  return hash;
}

HashWalk ipHashTarget(std::uint32_t address, std::span<const HashPeer> peers) {
  HashWalk walk;
  if (peers.size() < 2) return walk;
  walk.total = totalWeight(peers);
  std::uint32_t hash = 89;
  for (;;) {
    hash = ipHashRound(hash, address);
    const std::uint32_t p = weightWalk(hash % walk.total, peers);
    walk.hash = hash;
    if (walk.tries == 0) {
      walk.firstHash = hash;
      walk.firstPeer = p;
    }
    if (peers[p].eligible) {
      walk.peer = p;
      return walk;
    }
    if (++walk.tries >= kNginxHashMaxTries) return walk;
  }
}

IpHash::IpHash(const PolicyContext& context)
    : names_(context.targetNames), currentWeights_(context.targetCount, 0.0) {
  peers_.reserve(context.targetCount);
  peerTarget_.reserve(context.targetCount);
}

void IpHash::rebuild(const PickInput& in) {
  peers_.clear();
  peerTarget_.clear();
  std::size_t next = 0;  // candidates are increasing: merge them with the targets
  for (std::uint32_t i = 0; i < in.targets.size(); ++i) {
    while (next < in.candidates.size() && in.candidates[next] < i)
      ++next;
    if (in.targets[i].backup) continue;
    const bool candidate = next < in.candidates.size() && in.candidates[next] == i;
    peers_.push_back({nginxWeight(in.targets[i].weight), candidate});
    peerTarget_.push_back(i);
  }
  signature_ = in.candidateSignature;
  built_ = true;
}

Pick IpHash::pick(const PickInput& in) {
  if (!built_ || in.candidateSignature != signature_) rebuild(in);
  if (currentWeights_.size() < in.targets.size()) currentWeights_.resize(in.targets.size(), 0.0);
  lastAddress_ = in.request != nullptr ? in.request->clientAddress : 0;
  lastWalk_ = ipHashTarget(lastAddress_, peers_);
  last_ = lastWalk_.peer != kNone ? peerTarget_[lastWalk_.peer]
                                  : smoothWeightedPick(currentWeights_, in.targets, in.candidates);
  return {last_};
}

std::string targetName(std::span<const std::string> names, std::uint32_t target) {
  if (target < names.size()) return names[target];
  std::string out("#");
  out += std::to_string(target);
  return out;
}

std::string IpHash::explainLastPick() const {
  if (last_ == kNone) return {};
  const std::string address = traffic::addressText(lastAddress_);
  const std::string chosen = targetName(names_, last_);
  if (peerTarget_.size() < 2) {
    return "fewer than two primary targets: nginx skips ip_hash, round robin gives " + chosen;
  }
  const HashWalk& w = lastWalk_;
  std::string out = "ip_hash of " + address +
                    " (first three octets) = " + std::to_string(w.firstHash) + "; " +
                    std::to_string(w.firstHash) + " % " + std::to_string(w.total) + " = " +
                    std::to_string(w.firstHash % w.total) + " → weight walk lands on " +
                    targetName(names_, peerTarget_[w.firstPeer]);
  if (w.tries == 0) return out;
  out += ", which cannot take it (down or at max_conns)";
  if (w.peer == kNone) {
    return out + "; " + std::to_string(kNginxHashMaxTries) +
           " tries found no eligible target → smooth weighted round robin gives " + chosen;
  }
  return out + "; after " + std::to_string(w.tries) + " rehash" + (w.tries == 1 ? "" : "es") +
         " hash " + std::to_string(w.hash) + " % " + std::to_string(w.total) + " = " +
         std::to_string(w.hash % w.total) + " → weight walk lands on " + chosen;
}

PolicyInfo ipHashPolicyInfo() {
  return {"ip_hash",
          "nginx ip_hash: the first three octets of the client IPv4 address pick a target by "
          "weight, rehashing past unavailable ones, round robin after 21 tries",
          {},
          [](const PolicyContext& c) -> std::unique_ptr<BalancingPolicy> {
            if (!c.options.empty()) {
              throw std::invalid_argument("ip_hash takes no options; allowed: none");
            }
            return std::make_unique<IpHash>(c);
          },
          BalancerRules{.queueWhenFull = false}};
}

}  // namespace lbsim::models::balancing
