#include "models/traffic/access_log.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace lbsim::models::traffic {

LogFormatError::LogFormatError(int column, const std::string& message)
    : std::invalid_argument(column > 0
                                ? "log_format column " + std::to_string(column) + ": " + message
                                : "log_format: " + message),
      column_(column) {}

LogLineError::LogLineError(int column, const std::string& message)
    : std::invalid_argument(message), column_(column) {}

std::string LogProblem::format() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

bool isNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hexValue(char c) {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// $time_local and $time_iso8601 are written with a fixed width (ngx_times.c formats them
// with zero-padded fields), so they can be cut from a line without a delimiter.
constexpr std::size_t kTimeLocalWidth = 26;    // "28/Sep/1970:12:00:00 +0600"
constexpr std::size_t kTimeIso8601Width = 25;  // "1970-09-28T12:00:00+06:00"

std::size_t fixedWidth(std::string_view variable) {
  if (variable == "time_local") return kTimeLocalWidth;
  if (variable == "time_iso8601") return kTimeIso8601Width;
  return 0;
}

// nginx's `combined`, as ngx_http_log_module defines it.
constexpr std::string_view kCombined =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
    "\"$http_referer\" \"$http_user_agent\"";

// The Cerebrum seed (000_ed1a8df81786f13a.txt, lines 66-73) with its quoted pieces joined.
constexpr std::string_view kMainExt =
    "$remote_addr - $remote_user [$time_local] \"$request\" "
    "$status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" \"$http_x_forwarded_for\" "
    "\"$host\" sn=\"$server_name\" "
    "rt=$request_time "
    "ua=\"$upstream_addr\" us=\"$upstream_status\" "
    "ut=\"$upstream_response_time\" ul=\"$upstream_response_length\" "
    "cs=$upstream_cache_status";

}  // namespace

LogFormat LogFormat::compile(std::string_view text, LogEscape escape, std::string name) {
  if (text.empty()) throw LogFormatError(0, "the format is empty");
  LogFormat format;
  format.name_ = std::move(name);
  format.text_ = std::string(text);
  format.escape_ = escape;
  std::size_t i = 0;
  while (i < text.size()) {
    const int column = static_cast<int>(i) + 1;
    if (text[i] != '$') {
      const std::size_t end = std::min(text.find('$', i), text.size());
      format.tokens_.push_back({false, std::string(text.substr(i, end - i)), column});
      i = end;
      continue;
    }
    ++i;
    const bool bracket = i < text.size() && text[i] == '{';
    if (bracket) ++i;
    const std::size_t start = i;
    while (i < text.size() && isNameChar(text[i]))
      ++i;
    const std::string variable(text.substr(start, i - start));
    if (bracket) {
      if (i < text.size() && text[i] == '}') {
        ++i;
      } else {
        // nginx: the closing bracket in "..." variable is missing
        throw LogFormatError(column, "the closing bracket in \"${" + variable +
                                         "\" is missing; allowed in a name: letters, digits, '_'");
      }
    }
    if (variable.empty()) {
      throw LogFormatError(column,
                           "'$' must be followed by a variable name (letters, digits, '_'); "
                           "a log_format cannot write a literal '$'");
    }
    format.tokens_.push_back({true, variable, column});
  }
  for (std::size_t t = 1; t < format.tokens_.size(); ++t) {
    const LogToken& before = format.tokens_[t - 1];
    const LogToken& token = format.tokens_[t];
    if (before.variable && token.variable && fixedWidth(before.text) == 0) {
      throw LogFormatError(token.column, "$" + token.text + " follows $" + before.text +
                                             " with no text between them, so a line cannot be "
                                             "split between the two; allowed: a separator such "
                                             "as ' ' between variables");
    }
  }
  return format;
}

