#include "models/balancing/generic_hash.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "models/balancing/round_robin.h"
#include "models/traffic/clients.h"

namespace lbsim::models::balancing {

namespace {

constexpr std::array<std::uint32_t, 256> makeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = makeCrcTable();

// nginx makes 160 ring points per unit of weight (ngx_http_upstream_update_chash).
constexpr std::uint32_t kPointsPerWeight = 160;

struct HostPort {
  std::string_view host;
  std::string_view port;
};

// How ngx_http_upstream_update_chash splits a `server` string into host and port.
HostPort splitServer(std::string_view server) {
  if (server.size() >= 5 &&
      std::equal(server.begin(), server.begin() + 5, "unix:", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      })) {
    return {server.substr(5), {}};
  }
  for (std::size_t j = 0; j < server.size(); ++j) {
    const char c = server[server.size() - j - 1];
    if (c == ':')
      return {server.substr(0, server.size() - j - 1), server.substr(server.size() - j)};
    if (c < '0' || c > '9') break;
  }
  return {server, {}};
}

}  // namespace

Crc32& Crc32::update(std::string_view bytes) {
  for (const char ch : bytes)
    state_ = kCrcTable[(state_ ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (state_ >> 8);
  return *this;
}

std::uint32_t crc32(std::string_view bytes) {
  return Crc32().update(bytes).value();
}

std::string_view hashKeyText(HashKeySource source, const Request& request,
                             std::array<char, 16>& buffer) {
  if (source == HashKeySource::kRemoteAddr)
    return traffic::addressText(request.clientAddress, buffer);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i)
    buffer[static_cast<std::size_t>(i)] = kHex[(request.sessionKey >> (60 - 4 * i)) & 0xFu];
  return {buffer.data(), buffer.size()};
}

std::uint32_t memcachedHashStep(std::string_view key, std::uint32_t rehash) {
  Crc32 crc;
  if (rehash > 0) {
    std::array<char, 10> digits;
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), rehash).ptr;
    crc.update({digits.data(), static_cast<std::size_t>(end - digits.data())});
  }
  crc.update(key);
  return (crc.value() >> 16) & 0x7FFFu;
}

