// Golden end-to-end runs: a scenario file, its fixed seed, and the results that must come
// out, byte for byte. A change in behaviour shows up here as a diff; when the change is
// intended, regenerate with LBSIM_UPDATE_GOLDEN=1 and review the diff of the golden files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/output/results.h"
#include "models/experiment.h"
#include "models/metrics/trace.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

const std::filesystem::path kRoot = LBSIM_SOURCE_DIR;

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outputs {
  std::string summary;
  std::string timeseries;
};

Outputs run(const std::string& scenario, double duration = 0.0) {
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  auto spec = scenarios::loadScenarioFile((kRoot / scenario).string(), policies);
  if (duration > 0.0) spec.duration = duration;
  const auto result = models::runExperiment(spec, policies);
  return {output::summaryJson(spec, result).dump(2) + "\n", output::timeseriesCsv(result.series)};
}

void compareWithGolden(const std::string& name, const std::string& actual) {
  const auto path = kRoot / "tests/e2e/golden" / name;
  if (std::getenv("LBSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  EXPECT_EQ(readFile(path), actual) << "differs from " << path;
}

TEST(Golden, ShopSummaryAndTimeSeries) {
  const Outputs out = run("scenarios/examples/shop.yaml");
  compareWithGolden("shop.summary.json", out.summary);
  compareWithGolden("shop.timeseries.csv", out.timeseries);
}

TEST(Golden, ShopFiguresMakeSense) {
  // Independent of the golden bytes: conservation and bounds that any correct run obeys.
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  const auto spec =
      scenarios::loadScenarioFile((kRoot / "scenarios/examples/shop.yaml").string(), policies);
  const auto result = models::runExperiment(spec, policies);
  auto value = [&](const std::string& path) { return test::figureMean(result.figures, path); };
  // Offered load after the 1 min warm-up: users arrive at 20/s for 4 min, then ramp 20 ->
  // 60/s over 5 min (mean 40/s); a user makes 1.25 requests (3:1 browse vs browse+buy).
  const double users = 20 * 240 + 40 * 300;
  EXPECT_NEAR(value("end_to_end/all/requests"), users * 1.25, 0.03 * users * 1.25);
  // Every request visits all three tiers; the backup app replica takes no traffic while
  // the primaries are up.
  EXPECT_EQ(value("tiers/app/replicas/app-3/share"), 0.0);
  // least_conn with weights 2:1 gives app-1 more than app-2.
  EXPECT_GT(value("tiers/app/replicas/app-1/share"), value("tiers/app/replicas/app-2/share"));
  // Writes only on the primary, reads only on the replicas: the primary serves the buys.
  EXPECT_NEAR(value("tiers/db/replicas/db-primary/share"), 0.2, 0.02);
  EXPECT_LE(value("tiers/app/utilization"), 1.0);
  EXPECT_LE(value("end_to_end/all/latency_s/p50"), value("end_to_end/all/latency_s/p99"));
}

TEST(Determinism, SameScenarioAndSeedGiveTheSameBytes) {
  const Outputs a = run("scenarios/examples/shop.yaml");
  const Outputs b = run("scenarios/examples/shop.yaml");
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.timeseries, b.timeseries);
}

// Trace rows as text, in the order they were written.
class TextTrace final : public models::TraceSink {
 public:
  void write(const models::TraceRecord& r) override {
    text += std::to_string(r.replication) + "," + std::to_string(r.request) + "," + *r.cls + "," +
            std::to_string(r.hop) + "," + *r.tier + "," + (r.replica ? *r.replica : "-") + "," +
            output::csvNumber(r.arrived) + "," + output::csvNumber(r.departed) + "," +
            std::string(r.outcome) + "\n";
  }
  std::string text;
};

TEST(Determinism, ReplicationsOnSeveralThreadsGiveTheSameBytes) {
  // --jobs: every replication's result depends only on its seed, and the replications are
  // combined in order, so 1, 2 or 3 threads give the same files, trace rows included. The
  // failover scenario brings health and fault events into the log.
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  for (const char* scenario : {"scenarios/examples/shop.yaml", "scenarios/failover.yaml"}) {
    auto spec = scenarios::loadScenarioFile((kRoot / scenario).string(), policies);
    spec.replications = 4;
    spec.duration = std::min(spec.duration, 240.0);  // failover.yaml: its first fault is at 3m
    std::vector<std::string> outputs;
    for (const unsigned jobs : {1u, 2u, 3u}) {
      TextTrace trace;
      models::RunHooks hooks;
      hooks.trace = &trace;
      hooks.traceFraction = 0.05;
      const auto result = models::runExperiment(spec, policies, hooks, jobs);
      ASSERT_FALSE(result.interrupted);
      ASSERT_EQ(result.seeds.size(), 4u);
      ASSERT_FALSE(trace.text.empty());
      outputs.push_back(output::summaryJson(spec, result).dump(2) +
                        output::timeseriesCsv(result.series) + output::eventsCsv(result.log) +
                        trace.text);
    }
    EXPECT_EQ(outputs[0], outputs[1]) << scenario << ": 2 jobs differ from 1";
    EXPECT_EQ(outputs[0], outputs[2]) << scenario << ": 3 jobs differ from 1";
  }
}

TEST(Determinism, AnInterruptedRunOnSeveralThreadsSaysSo) {
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  auto spec =
      scenarios::loadScenarioFile((kRoot / "scenarios/examples/shop.yaml").string(), policies);
  spec.replications = 4;
  models::RunHooks hooks;
  int polls = 0;
  hooks.interrupted = [&polls] { return ++polls > 30; };  // called under the runner's lock
  const auto result = models::runExperiment(spec, policies, hooks, 2);
  EXPECT_TRUE(result.interrupted);
  EXPECT_LT(result.seeds.size(), 4u);
}

TEST(RunLimits, AQueueWithNoLimitThatOverflowsStopsTheRunAndIsNamed) {
  // shop.yaml's gateway (2 x 64 workers of 1 ms, no queue_limit) serves some 128,000
  // requests/s; at 10^6/s its queue grows by about 870,000 a second, and the run is stopped
  // (here at 1,000 in flight, a limit lowered for the test) instead of growing until the
  // machine's memory runs out. On one thread and on two.
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  auto spec =
      scenarios::loadScenarioFile((kRoot / "scenarios/examples/shop.yaml").string(), policies);
  spec.replications = 2;
  models::RunHooks hooks;
  hooks.maxRequestsInFlight = 1000;
  for (const unsigned jobs : {1u, 2u}) {
    auto overloaded = spec;
    overloaded.traffic.phases = {{"flood", spec.duration, 1e6, std::nullopt}};
    try {
      models::runExperiment(overloaded, policies, hooks, jobs);
      ADD_FAILURE() << "the run was not stopped, jobs " << jobs;
    } catch (const models::RunError& e) {
      const std::string message = e.what();
      // The first replication's, whichever thread failed first.
      EXPECT_EQ(message.rfind("replication 1 stopped at ", 0), 0u) << message;
      EXPECT_NE(message.find("requests in flight; allowed: at most 1000"), std::string::npos)
          << message;
      EXPECT_NE(message.find("Tier 'gateway' queues"), std::string::npos) << message;
    }
  }
  // At the scenario's own rates (20 to 60 requests/s) a few hundred at most are in flight.
  spec.replications = 1;
  spec.duration = 120.0;
  EXPECT_NO_THROW(models::runExperiment(spec, policies, hooks));
}

TEST(Determinism, CerebrumIsReproducible) {
  // The seed scenario, shortened to its first 10 minutes to keep the test quick.
  const Outputs a = run("scenarios/cerebrum.yaml", 600);
  const Outputs b = run("scenarios/cerebrum.yaml", 600);
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.timeseries, b.timeseries);
}

}  // namespace
}  // namespace lbsim
