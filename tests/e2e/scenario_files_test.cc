// Every scenario file shipped under scenarios/ (recursively; scenarios/autoscaling/ holds
// HPA manifests, an Auto Scaling group and an auto-scaling script for `lbsim explain
// autoscaler`, not scenarios) loads, runs one replication cut to 60 s, conserves requests
// and completes some.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/experiment.h"
#include "models/network.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"
#include "tests/support/same_run.h"

namespace lbsim {
namespace {

namespace fs = std::filesystem;

const fs::path& scenariosDir() {
  static const fs::path dir = fs::path(LBSIM_SOURCE_DIR) / "scenarios";
  return dir;
}

// The .yaml files under scenarios/, relative to it, sorted; none under autoscaling/.
std::vector<std::string> scenarioFiles() {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(scenariosDir());
       it != fs::recursive_directory_iterator(); ++it) {
    const fs::path rel = fs::relative(it->path(), scenariosDir());
    if (it->is_directory() && rel == "autoscaling") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(rel.generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "examples/shop.yaml" -> "examples_shop": a test name.
std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - std::string(".yaml").size());
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

double figure(const models::Figures& figures, const std::string& path) {
  return test::figureValue(figures, path);
}

class ScenarioFile : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioFile, LoadsRunsAndConservesRequests) {
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  models::ScenarioSpec spec;
  ASSERT_NO_THROW(
      spec = scenarios::loadScenarioFile((scenariosDir() / GetParam()).string(), policies));
  // One replication of the first minute, counted from time 0: every request created is
  // then either completed, failed, or still in flight when the run stops. The run samples
  // the requests in flight once per time-series interval (runReplication); one interval of
  // the whole run makes that one sample, taken at the end, after everything else due then.
  spec.duration = 60;
  spec.warmup = 0;
  spec.replications = 1;
  spec.timeseriesInterval = 60;
  const auto r = models::runReplication(spec, 0, policies);
  ASSERT_FALSE(r.interrupted);

  const double created = figure(r.figures, "end_to_end/all/requests");
  const double done = figure(r.figures, "end_to_end/all/completed");
  double errors = 0;
  for (std::size_t k = 0; k < models::kErrorCauseCount; ++k) {
    errors += figure(r.figures,
                     "end_to_end/all/errors/" +
                         std::string(models::errorCauseName(static_cast<models::ErrorCause>(k))));
  }
  EXPECT_GT(created, 0);
  EXPECT_LE(done + errors, created);
  EXPECT_LE(created - (done + errors), static_cast<double>(r.peakRequestsInFlight))
      << "more requests unaccounted for than were in flight at the end";
  EXPECT_GT(figure(r.figures, "end_to_end/all/throughput_rps"), 0);
}

// The short path of plain tiers (ServicePool::allowPlainPath) changes no figure: the same
// minute run with every tier on the general path gives the same bits.
TEST_P(ScenarioFile, TheShortPathOfPlainTiersChangesNothing) {
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  models::ScenarioSpec spec =
      scenarios::loadScenarioFile((scenariosDir() / GetParam()).string(), policies);
  spec.duration = 60;
  spec.warmup = 0;
  spec.replications = 1;
  models::RunHooks general;
  general.attach = [](models::Network& network, std::uint32_t) {
    for (models::TierIndex t = 0; t < network.tierCount(); ++t)
      network.tier(t).forbidPlainPath();
  };
  const auto a = models::runReplication(spec, 0, policies);
  const auto b = models::runReplication(spec, 0, policies, general);
  test::expectSameBits(a, b);
}

INSTANTIATE_TEST_SUITE_P(ScenarioFiles, ScenarioFile, ::testing::ValuesIn(scenarioFiles()),
                         testName);

// The walk finds the scenarios and skips the autoscaling inputs.
TEST(ScenarioFilesList, FindsTheScenariosAndSkipsAutoscaling) {
  const auto files = scenarioFiles();
  for (const char* expected :
       {"cerebrum.yaml", "examples/shop.yaml", "automata.yaml", "spike-10x.yaml", "testbro.yaml"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), expected), files.end()) << expected;
  }
  for (const auto& f : files)
    EXPECT_NE(f.rfind("autoscaling/", 0), 0u) << f;
}

}  // namespace
}  // namespace lbsim