namespace {

// The words of an nginx configuration directive, with the configuration's escapes applied
// (ngx_conf_read_token: \" \' \\ become the character, \t \r \n the control character, any
// other backslash stays).
std::string unescapeConfigWord(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      const char next = raw[i + 1];
      if (next == '"' || next == '\'' || next == '\\') {
        out += next;
        ++i;
        continue;
      }
      if (next == 't' || next == 'r' || next == 'n') {
        out += next == 't' ? '\t' : next == 'r' ? '\r' : '\n';
        ++i;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

}  // namespace

LogFormat LogFormat::fromDirective(std::string_view directive) {
  std::vector<std::string> words;
  std::size_t i = 0;
  bool ended = false;
  while (i < directive.size()) {
    const char c = directive[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < directive.size() && directive[i] != '\n')
        ++i;
      continue;
    }
    if (ended) {
      throw LogFormatError(
          0, "text after the ';' that ends the directive, at character " + std::to_string(i + 1));
    }
    if (c == ';') {
      ended = true;
      ++i;
      continue;
    }
    if (c == '\'' || c == '"') {
      const std::size_t start = ++i;
      while (i < directive.size() && directive[i] != c) {
        if (directive[i] == '\\') ++i;
        ++i;
      }
      if (i >= directive.size()) {
        throw LogFormatError(0, std::string("the string opened by ") + c + " at character " +
                                    std::to_string(start) + " is not closed");
      }
      words.push_back(unescapeConfigWord(directive.substr(start, i - start)));
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < directive.size()) {
      const char d = directive[i];
      if (d == ' ' || d == '\t' || d == '\r' || d == '\n' || d == ';') break;
      if (d == '\\') ++i;
      ++i;
    }
    words.push_back(unescapeConfigWord(directive.substr(start, i - start)));
  }
  std::size_t w = 0;
  std::string name;
  if (!words.empty() && words[0] == "log_format") {
    if (words.size() < 3) {
      throw LogFormatError(0, "a log_format directive needs a name and a format");
    }
    name = words[1];
    w = 2;
  }
  LogEscape escape = LogEscape::kDefault;
  if (w < words.size() && words[w].rfind("escape=", 0) == 0) {
    const std::string value = words[w].substr(7);
    if (value == "json") {
      escape = LogEscape::kJson;
    } else if (value == "none") {
      escape = LogEscape::kNone;
    } else if (value != "default") {
      throw LogFormatError(
          0, "unknown log format escaping '" + value + "'; allowed: default, json, none");
    }
    ++w;
  }
  std::string text;
  for (; w < words.size(); ++w)
    text += words[w];
  return compile(text, escape, std::move(name));
}

const std::vector<std::string>& LogFormat::presetNames() {
  static const std::vector<std::string> kNames = {"combined", "combined_request_time", "main",
                                                  "main_ext"};
  return kNames;
}

LogFormat LogFormat::preset(std::string_view name) {
  const std::string combined(kCombined);
  if (name == "combined") return compile(combined, LogEscape::kDefault, "combined");
  if (name == "combined_request_time") {
    return compile(combined + " $request_time", LogEscape::kDefault, "combined_request_time");
  }
  if (name == "main") {
    return compile(combined + " \"$http_x_forwarded_for\"", LogEscape::kDefault, "main");
  }
  if (name == "main_ext") return compile(kMainExt, LogEscape::kDefault, "main_ext");
  std::string allowed;
  for (const auto& n : presetNames())
    allowed += (allowed.empty() ? "" : ", ") + n;
  throw LogFormatError(0, "unknown log format '" + std::string(name) + "'; allowed: " + allowed +
                              ", or a format string with $variables");
}

bool LogFormat::has(std::string_view variable) const {
  return std::any_of(tokens_.begin(), tokens_.end(),
                     [&](const LogToken& t) { return t.variable && t.text == variable; });
}

long long daysSinceEpoch(int year, int month, int day) {
  assert(month >= 1 && month <= 12);
  // Whole years since 1970, the leap days in between (Gregorian: every 4th year, not every
  // 100th, every 400th), then the days of the months before `month` in `year`.
  static constexpr std::array<int, 12> kDaysBefore = {0,   31,  59,  90,  120, 151,
                                                      181, 212, 243, 273, 304, 334};
  const auto leapsThrough = [](long long y) {  // leap years in 1..y (y >= 0)
    return y / 4 - y / 100 + y / 400;
  };
  const long long y = year;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  long long days = 365 * (y - 1970) + leapsThrough(y - 1) - leapsThrough(1969);
  days += kDaysBefore[month - 1] + ((leap && month > 2) ? 1 : 0);
  return days + day - 1;
}

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int daysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return kDays[month - 1] + ((leap && month == 2) ? 1 : 0);
}

std::string shown(std::string_view text, std::size_t at) {
  if (at >= text.size()) return "end of text";
  return "'" + std::string(text.substr(at, 1)) + "'";
}

