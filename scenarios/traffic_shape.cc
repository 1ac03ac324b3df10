#include "scenarios/traffic_shape.h"

#include <algorithm>
#include <cmath>

#include "scenarios/units.h"

namespace lbsim::scenarios {

namespace {

using yaml::Reader;

const std::string kProcessForms =
    "poisson, uniform, {process: hyperexponential, cv: N}, {process: mmpp, states: [...]}";
const std::string kDiurnalForms =
    "{period: 24h, peak_at: 14h, min_factor: 0.2} (a cosine) or {period: 24h, points: [...]}";
const std::vector<std::string> kSpikeKeys = {"at", "duration", "factor"};
const std::vector<std::string> kStateKeys = {"factor", "mean_sojourn"};
const std::vector<std::string> kDiurnalKeys = {"min_factor", "peak_at", "period", "points"};
constexpr double kDefaultPeriod = 86400.0;
constexpr double kMinimumPeriod = 1.0;
constexpr double kMinimumSojourn = 1e-3;
// Distribution::fromMeanCv's range for the hyperexponential: beyond it the heavy phase's
// probability falls below the spacing of doubles near 1.
constexpr double kMaxBurstCv = 1e6;

// A plain number >= 0, with the allowed values in the message.
double nonNegative(const Reader& in, const YAML::Node& node, const std::string& what,
                   const std::string& allowed) {
  const std::string s = in.scalar(node, what);
  const auto v = parseNumber(s);
  if (!v || !std::isfinite(*v) || *v < 0.0) {
    in.fail(node, what + " '" + s + "' is not valid; allowed: " + allowed);
  }
  return *v;
}

// The key node of `name` in a mapping, to locate a problem at the key itself.
YAML::Node keyNode(const YAML::Node& map, const std::string& name) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == name) return it->first;
  }
  return map;
}

models::MmppStateSpec parseState(const Reader& in, const YAML::Node& node, std::size_t index) {
  const std::string what = "mmpp state " + std::to_string(index + 1);
  in.expectMap(node, what, kStateKeys);
  models::MmppStateSpec s;
  s.factor = nonNegative(in, in.required(node, "factor", what), what + " factor",
                         "a number >= 0 (0 is an off period)");
  const YAML::Node sojourn = in.required(node, "mean_sojourn", what);
  s.meanSojourn = in.duration(sojourn, what + " mean_sojourn", true);
  // Every change of state is an event: far below the gaps between arrivals they would be
  // millions per arrival (a minute of `mean_sojourn: 1ns` is some 10^11 of them).
  if (s.meanSojourn < kMinimumSojourn) {
    in.fail(sojourn, what + " mean_sojourn '" + sojourn.Scalar() +
                         "' is too short; allowed: a duration of at least " +
                         formatDuration(kMinimumSojourn));
  }
  return s;
}

void parseMmpp(Reader& in, const YAML::Node& node, models::TrafficSpec& out) {
  in.expectMap(node, "traffic arrivals", {"process", "states"});
  const YAML::Node states = in.required(node, "states", "traffic arrivals");
  in.expectSequence(states, "mmpp states");
  if (states.size() < 2) {
    in.fail(states, "mmpp states has " + std::to_string(states.size()) +
                        " states; allowed: two or more {factor, mean_sojourn}");
  }
  const std::size_t before = in.diagnostics().size();
  std::vector<models::MmppStateSpec> parsed;
  for (std::size_t i = 0; i < states.size(); ++i) {
    in.collect([&] { parsed.push_back(parseState(in, states[i], i)); });
  }
  if (in.diagnostics().size() != before) return;
  if (std::none_of(parsed.begin(), parsed.end(),
                   [](const models::MmppStateSpec& s) { return s.factor > 0.0; })) {
    in.fail(states,
            "mmpp states all have factor 0, so nothing would arrive; allowed: at least "
            "one factor > 0");
  }
  out.process = models::ArrivalProcess::kMmpp;
  out.mmppStates = std::move(parsed);
}

