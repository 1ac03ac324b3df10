#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/random.h"
#include "models/balancing/generic_hash.h"
#include "models/balancing/haproxy_source.h"
#include "models/balancing/ip_hash.h"
#include "models/balancing/policy.h"
#include "models/traffic/clients.h"

namespace lbsim::models::balancing {
namespace {

constexpr std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

std::vector<TargetState> targetsWithWeights(std::initializer_list<double> weights) {
  std::vector<TargetState> out;
  for (const double w : weights)
    out.push_back({.weight = w});
  return out;
}

// What the balancer passes: the available primaries below maxconn, else the backups; the
// signature is any number that changes with the set.
struct Pool {
  std::vector<TargetState> targets;
  std::vector<std::string> names;
  std::vector<std::uint32_t> candidates;
  std::uint64_t signature = 0;

  void recompute() {
    candidates.clear();
    for (const bool backup : {false, true}) {
      for (std::uint32_t i = 0; i < targets.size(); ++i) {
        const TargetState& t = targets[i];
        if (t.available && t.backup == backup && (t.maxConn == 0 || t.active < t.maxConn))
          candidates.push_back(i);
      }
      if (!candidates.empty()) break;
    }
    ++signature;
  }
  PolicyContext context(PolicyOptions options = {}) const {
    PolicyContext c;
    c.targetCount = targets.size();
    c.targetNames = names;
    c.options = std::move(options);
    return c;
  }
  std::uint32_t pick(BalancingPolicy& policy, const Request& request) const {
    return policy.pick({targets, candidates, signature, &request}).target;
  }
};

Pool makePool(std::initializer_list<double> weights) {
  Pool pool;
  pool.targets = targetsWithWeights(weights);
  for (std::size_t i = 0; i < pool.targets.size(); ++i)
    pool.names.push_back("app-" + std::to_string(i + 1));
  pool.recompute();
  return pool;
}

Request fromAddress(std::uint32_t address) {
  Request r;
  r.clientAddress = address;
  return r;
}

Request fromSession(std::uint64_t key) {
  Request r;
  r.sessionKey = key;
  return r;
}

std::vector<HashPeer> peersWithWeights(std::initializer_list<std::uint32_t> weights) {
  std::vector<HashPeer> out;
  for (const std::uint32_t w : weights)
    out.push_back({w, true});
  return out;
}

// ---- nginx ip_hash -----------------------------------------------------------------------

TEST(IpHash, RoundArithmeticByHand) {
  // hash = (hash * 113 + octet) % 6271 over the first three octets, starting at 89:
  //   192.168.1.x: (89*113 + 192) % 6271 = 10249 % 6271 = 3978
  //                (3978*113 + 168) % 6271 = 449682 % 6271 = 4441   (6271*71 = 445241)
  //                (4441*113 + 1) % 6271 = 501834 % 6271 = 154       (6271*80 = 501680)
  EXPECT_EQ(ipHashRound(89, ipv4(192, 168, 1, 10)), 154u);
  // The second try continues from 154 (nginx keeps the hash between tries):
  //   (154*113 + 192) % 6271 = 17594 % 6271 = 5052
  //   (5052*113 + 168) % 6271 = 571044 % 6271 = 383                (6271*91 = 570661)
  //   (383*113 + 1) % 6271 = 43280 % 6271 = 5654                   (6271*6 = 37626)
  EXPECT_EQ(ipHashRound(154, ipv4(192, 168, 1, 10)), 5654u);
  //   10.0.0.x: (89*113 + 10) % 6271 = 10067 % 6271 = 3796
  //             (3796*113 + 0) % 6271 = 428948 % 6271 = 2520        (6271*68 = 426428)
  //             (2520*113 + 0) % 6271 = 284760 % 6271 = 2565        (6271*45 = 282195)
  EXPECT_EQ(ipHashRound(89, ipv4(10, 0, 0, 1)), 2565u);
}

TEST(IpHash, VectorsAndSameSlash24Affinity) {
  const auto equal = peersWithWeights({1, 1, 1});
  // 192.168.1.x: hash 154 (above); 154 % 3 = 1 → the walk stops at peer 1. The fourth
  // octet never counts, so .10 and .200 land on the same peer.
  EXPECT_EQ(ipHashTarget(ipv4(192, 168, 1, 10), equal).peer, 1u);
  EXPECT_EQ(ipHashTarget(ipv4(192, 168, 1, 200), equal).peer, 1u);
  EXPECT_EQ(ipHashTarget(ipv4(192, 168, 1, 10), equal).hash, 154u);
  // 10.0.0.1: hash 2565; 2565 % 3 = 0 → peer 0.
  EXPECT_EQ(ipHashTarget(ipv4(10, 0, 0, 1), equal).peer, 0u);
  // Weights {5,1,1}: 154 % 7 = 0 → w = 0 < 5 → peer 0; 2565 % 7 = 3 → still peer 0.
  const auto heavy = peersWithWeights({5, 1, 1});
  EXPECT_EQ(ipHashTarget(ipv4(192, 168, 1, 10), heavy).peer, 0u);
  EXPECT_EQ(ipHashTarget(ipv4(10, 0, 0, 1), heavy).peer, 0u);
  // Weights {1,1,5}: 154 % 7 = 0 → peer 0; 2565 % 7 = 3 → 3-1-1 = 1 < 5 → peer 2.
  const auto last = peersWithWeights({1, 1, 5});
  EXPECT_EQ(ipHashTarget(ipv4(192, 168, 1, 10), last).peer, 0u);
  EXPECT_EQ(ipHashTarget(ipv4(10, 0, 0, 1), last).peer, 2u);
}

TEST(IpHash, RehashContinuesFromTheCurrentHash) {
  auto peers = peersWithWeights({1, 1, 1});
  peers[1].eligible = false;
  // First try: 154 % 3 = 1 → peer 1, ineligible; second try hashes 154 again: 5654 % 3 = 2.
  const HashWalk walk = ipHashTarget(ipv4(192, 168, 1, 10), peers);
  EXPECT_EQ(walk.peer, 2u);
  EXPECT_EQ(walk.tries, 1u);
  EXPECT_EQ(walk.firstPeer, 1u);
  EXPECT_EQ(walk.hash, 5654u);
}

TEST(IpHash, DividesByTheTotalWeightOfAllPeers) {
  // nginx divides by peers->total_weight, which counts down servers too: with peer 2 down,
  // 10.0.0.1 still computes 2565 % 3 = 0 → peer 0 (2565 % 2 would give 1).
  auto peers = peersWithWeights({1, 1, 1});
  peers[2].eligible = false;
  const HashWalk walk = ipHashTarget(ipv4(10, 0, 0, 1), peers);
  EXPECT_EQ(walk.total, 3u);
  EXPECT_EQ(walk.peer, 0u);
}

TEST(IpHash, GivesUpAfterTwentyOneTries) {
  auto peers = peersWithWeights({1, 1});
  peers[0].eligible = peers[1].eligible = false;
  const HashWalk walk = ipHashTarget(ipv4(10, 0, 0, 1), peers);
  EXPECT_EQ(walk.peer, kNone);
  EXPECT_EQ(walk.tries, 21u);  // nginx: `if (++iphp->tries > 20)` → round robin
  // A single peer: nginx does not hash at all (peers->number < 2).
  EXPECT_EQ(ipHashTarget(ipv4(10, 0, 0, 1), peersWithWeights({1})).peer, kNone);
}

TEST(IpHash, ExplainsWithTheDottedQuad) {
  // nginx's $remote_addr, the text explanations show and `hash $remote_addr` hashes.
  EXPECT_EQ(traffic::addressText(ipv4(192, 168, 1, 10)), "192.168.1.10");
  EXPECT_EQ(traffic::addressText(ipv4(255, 255, 255, 255)), "255.255.255.255");
  EXPECT_EQ(traffic::addressText(0), "0.0.0.0");
  std::array<char, traffic::kAddressTextSize> buffer;
  EXPECT_EQ(traffic::addressText(ipv4(10, 0, 1, 10), buffer), "10.0.1.10");
}

TEST(IpHashPolicy, PicksExplainsAndRehashes) {
  Pool pool = makePool({1, 1, 1});
  auto policy = ipHashPolicyInfo().factory(pool.context());
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 1u);
  EXPECT_EQ(policy->explainLastPick(),
            "ip_hash of 192.168.1.10 (first three octets) = 154; 154 % 3 = 1 → weight walk "
            "lands on app-2");
  pool.targets[1].available = false;
  pool.recompute();
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 2u);  // 5654 % 3 = 2
  EXPECT_NE(policy->explainLastPick().find("after 1 rehash hash 5654 % 3 = 2"), std::string::npos);
}