// Checks `text` against a shape such as "99/AAA/9999:99:99:99 +9999": '9' a digit, 'A' a
// letter, '+' a sign, anything else itself.
void checkShape(std::string_view text, std::string_view shape, std::string_view example) {
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char s = shape[i];
    const char c = i < text.size() ? text[i] : '\0';
    bool ok = false;
    std::string what;
    if (s == 'A') {
      ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
      what = "a letter";
    } else if (s == '+') {
      ok = c == '+' || c == '-';
      what = "'+' or '-'";
    } else if (s == '9') {
      ok = isDigit(c);
      what = "a digit";
    } else {
      ok = c == s;
      what = std::string("'") + s + "'";
    }
    if (!ok || i >= text.size()) {
      throw LogLineError(
          static_cast<int>(i) + 1,
          "expected " + what + " as in " + std::string(example) + ", found " + shown(text, i));
    }
  }
  if (text.size() > shape.size()) {
    throw LogLineError(static_cast<int>(shape.size()) + 1,
                       "unexpected text after the time, as in " + std::string(example));
  }
}

int number(std::string_view text, std::size_t at, std::size_t digits) {
  int v = 0;
  for (std::size_t i = 0; i < digits; ++i)
    v = v * 10 + (text[at + i] - '0');
  return v;
}

// The checks common to both time forms; `col` maps a field to its 1-based column.
double civilSeconds(int year, int month, int day, int hour, int minute, int second, int sign,
                    int offsetHours, int offsetMinutes, const std::array<int, 7>& col) {
  if (month < 1 || month > 12) {
    throw LogLineError(col[1], "month " + std::to_string(month) + " is not 1 to 12");
  }
  if (day < 1 || day > daysInMonth(year, month)) {
    throw LogLineError(col[2], "day " + std::to_string(day) + " is not in " +
                                   std::string(kMonths[month - 1]) + " " + std::to_string(year));
  }
  if (hour > 23) throw LogLineError(col[3], "hour " + std::to_string(hour) + " is not 0 to 23");
  if (minute > 59) {
    throw LogLineError(col[4], "minute " + std::to_string(minute) + " is not 0 to 59");
  }
  // nginx formats a time_t, which has no leap second: 60 never appears.
  if (second > 59) {
    throw LogLineError(col[5], "second " + std::to_string(second) + " is not 0 to 59");
  }
  if (offsetHours > 23 || offsetMinutes > 59) {
    throw LogLineError(col[6], "the UTC offset is not hours 0-23 and minutes 0-59");
  }
  const long long days = daysSinceEpoch(year, month, day);
  const long long local = days * 86400 + hour * 3600 + minute * 60 + second;
  return static_cast<double>(local - sign * (offsetHours * 3600LL + offsetMinutes * 60LL));
}

}  // namespace

double parseTimeLocal(std::string_view text) {
  constexpr std::string_view kExample = "10/Oct/2000:13:55:36 -0700";
  checkShape(text, "99/AAA/9999:99:99:99 +9999", kExample);
  const std::string_view monthName = text.substr(3, 3);
  const auto it = std::find(kMonths.begin(), kMonths.end(), monthName);
  if (it == kMonths.end()) {
    // nginx writes English month names whatever the locale (ngx_times.c has its own table).
    throw LogLineError(4, "unknown month '" + std::string(monthName) +
                              "'; allowed: Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, "
                              "Nov, Dec");
  }
  const int month = static_cast<int>(it - kMonths.begin()) + 1;
  return civilSeconds(number(text, 7, 4), month, number(text, 0, 2), number(text, 12, 2),
                      number(text, 15, 2), number(text, 18, 2), text[21] == '-' ? -1 : 1,
                      number(text, 22, 2), number(text, 24, 2), {8, 4, 1, 13, 16, 19, 22});
}

double parseTimeIso8601(std::string_view text) {
  constexpr std::string_view kExample = "2000-10-10T13:55:36-07:00";
  checkShape(text, "9999-99-99T99:99:99+99:99", kExample);
  return civilSeconds(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2),
                      number(text, 11, 2), number(text, 14, 2), number(text, 17, 2),
                      text[19] == '-' ? -1 : 1, number(text, 20, 2), number(text, 23, 2),
                      {1, 6, 9, 12, 15, 18, 21});
}

std::optional<double> parseDecimalSeconds(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 15) return std::nullopt;
  if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 9)) {
    return std::nullopt;
  }
  long long w = 0;
  for (const char c : whole) {
    if (!isDigit(c)) return std::nullopt;
    w = w * 10 + (c - '0');
  }
  long long f = 0;
  long long scale = 1;
  for (const char c : fraction) {
    if (!isDigit(c)) return std::nullopt;
    f = f * 10 + (c - '0');
    scale *= 10;
  }
  return static_cast<double>(w) + static_cast<double>(f) / static_cast<double>(scale);
}

