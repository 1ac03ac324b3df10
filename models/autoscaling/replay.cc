#include "models/autoscaling/replay.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/autoscaling/quantity.h"

namespace lbsim::models::autoscaling {

namespace {

// Sample-and-hold of a per-metric trace: the latest value of each metric at or before now.
class HeldMetrics {
 public:
  explicit HeldMetrics(const std::vector<MetricTraceRow>& rows) : rows_(&rows) {}
  void advanceTo(double now) {
    while (next_ < rows_->size() && (*rows_)[next_].time <= now) {
      values_[(*rows_)[next_].metric] = (*rows_)[next_].value;
      ++next_;
    }
  }
  std::optional<double> get(const std::string& metric) const {
    const auto it = values_.find(metric);
    return it == values_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  const std::vector<MetricTraceRow>* rows_;
  std::size_t next_ = 0;
  std::map<std::string, double> values_;
};

std::int64_t defaultRequest(const std::string& resource) {
  if (resource == "memory") return 1073741824LL * 1000;  // 1Gi
  return 1000;                                           // 1 core, or 1 unit
}

// A deployment under a per-metric trace: R0 pods carried the recorded load; the pods the
// controller adds are Pending for `podStartup` seconds, then Running and Ready.
class SyntheticDeployment final : public HpaMetricsSource {
 public:
  SyntheticDeployment(const HpaSpec& spec, const HpaReplayOptions& options, const HeldMetrics& held,
                      std::int32_t initial, double start)
      : options_(&options), held_(&held), recorded_(initial) {
    for (const MetricSpec& m : spec.metrics) {
      if (m.type == MetricSourceType::kResource &&
          m.target.type == MetricTargetType::kUtilization) {
        utilization_.push_back(m.name);
      }
    }
    for (std::int32_t i = 0; i < initial; ++i)
      pods_.push_back({"pod-" + std::to_string(++created_), start - 3600.0});
  }

  void setNow(double now) { now_ = now; }

  void scaleTo(std::int32_t replicas, double now) {
    while (static_cast<std::int32_t>(pods_.size()) < replicas)
      pods_.push_back({"pod-" + std::to_string(++created_), now + options_->podStartup});
    // A ReplicaSet deletes pods that are not ready before ready ones, then the newest.
    std::stable_sort(pods_.begin(), pods_.end(),
                     [](const Pod& a, const Pod& b) { return a.readyAt < b.readyAt; });
    while (static_cast<std::int32_t>(pods_.size()) > replicas)
      pods_.pop_back();
  }

  std::int32_t readyCount() const {
    return static_cast<std::int32_t>(
        std::count_if(pods_.begin(), pods_.end(), [&](const Pod& p) { return p.readyAt <= now_; }));
  }
  std::int32_t podCount() const { return static_cast<std::int32_t>(pods_.size()); }

  std::vector<PodInfo> pods() const override {
    std::vector<PodInfo> out;
    for (const Pod& p : pods_) {
      PodInfo info;
      info.name = p.name;
      if (p.readyAt > now_) {
        info.phase = PodPhase::kPending;
      } else {
        info.phase = PodPhase::kRunning;
        info.startTime = p.readyAt;
        info.readyCondition = ReadyCondition{true, p.readyAt};
      }
      for (const std::string& resource : {std::string("cpu"), std::string("memory")})
        info.requestsMilli[resource] = request(resource);
      out.push_back(info);
    }
    return out;
  }

  std::optional<PodMetrics> resourceMetric(const std::string& resource) const override {
    const auto value = held_->get(resource);
    if (!value) return std::nullopt;
    const bool percent =
        std::find(utilization_.begin(), utilization_.end(), resource) != utilization_.end();
    const double perPod = *value * factor();
    const std::int64_t milli =
        percent ? std::llround(perPod / 100.0 * static_cast<double>(request(resource)))
                : toMilli(perPod);
    return perPodSamples(milli);
  }

  std::optional<PodMetrics> podsMetric(const std::string& metric) const override {
    const auto value = held_->get(metric);
    if (!value) return std::nullopt;
    return perPodSamples(toMilli(*value * factor()));
  }

  std::optional<std::int64_t> objectMetric(const std::string& metric) const override {
    const auto value = held_->get(metric);
    return value ? std::optional(toMilli(*value)) : std::nullopt;
  }

  std::optional<std::vector<std::int64_t>> externalMetric(
      const std::string& metric) const override {
    const auto value = held_->get(metric);
    if (!value) return std::nullopt;
    return std::vector<std::int64_t>{toMilli(*value)};
  }