TEST(IpHashPolicy, BackupsOnlyFallBackToRoundRobin) {
  Pool pool = makePool({1, 1, 1, 1});
  pool.targets[2].backup = pool.targets[3].backup = true;
  pool.targets[0].available = pool.targets[1].available = false;
  pool.recompute();
  auto policy = ipHashPolicyInfo().factory(pool.context());
  // Every try lands on a down primary; after 21 tries smooth weighted round robin alternates
  // over the two backups.
  std::vector<std::uint32_t> picks;
  for (int i = 0; i < 4; ++i)
    picks.push_back(pool.pick(*policy, fromAddress(ipv4(10, 0, 0, 1))));
  EXPECT_EQ(picks, (std::vector<std::uint32_t>{2, 3, 2, 3}));
  EXPECT_NE(policy->explainLastPick().find("21 tries"), std::string::npos);
}

TEST(IpHashPolicy, RejectsOptions) {
  Pool pool = makePool({1, 1});
  PolicyOptions options;
  options.setText("key", "remote_addr");
  EXPECT_THROW(ipHashPolicyInfo().factory(pool.context(options)), std::invalid_argument);
}

// Shares over many clients follow the weights {3,2,1}: expected 1/2, 1/3, 1/6. The hash
// takes 6271 values and w = hash % 6, so the shares are within 1/6271 of the weights for
// uniform /24 networks; 60,000 random clients add a sampling error of about
// sqrt(p(1-p)/n) ≈ 0.002. Tolerance 0.01 (five standard errors).
TEST(IpHashPolicy, WeightsRespectedOverRandomAddresses) {
  Pool pool = makePool({3, 2, 1});
  auto policy = ipHashPolicyInfo().factory(pool.context());
  core::RandomStream rng(20240601);
  std::array<int, 3> count{};
  constexpr int kClients = 60000;
  for (int i = 0; i < kClients; ++i)
    ++count[pool.pick(*policy, fromAddress(static_cast<std::uint32_t>(rng.nextU64())))];
  EXPECT_NEAR(count[0] / double(kClients), 3.0 / 6, 0.01);
  EXPECT_NEAR(count[1] / double(kClients), 2.0 / 6, 0.01);
  EXPECT_NEAR(count[2] / double(kClients), 1.0 / 6, 0.01);
}

