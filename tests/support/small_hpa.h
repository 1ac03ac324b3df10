#pragma once

namespace lbsim::testing {

// A small HPA scenario whose decisions are worked out by hand in
// tests/e2e/autoscaling_sim_test.cc, for the tests that drive it: the HPA manifest, to be
// written as hpa.yaml next to the scenario, and the scenario. 150 requests/s, evenly
// spaced, of 10 ms each over two one-worker replicas of one core: CPU utilization
// 150 x 0.01 / 2 = 75% against the HPA's 50% target (minReplicas 2, maxReplicas 6).
inline constexpr const char* kSmallHpa = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
)";

inline constexpr const char* kSmallHpaScenario = R"(name: hpa
duration: 120s
timeseries_interval: 5s
replications: 1
traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 150/s}]
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
      resources: {cpu: 1}
)";

}  // namespace lbsim::testing
