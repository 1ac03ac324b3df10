#include "models/ratelimit/settings_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/health/health_event.h"
#include "models/health/settings_text.h"

namespace lbsim::models::ratelimit {

namespace {

[[noreturn]] void fail(std::string_view what, const std::string& message,
                       std::string_view allowed = {}) {
  std::string text = std::string(what) + ": " + message;
  if (!allowed.empty()) text += "; allowed: " + std::string(allowed);
  throw std::invalid_argument(text);
}

// Digits only, as nginx's ngx_atoi and HAProxy's integers read them.
std::optional<std::uint64_t> digits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::optional<double> decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

struct Word {
  std::string text;
  bool quoted = false;
};

// Splits text into words: blanks, new lines and `separators` separate, "..." and '...' keep
// a quoted string whole, and '#' starts a comment to the end of the line.
std::vector<Word> splitWords(std::string_view text, std::string_view separators) {
  std::vector<Word> words;
  std::size_t i = 0;
  auto separator = [&](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
           separators.find(c) != std::string_view::npos;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (separator(c)) {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '"' || c == '\'') {
      const std::size_t end = text.find(c, i + 1);
      if (end == std::string_view::npos) {
        throw std::invalid_argument("a quoted string is not closed: " +
                                    std::string(text.substr(i)));
      }
      words.push_back({std::string(text.substr(i + 1, end - i - 1)), true});
      i = end + 1;
    } else {
      // A word; a quoted part inside it (error_message="slow down") is kept whole.
      std::string word;
      while (i < text.size() && !separator(text[i]) && text[i] != '#') {
        if (text[i] == '"' || text[i] == '\'') {
          const std::size_t end = text.find(text[i], i + 1);
          if (end == std::string_view::npos) {
            throw std::invalid_argument("a quoted string is not closed: " +
                                        std::string(text.substr(i)));
          }
          word += text.substr(i + 1, end - i - 1);
          i = end + 1;
          continue;
        }
        word += text[i++];
      }
      words.push_back({std::move(word), false});
    }
  }
  return words;
}

// `key=value`, `key = value`, `key: value` settings and bare words (flags, block names). A
// key written with ':' but followed by another key is a section header ("config:").
struct Item {
  std::string key;
  std::string value;
  bool hasValue = false;
  bool quoted = false;  // a bare quoted string (a Terraform label, a list element)
};

std::vector<Item> splitItems(std::string_view text) {
  const std::vector<Word> words = splitWords(text, ",;{}[]");
  auto isSign = [](const Word& w) { return !w.quoted && (w.text == "=" || w.text == ":"); };
  auto isKeyWord = [&](std::size_t j) {
    if (j >= words.size() || words[j].quoted) return false;
    const std::string& t = words[j].text;
    if (t.size() > 1 && (t.back() == ':' || t.back() == '=')) return true;
    if (t.find('=') != std::string::npos) return true;
    return j + 1 < words.size() && isSign(words[j + 1]);
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    if (w.quoted) {
      items.push_back({w.text, "", false, true});
      continue;
    }
    if (isSign(w)) throw std::invalid_argument("'" + w.text + "' without a setting before it");
    if (i + 1 < words.size() && isSign(words[i + 1])) {
      if (i + 2 >= words.size()) {
        throw std::invalid_argument("'" + w.text + "' needs a value");
      }
      items.push_back({w.text, words[i + 2].text, true});
      i += 2;
      continue;
    }
    const std::string& t = w.text;
    if (t.size() > 1 && (t.back() == ':' || t.back() == '=')) {
      const std::string key = t.substr(0, t.size() - 1);
      if (i + 1 >= words.size() || (t.back() == ':' && isKeyWord(i + 1))) {
        if (t.back() == '=') throw std::invalid_argument("'" + key + "' needs a value");
        continue;  // a section header
      }
      items.push_back({key, words[i + 1].text, true});
      ++i;
      continue;
    }
    std::size_t sign = t.find('=');
    if (sign == std::string::npos) {
      // key:value, but not a URL or a time of day
      sign = t.find(':');
      if (sign != std::string::npos && t.find("//") != std::string::npos) sign = std::string::npos;
    }
    if (sign != std::string::npos && sign > 0) {
      items.push_back({t.substr(0, sign), t.substr(sign + 1), true});
      continue;
    }
    items.push_back({t, "", false});
  }
  return items;
}

// The items of `text`, a splitting error reported as `what`'s, with what is allowed.
std::vector<Item> itemsOf(std::string_view what, std::string_view text, std::string_view allowed) {
  try {
    return splitItems(text);
  } catch (const std::invalid_argument& e) {
    fail(what, e.what(), allowed);
  }
}

bool is(const Item& item, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), item.key) != names.end();
}

