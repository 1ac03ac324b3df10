#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/balancing/balancer.h"
#include "models/balancing/first.h"
#include "models/balancing/haproxy_leastconn.h"
#include "models/balancing/kong_least_connections.h"
#include "models/balancing/least_conn.h"
#include "models/balancing/least_outstanding.h"
#include "models/balancing/least_request.h"
#include "models/balancing/peak_ewma.h"
#include "models/balancing/policy.h"
#include "models/balancing/round_robin.h"
#include "models/balancing/sticky_table.h"

namespace lbsim::models::balancing {
namespace {

// A simulator whose clock a test moves by hand, for what expires with time.
struct ManualClock {
  struct Tick : core::EventHandler {
    void handleEvent(const core::Event&) override {}
  } tick;
  core::Simulator sim;
  core::HandlerId handler = sim.addHandler(&tick);
  void advanceTo(double t) {
    sim.schedule(t, handler);
    sim.run();
  }
};

std::vector<TargetState> weighted(std::initializer_list<double> weights) {
  std::vector<TargetState> out;
  for (const double w : weights) {
    TargetState t;
    t.weight = w;
    out.push_back(t);
  }
  return out;
}

std::vector<std::uint32_t> all(std::size_t n) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < n; ++i)
    out.push_back(i);
  return out;
}

std::string sequence(std::span<const TargetState> targets, int picks) {
  std::vector<double> current(targets.size(), 0.0);
  const auto candidates = all(targets.size());
  std::string out;
  for (int i = 0; i < picks; ++i) {
    out += static_cast<char>('a' + smoothWeightedPick(current, targets, candidates));
  }
  return out;
}

TEST(SmoothWeightedRoundRobin, NginxSequenceForWeights511) {
  // The sequence given in the comment of nginx's ngx_http_upstream_get_peer for
  // weights {5, 1, 1}: a a b a c a a.
  const auto targets = weighted({5, 1, 1});
  EXPECT_EQ(sequence(targets, 7), "aabacaa");
  EXPECT_EQ(sequence(targets, 14), "aabacaaaabacaa");
}

TEST(SmoothWeightedRoundRobin, SeedUserServiceWeights3332) {
  // upstream user_service weights 3,3,3,2 (the seed, with the backup counted as a peer).
  // By hand, current weights after each pick (+w, take the first max, -11):
  //  a:-8,3,3,2  b:-5,-5,6,4  c:-2,-2,-2,6  d:1,1,1,-3  a:-7,4,4,-1  b:-4,-4,7,1
  //  c:-1,-1,-1,3  d:2,2,2,-6  a:-6,5,5,-4  b:-3,-3,8,-2  c:0,0,0,0 (period 11)
  const auto targets = weighted({3, 3, 3, 2});
  EXPECT_EQ(sequence(targets, 11), "abcdabcdabc");
  EXPECT_EQ(sequence(targets, 22), "abcdabcdabcabcdabcdabc");
}

TEST(SmoothWeightedRoundRobin, EqualWeightsArePlainRoundRobin) {
  EXPECT_EQ(sequence(weighted({1, 1, 1}), 7), "abcabca");
}

TEST(SmoothWeightedRoundRobin, SkipsNonCandidatesWithoutTouchingThem) {
  const auto targets = weighted({1, 1, 1});
  std::vector<double> current(3, 0.0);
  const std::vector<std::uint32_t> candidates = {0, 2};
  EXPECT_EQ(smoothWeightedPick(current, targets, candidates), 0u);
  EXPECT_EQ(smoothWeightedPick(current, targets, candidates), 2u);
  EXPECT_EQ(current[1], 0.0);
}

TEST(LeastConn, PicksFewestActivePerWeight) {
  auto targets = weighted({1, 2, 1});
  targets[0].active = 2;  // 2/1
  targets[1].active = 3;  // 3/2 = 1.5: least
  targets[2].active = 2;  // 2/1
  std::vector<double> current(3, 0.0);
  bool tied = true;
  EXPECT_EQ(leastConnPick(current, targets, all(3), &tied), 1u);
  EXPECT_FALSE(tied);
  EXPECT_EQ(current, (std::vector<double>{0, 0, 0}));  // no tie: round robin state untouched
}

TEST(LeastConn, TiesAreBrokenBySmoothWeightedRoundRobin) {
  // All idle: every target ties at 0 active, so the picks follow smooth WRR over them,
  // as nginx does ("if there are multiple peers with the same number of connections,
  // select based on round-robin").
  const auto targets = weighted({5, 1, 1});
  std::vector<double> current(3, 0.0);
  std::string picks;
  for (int i = 0; i < 7; ++i)
    picks += static_cast<char>('a' + leastConnPick(current, targets, all(3)));
  EXPECT_EQ(picks, "aabacaa");
}

PolicyContext contextFor(std::size_t n, core::RandomStream* rng = nullptr,
                         const core::Clock* clock = nullptr) {
  PolicyContext c;
  c.rng = rng;
  c.clock = clock;
  c.targetCount = n;
  for (std::size_t i = 0; i < n; ++i) {
    char name[24];
    std::snprintf(name, sizeof name, "t%zu", i + 1);
    c.targetNames.emplace_back(name);
  }
  return c;
}

// The chosen target, or kNone when the balancer queued or refused the request.
std::uint32_t chosen(Balancer& balancer, const Request& request) {
  const Decision d = balancer.choose(request);
  return d.choice == Choice::kChosen ? d.target : kNone;
}

