#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/autoscaling/replica_calculator.h"

namespace lbsim::models::autoscaling {

// What the HPA controller reads from the cluster at each sync: the pods of its scale target
// (the pod lister) and the metrics APIs (metrics.k8s.io for resources, custom.metrics.k8s.io
// for Pods and Object metrics, external.metrics.k8s.io). A simulation implements it over its
// replicas; `lbsim explain autoscaler` over a recorded trace. nullopt means the API returned
// no value, which makes that metric invalid for this sync.
class HpaMetricsSource {
 public:
  virtual ~HpaMetricsSource() = default;
  virtual std::vector<PodInfo> pods() const = 0;
  // Per-pod usage of a resource (cpu in cores, memory in bytes), as milli-values.
  virtual std::optional<PodMetrics> resourceMetric(const std::string& resource) const = 0;
  // Per-pod values of a custom metric (Pods metric source).
  virtual std::optional<PodMetrics> podsMetric(const std::string& metric) const = 0;
  // The value of a custom metric describing one object (Object metric source).
  virtual std::optional<std::int64_t> objectMetric(const std::string& metric) const = 0;
  // The series of an external metric (External metric source); the controller sums them.
  virtual std::optional<std::vector<std::int64_t>> externalMetric(
      const std::string& metric) const = 0;
};

}  // namespace lbsim::models::autoscaling
