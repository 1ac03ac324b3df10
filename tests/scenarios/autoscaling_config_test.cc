// The autoscaling inputs of `lbsim explain autoscaler`: HPA manifests, Auto Scaling groups,
// threshold scripts and metric traces, with their located diagnostics; and golden replays of
// the files shipped in scenarios/autoscaling/, whose figures docs/autoscaling.md shows.
#include <gtest/gtest.h>

#include <string>

#include "models/autoscaling/replay.h"
#include "scenarios/autoscaler_policies.h"
#include "scenarios/hpa_manifest.h"
#include "scenarios/metric_trace.h"

#include "tests/support/text_lines.h"

namespace lbsim::scenarios {
namespace {

using namespace models::autoscaling;

const std::string kSource = LBSIM_SOURCE_DIR;

std::string firstDiagnostic(const std::function<void()>& body) {
  try {
    body();
  } catch (const ScenarioError& e) {
    return e.diagnostics().front().format();
  }
  return "";
}

// The seed's three HPAs in one manifest, as in hpa-configurations.yaml, with a Deployment
// document that is skipped.
TEST(HpaManifest, ReadsTheSeedManifest) {
  const auto hpas = loadHpaManifestFile(kSource + "/scenarios/autoscaling/user-service-hpa.yaml");
  ASSERT_EQ(hpas.size(), 1u);
  const HpaSpec& h = hpas[0];
  EXPECT_EQ(h.name, "user-service-hpa");
  EXPECT_EQ(h.targetKind, "Deployment");
  EXPECT_EQ(h.targetName, "user-service");
  EXPECT_EQ(*h.minReplicas, 3);
  EXPECT_EQ(h.maxReplicas, 15);
  ASSERT_EQ(h.metrics.size(), 3u);
  EXPECT_EQ(h.metrics[0].name, "cpu");
  EXPECT_EQ(h.metrics[0].target.averageUtilization, 70);
  EXPECT_EQ(h.metrics[2].type, MetricSourceType::kPods);
  EXPECT_EQ(h.metrics[2].name, "http_requests_per_second");
  EXPECT_EQ(h.metrics[2].target.valueMilli, 100000);  // averageValue: '100'
  ASSERT_TRUE(h.behavior && h.behavior->scaleUp && h.behavior->scaleDown);
  EXPECT_EQ(*h.behavior->scaleUp->stabilizationWindowSeconds, 60);
  EXPECT_EQ(*h.behavior->scaleUp->selectPolicy, SelectPolicy::kMax);
  ASSERT_EQ(h.behavior->scaleUp->policies->size(), 2u);
  EXPECT_EQ((*h.behavior->scaleUp->policies)[1].type, ScalingPolicyType::kPods);
  EXPECT_EQ((*h.behavior->scaleDown->policies)[0].value, 10);
  EXPECT_FALSE(h.behavior->scaleDown->selectPolicy);  // defaulted later, as by the API server

  const std::string multi = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 3}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 60
)";
  const auto two = loadHpaManifestText(multi, "multi.yaml");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_TRUE(two[0].metrics.empty());  // defaulted to cpu 80% by withApiDefaults
  EXPECT_EQ(withApiDefaults(two[0]).metrics[0].target.averageUtilization, 80);
  EXPECT_EQ(two[1].metrics[0].target.averageUtilization, 60);
}

const std::string kHpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
  behavior:
    scaleUp:
      selectPolicy: Max
      stabilizationWindowSeconds: 0
)";

using lbsim::testing::replaceLine;

