#include "models/autoscaler_driver.h"

#include <algorithm>
#include <cmath>

#include "models/network.h"
#include "models/service_pool.h"

namespace lbsim::models {

namespace {
std::int64_t milli(double v) {
  return static_cast<std::int64_t>(std::llround(v * 1000.0));
}
// A Pods metric named like a request rate is the replica's request rate; any other name
// (assessment_active_sessions, connections...) is the requests it holds at the sample.
bool isRate(const std::string& name) {
  return name.find("per_second") != std::string::npos || name.find("rps") != std::string::npos ||
         name.find("rate") != std::string::npos;
}
}  // namespace

AutoscalerDriver::AutoscalerDriver(Network& network, TierIndex tier, const AutoscalerSpec& spec)
    : network_(network), tier_(tier), spec_(spec), handler_(network.simulator().addHandler(this)) {
  const ServicePool& pool = network.tier(tier);
  const std::size_t n = pool.replicas().size();
  samples_.resize(n);
  lastBusySeconds_.assign(n, 0.0);
  lastArrivals_.assign(n, 0);
  desired_ = static_cast<std::int32_t>(pool.scheduledReplicas());
  switch (spec_.kind) {
    case AutoscalerSpec::Kind::kHpa:
      hpa_ = std::make_unique<autoscaling::HpaController>(spec_.hpa, spec_.hpaConfig,
                                                          network.simulator().clock());
      break;
    case AutoscalerSpec::Kind::kAsg:
      asg_ = std::make_unique<autoscaling::TargetTrackingController>(spec_.asg,
                                                                     network.simulator().clock());
      for (const auto& p : spec_.asg.policies)
        warmup_ = std::max(warmup_, autoscaling::instanceWarmup(spec_.asg, p));
      for (const auto& p : spec_.asg.stepPolicies)
        warmup_ = std::max(warmup_, autoscaling::instanceWarmup(spec_.asg, p));
      break;
    case AutoscalerSpec::Kind::kThreshold:
      threshold_.instances = desired_;
      break;
  }
}

AutoscalerDriver::~AutoscalerDriver() = default;

double AutoscalerDriver::period() const {
  switch (spec_.kind) {
    case AutoscalerSpec::Kind::kHpa:
      return spec_.hpaConfig.syncPeriod;
    case AutoscalerSpec::Kind::kAsg:
      return spec_.asg.alarms.period;
    case AutoscalerSpec::Kind::kThreshold:
      return spec_.threshold.checkInterval;
  }
  return 15.0;
}

void AutoscalerDriver::start() {
  core::Simulator& sim = network_.simulator();
  sim.schedule(spec_.metricsResolution, handler_, kScrape, 0);
  sim.schedule(period(), handler_, kDecide, 0);
}

void AutoscalerDriver::handleEvent(const core::Event& event) {
  core::Simulator& sim = network_.simulator();
  if (event.kind == kScrape) {
    scrape();
    sim.schedule(sim.now() + spec_.metricsResolution, handler_, kScrape, 0);
  } else {
    decide();
    sim.schedule(sim.now() + period(), handler_, kDecide, 0);
  }
}

void AutoscalerDriver::scrape() {
  const ServicePool& pool = network_.tier(tier_);
  const double now = network_.simulator().now();
  const double window = now - lastScrape_;
  if (!(window > 0.0)) return;
  const ResourceSpec& res = spec_.resources;
  double tierArrivals = 0.0;
  for (ReplicaIndex r = 0; r < pool.replicas().size(); ++r) {
    const auto& replica = pool.replicas()[r];
    if (!replica.autoscaled) continue;  // a backup: not one of the autoscaler's replicas
    const double busy = replica.busySeconds(now);
    Sample& s = samples_[r];
    const bool running = replica.lifecycle == ServicePool::Lifecycle::kReady ||
                         replica.lifecycle == ServicePool::Lifecycle::kDraining;
    // A replica that became ready within the window has no full sample yet (metrics-server
    // reports a pod once it has a window of data).
    s.valid = running && replica.readyAt <= lastScrape_ + 1e-9;
    s.time = now;
    s.window = window;
    s.cpuCores = (busy - lastBusySeconds_[r]) / window * res.cpuPerBusyWorker;
    const double held = static_cast<double>(replica.busy + replica.waiting());
    s.inFlight = held;
    s.memoryBytes = res.memoryBase + res.memoryPerRequest * held;
    const auto arrivals = static_cast<double>(replica.arrivals - lastArrivals_[r]);
    s.requestRate = arrivals / window;
    tierArrivals += arrivals;
    lastBusySeconds_[r] = busy;
    lastArrivals_[r] = replica.arrivals;
  }
  tierRate_ = tierArrivals / window;
  const std::uint64_t errors = pool.failures();
  const double newErrors = static_cast<double>(errors - lastTierErrors_);
  tierErrorRate_ = tierArrivals > 0.0 ? newErrors / tierArrivals : 0.0;
  lastTierErrors_ = errors;
  lastScrape_ = now;
}

bool AutoscalerDriver::counted(ReplicaIndex r, bool warmedOnly) const {
  const auto& replica = network_.tier(tier_).replicas()[r];
  if (!samples_[r].valid || replica.lifecycle != ServicePool::Lifecycle::kReady) return false;
  // The instances in service at the start were not launched by a policy: they do not warm up.
  const bool initial = replica.createdAt == 0.0 && replica.readyAt == 0.0;
  return !warmedOnly || initial || network_.simulator().now() >= replica.readyAt + warmup_;
}

double AutoscalerDriver::averageCpuPercent(bool warmedOnly) const {
  double sum = 0.0;
  double n = 0.0;
  for (ReplicaIndex r = 0; r < samples_.size(); ++r) {
    if (!counted(r, warmedOnly)) continue;
    sum += samples_[r].cpuCores / spec_.resources.cpuRequest * 100.0;
    n += 1.0;
  }
  return n > 0.0 ? sum / n : std::nan("");
}

double AutoscalerDriver::averageMemoryPercent(bool warmedOnly) const {
  double sum = 0.0;
  double n = 0.0;
  for (ReplicaIndex r = 0; r < samples_.size(); ++r) {
    if (!counted(r, warmedOnly)) continue;
    sum += samples_[r].memoryBytes / spec_.resources.memoryRequest * 100.0;
    n += 1.0;
  }
  return n > 0.0 ? sum / n : std::nan("");
}

std::vector<autoscaling::PodInfo> AutoscalerDriver::pods() const {
  std::vector<autoscaling::PodInfo> out;
  const ServicePool& pool = network_.tier(tier_);
  for (const auto& replica : pool.replicas()) {
    using L = ServicePool::Lifecycle;
    if (!replica.autoscaled || replica.lifecycle == L::kAbsent) continue;
    autoscaling::PodInfo pod;
    pod.name = replica.name;
    pod.phase = replica.lifecycle == L::kStarting ? autoscaling::PodPhase::kPending
                                                  : autoscaling::PodPhase::kRunning;
    pod.deleting = replica.lifecycle == L::kDraining;
    pod.startTime = replica.createdAt;
    const bool ready = replica.lifecycle == L::kReady;
    pod.readyCondition =
        autoscaling::ReadyCondition{ready, ready ? replica.readyAt : replica.createdAt};
    pod.requestsMilli["cpu"] = milli(spec_.resources.cpuRequest);
    pod.requestsMilli["memory"] = milli(spec_.resources.memoryRequest);
    out.push_back(std::move(pod));
  }
  return out;
}

std::optional<autoscaling::PodMetrics> AutoscalerDriver::resourceMetric(
    const std::string& resource) const {
  if (resource != "cpu" && resource != "memory") return std::nullopt;
  autoscaling::PodMetrics out;
  const ServicePool& pool = network_.tier(tier_);
  for (ReplicaIndex r = 0; r < samples_.size(); ++r) {
    const Sample& s = samples_[r];
    if (!s.valid) continue;
    const double v = resource == "cpu" ? s.cpuCores : s.memoryBytes;
    out[pool.replicas()[r].name] = {milli(v), s.time, s.window};
  }
  return out;
}

std::optional<autoscaling::PodMetrics> AutoscalerDriver::podsMetric(
    const std::string& metric) const {
  autoscaling::PodMetrics out;
  const ServicePool& pool = network_.tier(tier_);
  const bool rate = isRate(metric);
  for (ReplicaIndex r = 0; r < samples_.size(); ++r) {
    const Sample& s = samples_[r];
    if (!s.valid) continue;
    out[pool.replicas()[r].name] = {milli(rate ? s.requestRate : s.inFlight), s.time, s.window};
  }
  return out;
}

std::optional<std::int64_t> AutoscalerDriver::objectMetric(const std::string&) const {
  return std::nullopt;  // not modelled: the metric is invalid for the sync, as with no API
}

std::optional<std::vector<std::int64_t>> AutoscalerDriver::externalMetric(
    const std::string&) const {
  return std::nullopt;
}

std::optional<double> AutoscalerDriver::metric(const std::string& name) const {
  double value = 0.0;
  if (name == "ASGAverageCPUUtilization") {
    value = averageCpuPercent(true);
  } else if (name == "ALBRequestCountPerTarget") {
    double requests = 0.0;
    double targets = 0.0;
    for (ReplicaIndex r = 0; r < samples_.size(); ++r) {
      if (!counted(r, true)) continue;
      requests += samples_[r].requestRate * spec_.asg.alarms.period;
      targets += 1.0;
    }
    value = targets > 0.0 ? requests / targets : std::nan("");
  } else {
    value = averageMemoryPercent(true);
  }
  if (std::isnan(value)) return std::nullopt;
  return value;
}

void AutoscalerDriver::decide() {
  const ServicePool& pool = network_.tier(tier_);
  const double now = network_.simulator().now();
  switch (spec_.kind) {
    case AutoscalerSpec::Kind::kHpa: {
      autoscaling::ScaleState scale;
      scale.specReplicas = desired_;
      scale.statusReplicas = static_cast<std::int32_t>(pool.scheduledReplicas());
      const autoscaling::HpaDecision d = hpa_->reconcile(scale, *this);
      apply(d.desiredReplicas, d.reason, d.rescale ? d.rescaleReason : d.message);
      break;
    }
    case AutoscalerSpec::Kind::kAsg: {
      autoscaling::AsgState state;
      state.desiredCapacity = desired_;
      for (ReplicaIndex r = 0; r < samples_.size(); ++r) {
        const auto& replica = pool.replicas()[r];
        if (!replica.autoscaled) continue;  // a backup: not one of the group's instances
        if (counted(r, true)) {
          ++state.countedInstances;
        } else if (replica.lifecycle == ServicePool::Lifecycle::kStarting ||
                   replica.lifecycle == ServicePool::Lifecycle::kReady) {
          ++state.warmingInstances;
        }
      }
      const autoscaling::AsgDecision d = asg_->evaluate(state, *this);
      apply(d.desiredCapacity, d.decision.reason, d.decision.message);
      break;
    }
    case AutoscalerSpec::Kind::kThreshold: {
      autoscaling::ThresholdSample sample;
      const double cpu = averageCpuPercent(false);
      if (!std::isnan(cpu)) sample.cpu = cpu;
      const double memory = averageMemoryPercent(false);
      if (!std::isnan(memory)) sample.memory = memory;
      sample.rps = tierRate_;
      sample.errorRate = tierErrorRate_;
      threshold_.instances = desired_;
      const autoscaling::Decision d =
          autoscaling::evaluateThresholdRule(spec_.threshold, sample, threshold_, now);
      if (d.replicas > desired_) threshold_.lastScaleUp = now;
      if (d.replicas < desired_) threshold_.lastScaleDown = now;
      apply(d.replicas, d.reason, d.message);
      break;
    }
  }
}

void AutoscalerDriver::apply(std::int32_t desired, const std::string& reason,
                             const std::string& message) {
  ServicePool& pool = network_.tier(tier_);
  const std::int32_t before = desired_;
  const auto most = static_cast<std::int32_t>(pool.replicas().size());
  desired_ = std::clamp(desired, 0, most);
  if (desired_ != before) pool.scaleTo(static_cast<std::uint32_t>(desired_));
  network_.autoscaled(
      tier_, {before, desired_, static_cast<std::int32_t>(pool.readyReplicas()), reason, message});
}

}  // namespace lbsim::models
