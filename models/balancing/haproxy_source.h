#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// HAProxy server weights are whole numbers from 0 to 256; lbsim's are positive reals. A
// weight is rounded to the nearest whole number and kept within 1..256.
std::uint32_t haproxyWeight(double weight);

// The hash `balance source` takes of an IPv4 address (get_server_sh in src/backend.c): the
// address's 32-bit words, each in host byte order, xor-ed together. An IPv4 address is one
// word, so the hash is the address itself as an integer (192.168.1.10 = 3232235786); no
// hash function is applied, whatever `hash-type` names.
std::uint32_t sourceAddressHash(std::uint32_t address);

// Bob Jenkins' full-avalanche integer hash times 3221225473, HAProxy's full_hash()
// (include/haproxy/intops.h): applied to the source hash under `hash-type consistent`.
std::uint32_t haproxyFullHash(std::uint32_t a);

// HAProxy's weighted server map (recalc_server_map in src/lb_map.c). `weights` are the
// effective weights of the usable servers in declaration order; the map has `total` slots
// (the backend's total weight). Every server's score starts at 0; for each slot in turn,
// every server's score grows by its weight, the server with the largest
// (score + total) / total (integer division; the first one on a tie) takes the slot and
// its score drops by `total`. With total 1 the slot goes to the first server. Weights
// {3, 2, 1} give the map 0 0 1 0 1 2. `map` receives indexes into `weights`.
void buildServerMap(std::span<const std::uint32_t> weights, std::uint32_t total,
                    std::vector<std::uint32_t>& map);

// A node of HAProxy's consistent-hash tree (src/lb_chash.c) and the server it belongs to.
struct ChtreeNode {
  std::uint32_t key = 0;
  std::uint32_t server = 0;
};

// The tree of `hash-type consistent` with the default `hash-key id`: server s (with
// HAProxy id puids[s], 1, 2, ... in declaration order) gets weights[s] * 16 nodes
// (BE_WEIGHT_SCALE), node j keyed full_hash(puid * 4096 + j). Sorted by key; equal keys keep
// insertion order (servers in order, then j), as the ebtree keeps duplicates. `server` is
// an index into `puids`.
void buildChtree(std::span<const std::uint32_t> puids, std::span<const std::uint32_t> weights,
                 std::vector<ChtreeNode>& tree);

// chash_get_server_hash: the node at or after `hash` (wrapping to the first) and the one
// before it (wrapping to the last); the closer of the two wins, the one before on a tie.
// Returns an index into `tree`, which must not be empty.
std::size_t closestChtreeNode(std::span<const ChtreeNode> tree, std::uint32_t hash);

// HAProxy `balance source` (src/backend.c get_server_sh).
//
// hash_type map-based (HAProxy's default): the map of buildServerMap over the usable
// servers, indexed by sourceAddressHash(address) % total weight. hash_type consistent: the
// tree of buildChtree over the usable servers, looked up with
// haproxyFullHash(sourceAddressHash(address)) (consistent implies `avalanche`). With one
// usable server HAProxy does not hash (the hash is 0).
//
// Usable servers: the available primary targets; when none is available, the available
// backups — by default only the first one (HAProxy uses only the first backup unless
// `option allbackups`, here option allbackups: 1). The map and tree change only when
// that set or the weights change, not when a target reaches its maxconn: HAProxy would
// then queue the request on that very server. lbsim's balancer cannot hold a request for
// one target, so a full target is passed over as HAProxy passes over full servers
// elsewhere: map-based takes the next usable slot from its round-robin cursor
// (map_get_server_rr, HAProxy's fallback when a hash gives no server); consistent walks on
// to the next node whose server is not full (HAProxy's `hash-preserve-affinity maxconn`).
// If that finds nothing, smooth weighted round robin over the candidates.
class HaproxySource final : public BalancingPolicy {
 public:
  enum class HashType { kMapBased, kConsistent };
  HaproxySource(const PolicyContext& context, HashType hashType, bool allBackups);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  void rebuild(const PickInput& input);
  std::uint32_t passOverFull(std::uint32_t slot);

  HashType hashType_;
  bool allBackups_;
  std::vector<std::string> names_;
  std::vector<std::uint32_t> usable_;   // target indexes of the usable servers
  std::vector<std::uint32_t> weights_;  // their effective weights
  std::vector<std::uint32_t> puids_;    // their HAProxy ids (consistent)
  std::uint32_t totalWeight_ = 0;       // the map's size (lbprm.tot_weight)
  std::uint32_t totalUsed_ = 0;         // lbprm.tot_used
  bool backupMode_ = false;
  std::vector<std::uint32_t> scratchUsable_;   // the next usable_/weights_, kept to reuse
  std::vector<std::uint32_t> scratchWeights_;  // their capacity
  bool haveTable_ = false;
  std::vector<std::uint32_t> map_;  // map-based: indexes into usable_
  std::vector<ChtreeNode> tree_;    // consistent
  std::uint32_t rrIndex_ = 0;       // map_get_server_rr's cursor (lbprm.map.rr_idx)
  std::vector<bool> candidate_;     // by target index
  std::vector<double> currentWeights_;
  std::uint64_t signature_ = 0;
  bool built_ = false;

  std::uint32_t lastAddress_ = 0;
  std::uint32_t lastHash_ = 0;
  std::uint32_t lastSlot_ = 0;        // map slot or tree node
  std::uint32_t lastHashed_ = kNone;  // the target the hash gave
  std::uint32_t last_ = kNone;
};

// The registry entry: name "source", options `hash_type` and `allbackups`.
PolicyInfo haproxySourcePolicyInfo();

}  // namespace lbsim::models::balancing