// ---- CRC-32 and nginx hash $key ----------------------------------------------------------

TEST(Crc32, CheckValue) {
  // The standard check value of CRC-32/ISO-HDLC (IEEE 802.3), as in zlib and nginx.
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  Crc32 pieces;
  pieces.update("1234").update("56789");
  EXPECT_EQ(pieces.value(), 0xCBF43926u);
}

TEST(GenericHash, MemcachedStepVectors) {
  // CRC-32 values from Python's zlib.crc32, an independent implementation of the same CRC:
  //   crc32("192.168.1.10")  = 0x0f87d6b7 → (>> 16) & 0x7fff = 0x0f87 = 3975
  //   crc32("1192.168.1.10") = 0xa1c962f0 → 0xa1c9 & 0x7fff = 0x21c9 = 8649   (rehash 1)
  //   crc32("2192.168.1.10") = 0x1c030e3e → 0x1c03 = 7171                      (rehash 2)
  EXPECT_EQ(crc32("192.168.1.10"), 0x0f87d6b7u);
  EXPECT_EQ(memcachedHashStep("192.168.1.10", 0), 3975u);
  EXPECT_EQ(memcachedHashStep("192.168.1.10", 1), 8649u);
  EXPECT_EQ(memcachedHashStep("192.168.1.10", 2), 7171u);
}

TEST(GenericHash, WalkAndRehashBySum) {
  auto peers = peersWithWeights({1, 1, 1});
  // 3975 % 3 = 0 → peer 0.
  EXPECT_EQ(genericHashTarget("192.168.1.10", peers).peer, 0u);
  // Peer 0 down: try 2 has hash 3975 + 8649 = 12624, 12624 % 3 = 0 → peer 0 again; try 3
  // has 12624 + 7171 = 19795, 19795 % 3 = 1 → peer 1.
  peers[0].eligible = false;
  const HashWalk walk = genericHashTarget("192.168.1.10", peers);
  EXPECT_EQ(walk.peer, 1u);
  EXPECT_EQ(walk.tries, 2u);
  EXPECT_EQ(walk.hash, 19795u);
  // Empty key or a single peer: nginx uses round robin.
  EXPECT_EQ(genericHashTarget("", peersWithWeights({1, 1})).peer, kNone);
  EXPECT_EQ(genericHashTarget("x", peersWithWeights({1})).peer, kNone);
}

