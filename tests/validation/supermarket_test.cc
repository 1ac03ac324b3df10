#include "validation/analytic/supermarket.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "models/experiment.h"

namespace lbsim::validation {
namespace {

TEST(Supermarket, SeriesValues) {
  // d = 2, lambda = 0.9: 1 + 0.9^2 + 0.9^6 + 0.9^14 + 0.9^30 + 0.9^62 + ... (hand sum of
  // the series in supermarket.h) = 2.61365...
  const double byHand = 1 + std::pow(0.9, 2) + std::pow(0.9, 6) + std::pow(0.9, 14) +
                        std::pow(0.9, 30) + std::pow(0.9, 62) + std::pow(0.9, 126) +
                        std::pow(0.9, 254);
  EXPECT_NEAR(supermarketMeanTime(2, 0.9), byHand, 1e-12);
  EXPECT_NEAR(supermarketMeanTime(1, 0.9), 10.0, 1e-12);
  // d = 3 at 0.9: exponents (3^i - 3)/2 = 0, 3, 12, 39, ...
  EXPECT_NEAR(supermarketMeanTime(3, 0.9),
              1 + std::pow(0.9, 3) + std::pow(0.9, 12) + std::pow(0.9, 39) + std::pow(0.9, 120) +
                  std::pow(0.9, 363),
              1e-12);
}

// N = 100 single-worker replicas with exponential service of mean 1, Poisson arrivals at
// 0.9 per replica, balanced by `policy`.
models::ScenarioSpec supermarketScenario(const std::string& policy) {
  models::ScenarioSpec spec;
  spec.name = "supermarket";
  spec.seed = 11;
  spec.duration = 4000;
  spec.warmup = 200;
  spec.replications = 5;
  spec.timeseriesInterval = 4000;
  spec.traffic.phases = {{"steady", 4000, 90.0, std::nullopt}};
  spec.traffic.mix = {{"job", 1.0, {"job"}}};
  spec.classes = {{"job", {"pool"}, {}}};
  models::TierSpec tier;
  tier.id = "pool";
  tier.service = core::Distribution::exponential(1.0);
  for (int i = 0; i < 100; ++i) {
    models::TargetSpec t;
    char name[16];
    std::snprintf(name, sizeof name, "s%d", i);
    t.name = name;
    tier.targets.push_back(t);
  }
  tier.balancer.policy = policy;
  spec.tiers = {tier};
  return spec;
}

double meanResponse(const std::string& policy) {
  const auto result = models::runExperiment(supermarketScenario(policy),
                                            models::balancing::PolicyRegistry::withBuiltins());
  for (const auto& f : result.figures) {
    if (f.path == "end_to_end/all/latency_s/mean") return f.estimate.mean;
  }
  return NAN;
}

TEST(Supermarket, PowerOfTwoChoicesMatchesMitzenmachersLimit) {
  // Envoy least_request with equal weights samples 2 replicas with replacement and takes
  // the one with fewer active requests: the supermarket model with d = 2. With N = 100
  // the finite system is within 5% of the N -> infinity limit T_2(0.9) = 2.6137.
  const double limit = supermarketMeanTime(2, 0.9);
  const double p2c = meanResponse("least_request");
  EXPECT_NEAR(p2c, limit, 0.05 * limit) << "simulated " << p2c << ", limit " << limit;
  // Random assignment is 100 independent M/M/1 queues: T_1 = 10, about four times worse.
  const double random = meanResponse("random");
  EXPECT_NEAR(random, 10.0, 0.10 * 10.0);
  EXPECT_GT(random, 3.0 * p2c);
}

}  // namespace
}  // namespace lbsim::validation