bool booleanValue(std::string_view what, const Item& item) {
  const std::string& v = item.value;
  if (!item.hasValue || v == "true" || v == "on" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "off" || v == "0" || v == "no") return false;
  fail(what, item.key + " " + quoted(v) + " is not true or false", "true, false, on, off");
}

// --- nginx ---------------------------------------------------------------------------------

// The directives of a configuration text: split at ';' and new lines.
std::vector<std::vector<std::string>> statements(std::string_view text) {
  std::vector<std::vector<std::string>> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(";\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::vector<std::string> words;
    for (Word& w : splitWords(text.substr(start, end - start), ""))
      words.push_back(std::move(w.text));
    if (!words.empty()) out.push_back(std::move(words));
    start = end + 1;
  }
  return out;
}

// ngx_parse_size: a number with an optional k or m (g is accepted for offsets only).
std::optional<std::uint64_t> nginxSize(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t scale = 1;
  const char last = text.back();
  if (last == 'k' || last == 'K') scale = 1024;
  if (last == 'm' || last == 'M') scale = 1024 * 1024;
  if (scale != 1) text.remove_suffix(1);
  const auto n = digits(text);
  if (!n) return std::nullopt;
  return *n * scale;
}

constexpr std::string_view kNginxReq = "nginx limit_req";
constexpr std::string_view kNginxReqAllowed =
    "limit_req_zone KEY zone=NAME:SIZE rate=Nr/s|Nr/m; limit_req zone=NAME [burst=N] "
    "[nodelay | delay=N]; limit_req_status CODE; limit_req_dry_run on|off; or the short form "
    "rate=Nr/s [burst=N] [nodelay | delay=N] [zone=NAME] [status=CODE] [dry_run]";

// `zone=api:10m` (the size required in limit_req_zone) or `zone=api`.
std::string zoneName(std::string_view what, const std::string& word, bool sizeRequired) {
  const std::string value = word.substr(5);
  const std::size_t colon = value.find(':');
  if (colon == std::string::npos) {
    if (sizeRequired)
      fail(what, "invalid zone size " + quoted(word), "zone=NAME:SIZE, e.g. zone=api:10m");
    if (value.empty()) fail(what, "empty zone name in " + quoted(word));
    return value;
  }
  const auto size = nginxSize(std::string_view(value).substr(colon + 1));
  if (colon == 0) fail(what, "empty zone name in " + quoted(word));
  if (!size) fail(what, "invalid zone size " + quoted(word), "a size such as 10m or 512k");
  if (*size < 8 * 4096) fail(what, "zone " + quoted(word) + " is too small", "32k or more");
  return value.substr(0, colon);
}

std::uint64_t nginxRate(std::string_view what, const std::string& word) {
  std::string_view v = std::string_view(word).substr(5);
  std::uint64_t scale = 1;
  if (v.ends_with("r/s")) {
    v.remove_suffix(3);
  } else if (v.ends_with("r/m")) {
    scale = 60;
    v.remove_suffix(3);
  }
  const auto n = digits(v);
  if (!n || *n == 0) {
    fail(what, "invalid rate " + quoted(word), "rate=Nr/s or rate=Nr/m, N a whole number above 0");
  }
  return *n * 1000 / scale;
}

std::uint64_t nginxCount(std::string_view what, const std::string& word, std::size_t prefix,
                         const char* name) {
  const auto n = digits(std::string_view(word).substr(prefix));
  if (!n || *n == 0) {
    fail(what, std::string("invalid ") + name + " value " + quoted(word), "a whole number above 0");
  }
  return *n;
}

std::uint16_t nginxStatus(std::string_view what, const std::string& word) {
  const auto n = digits(word);
  if (!n || *n < 400 || *n > 599) {
    fail(what, "status " + quoted(word) + " is not an HTTP error status", "400 to 599");
  }
  return static_cast<std::uint16_t>(*n);
}

bool nginxFlag(std::string_view what, const std::vector<std::string>& words) {
  if (words.size() != 2 || (words[1] != "on" && words[1] != "off")) {
    fail(what, quoted(words[0]) + " takes on or off");
  }
  return words[1] == "on";
}

}  // namespace