TEST(GenericHash, KeyTexts) {
  std::array<char, 16> buffer;
  EXPECT_EQ(hashKeyText(HashKeySource::kRemoteAddr, fromAddress(ipv4(10, 0, 0, 1)), buffer),
            "10.0.0.1");
  EXPECT_EQ(hashKeyText(HashKeySource::kSession, fromSession(0x12ab), buffer), "00000000000012ab");
  EXPECT_EQ(hashKeyText(HashKeySource::kSession, fromSession(0xfedcba9876543210ULL), buffer),
            "fedcba9876543210");
}

TEST(GenericHash, RingPointsAsNginxComputesThem) {
  // Server "a", weight 1: 160 points; the first is crc32("a" "\0" "" + 4 zero bytes), the
  // second continues the base with the first as little-endian bytes. Values from Python:
  //   zlib.crc32(b"a\0" + b"\0\0\0\0") = 0x726a7d5c
  //   zlib.crc32(b"a\0" + (0x726a7d5c).to_bytes(4, "little")) = 0x8e81a578
  std::vector<ChashPoint> ring;
  const std::vector<std::string> a = {"a"};
  const std::vector<std::uint32_t> one = {1};
  buildChashRing(a, one, ring);
  ASSERT_EQ(ring.size(), 160u);
  EXPECT_TRUE(
      std::is_sorted(ring.begin(), ring.end(),
                     [](const ChashPoint& x, const ChashPoint& y) { return x.hash < y.hash; }));
  const auto has = [&ring](std::uint32_t h) {
    return std::any_of(ring.begin(), ring.end(), [h](const ChashPoint& p) { return p.hash == h; });
  };
  EXPECT_TRUE(has(0x726a7d5cu));
  EXPECT_TRUE(has(0x8e81a578u));
  // "10.0.0.1:8080" is split as nginx splits it: host 10.0.0.1, port 8080:
  //   zlib.crc32(b"10.0.0.1\x008080" + b"\0\0\0\0") = 0xf1ea5a8f
  const std::vector<std::string> withPort = {"10.0.0.1:8080"};
  buildChashRing(withPort, one, ring);
  EXPECT_TRUE(has(0xf1ea5a8fu));
  // "unix:a" hashes as host "a" without a port, like "a".
  const std::vector<std::string> unixSocket = {"unix:a"};
  buildChashRing(unixSocket, one, ring);
  EXPECT_TRUE(has(0x726a7d5cu));
}

TEST(GenericHash, FindChashPointIsFirstAtOrAfter) {
  const std::vector<ChashPoint> ring = {{10, 0}, {20, 1}, {30, 2}};
  EXPECT_EQ(findChashPoint(ring, 5), 0u);
  EXPECT_EQ(findChashPoint(ring, 20), 1u);
  EXPECT_EQ(findChashPoint(ring, 21), 2u);
  EXPECT_EQ(findChashPoint(ring, 31), 3u);  // past the end: the caller wraps to point 0
}

// Removing one of N = 5 equal targets (marking it down) should move only its own keys,
// about 1/N = 0.2 of them. Each target has 160 ring points, so its share of the ring varies
// around 1/5 by roughly 1/sqrt(160) ≈ 8% relative; with 20,000 keys sampling adds ≈ 0.003.
// Tolerance 0.05 absolute. Exact property: no key of a target that stayed up moves.
TEST(GenericHashPolicy, ConsistentRemovalMovesAboutOneNth) {
  Pool pool = makePool({1, 1, 1, 1, 1});
  PolicyOptions options;
  options.setText("key", "session");
  options.setNumber("consistent", 1);
  auto policy = genericHashPolicyInfo().factory(pool.context(options));
  core::RandomStream rng(7);
  constexpr int kKeys = 20000;
  std::vector<Request> requests;
  for (int i = 0; i < kKeys; ++i)
    requests.push_back(fromSession(rng.nextU64()));
  std::vector<std::uint32_t> before;
  for (const Request& r : requests)
    before.push_back(pool.pick(*policy, r));
  pool.targets[2].available = false;
  pool.recompute();
  int moved = 0;
  int movedFromOthers = 0;
  for (int i = 0; i < kKeys; ++i) {
    const std::uint32_t after = pool.pick(*policy, requests[static_cast<std::size_t>(i)]);
    if (after == before[static_cast<std::size_t>(i)]) continue;
    ++moved;
    if (before[static_cast<std::size_t>(i)] != 2) ++movedFromOthers;
  }
  EXPECT_EQ(movedFromOthers, 0);
  EXPECT_NEAR(moved / double(kKeys), 1.0 / 5, 0.05);
}

