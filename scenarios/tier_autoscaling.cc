#include "scenarios/tier_autoscaling.h"

#include <algorithm>

#include "models/autoscaling/quantity.h"
#include "scenarios/autoscaler_policies.h"
#include "scenarios/hpa_manifest.h"
#include "scenarios/replay.h"

namespace lbsim::scenarios {

using yaml::Reader;

namespace {

double quantity(const Reader& in, const YAML::Node& node, const std::string& what) {
  const std::string text = in.scalar(node, what);
  const auto milli = models::autoscaling::parseQuantityMilli(text);
  if (!milli || *milli <= 0) {
    in.fail(node, what + " '" + text + "' is not a positive quantity; allowed: " +
                      models::autoscaling::kQuantityForms);
  }
  return static_cast<double>(*milli) / 1000.0;
}

}  // namespace

void parseTierAutoscaling(const Reader& in, const YAML::Node& tierNode, const std::string& tierWhat,
                          models::TierSpec& tier, const LatencyParser& latency) {
  const YAML::Node node = tierNode["autoscaling"];
  if (!node) return;
  const std::string what = tierWhat + " autoscaling";
  in.expectMap(node, what,
               {"hpa", "asg", "script", "initial", "startup", "drain", "warmup", "resources",
                "metrics_resolution", "sync_period"});
  if (tier.kind == models::TierKind::kDatabase) {
    in.fail(node, what + ": a database is not autoscaled; allowed on service_pool tiers");
  }
  models::AutoscalerSpec a;
  int kinds = 0;
  for (const char* k : {"hpa", "asg", "script"})
    kinds += node[k] ? 1 : 0;
  if (kinds != 1) {
    in.fail(node, what + " needs exactly one autoscaler; allowed: hpa, asg or script (a file)");
  }
  using K = models::AutoscalerSpec::Kind;
  const char* key = node["hpa"] ? "hpa" : node["asg"] ? "asg" : "script";
  a.kind = node["hpa"] ? K::kHpa : node["asg"] ? K::kAsg : K::kThreshold;
  // A file name, or the file's text itself (a block with line breaks, as
  // scenario.resolved.yaml writes an autoscaler that may have been edited).
  const std::string value = in.scalar(node[key], what + " " + key);
  const bool inlined = value.find('\n') != std::string::npos;
  a.source = inlined ? "" : resolveLogPath(value, in.file());
  const auto load = [&](auto fromFile, auto fromText) {
    if (!inlined) return in.loadReferenced(node[key], [&] { return fromFile(a.source); });
    try {
      return fromText(value, in.file() + " " + key);
    } catch (const ScenarioError& e) {
      // Located in the text given here: its own line and column are said in words.
      const Diagnostic& d = e.diagnostics().front();
      in.fail(node[key], what + " " + key + " (the text given here, its line " +
                             std::to_string(d.line) + " column " + std::to_string(d.column) +
                             "): " + d.message);
    }
  };
  if (a.kind == K::kHpa) {
    const auto specs = load(loadHpaManifestFile, loadHpaManifestText);
    if (specs.empty()) {
      in.fail(node[key], what + " hpa: '" + (inlined ? std::string("the text given") : a.source) +
                             "' has no HorizontalPodAutoscaler; allowed: a manifest with one");
    }
    a.hpa = specs.front();
    if (const auto s = node["sync_period"]) {
      a.hpaConfig.syncPeriod = in.duration(s, what + " sync_period", true);
    }
  } else if (node["sync_period"]) {
    in.fail(node["sync_period"], what + " sync_period is the HPA's; allowed with hpa");
  }
  if (a.kind == K::kAsg) a.asg = load(loadAsgPolicyFile, loadAsgPolicyText);
  if (a.kind == K::kThreshold) a.threshold = load(loadScalingScriptFile, loadScalingScriptText);

  std::int32_t initial = a.minReplicas();
  if (a.kind == K::kAsg && a.asg.desiredCapacity) initial = *a.asg.desiredCapacity;
  if (const auto i = node["initial"]) {
    initial = static_cast<std::int32_t>(
        in.integer(i, what + " initial", a.minReplicas(), a.maxReplicas()));
  }
  if (const auto s = node["startup"]) a.lifecycle.startup = latency(s, what + " startup");
  if (const auto d = node["drain"]) a.lifecycle.drain = in.duration(d, what + " drain", false);
  if (const auto w = node["warmup"]) {
    in.expectMap(w, what + " warmup", {"for", "speed"});
    a.lifecycle.warmup =
        in.duration(in.required(w, "for", what + " warmup"), what + " warmup for", false);
    if (const auto s = w["speed"]) {
      a.lifecycle.warmupSpeed = in.number(s, what + " warmup speed", 0.0);
      if (a.lifecycle.warmupSpeed <= 0.0) {
        in.fail(s, what + " warmup speed must be above 0 (0.5: half speed)");
      }
    }
  }
  if (const auto r = node["resources"]) {
    const std::string rw = what + " resources";
    in.expectMap(r, rw,
                 {"cpu", "cpu_per_busy_worker", "memory", "memory_base", "memory_per_request"});
    models::ResourceSpec& res = a.resources;
    if (const auto v = r["cpu"]) res.cpuRequest = quantity(in, v, rw + " cpu");
    if (const auto v = r["cpu_per_busy_worker"]) {
      res.cpuPerBusyWorker = quantity(in, v, rw + " cpu_per_busy_worker");
    }
    if (const auto v = r["memory"]) res.memoryRequest = quantity(in, v, rw + " memory");
    if (const auto v = r["memory_base"]) res.memoryBase = quantity(in, v, rw + " memory_base");
    if (const auto v = r["memory_per_request"]) {
      res.memoryPerRequest = quantity(in, v, rw + " memory_per_request");
    }
  }
  if (const auto m = node["metrics_resolution"]) {
    a.metricsResolution = in.duration(m, what + " metrics_resolution", true);
  }
  // Targets for the largest size: copies of the last replica, named as the loader names them
  // (the spread is not read yet: placed with the others by the tier's zones or region).
  if (!tier.targets.empty() && models::backupTargets(tier) == tier.targets.size()) {
    in.fail(node, what +
                      ": every replica of the tier is a backup; allowed: at least one that is "
                      "not, which the autoscaler's replicas copy (backups run beside them)");
  }
  models::addAutoscaledTargets(tier, static_cast<std::size_t>(std::max(a.maxReplicas(), 1)));
  tier.initialReplicas = static_cast<std::uint32_t>(std::max(initial, 0));
  if (tier.initialReplicas == 0) {
    // Kubernetes allows minReplicas 0 only with a feature gate; lbsim starts one replica.
    tier.initialReplicas = 1;
  }
  tier.autoscaler = a;
}

}  // namespace lbsim::scenarios