// Each problem is located and says what is allowed.
TEST(HpaManifest, LocatedErrors) {
  EXPECT_NO_THROW(loadHpaManifestText(kHpa, "hpa.yaml"));
  EXPECT_EQ(firstDiagnostic([&] {
              loadHpaManifestText(replaceLine(kHpa, 20, "      selectPolicy: Fastest"), "hpa.yaml");
            }),
            "hpa.yaml:20:21: HorizontalPodAutoscaler web scaleUp selectPolicy 'Fastest' is not "
            "known; allowed: Disabled, Max, Min");
  EXPECT_EQ(firstDiagnostic([&] {
              loadHpaManifestText(replaceLine(kHpa, 21, "      stabilizationWindowSeconds: 4000"),
                                  "hpa.yaml");
            }),
            "hpa.yaml:21:35: HorizontalPodAutoscaler web scaleUp stabilizationWindowSeconds must "
            "be a whole number from 0 to 3600, not '4000'");
  EXPECT_EQ(firstDiagnostic([&] {
              loadHpaManifestText(replaceLine(kHpa, 12, "    - type: ContainerResource"),
                                  "hpa.yaml");
            }),
            "hpa.yaml:12:13: HorizontalPodAutoscaler web metric 1 type ContainerResource is not "
            "modelled by lbsim; allowed: External, Object, Pods, Resource");
  EXPECT_EQ(firstDiagnostic([&] {
              loadHpaManifestText(replaceLine(kHpa, 16, "          type: AverageValue"),
                                  "hpa.yaml");
            }),
            "hpa.yaml:17:31: HorizontalPodAutoscaler web metric 1 target of type AverageValue "
            "takes averageValue; allowed: averageValue");
  EXPECT_EQ(firstDiagnostic([&] {
              loadHpaManifestText(replaceLine(kHpa, 10, "  maxReplicas: 1"), "hpa.yaml");
            }),
            "hpa.yaml:10:16: HorizontalPodAutoscaler web maxReplicas 1 is below minReplicas 2; "
            "allowed: maxReplicas >= minReplicas");
  EXPECT_EQ(firstDiagnostic(
                [&] { loadHpaManifestText(replaceLine(kHpa, 9, "  minReplica: 2"), "hpa.yaml"); }),
            "hpa.yaml:9:3: unknown key 'minReplica' in HorizontalPodAutoscaler web spec; allowed: "
            "behavior, maxReplicas, metrics, minReplicas, scaleTargetRef");
  EXPECT_EQ(firstDiagnostic([&] { loadHpaManifestText("kind: Service\n", "svc.yaml"); }),
            "svc.yaml: no HorizontalPodAutoscaler in the manifest; allowed: documents of kind "
            "HorizontalPodAutoscaler (apiVersion autoscaling/v2)");
  // Every problem of a file at once.
  std::string two = replaceLine(kHpa, 20, "      selectPolicy: Fastest");
  two = replaceLine(two, 12, "    - type: ContainerResource");
  try {
    loadHpaManifestText(two, "hpa.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().size(), 2u);
  }
}

TEST(AsgPolicy, ReadsTheSeedGroup) {
  const AsgSpec g = loadAsgPolicyFile(kSource + "/scenarios/autoscaling/user-service-asg.yaml");
  EXPECT_EQ(g.name, "user-service-asg");
  EXPECT_EQ(g.minSize, 3);
  EXPECT_EQ(g.maxSize, 15);
  EXPECT_EQ(*g.desiredCapacity, 5);
  ASSERT_EQ(g.policies.size(), 2u);
  EXPECT_EQ(g.policies[0].metric, "ASGAverageCPUUtilization");
  EXPECT_EQ(g.policies[0].targetValue, 70.0);
  EXPECT_EQ(*g.policies[0].scaleInCooldown, 600.0);
  EXPECT_EQ(g.policies[1].metric, "MemoryUtilization");
  EXPECT_EQ(firstDiagnostic([] {
              loadAsgPolicyText(
                  "MinSize: 1\nMaxSize: 4\nPolicies:\n  - PolicyType: PredictiveScaling\n"
                  "    TargetTrackingConfiguration: {TargetValue: 1}\n",
                  "asg.yaml");
            }),
            "asg.yaml:4:17: policy 1 PolicyType 'PredictiveScaling' is not known; allowed: "
            "SimpleScaling, StepScaling, TargetTrackingScaling");
}

TEST(AsgPolicy, ReadsStepAndSimpleScalingPolicies) {
  const AsgSpec g =
      loadAsgPolicyFile(kSource + "/scenarios/autoscaling/user-service-asg-step.yaml");
  EXPECT_TRUE(g.policies.empty());
  ASSERT_EQ(g.stepPolicies.size(), 2u);
  EXPECT_TRUE(g.elbHealthCheck);
  EXPECT_EQ(g.healthCheckGracePeriod, 300.0);
  const StepScalingPolicy& high = g.stepPolicies[0];
  EXPECT_FALSE(high.simple);
  EXPECT_EQ(high.metric, "ASGAverageCPUUtilization");  // CloudWatch's CPUUtilization
  EXPECT_EQ(high.adjustmentType, AdjustmentType::kPercentChangeInCapacity);
  EXPECT_EQ(*high.minAdjustmentMagnitude, 1);
  EXPECT_EQ(high.evaluationPeriods, 3);
  EXPECT_EQ(high.datapointsToAlarm, 2);
  ASSERT_EQ(high.steps.size(), 2u);
  EXPECT_EQ(*high.steps[1].lowerBound, 15.0);
  EXPECT_FALSE(high.steps[1].upperBound.has_value());
  const StepScalingPolicy& low = g.stepPolicies[1];
  EXPECT_TRUE(low.simple);
  EXPECT_FALSE(low.aboveThreshold);
  EXPECT_FALSE(low.orEqual);
  EXPECT_EQ(low.steps[0].scalingAdjustment, -1);
  EXPECT_EQ(*low.cooldown, 600.0);
  EXPECT_EQ(low.datapointsToAlarm, 15);  // defaults to EvaluationPeriods

  const std::string head = "MinSize: 1\nMaxSize: 4\nPolicies:\n  - PolicyType: StepScaling\n";
  EXPECT_EQ(firstDiagnostic([&] {
              loadAsgPolicyText(head +
                                    "    StepAdjustments:\n"
                                    "      - {MetricIntervalLowerBound: 0, ScalingAdjustment: 1}\n"
                                    "      - {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}\n"
                                    "    Alarm: {MetricName: CPUUtilization, Threshold: 70, "
                                    "ComparisonOperator: GreaterThanThreshold}\n",
                                "asg.yaml");
            }),
            "asg.yaml:6:7: policy 1 StepAdjustments: at most one step adjustment may have no "
            "upper bound");
  EXPECT_EQ(firstDiagnostic([&] {
              loadAsgPolicyText(head +
                                    "    StepAdjustments: [{MetricIntervalLowerBound: 0, "
                                    "ScalingAdjustment: 1}]\n"
                                    "    Alarm: {MetricName: CPUUtilization, Threshold: 70, "
                                    "ComparisonOperator: GreaterThanThreshold, Period: 300}\n",
                                "asg.yaml");
            }),
            "asg.yaml:6:106: policy 1 Alarm Period must be the group's alarm period (60 s, "
            "lbsim's Alarms: Period): the policies are evaluated together, once a period");
  EXPECT_EQ(firstDiagnostic([&] {
              loadAsgPolicyText("MinSize: 1\nMaxSize: 4\nHealthCheckType: ALB\nPolicies: []\n",
                                "asg.yaml");
            }),
            "asg.yaml:3:18: HealthCheckType 'ALB' is not known; allowed: EC2, ELB");
}

TEST(ScalingScript, ReadsTheSeedScript) {
  const ThresholdRule r =
      loadScalingScriptFile(kSource + "/scenarios/autoscaling/auto-scale-script.yaml");
  EXPECT_EQ(r.checkInterval, 60.0);
  EXPECT_EQ(r.cpuHigh, 70.0);
  EXPECT_EQ(r.cpuLow, 30.0);
  EXPECT_EQ(*r.rpsHigh, 100.0);
  EXPECT_DOUBLE_EQ(*r.errorRateEmergency, 0.05);
  EXPECT_EQ(r.scaleUpCooldown, 300.0);
  EXPECT_EQ(r.scaleDownCooldown, 600.0);
  EXPECT_EQ(r.minInstances, 2);
  EXPECT_EQ(r.maxInstances, 10);
  EXPECT_EQ(firstDiagnostic([] { loadScalingScriptText("cpu: {high: lots}\n", "s.yaml"); }),
            "s.yaml:1:13: cpu high 'lots' is not a percentage; allowed: a percentage such as 70%");
}

TEST(MetricTrace, ReadsBothShapes) {
  const MetricTrace perPod = loadMetricTraceText(
      "# comment\ntime,pod,metric,value,ready\n30,p1,cpu,250m,true\n0,p2,memory,512Mi,pending\n"
      "1m,,queue_length,12,true\n",
      "t.csv");
  ASSERT_TRUE(perPod.perPod);
  ASSERT_EQ(perPod.podRows.size(), 3u);
  EXPECT_EQ(perPod.podRows[0].pod, "p2");  // sorted by time
  EXPECT_EQ(perPod.podRows[0].state, PodTraceState::kPending);
  EXPECT_DOUBLE_EQ(perPod.podRows[0].value, 512.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(perPod.podRows[1].value, 0.25);
  EXPECT_EQ(perPod.podRows[2].time, 60.0);
  EXPECT_TRUE(perPod.podRows[2].pod.empty());

  const MetricTrace perMetric =
      loadMetricTraceText("time,metric,value\n0,cpu,85%\n15s,cpu,90\n", "t.csv");
  ASSERT_FALSE(perMetric.perPod);
  ASSERT_EQ(perMetric.metricRows.size(), 2u);
  EXPECT_EQ(perMetric.metricRows[0].value, 85.0);
  EXPECT_EQ(perMetric.metricRows[1].time, 15.0);
}

TEST(MetricTrace, LocatedErrors) {
  EXPECT_EQ(firstDiagnostic([] { loadMetricTraceText("t,m,v\n", "t.csv"); }),
            "t.csv:1:1: unknown header 't,m,v'; allowed: time,pod,metric,value,ready (per pod) or "
            "time,metric,value (per metric)");
  EXPECT_EQ(
      firstDiagnostic([] { loadMetricTraceText("time,metric,value\n0,cpu,lots\n", "t.csv"); }),
      "t.csv:2:7: value 'lots' is not a value; allowed: a number, a quantity such as 250m or "
      "512Mi, or a percentage such as 85%");
  EXPECT_EQ(firstDiagnostic([] {
              loadMetricTraceText("time,pod,metric,value,ready\n0,p1,cpu,1,maybe\n", "t.csv");
            }),
            "t.csv:2:12: ready 'maybe' is not a pod state; allowed: failed, false, pending, "
            "terminating, true");
  EXPECT_EQ(
      firstDiagnostic([] { loadMetricTraceText("time,metric,value\nsoon,cpu,1\n", "t.csv"); }),
      "t.csv:2:1: time 'soon' is not a time; allowed: seconds or a duration such as 250ms, "
      "30s, 5m, 1h");
}

// Golden replays of the shipped examples (docs/autoscaling.md shows their output): a change
// in the controllers' arithmetic shows up here as a diff.
TEST(AutoscalingExamples, GoldenReplays) {
  const MetricTrace spike = loadMetricTraceFile(kSource + "/scenarios/autoscaling/spike-10x.csv");
  const auto summary = [](const std::vector<HpaReplayStep>& steps) {
    std::string s;
    std::int32_t last = steps.front().decision.currentReplicas;
    for (const auto& st : steps) {
      if (st.decision.desiredReplicas != last) {
        s += std::to_string(static_cast<int>(st.decision.time)) + ":" +
             std::to_string(st.decision.desiredReplicas) + " ";
        last = st.decision.desiredReplicas;
      }
    }
    return s;
  };
  const auto user = loadHpaManifestFile(kSource + "/scenarios/autoscaling/user-service-hpa.yaml");
  EXPECT_EQ(summary(replayHpa(user[0], spike, {})),
            "345:5 405:8 465:12 570:15 1185:13 1245:11 1305:9 1365:8 1425:7 1485:6 1545:5 "
            "1605:4 1665:3 ");
  const auto enrollment =
      loadHpaManifestFile(kSource + "/scenarios/autoscaling/enrollment-service-hpa.yaml");
  EXPECT_EQ(summary(replayHpa(enrollment[0], spike, {})),
            "315:10 345:20 420:25 1065:21 1125:17 1185:14 1245:11 1305:9 1365:7 1425:5 ");

  const AsgSpec group = loadAsgPolicyFile(kSource + "/scenarios/autoscaling/user-service-asg.yaml");
  std::string asg;
  for (const auto& st : replayTargetTracking(group, spike, {})) {
    if (st.decision.changed) {
      asg += std::to_string(static_cast<int>(st.decision.time)) + ":" +
             std::to_string(st.decision.desiredCapacity) + " ";
    }
  }
  EXPECT_EQ(asg, "420:8 780:12 1740:3 ");

  const ThresholdRule script =
      loadScalingScriptFile(kSource + "/scenarios/autoscaling/auto-scale-script.yaml");
  std::string rule;
  for (const auto& st : replayThresholdRule(script, spike, std::nullopt, true)) {
    if (st.decision.replicas != st.instances) {
      rule += std::to_string(static_cast<int>(st.time)) + ":" +
              std::to_string(st.decision.replicas) + " ";
    }
  }
  EXPECT_EQ(rule, "300:4 360:6 660:7 1260:6 ");
}

}  // namespace
}  // namespace lbsim::scenarios
