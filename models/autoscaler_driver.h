#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/simulator.h"
#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/hpa_controller.h"
#include "models/autoscaling/threshold_rule.h"
#include "models/request.h"
#include "models/spec.h"

namespace lbsim::models {

class Network;
class ServicePool;

// Runs one tier's autoscaler inside the simulation. A metrics pipeline samples the tier's
// replicas every `metricsResolution` seconds (CPU from the busy-worker integral over the
// window, memory from the requests held, request rates from arrivals), and the controller
// reads the latest sample at its own period: the HPA every sync period (15 s), target
// tracking every alarm period (60 s), a threshold script every check interval. Its decision
// sets the tier's desired replica count; the pool starts and drains replicas (their
// lifecycle). Every decision goes to the observers with its reason.
class AutoscalerDriver final : public core::EventHandler,
                               public autoscaling::HpaMetricsSource,
                               public autoscaling::AsgMetricsSource {
 public:
  AutoscalerDriver(Network& network, TierIndex tier, const AutoscalerSpec& spec);
  ~AutoscalerDriver() override;
  void start();
  void handleEvent(const core::Event& event) override;

  // HpaMetricsSource
  std::vector<autoscaling::PodInfo> pods() const override;
  std::optional<autoscaling::PodMetrics> resourceMetric(const std::string& resource) const override;
  std::optional<autoscaling::PodMetrics> podsMetric(const std::string& metric) const override;
  std::optional<std::int64_t> objectMetric(const std::string& metric) const override;
  std::optional<std::vector<std::int64_t>> externalMetric(const std::string& metric) const override;
  // AsgMetricsSource: ASGAverageCPUUtilization (percent), ALBRequestCountPerTarget (requests
  // per target in the last period), MemoryUtilization or any other name (memory, percent).
  std::optional<double> metric(const std::string& name) const override;

 private:
  enum EventKind : std::uint32_t { kScrape, kDecide };
  // The latest sample of one replica.
  struct Sample {
    bool valid = false;
    double time = 0.0;
    double window = 0.0;
    double cpuCores = 0.0;
    double memoryBytes = 0.0;
    double requestRate = 0.0;
    double inFlight = 0.0;
  };
  void scrape();
  void decide();
  void apply(std::int32_t desired, const std::string& reason, const std::string& message);
  double period() const;
  // Averages over the replicas that count (ready; for AWS, also past their warm-up).
  double averageCpuPercent(bool warmedOnly) const;
  double averageMemoryPercent(bool warmedOnly) const;
  bool counted(ReplicaIndex r, bool warmedOnly) const;

  Network& network_;
  TierIndex tier_;
  AutoscalerSpec spec_;
  core::HandlerId handler_;
  std::unique_ptr<autoscaling::HpaController> hpa_;
  std::unique_ptr<autoscaling::TargetTrackingController> asg_;
  autoscaling::ThresholdState threshold_;
  std::int32_t desired_ = 0;
  std::vector<Sample> samples_;
  std::vector<double> lastBusySeconds_;
  std::vector<std::uint64_t> lastArrivals_;
  double lastScrape_ = 0.0;
  double warmup_ = 0.0;  // AWS: seconds after ready before an instance counts
  // Tier totals over the last scrape window, for the threshold script.
  double tierRate_ = 0.0;
  double tierErrorRate_ = 0.0;
  std::uint64_t lastTierErrors_ = 0;
};

}  // namespace lbsim::models
