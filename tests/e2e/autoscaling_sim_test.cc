// The autoscalers in the running model: the controllers of models/autoscaling driven by the
// metrics pipeline over the replicas, and the replica lifecycle they drive. Deterministic
// scenarios (evenly spaced arrivals, constant service times), so every decision is worked
// out by hand from the controller's rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/random.h"
#include "models/experiment.h"
#include "models/network.h"
#include "models/tier_health.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/figures.h"
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
    return test::figureValue(r.figures, path);
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
  // Utilization is over the replicas running: 1.5 busy workers on average for 120 s, over
  // 2 workers for 35 s and 3 for 85 s: 180 / 325 worker-seconds (not 180 / (6 x 120) for
  // the six targets of the HPA's maximum). The new replica: 50/s x 10 ms for the 85 s it ran;
  // the first: 75/s for 35 s, then 50/s. The series: 75% before, 50% after.
  EXPECT_NEAR(figure(r, "tiers/api/utilization"), 180.0 / 325.0, 0.002);
  EXPECT_NEAR(figure(r, "tiers/api/replicas/api-3/utilization"), 0.5, 0.002);
  EXPECT_NEAR(figure(r, "tiers/api/replicas/api-1/utilization"), (35 * 0.75 + 85 * 0.5) / 120.0,
              0.002);
  EXPECT_NEAR(at(r, "utilization", "api", 30.0), 0.75, 0.002);
  EXPECT_NEAR(at(r, "utilization", "api", 120.0), 0.5, 0.002);
}

// An nginx `backup` server beside an autoscaled pool (scenarios/testbro.yaml): it runs from
// the start and is not one of the autoscaler's replicas: not a pod of the HPA's, not sampled,
// not counted. The same load as above, so the HPA sees the two replicas at 75% and asks for
// 3 at 15 s, exactly as without the backup; were the idle backup counted as a pod it would
// see (75 + 75 + 0) / 3 = 50%, within the tolerance, and stay at 2. The new replica copies
// the last one that is not a backup and takes the next free name.
TEST_F(AutoscalingSimTest, ABackupRunsBesideTheAutoscaledReplicasAndIsNotCounted) {
  write("hpa.yaml", kHpa);
  std::string yaml = lbsim::testing::kSmallHpaScenario;
  const std::string from = "    replicas: 2\n    replica: {workers: 1}\n";
  ASSERT_NE(yaml.find(from), std::string::npos);
  yaml.replace(yaml.find(from), from.size(),
               "    replicas: 3\n    replica: {workers: 1}\n"
               "    targets: [{}, {}, {name: api-backup, backup: true, workers: 4}]\n");
  const auto r = run(yaml);
  const auto& targets = spec_.tiers[0].targets;
  ASSERT_EQ(targets.size(), 7u);  // six for the HPA's maximum, and the backup
  EXPECT_EQ(targets[2].name, "api-backup");
  EXPECT_TRUE(targets[2].backup);
  EXPECT_EQ(targets[3].name, "api-4");
  EXPECT_FALSE(targets[3].backup);
  EXPECT_EQ(targets[3].workers, 1u);
  EXPECT_EQ(at(r, "replicas_desired", "api", 10.0), 2.0);
  EXPECT_EQ(at(r, "replicas_desired", "api", 15.0), 3.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 30.0), 2.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 35.0), 3.0);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0].change, "desired 2 -> 3 (ready 2)");
  EXPECT_NEAR(figure(r, "tiers/api/replicas/api-4/share"), 85.0 / 120.0 / 3.0, 0.002);
  EXPECT_EQ(figure(r, "tiers/api/replicas/api-backup/share"), 0.0);
  // The resolved scenario keeps the backup and loads back to the same targets.
  const auto again = scenarios::loadScenarioText(scenarios::resolvedScenarioYaml(spec_),
                                                 (dir_ / "resolved.yaml").string(), policies_);
  ASSERT_EQ(again.tiers[0].targets.size(), 7u);
  EXPECT_EQ(again.tiers[0].targets[2].name, "api-backup");
  EXPECT_TRUE(again.tiers[0].targets[2].backup);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(again), scenarios::resolvedScenarioYaml(spec_));
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
  // The manifest is written into the resolved scenario, so it loads anywhere, and an edit of
  // the autoscaler (the GUI's what-if) is what it reproduces.
  EXPECT_NE(once.find("kind: HorizontalPodAutoscaler"), std::string::npos) << once;
  models::ScenarioSpec edited = spec;
  ASSERT_FALSE(edited.tiers[0].autoscaler->hpa.metrics.empty());
  edited.tiers[0].autoscaler->hpa.metrics[0].target.averageUtilization = 42;
  edited.tiers[0].autoscaler->hpa.maxReplicas = 9;
  const auto elsewhere = scenarios::loadScenarioText(scenarios::resolvedScenarioYaml(edited),
                                                     "/nonexistent/resolved.yaml", policies_);
  EXPECT_EQ(elsewhere.tiers[0].autoscaler->hpa, edited.tiers[0].autoscaler->hpa);
  EXPECT_EQ(elsewhere.tiers[0].autoscaler->maxReplicas(), 9);
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
  // Every replica a backup: nothing for the autoscaler's replicas to copy.
  const std::string backups = error(
      "      hpa: hpa.yaml\n    targets: [{backup: true}, {backup: "
      "true}]\n");
  EXPECT_NE(backups.find("bad.yaml:10:7: tier 'api' autoscaling: every replica of the tier is a "
                         "backup; allowed: at least one that is not"),
            std::string::npos)
      << backups;
  EXPECT_NE(
      error("      hpa: hpa.yaml\n      asg: hpa.yaml\n").find("needs exactly one autoscaler"),
      std::string::npos);
  // A manifest given as text: its error is located at the key, with its own line in words.
  const std::string inlined = error(
      "      hpa: |\n        apiVersion: autoscaling/v2\n        kind: HorizontalPodAutoscaler\n"
      "        metadata: {name: api}\n        spec:\n"
      "          scaleTargetRef: {kind: Deployment, name: api}\n          maxReplicas: 0\n");
  EXPECT_NE(inlined.find("bad.yaml:10:12: tier 'api' autoscaling hpa (the text given here, its "
                         "line 6 column 16): HorizontalPodAutoscaler api maxReplicas must be"),
            std::string::npos)
      << inlined;
}