TEST(GenericHashPolicy, ConsistentExplainsTheRingPoint) {
  Pool pool = makePool({1, 1, 1});
  PolicyOptions options;
  options.setNumber("consistent", 1);
  auto policy = genericHashPolicyInfo().factory(pool.context(options));
  pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10)));
  // crc32("192.168.1.10") = 0x0f87d6b7 (above); the ring has 3 * 160 points.
  EXPECT_NE(policy->explainLastPick().find("consistent hash of key \"192.168.1.10\": crc32 = "
                                           "0x0f87d6b7"),
            std::string::npos);
  EXPECT_NE(policy->explainLastPick().find(" of 480)"), std::string::npos);
}

TEST(GenericHashPolicy, PlainHashPicksAndExplains) {
  Pool pool = makePool({1, 1, 1});
  auto policy = genericHashPolicyInfo().factory(pool.context());
  // key remote_addr by default: "192.168.1.10" → 3975 % 3 = 0 → app-1.
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 0u);
  EXPECT_EQ(policy->explainLastPick(),
            "hash of key \"192.168.1.10\": (crc32 >> 16) & 0x7fff = 3975; 3975 % 3 = 0 → weight "
            "walk lands on app-1");
}

// Shares over random session keys follow weights {3,2,1}: the step takes 32768 values and
// w = hash % 6, so the expected shares are within 1/32768 of 1/2, 1/3, 1/6; 60,000 keys
// give a sampling error ≈ 0.002. Tolerance 0.01.
TEST(GenericHashPolicy, WeightsRespectedOverRandomKeys) {
  Pool pool = makePool({3, 2, 1});
  PolicyOptions options;
  options.setText("key", "session");
  auto policy = genericHashPolicyInfo().factory(pool.context(options));
  core::RandomStream rng(11);
  std::array<int, 3> count{};
  constexpr int kKeys = 60000;
  for (int i = 0; i < kKeys; ++i)
    ++count[pool.pick(*policy, fromSession(rng.nextU64()))];
  EXPECT_NEAR(count[0] / double(kKeys), 3.0 / 6, 0.01);
  EXPECT_NEAR(count[1] / double(kKeys), 2.0 / 6, 0.01);
  EXPECT_NEAR(count[2] / double(kKeys), 1.0 / 6, 0.01);
}

TEST(GenericHashPolicy, FactoryNamesWhatIsAllowed) {
  Pool pool = makePool({1, 1});
  PolicyOptions uri;
  uri.setText("key", "uri");
  try {
    genericHashPolicyInfo().factory(pool.context(uri));
    FAIL() << "key uri accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "key 'uri' is not supported; allowed: remote_addr, session");
  }
  PolicyOptions two;
  two.setNumber("consistent", 2);
  EXPECT_THROW(genericHashPolicyInfo().factory(pool.context(two)), std::invalid_argument);
}

// ---- HAProxy balance source --------------------------------------------------------------

