#include "models/autoscaling/replica_calculator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace lbsim::models::autoscaling {

namespace {

constexpr std::int32_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

std::int32_t ceilToInt32(double value) {
  const double c = std::ceil(value);
  if (c >= static_cast<double>(kMaxInt32)) return kMaxInt32;
  if (c <= static_cast<double>(std::numeric_limits<std::int32_t>::min())) {
    return std::numeric_limits<std::int32_t>::min();
  }
  return static_cast<std::int32_t>(c);
}

std::string fixed(double value, int decimals = 3) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void fillGroups(ReplicaCalculation& out, const PodGroups& groups) {
  out.readyPods = groups.readyPodCount;
  out.unreadyPods.assign(groups.unready.begin(), groups.unready.end());
  out.missingPods.assign(groups.missing.begin(), groups.missing.end());
  out.ignoredPods.assign(groups.ignored.begin(), groups.ignored.end());
}

ReplicaCalculation failure(std::string error) {
  ReplicaCalculation out;
  out.error = std::move(error);
  return out;
}

// The common tail of GetResourceReplicas and calcPlainMetricReplicas once the pods are
// grouped and the first ratio is known. `fillMissing` gives a missing pod's value on a
// scale-down; `ratioOf` recomputes the ratio over the completed samples.
template <typename FillMissing, typename RatioOf>
void decide(ReplicaCalculation& out, std::int32_t currentReplicas, const Tolerances& tolerances,
            const PodGroups& groups, PodMetrics& metrics, FillMissing fillMissing,
            RatioOf ratioOf) {
  const double usageRatio = out.usageRatio;
  const bool scaleUpWithUnready = !groups.unready.empty() && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missing.empty()) {
    out.ok = true;
    if (tolerances.isWithin(usageRatio)) {
      out.replicas = currentReplicas;
      out.why = "ratio " + fixed(usageRatio) + " within tolerance [" +
                fixed(1.0 - tolerances.scaleDown, 2) + ", " + fixed(1.0 + tolerances.scaleUp, 2) +
                "]: keep " + std::to_string(currentReplicas);
      return;
    }
    out.replicas = ceilToInt32(usageRatio * groups.readyPodCount);
    out.why = "ceil(" + fixed(usageRatio) + " x " + std::to_string(groups.readyPodCount) +
              " ready pods) = " + std::to_string(out.replicas);
    return;
  }

  std::string filled;
  if (!groups.missing.empty()) {
    if (usageRatio < 1.0) {
      for (const auto& pod : groups.missing)
        metrics[pod] = PodMetric{fillMissing(pod), 0.0, 0.0};
      filled = std::to_string(groups.missing.size()) + " missing pod(s) counted at the target";
    } else if (usageRatio > 1.0) {
      for (const auto& pod : groups.missing)
        metrics[pod] = PodMetric{0, 0.0, 0.0};
      filled = std::to_string(groups.missing.size()) + " missing pod(s) counted at 0";
    }
  }
  if (scaleUpWithUnready) {
    for (const auto& pod : groups.unready)
      metrics[pod] = PodMetric{0, 0.0, 0.0};
    filled += std::string(filled.empty() ? "" : ", ") + std::to_string(groups.unready.size()) +
              " unready pod(s) counted at 0";
  }
  const double newUsageRatio = ratioOf(metrics);
  out.rebalancedRatio = newUsageRatio;
  out.ok = true;
  const std::string head =
      "ratio " + fixed(usageRatio) + "; " + filled + ": ratio " + fixed(newUsageRatio);
  if (tolerances.isWithin(newUsageRatio)) {
    out.replicas = currentReplicas;
    out.why = head + " within tolerance: keep " + std::to_string(currentReplicas);
    return;
  }
  if ((usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
    out.replicas = currentReplicas;
    out.why = head + " reverses the direction: keep " + std::to_string(currentReplicas);
    return;
  }
  const std::int32_t newReplicas = ceilToInt32(newUsageRatio * static_cast<double>(metrics.size()));
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) ||
      (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
    out.replicas = currentReplicas;
    out.why = head + "; ceil(" + fixed(newUsageRatio) + " x " + std::to_string(metrics.size()) +
              ") = " + std::to_string(newReplicas) + " reverses the direction: keep " +
              std::to_string(currentReplicas);
    return;
  }
  out.replicas = newReplicas;
  out.why = head + "; ceil(" + fixed(newUsageRatio) + " x " + std::to_string(metrics.size()) +
            " pods) = " + std::to_string(newReplicas);
}

void removeMetricsForPods(PodMetrics& metrics, const std::set<std::string>& pods) {
  for (const auto& pod : pods)
    metrics.erase(pod);
}

}  // namespace

