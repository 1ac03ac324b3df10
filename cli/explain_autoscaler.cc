#include "cli/explain_autoscaler.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "models/autoscaling/quantity.h"
#include "models/autoscaling/replay.h"
#include "scenarios/autoscaler_policies.h"
#include "scenarios/hpa_manifest.h"
#include "scenarios/metric_trace.h"
#include "scenarios/units.h"

namespace lbsim::cli {

namespace {

using namespace models::autoscaling;

double durationOption(const std::string& text, const std::string& option, bool positive) {
  const auto v = scenarios::parseDuration(text);
  if (!v || *v < 0.0 || (positive && *v == 0.0)) {
    throw std::invalid_argument(option + " '" + text + "' is not a " +
                                (positive ? "positive " : "") +
                                "duration; allowed: " + scenarios::kDurationForms);
  }
  return *v;
}

std::optional<std::int32_t> countOption(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  const auto v = scenarios::parseNumber(text);
  if (!v || *v < 0 || *v != std::floor(*v) || *v > 1e6) {
    throw std::invalid_argument(option + " '" + text + "' is not a count; allowed: 0 to 1000000");
  }
  return static_cast<std::int32_t>(*v);
}

std::string clockText(double t) {
  const long long s = std::llround(t);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
  }
  return buffer;
}

std::string fixed(double v, int decimals) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string padRight(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}
std::string padLeft(const std::string& s, std::size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

// Prints rows, folding runs of identical rows into one "... n more alike" line.
// Prints rows, folding runs of identical rows into one "... n more alike" line; a row's notes
// are printed only with the row.
class FoldedTable {
 public:
  explicit FoldedTable(bool all) : all_(all) {}
  void row(const std::string& key, const std::string& text) {
    if (!all_ && key == lastKey_) {
      ++folded_;
      printing_ = false;
      return;
    }
    flush();
    std::cout << text << "\n";
    lastKey_ = key;
    printing_ = true;
  }
  void note(const std::string& text) {
    if (printing_) std::cout << text << "\n";
  }
  void flush() {
    if (folded_ > 0) {
      std::cout << "          ... " << folded_ << " more alike\n";
      folded_ = 0;
    }
  }

 private:
  bool all_;
  std::string lastKey_;
  int folded_ = 0;
  bool printing_ = false;
};

std::string targetText(const MetricSpec& m) {
  switch (m.target.type) {
    case MetricTargetType::kUtilization:
      return std::to_string(m.target.averageUtilization) + "%";
    case MetricTargetType::kAverageValue:
      return formatMetricValue(m.target.valueMilli, m.name) +
             (m.type == MetricSourceType::kResource || m.type == MetricSourceType::kPods ? ""
                                                                                         : "/pod");
    case MetricTargetType::kValue:
      return formatMetricValue(m.target.valueMilli, m.name);
  }
  return "?";
}

std::string metricLine(const MetricSpec& m) {
  switch (m.type) {
    case MetricSourceType::kResource:
      return m.name +
             (m.target.type == MetricTargetType::kUtilization ? " utilization " : " average ") +
             targetText(m);
    case MetricSourceType::kPods:
      return "pods " + m.name + " average " + targetText(m);
    case MetricSourceType::kObject:
      return "object " + m.describedKind + "/" + m.describedName + " " + m.name + " " +
             targetText(m);
    case MetricSourceType::kExternal:
      return "external " + m.name + " " + targetText(m);
  }
  return m.name;
}

std::string rulesLine(const ScalingRules& r) {
  std::string s = "window " + scenarios::formatDuration(r.stabilizationWindowSeconds.value_or(0)) +
                  ", " + toString(r.selectPolicy.value_or(SelectPolicy::kMax)) + " of [";
  bool first = true;
  for (const ScalingPolicy& p : r.policies.value_or(std::vector<ScalingPolicy>{})) {
    s += (first ? "" : ", ") + std::string(toString(p.type)) + " " + std::to_string(p.value) +
         (p.type == ScalingPolicyType::kPercent ? "%" : "") + " / " +
         scenarios::formatDuration(p.periodSeconds);
    first = false;
  }
  s += "]";
  if (r.tolerance) s += ", tolerance " + scenarios::formatNumber(*r.tolerance);
  return s;
}

std::string metricCell(const MetricSpec& spec, const MetricOutcome& o) {
  const ReplicaCalculation& c = o.calculation;
  if (!c.ok) return "invalid";
  const std::string current =
      c.utilization ? std::to_string(*c.utilization) + "%" : formatMetricValue(c.usage, spec.name);
  return current + " -> " + std::to_string(c.replicas);
}

void explainHpa(const ExplainAutoscalerArgs& args, const MetricTrace& trace) {
  const std::vector<HpaSpec> hpas = scenarios::loadHpaManifestFile(args.hpa);
  const HpaSpec* chosen = &hpas.front();
  if (!args.hpaName.empty()) {
    chosen = nullptr;
    std::string names;
    for (const HpaSpec& h : hpas) {
      if (h.name == args.hpaName) chosen = &h;
      names += (names.empty() ? "" : ", ") + h.name;
    }
    if (chosen == nullptr) {
      throw std::invalid_argument("--hpa-name " + args.hpaName + " is not in " + args.hpa +
                                  "; allowed: " + names);
    }
  }
  HpaReplayOptions options;
  options.controller.syncPeriod = durationOption(args.syncPeriod, "--sync-period", true);
  const auto tolerance = scenarios::parseNumber(args.tolerance);
  if (!tolerance || *tolerance < 0.0) {
    throw std::invalid_argument("--tolerance '" + args.tolerance +
                                "' is not a fraction; allowed: 0 or more, e.g. 0.1");
  }
  options.controller.tolerance = *tolerance;
  options.controller.downscaleStabilizationWindow =
      durationOption(args.downscaleStabilization, "--downscale-stabilization", false);
  options.controller.calculator.cpuInitializationPeriod =
      durationOption(args.cpuInitializationPeriod, "--cpu-initialization-period", false);
  options.controller.calculator.delayOfInitialReadinessStatus =
      durationOption(args.initialReadinessDelay, "--initial-readiness-delay", false);
  options.metricWindow = durationOption(args.metricWindow, "--metric-window", true);
  options.podStartup = durationOption(args.podStartup, "--pod-startup", false);
  options.closedLoop = !args.openLoop;
  options.initialReplicas = countOption(args.replicas, "--replicas");
  for (const std::string& r : args.requests) {
    const auto eq = r.find('=');
    const auto milli =
        eq == std::string::npos ? std::nullopt : parseQuantityMilli(r.substr(eq + 1));
    if (!milli || *milli <= 0) {
      throw std::invalid_argument(
          "--requests '" + r + "' must be RESOURCE=QUANTITY; allowed: e.g. cpu=500m, memory=512Mi");
    }
    options.requestsMilli[r.substr(0, eq)] = *milli;
  }

  const std::vector<HpaReplayStep> steps = replayHpa(*chosen, trace, options);
  const HpaSpec spec = withApiDefaults(*chosen);
  std::cout << "HorizontalPodAutoscaler " << spec.name << " -> " << spec.targetKind << "/"
            << spec.targetName << ", replicas " << *spec.minReplicas << ".." << spec.maxReplicas;
  if (hpas.size() > 1 && args.hpaName.empty()) {
    std::cout << " (first of " << hpas.size() << " in " << args.hpa << "; --hpa-name to choose)";
  }
  std::cout << "\n  metrics:    ";
  for (std::size_t i = 0; i < spec.metrics.size(); ++i)
    std::cout << (i ? " | " : "") << metricLine(spec.metrics[i]);
  std::cout << "\n";
  if (spec.behavior) {
    ScalingRules down = *spec.behavior->scaleDown;
    if (!down.stabilizationWindowSeconds) {
      down.stabilizationWindowSeconds =
          static_cast<std::int32_t>(options.controller.downscaleStabilizationWindow);
    }
    std::cout << "  scaleUp:    " << rulesLine(*spec.behavior->scaleUp) << "\n";
    std::cout << "  scaleDown:  " << rulesLine(down) << "\n";
  } else {
    std::cout << "  behavior:   none: scale-down window " +
                     scenarios::formatDuration(options.controller.downscaleStabilizationWindow) +
                     ", scale-up at most max(2 x current, 4) per sync\n";
  }
  std::cout << "  controller: sync every "
            << scenarios::formatDuration(options.controller.syncPeriod) << ", tolerance "
            << scenarios::formatNumber(options.controller.tolerance) << ", cpu initialization "
            << scenarios::formatDuration(options.controller.calculator.cpuInitializationPeriod)
            << ", readiness delay "
            << scenarios::formatDuration(
                   options.controller.calculator.delayOfInitialReadinessStatus)
            << "\n";
  std::cout << "  trace:      " << std::filesystem::path(args.metrics).filename().string() << ", ";
  if (trace.perPod) {
    std::cout << "per pod, open loop (the recorded pods do not follow the decisions)\n";
  } else if (options.closedLoop) {
    std::cout << "per metric, closed loop: values measured on the initial replicas, load spread "
                 "over the Ready pods; new pods Ready "
              << scenarios::formatDuration(options.podStartup) << " after a scale-up\n";
  } else {
    std::cout << "per metric, open loop (values as recorded, whatever the replica count)\n";
  }

  std::vector<std::size_t> widths;
  std::string header =
      "\n" + padLeft("time", 8) + padLeft("replicas", 10) + padLeft("ready", 7) + "  ";
  for (const MetricSpec& m : spec.metrics) {
    const std::string title = m.name + " " + targetText(m);
    widths.push_back(std::max<std::size_t>(title.size(), 12) + 2);
    header += padRight(title, widths.back());
  }
  header += padLeft("want", 5) + padLeft("stab", 6) + padLeft("new", 5) + "  reason";
  std::cout << header << "\n";
  FoldedTable table(args.all);
  int ups = 0;
  int downs = 0;
  std::int32_t low = steps.empty() ? 0 : steps.front().decision.currentReplicas;
  std::int32_t high = low;
  for (const HpaReplayStep& step : steps) {
    const HpaDecision& d = step.decision;
    std::string cells;
    for (std::size_t i = 0; i < spec.metrics.size() && i < d.metrics.size(); ++i)
      cells += padRight(metricCell(spec.metrics[i], d.metrics[i]), widths[i]);
    std::string reason = d.reason;
    if (d.stabilizedReplicas && d.metricReplicas && *d.stabilizedReplicas != *d.metricReplicas) {
      reason = d.stabilizationReason + ", " + reason;
    }
    if (d.reason == "FailedComputeMetricsReplicas") reason += ": " + d.message;
    const std::string want = d.metricReplicas ? std::to_string(*d.metricReplicas) : "-";
    const std::string stab = d.stabilizedReplicas ? std::to_string(*d.stabilizedReplicas) : "-";
    const std::string key = std::to_string(d.currentReplicas) + "|" +
                            std::to_string(step.readyPods) + "|" + cells + want + stab +
                            std::to_string(d.desiredReplicas) + reason;
    const std::string text =
        padLeft(clockText(d.time), 8) + padLeft(std::to_string(d.currentReplicas), 10) +
        padLeft(std::to_string(step.readyPods), 7) + "  " + cells + padLeft(want, 5) +
        padLeft(stab, 6) + padLeft(std::to_string(d.desiredReplicas), 5) + "  " + reason;
    table.row(d.rescale ? key + "#" + clockText(d.time) : key, text);
    if (d.rescale) {
      table.note(std::string(19, ' ') + "SuccessfulRescale  New size: " +
                 std::to_string(d.desiredReplicas) + "; reason: " + d.rescaleReason);
      (d.desiredReplicas > d.currentReplicas ? ups : downs) += 1;
      low = std::min(low, d.desiredReplicas);
      high = std::max(high, d.desiredReplicas);
    }
    if (args.verbose) {
      for (std::size_t i = 0; i < d.metrics.size(); ++i) {
        const ReplicaCalculation& c = d.metrics[i].calculation;
        table.note(
            std::string(19, ' ') + d.metrics[i].description + ": " +
            (c.ok ? d.metrics[i].current + " vs " + d.metrics[i].target + "; " + c.why : c.error));
      }
      for (const Condition& c : d.conditions)
        table.note(std::string(19, ' ') + c.type + "=" + (c.status ? "True" : "False") + " " +
                   c.reason);
    }
  }
  table.flush();
  if (!steps.empty()) {
    std::cout << "\n"
              << steps.size() << " syncs; " << ups << " scale-ups, " << downs
              << " scale-downs; replicas between " << low << " and " << high << ", finally "
              << steps.back().decision.desiredReplicas << "\n";
  }
}

void explainAsg(const ExplainAutoscalerArgs& args, const MetricTrace& trace) {
  const AsgSpec group = scenarios::loadAsgPolicyFile(args.asg);
  AsgReplayOptions options;
  options.closedLoop = !args.openLoop;
  options.launchTime = durationOption(args.launchTime, "--launch-time", false);
  options.initialCapacity = countOption(args.replicas, "--replicas");
  const std::vector<AsgReplayStep> steps = replayTargetTracking(group, trace, options);
  std::cout << "Auto Scaling group " << (group.name.empty() ? args.asg : group.name) << ", MinSize "
            << group.minSize << ", MaxSize " << group.maxSize << ", DesiredCapacity "
            << options.initialCapacity.value_or(group.desiredCapacity.value_or(group.minSize))
            << ", DefaultCooldown " << scenarios::formatDuration(group.defaultCooldown) << "\n";
  for (const TargetTrackingPolicy& p : group.policies) {
    std::cout << "  policy " << p.name << ": " << p.metric << " target "
              << scenarios::formatNumber(p.targetValue) << ", warm-up "
              << scenarios::formatDuration(instanceWarmup(group, p));
    if (p.scaleOutCooldown)
      std::cout << ", ScaleOutCooldown " << scenarios::formatDuration(*p.scaleOutCooldown);
    if (p.scaleInCooldown)
      std::cout << ", ScaleInCooldown " << scenarios::formatDuration(*p.scaleInCooldown);
    if (p.disableScaleIn) std::cout << ", scale-in disabled";
    std::cout << "\n";
  }
  for (const StepScalingPolicy& p : group.stepPolicies) {
    std::cout << "  policy " << p.name << ": " << (p.simple ? "simple" : "step")
              << " scaling, alarm " << p.metric << (p.aboveThreshold ? " >" : " <")
              << (p.orEqual ? "= " : " ") << scenarios::formatNumber(p.alarmThreshold) << " in "
              << p.datapointsToAlarm << " of " << p.evaluationPeriods << " datapoints; "
              << toString(p.adjustmentType);
    for (const StepAdjustment& s : p.steps) {
      std::cout << " ";
      if (!p.simple) {
        std::cout << "[" << (s.lowerBound ? scenarios::formatNumber(*s.lowerBound) : "-inf") << ", "
                  << (s.upperBound ? scenarios::formatNumber(*s.upperBound) : "inf") << "): ";
      }
      std::cout << (s.scalingAdjustment > 0 ? "+" : "") << s.scalingAdjustment;
    }
    if (p.simple) {
      std::cout << ", cooldown "
                << scenarios::formatDuration(p.cooldown.value_or(group.defaultCooldown));
    } else {
      std::cout << ", warm-up " << scenarios::formatDuration(instanceWarmup(group, p));
    }
    std::cout << "\n";
  }
  std::cout << "  alarms (assumed): AlarmHigh " << group.alarms.highDatapoints
            << " datapoints above the target, AlarmLow " << group.alarms.lowDatapoints << " below "
            << scenarios::formatNumber(100 * group.alarms.lowFraction)
            << "% of it, one datapoint every " << scenarios::formatDuration(group.alarms.period)
            << "; new capacity ceil(instances x metric / target)\n";
  std::cout << "  trace:      " << std::filesystem::path(args.metrics).filename().string() << ", "
            << (options.closedLoop ? "closed loop: values measured on the initial capacity, load "
                                     "spread over the warmed-up instances"
                                   : "open loop (values as recorded)")
            << "; instances InService " << scenarios::formatDuration(options.launchTime)
            << " after launch\n";
  std::vector<std::size_t> widths;
  std::string header = "\n" + padLeft("time", 8) + padLeft("desired", 9) + padLeft("counted", 9) +
                       padLeft("warming", 9) + padLeft("pending", 9) + "  ";
  for (const TargetTrackingPolicy& p : group.policies) {
    const std::string title = p.metric + " " + scenarios::formatNumber(p.targetValue);
    widths.push_back(std::max<std::size_t>(title.size(), 20) + 2);
    header += padRight(title, widths.back());
  }
  for (const StepScalingPolicy& p : group.stepPolicies) {
    const std::string title = p.metric + (p.aboveThreshold ? " >" : " <") +
                              (p.orEqual ? "= " : " ") + scenarios::formatNumber(p.alarmThreshold);
    widths.push_back(std::max<std::size_t>(title.size(), 20) + 2);
    header += padRight(title, widths.back());
  }
  std::cout << header << padLeft("new", 5) << "  reason\n";
  FoldedTable table(args.all);
  for (const AsgReplayStep& step : steps) {
    const AsgDecision& d = step.decision;
    std::string cells;
    for (std::size_t i = 0; i < d.policies.size(); ++i) {
      const PolicyEvaluation& e = d.policies[i];
      std::string cell = e.value ? fixed(*e.value, 1) : "-";
      cell += " " + std::string(toString(e.alarm));
      if (e.proposal) cell += " -> " + std::to_string(*e.proposal);
      cells += padRight(cell, widths[i]);
    }
    for (std::size_t i = 0; i < d.steps.size(); ++i) {
      const StepEvaluation& e = d.steps[i];
      std::string cell = e.value ? fixed(*e.value, 1) : "-";
      cell += e.alarm ? (*e.alarm ? " ALARM" : " OK") : " -";
      if (e.proposal) cell += " -> " + std::to_string(e.proposal->replicas);
      cells += padRight(cell, widths[d.policies.size() + i]);
    }
    const std::string reason = d.decision.reason + ": " + d.decision.message;
    const std::string counts =
        padLeft(std::to_string(d.desiredBefore), 9) + padLeft(std::to_string(step.counted), 9) +
        padLeft(std::to_string(step.warming), 9) + padLeft(std::to_string(step.pending), 9);
    const std::string text = padLeft(clockText(d.time), 8) + counts + "  " + cells +
                             padLeft(std::to_string(d.desiredCapacity), 5) + "  " + reason;
    // Alarm datapoints change every minute; fold on what decides.
    std::string key = counts + std::to_string(d.desiredCapacity) + d.decision.reason;
    for (const PolicyEvaluation& e : d.policies)
      key += toString(e.alarm);
    for (const StepEvaluation& e : d.steps)
      key += e.alarm ? (*e.alarm ? "A" : "O") : "-";
    table.row(d.changed ? key + clockText(d.time) : key, text);
  }
  table.flush();
}

void explainScript(const ExplainAutoscalerArgs& args, const MetricTrace& trace) {
  const ThresholdRule rule = scenarios::loadScalingScriptFile(args.script);
  const auto initial = countOption(args.replicas, "--replicas");
  const auto steps = replayThresholdRule(rule, trace, initial, !args.openLoop);
  std::cout << "threshold script " << args.script << ": every "
            << scenarios::formatDuration(rule.checkInterval) << ", up above cpu "
            << scenarios::formatNumber(rule.cpuHigh) << "%";
  if (rule.memoryHigh)
    std::cout << " or memory " << scenarios::formatNumber(*rule.memoryHigh) << "%";
  if (rule.rpsHigh) std::cout << " or " << scenarios::formatRate(*rule.rpsHigh);
  std::cout << ", down below cpu " << scenarios::formatNumber(rule.cpuLow) << "%";
  if (rule.memoryLow)
    std::cout << " and memory " << scenarios::formatNumber(*rule.memoryLow) << "%";
  std::cout << "; cooldowns " << scenarios::formatDuration(rule.scaleUpCooldown) << " up, "
            << scenarios::formatDuration(rule.scaleDownCooldown) << " down";
  if (rule.errorRateEmergency) {
    std::cout << "; emergency +" << rule.emergencyStep << " above "
              << scenarios::formatNumber(100 * *rule.errorRateEmergency) << "% errors";
  }
  std::cout << "; instances " << rule.minInstances << ".." << rule.maxInstances << "\n\n";
  std::cout << padLeft("time", 8) << padLeft("instances", 11) << padLeft("cpu %", 8)
            << padLeft("mem %", 8) << padLeft("req/s", 9) << padLeft("errors", 8)
            << padLeft("new", 5) << "  reason\n";
  FoldedTable table(args.all);
  const auto cell = [](const std::optional<double>& v, int decimals, double scale) {
    return v ? fixed(*v * scale, decimals) : std::string("-");
  };
  for (const auto& s : steps) {
    const std::string key =
        std::to_string(s.instances) + std::to_string(s.decision.replicas) + s.decision.reason;
    const std::string text =
        padLeft(clockText(s.time), 8) + padLeft(std::to_string(s.instances), 11) +
        padLeft(cell(s.sample.cpu, 1, 1), 8) + padLeft(cell(s.sample.memory, 1, 1), 8) +
        padLeft(cell(s.sample.rps, 0, 1), 9) + padLeft(cell(s.sample.errorRate, 1, 100), 7) + "%" +
        padLeft(std::to_string(s.decision.replicas), 5) + "  " + s.decision.reason + ": " +
        s.decision.message;
    table.row(s.decision.replicas != s.instances ? key + clockText(s.time) : key, text);
  }
  table.flush();
}

}  // namespace

CLI::App* addExplainAutoscalerCommand(CLI::App& explain, ExplainAutoscalerArgs& args) {
  CLI::App* cmd = explain.add_subcommand(
      "autoscaler", "a metric trace replayed through an HPA, AWS target tracking or a script");
  auto* hpa =
      cmd->add_option("--hpa", args.hpa, "HorizontalPodAutoscaler manifest (autoscaling/v2)");
  auto* asg =
      cmd->add_option("--asg", args.asg, "Auto Scaling group with target tracking policies");
  auto* script = cmd->add_option("--script", args.script, "threshold script rule");
  hpa->excludes(asg)->excludes(script);
  asg->excludes(script);
  cmd->add_option("--metrics", args.metrics,
                  "trace CSV: time,pod,metric,value,ready or time,metric,value")
      ->required();
  cmd->add_option("--hpa-name", args.hpaName, "the HPA to use from a multi-document manifest");
  cmd->add_option(
      "--replicas", args.replicas,
      "initial replicas (default: minReplicas, DesiredCapacity, the first scrape's pods)");
  cmd->add_option("--requests", args.requests,
                  "per-pod requests for Utilization targets, e.g. cpu=500m,memory=512Mi")
      ->delimiter(',');
  cmd->add_option("--sync-period", args.syncPeriod, "HPA sync period (default 15s)");
  cmd->add_option("--tolerance", args.tolerance, "HPA tolerance (default 0.1)");
  cmd->add_option("--downscale-stabilization", args.downscaleStabilization,
                  "HPA default scale-down window (default 5m)");
  cmd->add_option("--cpu-initialization-period", args.cpuInitializationPeriod,
                  "HPA CPU initialization period (default 5m)");
  cmd->add_option("--initial-readiness-delay", args.initialReadinessDelay,
                  "HPA initial readiness delay (default 30s)");
  cmd->add_option("--metric-window", args.metricWindow, "metrics sample window (default 30s)");
  cmd->add_option("--pod-startup", args.podStartup,
                  "closed loop: from a scale-up to the new pods being Ready (default 30s)");
  cmd->add_option("--launch-time", args.launchTime,
                  "closed loop: from a scale-out to the instance being InService (default 60s)");
  cmd->add_flag("--open-loop", args.openLoop, "use the recorded values whatever the replica count");
  cmd->add_flag("--all", args.all, "print every decision, not only the changes");
  cmd->add_flag("--verbose", args.verbose, "each metric's arithmetic and the HPA conditions");
  return cmd;
}

void explainAutoscaler(const ExplainAutoscalerArgs& args) {
  const int chosen = !args.hpa.empty() + !args.asg.empty() + !args.script.empty();
  if (chosen != 1) {
    throw std::invalid_argument(
        "give one autoscaler; allowed: --hpa FILE, --asg FILE, --script FILE");
  }
  const MetricTrace trace = scenarios::loadMetricTraceFile(args.metrics);
  if (!args.hpa.empty()) {
    explainHpa(args, trace);
  } else if (!args.asg.empty()) {
    explainAsg(args, trace);
  } else {
    explainScript(args, trace);
  }
}

}  // namespace lbsim::cli
