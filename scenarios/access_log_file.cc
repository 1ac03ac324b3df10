#include "scenarios/access_log_file.h"

#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

using models::traffic::LogFormat;
using models::traffic::LogFormatError;
using models::traffic::LogParseOptions;
using models::traffic::LogRecord;

LogFormat accessLogFormat(const std::string& format, const std::string& where) {
  try {
    if (format.find('$') == std::string::npos) return LogFormat::preset(format);
    const std::size_t first = format.find_first_not_of(" \t\r\n");
    if (format.compare(first, 10, "log_format") == 0) return LogFormat::fromDirective(format);
    return LogFormat::compile(format);
  } catch (const LogFormatError& e) {
    throw ScenarioError({{where, 0, 0, e.what()}});
  }
}

std::vector<LogRecord> loadAccessLogText(const std::string& text, const std::string& fileName,
                                         const std::string& format,
                                         const LogParseOptions& options) {
  const LogFormat compiled = accessLogFormat(format, fileName);
  models::traffic::ParsedLog parsed =
      models::traffic::parseAccessLog(text, fileName, compiled, options);
  if (!parsed.ok()) {
    std::vector<Diagnostic> diagnostics;
    for (const auto& p : parsed.problems)
      diagnostics.push_back({p.file, p.line, p.column, p.message});
    throw ScenarioError(std::move(diagnostics));
  }
  if (parsed.records.empty()) {
    throw ScenarioError({{fileName, 0, 0,
                          "the access log has no requests; allowed: lines written in the "
                          "format '" +
                              compiled.text() + "'"}});
  }
  if (!compiled.has("msec")) models::traffic::spreadWithinSeconds(parsed.records);
  models::traffic::sortByArrival(parsed.records);
  return std::move(parsed.records);
}

std::vector<LogRecord> loadAccessLog(const std::string& path, const std::string& format,
                                     const LogParseOptions& options) {
  return loadAccessLogText(yaml::readFile(path, "access log"), path, format, options);
}

}  // namespace lbsim::scenarios