NginxLimitReqSettings parseNginxLimitReq(std::string_view text) {
  const std::string_view what = kNginxReq;
  NginxLimitReqSettings s;
  auto findZone = [&](const std::string& name) {
    return std::find_if(s.zones.begin(), s.zones.end(),
                        [&](const auto& z) { return z.name == name; });
  };
  auto addZone = [&](NginxLimitReqSettings::Zone zone) {
    if (findZone(zone.name) != s.zones.end()) {
      fail(what, "limit_req_zone " + quoted(zone.name) + " is defined twice");
    }
    s.zones.push_back(std::move(zone));
  };
  auto addLimit = [&](NginxLimitReqSettings::Limit limit) {
    for (const auto& l : s.limits) {
      if (l.zone == limit.zone) fail(what, "limit_req zone=" + limit.zone + " is duplicate");
    }
    s.limits.push_back(std::move(limit));
  };
  // burst=, delay=, nodelay as ngx_http_limit_req reads them: the last of nodelay and
  // delay= wins.
  auto limitWord = [&](NginxLimitReqSettings::Limit& limit, const std::string& w) {
    if (w.starts_with("burst=")) {
      limit.burst = nginxCount(what, w, 6, "burst") * 1000;
    } else if (w.starts_with("delay=")) {
      limit.delay = nginxCount(what, w, 6, "delay") * 1000;
    } else if (w == "nodelay") {
      limit.delay = kNginxNoDelay;
    } else {
      return false;
    }
    return true;
  };

  for (const auto& words : statements(text)) {
    const std::string& head = words[0];
    if (head == "limit_req_zone") {
      NginxLimitReqSettings::Zone zone;
      bool named = false;
      bool rated = false;
      for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.starts_with("zone=")) {
          zone.name = zoneName(what, w, true);
          named = true;
        } else if (w.starts_with("rate=")) {
          zone.rate = nginxRate(what, w);
          rated = true;
        } else if (i == 1) {
          zone.key = w;
        } else {
          fail(what, "invalid parameter " + quoted(w) + " in limit_req_zone", kNginxReqAllowed);
        }
      }
      if (!named) fail(what, "\"limit_req_zone\" must have \"zone\" parameter");
      if (!rated) zone.rate = 1000;  // nginx's default: rate=1r/s
      addZone(std::move(zone));
    } else if (head == "limit_req") {
      NginxLimitReqSettings::Limit limit;
      for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.starts_with("zone=")) {
          limit.zone = w.substr(5);
        } else if (!limitWord(limit, w)) {
          fail(what, "invalid parameter " + quoted(w) + " in limit_req", kNginxReqAllowed);
        }
      }
      if (limit.zone.empty()) fail(what, "\"limit_req\" must have \"zone\" parameter");
      addLimit(std::move(limit));
    } else if (head == "limit_req_status") {
      if (words.size() != 2) fail(what, "limit_req_status takes one status", "400 to 599");
      s.status = nginxStatus(what, words[1]);
    } else if (head == "limit_req_dry_run") {
      s.dryRun = nginxFlag(what, words);
    } else if (head == "limit_req_log_level") {
      continue;  // logging only
    } else {
      // The short form: one zone and its limit.
      NginxLimitReqSettings::Zone zone;
      zone.name = "default";
      NginxLimitReqSettings::Limit limit;
      bool rated = false;
      for (const std::string& w : words) {
        if (w.starts_with("zone=")) {
          zone.name = zoneName(what, w, false);
        } else if (w.starts_with("rate=")) {
          zone.rate = nginxRate(what, w);
          rated = true;
        } else if (w.starts_with("status=")) {
          s.status = nginxStatus(what, w.substr(7));
        } else if (w == "dry_run" || w == "dry_run=on") {
          s.dryRun = true;
        } else if (w.starts_with("$")) {
          zone.key = w;
        } else if (!limitWord(limit, w)) {
          fail(what, "unknown setting " + quoted(w), kNginxReqAllowed);
        }
      }
      limit.zone = zone.name;
      if (rated) {
        addZone(std::move(zone));
      } else if (findZone(zone.name) == s.zones.end()) {
        fail(what, "no rate: give rate=Nr/s or rate=Nr/m, or name a zone defined by limit_req_zone",
             kNginxReqAllowed);
      }
      addLimit(std::move(limit));
    }
  }
  if (s.limits.empty()) {
    fail(what, "no limit_req: a limit_req_zone alone limits nothing; add limit_req zone=NAME",
         kNginxReqAllowed);
  }
  for (const auto& l : s.limits) {
    if (findZone(l.zone) == s.zones.end()) {
      fail(what, "limit_req zone=" + l.zone + ": no limit_req_zone defines zone " + quoted(l.zone));
    }
  }
  return s;
}