PodGroups groupPods(const std::vector<PodInfo>& pods, const PodMetrics& metrics,
                    const std::string& resource, double cpuInitializationPeriod,
                    double delayOfInitialReadinessStatus, double now) {
  PodGroups groups;
  for (const PodInfo& pod : pods) {
    if (pod.deleting || pod.phase == PodPhase::kFailed) {
      groups.ignored.insert(pod.name);
      continue;
    }
    if (pod.phase == PodPhase::kPending) {
      groups.unready.insert(pod.name);
      continue;
    }
    const auto metric = metrics.find(pod.name);
    if (metric == metrics.end()) {
      groups.missing.insert(pod.name);
      continue;
    }
    if (resource == "cpu") {
      bool unready = false;
      if (!pod.readyCondition || !pod.startTime) {
        unready = true;
      } else if (*pod.startTime + cpuInitializationPeriod > now) {
        // Within the initialization period: ignore the sample if the pod is not ready or if
        // one full metric window has not passed since it turned ready.
        unready = !pod.readyCondition->ready ||
                  metric->second.timestamp <
                      pod.readyCondition->lastTransitionTime + metric->second.window;
      } else {
        // Ignore the sample of a pod that is not ready and has never been ready.
        unready = !pod.readyCondition->ready && *pod.startTime + delayOfInitialReadinessStatus >
                                                    pod.readyCondition->lastTransitionTime;
      }
      if (unready) {
        groups.unready.insert(pod.name);
        continue;
      }
    }
    ++groups.readyPodCount;
  }
  return groups;
}

UtilizationRatio getResourceUtilizationRatio(const PodMetrics& metrics,
                                             const std::map<std::string, std::int64_t>& requests,
                                             std::int32_t targetUtilization) {
  UtilizationRatio out;
  std::int64_t metricsTotal = 0;
  std::int64_t requestsTotal = 0;
  std::int64_t entries = 0;
  for (const auto& [pod, metric] : metrics) {
    const auto request = requests.find(pod);
    if (request == requests.end()) continue;  // samples of pods not listed are extraneous
    metricsTotal += metric.valueMilli;
    requestsTotal += request->second;
    ++entries;
  }
  if (requestsTotal == 0) {
    out.error = "no metrics returned matched known pods";
    return out;
  }
  out.ok = true;
  out.utilization = static_cast<std::int32_t>(metricsTotal * 100 / requestsTotal);
  out.ratio = static_cast<double>(out.utilization) / static_cast<double>(targetUtilization);
  out.rawAverage = metricsTotal / entries;
  return out;
}

UsageRatio getMetricUsageRatio(const PodMetrics& metrics, std::int64_t targetUsage) {
  std::int64_t total = 0;
  for (const auto& [pod, metric] : metrics)
    total += metric.valueMilli;
  UsageRatio out;
  out.usage = total / static_cast<std::int64_t>(metrics.size());
  out.ratio = static_cast<double>(out.usage) / static_cast<double>(targetUsage);
  return out;
}

ReplicaCalculation resourceReplicas(std::int32_t currentReplicas, std::int32_t targetUtilization,
                                    const std::string& resource, const Tolerances& tolerances,
                                    const std::vector<PodInfo>& pods, PodMetrics metrics,
                                    const ReplicaCalculatorConfig& config, double now) {
  if (metrics.empty()) {
    return failure("unable to get metrics for resource " + resource +
                   ": no metrics returned from resource metrics API");
  }
  if (pods.empty()) return failure("no pods returned by selector while calculating replica count");
  const PodGroups groups = groupPods(pods, metrics, resource, config.cpuInitializationPeriod,
                                     config.delayOfInitialReadinessStatus, now);
  removeMetricsForPods(metrics, groups.ignored);
  removeMetricsForPods(metrics, groups.unready);
  if (metrics.empty()) {
    ReplicaCalculation out =
        failure("did not receive metrics for targeted pods (pods might be unready)");
    fillGroups(out, groups);
    return out;
  }
  std::map<std::string, std::int64_t> requests;
  for (const PodInfo& pod : pods) {
    const auto request = pod.requestsMilli.find(resource);
    if (request == pod.requestsMilli.end()) {
      return failure("missing request for " + resource + " in Pod " + pod.name);
    }
    requests[pod.name] = request->second;
  }
  const UtilizationRatio first = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  if (!first.ok) return failure(first.error);

  ReplicaCalculation out;
  fillGroups(out, groups);
  out.usage = first.rawAverage;
  out.utilization = first.utilization;
  out.usageRatio = first.ratio;
  const std::int64_t fallbackUtilization = std::max<std::int64_t>(100, targetUtilization);
  decide(
      out, currentReplicas, tolerances, groups, metrics,
      [&](const std::string& pod) { return requests[pod] * fallbackUtilization / 100; },
      [&](const PodMetrics& completed) {
        return getResourceUtilizationRatio(completed, requests, targetUtilization).ratio;
      });
  return out;
}

