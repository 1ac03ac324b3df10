#include "scenarios/metric_trace.h"

#include <algorithm>
#include <sstream>

#include "models/autoscaling/quantity.h"
#include "scenarios/units.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

using namespace models::autoscaling;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

struct Field {
  std::string text;
  int column;  // 1-based
};

std::vector<Field> splitCsv(const std::string& line) {
  std::vector<Field> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string raw =
        line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t lead = raw.find_first_not_of(" \t");
    fields.push_back(
        {trim(raw), static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

constexpr const char* kValueForms =
    "a number, a quantity such as 250m or 512Mi, or a percentage such as 85%";

}  // namespace

MetricTrace loadMetricTraceText(const std::string& text, const std::string& fileName) {
  MetricTrace trace;
  std::vector<Diagnostic> problems;
  std::istringstream lines(text);
  std::string line;
  int lineNumber = 0;
  bool header = false;
  while (std::getline(lines, line)) {
    ++lineNumber;
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    const std::vector<Field> fields = splitCsv(line);
    const auto problem = [&](const Field& f, const std::string& message) {
      problems.push_back({fileName, lineNumber, f.column, message});
    };
    if (!header) {
      std::string names;
      for (const Field& f : fields)
        names += (names.empty() ? "" : ",") + f.text;
      if (names == "time,pod,metric,value,ready") {
        trace.perPod = true;
      } else if (names != "time,metric,value") {
        problems.push_back({fileName, lineNumber, 1,
                            "unknown header '" + names +
                                "'; allowed: time,pod,metric,value,ready (per pod) or "
                                "time,metric,value (per metric)"});
        break;
      }
      header = true;
      continue;
    }
    const std::size_t expected = trace.perPod ? 5 : 3;
    if (fields.size() != expected) {
      problems.push_back({fileName, lineNumber, 1,
                          "a row has " + std::to_string(fields.size()) +
                              " fields; allowed: " + std::to_string(expected) + " (" +
                              (trace.perPod ? "time,pod,metric,value,ready" : "time,metric,value") +
                              ")"});
      continue;
    }
    const Field& timeField = fields[0];
    const auto time = parseDuration(timeField.text);
    if (!time) {
      problem(timeField,
              "time '" + timeField.text + "' is not a time; allowed: seconds or " + kDurationForms);
      continue;
    }
    const Field& metricField = fields[trace.perPod ? 2 : 1];
    if (metricField.text.empty()) {
      problem(metricField, "the metric name is empty; allowed: cpu, memory or a metric's name");
      continue;
    }
    const Field& valueField = fields[trace.perPod ? 3 : 2];
    std::optional<double> value;
    if (!valueField.text.empty() && valueField.text.back() == '%') {
      value = parseNumber(valueField.text.substr(0, valueField.text.size() - 1));
    } else if (const auto milli = parseQuantityMilli(valueField.text)) {
      value = static_cast<double>(*milli) / 1000.0;
    }
    if (!value) {
      problem(valueField,
              "value '" + valueField.text + "' is not a value; allowed: " + kValueForms);
      continue;
    }
    if (!trace.perPod) {
      trace.metricRows.push_back({*time, metricField.text, *value});
      continue;
    }
    const Field& readyField = fields[4];
    std::string state = readyField.text;
    std::transform(state.begin(), state.end(), state.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    PodTraceState s = PodTraceState::kReady;
    if (state == "true" || state == "1" || state == "yes" || state == "ready") {
      s = PodTraceState::kReady;
    } else if (state == "false" || state == "0" || state == "no" || state == "notready") {
      s = PodTraceState::kNotReady;
    } else if (state == "pending") {
      s = PodTraceState::kPending;
    } else if (state == "failed") {
      s = PodTraceState::kFailed;
    } else if (state == "terminating") {
      s = PodTraceState::kTerminating;
    } else {
      problem(readyField,
              "ready '" + readyField.text +
                  "' is not a pod state; allowed: failed, false, pending, terminating, true");
      continue;
    }
    trace.podRows.push_back({*time, fields[1].text, metricField.text, *value, s});
  }
  if (!header && problems.empty()) {
    problems.push_back({fileName, 0, 0,
                        "the trace is empty; allowed: a header time,pod,metric,value,ready or "
                        "time,metric,value and rows"});
  }
  if (!problems.empty()) throw ScenarioError(problems);
  const auto byTime = [](const auto& a, const auto& b) { return a.time < b.time; };
  std::stable_sort(trace.podRows.begin(), trace.podRows.end(), byTime);
  std::stable_sort(trace.metricRows.begin(), trace.metricRows.end(), byTime);
  if (trace.empty()) {
    throw ScenarioError({{fileName, 0, 0, "the trace has a header but no rows"}});
  }
  return trace;
}

MetricTrace loadMetricTraceFile(const std::string& path) {
  return loadMetricTraceText(yaml::readFile(path, "metric trace"), path);
}

}  // namespace lbsim::scenarios
