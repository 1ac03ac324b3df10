// The autoscalers in the running model: the controllers of models/autoscaling driven by the
// metrics pipeline over the replicas, and the replica lifecycle they drive. Deterministic
// scenarios (evenly spaced arrivals, constant service times), so every decision is worked
// out by hand from the controller's rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/experiment.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/small_hpa.h"

namespace lbsim {
namespace {

class AutoscalingSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("lbsim-autoscaling-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  models::ReplicationResult run(const std::string& yaml) {
    const std::string path = write("scenario.yaml", yaml);
    spec_ = scenarios::loadScenarioFile(path, policies_);
    return models::runReplication(spec_, 0, policies_);
  }
  static double figure(const models::ReplicationResult& r, const std::string& path) {
    for (const auto& f : r.figures) {
      if (f.path == path) return f.value;
    }
    ADD_FAILURE() << "no figure " << path;
    return 0.0;
  }
  // The value of a series at a sample time.
  static double at(const models::ReplicationResult& r, const std::string& metric,
                   const std::string& node, double time) {
    for (std::size_t k = 0; k < r.series.seriesCount(); ++k) {
      if (r.series.key(k).metric != metric || r.series.key(k).node != node) continue;
      for (std::size_t i = 0; i < r.series.sampleCount(); ++i) {
        if (std::abs(r.series.times()[i] - time) < 1e-9) return r.series.values(k)[i];
      }
    }
    ADD_FAILURE() << "no sample of " << metric << " " << node << " at " << time;
    return -1.0;
  }

  std::filesystem::path dir_;
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();
  models::ScenarioSpec spec_;
};

const char* kHpa = lbsim::testing::kSmallHpa;

// 150 requests/s of 10 ms each over two one-worker replicas (1 core each, a busy worker is
// one core): CPU utilization 150 x 0.01 / 2 = 75%. The metrics pipeline samples every 15 s
// and the HPA syncs every 15 s, just after: at 15 s it sees 75% against 50%, so
// ceil(2 x 75/50) = 3 (within the default scale-up limit max(2 x 2, 4)). The new replica is
// ready 20 s later, at 35 s; then 150 x 0.01 / 3 = 50%, inside the tolerance: 3 it stays.
TEST_F(AutoscalingSimTest, TheHpaScalesToItsProposalAndTheReplicaJoinsWhenReady) {
  write("hpa.yaml", kHpa);
  const auto r = run(lbsim::testing::kSmallHpaScenario);
  EXPECT_EQ(at(r, "replicas_desired", "api", 10.0), 2.0);
  EXPECT_EQ(at(r, "replicas_desired", "api", 15.0), 3.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 30.0), 2.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 35.0), 3.0);
  EXPECT_EQ(at(r, "replicas_desired", "api", 120.0), 3.0);
  EXPECT_EQ(figure(r, "tiers/api/autoscaler/scale_changes"), 1.0);
  EXPECT_EQ(figure(r, "tiers/api/autoscaler/max_desired"), 3.0);
  // replica-hours: 2 replicas for 15 s, then 3 for 105 s.
  EXPECT_NEAR(figure(r, "tiers/api/autoscaler/replica_hours"), (2 * 15.0 + 3 * 105.0) / 3600.0,
              1e-12);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_DOUBLE_EQ(r.log[0].time, 15.0);
  EXPECT_EQ(r.log[0].change, "desired 2 -> 3 (ready 2)");
  EXPECT_NE(r.log[0].reason.find("cpu resource utilization"), std::string::npos) << r.log[0].reason;
  // The third replica takes a third of the requests once ready (round robin): 85 s of 120.
  EXPECT_NEAR(figure(r, "tiers/api/replicas/api-3/share"), 85.0 / 120.0 / 3.0, 0.002);
}

