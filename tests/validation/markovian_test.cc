#include "validation/analytic/markovian.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/experiment.h"
#include "tests/support/figures.h"

namespace lbsim::validation {
namespace {

TEST(ErlangFormulas, MatchClosedForms) {
  // M/M/2 at rho: P(wait) = 2 rho^2 / (1 + rho) (Kleinrock vol. 1, M/M/m with m = 2).
  EXPECT_NEAR(erlangC(2, 1.0), 2 * 0.25 / 1.5, 1e-12);
  // M/M/1: P(wait) = rho.
  EXPECT_NEAR(erlangC(1, 0.9), 0.9, 1e-12);
  // Erlang B with one server: a / (1 + a).
  EXPECT_NEAR(erlangB(1, 3.0), 0.75, 1e-12);
  // Erlang B(10 servers, 5 Erlangs) = 0.018385 (standard Erlang B table).
  EXPECT_NEAR(erlangB(10, 5.0), 0.0183845, 5e-7);
}

TEST(ErlangFormulas, MM1) {
  const auto m = mm1(0.9, 1.0);
  EXPECT_NEAR(m.meanResponse, 10.0, 1e-12);  // 1 / (mu - lambda)
  EXPECT_NEAR(m.meanWait, 9.0, 1e-12);       // rho / (mu - lambda)
  EXPECT_NEAR(m.meanInSystem, 9.0, 1e-12);   // rho / (1 - rho)
}

// One tier of `servers` workers, exponential service of mean 1/mu, Poisson arrivals at
// lambda: an M/M/c queue.
models::ScenarioSpec mmcScenario(int servers, double lambda, double mu, double duration,
                                 double warmup, std::uint32_t replications) {
  models::ScenarioSpec spec;
  spec.name = "mmc";
  spec.seed = 2026;
  spec.duration = duration;
  spec.warmup = warmup;
  spec.replications = replications;
  spec.timeseriesInterval = duration;
  spec.traffic.phases = {{"steady", duration, lambda, std::nullopt}};
  spec.traffic.mix = {{"job", 1.0, {"job"}}};
  spec.classes = {{"job", {"station"}, {}}};
  models::TierSpec tier;
  tier.id = "station";
  tier.service = core::Distribution::exponential(1.0 / mu);
  models::TargetSpec target;
  target.name = "station-1";
  target.workers = static_cast<std::uint32_t>(servers);
  tier.targets = {target};
  spec.tiers = {tier};
  return spec;
}

const models::FigureEstimate& figure(const models::ExperimentResult& r, const std::string& path) {
  return test::findFigure(r.figures, path);
}

struct Case {
  const char* name;
  int servers;
  double lambda;
  double mu;
  double duration;  // per replication, in mean service times
};

class MarkovianQueue : public ::testing::TestWithParam<Case> {};

// The simulated mean response time W and mean wait Wq, over 10 replications with the
// first 5% deleted as warm-up, must hold the exact value in their 95% confidence interval:
//   M/M/1: W = 1/(mu - lambda), Wq = rho/(mu - lambda)
//   M/M/c: Wq = C(c, a) / (c mu - lambda), W = Wq + 1/mu, C from Erlang B (see markovian.h)
TEST_P(MarkovianQueue, MeanResponseAndWaitWithinTheConfidenceInterval) {
  const Case c = GetParam();
  const auto exact = mmc(c.servers, c.lambda, c.mu);
  const auto spec = mmcScenario(c.servers, c.lambda, c.mu, c.duration, 0.05 * c.duration, 10);
  const auto result =
      models::runExperiment(spec, models::balancing::PolicyRegistry::withBuiltins());
  const auto& w = figure(result, "end_to_end/all/latency_s/mean").estimate;
  const auto& wq = figure(result, "tiers/station/wait_s/mean").estimate;
  const auto& util = figure(result, "tiers/station/utilization").estimate;
  EXPECT_TRUE(w.contains(exact.meanResponse)) << c.name << ": W exact " << exact.meanResponse
                                              << ", simulated " << w.mean << " +- " << w.halfWidth;
  EXPECT_TRUE(wq.contains(exact.meanWait)) << c.name << ": Wq exact " << exact.meanWait
                                           << ", simulated " << wq.mean << " +- " << wq.halfWidth;
  EXPECT_TRUE(util.contains(exact.utilization))
      << c.name << ": rho exact " << exact.utilization << ", simulated " << util.mean << " +- "
      << util.halfWidth;
  // The interval must be informative, not just wide: half-width under 5% of W.
  EXPECT_LT(w.halfWidth, 0.05 * exact.meanResponse) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Validation, MarkovianQueue,
                         ::testing::Values(Case{"MM1_rho05", 1, 0.5, 1.0, 40000.0},
                                           Case{"MM1_rho09", 1, 0.9, 1.0, 200000.0},
                                           Case{"MM8_rho09", 8, 7.2, 1.0, 40000.0}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace lbsim::validation