TEST(Balancer, UsesBackupsOnlyWhenNoPrimaryIsAvailable) {
  auto targets = weighted({1, 1, 1});
  targets[2].backup = true;
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(3)), targets);
  Request request;
  for (int i = 0; i < 10; ++i)
    EXPECT_NE(chosen(balancer, request), 2u);
  balancer.setAvailable(0, false);
  balancer.setAvailable(1, false);
  EXPECT_EQ(chosen(balancer, request), 2u);
  balancer.setAvailable(2, false);
  EXPECT_EQ(balancer.choose(request).choice, Choice::kNoTarget);
  balancer.setAvailable(1, true);
  EXPECT_EQ(chosen(balancer, request), 1u);
}

// Priority levels (failover groups): level 1 only when nothing of level 0 is available, with
// the backups of level 0 before it; level 2 after level 1.
TEST(Balancer, UsesAPriorityLevelOnlyWhenTheLevelsBeforeItAreDown) {
  auto targets = weighted({1, 1, 1, 1, 1});
  targets[1].backup = true;
  targets[2].priority = 1;
  targets[3].priority = 1;
  targets[4].priority = 2;
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(5)), targets);
  Request request;
  EXPECT_EQ(chosen(balancer, request), 0u);
  balancer.setAvailable(0, false);
  EXPECT_EQ(chosen(balancer, request), 1u);  // level 0's backup
  balancer.setAvailable(1, false);
  std::vector<std::uint32_t> picks = {chosen(balancer, request), chosen(balancer, request)};
  std::sort(picks.begin(), picks.end());
  EXPECT_EQ(picks, (std::vector<std::uint32_t>{2, 3}));
  balancer.setAvailable(2, false);
  balancer.setAvailable(3, false);
  EXPECT_EQ(chosen(balancer, request), 4u);
  balancer.setAvailable(0, true);
  EXPECT_EQ(chosen(balancer, request), 0u);
}

// Locality: within a level, the caller's locality first; the others only when none there is
// available. A caller of unknown locality sees every target.
TEST(Balancer, PrefersTheCallersLocalityWhileATargetThereIsAvailable) {
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(4)), weighted({1, 1, 1, 1}));
  balancer.preferLocality();
  for (std::uint32_t t = 0; t < 4; ++t)
    balancer.setLocality(t, t < 2 ? 7 : 9);
  Request request;
  for (int i = 0; i < 6; ++i) {
    const Decision d = balancer.choose(request, 0, 9);
    ASSERT_EQ(d.choice, Choice::kChosen);
    EXPECT_GE(d.target, 2u);
  }
  balancer.setAvailable(2, false);
  balancer.setAvailable(3, false);
  EXPECT_LT(balancer.choose(request, 0, 9).target, 2u);
  std::vector<bool> seen(4, false);
  balancer.setAvailable(2, true);
  balancer.setAvailable(3, true);
  for (int i = 0; i < 8; ++i)
    seen[balancer.choose(request).target] = true;
  EXPECT_EQ(seen, std::vector<bool>(4, true));
}

// Steering: a client of location 0 uses region 5, then region 3; region 8, in no order, only
// when neither has a target available; a request without a location the last order (region
// 8). Within a region the policy rotates; at its maxconn a region's target makes the request
// wait rather than go to the next region.
TEST(Balancer, SteersByTheClientsLocationInItsOrder) {
  auto targets = weighted({1, 1, 1, 1, 1});
  targets[4].maxConn = 1;
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(5)), targets);
  const std::uint16_t region[] = {3, 5, 5, 8, 8};
  for (std::uint32_t t = 0; t < 5; ++t)
    balancer.setLocality(t, region[t]);
  balancer.steer({{5, 3}, {8}});
  EXPECT_TRUE(balancer.steered());
  Request local;
  local.location = 0;
  std::vector<std::uint32_t> picks;
  for (int i = 0; i < 4; ++i)
    picks.push_back(balancer.choose(local).target);
  EXPECT_EQ(picks, (std::vector<std::uint32_t>{1, 2, 1, 2}));
  balancer.setAvailable(1, false);
  balancer.setAvailable(2, false);
  EXPECT_EQ(balancer.choose(local).target, 0u);
  balancer.setAvailable(0, false);
  std::vector<bool> seen(5, false);
  for (int i = 0; i < 4; ++i) {
    const Decision d = balancer.choose(local);
    ASSERT_EQ(d.choice, Choice::kChosen);
    seen[d.target] = true;
    if (d.target == 3) balancer.finished(3, 0.0);
  }
  EXPECT_EQ(seen, (std::vector<bool>{false, false, false, true, true}));  // the rest: region 8
  Request nowhere;  // no location: the last order, region 8 (target 4 is at its maxconn)
  const Decision d = balancer.choose(nowhere);
  ASSERT_EQ(d.choice, Choice::kChosen);
  EXPECT_EQ(d.target, 3u);
  balancer.setAvailable(3, false);
  EXPECT_EQ(balancer.choose(nowhere).choice, Choice::kQueued);  // 4 is full: wait for it
  balancer.setAvailable(4, false);
  EXPECT_EQ(balancer.choose(nowhere).choice, Choice::kNoTarget);
}

