#pragma once

// nginx access logs as recorded traffic: a `log_format` compiled into literal text and
// variables, and the lines it wrote parsed back into requests (method, path, client address,
// status, times) for a replay. Pure: the text comes in, records and located problems go out;
// reading files is the scenarios library's job (scenarios/access_log_file.h).
//
// What nginx writes, from ngx_http_log_module (the documentation of `log_format` and the
// module's variables):
//  - A format is literal text and variables, `$name` or `${name}`, a name being letters,
//    digits and '_'. Everything up to the next '$' is literal; there is no way to write a
//    literal '$'. The quoted pieces of a `log_format` directive are joined into one format.
//  - `escape=default` (the default) writes '"', '\', control characters and bytes >= 0x7f of
//    a variable's value as \xHH, so a value never holds a raw '"'; a variable without a value
//    is written as "-". `escape=json` writes JSON string escapes and nothing for a missing
//    value; `escape=none` writes values as they are.
//  - $time_local ("10/Oct/2000:13:55:36 -0700") and $time_iso8601
//    ("2000-10-10T13:55:36-07:00") are local time with its offset, to the second; $msec is
//    seconds since the epoch with three decimals. All three are the time of the log write, at
//    the END of the request. $request_time is the time since the first bytes were read from
//    the client, to the millisecond.
//  - $upstream_response_time lists one time per upstream server tried, "0.012, 0.034", and
//    " : " separates the groups of an internal redirect; "-" stands for a server with no time.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::models::traffic {

// How a format writes variable values: the `escape=` parameter of `log_format`.
enum class LogEscape { kDefault, kJson, kNone };

// A format string that nginx would refuse (or that cannot be read back: see LogFormat).
// `column` is 1-based in the joined format string, 0 when the format as a whole is wrong.
class LogFormatError : public std::invalid_argument {
 public:
  LogFormatError(int column, const std::string& message);
  int column() const { return column_; }

 private:
  int column_;
};

// One piece of a compiled format.
struct LogToken {
  bool variable = false;
  std::string text;  // the literal text, or the variable's name (without '$' and braces)
  int column = 0;    // 1-based position in the format string
};

// A compiled `log_format`. Two variables with no literal text between them cannot be told
// apart in a line (nginx accepts such a format; its lines are ambiguous), so compile() refuses
// them unless the first is one of the fixed-width times ($time_local, $time_iso8601).
class LogFormat {
 public:
  // The format as nginx holds it once the quoted pieces are joined and the configuration
  // escapes (\" \' \\ \t \r \n) are applied: `$remote_addr - [$time_local] "$request"`.
  static LogFormat compile(std::string_view text, LogEscape escape = LogEscape::kDefault,
                           std::string name = "");

  // A directive as written in nginx.conf, e.g. the seeds' lines
  //   log_format main_ext '$remote_addr - $remote_user [$time_local] "$request" '
  //                       '$status ...';
  // `log_format NAME` and the final ';' may be left out; `escape=` is read; '#' comments
  // outside quotes are skipped.
  static LogFormat fromDirective(std::string_view directive);

  // The named presets (presetNames(), sorted):
  //   combined               nginx's built-in format
  //   combined_request_time  combined + " $request_time"
  //   main                   the `main` format of nginx.conf as the nginx packages ship it:
  //                          combined + " \"$http_x_forwarded_for\""
  //   main_ext               the Cerebrum seed's format (rt=, ua=, us=, ut=, ul=, cs=)
  // An unknown name throws LogFormatError listing the presets.
  static LogFormat preset(std::string_view name);
  static const std::vector<std::string>& presetNames();

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  LogEscape escape() const { return escape_; }
  const std::vector<LogToken>& tokens() const { return tokens_; }
  bool has(std::string_view variable) const;

 private:
  std::string name_;
  std::string text_;
  LogEscape escape_ = LogEscape::kDefault;
  std::vector<LogToken> tokens_;
};

// One request read back from a line.
struct LogRecord {
  // When the request arrived, seconds since the Unix epoch (UTC): see
  // LogParseOptions::arrivalFromLogTime.
  double time = 0.0;
  // The time nginx logged (the end of the request), seconds since the Unix epoch (UTC).
  double logTime = 0.0;
  std::string method;  // $request_method, or the first word of $request; "" if unreadable
  // The path of the request target as the client sent it ($request_uri, else from $request,
  // else $uri), without the query string and not percent-decoded: routing normalizes it as
  // nginx does (models/routing/path_rules.h). An absolute-form target
  // ("http://host/a?b") keeps its path "/a".
  std::string path;
  std::string query;  // the query string without '?': kept apart, "" when there is none
  std::string host;   // $host, else $http_host; "" when not logged
  // IPv4 in network order read as a number (192.168.1.10 is 0xC0A8010A), the same four bytes
  // as nginx's $binary_remote_addr and the value the balancing policies hash (clients.h).
  // See parseClientAddress for IPv6.
  std::uint32_t clientAddress = 0;
  int status = 0;
  std::optional<double> requestTime;           // $request_time, seconds
  std::optional<double> upstreamResponseTime;  // $upstream_response_time, summed: see below
  std::uint32_t line = 0;                      // 1-based line in the log
};

