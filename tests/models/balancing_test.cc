#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/balancing/balancer.h"
#include "models/balancing/least_conn.h"
#include "models/balancing/policy.h"
#include "models/balancing/round_robin.h"

namespace lbsim::models::balancing {
namespace {

std::vector<TargetState> weighted(std::initializer_list<double> weights) {
  std::vector<TargetState> out;
  for (const double w : weights)
    out.push_back({w, 0, false, true});
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

TEST(Balancer, UsesBackupsOnlyWhenNoPrimaryIsAvailable) {
  auto targets = weighted({1, 1, 1});
  targets[2].backup = true;
  Balancer balancer(std::make_unique<RoundRobin>(PolicyContext{nullptr, nullptr, 3, {}}), targets);
  Request request;
  for (int i = 0; i < 10; ++i)
    EXPECT_NE(balancer.choose(request), 2u);
  balancer.setAvailable(0, false);
  balancer.setAvailable(1, false);
  EXPECT_EQ(balancer.choose(request), 2u);
  balancer.setAvailable(2, false);
  EXPECT_EQ(balancer.choose(request), kNone);
  balancer.setAvailable(1, true);
  EXPECT_EQ(balancer.choose(request), 1u);
}

TEST(Balancer, TracksActiveRequests) {
  Balancer balancer(std::make_unique<LeastConn>(PolicyContext{nullptr, nullptr, 2, {}}),
                    weighted({1, 1}));
  Request request;
  const auto first = balancer.choose(request);
  const auto second = balancer.choose(request);
  EXPECT_NE(first, second);  // least_conn sends the second request to the idle target
  EXPECT_EQ(balancer.targets()[first].active, 1u);
  balancer.finished(first, 0.1);
  EXPECT_EQ(balancer.targets()[first].active, 0u);
  EXPECT_EQ(balancer.choose(request), first);
}

TEST(PolicyRegistry, UnknownNameListsTheValidNames) {
  const auto registry = PolicyRegistry::withBuiltins();
  try {
    registry.get("fastest");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "unknown balancing policy 'fastest'; allowed: least_conn, random, round_robin");
  }
}

TEST(PolicyRegistry, RefusesDuplicatesAndListsNamesSorted) {
  PolicyRegistry registry;
  registerBuiltinPolicies(registry);
  EXPECT_THROW(registerBuiltinPolicies(registry), std::invalid_argument);
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"least_conn", "random", "round_robin"}));
}

// Every registered policy against the same cases: only available targets, backups only
// when no primary is available, and deterministic for a seed.
class EveryPolicy : public ::testing::TestWithParam<std::string> {
 protected:
  PolicyRegistry registry_ = PolicyRegistry::withBuiltins();
  std::unique_ptr<BalancingPolicy> make(core::RandomStream& rng, std::size_t n) {
    return registry_.create(GetParam(), PolicyContext{&rng, nullptr, n, {}});
  }
};

TEST_P(EveryPolicy, PicksOnlyAvailablePrimaries) {
  core::RandomStream rng(3);
  auto targets = weighted({1, 2, 3, 1});
  targets[1].available = false;
  targets[3].backup = true;
  Balancer balancer(make(rng, 4), targets);
  Request request;
  for (int i = 0; i < 1000; ++i) {
    const auto t = balancer.choose(request);
    EXPECT_TRUE(t == 0 || t == 2) << t;
    balancer.finished(t, 0.0);
  }
}

TEST_P(EveryPolicy, SharesFollowWeightsWhenIdle) {
  // Requests finish immediately, so every policy sees idle targets: the shares must be
  // the weights' shares, 1/6, 2/6, 3/6. Deterministic policies are exact to 1/6000 and are
  // checked at 0.01; a random share has a standard error of at most sqrt(0.25/6000) =
  // 0.0065, so random is checked at 0.02 (3 standard errors).
  core::RandomStream rng(5);
  Balancer balancer(make(rng, 3), weighted({1, 2, 3}));
  Request request;
  std::vector<int> counts(3, 0);
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    const auto t = balancer.choose(request);
    ++counts[t];
    balancer.finished(t, 0.0);
  }
  const double tolerance = GetParam() == "random" ? 0.02 : 0.01;
  EXPECT_NEAR(counts[0] / double(n), 1.0 / 6, tolerance);
  EXPECT_NEAR(counts[1] / double(n), 2.0 / 6, tolerance);
  EXPECT_NEAR(counts[2] / double(n), 3.0 / 6, tolerance);
}

TEST_P(EveryPolicy, SameSeedSamePicks) {
  auto run = [&] {
    core::RandomStream rng(9);
    Balancer balancer(make(rng, 5), weighted({1, 1, 2, 2, 3}));
    Request request;
    std::vector<std::uint32_t> picks;
    for (int i = 0; i < 200; ++i)
      picks.push_back(balancer.choose(request));
    return picks;
  };
  EXPECT_EQ(run(), run());
}

INSTANTIATE_TEST_SUITE_P(Builtins, EveryPolicy,
                         ::testing::ValuesIn(PolicyRegistry::withBuiltins().names()));

}  // namespace
}  // namespace lbsim::models::balancing
