#include "scenarios/hpa_manifest.h"

#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

using namespace models::autoscaling;

namespace {

constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

// MetricTarget: `type` and the one value field it names.
MetricTarget readTarget(const yaml::Reader& in, const YAML::Node& node, const std::string& what,
                        const std::vector<std::string>& types) {
  in.expectMap(node, what, {"type", "averageUtilization", "averageValue", "value"});
  const std::string type = in.oneOf(in.required(node, "type", what), what + " type", types);
  MetricTarget target;
  const auto only = [&](const std::string& field) {
    for (const char* other : {"averageUtilization", "averageValue", "value"}) {
      if (field != other && node[other]) {
        in.fail(node[other], what + " of type " + type + " takes " + field + "; allowed: " + field);
      }
    }
    return in.required(node, field, what + " of type " + type);
  };
  if (type == "Utilization") {
    target.type = MetricTargetType::kUtilization;
    target.averageUtilization = static_cast<std::int32_t>(
        in.integer(only("averageUtilization"), what + " averageUtilization", 1, kMaxInt32));
  } else if (type == "AverageValue") {
    target.type = MetricTargetType::kAverageValue;
    const YAML::Node v = only("averageValue");
    target.valueMilli = in.quantityMilli(v, what + " averageValue");
    if (target.valueMilli <= 0) in.fail(v, what + " averageValue must be positive");
  } else {
    target.type = MetricTargetType::kValue;
    const YAML::Node v = only("value");
    target.valueMilli = in.quantityMilli(v, what + " value");
    if (target.valueMilli <= 0) in.fail(v, what + " value must be positive");
  }
  return target;
}

// MetricIdentifier: a name and an optional label selector (not modelled: one series).
std::string readIdentifier(const yaml::Reader& in, const YAML::Node& node,
                           const std::string& what) {
  in.expectMap(node, what, {"name", "selector"});
  return in.scalar(in.required(node, "name", what), what + " name");
}

MetricSpec readMetric(const yaml::Reader& in, const YAML::Node& node, const std::string& what) {
  in.expectMap(node, what, {"type", "resource", "pods", "object", "external", "containerResource"});
  const YAML::Node typeNode = in.required(node, "type", what);
  const std::string type = in.scalar(typeNode, what + " type");
  MetricSpec m;
  if (type == "Resource") {
    const YAML::Node r = in.required(node, "resource", what);
    in.expectMap(r, what + " resource", {"name", "target"});
    m.type = MetricSourceType::kResource;
    m.name = in.scalar(in.required(r, "name", what + " resource"), what + " resource name");
    m.target = readTarget(in, in.required(r, "target", what + " resource"), what + " target",
                          {"Utilization", "AverageValue"});
  } else if (type == "Pods") {
    const YAML::Node p = in.required(node, "pods", what);
    in.expectMap(p, what + " pods", {"metric", "target"});
    m.type = MetricSourceType::kPods;
    m.name = readIdentifier(in, in.required(p, "metric", what + " pods"), what + " metric");
    m.target = readTarget(in, in.required(p, "target", what + " pods"), what + " target",
                          {"AverageValue"});
  } else if (type == "Object") {
    const YAML::Node o = in.required(node, "object", what);
    in.expectMap(o, what + " object", {"describedObject", "metric", "target"});
    m.type = MetricSourceType::kObject;
    const YAML::Node d = in.required(o, "describedObject", what + " object");
    in.expectMap(d, what + " describedObject", {"apiVersion", "kind", "name"});
    m.describedKind = in.scalar(in.required(d, "kind", what + " describedObject"), "kind");
    m.describedName = in.scalar(in.required(d, "name", what + " describedObject"), "name");
    m.name = readIdentifier(in, in.required(o, "metric", what + " object"), what + " metric");
    m.target = readTarget(in, in.required(o, "target", what + " object"), what + " target",
                          {"Value", "AverageValue"});
  } else if (type == "External") {
    const YAML::Node e = in.required(node, "external", what);
    in.expectMap(e, what + " external", {"metric", "target"});
    m.type = MetricSourceType::kExternal;
    m.name = readIdentifier(in, in.required(e, "metric", what + " external"), what + " metric");
    m.target = readTarget(in, in.required(e, "target", what + " external"), what + " target",
                          {"Value", "AverageValue"});
  } else if (type == "ContainerResource") {
    in.fail(typeNode, what +
                          " type ContainerResource is not modelled by lbsim; allowed: "
                          "External, Object, Pods, Resource");
  } else {
    in.fail(typeNode, what + " type '" + type +
                          "' is not known; allowed: External, Object, Pods, "
                          "Resource");
  }
  return m;
}

ScalingRules readRules(const yaml::Reader& in, const YAML::Node& node, const std::string& what) {
  in.expectMap(node, what, {"stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance"});
  ScalingRules rules;
  if (node["stabilizationWindowSeconds"]) {
    rules.stabilizationWindowSeconds = static_cast<std::int32_t>(in.integer(
        node["stabilizationWindowSeconds"], what + " stabilizationWindowSeconds", 0, 3600));
  }
  if (node["selectPolicy"]) {
    const std::string s =
        in.oneOf(node["selectPolicy"], what + " selectPolicy", {"Max", "Min", "Disabled"});
    rules.selectPolicy = s == "Max"   ? SelectPolicy::kMax
                         : s == "Min" ? SelectPolicy::kMin
                                      : SelectPolicy::kDisabled;
  }
  if (node["policies"]) {
    const YAML::Node list = node["policies"];
    in.expectSequence(list, what + " policies");
    rules.policies = std::vector<ScalingPolicy>{};
    if (list.size() == 0) {
      in.fail(list, what +
                        " policies must not be empty; allowed: one or more policies, or none "
                        "written for the defaults");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string pwhat = what + " policy " + std::to_string(i + 1);
      const YAML::Node p = list[i];
      in.expectMap(p, pwhat, {"type", "value", "periodSeconds"});
      ScalingPolicy policy;
      policy.type =
          in.oneOf(in.required(p, "type", pwhat), pwhat + " type", {"Pods", "Percent"}) == "Pods"
              ? ScalingPolicyType::kPods
              : ScalingPolicyType::kPercent;
      policy.value = static_cast<std::int32_t>(
          in.integer(in.required(p, "value", pwhat), pwhat + " value", 1, kMaxInt32));
      policy.periodSeconds = static_cast<std::int32_t>(
          in.integer(in.required(p, "periodSeconds", pwhat), pwhat + " periodSeconds", 1, 1800));
      rules.policies->push_back(policy);
    }
  }
  if (node["tolerance"]) {
    const std::int64_t milli = in.quantityMilli(node["tolerance"], what + " tolerance");
    if (milli < 0) in.fail(node["tolerance"], what + " tolerance must not be negative");
    rules.tolerance = static_cast<double>(milli) / 1000.0;
  }
  return rules;
}

HpaSpec readHpa(yaml::Reader& in, const YAML::Node& doc, const std::string& apiVersion) {
  in.expectMap(doc, "the HorizontalPodAutoscaler",
               {"apiVersion", "kind", "metadata", "spec", "status"});
  HpaSpec spec;
  const YAML::Node meta = in.required(doc, "metadata", "the HorizontalPodAutoscaler");
  if (!meta.IsMap()) in.fail(meta, "metadata must be a mapping of keys to values");
  spec.name = in.scalar(in.required(meta, "name", "metadata"), "metadata name");
  const std::string what = "HorizontalPodAutoscaler " + spec.name;
  const YAML::Node s = in.required(doc, "spec", what);
  const bool v1 = apiVersion == "autoscaling/v1";
  if (v1) {
    in.expectMap(
        s, what + " spec",
        {"scaleTargetRef", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"});
  } else {
    in.expectMap(s, what + " spec",
                 {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"});
  }
  in.collect([&] {
    const YAML::Node ref = in.required(s, "scaleTargetRef", what + " spec");
    in.expectMap(ref, "scaleTargetRef", {"apiVersion", "kind", "name"});
    spec.targetKind = in.scalar(in.required(ref, "kind", "scaleTargetRef"), "scaleTargetRef kind");
    spec.targetName = in.scalar(in.required(ref, "name", "scaleTargetRef"), "scaleTargetRef name");
  });
  in.collect([&] {
    if (s["minReplicas"]) {
      spec.minReplicas = static_cast<std::int32_t>(
          in.integer(s["minReplicas"], what + " minReplicas", 0, kMaxInt32));
    }
    const YAML::Node max = in.required(s, "maxReplicas", what + " spec");
    spec.maxReplicas =
        static_cast<std::int32_t>(in.integer(max, what + " maxReplicas", 1, kMaxInt32));
    if (spec.minReplicas && *spec.minReplicas > spec.maxReplicas) {
      in.fail(max, what + " maxReplicas " + std::to_string(spec.maxReplicas) +
                       " is below minReplicas " + std::to_string(*spec.minReplicas) +
                       "; allowed: maxReplicas >= minReplicas");
    }
  });
  if (v1) {
    if (s["targetCPUUtilizationPercentage"]) {
      in.collect([&] {
        MetricSpec cpu;
        cpu.name = "cpu";
        cpu.target.averageUtilization = static_cast<std::int32_t>(
            in.integer(s["targetCPUUtilizationPercentage"],
                       what + " targetCPUUtilizationPercentage", 1, kMaxInt32));
        spec.metrics.push_back(cpu);
      });
    }
    return spec;
  }
  if (s["metrics"]) {
    const YAML::Node metrics = s["metrics"];
    in.collect([&] { in.expectSequence(metrics, what + " metrics"); });
    if (metrics.IsSequence()) {
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        in.collect([&] {
          spec.metrics.push_back(
              readMetric(in, metrics[i], what + " metric " + std::to_string(i + 1)));
        });
      }
    }
  }
  if (s["behavior"]) {
    in.collect([&] {
      const YAML::Node b = s["behavior"];
      in.expectMap(b, what + " behavior", {"scaleUp", "scaleDown"});
      Behavior behavior;
      if (b["scaleUp"]) behavior.scaleUp = readRules(in, b["scaleUp"], what + " scaleUp");
      if (b["scaleDown"]) behavior.scaleDown = readRules(in, b["scaleDown"], what + " scaleDown");
      spec.behavior = behavior;
    });
  }
  return spec;
}

}  // namespace

std::vector<HpaSpec> loadHpaManifestText(const std::string& text, const std::string& fileName) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError({{fileName, e.mark.line + 1, e.mark.column + 1, "invalid YAML: " + e.msg}});
  }
  yaml::Reader in(fileName);
  std::vector<HpaSpec> hpas;
  for (const YAML::Node& doc : documents) {
    if (!doc || doc.IsNull()) continue;
    in.collect([&] {
      if (!doc.IsMap()) in.fail(doc, "a manifest document must be a mapping of keys to values");
      const YAML::Node kind = doc["kind"];
      if (!kind || !kind.IsScalar() || kind.Scalar() != "HorizontalPodAutoscaler") return;
      const YAML::Node api = in.required(doc, "apiVersion", "the HorizontalPodAutoscaler");
      const std::string version =
          in.oneOf(api, "apiVersion", {"autoscaling/v2", "autoscaling/v2beta2", "autoscaling/v1"});
      hpas.push_back(readHpa(in, doc, version));
    });
  }
  in.throwIfAny();
  if (hpas.empty()) {
    throw ScenarioError({{fileName, 0, 0,
                          "no HorizontalPodAutoscaler in the manifest; allowed: documents of kind "
                          "HorizontalPodAutoscaler (apiVersion autoscaling/v2)"}});
  }
  return hpas;
}

std::vector<HpaSpec> loadHpaManifestFile(const std::string& path) {
  return loadHpaManifestText(yaml::readFile(path, "HPA manifest"), path);
}

}  // namespace lbsim::scenarios