struct LogParseOptions {
  // true (default): the arrival is the log time minus $request_time when the format logs
  // $request_time, and the log time otherwise. false: the arrival is the log time.
  // Why subtract: nginx stamps $time_local / $msec when it writes the line, after the last
  // byte of the response; replaying that instant as the arrival would delay every request by
  // its own duration, so slow requests would arrive late and a burst of slow requests would
  // be smeared out, and the replayed load would depend on the latencies of the recorded
  // system. The subtraction recovers when nginx read the first byte, to the millisecond
  // ($time_local itself is whole seconds).
  bool arrivalFromLogTime = true;
  // Take the client from the first address of $http_x_forwarded_for when it holds one (a log
  // written behind a CDN or another proxy), as nginx's realip module with
  // `real_ip_header X-Forwarded-For; real_ip_recursive on;` and every proxy trusted does.
  bool clientFromForwardedFor = false;
  // parseAccessLog stops reporting after this many lines with problems (and counts the rest).
  std::size_t maxProblems = 20;
};

// A line that does not match its format. `column` is 1-based in the line (in bytes).
class LogLineError : public std::invalid_argument {
 public:
  LogLineError(int column, const std::string& message);
  int column() const { return column_; }

 private:
  int column_;
};

// Parses one line (without its line break). Variables are matched left to right, a
// variable's value running to the next occurrence of the literal text after it for which the
// rest of the line still matches (the shortest such value); values are checked as they are
// matched ($status three digits, times, addresses), and a value never holds a raw '"' under
// escape=default. When no split works, the error is the one found farthest into the line.
// Throws LogLineError; throws std::invalid_argument when the format has no time variable.
LogRecord parseLogLine(std::string_view line, const LogFormat& format,
                       const LogParseOptions& options = {});

// A problem of a log file, as the scenario loader reports it: file:line:column: message.
// Models does not depend on scenarios, so this is its own small type; scenarios converts it.
struct LogProblem {
  std::string file;
  int line = 0;    // 1-based; 0 for the log as a whole
  int column = 0;  // 1-based; 0 for the line as a whole
  std::string message;
  std::string format() const;  // "file:line:column: message"
};

struct ParsedLog {
  std::vector<LogRecord> records;    // in line order
  std::vector<LogProblem> problems;  // at most maxProblems + 1 (the last one counts the rest)
  std::size_t badLines = 0;          // every line with a problem
  bool ok() const { return problems.empty(); }
};

// Parses a whole log: lines split at '\n' (a trailing '\r' dropped), blank lines skipped.
// A format without a time variable ($msec, $time_iso8601 or $time_local; the first present
// in that order of precision is used) is one problem for the whole log.
ParsedLog parseAccessLog(std::string_view text, std::string_view file, const LogFormat& format,
                         const LogParseOptions& options = {});

// Orders records by arrival, keeping log order among equal arrivals (a stable sort): a log
// is in log-time order, and arrivals (log time - request time) are not.
void sortByArrival(std::vector<LogRecord>& records);

// $time_local and $time_iso8601 are whole seconds. The n lines stamped with the same second
// ended within it, in log order: the k-th of them (from 0) is taken to have ended at
// stamp + (k + 0.5) / n, and its arrival moves with it. Without this a replay would send each
// second's requests in one burst. Call it on the records in log order.
void spreadWithinSeconds(std::vector<LogRecord>& records);

// The pieces, for tests and tools.

// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (negative before).
long long daysSinceEpoch(int year, int month, int day);

// "10/Oct/2000:13:55:36 -0700" to seconds since the epoch (UTC), with the offset applied.
// Throws LogLineError whose column is 1-based within `text`.
double parseTimeLocal(std::string_view text);
// "2000-10-10T13:55:36-07:00" to seconds since the epoch (UTC). Throws LogLineError.
double parseTimeIso8601(std::string_view text);
// A decimal such as $msec "1700000000.123" or $request_time "0.045", read digit by digit
// so that milliseconds are exact (1700000000.123 is 1700000000 + 123/1000). nullopt when
// `text` is not digits with an optional fraction.
std::optional<double> parseDecimalSeconds(std::string_view text);

// $remote_addr to 32 bits: IPv4 dotted quads packed big-endian (first octet highest); an
// IPv4-mapped IPv6 address (::ffff:1.2.3.4) as its IPv4 address; any other IPv6 address
// folded by FNV-1a (32-bit: offset basis 2166136261, prime 16777619) over its 16 bytes in
// network order, so that distinct clients stay distinct with high probability and the
// same client always folds the same way; "unix:" (a UNIX-domain socket) as 0. nullopt when
// `text` is none of these.
std::optional<std::uint32_t> parseClientAddress(std::string_view text);

}  // namespace lbsim::models::traffic