const char* kStepGroup = R"(AutoScalingGroupName: api
MinSize: 2
MaxSize: 6
DesiredCapacity: 2
Policies:
  - PolicyName: cpu-high
    PolicyType: StepScaling
    AdjustmentType: ChangeInCapacity
    EstimatedInstanceWarmup: 120
    StepAdjustments:
      - {MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1}
      - {MetricIntervalLowerBound: 20, ScalingAdjustment: 3}
    Alarm:
      MetricName: CPUUtilization
      Threshold: 60
      ComparisonOperator: GreaterThanOrEqualToThreshold
      EvaluationPeriods: 1
)";

// Step scaling (EC2 Auto Scaling User Guide, "Step and simple scaling policies"): the alarm
// is evaluated every 60 s. At 60 s two one-worker replicas carry 150/s x 10 ms: CPU 75%,
// 15 above the threshold: the first step, +1: desired 3 (ready at 80 s). The new instance
// warms up for 120 s (until 200 s) and does not count toward the metric meanwhile. At 120 s
// the two counted instances run 150 x 0.01 / 3 = 50%: OK. From 150 s the load is 250/s: at
// 180 s the counted two run 250 x 0.01 / 3 = 83%, 23 above: the second step, +3 on the 2
// counted instances = 5, and the desired 3 already holds the one warming up, so the group
// adds the difference, 2 (not 3). At 240 s three instances count and 250 x 0.01 / 5 = 50%.
TEST_F(AutoscalingSimTest, StepScalingAddsTheStepOnTheWarmedCapacity) {
  write("asg.yaml", kStepGroup);
  const auto r = run(R"(name: step
duration: 300s
timeseries_interval: 5s
traffic:
  arrivals: uniform
  phases: [{duration: 150s, rate: 150/s}, {duration: 150s, rate: 250/s}]
  mix: [{class: get}]
classes: [{id: get, route: [api]}]
tiers:
  - id: api
    service: {dist: deterministic, value: 10ms}
    replicas: 2
    replica: {workers: 1}
    autoscaling:
      asg: asg.yaml
      startup: 20s
      resources: {cpu: 1}
)");
  std::vector<std::pair<double, std::string>> decisions;
  for (const auto& l : r.log) {
    if (l.source == "autoscaler") decisions.emplace_back(l.time, l.change);
  }
  const std::vector<std::pair<double, std::string>> expected = {
      {60.0, "desired 2 -> 3 (ready 2)"}, {180.0, "desired 3 -> 5 (ready 3)"}};
  EXPECT_EQ(decisions, expected);
  EXPECT_EQ(at(r, "replicas_ready", "api", 75.0), 2.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 80.0), 3.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 195.0), 3.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 205.0), 5.0);
  EXPECT_EQ(at(r, "replicas_desired", "api", 300.0), 5.0);
}

