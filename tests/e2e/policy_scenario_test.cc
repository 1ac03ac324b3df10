// Every registered balancing policy on a real scenario (scenarios/examples/shop.yaml, its
// app tier balanced by the policy under test): requests are conserved, the backup stays
// idle while the primaries are up, and the run is reproducible.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/output/results.h"
#include "models/experiment.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

class PolicyOnShop : public ::testing::TestWithParam<std::string> {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();
  models::ScenarioSpec spec() {
    auto s = scenarios::loadScenarioFile(
        (std::filesystem::path(LBSIM_SOURCE_DIR) / "scenarios/examples/shop.yaml").string(),
        policies_);
    s.duration = 180;
    s.warmup = 30;
    s.replications = 1;
    for (auto& t : s.tiers) {
      if (t.id == "app") t.balancer.policy = GetParam();
    }
    return s;
  }
  static double value(const models::ExperimentResult& r, const std::string& path) {
    return test::figureMean(r.figures, path);
  }
};

TEST_P(PolicyOnShop, ConservesRequestsAndKeepsTheBackupIdle) {
  const auto s = spec();
  const auto r = models::runExperiment(s, policies_);
  const double created = value(r, "end_to_end/all/requests");
  const double done = value(r, "end_to_end/all/completed");
  double errors = 0;
  for (std::size_t k = 0; k < models::kErrorCauseCount; ++k) {
    errors += value(r, "end_to_end/all/errors/" +
                           std::string(models::errorCauseName(static_cast<models::ErrorCause>(k))));
  }
  // Counted after the warm-up: requests in flight at either end of that window (a handful
  // at these loads: tens of requests/s, tens of milliseconds each) make the only gap.
  EXPECT_NEAR(done + errors, created, 50);
  EXPECT_EQ(value(r, "tiers/app/replicas/app-3/share"), 0.0);
  const double share1 = value(r, "tiers/app/replicas/app-1/share");
  const double share2 = value(r, "tiers/app/replicas/app-2/share");
  EXPECT_NEAR(share1 + share2, 1.0, 1e-12);
}

TEST_P(PolicyOnShop, SameSeedSameSummary) {
  const auto s = spec();
  const auto a = models::runExperiment(s, policies_);
  const auto b = models::runExperiment(s, policies_);
  EXPECT_EQ(output::summaryJson(s, a).dump(), output::summaryJson(s, b).dump());
}

INSTANTIATE_TEST_SUITE_P(
    Builtins, PolicyOnShop,
    ::testing::ValuesIn(models::balancing::PolicyRegistry::withBuiltins().names()));

}  // namespace
}  // namespace lbsim