 private:
  struct Pod {
    std::string name;
    double readyAt;
  };

  std::int64_t request(const std::string& resource) const {
    const auto it = options_->requestsMilli.find(resource);
    return it == options_->requestsMilli.end() ? defaultRequest(resource) : it->second;
  }
  double factor() const {
    if (!options_->closedLoop) return 1.0;
    return static_cast<double>(recorded_) / std::max<std::int32_t>(1, readyCount());
  }
  PodMetrics perPodSamples(std::int64_t milli) const {
    PodMetrics samples;
    for (const Pod& p : pods_) {
      if (p.readyAt <= now_) samples[p.name] = PodMetric{milli, now_, options_->metricWindow};
    }
    return samples;
  }

  const HpaReplayOptions* options_;
  const HeldMetrics* held_;
  std::int32_t recorded_;
  std::vector<std::string> utilization_;
  std::vector<Pod> pods_;
  int created_ = 0;
  double now_ = 0.0;
};

// The pods of a per-pod trace as of the latest scrape at or before now.
class RecordedPods final : public HpaMetricsSource {
 public:
  RecordedPods(const MetricTrace& trace, const HpaReplayOptions& options)
      : rows_(&trace.podRows), options_(&options) {
    for (std::size_t i = 0; i < rows_->size(); ++i) {
      if (scrapes_.empty() || (*rows_)[i].time != (*rows_)[scrapes_.back().begin].time) {
        scrapes_.push_back({i, i});
      }
      scrapes_.back().end = i + 1;
    }
  }

  void advanceTo(double now) {
    while (next_ < scrapes_.size() && (*rows_)[scrapes_[next_].begin].time <= now) {
      const Scrape& s = scrapes_[next_];
      for (std::size_t i = s.begin; i < s.end; ++i) {
        const PodTraceRow& row = (*rows_)[i];
        if (row.pod.empty()) continue;
        // A pod of the first scrape has been running for a while: it started long before.
        const double since = next_ == 0 ? row.time - 3600.0 : row.time;
        auto [it, inserted] = history_.try_emplace(row.pod, PodHistory{since, since, row.state});
        const bool wasReady = it->second.state == PodTraceState::kReady;
        const bool isReady = row.state == PodTraceState::kReady;
        if (!inserted && wasReady != isReady) it->second.lastTransition = row.time;
        it->second.state = row.state;
      }
      current_ = next_;
      ++next_;
    }
  }

  bool started() const { return next_ > 0; }

  std::int32_t activePods() const {
    std::int32_t n = 0;
    for (const PodInfo& p : pods()) {
      if (p.phase != PodPhase::kFailed && !p.deleting) ++n;
    }
    return n;
  }

  std::vector<PodInfo> pods() const override {
    std::vector<PodInfo> out;
    if (!started()) return out;
    const Scrape& s = scrapes_[current_];
    for (std::size_t i = s.begin; i < s.end; ++i) {
      const PodTraceRow& row = (*rows_)[i];
      if (row.pod.empty()) continue;
      if (std::any_of(out.begin(), out.end(),
                      [&](const PodInfo& p) { return p.name == row.pod; })) {
        continue;
      }
      const PodHistory& h = history_.at(row.pod);
      PodInfo info;
      info.name = row.pod;
      info.startTime = h.firstSeen;
      switch (h.state) {
        case PodTraceState::kPending:
          info.phase = PodPhase::kPending;
          break;
        case PodTraceState::kFailed:
          info.phase = PodPhase::kFailed;
          break;
        case PodTraceState::kTerminating:
          info.deleting = true;
          break;
        default:
          break;
      }
      if (h.state != PodTraceState::kPending) {
        info.readyCondition = ReadyCondition{h.state == PodTraceState::kReady, h.lastTransition};
      }
      info.requestsMilli = options_->requestsMilli;
      out.push_back(info);
    }
    return out;
  }

  std::optional<PodMetrics> resourceMetric(const std::string& resource) const override {
    return podSamples(resource);
  }
  std::optional<PodMetrics> podsMetric(const std::string& metric) const override {
    return podSamples(metric);
  }
  std::optional<std::int64_t> objectMetric(const std::string& metric) const override {
    const auto values = objectValues(metric);
    if (values.empty()) return std::nullopt;
    return values.back();
  }
  std::optional<std::vector<std::int64_t>> externalMetric(
      const std::string& metric) const override {
    auto values = objectValues(metric);
    if (values.empty()) return std::nullopt;
    return values;
  }

 private:
  struct Scrape {
    std::size_t begin;
    std::size_t end;
  };
  struct PodHistory {
    double firstSeen;
    double lastTransition;
    PodTraceState state;
  };