TEST(HaproxySource, MapFillOrderForWeights321) {
  // recalc_server_map with weights A=3, B=2, C=1, total 6. Each slot: every score += weight,
  // v = (score + 6) / 6, the first largest v wins and its score -= 6.
  //   slot 0: scores 3,2,1   v 1,1,1 → A; A = -3
  //   slot 1: scores 0,4,2   v 1,1,1 → A; A = -6
  //   slot 2: scores -3,6,3  v 0,2,1 → B; B = 0
  //   slot 3: scores 0,2,4   v 1,1,1 → A; A = -6
  //   slot 4: scores -3,4,5  v 0,1,1 → B; B = -2
  //   slot 5: scores 0,0,6   v 1,1,2 → C; C = 0
  std::vector<std::uint32_t> map;
  const std::vector<std::uint32_t> weights = {3, 2, 1};
  buildServerMap(weights, 6, map);
  EXPECT_EQ(map, (std::vector<std::uint32_t>{0, 0, 1, 0, 1, 2}));
  // Weights {1, 2} (what {2, 4} become after division by their GCD), total 3:
  //   slot 0: scores 1,2 v 1,1 → A; A = -2.  slot 1: -1,4 v 0,2 → B; B = 1.
  //   slot 2: 0,3 v 1,2 → B.
  const std::vector<std::uint32_t> oneTwo = {1, 2};
  buildServerMap(oneTwo, 3, map);
  EXPECT_EQ(map, (std::vector<std::uint32_t>{0, 1, 1}));
}

TEST(HaproxySource, SourceVectorThroughTheMap) {
  // 192.168.1.10 = 0xC0A8010A = 3232235786; 3232235786 % 6 = 2 (even, digit sum 41 ≡ 2 mod
  // 3) → map[2] = B.
  EXPECT_EQ(sourceAddressHash(ipv4(192, 168, 1, 10)), 3232235786u);
  Pool pool = makePool({3, 2, 1});
  auto policy = haproxySourcePolicyInfo().factory(pool.context());
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 1u);
  EXPECT_EQ(policy->explainLastPick(),
            "source 192.168.1.10 = 3232235786; 3232235786 % 6 = 2 → map[2] = app-2");
}

TEST(HaproxySource, WeightsAreDividedByTheirGcd) {
  // Weights {2, 4} act as {1, 2}: map A B B of 3 slots; 3232235786 % 3 = 2 → B.
  Pool pool = makePool({2, 4});
  auto policy = haproxySourcePolicyInfo().factory(pool.context());
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 1u);
  EXPECT_NE(policy->explainLastPick().find("% 3 = 2"), std::string::npos);
}

TEST(HaproxySource, FullServerPassedOverByTheMapCursor) {
  // The hash gives B (map[2]); B at its maxconn is not a candidate. map_get_server_rr
  // from cursor 0 takes map[0] = A.
  Pool pool = makePool({3, 2, 1});
  pool.targets[1].maxConn = 1;
  pool.targets[1].active = 1;
  pool.recompute();
  auto policy = haproxySourcePolicyInfo().factory(pool.context());
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 0u);
  EXPECT_NE(policy->explainLastPick().find("at its maxconn"), std::string::npos);
}

TEST(HaproxySource, DownServerLeavesTheMap) {
  // With C down the map is rebuilt over A=3, B=2 (total 5): slot 0: 3,2 v 1,1 → A (-2);
  // slot 1: 1,4 v 1,1 → A (-4); slot 2: -1,6 v 0,2 → B (1); slot 3: 2,3 v 1,1 → A (-3);
  // slot 4: 0,5 v 1,2 → B. Map A A B A B; 3232235786 % 5 = 1 → A.
  Pool pool = makePool({3, 2, 1});
  pool.targets[2].available = false;
  pool.recompute();
  auto policy = haproxySourcePolicyInfo().factory(pool.context());
  EXPECT_EQ(pool.pick(*policy, fromAddress(ipv4(192, 168, 1, 10))), 0u);
  EXPECT_NE(policy->explainLastPick().find("% 5 = 1 → map[1] = app-1"), std::string::npos);
}

TEST(HaproxySource, OnlyTheFirstBackupUnlessAllBackups) {
  Pool pool = makePool({1, 1, 1, 1});
  pool.targets[2].backup = pool.targets[3].backup = true;
  pool.targets[0].available = pool.targets[1].available = false;
  pool.recompute();
  auto first = haproxySourcePolicyInfo().factory(pool.context());
  PolicyOptions all;
  all.setNumber("allbackups", 1);
  auto spread = haproxySourcePolicyInfo().factory(pool.context(all));
  std::set<std::uint32_t> firstPicks, spreadPicks;
  core::RandomStream rng(3);
  for (int i = 0; i < 200; ++i) {
    const Request r = fromAddress(static_cast<std::uint32_t>(rng.nextU64()));
    firstPicks.insert(pool.pick(*first, r));
    spreadPicks.insert(pool.pick(*spread, r));
  }
  EXPECT_EQ(firstPicks, (std::set<std::uint32_t>{2}));
  EXPECT_EQ(spreadPicks, (std::set<std::uint32_t>{2, 3}));
}

