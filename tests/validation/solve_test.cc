#include "validation/solve.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "models/experiment.h"
#include "scenarios/loader.h"

namespace lbsim::validation {
namespace {

// Three single-server tiers in tandem, exponential service rates 2, 3 and 4 per second,
// Poisson arrivals at lambda = 1.5/s: an open Jackson network.
models::ScenarioSpec tandem(double duration, std::uint32_t replications) {
  models::ScenarioSpec spec;
  spec.name = "tandem";
  spec.seed = 5;
  spec.duration = duration;
  spec.warmup = 0.02 * duration;
  spec.replications = replications;
  spec.timeseriesInterval = duration;
  spec.traffic.phases = {{"steady", duration, 1.5, std::nullopt}};
  spec.traffic.mix = {{"job", 1.0, {"job"}}};
  spec.classes = {{"job", {"a", "b", "c"}, {}}};
  const double rates[] = {2.0, 3.0, 4.0};
  const char* ids[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    models::TierSpec t;
    t.id = ids[i];
    t.service = core::Distribution::exponential(1.0 / rates[i]);
    models::TargetSpec target;
    target.name = std::string(ids[i]) + "-1";
    t.targets = {target};
    spec.tiers.push_back(t);
  }
  return spec;
}

// Jackson (Burke): each tier is an M/M/1 queue at lambda, so the mean sojourn is
//   W = 1/(2 - 1.5) + 1/(3 - 1.5) + 1/(4 - 1.5) = 2 + 0.666667 + 0.4 = 3.066667 s.
constexpr double kJacksonW = 1.0 / 0.5 + 1.0 / 1.5 + 1.0 / 2.5;

TEST(Solve, TandemOfMM1IsExact) {
  const auto r = solveScenario(tandem(1000, 1));
  ASSERT_EQ(r.classes.size(), 1u);
  EXPECT_NEAR(r.classes[0].meanResponse, kJacksonW, 1e-12);
  EXPECT_NEAR(r.tiers[0].utilization, 0.75, 1e-12);
  EXPECT_EQ(r.bottleneck, "a");
  EXPECT_NEAR(r.saturationUserRate, 2.0, 1e-12);  // the first tier saturates at its rate
}

TEST(Solve, AgreesWithTheSimulationInsideItsAssumptions) {
  // The simulated end-to-end mean over 10 replications must hold the Jackson value in its
  // 95% confidence interval: solve and run agree where the model is exact.
  const auto spec = tandem(40000, 10);
  const auto result =
      models::runExperiment(spec, models::balancing::PolicyRegistry::withBuiltins());
  for (const auto& f : result.figures) {
    if (f.path != "end_to_end/all/latency_s/mean") continue;
    EXPECT_TRUE(f.estimate.contains(kJacksonW))
        << "simulated " << f.estimate.mean << " +- " << f.estimate.halfWidth << ", Jackson "
        << kJacksonW;
    EXPECT_LT(f.estimate.halfWidth, 0.03 * kJacksonW);
  }
}

TEST(Solve, ShopSaturationPointByHand) {
  // scenarios/examples/shop.yaml at 40 users/s: per user 1 browse (3/4 + 1/4) and 1/4 buy,
  // so 40 browse/s at 40 ms and 10 buy/s at 60 ms at the app tier: 2.2 busy workers,
  // spread by least_conn (load-aware: by capacity) over the two primaries of 4 workers:
  // 0.275 each. Saturation at 40 / 0.275 = 145.45 users/s.
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  const auto spec = scenarios::loadScenarioFile(
      (std::filesystem::path(LBSIM_SOURCE_DIR) / "scenarios/examples/shop.yaml").string(),
      policies);
  const auto r = solveScenario(spec, 40.0);
  EXPECT_NEAR(r.requestRate, 50.0, 1e-9);
  EXPECT_EQ(r.bottleneck, "app");
  EXPECT_NEAR(r.tiers[1].utilization, 0.275, 1e-12);
  EXPECT_NEAR(r.saturationUserRate, 40.0 / 0.275, 1e-9);
}

// Closed-loop users only: N users, exponential think time Z, one tier of c exponential
// workers of mean S. This is the finite-source (machine repairman) M/M/c//N queue, whose
// exact throughput comes from its birth-death chain: p_k proportional to
// N!/(N-k)! (S/Z)^k / (min(k,c)! c^max(k-c,0)), X = sum_k p_k min(k,c)/S. Computed here
// independently of the mean value analysis lbsim solve uses.
double repairmanThroughput(int users, double think, double service, int servers) {
  std::vector<double> p{1.0};
  for (int k = 1; k <= users; ++k) {
    p.push_back(p.back() * (users - k + 1) * (service / think) / std::min(k, servers));
  }
  double total = 0.0, x = 0.0;
  for (int k = 0; k <= users; ++k) {
    total += p[k];
    x += p[k] * std::min(k, servers) / service;
  }
  return x / total;
}

models::ScenarioSpec closedLoop(std::uint32_t users, double think, double service,
                                std::uint32_t workers) {
  models::ScenarioSpec spec = tandem(100, 1);
  spec.traffic.phases.clear();
  spec.traffic.closed.users = users;
  spec.traffic.closed.think = core::Distribution::exponential(think);
  spec.classes = {{"job", {"a"}, {}}};
  spec.tiers.resize(1);
  spec.tiers[0].service = core::Distribution::exponential(service);
  spec.tiers[0].targets[0].workers = workers;
  return spec;
}

TEST(Solve, ClosedLoopUsersByMeanValueAnalysis) {
  // One worker: the network is product-form and MVA exact. 10 users, Z = 1 s, S = 100 ms:
  // X = 7.854177/s (the birth-death chain), R = N/X - Z = 0.273208 s.
  const auto one = solveScenario(closedLoop(10, 1.0, 0.1, 1));
  EXPECT_EQ(one.closedUsers, 10u);
  EXPECT_NEAR(one.requestRate, repairmanThroughput(10, 1.0, 0.1, 1), 1e-9);
  EXPECT_NEAR(one.classes[0].meanResponse, 10.0 / one.requestRate - 1.0, 1e-9);
  EXPECT_NEAR(one.tiers[0].utilization, one.requestRate * 0.1, 1e-12);
  EXPECT_EQ(one.bottleneck, "a");
  // Kleinrock's saturation point N* = (D + Z) / D_max = (0.1 + 1) / 0.1 = 11 users.
  EXPECT_NEAR(one.saturationUserRate, 11.0, 1e-9);
  // Two workers, 50 users, Z = 2 s (the exact chain: X = 19.5755/s): Seidmann's
  // approximation, within 1% here.
  const auto two = solveScenario(closedLoop(50, 2.0, 0.1, 2));
  EXPECT_NEAR(two.requestRate, repairmanThroughput(50, 2.0, 0.1, 2),
              0.01 * repairmanThroughput(50, 2.0, 0.1, 2));
  EXPECT_LT(two.tiers[0].utilization, 1.0);
}

// A population times replicas beyond the exact recursion's budget (5e7) is solved by
// Schweitzer's fixed point: 10 million users over six one-worker replicas of 10 ms (round
// robin). Its two asymptotes: with a think time of 1000 s the users offer 10,000/s and the
// six replicas bound the throughput at 600/s; with 10^6 s they offer 10/s, 1.7% of the
// capacity, and nearly all of it passes: X = N / (Z + R) with R about 10 ms.
TEST(Solve, AHugePopulationUsesSchweitzersApproximation) {
  auto spec = closedLoop(10'000'000, 1000.0, 0.01, 1);
  const auto one = spec.tiers[0].targets[0];
  spec.tiers[0].targets.assign(6, one);
  const auto busy = solveScenario(spec);
  EXPECT_NEAR(busy.requestRate, 600.0, 0.6);
  EXPECT_NEAR(busy.saturationUserRate, (0.01 + 1000.0) / (0.01 / 6.0), 1e-3);
  bool schweitzer = false;
  for (const auto& c : busy.caveats)
    schweitzer |= c.find("Schweitzer") != std::string::npos;
  EXPECT_TRUE(schweitzer);
  spec.traffic.closed.think = core::Distribution::exponential(1e6);
  const auto light = solveScenario(spec);
  EXPECT_NEAR(light.requestRate, 1e7 / (1e6 + 0.01), 1e-3);
}

TEST(Solve, FlagsSaturatedTiers) {
  const auto r = solveScenario(tandem(1000, 1), 2.5);
  EXPECT_FALSE(r.tiers[0].stable);
  bool flagged = false;
  for (const auto& c : r.caveats)
    flagged |= c.find("tier 'a' is saturated") != std::string::npos;
  EXPECT_TRUE(flagged);
}

// How the policy feeds alike replicas: tier a alone, 3 replicas of 2 workers, exponential
// service of 0.5 s, 6 requests/s (rho 0.5). Random: each replica an M/M/2 at 2/s. least_conn:
// one M/M/6 at 6/s. Round robin: each replica takes every third arrival (Erlang-3 gaps, SCV
// 1/3), which Allen-Cunneen scales by (1/3 + 1)/2 from the M/M/2 wait. Erlang C by hand:
// Wq = C(c, a) / (c mu - lambda).
TEST(Solve, ThePolicyDecidesHowReplicasAreFed) {
  auto erlangWait = [](int c, double lambda, double mu) {
    const double a = lambda / mu;
    double term = 1.0, sum = 0.0;
    for (int k = 0; k < c; ++k) {
      sum += term;
      term *= a / (k + 1);
    }
    const double top = term * c / (c - a);
    return top / (sum + top) / (c * mu - lambda);
  };
  auto waitWith = [](const std::string& policy) {
    auto spec = tandem(1000, 1);
    spec.classes[0].route = {"a"};
    spec.tiers.resize(1);
    spec.tiers[0].service = core::Distribution::exponential(0.5);
    spec.tiers[0].balancer.policy = policy;
    spec.tiers[0].targets.resize(3, spec.tiers[0].targets[0]);
    for (std::size_t r = 0; r < 3; ++r) {
      spec.tiers[0].targets[r].workers = 2;
      spec.tiers[0].targets[r].name = "a-" + std::to_string(r + 1);
    }
    return solveScenario(spec, 6.0).tiers[0].meanWait;
  };
  const double random = erlangWait(2, 2.0, 2.0);
  EXPECT_NEAR(waitWith("random"), random, 1e-12);
  EXPECT_NEAR(waitWith("least_conn"), erlangWait(6, 6.0, 2.0), 1e-12);
  EXPECT_NEAR(waitWith("round_robin"), random * (1.0 / 3.0 + 1.0) / 2.0, 1e-12);
}

// A bounded queue is M/M/c/K: tier a alone, one worker, room for K = 5 (queue_limit 4), at
// rho = 1.5/2 = 0.75 and, beyond saturation, at rho = 1.5. M/M/1/K in closed form (Kleinrock
// vol. 1, sec. 3.6): P_K = (1 - rho) rho^K / (1 - rho^(K+1)),
// L = rho/(1 - rho) - (K + 1) rho^(K+1) / (1 - rho^(K+1)), Wq = L / (lambda (1 - P_K)) - 1/mu.
TEST(Solve, ABoundedQueueIsMMcK) {
  for (const double lambda : {1.5, 3.0}) {
    auto spec = tandem(1000, 1);
    spec.classes[0].route = {"a"};
    spec.tiers.resize(1);
    spec.tiers[0].targets[0].queueLimit = 4;
    const double mu = 2.0, rho = lambda / mu;
    const int k = 5;
    const double pk = (1 - rho) * std::pow(rho, k) / (1 - std::pow(rho, k + 1));
    const double l = rho / (1 - rho) - (k + 1) * std::pow(rho, k + 1) / (1 - std::pow(rho, k + 1));
    const double wq = l / (lambda * (1 - pk)) - 1 / mu;
    const auto r = solveScenario(spec, lambda);
    EXPECT_NEAR(r.tiers[0].meanWait, wq, 1e-9 * wq) << lambda;
    EXPECT_TRUE(r.tiers[0].stable) << lambda;  // a full queue refuses; it does not grow
    bool refusals = false;
    for (const auto& c : r.caveats)
      refusals |= c.find("tier 'a' refuses about") != std::string::npos;
    EXPECT_TRUE(refusals) << lambda;
  }
}

}  // namespace
}  // namespace lbsim::validation

namespace lbsim::validation {
namespace {

// Every scenario shipped in scenarios/ gets an estimate (a constant service time once made
// the SCV a rounding error below zero, which the G/G/c formula refused), with the caveats of
// the mechanisms the estimate leaves out.
TEST(Solve, EveryShippedScenario) {
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  const std::filesystem::path dir = std::filesystem::path(LBSIM_SOURCE_DIR) / "scenarios";
  std::size_t solved = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    const auto spec = scenarios::loadScenarioFile(entry.path().string(), policies);
    if (spec.traffic.phases.empty() && spec.traffic.closed.users == 0) continue;  // a replay
    const SolveResult r = solveScenario(spec);
    EXPECT_FALSE(r.bottleneck.empty()) << entry.path();
    ++solved;
  }
  EXPECT_GE(solved, 3u);
  const auto cerebrum =
      solveScenario(scenarios::loadScenarioFile((dir / "cerebrum.yaml").string(), policies));
  bool cacheCaveat = false;
  for (const auto& c : cerebrum.caveats)
    cacheCaveat |= c.rfind("caches are ignored", 0) == 0;
  EXPECT_TRUE(cacheCaveat);
}

}  // namespace
}  // namespace lbsim::validation
