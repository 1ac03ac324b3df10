#include "scenarios/replay.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "models/routing/path_rules.h"
#include "scenarios/access_log_file.h"

namespace lbsim::scenarios {

std::string resolveLogPath(const std::string& file, const std::string& scenarioFile) {
  namespace fs = std::filesystem;
  const fs::path p(file);
  if (p.is_absolute()) return file;
  // Made absolute, so that the resolved scenario written into a results folder finds the
  // log from there too.
  const fs::path beside = fs::path(scenarioFile).parent_path() / p;
  std::error_code ec;
  if (fs::exists(beside, ec)) {
    const fs::path whole = fs::absolute(beside, ec);
    return (ec ? beside : whole).lexically_normal().generic_string();
  }
  return p.lexically_normal().generic_string();
}

namespace {

using yaml::listed;

}  // namespace

models::ReplaySpec parseReplay(const yaml::Reader& in, const YAML::Node& node,
                               const std::string& scenarioFile,
                               const std::vector<models::ClassSpec>& classes) {
  const std::string what = "traffic replay";
  in.expectMap(node, what, {"file", "format", "speed", "classes", "default_class", "demand"});
  models::ReplaySpec spec;
  const YAML::Node fileNode = in.required(node, "file", what);
  spec.file = resolveLogPath(in.scalar(fileNode, what + " file"), scenarioFile);
  spec.format = "combined";
  if (const auto f = node["format"]) spec.format = in.scalar(f, what + " format");
  if (const auto s = node["speed"]) {
    std::string text = in.scalar(s, what + " speed");
    if (!text.empty() && (text.back() == 'x' || text.back() == 'X')) text.pop_back();
    try {
      std::size_t used = 0;
      spec.speed = std::stod(text, &used);
      if (used != text.size() || !(spec.speed > 0.0)) throw std::invalid_argument("speed");
    } catch (const std::exception&) {
      in.fail(s, what + " speed '" + s.Scalar() +
                     "' is not a positive factor; allowed: a number such as 10x or 0.5x");
    }
  }
  std::vector<std::string> classIds;
  for (const auto& c : classes)
    classIds.push_back(c.id);
  auto classIndex = [&](const YAML::Node& n, const std::string& id) {
    const auto it = std::find(classIds.begin(), classIds.end(), id);
    if (it == classIds.end()) {
      in.fail(n, "unknown class '" + id + "' in " + what + "; allowed: " + listed(classIds));
    }
    return static_cast<std::uint32_t>(it - classIds.begin());
  };
  std::vector<models::routing::Location> locations;
  if (const auto rules = node["classes"]) {
    in.expectSequence(rules, what + " classes");
    for (const auto& r : rules) {
      in.expectMap(r, what + " class rule", {"location", "class"});
      models::ReplayClassRule rule;
      const YAML::Node loc = in.required(r, "location", what + " class rule");
      rule.location = in.scalar(loc, what + " class rule location");
      const YAML::Node cls = in.required(r, "class", what + " class rule");
      rule.cls = in.identifier(cls, what + " class rule class");
      classIndex(cls, rule.cls);
      try {
        models::routing::Location l = models::routing::parseLocation(rule.location);
        l.target = rule.cls;
        locations.push_back(std::move(l));
      } catch (const std::invalid_argument& e) {
        in.fail(loc, what + " class rule '" + rule.location + "': " + e.what());
      }
      spec.classes.push_back(std::move(rule));
    }
  }
  std::uint32_t defaultClass = 0;
  if (const auto d = node["default_class"]) {
    spec.defaultClass = in.identifier(d, what + " default_class");
    defaultClass = classIndex(d, spec.defaultClass);
  }
  if (spec.classes.empty() && spec.defaultClass.empty()) {
    in.fail(node, what +
                      " maps no path to a class; allowed: classes (location rules) and/or "
                      "default_class");
  }
  if (const auto d = node["demand"]) {
    in.expectMap(d, what + " demand", {"tier", "from"});
    spec.demandTier =
        in.identifier(in.required(d, "tier", what + " demand"), what + " demand tier");
    if (const auto f = d["from"]) {
      spec.demandField =
          in.oneOf(f, what + " demand from", {"request_time", "upstream_response_time"});
    }
    // Once here rather than at every line of the log.
    bool logged = true;
    try {
      logged = accessLogFormat(spec.format, in.file()).has(spec.demandField);
    } catch (const ScenarioError&) {
      // A format that does not compile is reported where the log is read.
    }
    if (!logged) {
      in.fail(d["from"] ? d["from"] : d,
              what + " demand takes the requests' demand at '" + spec.demandTier + "' from $" +
                  spec.demandField +
                  ", which the log format does not have; allowed: a format "
                  "with $" +
                  spec.demandField +
                  " (combined_request_time and main_ext log "
                  "$request_time, main_ext also $upstream_response_time), or no demand key");
    }
  }
  std::unique_ptr<models::routing::NginxLocations> rules;
  try {
    rules = std::make_unique<models::routing::NginxLocations>(std::move(locations));
  } catch (const std::invalid_argument& e) {
    in.fail(node["classes"], what + " classes: " + e.what());
  }

  const auto records =
      in.loadReferenced(fileNode, [&] { return loadAccessLog(spec.file, spec.format); });
  auto requests = std::make_shared<std::vector<models::ReplayRequestSpec>>();
  requests->reserve(records.size());
  std::vector<Diagnostic> problems;
  const double first = records.front().time;
  for (const auto& r : records) {
    models::ReplayRequestSpec q;
    // Logged times have a resolution of a millisecond at best, while seconds since 1970 as a
    // double carry ~2e-7 s of rounding: relative times are rounded to the microsecond.
    q.time = std::round((r.time - first) * 1e6) / 1e6 / spec.speed;
    q.clientAddress = r.clientAddress;
    const auto m = rules->match(r.path);
    if (m.matched() && !m.target.empty()) {
      q.cls = classIndex(node, m.target);
    } else if (!spec.defaultClass.empty()) {
      q.cls = defaultClass;
    } else if (problems.size() < 20) {
      problems.push_back({spec.file, static_cast<int>(r.line), 1,
                          "path " + r.path +
                              " matches no replay class rule; allowed: add a "
                              "rule for it, or set default_class"});
      continue;
    }
    const std::optional<double> recorded =
        spec.demandField == "request_time" ? r.requestTime : r.upstreamResponseTime;
    if (!spec.demandTier.empty()) {
      if (!recorded) {
        if (problems.size() < 20) {
          problems.push_back({spec.file, static_cast<int>(r.line), 1,
                              "the line logs no $" + spec.demandField +
                                  ", which the replay uses as the demand at '" + spec.demandTier +
                                  "'; allowed: a log format with $" + spec.demandField +
                                  ", or no demand key"});
        }
        continue;
      }
      q.recorded = *recorded;
    }
    requests->push_back(q);
  }
  if (!problems.empty()) throw ScenarioError(problems);
  spec.requests = std::move(requests);
  return spec;
}

}  // namespace lbsim::scenarios