  std::optional<PodMetrics> podSamples(const std::string& metric) const {
    if (!started()) return std::nullopt;
    PodMetrics samples;
    const Scrape& s = scrapes_[current_];
    for (std::size_t i = s.begin; i < s.end; ++i) {
      const PodTraceRow& row = (*rows_)[i];
      if (row.pod.empty() || row.metric != metric) continue;
      samples[row.pod] = PodMetric{toMilli(row.value), row.time, options_->metricWindow};
    }
    if (samples.empty()) return std::nullopt;
    return samples;
  }
  std::vector<std::int64_t> objectValues(const std::string& metric) const {
    std::vector<std::int64_t> values;
    if (!started()) return values;
    const Scrape& s = scrapes_[current_];
    for (std::size_t i = s.begin; i < s.end; ++i) {
      const PodTraceRow& row = (*rows_)[i];
      if (row.pod.empty() && row.metric == metric) values.push_back(toMilli(row.value));
    }
    return values;
  }

  const std::vector<PodTraceRow>* rows_;
  const HpaReplayOptions* options_;
  std::vector<Scrape> scrapes_;
  std::size_t next_ = 0;
  std::size_t current_ = 0;
  std::map<std::string, PodHistory> history_;
};

// Runs `step(now)` at start, start + period, ... up to and including `end` on `sim`.
template <typename Step>
void runEvery(core::Simulator& sim, double start, double end, double period, Step step) {
  sim.every(period, start, [&](double now) {
    if (now <= end + 1e-9) step(now);
  });
  sim.stopAt(end + period * 0.5);
  sim.run();
}

}  // namespace

std::vector<HpaReplayStep> replayHpa(const HpaSpec& spec, const MetricTrace& trace,
                                     const HpaReplayOptions& options) {
  if (trace.empty()) throw std::invalid_argument("the metric trace has no samples");
  const HpaSpec defaulted = withApiDefaults(spec);
  if (trace.perPod) {
    for (const MetricSpec& m : defaulted.metrics) {
      if (m.type == MetricSourceType::kResource &&
          m.target.type == MetricTargetType::kUtilization &&
          options.requestsMilli.count(m.name) == 0) {
        throw std::invalid_argument(
            "a per-pod trace with a " + m.name + " Utilization target needs the pods' " + m.name +
            " request, e.g. --requests " + m.name + (m.name == "cpu" ? "=500m" : "=512Mi"));
      }
    }
  }
  std::vector<HpaReplayStep> steps;
  HeldMetrics held(trace.metricRows);
  RecordedPods recorded(trace, options);
  std::optional<SyntheticDeployment> synthetic;
  std::int32_t replicas = 0;
  if (trace.perPod) {
    recorded.advanceTo(trace.firstTime());
    replicas = options.initialReplicas.value_or(recorded.activePods());
  } else {
    replicas = options.initialReplicas.value_or(*defaulted.minReplicas);
    synthetic.emplace(defaulted, options, held, replicas, trace.firstTime());
  }
  core::Simulator sim;
  HpaController controller(spec, options.controller, sim.clock());
  runEvery(sim, trace.firstTime(), trace.lastTime(), options.controller.syncPeriod,
           [&](double now) {
             HpaReplayStep step;
             const HpaMetricsSource* source = nullptr;
             if (trace.perPod) {
               recorded.advanceTo(now);
               source = &recorded;
               step.pods = recorded.activePods();
               step.readyPods = readyPodsCount(recorded.pods());
             } else {
               held.advanceTo(now);
               synthetic->setNow(now);
               source = &*synthetic;
               step.pods = synthetic->podCount();
               step.readyPods = synthetic->readyCount();
             }
             step.decision = controller.reconcile({replicas, step.pods}, *source);
             replicas = step.decision.desiredReplicas;
             if (synthetic) synthetic->scaleTo(replicas, now);
             steps.push_back(std::move(step));
           });
  return steps;
}

namespace {

class HeldAsgMetrics final : public AsgMetricsSource {
 public:
  HeldAsgMetrics(const HeldMetrics& held, bool closedLoop, std::int32_t recorded)
      : held_(&held), closedLoop_(closedLoop), recorded_(recorded) {}
  void setCounted(std::int32_t counted) { counted_ = counted; }
  std::optional<double> metric(const std::string& name) const override {
    const auto value = held_->get(name);
    if (!value || counted_ <= 0) return std::nullopt;
    if (!closedLoop_) return *value;
    const double spread = *value * recorded_ / counted_;
    // An instance's CPU cannot exceed 100%: demand beyond the group's capacity is hidden.
    return name == "ASGAverageCPUUtilization" ? std::min(100.0, spread) : spread;
  }