NginxLimitConnSettings parseNginxLimitConn(std::string_view text) {
  const std::string_view what = "nginx limit_conn";
  const std::string_view allowed =
      "limit_conn_zone KEY zone=NAME:SIZE; limit_conn NAME N (N from 1 to 65535); "
      "limit_conn_status CODE; limit_conn_dry_run on|off; or the short form N";
  NginxLimitConnSettings s;
  auto hasZone = [&](const std::string& name) {
    return std::any_of(s.zones.begin(), s.zones.end(),
                       [&](const auto& z) { return z.name == name; });
  };
  auto connections = [&](const std::string& word) {
    const auto n = digits(word);
    if (!n || *n == 0) fail(what, "invalid number of connections " + quoted(word), allowed);
    if (*n > 65535) fail(what, "connection limit must be less 65536");
    return static_cast<std::uint32_t>(*n);
  };
  auto addLimit = [&](NginxLimitConnSettings::Limit limit) {
    for (const auto& l : s.limits) {
      if (l.zone == limit.zone) fail(what, "limit_conn " + limit.zone + " is duplicate");
    }
    s.limits.push_back(std::move(limit));
  };
  for (const auto& words : statements(text)) {
    const std::string& head = words[0];
    if (head == "limit_conn_zone") {
      NginxLimitConnSettings::Zone zone;
      bool named = false;
      for (std::size_t i = 1; i < words.size(); ++i) {
        if (words[i].starts_with("zone=")) {
          zone.name = zoneName(what, words[i], true);
          named = true;
        } else if (i == 1) {
          zone.key = words[i];
        } else {
          fail(what, "invalid parameter " + quoted(words[i]) + " in limit_conn_zone", allowed);
        }
      }
      if (!named) fail(what, "\"limit_conn_zone\" must have \"zone\" parameter");
      if (hasZone(zone.name))
        fail(what, "limit_conn_zone " + quoted(zone.name) + " is defined twice");
      s.zones.push_back(std::move(zone));
    } else if (head == "limit_conn") {
      if (words.size() != 3) fail(what, "limit_conn takes a zone and a number", allowed);
      addLimit({words[1], connections(words[2])});
    } else if (head == "limit_conn_status") {
      if (words.size() != 2) fail(what, "limit_conn_status takes one status", "400 to 599");
      s.status = nginxStatus(what, words[1]);
    } else if (head == "limit_conn_dry_run") {
      s.dryRun = nginxFlag(what, words);
    } else if (head == "limit_conn_log_level") {
      continue;
    } else if (words.size() == 1) {
      if (!hasZone("default")) s.zones.push_back({"default", "$binary_remote_addr"});
      addLimit({"default", connections(words[0])});
    } else {
      fail(what, "unknown directive " + quoted(head), allowed);
    }
  }
  if (s.limits.empty()) fail(what, "no limit_conn", allowed);
  for (const auto& l : s.limits) {
    // nginx itself accepts a zone defined elsewhere; a lone `limit_conn conn 50` gets its zone.
    if (!hasZone(l.zone)) s.zones.push_back({l.zone, "$binary_remote_addr"});
  }
  return s;
}

// --- Kong ----------------------------------------------------------------------------------