namespace {

std::optional<std::uint32_t> parseIpv4(std::string_view text) {
  std::uint32_t address = 0;
  std::size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
    const std::size_t start = i;
    unsigned value = 0;
    while (i < text.size() && isDigit(text[i]) && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    if (i == start || value > 255) return std::nullopt;
    address = (address << 8) | value;
  }
  if (i != text.size()) return std::nullopt;
  return address;
}

// RFC 4291 text: eight groups of 1-4 hex digits, one "::" standing for one or more zero
// groups, an IPv4 dotted quad allowed as the last 32 bits.
std::optional<std::array<std::uint8_t, 16>> parseIpv6(std::string_view text) {
  std::array<std::uint16_t, 8> head{};
  std::array<std::uint16_t, 8> tail{};
  std::size_t heads = 0;
  std::size_t tails = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  } else if (!text.empty() && text[0] == ':') {
    return std::nullopt;
  }
  while (i < text.size()) {
    std::array<std::uint16_t, 8>& groups = compressed ? tail : head;
    std::size_t& count = compressed ? tails : heads;
    // An embedded IPv4 address ends the text.
    const std::size_t nextColon = text.find(':', i);
    const std::string_view piece = text.substr(i, nextColon - i);
    if (nextColon == std::string_view::npos && piece.find('.') != std::string_view::npos) {
      const auto v4 = parseIpv4(piece);
      if (!v4 || count + 2 > 8) return std::nullopt;
      groups[count++] = static_cast<std::uint16_t>(*v4 >> 16);
      groups[count++] = static_cast<std::uint16_t>(*v4 & 0xFFFF);
      i = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4 || count >= 8) return std::nullopt;
    std::uint16_t value = 0;
    for (const char c : piece) {
      if (!isHex(c)) return std::nullopt;
      value = static_cast<std::uint16_t>(value * 16 + hexValue(c));
    }
    groups[count++] = value;
    i += piece.size();
    if (i == text.size()) break;
    // At a ':'; "::" compresses (once).
    if (i + 1 < text.size() && text[i + 1] == ':') {
      if (compressed) return std::nullopt;
      compressed = true;
      i += 2;
    } else {
      ++i;
      if (i == text.size()) return std::nullopt;  // a trailing single ':'
    }
  }
  if (compressed ? heads + tails > 7 : heads != 8) return std::nullopt;
  std::array<std::uint16_t, 8> words{};
  for (std::size_t k = 0; k < heads; ++k)
    words[k] = head[k];
  for (std::size_t k = 0; k < tails; ++k)
    words[8 - tails + k] = tail[k];
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t k = 0; k < 8; ++k) {
    bytes[2 * k] = static_cast<std::uint8_t>(words[k] >> 8);
    bytes[2 * k + 1] = static_cast<std::uint8_t>(words[k] & 0xFF);
  }
  return bytes;
}

}  // namespace

std::optional<std::uint32_t> parseClientAddress(std::string_view text) {
  if (text == "unix:") return 0u;
  if (text.find(':') == std::string_view::npos) return parseIpv4(text);
  const auto bytes = parseIpv6(text);
  if (!bytes) return std::nullopt;
  const bool mapped =
      std::all_of(bytes->begin(), bytes->begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
      (*bytes)[10] == 0xFF && (*bytes)[11] == 0xFF;
  if (mapped) {
    return (std::uint32_t{(*bytes)[12]} << 24) | (std::uint32_t{(*bytes)[13]} << 16) |
           (std::uint32_t{(*bytes)[14]} << 8) | std::uint32_t{(*bytes)[15]};
  }
  std::uint32_t hash = 2166136261u;
  for (const std::uint8_t b : *bytes) {
    hash ^= b;
    hash *= 16777619u;
  }
  return hash;
}

void sortByArrival(std::vector<LogRecord>& records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const LogRecord& a, const LogRecord& b) { return a.time < b.time; });
}

void spreadWithinSeconds(std::vector<LogRecord>& records) {
  std::unordered_map<double, std::pair<std::uint32_t, std::uint32_t>> seconds;  // count, next
  for (const LogRecord& r : records)
    ++seconds[r.logTime].first;
  for (LogRecord& r : records) {
    auto& [count, next] = seconds[r.logTime];
    const double offset = (next + 0.5) / count;
    ++next;
    r.time += offset;
    r.logTime += offset;
  }
}

