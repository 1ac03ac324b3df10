#pragma once

#include <string>
#include <vector>

#include "models/traffic/access_log.h"
#include "scenarios/error.h"

namespace lbsim::scenarios {

// The log format of a replay, written one of three ways:
//  - a preset name: combined, combined_request_time, main, main_ext
//    (models::traffic::LogFormat::preset);
//  - a format string with $variables, as nginx holds it once the quoted pieces of the
//    directive are joined: `$remote_addr - [$time_local] "$request" $status $request_time`;
//  - a whole directive pasted from nginx.conf: `log_format main_ext '$remote_addr ...' ...;`.
// A format nginx would refuse, or an unknown preset, throws ScenarioError naming `where`.
models::traffic::LogFormat accessLogFormat(const std::string& format, const std::string& where);

// Reads an nginx access log for a replay: blank lines are skipped, every other line must
// match the format. The records come back sorted by arrival, stably (lines with equal
// arrivals keep their log order): nginx writes a line when a request ends, so the log is in
// end order, and arrivals (log time - $request_time, see LogParseOptions) are not.
// Throws ScenarioError: a file that cannot be read (naming it), an unknown format, every line
// that does not match (file:line:column: what was expected), or a log with no request.
std::vector<models::traffic::LogRecord> loadAccessLog(
    const std::string& path, const std::string& format,
    const models::traffic::LogParseOptions& options = {});

// The same on text already in memory; `fileName` locates the problems.
std::vector<models::traffic::LogRecord> loadAccessLogText(
    const std::string& text, const std::string& fileName, const std::string& format,
    const models::traffic::LogParseOptions& options = {});

}  // namespace lbsim::scenarios