KongRateLimitingSettings parseKongRateLimiting(std::string_view text) {
  const std::string_view what = "Kong rate-limiting";
  const std::string_view allowed =
      "second, minute, hour, day, month, year (requests per window, above 0), policy "
      "(local, cluster, redis), limit_by (consumer, credential, ip, service, header, path), "
      "error_code, error_message, hide_client_headers, sync_rate (-1), fault_tolerant, "
      "header_name, path, redis_* and redis.*";
  KongRateLimitingSettings s;
  const std::vector<Item> items = itemsOf(what, text, allowed);
  for (const Item& item : items) {
    if (!item.hasValue) {
      if (item.key == "---") continue;
      fail(what, "unknown setting " + quoted(item.key), allowed);
    }
    bool period = false;
    for (std::size_t i = 0; i < kKongPeriodCount; ++i) {
      if (item.key != kongPeriodName(static_cast<KongPeriod>(i))) continue;
      const auto v = decimal(item.value);
      if (!v || *v <= 0.0) {
        fail(what, item.key + " " + quoted(item.value) + " is not a number above 0");
      }
      s.limits[i] = *v;
      period = true;
    }
    if (period) continue;
    if (is(item, {"policy"})) {
      if (item.value == "local") {
        s.policy = KongPolicy::kLocal;
      } else if (item.value == "cluster") {
        s.policy = KongPolicy::kCluster;
      } else if (item.value == "redis") {
        s.policy = KongPolicy::kRedis;
      } else {
        fail(what, "policy " + quoted(item.value) + " is not a policy", "local, cluster, redis");
      }
    } else if (is(item, {"limit_by"})) {
      constexpr std::array<std::string_view, 6> kBy = {"consumer", "credential", "ip",
                                                       "service",  "header",     "path"};
      if (std::find(kBy.begin(), kBy.end(), item.value) == kBy.end()) {
        fail(what, "limit_by " + quoted(item.value) + " is not one of Kong's",
             "consumer, credential, ip, service, header, path");
      }
      s.limitBy = item.value;
    } else if (is(item, {"error_code"})) {
      const auto n = digits(item.value);
      if (!n || *n == 0 || *n > 599) {
        fail(what, "error_code " + quoted(item.value) + " is not an HTTP status", "e.g. 429");
      }
      s.errorCode = static_cast<std::uint16_t>(*n);
    } else if (is(item, {"error_message"})) {
      s.errorMessage = item.value;
    } else if (is(item, {"hide_client_headers"})) {
      s.hideClientHeaders = booleanValue(what, item);
    } else if (is(item, {"sync_rate"})) {
      const auto v = decimal(item.value);
      if (!v || *v != -1.0) {
        fail(what,
             "sync_rate " + quoted(item.value) +
                 ": batching the counters to Redis (sync_rate above 0) is not modelled",
             "-1 (every request reads and writes the counters, Kong's default)");
      }
      s.syncRate = *v;
    } else if (is(item, {"fault_tolerant"})) {
      booleanValue(what, item);
    } else if (is(item, {"header_name", "path", "apiVersion", "kind", "name", "namespace", "plugin",
                         "enabled", "protocols"}) ||
               item.key.starts_with("redis")) {
      continue;  // identification, routing and the Redis connection: no effect on counting
    } else {
      fail(what, "unknown setting " + quoted(item.key), allowed);
    }
  }
  if (std::none_of(s.limits.begin(), s.limits.end(), [](double l) { return l > 0.0; })) {
    fail(what, "at least one of second, minute, hour, day, month, year must be given", allowed);
  }
  // schema.lua validate_periods_order
  for (std::size_t i = 0; i < kKongPeriodCount; ++i) {
    for (std::size_t j = i + 1; j < kKongPeriodCount; ++j) {
      if (s.limits[i] > 0.0 && s.limits[j] > 0.0 && s.limits[j] < s.limits[i]) {
        char buffer[160];
        std::snprintf(buffer, sizeof buffer,
                      "The limit for %s(%.1f) cannot be lower than the limit for %s(%.1f)",
                      std::string(kongPeriodName(static_cast<KongPeriod>(j))).c_str(), s.limits[j],
                      std::string(kongPeriodName(static_cast<KongPeriod>(i))).c_str(), s.limits[i]);
        fail(what, buffer);
      }
    }
  }
  return s;
}

// --- HAProxy -------------------------------------------------------------------------------

namespace {

// A time as HAProxy reads it: a bare number is milliseconds.
std::optional<std::int64_t> haproxyMs(std::string_view text) {
  const auto seconds = health::parseDurationText(text, 0.001);
  if (!seconds || *seconds < 0.0) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(*seconds * 1000.0));
}

std::optional<std::string_view> argumentOf(std::string_view word, std::string_view name) {
  if (!word.starts_with(name) || word.size() < name.size() + 2 || word[name.size()] != '(' ||
      word.back() != ')') {
    return std::nullopt;
  }
  return word.substr(name.size() + 1, word.size() - name.size() - 2);
}

}  // namespace