const char* kElbGroup = R"(AutoScalingGroupName: api
MinSize: 3
MaxSize: 3
HealthCheckType: ELB
HealthCheckGracePeriod: 60
Policies:
  - PolicyName: cpu
    TargetTrackingConfiguration:
      PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
      TargetValue: 90
)";

const char* kElbScenario = R"(name: elb
duration: 120s
traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 100/s}]
  mix: [{class: get}]
classes: [{id: get, route: [api]}]
tiers:
  - id: api
    service: {dist: deterministic, value: 10ms}
    replicas: 3
    replica: {workers: 1}
    health_check: {alb: "interval 10 timeout 2 healthy 2 unhealthy 2", demand: 0ms}
    autoscaling:
      asg: asg.yaml
      startup: 30s
faults:
  - {fault: crash, tier: api, replicas: [api-1], at: 25s, for: 10m}
)";

// HealthCheckType ELB with HealthCheckGracePeriod 60 s: the target group checks api-1 every
// 10 s on a phase p of its own (a target in service when the run starts: healthy, checked at
// p + 10 k); api-1 crashes at 25 s, the checks at p + 30 and p + 40 s fail and `unhealthy 2`
// makes it unhealthy at p + 40 s. The group replaces an unhealthy instance only once the
// grace period after it came into service (at 0 s) is over: at 60 s it terminates api-1 and
// launches a new instance, which starts 30 s later, at 90 s, on a healthy host (the crash was
// the old instance's). The ALB registers it `initial`; the check at p + 90 s passes and it
// takes traffic again.
TEST_F(AutoscalingSimTest, AnElbHealthCheckReplacesAnUnhealthyInstanceAfterTheGracePeriod) {
  write("asg.yaml", kElbGroup);
  const auto r = run(kElbScenario);
  double p = -1.0;
  {
    // The network of replication 0, as runReplication builds it.
    models::Network network(spec_, core::replicationSeed(spec_.seed, 0), policies_);
    network.start();
    p = network.tier(0).health()->nextCheckAt(false, 0);
  }
  ASSERT_GE(p, 0.0);
  ASSERT_LT(p, 5.0);  // the crash at 25 s falls between p + 20 and p + 30
  std::vector<std::pair<double, std::string>> events;
  for (const auto& l : r.log) {
    if (l.replica == "api-1" && l.source != "fault") events.emplace_back(l.time, l.change);
  }
  std::string seen;
  for (const auto& [time, change] : events)
    seen += std::to_string(time) + " " + change + "; ";
  ASSERT_EQ(events.size(), 4u) << seen;
  const std::vector<std::pair<double, std::string>> expected = {
      {p + 40.0, "healthy -> unhealthy"},
      {60.0, "InService -> Terminating"},
      {90.0, "unhealthy -> initial"},  // the new instance is registered
      {p + 90.0, "initial -> healthy"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(events[i].first, expected[i].first, 1e-9) << seen;
    EXPECT_EQ(events[i].second, expected[i].second) << seen;
  }
  EXPECT_EQ(at(r, "replicas_in_rotation", "api", 120.0), 3.0);
  EXPECT_EQ(at(r, "replicas_ready", "api", 75.0), 2.0);  // the replacement is starting
}

// With the default HealthCheckType EC2 the group does not look at the load balancer's
// checks: the crashed instance stays, unhealthy, to the end.
TEST_F(AutoscalingSimTest, AnEc2HealthCheckLeavesTheInstanceAlone) {
  std::string group = kElbGroup;
  group.replace(group.find("HealthCheckType: ELB"), 20, "HealthCheckType: EC2");
  write("asg.yaml", group);
  const auto r = run(kElbScenario);
  for (const auto& l : r.log)
    EXPECT_NE(l.change, "InService -> Terminating");
  EXPECT_EQ(at(r, "replicas_in_rotation", "api", 120.0), 2.0);
}

// An autoscaler file that is not there: the error is at the scenario's line and column
// that name it, and names the file as written.
TEST_F(AutoscalingSimTest, AMissingAutoscalerFileIsLocatedInTheScenario) {
  std::string text = kElbScenario;
  const auto at = text.find("asg.yaml");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "missing-group.yaml");
  const std::string path = write("scenario.yaml", text);
  const std::size_t line =
      static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
  const std::size_t column = at - text.rfind('\n', at);
  try {
    scenarios::loadScenarioFile(path, policies_);
    FAIL() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ":" + std::to_string(line) + ":" + std::to_string(column) +
                  ": missing-group.yaml: cannot read the Auto Scaling group file: No such file or "
                  "directory");
  }
}

}  // namespace
}  // namespace lbsim