void parseArrivals(Reader& in, const YAML::Node& node, models::TrafficSpec& out) {
  if (!node.IsMap() && !node.IsScalar()) {
    in.fail(node,
            "traffic arrivals must be a process name or a mapping; allowed: " + kProcessForms);
  }
  // A fresh node, never assigned: assigning one yaml-cpp node to another rebinds the data.
  const YAML::Node processNode =
      node.IsMap() ? in.required(node, "process", "traffic arrivals") : node;
  const std::string process = in.scalar(processNode, "traffic arrivals process");
  if (process == "poisson" || process == "uniform") {
    if (node.IsMap()) in.expectMap(node, "traffic arrivals", {"process"});
    out.process =
        process == "poisson" ? models::ArrivalProcess::kPoisson : models::ArrivalProcess::kUniform;
    return;
  }
  if (process != "hyperexponential" && process != "mmpp") {
    in.fail(processNode, "unknown arrival process '" + process + "'; allowed: " + kProcessForms);
  }
  if (!node.IsMap()) {
    in.fail(node, "arrival process '" + process + "' needs its parameters; allowed: " +
                      (process == "mmpp" ? "{process: mmpp, states: [...]}"
                                         : "{process: hyperexponential, cv: N}"));
  }
  if (process == "mmpp") {
    parseMmpp(in, node, out);
    return;
  }
  in.expectMap(node, "traffic arrivals", {"cv", "process"});
  const YAML::Node cvNode = in.required(node, "cv", "traffic arrivals");
  const std::string s = in.scalar(cvNode, "hyperexponential cv");
  const auto cv = parseNumber(s);
  if (!cv || !(*cv > 1.0 && *cv <= kMaxBurstCv)) {
    in.fail(cvNode, "hyperexponential cv '" + s +
                        "' is not valid; allowed: a number > 1 and at most 1000000 (cv 1 is "
                        "poisson)");
  }
  out.process = models::ArrivalProcess::kHyperexponential;
  out.burstCv = *cv;
}

models::SpikeSpec parseSpike(const Reader& in, const YAML::Node& node, std::size_t index) {
  const std::string what = "spike " + std::to_string(index + 1);
  in.expectMap(node, what, kSpikeKeys);
  models::SpikeSpec s;
  s.at = in.duration(in.required(node, "at", what), what + " at", false);
  s.duration = in.duration(in.required(node, "duration", what), what + " duration", true);
  s.factor = nonNegative(in, in.required(node, "factor", what), what + " factor",
                         "a number >= 0 (10 for a 10x spike, 0 for an outage of traffic)");
  return s;
}

models::DiurnalSpec parseDiurnal(const Reader& in, const YAML::Node& node) {
  const std::string what = "traffic diurnal";
  in.expectMap(node, what, kDiurnalKeys);
  models::DiurnalSpec d;
  d.period = kDefaultPeriod;
  if (const auto p = node["period"]) {
    d.period = in.duration(p, what + " period", true);
    // The curve is followed piece by piece, so a period far below the gaps between arrivals
    // would cost millions of steps each (`period: 1us` for `1d`).
    if (d.period < kMinimumPeriod) {
      in.fail(p, what + " period '" + p.Scalar() +
                     "' is too short; allowed: a duration of at "
                     "least " +
                     formatDuration(kMinimumPeriod) + " (a day: 24h)");
    }
  }
  if (const auto points = node["points"]) {
    for (const std::string other : {"peak_at", "min_factor"}) {
      if (node[other]) {
        in.fail(keyNode(node, other),
                what + " has both points and " + other + "; allowed: one form, " + kDiurnalForms);
      }
    }
    in.expectSequence(points, what + " points");
    if (points.size() < 2) {
      in.fail(points, what + " points has " + std::to_string(points.size()) +
                          " factors; allowed: two or more factors >= 0, evenly spaced over the "
                          "period");
    }
    for (const auto& p : points) {
      d.points.push_back(nonNegative(in, p, what + " point", "a factor >= 0"));
    }
    if (*std::max_element(d.points.begin(), d.points.end()) <= 0.0) {
      in.fail(points, what +
                          " points are all 0, so nothing would arrive; allowed: at least one "
                          "factor > 0");
    }
    return d;
  }
  const YAML::Node minimum = node["min_factor"];
  if (!minimum) {
    in.fail(node, "missing key 'min_factor' in " + what + "; allowed: " + kDiurnalForms);
  }
  const std::string s = in.scalar(minimum, what + " min_factor");
  const auto m = parsePercent(s);
  if (!m || !(*m >= 0.0 && *m <= 1.0)) {
    in.fail(minimum, what + " min_factor '" + s +
                         "' is not valid; allowed: a fraction of the peak from 0 to 1 (0.2 or "
                         "20%)");
  }
  d.minFactor = *m;
  if (const auto p = node["peak_at"]) {
    d.peakAt = in.duration(p, what + " peak_at", false);
    if (d.peakAt >= d.period) {
      in.fail(p, what + " peak_at '" + p.Scalar() +
                     "' is not within the period; allowed: a duration from 0 to less than " +
                     formatDuration(d.period));
    }
  }
  return d;
}

}  // namespace