namespace {

// The variables whose values lbsim reads or checks; any other variable is carried as text.
enum class Var {
  kOther,
  kRemoteAddr,
  kTimeLocal,
  kTimeIso8601,
  kMsec,
  kRequest,
  kRequestUri,
  kUri,
  kRequestMethod,
  kArgs,
  kHost,
  kHttpHost,
  kStatus,
  kRequestTime,
  kUpstreamResponseTime,
  kForwardedFor,
};

Var varOf(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Var>, 16> kKnown = {{
      {"remote_addr", Var::kRemoteAddr},
      {"time_local", Var::kTimeLocal},
      {"time_iso8601", Var::kTimeIso8601},
      {"msec", Var::kMsec},
      {"request", Var::kRequest},
      {"request_uri", Var::kRequestUri},
      {"uri", Var::kUri},
      {"document_uri", Var::kUri},
      {"request_method", Var::kRequestMethod},
      {"args", Var::kArgs},
      {"query_string", Var::kArgs},
      {"host", Var::kHost},
      {"http_host", Var::kHttpHost},
      {"status", Var::kStatus},
      {"request_time", Var::kRequestTime},
      {"upstream_response_time", Var::kUpstreamResponseTime},
  }};
  for (const auto& [n, v] : kKnown) {
    if (n == name) return v;
  }
  if (name == "http_x_forwarded_for") return Var::kForwardedFor;
  return Var::kOther;
}

struct Plan {
  const LogFormat& format;
  std::vector<Var> vars;  // per token (kOther for literals)
  Var timeVar = Var::kOther;
  bool hasRequestTime = false;
};

Plan planOf(const LogFormat& format) {
  Plan plan{format, {}, Var::kOther, false};
  for (const LogToken& t : format.tokens())
    plan.vars.push_back(t.variable ? varOf(t.text) : Var::kOther);
  const auto has = [&](Var v) {
    return std::find(plan.vars.begin(), plan.vars.end(), v) != plan.vars.end();
  };
  // The most precise time the format writes.
  for (const Var v : {Var::kMsec, Var::kTimeIso8601, Var::kTimeLocal}) {
    if (has(v)) {
      plan.timeVar = v;
      break;
    }
  }
  plan.hasRequestTime = has(Var::kRequestTime);
  return plan;
}

constexpr std::string_view kNoTimeVariable =
    "the log format has no time variable; allowed: $msec, $time_iso8601 or $time_local (a "
    "replay needs the time of each request)";

// The text found at `at`, for messages.
std::string found(std::string_view line, std::size_t at) {
  if (at >= line.size()) return "found end of line";
  std::string_view rest = line.substr(at);
  if (rest.size() > 16) return "found '" + std::string(rest.substr(0, 16)) + "...'";
  return "found '" + std::string(rest) + "'";
}

// The value as the request had it: \xHH (escape=default) or JSON escapes (escape=json) undone.
std::string decode(std::string_view value, LogEscape escape) {
  if (escape == LogEscape::kNone) return std::string(value);
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c != '\\' || i + 1 >= value.size()) {
      out += c;
      continue;
    }
    const char n = value[i + 1];
    if (escape == LogEscape::kDefault) {
      if (n == 'x' && i + 3 < value.size() && isHex(value[i + 2]) && isHex(value[i + 3])) {
        out += static_cast<char>(hexValue(value[i + 2]) * 16 + hexValue(value[i + 3]));
        i += 3;
      } else {
        out += c;
      }
      continue;
    }
    // JSON (RFC 8259 string escapes; nginx writes \" \\ and control characters).
    switch (n) {
      case '"':
      case '\\':
      case '/':
        out += n;
        ++i;
        continue;
      case 'b':
        out += '\b';
        ++i;
        continue;
      case 'f':
        out += '\f';
        ++i;
        continue;
      case 'n':
        out += '\n';
        ++i;
        continue;
      case 'r':
        out += '\r';
        ++i;
        continue;
      case 't':
        out += '\t';
        ++i;
        continue;
      case 'u':
        if (i + 5 < value.size() && isHex(value[i + 2]) && isHex(value[i + 3]) &&
            isHex(value[i + 4]) && isHex(value[i + 5])) {
          const unsigned cp =
              static_cast<unsigned>(hexValue(value[i + 2]) << 12 | hexValue(value[i + 3]) << 8 |
                                    hexValue(value[i + 4]) << 4 | hexValue(value[i + 5]));
          if (cp < 0x80) {
            out += static_cast<char>(cp);
          } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
          }
          i += 5;
          continue;
        }
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

// A variable with no value: "-" under escape=default, nothing under json and none.
bool missing(std::string_view value, LogEscape escape) {
  return escape == LogEscape::kDefault ? value == "-" : value.empty();
}

// $upstream_response_time: times separated by ", " (servers of one upstream, tried in turn)
// and " : " (upstream groups of internal redirects), "-" for a server that gave no time.
// The request spent them one after another, so the total is their sum; nullopt when no
// server has a time. Returns the offset of a malformed part in `error`.
std::optional<double> upstreamTimes(std::string_view value, LogEscape escape,
                                    std::optional<std::size_t>& error) {
  error.reset();
  if (missing(value, escape)) return std::nullopt;
  double sum = 0.0;
  bool any = false;
  std::size_t i = 0;
  while (true) {
    std::size_t end = i;
    while (end < value.size() && value[end] != ',' && value[end] != ' ')
      ++end;
    const std::string_view item = value.substr(i, end - i);
    if (item != "-") {
      const auto t = parseDecimalSeconds(item);
      if (!t) {
        error = i;
        return std::nullopt;
      }
      sum += *t;
      any = true;
    }
    if (end == value.size()) break;
    if (value.substr(end, 2) == ", ") {
      i = end + 2;
    } else if (value.substr(end, 3) == " : ") {
      i = end + 3;
    } else {
      error = end;
      return std::nullopt;
    }
  }
  if (!any) return std::nullopt;
  return sum;
}

// The backtracking matcher of one line against a plan.
class LineMatcher {
 public:
  LineMatcher(std::string_view line, const Plan& plan)
      : line_(line), plan_(plan), tokens_(plan.format.tokens()), values_(tokens_.size()) {}

