#pragma once

// Internal to the scenarios library: the located-diagnostics reader that the scenario loader
// and the autoscaling configuration parsers share (loader.cc, hpa_manifest.cc,
// autoscaler_policies.cc). Every problem is a ScenarioError `file:line:column: what is
// wrong; allowed: what would be right`. A problem inside one item is recorded by `collect`
// and reading goes on with the next item, so that one run reports as much as it can.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "models/autoscaling/quantity.h"
#include "scenarios/error.h"
#include "scenarios/units.h"

namespace lbsim::scenarios::yaml {

// "a, b, c" in the given order.
inline std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

// "a, b, c" sorted.
inline std::string joined(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return listed(items);
}

inline std::string readFile(const std::string& path, const std::string& what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw ScenarioError({{path, 0, 0, "cannot read the " + what + ": " + std::strerror(errno)}});
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    throw ScenarioError({{file_, mark.line + 1, mark.column + 1, message}});
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    fail(node.Mark(), message);
  }

  // Runs `load`, which reads the file that `node` names (an autoscaler's manifest, an
  // access log): a file that cannot be read is reported at `node`, the scenario's line and
  // column, naming the file. Mistakes inside a file that was read keep that file's own line
  // and column.
  template <typename Load>
  auto loadReferenced(const YAML::Node& node, Load&& load) const -> decltype(load()) {
    try {
      return load();
    } catch (const ScenarioError& e) {
      const auto& all = e.diagnostics();
      if (all.size() == 1 && all.front().line == 0) {
        fail(node, all.front().file + ": " + all.front().message);
      }
      throw;
    }
  }