// Random steering (Cloudflare pool_weights, Route 53 weighted records): regions 3 and 5,
// two targets each, weights 3 and 1. Each pick draws the region: region 3's share of n picks
// is binomial(n, 3/4), so 40,000 picks land within 4 standard deviations (sqrt(n pq) = 86.6)
// of 30,000. With region 3 out, region 5 takes every pick; a region of weight 0 only when no
// region of positive weight is available.
// A round-robin balancer over four targets, two in region 3 and two in region 5, steered
// with `steering` (whose orders default to region 3, then 5, for location 0 and for none).
std::unique_ptr<Balancer> twoRegions(Balancer::Steering steering) {
  auto b = std::make_unique<Balancer>(std::make_unique<RoundRobin>(contextFor(4)),
                                      weighted({1, 1, 1, 1}));
  const std::uint16_t region[] = {3, 3, 5, 5};
  for (std::uint32_t t = 0; t < 4; ++t)
    b->setLocality(t, region[t]);
  if (steering.orders.empty()) steering.orders = {{3, 5}, {3, 5}};
  b->steer(std::move(steering));
  return b;
}

TEST(Balancer, RandomSteeringDrawsTheRegionByWeight) {
  core::RandomStream stream(11);
  Balancer::Steering steering;
  steering.weights.assign(6, 0.0);
  steering.weights[3] = 3.0;
  steering.weights[5] = 1.0;
  steering.stream = &stream;
  const auto owned = twoRegions(steering);
  Balancer& balancer = *owned;
  Request request;
  request.location = 0;
  int inThree = 0;
  const int n = 40000;
  for (int i = 0; i < n; ++i) {
    const std::uint32_t t = chosen(balancer, request);
    inThree += t < 2;
    balancer.finished(t, 0.0);
  }
  EXPECT_NEAR(inThree, 30000, 4 * std::sqrt(n * 0.75 * 0.25));
  balancer.setAvailable(0, false);
  balancer.setAvailable(1, false);
  for (int i = 0; i < 100; ++i)
    EXPECT_GE(chosen(balancer, request), 2u);
  // Weight 0 for region 5: never drawn while region 3 is available, all of it when not.
  steering.weights[5] = 0.0;
  const auto ownedZero = twoRegions(steering);
  Balancer& zero = *ownedZero;
  for (int i = 0; i < 100; ++i)
    EXPECT_LT(chosen(zero, request), 2u);
  zero.setAvailable(0, false);
  zero.setAvailable(1, false);
  for (int i = 0; i < 100; ++i)
    EXPECT_GE(chosen(zero, request), 2u);
}

// Cloudflare's minimum_origins: a pool is used while at least that many of its origins are
// healthy. Region 3 has two targets; with a minimum of 2, losing one sends every request to
// region 5.
TEST(Balancer, SteeringSkipsARegionBelowItsMinimumOfOrigins) {
  Balancer::Steering steering;
  steering.minimumOrigins = 2;
  const auto owned = twoRegions(steering);
  Balancer& balancer = *owned;
  Request request;
  request.location = 0;
  for (int i = 0; i < 10; ++i)
    EXPECT_LT(chosen(balancer, request), 2u);
  balancer.setAvailable(0, false);
  for (int i = 0; i < 10; ++i)
    EXPECT_GE(chosen(balancer, request), 2u);
  // Both below their minimum: the answer is the first of the order, as if every region were
  // healthy (Route 53), and its available target serves; with none available there, the
  // order's others.
  balancer.setAvailable(2, false);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(chosen(balancer, request), 1u);
  balancer.setAvailable(1, false);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(chosen(balancer, request), 3u);
}

// A cached DNS answer (ttl 30 s, each client its own cache): client 7 resolves at 0 to
// region 3 and keeps it until 30 s. Region 3's targets are taken out (unhealthy) at 10 s: the
// client still reaches them while they run, and gets no target once they stop running. At
// 30 s its answer expires and it resolves again, to region 5, which it keeps while region 3
// comes back. Another client resolving at 10 s gets region 5 at once. With 4 resolvers
// shared by 1,000 clients, a client's answer is its resolver's.
TEST(Balancer, ACachedDnsAnswerKeepsTheClientInItsRegionForItsTtl) {
  ManualClock time;
  core::Simulator& sim = time.sim;
  auto advanceTo = [&](double t) { time.advanceTo(t); };
  auto make = [&](std::uint32_t resolvers) {
    Balancer::Steering steering;
    steering.ttl = 30.0;
    steering.resolvers = resolvers;
    steering.clock = &sim.clock();
    return twoRegions(steering);
  };
  auto balancer = make(0);
  Request client;
  client.location = 0;
  client.client = 7;
  EXPECT_LT(chosen(*balancer, client), 2u);
  advanceTo(10.0);
  balancer->setAvailable(0, false);
  balancer->setAvailable(1, false);
  for (int i = 0; i < 4; ++i)
    EXPECT_LT(chosen(*balancer, client), 2u);  // unhealthy, still running: reached
  Request other = client;
  other.client = 8;
  EXPECT_GE(chosen(*balancer, other), 2u);  // a new answer: region 5
  balancer->setRunning(0, false);
  balancer->setRunning(1, false);
  EXPECT_EQ(balancer->choose(client).choice, Choice::kNoTarget);
  advanceTo(30.0);  // the answer of 0 s expires at 30 s
  EXPECT_GE(chosen(*balancer, client), 2u);
  balancer->setAvailable(0, true);
  balancer->setRunning(0, true);
  advanceTo(59.0);
  EXPECT_GE(chosen(*balancer, client), 2u);  // kept until 60 s
  advanceTo(60.0);
  EXPECT_EQ(chosen(*balancer, client), 0u);

  // Shared resolvers: every client of a resolver has its answer. At 0 s all resolve to
  // region 3; region 3 goes down at 10 s; clients whose resolver resolved at 0 s stay there.
  advanceTo(61.0);
  auto shared = make(4);
  std::vector<std::uint32_t> firstPick(1000);
  for (std::uint32_t c = 0; c < 1000; ++c) {
    Request r = client;
    r.client = c;
    firstPick[c] = chosen(*shared, r);
    EXPECT_LT(firstPick[c], 2u);
  }
  shared->setAvailable(0, false);
  shared->setAvailable(1, false);
  for (std::uint32_t c = 0; c < 1000; ++c) {
    Request r = client;
    r.client = c;
    EXPECT_LT(chosen(*shared, r), 2u);  // every resolver answered before the failure
  }
}