HashWalk genericHashTarget(std::string_view key, std::span<const HashPeer> peers) {
  HashWalk walk;
  if (peers.size() < 2 || key.empty()) return walk;
  walk.total = totalWeight(peers);
  std::uint32_t hash = 0;
  for (std::uint32_t rehash = 0;; ++rehash) {
    hash += memcachedHashStep(key, rehash);
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

void buildChashRing(std::span<const std::string> servers, std::span<const std::uint32_t> weights,
                    std::vector<ChashPoint>& ring) {
  assert(servers.size() == weights.size());
  ring.clear();
  for (std::uint32_t peer = 0; peer < servers.size(); ++peer) {
    const HostPort hp = splitServer(servers[peer]);
    Crc32 base;
    base.update(hp.host).update(std::string_view("\0", 1)).update(hp.port);
    std::uint32_t previous = 0;
    for (std::uint32_t j = 0; j < kPointsPerWeight * weights[peer]; ++j) {
      const char bytes[4] = {
          static_cast<char>(previous & 0xFFu), static_cast<char>((previous >> 8) & 0xFFu),
          static_cast<char>((previous >> 16) & 0xFFu), static_cast<char>((previous >> 24) & 0xFFu)};
      Crc32 point = base;
      previous = point.update({bytes, 4}).value();
      ring.push_back({previous, peer});
    }
  }
  std::stable_sort(ring.begin(), ring.end(),
                   [](const ChashPoint& a, const ChashPoint& b) { return a.hash < b.hash; });
  ring.erase(std::unique(ring.begin(), ring.end(),
                         [](const ChashPoint& a, const ChashPoint& b) { return a.hash == b.hash; }),
             ring.end());
}

std::size_t findChashPoint(std::span<const ChashPoint> ring, std::uint32_t hash) {
  return static_cast<std::size_t>(
      std::lower_bound(ring.begin(), ring.end(), hash,
                       [](const ChashPoint& p, std::uint32_t h) { return p.hash < h; }) -
      ring.begin());
}

ChashWalk consistentHashTarget(std::uint32_t keyHash, std::span<const ChashPoint> ring,
                               std::span<const HashPeer> peers) {
  ChashWalk out;
  HashWalk& walk = out.walk;
  if (ring.empty()) return out;
  walk.total = static_cast<std::uint32_t>(ring.size());
  walk.hash = walk.firstHash = keyHash;
  const std::size_t start = findChashPoint(ring, keyHash);
  out.point = static_cast<std::uint32_t>(start % ring.size());
  walk.firstPeer = ring[out.point].peer;
  for (std::size_t i = start;; ++i) {
    const std::uint32_t p = ring[i % ring.size()].peer;
    if (peers[p].eligible) {
      walk.peer = p;
      return out;
    }
    if (++walk.tries >= kNginxHashMaxTries) return out;
  }
}

GenericHash::GenericHash(const PolicyContext& context, HashKeySource key, bool consistent)
    : key_(key),
      consistent_(consistent),
      names_(context.targetNames),
      currentWeights_(context.targetCount, 0.0) {
  peers_.reserve(context.targetCount);
  peerTarget_.reserve(context.targetCount);
}

void GenericHash::rebuild(const PickInput& in) {
  peers_.clear();
  peerTarget_.clear();
  bool anyBackup = false;
  std::size_t next = 0;  // candidates are increasing: merge them with the targets
  for (std::uint32_t i = 0; i < in.targets.size(); ++i) {
    while (next < in.candidates.size() && in.candidates[next] < i)
      ++next;
    if (in.targets[i].backup) {
      anyBackup = true;
      continue;
    }
    const bool candidate = next < in.candidates.size() && in.candidates[next] == i;
    peers_.push_back({nginxWeight(in.targets[i].weight), candidate});
    peerTarget_.push_back(i);
  }
  singlePeer_ = peers_.size() == 1 && !anyBackup;
  signature_ = in.candidateSignature;
  built_ = true;
  if (!consistent_) return;

  // The ring depends on the servers and their weights only, not on who is available.
  bool same = ringWeights_.size() == peers_.size() && peerNames_.size() == peers_.size();
  for (std::size_t p = 0; same && p < peers_.size(); ++p)
    same = ringWeights_[p] == peers_[p].weight;
  if (same) return;
  ringWeights_.clear();
  peerNames_.clear();
  for (std::size_t p = 0; p < peers_.size(); ++p) {
    ringWeights_.push_back(peers_[p].weight);
    const std::uint32_t t = peerTarget_[p];
    peerNames_.push_back(targetName(names_, t));
  }
  buildChashRing(peerNames_, ringWeights_, ring_);
}

Pick GenericHash::pick(const PickInput& in) {
  if (!built_ || in.candidateSignature != signature_) rebuild(in);
  if (currentWeights_.size() < in.targets.size()) currentWeights_.resize(in.targets.size(), 0.0);
  // Without a request there is no key; nginx uses round robin for an empty key.
  const std::string_view key =
      in.request != nullptr ? hashKeyText(key_, *in.request, lastKey_) : std::string_view();
  lastKeyLength_ = key.size();
  if (consistent_) {
    lastWalk_ =
        singlePeer_ || key.empty() ? ChashWalk{} : consistentHashTarget(crc32(key), ring_, peers_);
  } else {
    lastWalk_ = {genericHashTarget(key, peers_), 0};
  }
  last_ = lastWalk_.walk.peer != kNone
              ? peerTarget_[lastWalk_.walk.peer]
              : smoothWeightedPick(currentWeights_, in.targets, in.candidates);
  return {last_};
}

std::string GenericHash::explainLastPick() const {
  if (last_ == kNone) return {};
  const std::string key(lastKey_.data(), lastKeyLength_);
  const std::string chosen = targetName(names_, last_);
  const HashWalk& w = lastWalk_.walk;
  if (w.firstPeer == kNone) {
    if (key.empty()) return "no key: nginx uses round robin, which gives " + chosen;
    return std::string(consistent_ ? "a single primary target" : "fewer than two primary targets") +
           ": nginx skips hashing, round robin gives " + chosen;
  }
  const std::string first = targetName(names_, peerTarget_[w.firstPeer]);
  std::string out;
  if (consistent_) {
    char hex[11];
    std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(w.firstHash));
    out = "consistent hash of key \"" + key + "\": crc32 = " + hex +
          " → first ring point at or after it (" + std::to_string(lastWalk_.point + 1) + " of " +
          std::to_string(w.total) + ") belongs to " + first;
    if (w.tries == 0) return out;
    out += ", which cannot take it (down or at max_conns)";
    if (w.peer == kNone) {
      return out + "; the next " + std::to_string(kNginxHashMaxTries - 1) +
             " points found no eligible target → smooth weighted round robin gives " + chosen;
    }
    return out + "; " + std::to_string(w.tries) + " point" + (w.tries == 1 ? "" : "s") +
           " further the ring gives " + chosen;
  }
  out = "hash of key \"" + key + "\": (crc32 >> 16) & 0x7fff = " + std::to_string(w.firstHash) +
        "; " + std::to_string(w.firstHash) + " % " + std::to_string(w.total) + " = " +
        std::to_string(w.firstHash % w.total) + " → weight walk lands on " + first;
  if (w.tries == 0) return out;
  out += ", which cannot take it (down or at max_conns)";
  if (w.peer == kNone) {
    return out + "; " + std::to_string(kNginxHashMaxTries) +
           " tries found no eligible target → smooth weighted round robin gives " + chosen;
  }
  return out + "; after " + std::to_string(w.tries) + " rehash" + (w.tries == 1 ? "" : "es") +
         " (crc32 of the try number and the key, summed) " + std::to_string(w.hash) + " % " +
         std::to_string(w.total) + " = " + std::to_string(w.hash % w.total) +
         " → weight walk lands on " + chosen;
}

PolicyInfo genericHashPolicyInfo() {
  return {"hash",
          "nginx hash $key [consistent]: Cache::Memcached CRC-32 hash by weight, or the "
          "ketama-style ring of 160 points per weight",
          {{"key", OptionKind::kText,
            "what to hash: remote_addr (the client address, default) or session (the session "
            "cookie)"},
           {"consistent", OptionKind::kNumber,
            "1: nginx `hash $key consistent` (the ring); 0: plain `hash $key` (default)"}},
          [](const PolicyContext& c) -> std::unique_ptr<BalancingPolicy> {
            const std::string key = c.options.text("key", "remote_addr");
            HashKeySource source;
            if (key == "remote_addr") {
              source = HashKeySource::kRemoteAddr;
            } else if (key == "session") {
              source = HashKeySource::kSession;
            } else {
              throw std::invalid_argument("key '" + key +
                                          "' is not supported; allowed: remote_addr, session");
            }
            const double consistent = c.options.number("consistent", 0.0);
            if (consistent != 0.0 && consistent != 1.0) {
              throw std::invalid_argument(
                  "consistent must be 0 or 1; allowed: 0 (hash $key), 1 "
                  "(hash $key consistent)");
            }
            return std::make_unique<GenericHash>(c, source, consistent == 1.0);
          },
          BalancerRules{.queueWhenFull = false}};
}

}  // namespace lbsim::models::balancing