  bool run() { return at(0, 0); }
  std::string_view value(std::size_t token) const { return values_[token]; }
  int errorColumn() const { return errorColumn_; }
  const std::string& errorMessage() const { return errorMessage_; }

 private:
  void fail(std::size_t pos, std::string message) {
    const int column = static_cast<int>(pos) + 1;
    if (column > errorColumn_) {
      errorColumn_ = column;
      errorMessage_ = std::move(message);
    }
  }

  std::string after(std::size_t t) const {
    return t == 0 ? "at the start of the line" : "after $" + tokens_[t - 1].text;
  }

  // How far a value starting at `pos` can reach: under escape=default a value holds no raw
  // '"' (nginx writes \x22), under escape=json none that is not escaped.
  std::size_t limit(std::size_t pos) const {
    const LogEscape escape = plan_.format.escape();
    if (escape == LogEscape::kNone) return line_.size();
    for (std::size_t i = pos; i < line_.size(); ++i) {
      if (line_[i] == '\\' && escape == LogEscape::kJson) {
        ++i;
        continue;
      }
      if (line_[i] == '"') return i;
    }
    return line_.size();
  }

  bool at(std::size_t t, std::size_t pos) {
    if (t == tokens_.size()) {
      if (pos == line_.size()) return true;
      fail(pos, "unexpected text after the end of the format, " + found(line_, pos));
      return false;
    }
    const std::uint64_t key = (static_cast<std::uint64_t>(t) << 32) | pos;
    if (failed_.count(key) != 0) return false;
    const bool ok = tokens_[t].variable ? variable(t, pos) : literal(t, pos);
    if (!ok) failed_.insert(key);
    return ok;
  }

  bool literal(std::size_t t, std::size_t pos) {
    const std::string& text = tokens_[t].text;
    if (line_.compare(pos, text.size(), text) != 0) {
      fail(pos, "expected '" + text + "' " + after(t) + ", " + found(line_, pos));
      return false;
    }
    return at(t + 1, pos + text.size());
  }

  bool variable(std::size_t t, std::size_t pos) {
    const std::string& name = tokens_[t].text;
    if (const std::size_t width = fixedWidth(name)) {
      const std::string_view v = line_.substr(pos, width);
      return accept(t, pos, v) && at(t + 1, pos + v.size());
    }
    const std::size_t reach = limit(pos);
    if (t + 1 == tokens_.size()) {
      if (reach < line_.size()) {
        fail(reach, "unexpected '\"' in $" + name +
                        " (nginx writes it as \\x22); expected the end of the line");
        return false;
      }
      return accept(t, pos, line_.substr(pos)) && at(t + 1, line_.size());
    }
    // compile() guarantees that a literal follows a variable of no fixed width.
    const std::string& next = tokens_[t + 1].text;
    bool candidate = false;
    for (std::size_t q = line_.find(next, pos); q != std::string_view::npos && q <= reach;
         q = line_.find(next, q + 1)) {
      candidate = true;
      values_[t] = line_.substr(pos, q - pos);
      if (accept(t, pos, values_[t]) && at(t + 1, q)) return true;
    }
    // No place for the text after the value: first say what is wrong with the value itself
    // (a line of garbage is better told by its first variable than by a missing separator).
    if (!candidate && accept(t, pos, line_.substr(pos, reach - pos))) {
      fail(reach, "expected '" + next + "' after $" + name + ", " + found(line_, reach));
    }
    return false;
  }