 private:
  const HeldMetrics* held_;
  bool closedLoop_;
  std::int32_t recorded_;
  std::int32_t counted_ = 0;
};

}  // namespace

std::vector<AsgReplayStep> replayTargetTracking(const AsgSpec& group, const MetricTrace& trace,
                                                const AsgReplayOptions& options) {
  if (trace.empty()) throw std::invalid_argument("the metric trace has no samples");
  if (trace.perPod) {
    throw std::invalid_argument(
        "target tracking replays a per-metric trace (time,metric,value): CloudWatch aggregates "
        "the group's instances");
  }
  struct Instance {
    double inServiceAt;
    double warmUntil;
  };
  const std::int32_t initial =
      options.initialCapacity.value_or(group.desiredCapacity.value_or(group.minSize));
  std::vector<Instance> instances(static_cast<std::size_t>(initial), Instance{-1e18, -1e18});
  double warmup = 0.0;
  for (const TargetTrackingPolicy& p : group.policies)
    warmup = std::max(warmup, instanceWarmup(group, p));
  for (const StepScalingPolicy& p : group.stepPolicies)
    warmup = std::max(warmup, instanceWarmup(group, p));
  HeldMetrics held(trace.metricRows);
  HeldAsgMetrics source(held, options.closedLoop, initial);
  core::Simulator sim;
  TargetTrackingController controller(group, sim.clock());
  std::vector<AsgReplayStep> steps;
  runEvery(sim, trace.firstTime(), trace.lastTime(), group.alarms.period, [&](double now) {
    held.advanceTo(now);
    AsgReplayStep step;
    for (const Instance& i : instances) {
      if (now < i.inServiceAt) {
        ++step.pending;
      } else if (now < i.warmUntil) {
        ++step.warming;
      } else {
        ++step.counted;
      }
    }
    source.setCounted(step.counted);
    AsgState state;
    state.desiredCapacity = static_cast<std::int32_t>(instances.size());
    state.countedInstances = step.counted;
    state.warmingInstances = step.warming + step.pending;
    step.decision = controller.evaluate(state, source);
    const auto target = static_cast<std::size_t>(step.decision.desiredCapacity);
    while (instances.size() < target) {
      const double inService = now + options.launchTime;
      instances.push_back({inService, inService + warmup});
    }
    // Instances still launching or warming up go first, then the newest.
    std::stable_sort(instances.begin(), instances.end(), [](const Instance& a, const Instance& b) {
      return a.inServiceAt < b.inServiceAt;
    });
    while (instances.size() > target)
      instances.pop_back();
    steps.push_back(std::move(step));
  });
  return steps;
}

std::vector<ThresholdReplayStep> replayThresholdRule(const ThresholdRule& rule,
                                                     const MetricTrace& trace,
                                                     std::optional<std::int32_t> initialInstances,
                                                     bool closedLoop) {
  if (trace.empty()) throw std::invalid_argument("the metric trace has no samples");
  if (trace.perPod) {
    throw std::invalid_argument(
        "a threshold script replays a per-metric trace (time,metric,value)");
  }
  const std::int32_t initial = initialInstances.value_or(rule.minInstances);
  ThresholdState state;
  state.instances = initial;
  HeldMetrics held(trace.metricRows);
  std::vector<ThresholdReplayStep> steps;
  core::Simulator sim;
  runEvery(sim, trace.firstTime(), trace.lastTime(), rule.checkInterval, [&](double now) {
    held.advanceTo(now);
    const double factor =
        closedLoop ? static_cast<double>(initial) / std::max<std::int32_t>(1, state.instances)
                   : 1.0;
    ThresholdReplayStep step;
    step.time = now;
    step.instances = state.instances;
    if (const auto v = held.get("cpu")) step.sample.cpu = std::min(100.0, *v * factor);
    if (const auto v = held.get("memory")) step.sample.memory = std::min(100.0, *v * factor);
    step.sample.rps = held.get("rps");
    step.sample.errorRate = held.get("error_rate");
    step.decision = evaluateThresholdRule(rule, step.sample, state, now);
    if (step.decision.replicas > state.instances) state.lastScaleUp = now;
    if (step.decision.replicas < state.instances) state.lastScaleDown = now;
    state.instances = step.decision.replicas;
    steps.push_back(std::move(step));
  });
  return steps;
}

}  // namespace lbsim::models::autoscaling