  // Runs `body`, recording its ScenarioError and going on, so one run reports every problem.
  void collect(const std::function<void()>& body) {
    try {
      body();
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics())
        diagnostics_.push_back(d);
    } catch (const YAML::Exception& e) {
      // A shape the reader did not expect (a mapping used as a key, ...).
      diagnostics_.push_back({file_, e.mark.line + 1, e.mark.column + 1, e.msg});
    }
  }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }
  void throwIfAny() const {
    if (!diagnostics_.empty()) throw ScenarioError(diagnostics_);
  }

  void expectMap(const YAML::Node& node, const std::string& what,
                 const std::vector<std::string>& allowed) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping of keys to values");
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = keyText(it->first, what);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(it->first, "unknown key '" + key + "' in " + what + "; allowed: " + joined(allowed));
      }
    }
  }
  std::string keyText(const YAML::Node& key, const std::string& what) const {
    if (!key.IsScalar()) fail(key, "a key in " + what + " must be a plain name");
    return key.Scalar();
  }
  YAML::Node required(const YAML::Node& map, const std::string& key,
                      const std::string& what) const {
    const YAML::Node node = map[key];
    if (!node) fail(map, "missing key '" + key + "' in " + what);
    return node;
  }
  void expectSequence(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) fail(node, what + " must be a list");
  }
  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) {
      fail(node, what + " must be a single value, not " +
                     (node.IsSequence() ? "a list"
                      : node.IsMap()    ? "a mapping"
                                        : "empty") +
                     "; allowed: one number, duration, rate or name (4, not [4])");
    }
    return node.Scalar();
  }
  std::string oneOf(const YAML::Node& node, const std::string& what,
                    const std::vector<std::string>& allowed) const {
    const std::string s = scalar(node, what);
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      fail(node, what + " '" + s + "' is not known; allowed: " + joined(allowed));
    }
    return s;
  }
  std::int64_t integer(const YAML::Node& node, const std::string& what, std::int64_t minimum,
                       std::int64_t maximum) const {
    const std::string s = scalar(node, what);
    const auto v = parseNumber(s);
    if (!v || *v != std::floor(*v) || *v < static_cast<double>(minimum) ||
        *v > static_cast<double>(maximum)) {
      fail(node, what + " must be a whole number from " + std::to_string(minimum) + " to " +
                     std::to_string(maximum) + ", not '" + s + "'");
    }
    return static_cast<std::int64_t>(*v);
  }
  double number(const YAML::Node& node, const std::string& what, double minimum) const {
    const std::string s = scalar(node, what);
    const auto v = parseNumber(s);
    if (!v || !(*v >= minimum)) {
      fail(node, what + " must be a number of at least " + formatNumber(minimum) + ", not '" + s +
                     "'" + (v ? std::string() : numberHint(s)));
    }
    return *v;
  }
  bool boolean(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    if (s == "true" || s == "True" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "False" || s == "no" || s == "off") return false;
    fail(node, what + " must be true or false, not '" + s + "'");
  }
  // Seconds: a bare number (AWS and Kubernetes write seconds) or a duration such as 5m.
  double seconds(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    const auto v = parseDuration(s);
    if (!v || *v < 0.0) {
      fail(node, what + " '" + s + "' is not a duration; allowed: " + kDurationForms +
                     " (a bare number is seconds)");
    }
    return *v;
  }
  // A percentage: `70%`, or a bare number of percent (70), as the scripts' thresholds.
  double percent(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    if (!s.empty() && s.back() == '%') {
      const auto v = parseNumber(s.substr(0, s.size() - 1));
      if (v) return *v;
    } else if (const auto v = parseNumber(s)) {
      return *v;
    }
    fail(node, what + " '" + s + "' is not a percentage; allowed: a percentage such as 70%");
  }
  // Ids appear in output paths and CSV fields, so they are plain names.
  std::string identifier(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
    if (!plain) {
      fail(node,
           what + " '" + s + "' is not a plain name; allowed: letters, digits, '-', '_', '.'");
    }
    if (s == "end_to_end" || s == "all") {
      fail(node, what + " '" + s + "' is reserved for outputs; allowed: any other name");
    }
    return s;
  }
  double number(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    const auto v = parseNumber(s);
    if (!v) fail(node, what + " must be a number, not '" + s + "'" + numberHint(s));
    return *v;
  }
  // What to write instead of a percentage or a quantity with a unit where a plain number goes.
  static std::string numberHint(const std::string& s) {
    if (!s.empty() && s.back() == '%') {
      return "; allowed: a plain number (a fraction such as 0.5, not a percentage)";
    }
    return "; allowed: a plain number such as 2 or 0.5, without a unit";
  }
  std::uint64_t unsignedInteger(const YAML::Node& node, const std::string& what,
                                std::uint64_t minimum, std::uint64_t maximum) const {
    const std::string s = scalar(node, what);
    const auto v = parseNumber(s);
    if (!v || *v != std::floor(*v) || *v < static_cast<double>(minimum) ||
        *v > static_cast<double>(maximum)) {
      fail(node, what + " must be a whole number from " + std::to_string(minimum) + " to " +
                     std::to_string(maximum) + ", not '" + s + "'");
    }
    return static_cast<std::uint64_t>(*v);
  }
  double duration(const YAML::Node& node, const std::string& what, bool positive) const {
    const std::string s = scalar(node, what);
    const auto v = parseDuration(s);
    if (!v) fail(node, what + " '" + s + "' is not a duration; allowed: " + kDurationForms);
    if (*v < 0.0 || (positive && *v == 0.0)) {
      fail(node, what + " must be " + (positive ? "positive" : "zero or positive") + ", not '" + s +
                     "'; allowed: " + kDurationForms);
    }
    return *v;
  }
  double rate(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    const auto v = parseRate(s);
    if (!v) fail(node, what + " '" + s + "' is not a rate; allowed: " + kRateForms);
    if (*v < 0.0) {
      fail(node, what + " must not be negative, not '" + s + "'; allowed: " + kRateForms);
    }
    return *v;
  }
  double positiveNumber(const YAML::Node& node, const std::string& what) const {
    const double v = number(node, what);
    if (!(v > 0.0)) fail(node, what + " must be positive, not '" + node.Scalar() + "'");
    return v;
  }
  std::int64_t quantityMilli(const YAML::Node& node, const std::string& what) const {
    const std::string s = scalar(node, what);
    const auto v = models::autoscaling::parseQuantityMilli(s);
    if (!v) {
      fail(node, what + " '" + s +
                     "' is not a quantity; allowed: " + models::autoscaling::kQuantityForms);
    }
    return *v;
  }

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace lbsim::scenarios::yaml