HaproxyReqRateSettings parseHaproxyReqRate(std::string_view text) {
  const std::string_view what = "HAProxy http_req_rate";
  const std::string_view allowed =
      "http_req_rate(PERIOD) OP N with OP one of gt, ge, eq, le, lt; deny_status CODE; expire "
      "TIME; or the lines stick-table ... store http_req_rate(PERIOD), http-request track-sc0 "
      "src, http-request deny [deny_status CODE] if { sc_http_req_rate(0) OP N }; times in ms "
      "unless a unit is given";
  constexpr std::array<std::uint16_t, 21> kStatuses = {200, 400, 401, 403, 404, 405, 407,
                                                       408, 410, 413, 414, 421, 422, 425,
                                                       429, 431, 500, 501, 502, 503, 504};
  constexpr std::array<std::string_view, 5> kOps = {"gt", "ge", "eq", "le", "lt"};
  // Words that belong to the lines but change nothing here.
  constexpr std::array<std::string_view, 11> kIgnored = {
      "stick-table", "type", "ip", "ipv6",    "store",  "http-request",
      "src",         "deny", "if", "nopurge", "integer"};
  HaproxyReqRateSettings s;
  bool havePeriod = false;
  bool haveRule = false;
  const std::vector<Word> words = splitWords(text, ";{}");
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].text;
    auto next = [&](const char* of) -> const std::string& {
      if (i + 1 >= words.size()) fail(what, std::string(of) + " needs a value", allowed);
      return words[++i].text;
    };
    if (const auto arg = argumentOf(w, "http_req_rate")) {
      const auto ms = haproxyMs(*arg);
      if (!ms || *ms <= 0) {
        fail(what, "period " + quoted(*arg) + " in " + w + " is not a time",
             "a time such as 10s or 10000 (ms)");
      }
      s.period = *ms;
      havePeriod = true;
    } else if (argumentOf(w, "sc_http_req_rate") || w == "sc0_http_req_rate" ||
               w == "sc1_http_req_rate" || w == "sc2_http_req_rate" || w == "src_http_req_rate" ||
               std::find(kOps.begin(), kOps.end(), w) != kOps.end()) {
      std::string op = w;
      if (std::find(kOps.begin(), kOps.end(), w) == kOps.end()) op = next(w.c_str());
      const auto at = std::find(kOps.begin(), kOps.end(), op);
      if (at == kOps.end())
        fail(what, "operator " + quoted(op) + " is not one of HAProxy's", "gt, ge, eq, le, lt");
      s.op = static_cast<HaproxyOperator>(at - kOps.begin());
      const std::string& value = next(op.c_str());
      const auto n = digits(value);
      if (!n) fail(what, "threshold " + quoted(value) + " is not a whole number");
      s.threshold = *n;
      haveRule = true;
    } else if (w == "deny_status") {
      const std::string& value = next("deny_status");
      const auto n = digits(value);
      if (!n || std::find(kStatuses.begin(), kStatuses.end(), *n) == kStatuses.end()) {
        fail(what, "deny_status " + quoted(value) + ": status code not handled by default",
             "200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 414, 421, 422, 425, 429, 431, "
             "500, 501, 502, 503, 504");
      }
      s.denyStatus = static_cast<std::uint16_t>(*n);
    } else if (w == "expire") {
      const std::string& value = next("expire");
      const auto ms = haproxyMs(value);
      if (!ms) fail(what, "expire " + quoted(value) + " is not a time", "a time such as 30s");
      s.expire = *ms;
    } else if (w == "size") {
      next("size");  // the table's capacity: eviction is not modelled
    } else if (w.starts_with("track-sc")) {
      continue;
    } else if (w == "unless") {
      fail(what, "`unless` inverts the rule; write the condition with `if`");
    } else if (std::find(kIgnored.begin(), kIgnored.end(), w) == kIgnored.end()) {
      fail(what, "unknown word " + quoted(w), allowed);
    }
  }
  if (!havePeriod) {
    fail(what, "no period: give http_req_rate(PERIOD), as in `store http_req_rate(10s)`", allowed);
  }
  if (!haveRule) fail(what, "no rule: give OP N, as in `sc_http_req_rate(0) gt 100`", allowed);
  return s;
}

// --- Cloudflare ----------------------------------------------------------------------------

