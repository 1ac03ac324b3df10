// The autoscaler files written back from their specs load as the same specs: the shipped
// files (the seeds' HPA manifests, the Auto Scaling groups, the threshold script) and specs
// with every field the loaders read.
#include "scenarios/autoscaler_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "scenarios/autoscaler_policies.h"
#include "scenarios/hpa_manifest.h"

namespace lbsim::scenarios {
namespace {

namespace as = models::autoscaling;

const std::string kDir = std::string(LBSIM_SOURCE_DIR) + "/scenarios/autoscaling/";

as::HpaSpec reloadHpa(const as::HpaSpec& spec) {
  const auto specs = loadHpaManifestText(hpaManifestYaml(spec), "written.yaml");
  EXPECT_EQ(specs.size(), 1u);
  return specs.empty() ? as::HpaSpec{} : specs.front();
}

TEST(AutoscalerWriter, TheShippedHpaManifestsRoundTrip) {
  for (const char* file : {"user-service-hpa.yaml", "enrollment-service-hpa.yaml"}) {
    for (const as::HpaSpec& spec : loadHpaManifestFile(kDir + file)) {
      const as::HpaSpec again = reloadHpa(spec);
      EXPECT_EQ(again, spec) << file << "\n" << hpaManifestYaml(spec);
      EXPECT_EQ(hpaManifestYaml(again), hpaManifestYaml(spec)) << file;
    }
  }
}

TEST(AutoscalerWriter, EveryHpaFieldRoundTrips) {
  as::HpaSpec spec;
  spec.name = "api";
  spec.targetKind = "Deployment";
  spec.targetName = "api";
  spec.minReplicas = 2;
  spec.maxReplicas = 40;
  as::MetricSpec cpu;
  cpu.name = "cpu";
  cpu.target.averageUtilization = 65;
  as::MetricSpec memory;
  memory.name = "memory";
  memory.target.type = as::MetricTargetType::kAverageValue;
  memory.target.valueMilli = 512LL * 1024 * 1024 * 1000;
  as::MetricSpec pods;
  pods.type = as::MetricSourceType::kPods;
  pods.name = "http_requests_per_second";
  pods.target.type = as::MetricTargetType::kAverageValue;
  pods.target.valueMilli = 1500;  // 1.5: written as 1500m
  as::MetricSpec object;
  object.type = as::MetricSourceType::kObject;
  object.name = "requests-per-second";
  object.describedKind = "Ingress";
  object.describedName = "main-route";
  object.target.type = as::MetricTargetType::kValue;
  object.target.valueMilli = 2000000;
  as::MetricSpec external;
  external.type = as::MetricSourceType::kExternal;
  external.name = "queue_messages_ready";
  external.target.type = as::MetricTargetType::kAverageValue;
  external.target.valueMilli = 30000;
  spec.metrics = {cpu, memory, pods, object, external};
  as::Behavior behavior;
  as::ScalingRules up;
  up.stabilizationWindowSeconds = 0;
  up.selectPolicy = as::SelectPolicy::kMax;
  up.policies = std::vector<as::ScalingPolicy>{{as::ScalingPolicyType::kPercent, 100, 15},
                                               {as::ScalingPolicyType::kPods, 4, 15}};
  up.tolerance = 0.05;
  as::ScalingRules down;
  down.selectPolicy = as::SelectPolicy::kDisabled;
  behavior.scaleUp = up;
  behavior.scaleDown = down;
  spec.behavior = behavior;
  EXPECT_EQ(reloadHpa(spec), spec) << hpaManifestYaml(spec);
  spec.minReplicas.reset();  // unset stays unset (the API default applies on reading)
  spec.behavior.reset();
  EXPECT_EQ(reloadHpa(spec), spec) << hpaManifestYaml(spec);
}

TEST(AutoscalerWriter, TheShippedAutoScalingGroupsAndScriptRoundTrip) {
  for (const char* file : {"user-service-asg.yaml", "user-service-asg-step.yaml"}) {
    const as::AsgSpec spec = loadAsgPolicyFile(kDir + file);
    const as::AsgSpec again = loadAsgPolicyText(asgPolicyYaml(spec), "written.yaml");
    EXPECT_EQ(again, spec) << file << "\n" << asgPolicyYaml(spec);
  }
  const as::ThresholdRule rule = loadScalingScriptFile(kDir + "auto-scale-script.yaml");
  EXPECT_EQ(loadScalingScriptText(scalingScriptYaml(rule), "written.yaml"), rule)
      << scalingScriptYaml(rule);
}

TEST(AutoscalerWriter, EveryAutoScalingGroupAndScriptFieldRoundTrips) {
  as::AsgSpec g;
  g.name = "api-asg";
  g.minSize = 2;
  g.maxSize = 20;
  g.desiredCapacity = 4;
  g.defaultCooldown = 120;
  g.defaultInstanceWarmup = 90;
  g.elbHealthCheck = true;
  g.healthCheckGracePeriod = 300;
  g.alarms.highDatapoints = 2;
  g.alarms.lowDatapoints = 10;
  g.alarms.lowFraction = 0.85;
  as::TargetTrackingPolicy cpu;
  cpu.name = "cpu";
  cpu.metric = "ASGAverageCPUUtilization";
  cpu.targetValue = 62.5;
  cpu.estimatedInstanceWarmup = 200;
  cpu.scaleOutCooldown = 60;
  cpu.scaleInCooldown = 900;
  as::TargetTrackingPolicy custom;
  custom.name = "queue";
  custom.metric = "BacklogPerInstance";
  custom.targetValue = 100;
  custom.disableScaleIn = true;
  g.policies = {cpu, custom};
  as::StepScalingPolicy step;
  step.name = "step-out";
  step.metric = "ALBRequestCountPerTarget";
  step.alarmThreshold = 1000;
  step.evaluationPeriods = 3;
  step.datapointsToAlarm = 2;
  step.adjustmentType = as::AdjustmentType::kPercentChangeInCapacity;
  step.minAdjustmentMagnitude = 2;
  step.estimatedInstanceWarmup = 120;
  step.steps = {{0.0, 500.0, 20}, {500.0, std::nullopt, 50}};
  as::StepScalingPolicy simple;
  simple.name = "simple-in";
  simple.simple = true;
  simple.alarmThreshold = 20;
  simple.aboveThreshold = false;
  simple.orEqual = false;
  simple.cooldown = 600;
  simple.steps = {{std::nullopt, std::nullopt, -1}};
  g.stepPolicies = {step, simple};
  EXPECT_EQ(loadAsgPolicyText(asgPolicyYaml(g), "written.yaml"), g) << asgPolicyYaml(g);

  as::ThresholdRule r;
  r.checkInterval = 30;
  r.cpuHigh = 75;
  r.cpuLow = 25;
  r.memoryHigh = 80;
  r.rpsHigh = 250;
  r.errorRateEmergency = 0.05;
  r.step = 2;
  r.emergencyStep = 4;
  r.scaleUpCooldown = 120;
  r.scaleDownCooldown = 450;
  r.minInstances = 3;
  r.maxInstances = 12;
  EXPECT_EQ(loadScalingScriptText(scalingScriptYaml(r), "written.yaml"), r) << scalingScriptYaml(r);
}

}  // namespace
}  // namespace lbsim::scenarios
