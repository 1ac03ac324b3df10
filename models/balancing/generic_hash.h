#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/balancing/ip_hash.h"
#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// CRC-32 of IEEE 802.3 (reflected polynomial 0xEDB88320, initial value and final xor
// 0xFFFFFFFF), as nginx's ngx_crc32_init/update/final and ngx_crc32_long compute it (and
// zlib's crc32). `update` can be called repeatedly: nginx hashes a ring point as one CRC
// over several pieces.
class Crc32 {
 public:
  Crc32& update(std::string_view bytes);
  std::uint32_t value() const { return state_ ^ 0xFFFFFFFFu; }

 private:
  std::uint32_t state_ = 0xFFFFFFFFu;
};

std::uint32_t crc32(std::string_view bytes);

// What `hash $key` hashes, in nginx's variables.
enum class HashKeySource {
  kRemoteAddr,  // $remote_addr: the client's dotted-quad address ("192.168.1.10")
  kSession,     // a session cookie: Request::sessionKey as 16 lowercase hex digits
};

// The key text of a request, written into `buffer`, which the view points into.
std::string_view hashKeyText(HashKeySource source, const Request& request,
                             std::array<char, 16>& buffer);

// One try of nginx `hash $key` (without consistent), compatible with Cache::Memcached:
// (crc32(REHASH KEY) >> 16) & 0x7fff, where REHASH is the try number in decimal and is left
// out on the first try (rehash 0).
std::uint32_t memcachedHashStep(std::string_view key, std::uint32_t rehash);

// nginx `hash $key` (ngx_http_upstream_get_hash_peer): the steps of successive tries are
// summed (hash = step(0), then hash += step(1), ...), w = hash % total weight of all peers,
// and the weight walk gives the peer; an ineligible peer means another try. After 21 tries,
// fewer than two peers or an empty key: kNone (round robin).
HashWalk genericHashTarget(std::string_view key, std::span<const HashPeer> peers);

// A point of nginx's consistent-hash ring: its hash and the peer (server) it belongs to.
struct ChashPoint {
  std::uint32_t hash = 0;
  std::uint32_t peer = 0;
};

// nginx's ring (ngx_http_upstream_update_chash), compatible with Cache::Memcached::Fast.
// Each server string is split as nginx splits it: after a "unix:" prefix the rest is the
// host and there is no port; otherwise a trailing ":digits" is the port and what precedes
// it the host; else all of it is the host with an empty port. The server gets
// 160 * weight points: base = CRC-32 state after host, one NUL byte and port; point j's
// hash is base continued with the previous point's hash as 4 little-endian bytes (0 for
// the first point), then finalized. The points are sorted by hash and, of points with
// equal hashes, only the first is kept (nginx keeps whichever its qsort puts first; here,
// the earlier server's).
void buildChashRing(std::span<const std::string> servers, std::span<const std::uint32_t> weights,
                    std::vector<ChashPoint>& ring);

// The index of the first ring point whose hash is >= `hash`; ring.size() when there is
// none (the caller wraps around with % ring.size()).
std::size_t findChashPoint(std::span<const ChashPoint> ring, std::uint32_t hash);

// nginx `hash $key consistent` (ngx_http_upstream_get_chash_peer): start at the first
// point at or after crc32(key); if that point's server cannot take the request, go on to
// the next point; after 21 tries kNone (round robin). `hash`/`firstHash` are the key's
// CRC-32 and `total` the ring size; `firstPeer` is the first point's server.
struct ChashWalk {
  HashWalk walk;
  std::uint32_t point = 0;  // the ring index where the walk started
};
ChashWalk consistentHashTarget(std::uint32_t keyHash, std::span<const ChashPoint> ring,
                               std::span<const HashPeer> peers);

// nginx `hash $key` and `hash $key consistent` (ngx_http_upstream_hash_module).
//
// key: `remote_addr` ($remote_addr, the default) or `session` (a session cookie). Without
// consistent, the Cache::Memcached scheme of genericHashTarget over the primary targets;
// with consistent, the ketama-style ring of buildChashRing. Either falls back to nginx's
// smooth weighted round robin over the candidates after 21 tries.
//
// The ring is built from the target names as nginx builds it from `server` strings: a
// name such as "pay-2" has no ":port" suffix, so the whole name is the host and the port
// is empty. It holds every primary target, available or not, as nginx builds it once from
// the configuration: a target that goes down keeps its points and lookups skip past them,
// so only its keys move. Target names are unique in a tier, so each ring server is one
// target (nginx's smooth weighted choice among peers sharing one server string, a name
// that resolves to several addresses, does not arise). Backups: as for IpHash, nginx
// refuses them with `hash`; here, when only backups are candidates, round robin spreads
// over them. Weights are rounded to nginx's whole numbers (nginxWeight).
class GenericHash final : public BalancingPolicy {
 public:
  GenericHash(const PolicyContext& context, HashKeySource key, bool consistent);
  Pick pick(const PickInput& input) override;
  std::string explainLastPick() const override;

 private:
  void rebuild(const PickInput& input);

  HashKeySource key_;
  bool consistent_;
  std::vector<std::string> names_;
  std::vector<HashPeer> peers_;             // the primary targets, in target order
  std::vector<std::uint32_t> peerTarget_;   // the target index of each peer
  std::vector<std::string> peerNames_;      // the ring's server strings
  std::vector<std::uint32_t> ringWeights_;  // the weights the ring was built with
  std::vector<ChashPoint> ring_;
  bool singlePeer_ = false;             // nginx's peers->single: one primary and no backup
  std::vector<double> currentWeights_;  // smooth weighted round robin, for the fallback
  std::uint64_t signature_ = 0;
  bool built_ = false;

  std::array<char, 16> lastKey_{};
  std::size_t lastKeyLength_ = 0;
  ChashWalk lastWalk_;
  std::uint32_t last_ = kNone;
};

// The registry entry: name "hash", options `key` and `consistent`.
PolicyInfo genericHashPolicyInfo();

}  // namespace lbsim::models::balancing