CloudflareRateLimitSettings parseCloudflareRateLimit(std::string_view text) {
  const std::string_view what = "Cloudflare rate limiting rule";
  const std::string_view allowed =
      "threshold (requests_per_period), period (10, 60, 120, 300, 600, 3600), timeout "
      "(mitigation_timeout: 0, 10, 60, 120, 300, 600, 3600, 86400), action (mode: block, ban, "
      "challenge, js_challenge, managed_challenge, log, simulate), status_code (400-499), "
      "statuses (count by response status)";
  constexpr std::array<double, 6> kPeriods = {10, 60, 120, 300, 600, 3600};
  constexpr std::array<double, 8> kTimeouts = {0, 10, 60, 120, 300, 600, 3600, 86400};
  // Words of a pasted Terraform resource that do not change the counting.
  constexpr std::array<std::string_view, 16> kIgnored = {
      "resource",  "match",       "request",     "response",      "action",  "headers",
      "correlate", "zone_id",     "url_pattern", "schemes",       "methods", "content_type",
      "body",      "description", "disabled",    "origin_traffic"};
  CloudflareRateLimitSettings s;
  bool haveThreshold = false;
  const std::vector<Item> items = itemsOf(what, text, allowed);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (item.quoted) continue;  // a Terraform label or a list element ("POST")
    const auto number = decimal(item.value);
    if (is(item, {"threshold", "requests_per_period"})) {
      if (!number || *number < 1 || *number != std::floor(*number)) {
        fail(what,
             item.key + " " + quoted(item.value) + " is not a whole number of requests above 0");
      }
      s.threshold = static_cast<std::uint64_t>(*number);
      haveThreshold = true;
    } else if (is(item, {"period"})) {
      if (!number || std::find(kPeriods.begin(), kPeriods.end(), *number) == kPeriods.end()) {
        fail(what, "period " + quoted(item.value) + " is not one of the periods",
             "10, 60, 120, 300, 600, 3600 (seconds)");
      }
      s.period = *number;
    } else if (is(item, {"timeout", "mitigation_timeout"})) {
      if (!number || std::find(kTimeouts.begin(), kTimeouts.end(), *number) == kTimeouts.end()) {
        fail(what, item.key + " " + quoted(item.value) + " is not one of the durations",
             "0 (throttle), 10, 60, 120, 300, 600, 3600, 86400 (seconds)");
      }
      s.timeout = *number;
    } else if (is(item, {"action", "mode"}) && item.hasValue) {
      const std::string& v = item.value;
      if (v == "block" || v == "ban") {
        s.action = CloudflareAction::kBlock;
      } else if (v == "challenge") {
        s.action = CloudflareAction::kChallenge;
      } else if (v == "js_challenge") {
        s.action = CloudflareAction::kJsChallenge;
      } else if (v == "managed_challenge") {
        s.action = CloudflareAction::kManagedChallenge;
      } else if (v == "log" || v == "simulate") {
        s.action = CloudflareAction::kLog;
      } else {
        fail(what, item.key + " " + quoted(v) + " is not an action",
             "block, ban, challenge, js_challenge, managed_challenge, log, simulate");
      }
    } else if (is(item, {"status_code", "status"})) {
      if (!number || *number < 400 || *number > 499 || *number != std::floor(*number)) {
        fail(what, item.key + " " + quoted(item.value) + " is not a status for block",
             "400 to 499");
      }
      s.blockStatus = static_cast<std::uint16_t>(*number);
    } else if (is(item, {"statuses"})) {
      // statuses = [200, 201, ...]: the list's first element is the value, the rest follow
      // as bare words.
      std::vector<std::string> values = {item.value};
      while (i + 1 < items.size() && !items[i + 1].hasValue && digits(items[i + 1].key)) {
        values.push_back(items[++i].key);
      }
      for (const std::string& v : values) {
        const auto n = digits(v);
        if (!n || *n < 100 || *n > 599)
          fail(what, "statuses: " + quoted(v) + " is not an HTTP status");
        s.countStatuses.push_back(static_cast<std::uint16_t>(*n));
      }
    } else if (std::find(kIgnored.begin(), kIgnored.end(), item.key) != kIgnored.end() ||
               item.key == "cloudflare_rate_limit") {
      continue;
    } else {
      fail(what, "unknown setting " + quoted(item.key), allowed);
    }
  }
  if (!haveThreshold) fail(what, "no threshold: give threshold=N (requests per period)", allowed);
  return s;
}

// --- token buckets -------------------------------------------------------------------------