std::vector<std::string> trafficShapeKeys() {
  return {"arrivals", "spikes", "diurnal"};
}

void parseTrafficShape(yaml::Reader& in, const YAML::Node& traffic, models::TrafficSpec& out) {
  if (const auto a = traffic["arrivals"]) in.collect([&] { parseArrivals(in, a, out); });
  if (const auto spikes = traffic["spikes"]) {
    in.collect([&] {
      in.expectSequence(spikes, "traffic spikes");
      for (std::size_t i = 0; i < spikes.size(); ++i) {
        in.collect([&] { out.spikes.push_back(parseSpike(in, spikes[i], i)); });
      }
    });
  }
  if (const auto d = traffic["diurnal"]) in.collect([&] { out.diurnal = parseDiurnal(in, d); });
}

void emitTrafficShape(YAML::Emitter& out, const models::TrafficSpec& t) {
  out << YAML::Key << "arrivals" << YAML::Value;
  switch (t.process) {
    case models::ArrivalProcess::kPoisson:
      out << "poisson";
      break;
    case models::ArrivalProcess::kUniform:
      out << "uniform";
      break;
    case models::ArrivalProcess::kHyperexponential:
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "process" << YAML::Value << "hyperexponential";
      out << YAML::Key << "cv" << YAML::Value << formatNumber(t.burstCv);
      out << YAML::EndMap;
      break;
    case models::ArrivalProcess::kMmpp:
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "process" << YAML::Value << "mmpp";
      out << YAML::Key << "states" << YAML::Value << YAML::BeginSeq;
      for (const auto& s : t.mmppStates) {
        out << YAML::BeginMap;
        out << YAML::Key << "factor" << YAML::Value << formatNumber(s.factor);
        out << YAML::Key << "mean_sojourn" << YAML::Value << formatDuration(s.meanSojourn);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq << YAML::EndMap;
      break;
  }
  if (!t.spikes.empty()) {
    out << YAML::Key << "spikes" << YAML::Value << YAML::BeginSeq;
    for (const auto& s : t.spikes) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "at" << YAML::Value << formatDuration(s.at);
      out << YAML::Key << "duration" << YAML::Value << formatDuration(s.duration);
      out << YAML::Key << "factor" << YAML::Value << formatNumber(s.factor);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (t.diurnal) {
    const models::DiurnalSpec& d = *t.diurnal;
    out << YAML::Key << "diurnal" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "period" << YAML::Value << formatDuration(d.period);
    if (d.points.empty()) {
      out << YAML::Key << "peak_at" << YAML::Value << formatDuration(d.peakAt);
      out << YAML::Key << "min_factor" << YAML::Value << formatNumber(d.minFactor);
    } else {
      out << YAML::Key << "points" << YAML::Value << YAML::BeginSeq;
      for (const double p : d.points)
        out << formatNumber(p);
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
}

}  // namespace lbsim::scenarios