// nginx has no upstream queue: a server at max_conns is passed over like a down one
// (ngx_http_upstream_get_peer), so the backups take the overflow, and with none left the
// request fails at once (no live upstreams). The registry gives nginx's policies that rule.
TEST(Balancer, NginxPassesFullServersOverToTheBackupsThenFails) {
  const PolicyRegistry registry = PolicyRegistry::withBuiltins();
  for (const std::string name : {"round_robin", "least_conn", "random", "ip_hash", "hash"}) {
    EXPECT_FALSE(registry.get(name).rules.queueWhenFull) << name;
  }
  EXPECT_TRUE(registry.get("leastconn").rules.queueWhenFull);
  auto targets = weighted({1, 1, 1});
  targets[0].maxConn = 1;
  targets[1].maxConn = 1;
  targets[2].backup = true;
  targets[2].maxConn = 1;
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(3)), targets);
  balancer.setRules(false, false);
  Request request;
  std::vector<std::uint32_t> picks;
  for (int i = 0; i < 3; ++i)
    picks.push_back(chosen(balancer, request));
  std::sort(picks.begin(), picks.end());
  EXPECT_EQ(picks, (std::vector<std::uint32_t>{0, 1, 2}));        // the third to the backup
  EXPECT_EQ(balancer.choose(request).choice, Choice::kNoTarget);  // all full: no queue
  balancer.finished(1, 0.1);
  EXPECT_EQ(chosen(balancer, request), 1u);
}

// HAProxy sends to the first available backup only (the server list's order), unless
// `option allbackups`; when that backup is full, requests wait for it.
TEST(Balancer, HaproxyUsesTheFirstBackupAlone) {
  const PolicyRegistry registry = PolicyRegistry::withBuiltins();
  EXPECT_TRUE(registry.get("leastconn").rules.firstBackupOnly);
  EXPECT_TRUE(registry.get("first").rules.firstBackupOnly);
  auto targets = weighted({1, 1, 1, 1});
  targets[0].available = false;
  targets[1].backup = true;
  targets[2].backup = true;
  targets[3].backup = true;
  targets[2].maxConn = 2;
  Balancer balancer(std::make_unique<HaproxyLeastconn>(contextFor(4)), targets);
  balancer.setRules(true, true);
  balancer.setAvailable(1, false);  // the first backup is down: the second is the first
  EXPECT_EQ(chosen(balancer, Request{}), 2u);
  EXPECT_EQ(chosen(balancer, Request{}), 2u);
  EXPECT_EQ(balancer.choose(Request{}).choice, Choice::kQueued);  // it is full: wait for it
  balancer.setRules(true, false);                                 // allbackups
  EXPECT_EQ(chosen(balancer, Request{}), 3u);
}

TEST(Balancer, QueuesWhenEveryAvailableTargetIsAtItsMaxconn) {
  // HAProxy: a server at maxconn takes no more requests; when all are full, requests wait
  // in the backend queue. Backups are not used for that, only when primaries are down.
  auto targets = weighted({1, 1, 1});
  targets[0].maxConn = 1;
  targets[1].maxConn = 2;
  targets[2].backup = true;
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(3)), targets);
  Request request;
  std::vector<std::uint32_t> picks;
  for (int i = 0; i < 3; ++i)
    picks.push_back(chosen(balancer, request));
  std::sort(picks.begin(), picks.end());
  EXPECT_EQ(picks, (std::vector<std::uint32_t>{0, 1, 1}));
  EXPECT_EQ(balancer.choose(request).choice, Choice::kQueued);
  balancer.finished(1, 0.1);
  EXPECT_EQ(chosen(balancer, request), 1u);
}

TEST(Balancer, TracksActiveRequests) {
  Balancer balancer(std::make_unique<LeastConn>(contextFor(2)), weighted({1, 1}));
  Request request;
  const auto first = chosen(balancer, request);
  const auto second = chosen(balancer, request);
  EXPECT_NE(first, second);  // least_conn sends the second request to the idle target
  EXPECT_EQ(balancer.targets()[first].active, 1u);
  balancer.finished(first, 0.1);
  EXPECT_EQ(balancer.targets()[first].active, 0u);
  EXPECT_EQ(chosen(balancer, request), first);
}