// When the load goes away the HPA scales down after its 300 s stabilization window; the
// replica removed is drained (out of rotation at once, gone when idle), and the requests it
// held still complete.
TEST_F(AutoscalingSimTest, AScaleDownDrainsTheReplicaWithoutLosingRequests) {
  write("hpa.yaml", kHpa);
  const auto r = run(R"(name: hpa-down
duration: 400s
timeseries_interval: 5s
traffic:
  arrivals: uniform
  phases: [{duration: 60s, rate: 150/s}, {duration: 340s, rate: 20/s}]
  mix: [{class: get}]
classes: [{id: get, route: [api]}]
tiers:
  - id: api
    service: {dist: deterministic, value: 10ms}
    replicas: 2
    replica: {workers: 1}
    autoscaling:
      hpa: hpa.yaml
      startup: 20s
      drain: 30s
      resources: {cpu: 1}
)");
  EXPECT_EQ(figure(r, "end_to_end/all/errors/502_bad_gateway"), 0.0);
  EXPECT_EQ(figure(r, "end_to_end/all/error_ratio"), 0.0);
  EXPECT_EQ(at(r, "replicas_desired", "api", 60.0), 3.0);
  // 20/s over 3: 6.7% CPU -> the proposal is the minimum, 2; the scale-down waits until the
  // last sync that asked for 3 (the one at 60 s, which saw (45 s, 60 s]) is *before* the
  // cutoff now - 300 s (horizontal.go stabilizeRecommendation: rec.timestamp.Before(cutoff),
  // strict): not at 360 s (cutoff 60 s), but at the sync of 375 s.
  EXPECT_EQ(at(r, "replicas_desired", "api", 370.0), 3.0);
  EXPECT_EQ(at(r, "replicas_desired", "api", 375.0), 2.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 375.0), 2.0);
}

// The resolved scenario names the autoscaler's file and keeps the lifecycle; it loads back
// to the same text.
TEST_F(AutoscalingSimTest, TheResolvedScenarioRoundTrips) {
  write("hpa.yaml", kHpa);
  const std::string path = write("s.yaml", R"(name: rt
duration: 60s
traffic: {phases: [{duration: 60s, rate: 10/s}], mix: [{class: get}]}
classes: [{id: get, route: [api]}]
tiers:
  - id: api
    service: {dist: exponential, mean: 10ms}
    replicas: 2
    autoscaling:
      hpa: hpa.yaml
      initial: 3
      startup: {dist: lognormal, mean: 30s, cv: 0.3}
      drain: 30s
      warmup: {for: 60s, speed: 0.5}
      resources: {cpu: 500m, memory: 512Mi}
)");
  const auto spec = scenarios::loadScenarioFile(path, policies_);
  ASSERT_TRUE(spec.tiers[0].autoscaler.has_value());
  EXPECT_EQ(spec.tiers[0].targets.size(), 6u);
  EXPECT_EQ(spec.tiers[0].initialReplicas, 3u);
  EXPECT_EQ(spec.tiers[0].autoscaler->resources.cpuRequest, 0.5);
  const std::string once = scenarios::resolvedScenarioYaml(spec);
  const auto again =
      scenarios::loadScenarioText(once, (dir_ / "resolved.yaml").string(), policies_);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(again), once);
}

TEST_F(AutoscalingSimTest, BadAutoscalingIsLocated) {
  write("hpa.yaml", kHpa);
  const std::string base = R"(name: bad
duration: 60s
traffic: {phases: [{duration: 60s, rate: 10/s}], mix: [{class: get}]}
classes: [{id: get, route: [api]}]
tiers:
  - id: api
    service: {dist: exponential, mean: 10ms}
    replicas: 2
    autoscaling:
)";
  auto error = [&](const std::string& extra) {
    try {
      scenarios::loadScenarioFile(write("bad.yaml", base + extra), policies_);
    } catch (const scenarios::ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(loaded)");
  };
  EXPECT_NE(error("      hpa: hpa.yaml\n      initial: 9\n")
                .find("bad.yaml:11:16: tier 'api' autoscaling initial must be a whole number from "
                      "2 to 6, not '9'"),
            std::string::npos)
      << error("      hpa: hpa.yaml\n      initial: 9\n");
  EXPECT_NE(error("      hpa: missing.yaml\n").find("missing.yaml"), std::string::npos);
  EXPECT_NE(
      error("      hpa: hpa.yaml\n      asg: hpa.yaml\n").find("needs exactly one autoscaler"),
      std::string::npos);
}

}  // namespace
}  // namespace lbsim