  // Checks a value as its variable writes it, recording why not at its column.
  bool accept(std::size_t t, std::size_t pos, std::string_view v) {
    values_[t] = v;
    const std::string& name = tokens_[t].text;
    const LogEscape escape = plan_.format.escape();
    if (escape == LogEscape::kJson) {
      std::size_t backslashes = 0;
      for (std::size_t i = v.size(); i > 0 && v[i - 1] == '\\'; --i)
        ++backslashes;
      if (backslashes % 2 == 1) {
        fail(pos + v.size() - 1, "$" + name + " ends inside an escape");
        return false;
      }
    }
    switch (plan_.vars[t]) {
      case Var::kRemoteAddr:
        if (parseClientAddress(decode(v, escape))) return true;
        fail(pos, "expected an IPv4 or IPv6 address for $remote_addr, " + found(line_, pos));
        return false;
      case Var::kTimeLocal:
      case Var::kTimeIso8601:
        try {
          if (plan_.vars[t] == Var::kTimeLocal) {
            parseTimeLocal(v);
          } else {
            parseTimeIso8601(v);
          }
          return true;
        } catch (const LogLineError& e) {
          fail(pos + static_cast<std::size_t>(e.column()) - 1, "$" + name + ": " + e.what());
          return false;
        }
      case Var::kMsec:
        if (parseDecimalSeconds(v)) return true;
        fail(pos, "expected seconds since the epoch such as 1700000000.123 for $msec, " +
                      found(line_, pos));
        return false;
      case Var::kStatus:
        if (v.size() == 3 && isDigit(v[0]) && isDigit(v[1]) && isDigit(v[2])) return true;
        fail(pos, "expected a three-digit status for $status, " + found(line_, pos));
        return false;
      case Var::kRequestTime:
        if (parseDecimalSeconds(v)) return true;
        fail(pos, "expected seconds such as 0.045 for $request_time, " + found(line_, pos));
        return false;
      case Var::kUpstreamResponseTime: {
        std::optional<std::size_t> error;
        upstreamTimes(v, escape, error);
        if (!error) return true;
        fail(pos + *error,
             "expected times such as '0.012, 0.034' or '-' in $upstream_response_time, " +
                 found(line_, pos + *error));
        return false;
      }
      default:
        return true;
    }
  }

  std::string_view line_;
  const Plan& plan_;
  const std::vector<LogToken>& tokens_;
  std::vector<std::string_view> values_;
  std::unordered_set<std::uint64_t> failed_;
  int errorColumn_ = 0;
  std::string errorMessage_;
};

// "GET /a?b HTTP/1.1" into method and target; an unreadable request line (nginx logs what
// the client sent, e.g. TLS bytes on a plain port, with status 400) leaves both empty.
void splitRequestLine(std::string_view request, std::string& method, std::string& target) {
  const std::size_t space = request.find(' ');
  if (space == std::string_view::npos || space == 0) return;
  const std::string_view m = request.substr(0, space);
  const bool token = std::all_of(m.begin(), m.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  });
  if (!token) return;
  std::string_view rest = request.substr(space + 1);
  const std::size_t end = rest.find(' ');
  rest = rest.substr(0, end);
  if (rest.empty()) return;
  method = std::string(m);
  target = std::string(rest);
}

