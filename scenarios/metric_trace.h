#pragma once

#include <string>

#include "models/autoscaling/metric_trace.h"
#include "scenarios/error.h"

namespace lbsim::scenarios {

// Reads a metric trace in CSV, one of (by its header line):
//   time,pod,metric,value,ready   per-pod samples; `ready` is true/false, or pending, failed,
//                                 terminating; an empty pod is an Object/External value
//   time,metric,value             one value per metric
// `time` is seconds, or a duration such as 90s or 1.5m; `value` a number, a Kubernetes
// quantity (250m, 512Mi) or a percentage (85%). Lines starting with # and blank lines are
// skipped; rows may come in any order (they are sorted by time, stably). Every problem is
// reported as file:line:column; allowed: ...
models::autoscaling::MetricTrace loadMetricTraceFile(const std::string& path);
models::autoscaling::MetricTrace loadMetricTraceText(const std::string& text,
                                                     const std::string& fileName);

}  // namespace lbsim::scenarios