TokenBucketSettings parseEnvoyTokenBucket(std::string_view text) {
  const std::string_view what = "Envoy token_bucket";
  const std::string_view allowed =
      "max_tokens (whole, above 0), tokens_per_fill (whole, above 0, default 1), fill_interval "
      "(a duration with a unit, such as 1s or 500ms), timer (the timer-based bucket of older "
      "Envoy), status (400-599, default 429)";
  TokenBucketSettings s;
  bool haveMax = false;
  bool haveInterval = false;
  const std::vector<Item> items = itemsOf(what, text, allowed);
  for (const Item& item : items) {
    if (!item.hasValue) {
      if (item.key == "timer") {
        s.timerFill = true;
        continue;
      }
      fail(what, "unknown setting " + quoted(item.key), allowed);
    }
    if (is(item, {"max_tokens", "tokens_per_fill"})) {
      const auto n = digits(item.value);
      if (!n || *n == 0 || *n > 0xFFFFFFFFu) {
        fail(what, item.key + " " + quoted(item.value) + " is not a whole number above 0");
      }
      (item.key == "max_tokens" ? s.maxTokens : s.tokensPerFill) = static_cast<double>(*n);
      haveMax |= item.key == "max_tokens";
    } else if (is(item, {"fill_interval"})) {
      const auto v = health::parseDurationText(item.value, 0.0);
      if (!v || *v <= 0.0) {
        fail(what, "fill_interval " + quoted(item.value) + " is not a duration with a unit",
             "e.g. 1s, 0.5s, 500ms");
      }
      s.fillInterval = *v;
      haveInterval = true;
    } else if (is(item, {"status"})) {
      const auto n = digits(item.value);
      if (!n || *n < 400 || *n > 599)
        fail(what, "status " + quoted(item.value) + " is not an HTTP error status", "400 to 599");
      s.status = static_cast<std::uint16_t>(*n);
    } else if (is(item, {"token_bucket", "stat_prefix"})) {
      continue;
    } else if (is(item, {"timer_fill", "timer"})) {
      s.timerFill = booleanValue(what, item);
    } else {
      fail(what, "unknown setting " + quoted(item.key), allowed);
    }
  }
  if (!haveMax) fail(what, "max_tokens is required", allowed);
  if (!haveInterval) fail(what, "fill_interval is required", allowed);
  if (s.timerFill && s.fillInterval < 0.05) {
    fail(what, "local rate limit token bucket fill timer must be >= 50ms");
  }
  return s;
}

TokenBucketSettings parseTokenBucket(std::string_view text) {
  const std::string_view what = "token bucket";
  const std::string_view allowed =
      "rate (tokens per second: 10/s, 10r/s, 600/m, 36000/h), capacity (tokens, at least 1), "
      "status (400-599, default 429)";
  TokenBucketSettings s;
  bool haveRate = false;
  bool haveCapacity = false;
  const std::vector<Item> items = itemsOf(what, text, allowed);
  for (const Item& item : items) {
    if (is(item, {"rate"}) && item.hasValue) {
      std::string_view v = item.value;
      double per = 1.0;
      for (const auto& [suffix, seconds] : {std::pair<std::string_view, double>{"r/s", 1.0},
                                            {"r/m", 60.0},
                                            {"/s", 1.0},
                                            {"/m", 60.0},
                                            {"/h", 3600.0}}) {
        if (v.ends_with(suffix)) {
          v.remove_suffix(suffix.size());
          per = seconds;
          break;
        }
      }
      const auto n = decimal(v);
      if (!n || *n <= 0.0) fail(what, "rate " + quoted(item.value) + " is not a rate", allowed);
      s.tokensPerFill = *n / per;
      s.fillInterval = 1.0;
      haveRate = true;
    } else if (is(item, {"capacity", "burst"}) && item.hasValue) {
      const auto n = decimal(item.value);
      if (!n || *n < 1.0)
        fail(what, item.key + " " + quoted(item.value) + " is not at least 1 token");
      s.maxTokens = *n;
      haveCapacity = true;
    } else if (is(item, {"status"}) && item.hasValue) {
      const auto n = digits(item.value);
      if (!n || *n < 400 || *n > 599)
        fail(what, "status " + quoted(item.value) + " is not an HTTP error status", "400 to 599");
      s.status = static_cast<std::uint16_t>(*n);
    } else {
      fail(what, "unknown setting " + quoted(item.key), allowed);
    }
  }
  if (!haveRate) fail(what, "rate is required", allowed);
  if (!haveCapacity) fail(what, "capacity is required", allowed);
  return s;
}

}  // namespace lbsim::models::ratelimit