// A request target into path and query; an absolute-form target keeps its path.
void splitTarget(std::string_view target, std::string& path, std::string& query) {
  const auto lower = [](std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (lower(target, "http://") || lower(target, "https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    if (!target.empty() && target[0] == '?') {
      path = "/";
      query = std::string(target.substr(1));
      return;
    }
  }
  const std::size_t q = target.find('?');
  path = std::string(target.substr(0, q));
  query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
}

LogRecord recordOf(const LineMatcher& m, const Plan& plan, const LogParseOptions& options) {
  LogRecord r;
  const LogEscape escape = plan.format.escape();
  std::string requestMethod;
  std::string requestTarget;
  std::optional<std::string> requestUri;
  std::optional<std::string> uri;
  std::optional<std::string> args;
  std::optional<std::string> method;
  std::string host;
  std::string httpHost;
  std::optional<std::uint32_t> forwarded;
  for (std::size_t t = 0; t < plan.vars.size(); ++t) {
    const std::string_view v = m.value(t);
    const auto text = [&]() { return missing(v, escape) ? std::string() : decode(v, escape); };
    switch (plan.vars[t]) {
      case Var::kRemoteAddr:
        r.clientAddress = *parseClientAddress(decode(v, escape));
        break;
      case Var::kTimeLocal:
        if (plan.timeVar == Var::kTimeLocal) r.logTime = parseTimeLocal(v);
        break;
      case Var::kTimeIso8601:
        if (plan.timeVar == Var::kTimeIso8601) r.logTime = parseTimeIso8601(v);
        break;
      case Var::kMsec:
        if (plan.timeVar == Var::kMsec) r.logTime = *parseDecimalSeconds(v);
        break;
      case Var::kRequest:
        splitRequestLine(text(), requestMethod, requestTarget);
        break;
      case Var::kRequestUri:
        requestUri = text();
        break;
      case Var::kUri:
        uri = text();
        break;
      case Var::kRequestMethod:
        method = text();
        break;
      case Var::kArgs:
        args = text();
        break;
      case Var::kHost:
        host = text();
        break;
      case Var::kHttpHost:
        httpHost = text();
        break;
      case Var::kStatus:
        r.status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
        break;
      case Var::kRequestTime:
        r.requestTime = parseDecimalSeconds(v);
        break;
      case Var::kUpstreamResponseTime: {
        std::optional<std::size_t> error;
        r.upstreamResponseTime = upstreamTimes(v, escape, error);
        break;
      }
      case Var::kForwardedFor: {
        const std::string list = text();
        std::string_view first = std::string_view(list).substr(0, list.find(','));
        while (!first.empty() && first.front() == ' ')
          first.remove_prefix(1);
        while (!first.empty() && first.back() == ' ')
          first.remove_suffix(1);
        forwarded = parseClientAddress(first);
        break;
      }
      case Var::kOther:
        break;
    }
  }
  // A variable logged as "-" (no value) gives way to the next source.
  r.method = method && !method->empty() ? *method : requestMethod;
  if (requestUri && !requestUri->empty()) {
    splitTarget(*requestUri, r.path, r.query);
  } else if (!requestTarget.empty()) {
    splitTarget(requestTarget, r.path, r.query);
  } else if (uri) {
    r.path = *uri;  // already without its query string
  }
  if (args && r.query.empty()) r.query = *args;
  r.host = host.empty() ? httpHost : host;
  if (options.clientFromForwardedFor && forwarded) r.clientAddress = *forwarded;
  r.time = r.logTime;
  if (options.arrivalFromLogTime && r.requestTime) r.time = r.logTime - *r.requestTime;
  return r;
}

LogRecord parseWithPlan(std::string_view line, const Plan& plan, const LogParseOptions& options) {
  LineMatcher matcher(line, plan);
  if (!matcher.run()) throw LogLineError(matcher.errorColumn(), matcher.errorMessage());
  return recordOf(matcher, plan, options);
}

}  // namespace

LogRecord parseLogLine(std::string_view line, const LogFormat& format,
                       const LogParseOptions& options) {
  const Plan plan = planOf(format);
  if (plan.timeVar == Var::kOther) throw std::invalid_argument(std::string(kNoTimeVariable));
  return parseWithPlan(line, plan, options);
}

ParsedLog parseAccessLog(std::string_view text, std::string_view file, const LogFormat& format,
                         const LogParseOptions& options) {
  ParsedLog parsed;
  const std::string fileName(file);
  const Plan plan = planOf(format);
  if (plan.timeVar == Var::kOther) {
    parsed.problems.push_back({fileName, 0, 0, std::string(kNoTimeVariable)});
    return parsed;
  }
  std::size_t start = 0;
  std::uint32_t lineNumber = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++lineNumber;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    try {
      LogRecord record = parseWithPlan(line, plan, options);
      record.line = lineNumber;
      parsed.records.push_back(std::move(record));
    } catch (const LogLineError& e) {
      ++parsed.badLines;
      if (parsed.problems.size() < options.maxProblems) {
        parsed.problems.push_back({fileName, static_cast<int>(lineNumber), e.column(), e.what()});
      }
    }
  }
  if (parsed.badLines > parsed.problems.size()) {
    parsed.problems.push_back({fileName, 0, 0,
                               std::to_string(parsed.badLines - parsed.problems.size()) +
                                   " more lines do not match the log format (" +
                                   std::to_string(parsed.badLines) + " in all)"});
  }
  return parsed;
}

}  // namespace lbsim::models::traffic