TEST(PolicyRegistry, UnknownNameListsTheValidNames) {
  const auto registry = PolicyRegistry::withBuiltins();
  try {
    registry.get("fastest");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    std::string names;
    for (const auto& n : registry.names())
      names += (names.empty() ? "" : ", ") + n;
    EXPECT_EQ(std::string(e.what()), "unknown balancing policy 'fastest'; allowed: " + names);
    EXPECT_NE(names.find("least_conn, least_outstanding_requests, least_request"),
              std::string::npos);
  }
}

TEST(PolicyRegistry, RefusesDuplicatesAndListsNamesSorted) {
  PolicyRegistry registry;
  registerBuiltinPolicies(registry);
  EXPECT_THROW(registerBuiltinPolicies(registry), std::invalid_argument);
  const auto names = registry.names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

// --- ALB least outstanding requests ---

TEST(LeastOutstanding, PicksFewestInFlightIgnoringWeights) {
  auto targets = weighted({1, 10, 1});
  targets[0].active = 3;
  targets[1].active = 2;  // weight 10 does not matter to ALB
  targets[2].active = 1;
  core::RandomStream rng(1);
  EXPECT_EQ(leastOutstandingPick(targets, all(3), rng), 2u);
}

TEST(LeastOutstanding, TiesAreBrokenUniformly) {
  // Four idle targets: each should get 1/4 of 40,000 picks; 4 standard errors of a
  // binomial share (sqrt(0.25 * 0.75 / 40000) = 0.0022) is 0.009.
  const auto targets = weighted({1, 1, 1, 1});
  core::RandomStream rng(2);
  std::vector<int> counts(4, 0);
  for (int i = 0; i < 40000; ++i)
    ++counts[leastOutstandingPick(targets, all(4), rng)];
  for (const int c : counts)
    EXPECT_NEAR(c / 40000.0, 0.25, 0.009);
}

// --- Envoy least request ---

TEST(LeastRequest, PowerOfTwoKeepsTheFirstSampleOnTies) {
  // With every target idle, the first sample always wins (Envoy replaces the candidate
  // only on strictly fewer active requests), so picks are uniform over the targets.
  const auto targets = weighted({1, 1, 1});
  core::RandomStream a(3), b(3);
  for (int i = 0; i < 100; ++i) {
    const std::uint32_t picked = powerOfChoicesPick(targets, all(3), 2, a);
    const std::uint32_t first = static_cast<std::uint32_t>(b.below(3));
    b.below(3);  // the second sample, drawn and ignored
    EXPECT_EQ(picked, first);
  }
}

TEST(LeastRequest, PowerOfTwoAvoidsTheBusiestTarget) {
  // Target 0 busy, 1 and 2 idle: target 0 is picked only when both samples are 0,
  // probability (1/3)^2 = 1/9 (Envoy samples with replacement).
  auto targets = weighted({1, 1, 1});
  targets[0].active = 5;
  core::RandomStream rng(4);
  int zero = 0;
  const int n = 90000;
  for (int i = 0; i < n; ++i)
    zero += powerOfChoicesPick(targets, all(3), 2, rng) == 0;
  EXPECT_NEAR(zero / double(n), 1.0 / 9, 0.004);  // 4 standard errors: 4 * 0.00105
}

TEST(LeastRequest, WeightFormula) {
  // Envoy: weight / (active + 1)^active_request_bias.
  TargetState t{6.0, 2, 0, false, true};
  EXPECT_DOUBLE_EQ(leastRequestWeight(t, 1.0), 2.0);
  EXPECT_DOUBLE_EQ(leastRequestWeight(t, 0.0), 6.0);
  EXPECT_DOUBLE_EQ(leastRequestWeight(t, 2.0), 6.0 / 9.0);
}

TEST(LeastRequest, EdfScheduleFollowsWeights) {
  // Static weights 4:1 (exact in binary): a's deadlines 1/4, 1/2, 3/4, 1, 5/4, ...; b's
  // 1, 2, ... At deadline 1 the tie goes to the entry inserted first (b, at the start).
  EdfSchedule edf;
  edf.add(0, 4.0);
  edf.add(1, 1.0);
  std::string picks;
  for (int i = 0; i < 9; ++i) {
    picks +=
        static_cast<char>('a' + edf.pickAndAdd([](std::uint32_t t) { return t == 0 ? 4.0 : 1.0; }));
  }
  EXPECT_EQ(picks, "aaabaaaab");
}

// --- peak EWMA ---

TEST(PeakEwmaEstimate, PeaksAtOnceAndDecaysSlowly) {
  PeakEwmaEstimate e(0.030);
  e.observe(1.0, 0.200, 10.0);  // slower than the estimate: taken at once
  EXPECT_DOUBLE_EQ(e.at(1.0, 10.0), 0.200);
  e.observe(11.0, 0.010, 10.0);  // faster: 0.2 * exp(-1) + 0.01 * (1 - exp(-1))
  EXPECT_NEAR(e.at(11.0, 10.0), 0.2 * std::exp(-1.0) + 0.01 * (1 - std::exp(-1.0)), 1e-15);
  const double before = e.at(11.0, 10.0);
  EXPECT_NEAR(e.at(21.0, 10.0), before * std::exp(-1.0), 1e-15);  // idle decay
}

// --- HAProxy first ---

TEST(First, FillsTargetsInOrderUpToTheirMaxconn) {
  auto targets = weighted({1, 1, 1});
  for (auto& t : targets)
    t.maxConn = 2;
  Balancer balancer(std::make_unique<First>(contextFor(3)), targets);
  Request request;
  std::vector<std::uint32_t> picks;
  for (int i = 0; i < 6; ++i)
    picks.push_back(chosen(balancer, request));
  EXPECT_EQ(picks, (std::vector<std::uint32_t>{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(balancer.choose(request).choice, Choice::kQueued);
  balancer.finished(0, 0.1);
  EXPECT_EQ(chosen(balancer, request), 0u);
}

// --- HAProxy leastconn and Kong least-connections ---

TEST(HaproxyLeastconn, KeyFormula) {
  // fwlc_get_key: inflight ? (inflight + 1) * 4096 / (weight * 16) : 0, integer division.
  EXPECT_EQ(haproxyLeastconnKey(0, 1), 0u);
  EXPECT_EQ(haproxyLeastconnKey(1, 1), 2u * 4096 / 16);             // 512
  EXPECT_EQ(haproxyLeastconnKey(2, 100), 3u * 4096 / 1600);         // 7
  EXPECT_EQ(haproxyLeastconnKey(2, 80), 3u * 4096 / 1280);          // 9
  EXPECT_EQ(haproxyLeastconnKey(5, 1000), 6u * 4096 / (256 * 16));  // weight capped at 256
}

TEST(HaproxyLeastconn, EqualKeysAreServedRoundRobin) {
  // Requests finish at once: every server stays at key 0, and the least recently moved
  // goes first: 1 2 3 1 2 3 (nginx's least_conn would weight the ties instead).
  Balancer balancer(std::make_unique<HaproxyLeastconn>(contextFor(3)), weighted({1, 5, 1}));
  Request r;
  std::string picks;
  for (int i = 0; i < 6; ++i) {
    const auto t = chosen(balancer, r);
    picks += static_cast<char>('1' + t);
    balancer.finished(t, 0.0);
  }
  EXPECT_EQ(picks, "123123");
}

TEST(HaproxyLeastconn, SeedReplicaWeights) {
  // backend pg_replicas: weight 100, 100, 80. With two requests in flight on each, keys are
  // 3*4096/1600 = 7, 7 and 3*4096/1280 = 9: the weight-80 replica is avoided.
  Balancer balancer(std::make_unique<HaproxyLeastconn>(contextFor(3)), weighted({100, 100, 80}));
  Request r;
  for (int i = 0; i < 6; ++i)
    chosen(balancer, r);
  EXPECT_EQ(balancer.targets()[0].active, 2u);
  EXPECT_EQ(balancer.targets()[2].active, 2u);
  const auto next = chosen(balancer, r);
  EXPECT_NE(next, 2u);
}

TEST(KongLeastConnections, IdleTargetsGoHeaviestFirstThenByScore) {
  // Scores (c + 1) / w with weights 1, 2, 4: 1, 0.5, 0.25 -> t3; then t3 is at 0.5, tied
  // with t2 (heap order decides), and so on; counts follow the weights: 4 picks of 7 to t3.
  Balancer balancer(std::make_unique<KongLeastConnections>(contextFor(3)), weighted({1, 2, 4}));
  Request r;
  EXPECT_EQ(chosen(balancer, r), 2u);
  for (int i = 0; i < 6; ++i)
    chosen(balancer, r);
  EXPECT_EQ(balancer.targets()[0].active, 1u);
  EXPECT_EQ(balancer.targets()[1].active, 2u);
  EXPECT_EQ(balancer.targets()[2].active, 4u);
}

// --- session affinity ---

TEST(Stickiness, ClientKeepsItsTargetWhileAvailableAndUnexpired) {
  core::Simulator sim;
  Balancer balancer(std::make_unique<RoundRobin>(contextFor(3)), weighted({1, 1, 1}));
  balancer.enableStickiness(60.0, /*refresh=*/false, &sim.clock());
  Request alice;
  alice.client = 7;
  Request bob;
  bob.client = 8;
  const auto a = chosen(balancer, alice);  // round robin: t1
  const auto b = chosen(balancer, bob);    // t2
  EXPECT_NE(a, b);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(chosen(balancer, alice), a);
    EXPECT_TRUE(balancer.lastWasSticky());
  }
  // The target goes down: the client is re-balanced and re-bound.
  balancer.setAvailable(a, false);
  const auto moved = chosen(balancer, alice);
  EXPECT_NE(moved, a);
  EXPECT_FALSE(balancer.lastWasSticky());
  balancer.setAvailable(a, true);
  EXPECT_EQ(chosen(balancer, alice), moved);  // stays on the new target
}

TEST(Stickiness, FixedCookieExpiresAfterItsDurationRefreshedOneSlides) {
  ManualClock time;
  core::Simulator& sim = time.sim;
  auto advanceTo = [&](double t) { time.advanceTo(t); };
  Balancer fixed(std::make_unique<RoundRobin>(contextFor(2)), weighted({1, 1}));
  fixed.enableStickiness(10.0, false, &sim.clock());
  Balancer sliding(std::make_unique<RoundRobin>(contextFor(2)), weighted({1, 1}));
  sliding.enableStickiness(10.0, true, &sim.clock());
  Request r;
  r.client = 1;
  chosen(fixed, r);  // issued at 0: expires at 10
  chosen(sliding, r);
  advanceTo(9.0);
  chosen(fixed, r);
  EXPECT_TRUE(fixed.lastWasSticky());
  chosen(sliding, r);  // renewed: expires at 19
  EXPECT_TRUE(sliding.lastWasSticky());
  advanceTo(15.0);
  chosen(fixed, r);
  EXPECT_FALSE(fixed.lastWasSticky());  // expired at 10
  chosen(sliding, r);
  EXPECT_TRUE(sliding.lastWasSticky());
}

TEST(StickyTable, ForgetsExpiredBindingsAsItGrows) {
  StickyTable table;
  for (std::uint32_t c = 0; c < 10000; ++c)
    table.bind(c, c % 3, c + 10.0, c);
  // At the end only the bindings of the last 10 time units are alive.
  EXPECT_LE(table.size(), 10000u);
  EXPECT_EQ(table.find(9999, 9999.0).target, 9999u % 3);
  EXPECT_EQ(table.find(5, 9999.0).target, kNone);
  StickyTable small;
  for (std::uint32_t c = 0; c < 100000; ++c)
    small.bind(c, 0, c + 1.0, c);
  EXPECT_LT(small.size(), 64u);  // expired entries were dropped at each growth
}

// --- every registered policy against the same cases ---

// How a policy treats weights and idle load, for the share test below.
enum class Shares { kFollowWeights, kUniform, kFirst, kHeaviest, kHashed };

Shares expectedShares(const std::string& policy) {
  if (policy == "first") return Shares::kFirst;
  // HAProxy leastconn keys every idle server 0 and round-robins among them.
  if (policy == "least_outstanding_requests" || policy == "peak_ewma" || policy == "leastconn") {
    return Shares::kUniform;
  }
  // Kong scores an idle target (0 + 1) / weight: the heaviest wins while requests finish
  // at once.
  if (policy == "least-connections") return Shares::kHeaviest;
  if (policy == "round_robin" || policy == "least_conn" || policy == "random" ||
      policy == "least_request") {
    return Shares::kFollowWeights;
  }
  return Shares::kHashed;  // hashing policies: weights through the hash of many clients
}

class EveryPolicy : public ::testing::TestWithParam<std::string> {
 protected:
  PolicyRegistry registry_ = PolicyRegistry::withBuiltins();
  core::Simulator sim_;
  std::unique_ptr<BalancingPolicy> make(core::RandomStream& rng, std::size_t n) {
    return registry_.create(GetParam(), contextFor(n, &rng, &sim_.clock()));
  }
  // Request i comes from client i: its own address and session.
  static Request requestFrom(std::uint32_t client) {
    Request r;
    r.client = client;
    std::uint64_t z = client * 0x9e3779b97f4a7c15ULL + 1;
    r.clientAddress = static_cast<std::uint32_t>(core::splitmix64(z));
    r.sessionKey = core::splitmix64(z);
    return r;
  }
};

TEST_P(EveryPolicy, PicksOnlyAvailablePrimaries) {
  core::RandomStream rng(3);
  auto targets = weighted({1, 2, 3, 1});
  targets[1].available = false;
  targets[3].backup = true;
  Balancer balancer(make(rng, 4), targets);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const auto t = chosen(balancer, requestFrom(i));
    EXPECT_TRUE(t == 0 || t == 2) << t;
    balancer.finished(t, 0.01);
  }
}

TEST_P(EveryPolicy, UsesBackupsOnlyWhenEveryPrimaryIsDown) {
  core::RandomStream rng(4);
  auto targets = weighted({1, 1, 1, 1});
  targets[2].backup = true;
  targets[3].backup = true;
  Balancer balancer(make(rng, 4), targets);
  balancer.setAvailable(0, false);
  for (std::uint32_t i = 0; i < 200; ++i) {
    const auto t = chosen(balancer, requestFrom(i));
    EXPECT_EQ(t, 1u);
    balancer.finished(t, 0.01);
  }
  balancer.setAvailable(1, false);
  for (std::uint32_t i = 0; i < 200; ++i) {
    const auto t = chosen(balancer, requestFrom(i));
    EXPECT_TRUE(t == 2 || t == 3) << t;
    balancer.finished(t, 0.01);
  }
}

TEST_P(EveryPolicy, NeverExceedsMaxconn) {
  core::RandomStream rng(5);
  auto targets = weighted({1, 2, 1});
  for (auto& t : targets)
    t.maxConn = 3;
  Balancer balancer(make(rng, 3), targets);
  core::RandomStream finish(6);
  std::vector<std::uint32_t> inFlight;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const auto t = chosen(balancer, requestFrom(i));
    if (t != kNone) inFlight.push_back(t);
    for (const auto& s : balancer.targets())
      ASSERT_LE(s.active, 3u);
    if (!inFlight.empty() && finish.uniform01() < 0.5) {
      const std::size_t k = finish.below(inFlight.size());
      balancer.finished(inFlight[k], 0.01);
      inFlight.erase(inFlight.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
}

TEST_P(EveryPolicy, SharesWhenIdle) {
  // Requests from distinct clients finish at once, so every policy sees idle targets.
  // Weights 1:2:3. Deterministic weight-following policies are exact to 1/6000 and are
  // checked at 0.01; a random share has a standard error of at most sqrt(0.25/6000) =
  // 0.0065, so random and hashed shares are checked at 0.02 (3 standard errors).
  core::RandomStream rng(5);
  Balancer balancer(make(rng, 3), weighted({1, 2, 3}));
  std::vector<int> counts(3, 0);
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    const auto t = chosen(balancer, requestFrom(static_cast<std::uint32_t>(i)));
    ++counts[t];
    balancer.finished(t, 0.01);
  }
  const Shares kind = expectedShares(GetParam());
  const bool deterministic =
      GetParam() == "round_robin" || GetParam() == "least_conn" || GetParam() == "leastconn";
  const double tolerance = deterministic ? 0.01 : 0.02;
  std::vector<double> expected;
  switch (kind) {
    case Shares::kFollowWeights:
    case Shares::kHashed:
      expected = {1.0 / 6, 2.0 / 6, 3.0 / 6};
      break;
    case Shares::kUniform:
      expected = {1.0 / 3, 1.0 / 3, 1.0 / 3};
      break;
    case Shares::kFirst:
      expected = {1.0, 0.0, 0.0};
      break;
    case Shares::kHeaviest:
      expected = {0.0, 0.0, 1.0};
      break;
  }
  for (int t = 0; t < 3; ++t)
    EXPECT_NEAR(counts[t] / double(n), expected[t], tolerance) << t;
}

TEST_P(EveryPolicy, SameSeedSamePicks) {
  auto run = [&] {
    core::RandomStream rng(9);
    Balancer balancer(make(rng, 5), weighted({1, 1, 2, 2, 3}));
    std::vector<std::uint32_t> picks;
    for (std::uint32_t i = 0; i < 200; ++i)
      picks.push_back(chosen(balancer, requestFrom(i % 17)));
    return picks;
  };
  EXPECT_EQ(run(), run());
}

INSTANTIATE_TEST_SUITE_P(Builtins, EveryPolicy,
                         ::testing::ValuesIn(PolicyRegistry::withBuiltins().names()));

// RoundRobin runs equal whole-number weights as a rotation without touching its current
// weights; every pick and every explanation must be those of the full smooth weighted steps
// (smoothWeightedPick, the reference) while candidate sets come and go: a target down,
// a retry's pick over fewer candidates, weights that are not whole or not equal.
void checkRotationAgainstTheFullSteps(const std::vector<double>& weights, std::uint64_t seed) {
  const std::size_t n = weights.size();
  std::vector<TargetState> targets(n);
  for (std::size_t i = 0; i < n; ++i)
    targets[i].weight = weights[i];
  RoundRobin policy(contextFor(n));
  std::vector<double> reference(n, 0.0);
  core::RandomStream rng(seed);
  std::vector<std::uint32_t> all;
  for (std::uint32_t i = 0; i < n; ++i)
    all.push_back(i);
  std::vector<std::uint32_t> candidates = all;
  std::uint64_t signature = 1;
  for (int step = 0; step < 5000; ++step) {
    const std::uint64_t draw = rng.below(100);
    if (draw < 3) {
      // Another candidate set for a while (a target down, or back).
      candidates.clear();
      for (std::uint32_t i = 0; i < n; ++i) {
        if (rng.below(5) != 0) candidates.push_back(i);
      }
      if (candidates.empty()) candidates = all;
      signature = 2 + rng.below(1000000);
    }
    std::vector<std::uint32_t> used = candidates;
    std::uint64_t usedSignature = signature;
    if (draw >= 3 && draw < 6 && used.size() > 1) {
      // One pick over fewer candidates (a retry), then back to the set.
      used.erase(used.begin() + static_cast<std::ptrdiff_t>(rng.below(used.size())));
      usedSignature = signature ^ 0xabcdefULL;
    }
    const std::uint32_t expected = smoothWeightedPick(reference, targets, used);
    const Pick got = policy.pick({targets, used, usedSignature, nullptr});
    ASSERT_EQ(got.target, expected) << "step " << step;
    // The explanation quotes the picked target's current weight after the pick.
    const std::string explained = policy.explainLastPick();
    const std::string suffix = "-> " + [&] {
      char b[32];
      std::snprintf(b, sizeof b, "%g", reference[expected]);
      return std::string(b);
    }();
    ASSERT_TRUE(explained.ends_with(suffix)) << explained << " step " << step;
  }
}

TEST(SmoothWeightedRoundRobin, RotationOfEqualWeightsMatchesTheFullSteps) {
  checkRotationAgainstTheFullSteps(std::vector<double>(20, 1.0), 1);
  checkRotationAgainstTheFullSteps(std::vector<double>(7, 3.0), 2);
  checkRotationAgainstTheFullSteps({1, 1, 1, 2}, 3);          // never a rotation over all four
  checkRotationAgainstTheFullSteps({0.5, 0.5, 0.5, 0.5}, 4);  // weights not whole
}

TEST(SmoothWeightedRoundRobin, RotationExplainsItsPickAsTheFullStepsDo) {
  const auto targets = weighted({2, 2, 2});
  const std::vector<std::uint32_t> candidates = {0, 1, 2};
  RoundRobin policy(contextFor(3));
  std::vector<double> reference(3, 0.0);
  for (int i = 0; i < 5; ++i) {
    policy.pick({targets, candidates, 42, nullptr});
    smoothWeightedPick(reference, targets, candidates);
  }
  // Five picks of 2,2,2 by hand: (2,2,2) a (-4,2,2); (-2,4,4) b (-2,-2,4); (0,0,6) c
  // (0,0,0); (2,2,2) a (-4,2,2); (-2,4,4) b: target 1 at 4, less the total 6 is -2.
  EXPECT_EQ(reference[1], -2.0);
  EXPECT_EQ(policy.explainLastPick(),
            "largest current weight (4) after each added its weight; minus total 6 -> -2");
}

}  // namespace
}  // namespace lbsim::models::balancing
