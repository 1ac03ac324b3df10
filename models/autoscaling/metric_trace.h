#pragma once

#include <string>
#include <vector>

namespace lbsim::models::autoscaling {

// A recorded metric trace, as `lbsim explain autoscaler` replays it (scenarios/metric_trace.h
// reads it from CSV). Two shapes:
// - per pod, `time,pod,metric,value,ready`: what the metrics APIs returned for each pod at
//   each scrape (all rows of one time are one scrape), with the pod's state; values in the
//   metric's unit (cores for cpu, bytes for memory). A row with an empty pod is an Object or
//   External metric's value.
// - per metric, `time,metric,value`: one value per metric over time — the average per pod
//   (for a Resource metric with a Utilization target, its utilization in percent), or an
//   Object/External metric's value.
enum class PodTraceState { kReady, kNotReady, kPending, kFailed, kTerminating };

struct PodTraceRow {
  double time = 0.0;
  std::string pod;
  std::string metric;
  double value = 0.0;
  PodTraceState state = PodTraceState::kReady;
};

struct MetricTraceRow {
  double time = 0.0;
  std::string metric;
  double value = 0.0;
};

struct MetricTrace {
  bool perPod = false;
  std::vector<PodTraceRow> podRows;        // in time order
  std::vector<MetricTraceRow> metricRows;  // in time order

  bool empty() const { return perPod ? podRows.empty() : metricRows.empty(); }
  double firstTime() const { return perPod ? podRows.front().time : metricRows.front().time; }
  double lastTime() const { return perPod ? podRows.back().time : metricRows.back().time; }
};

}  // namespace lbsim::models::autoscaling
