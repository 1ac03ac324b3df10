#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// One peer of an nginx upstream as its hash modules see it: the primary servers in
// configuration order (nginx's peers->peer list), each with its integer `weight=` and
// whether it may take this request (not down, not failed, below max_conns).
struct HashPeer {
  std::uint32_t weight = 1;
  bool eligible = true;
};

// nginx weights are whole numbers (`weight=N`, N >= 1); lbsim's are positive reals. A
// fractional weight is rounded to the nearest whole number, and at least 1.
std::uint32_t nginxWeight(double weight);

// The weight walk both nginx hash modules use: starting at the first peer, subtract each
// peer's weight from `w` until `w` is smaller than the current peer's weight. `w` is below
// the peers' total weight. Returns the index of the peer it stops at.
std::uint32_t weightWalk(std::uint32_t w, std::span<const HashPeer> peers);

// The total weight the walk divides by: every peer's weight, eligible or not (nginx's
// peers->total_weight counts down servers too, so a server going down does not move the
// other addresses).
std::uint32_t totalWeight(std::span<const HashPeer> peers);

// nginx gives up hashing when ++tries exceeds 20, i.e. after 21 tries, and falls back to
// round robin (ngx_http_upstream_get_ip_hash_peer, ngx_http_upstream_get_hash_peer).
inline constexpr std::uint32_t kNginxHashMaxTries = 21;

// The outcome of nginx's hash-and-walk loop.
struct HashWalk {
  std::uint32_t peer = kNone;       // index into the peers; kNone: fall back to round robin
  std::uint32_t tries = 0;          // tries that landed on an ineligible peer (nginx's `tries`)
  std::uint32_t firstHash = 0;      // the hash of the first try
  std::uint32_t firstPeer = kNone;  // the peer the first try landed on
  std::uint32_t hash = 0;           // the hash of the last try
  std::uint32_t total = 0;          // the total weight (`hash % total` is where the walk starts)
};

// One round of nginx's ip_hash over an IPv4 address in host byte order: for each of the
// first three octets, hash = (hash * 113 + octet) % 6271. The fourth octet never counts, so
// a whole /24 network lands on one peer.
std::uint32_t ipHashRound(std::uint32_t hash, std::uint32_t address);

// nginx ip_hash (ngx_http_upstream_get_ip_hash_peer): hash starts at 89 and takes one
// round; w = hash % total weight of all peers; the weight walk gives the peer. If that peer
// is ineligible, the next try runs another round on the current hash (it is not reset).
// After 21 tries the result is kNone (round robin). Fewer than two peers: kNone at once
// (nginx skips hashing and uses round robin).
HashWalk ipHashTarget(std::uint32_t address, std::span<const HashPeer> peers);

// The name of a target for explanations and rings: its name from the policy context, or
// "#<index>" when the context gave none.
std::string targetName(std::span<const std::string> names, std::uint32_t target);

// nginx `ip_hash` (ngx_http_upstream_ip_hash_module): the first three octets of the client's
// IPv4 address (Request::clientAddress) hashed as in ipHashTarget, then a weight walk over
// the primary targets in order, with rehashing when the landed-on target is ineligible and
// nginx's smooth weighted round robin over the candidates after 21 tries.
//
// The walk covers the primary targets, available or not: nginx divides by the total weight
// of every configured server, so a server going down moves only its own clients. nginx
// refuses `backup` servers in an ip_hash upstream; lbsim's balancer handles backups for
// every policy, so when only backups are candidates every try lands on an unavailable
// primary and the round-robin fallback spreads requests over the backups. lbsim's real
// weights are rounded to nginx's whole numbers (nginxWeight).
class IpHash final : public BalancingPolicy {
 public:
  explicit IpHash(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  void rebuild(const PickInput& input);

  std::vector<std::string> names_;
  std::vector<HashPeer> peers_;            // the primary targets, in target order
  std::vector<std::uint32_t> peerTarget_;  // the target index of each peer
  std::vector<double> currentWeights_;     // smooth weighted round robin, for the fallback
  std::uint64_t signature_ = 0;
  bool built_ = false;

  std::uint32_t lastAddress_ = 0;
  HashWalk lastWalk_;
  std::uint32_t last_ = kNone;
};

// The registry entry: name "ip_hash", no options.
PolicyInfo ipHashPolicyInfo();

}  // namespace lbsim::models::balancing
