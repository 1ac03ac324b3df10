#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/hpa_controller.h"
#include "models/autoscaling/metric_trace.h"
#include "models/autoscaling/threshold_rule.h"

namespace lbsim::models::autoscaling {

// Replays of a recorded metric trace through a controller on a simulated clock, for
// `lbsim explain autoscaler`. Two ways to read a trace:
// - open loop (per-pod traces): the controller sees exactly what was recorded; its decisions
//   are shown and become its current replica count, but the recorded pods do not follow
//   them. This exercises the per-pod arithmetic: unready, missing and ignored pods.
// - closed loop (per-metric traces, the default): each value was measured with the initial
//   replica count R0, and the load behind it is conserved, so a per-pod value seen with R
//   ready pods is value x R0 / R. Pods the controller adds start Pending and become Ready
//   `podStartup` later; Object and External values are not divided.

struct HpaReplayOptions {
  HpaControllerConfig controller;
  std::optional<std::int32_t> initialReplicas;  // default: the first scrape's pods, or minReplicas
  std::map<std::string, std::int64_t> requestsMilli;  // each pod's request by resource
  bool closedLoop = true;                             // per-metric traces only
  double podStartup = 30.0;    // seconds from a scale-up to the new pods being Ready
  double metricWindow = 30.0;  // the metrics' sample window (metrics-server resolution)
};

// One sync of the replay, with the pods the controller saw.
struct HpaReplayStep {
  HpaDecision decision;
  std::int32_t pods = 0;       // listed pods (not Failed, not being deleted)
  std::int32_t readyPods = 0;  // Running and Ready
};

// Throws std::invalid_argument when the trace cannot drive the HPA (no rows, or per-pod cpu
// samples without the pods' cpu request).
std::vector<HpaReplayStep> replayHpa(const HpaSpec& spec, const MetricTrace& trace,
                                     const HpaReplayOptions& options);

struct AsgReplayOptions {
  std::optional<std::int32_t> initialCapacity;  // default: DesiredCapacity, else MinSize
  bool closedLoop = true;
  double launchTime = 60.0;  // from a scale-out to the instance being InService (assumed)
};

struct AsgReplayStep {
  AsgDecision decision;
  std::int32_t counted = 0;  // InService and warmed up
  std::int32_t warming = 0;  // InService, within the warm-up
  std::int32_t pending = 0;  // launched, not yet InService
};

// Target tracking over a per-metric trace; evaluated once per alarm period (60 s). Closed
// loop, ASGAverageCPUUtilization is capped at 100% after spreading: the trace records the
// demand, an instance shows at most all of its CPU.
std::vector<AsgReplayStep> replayTargetTracking(const AsgSpec& group, const MetricTrace& trace,
                                                const AsgReplayOptions& options);

// A threshold script over a per-metric trace with metrics cpu, memory (percent), rps and
// error_rate (fraction); cpu and memory follow the instances closed-loop, the rest do not.
struct ThresholdReplayStep {
  double time = 0.0;
  std::int32_t instances = 0;  // before the check
  ThresholdSample sample;
  Decision decision;
};
std::vector<ThresholdReplayStep> replayThresholdRule(const ThresholdRule& rule,
                                                     const MetricTrace& trace,
                                                     std::optional<std::int32_t> initialInstances,
                                                     bool closedLoop);

}  // namespace lbsim::models::autoscaling