// Shares over random addresses follow weights {3,2,1}: address % 6 is uniform for uniform
// 32-bit addresses, so the map's 3:2:1 slots give 1/2, 1/3, 1/6; 60,000 addresses give a
// sampling error ≈ 0.002. Tolerance 0.01.
TEST(HaproxySource, SharesFollowTheWeights) {
  Pool pool = makePool({3, 2, 1});
  auto policy = haproxySourcePolicyInfo().factory(pool.context());
  core::RandomStream rng(5);
  std::array<int, 3> count{};
  constexpr int kClients = 60000;
  for (int i = 0; i < kClients; ++i)
    ++count[pool.pick(*policy, fromAddress(static_cast<std::uint32_t>(rng.nextU64())))];
  EXPECT_NEAR(count[0] / double(kClients), 3.0 / 6, 0.01);
  EXPECT_NEAR(count[1] / double(kClients), 2.0 / 6, 0.01);
  EXPECT_NEAR(count[2] / double(kClients), 1.0 / 6, 0.01);
}

TEST(HaproxySource, FullHashVectors) {
  // HAProxy's full_hash (Jenkins' avalanche, times 3221225473), evaluated by hand-written
  // Python of the same six lines: full_hash(0) = 0xab4ed927, full_hash(4096) = 0x49c2008b
  // (the first tree node of server id 1), full_hash(3232235786) = 0xbaa25d4e.
  EXPECT_EQ(haproxyFullHash(0), 0xab4ed927u);
  EXPECT_EQ(haproxyFullHash(4096), 0x49c2008bu);
  EXPECT_EQ(haproxyFullHash(3232235786u), 0xbaa25d4eu);
}

TEST(HaproxySource, ClosestTreeNode) {
  const std::vector<ChtreeNode> tree = {{100, 0}, {200, 1}, {1000, 2}};
  EXPECT_EQ(closestChtreeNode(tree, 140), 0u);  // 40 after 100, 60 before 200
  EXPECT_EQ(closestChtreeNode(tree, 150), 0u);  // a tie goes to the node before
  EXPECT_EQ(closestChtreeNode(tree, 160), 1u);
  EXPECT_EQ(closestChtreeNode(tree, 50), 0u);           // 50 before 100; 2^32 - 950 after 1000
  EXPECT_EQ(closestChtreeNode(tree, 0xFFFFFFF0u), 0u);  // wraps: 116 before 100
}

// Consistent: removing one of N = 4 equal servers moves only its addresses, about 1/4 of
// them. Each server has 16 tree nodes per unit of weight, so its share varies around 1/4 by
// roughly 1/sqrt(16) = 25% relative; tolerance 0.1 absolute.
TEST(HaproxySource, ConsistentRemovalMovesOnlyItsAddresses) {
  Pool pool = makePool({1, 1, 1, 1});
  PolicyOptions options;
  options.setText("hash_type", "consistent");
  auto policy = haproxySourcePolicyInfo().factory(pool.context(options));
  core::RandomStream rng(9);
  constexpr int kClients = 20000;
  std::vector<Request> requests;
  std::vector<std::uint32_t> before;
  for (int i = 0; i < kClients; ++i) {
    requests.push_back(fromAddress(static_cast<std::uint32_t>(rng.nextU64())));
    before.push_back(pool.pick(*policy, requests.back()));
  }
  pool.targets[1].available = false;
  pool.recompute();
  int moved = 0;
  int movedFromOthers = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::uint32_t after = pool.pick(*policy, requests[i]);
    if (after == before[i]) continue;
    ++moved;
    if (before[i] != 1) ++movedFromOthers;
  }
  EXPECT_EQ(movedFromOthers, 0);
  EXPECT_NEAR(moved / double(kClients), 1.0 / 4, 0.1);
}

TEST(HaproxySource, FactoryNamesWhatIsAllowed) {
  Pool pool = makePool({1, 1});
  PolicyOptions bad;
  bad.setText("hash_type", "random");
  try {
    haproxySourcePolicyInfo().factory(pool.context(bad));
    FAIL() << "hash_type random accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "hash_type 'random' is not supported; allowed: map-based, consistent");
  }
}

}  // namespace
}  // namespace lbsim::models::balancing