ReplicaCalculation plainMetricReplicas(std::int32_t currentReplicas, std::int64_t targetUsage,
                                       const std::string& resource, const Tolerances& tolerances,
                                       const std::vector<PodInfo>& pods, PodMetrics metrics,
                                       const ReplicaCalculatorConfig& config, double now) {
  if (pods.empty()) return failure("no pods returned by selector while calculating replica count");
  const PodGroups groups = groupPods(pods, metrics, resource, config.cpuInitializationPeriod,
                                     config.delayOfInitialReadinessStatus, now);
  removeMetricsForPods(metrics, groups.ignored);
  removeMetricsForPods(metrics, groups.unready);
  if (metrics.empty()) {
    ReplicaCalculation out =
        failure("did not receive metrics for targeted pods (pods might be unready)");
    fillGroups(out, groups);
    return out;
  }
  const UsageRatio first = getMetricUsageRatio(metrics, targetUsage);
  ReplicaCalculation out;
  fillGroups(out, groups);
  out.usage = first.usage;
  out.usageRatio = first.ratio;
  decide(
      out, currentReplicas, tolerances, groups, metrics,
      [&](const std::string&) { return targetUsage; },
      [&](const PodMetrics& completed) {
        return getMetricUsageRatio(completed, targetUsage).ratio;
      });
  return out;
}

int readyPodsCount(const std::vector<PodInfo>& pods) {
  int ready = 0;
  for (const PodInfo& pod : pods) {
    if (pod.phase == PodPhase::kRunning && pod.readyCondition && pod.readyCondition->ready) ++ready;
  }
  return ready;
}

ReplicaCalculation usageRatioReplicaCount(std::int32_t currentReplicas, double usageRatio,
                                          const Tolerances& tolerances,
                                          const std::vector<PodInfo>& pods) {
  ReplicaCalculation out;
  out.usageRatio = usageRatio;
  if (currentReplicas != 0) {
    if (tolerances.isWithin(usageRatio)) {
      out.ok = true;
      out.replicas = currentReplicas;
      out.why = "ratio " + fixed(usageRatio) + " within tolerance: keep " +
                std::to_string(currentReplicas);
      return out;
    }
    if (pods.empty()) {
      return failure(
          "unable to calculate ready pods: no pods returned by selector while calculating "
          "replica count");
    }
    out.readyPods = readyPodsCount(pods);
    out.ok = true;
    out.replicas = ceilToInt32(usageRatio * out.readyPods);
    out.why = "ceil(" + fixed(usageRatio) + " x " + std::to_string(out.readyPods) +
              " ready pods) = " + std::to_string(out.replicas);
    return out;
  }
  out.ok = true;
  out.replicas = ceilToInt32(usageRatio);
  out.why = "from zero: ceil(" + fixed(usageRatio) + ") = " + std::to_string(out.replicas);
  return out;
}

ReplicaCalculation objectMetricReplicas(std::int32_t currentReplicas, std::int64_t usage,
                                        std::int64_t targetUsage, const Tolerances& tolerances,
                                        const std::vector<PodInfo>& pods) {
  const double ratio = static_cast<double>(usage) / static_cast<double>(targetUsage);
  ReplicaCalculation out = usageRatioReplicaCount(currentReplicas, ratio, tolerances, pods);
  out.usage = usage;
  return out;
}

ReplicaCalculation objectPerPodMetricReplicas(std::int32_t statusReplicas, std::int64_t usage,
                                              std::int64_t targetAverageUsage,
                                              const Tolerances& tolerances) {
  ReplicaCalculation out;
  out.ok = true;
  out.replicas = statusReplicas;
  out.usageRatio = static_cast<double>(usage) /
                   (static_cast<double>(targetAverageUsage) * static_cast<double>(statusReplicas));
  if (!tolerances.isWithin(out.usageRatio)) {
    out.replicas =
        ceilToInt32(static_cast<double>(usage) / static_cast<double>(targetAverageUsage));
    out.why = "ceil(" +
              fixed(static_cast<double>(usage) / static_cast<double>(targetAverageUsage)) +
              ") = " + std::to_string(out.replicas);
  } else {
    out.why = "ratio " + fixed(out.usageRatio) + " within tolerance: keep " +
              std::to_string(statusReplicas);
  }
  out.usage = statusReplicas > 0
                  ? static_cast<std::int64_t>(
                        std::ceil(static_cast<double>(usage) / static_cast<double>(statusReplicas)))
                  : usage;
  return out;
}

ReplicaCalculation externalMetricReplicas(std::int32_t currentReplicas,
                                          const std::vector<std::int64_t>& values,
                                          std::int64_t targetUsage, const Tolerances& tolerances,
                                          const std::vector<PodInfo>& pods) {
  std::int64_t usage = 0;
  for (const std::int64_t v : values) {
    if (v > 0 && usage > std::numeric_limits<std::int64_t>::max() - v) {
      usage = std::numeric_limits<std::int64_t>::max();
      break;
    }
    usage += v;
  }
  return objectMetricReplicas(currentReplicas, usage, targetUsage, tolerances, pods);
}

ReplicaCalculation externalPerPodMetricReplicas(std::int32_t statusReplicas,
                                                const std::vector<std::int64_t>& values,
                                                std::int64_t targetUsagePerPod,
                                                const Tolerances& tolerances) {
  std::int64_t usage = 0;
  for (const std::int64_t v : values) {
    if (v > 0 && usage > std::numeric_limits<std::int64_t>::max() - v) {
      usage = std::numeric_limits<std::int64_t>::max();
      break;
    }
    usage += v;
  }
  return objectPerPodMetricReplicas(statusReplicas, usage, targetUsagePerPod, tolerances);
}

}  // namespace lbsim::models::autoscaling
