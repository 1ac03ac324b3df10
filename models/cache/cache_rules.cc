#include "models/cache/cache_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace lbsim::models::cache {

namespace {

[[noreturn]] void fail(std::string_view what, const std::string& message) {
  throw std::invalid_argument(std::string(what) + ": " + message);
}

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isBlank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Digits only, as nginx's ngx_atoi/ngx_atoof; nullopt on anything else or overflow past 2^53.
std::optional<std::uint64_t> wholeNumber(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

constexpr std::string_view kTimeForms =
    "a whole number with a unit among s, m, h, d, w, M (30 days), y (365 days), written from "
    "the largest unit to the smallest, such as 30s, 10m, 1h30m or 7d; a bare number is seconds";

std::uint64_t parseSize(std::string_view text, std::string_view what, bool allowGiga) {
  const std::string forms = allowGiga ? "bytes, or a whole number with k, m or g (KiB, MiB, GiB) "
                                        "such as 512k, 100m or 10g"
                                      : "bytes, or a whole number with k or m (KiB, MiB) such as "
                                        "512k or 10m";
  std::uint64_t scale = 1;
  std::string_view digits = text;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        scale = 1024;
        break;
      case 'm':
      case 'M':
        scale = 1024 * 1024;
        break;
      case 'g':
      case 'G':
        if (allowGiga) scale = 1024ULL * 1024 * 1024;
        break;
      default:
        break;
    }
    if (scale != 1) digits.remove_suffix(1);
  }
  const auto n = wholeNumber(digits);
  if (!n || *n > std::numeric_limits<std::uint64_t>::max() / scale) {
    fail(what, "invalid size \"" + std::string(text) + "\"; allowed: " + forms);
  }
  return *n * scale;
}

// One nginx directive: its name and arguments, quotes removed.
struct Directive {
  std::string name;
  std::vector<std::string> args;
};

std::vector<Directive> splitDirectives(std::string_view text, std::string_view what) {
  std::vector<Directive> out;
  std::vector<std::string> words;
  std::size_t i = 0;
  auto finish = [&](bool ended) {
    if (words.empty()) return;
    if (!ended) {
      fail(what, "\"" + words.front() + "\" is not terminated by \";\"");
    }
    Directive d;
    d.name = words.front();
    d.args.assign(words.begin() + 1, words.end());
    out.push_back(std::move(d));
    words.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (isBlank(c)) {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == ';') {
      if (words.empty()) fail(what, "unexpected \";\"");
      finish(true);
      ++i;
      continue;
    }
    if (c == '{' || c == '}') {
      fail(what,
           "blocks are not read here; allowed: the directives of one location, each "
           "ended by \";\"");
    }
    std::string word;
    if (c == '"' || c == '\'') {
      const char quote = c;
      ++i;
      while (i < text.size() && text[i] != quote) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        word += text[i++];
      }
      if (i >= text.size()) fail(what, "unbalanced quotes in \"" + std::string(text) + "\"");
      ++i;
    } else {
      while (i < text.size() && !isBlank(text[i]) && text[i] != ';' && text[i] != '{' &&
             text[i] != '}')
        word += text[i++];
    }
    words.push_back(std::move(word));
  }
  finish(false);
  return out;
}

// Variables in a cache key that make it per user (or per client).
constexpr std::array<std::string_view, 6> kUserVariables = {
    "$http_authorization", "$cookie_",     "$http_cookie",
    "$remote_user",        "$remote_addr", "$binary_remote_addr"};

constexpr std::array<std::pair<std::string_view, StaleCondition>, 11> kStaleNames = {{
    {"error", StaleCondition::kError},
    {"timeout", StaleCondition::kTimeout},
    {"invalid_header", StaleCondition::kInvalidHeader},
    {"updating", StaleCondition::kUpdating},
    {"http_500", StaleCondition::kHttp500},
    {"http_502", StaleCondition::kHttp502},
    {"http_503", StaleCondition::kHttp503},
    {"http_504", StaleCondition::kHttp504},
    {"http_403", StaleCondition::kHttp403},
    {"http_404", StaleCondition::kHttp404},
    {"http_429", StaleCondition::kHttp429},
}};

constexpr std::string_view kNginxDirectives =
    "proxy_cache, proxy_cache_methods, proxy_cache_valid, proxy_cache_key, proxy_cache_bypass, "
    "proxy_no_cache, proxy_cache_use_stale (proxy_cache_path has its own parser)";

void applyDirective(NginxCacheRules& rules, const Directive& d) {
  const std::string what = d.name;
  auto needArgs = [&](std::size_t min, std::size_t max, std::string_view usage) {
    if (d.args.size() < min || d.args.size() > max) {
      fail(what, "wrong number of arguments; usage: " + std::string(usage));
    }
  };
  if (d.name == "proxy_cache") {
    needArgs(1, 1, "proxy_cache <zone> | off;");
    rules.zone = d.args[0] == "off" ? std::string() : d.args[0];
  } else if (d.name == "proxy_cache_methods") {
    needArgs(1, 3, "proxy_cache_methods GET | HEAD | POST ...;");
    for (const std::string& m : d.args) {
      if (m == "GET") {
        rules.methods |= methodBit(HttpMethod::kGet);
      } else if (m == "HEAD") {
        rules.methods |= methodBit(HttpMethod::kHead);
      } else if (m == "POST") {
        rules.methods |= methodBit(HttpMethod::kPost);
      } else {
        fail(what, "invalid value \"" + m + "\"; allowed: GET, HEAD, POST");
      }
    }
    // nginx always adds GET and HEAD.
    rules.methods |= methodBit(HttpMethod::kGet) | methodBit(HttpMethod::kHead);
  } else if (d.name == "proxy_cache_valid") {
    needArgs(1, 64, "proxy_cache_valid [code ... | any] time;");
    const double seconds = parseNginxTime(d.args.back(), what);
    if (d.args.size() == 1) {
      // Only a time: it applies to 200, 301 and 302 (ngx_http_file_cache_valid_set_slot).
      for (std::uint16_t status : {200, 301, 302})
        rules.valid.push_back({status, seconds});
      return;
    }
    for (std::size_t a = 0; a + 1 < d.args.size(); ++a) {
      const std::string& code = d.args[a];
      if (code == "any") {
        rules.valid.push_back({0, seconds});
        continue;
      }
      const auto n = wholeNumber(code);
      if (!n || *n < 100 || *n > 599) {
        fail(what, "invalid status \"" + code + "\"; allowed: status codes 100 to 599, or any");
      }
      rules.valid.push_back({static_cast<std::uint16_t>(*n), seconds});
    }
  } else if (d.name == "proxy_cache_key") {
    needArgs(1, 1, "proxy_cache_key string;");
    rules.key = d.args[0];
    rules.keyIncludesUser = false;
    for (std::string_view v : kUserVariables)
      rules.keyIncludesUser |= rules.key.find(v) != std::string::npos;
  } else if (d.name == "proxy_cache_bypass" || d.name == "proxy_no_cache") {
    needArgs(1, 64, d.name + " string ...;");
    auto& list = d.name == "proxy_cache_bypass" ? rules.bypassWhen : rules.noCacheWhen;
    list.insert(list.end(), d.args.begin(), d.args.end());
  } else if (d.name == "proxy_cache_use_stale") {
    needArgs(1, 16, "proxy_cache_use_stale error | timeout | ... | off;");
    std::uint16_t mask = 0;
    bool off = false;
    for (const std::string& a : d.args) {
      if (a == "off") {
        off = true;
        continue;
      }
      bool known = false;
      for (const auto& [name, condition] : kStaleNames) {
        if (a == name) {
          mask |= staleBit(condition);
          known = true;
        }
      }
      if (!known) {
        fail(what, "invalid value \"" + a +
                       "\"; allowed: error, timeout, invalid_header, updating, http_500, "
                       "http_502, http_503, http_504, http_403, http_404, http_429, off");
      }
    }
    // `off` anywhere in the list turns stale serving off (ngx_http_proxy_merge_loc_conf).
    rules.useStale = off ? 0 : mask;
  } else {
    fail(what,
         "unknown cache directive \"" + d.name + "\"; allowed: " + std::string(kNginxDirectives));
  }
}

}  // namespace

std::string_view methodName(HttpMethod m) {
  constexpr std::array<std::string_view, 7> kNames = {"GET",   "HEAD",   "POST",   "PUT",
                                                      "PATCH", "DELETE", "OPTIONS"};
  return kNames[static_cast<std::size_t>(m)];
}

std::optional<HttpMethod> parseHttpMethod(std::string_view name) {
  for (std::uint8_t i = 0; i <= static_cast<std::uint8_t>(HttpMethod::kOptions); ++i) {
    const auto m = static_cast<HttpMethod>(i);
    if (methodName(m) == name) return m;
  }
  return std::nullopt;
}

double parseNginxTime(std::string_view text, std::string_view what, bool allowMilliseconds) {
  auto bad = [&]() -> double {
    fail(what, "invalid time value \"" + std::string(text) + "\"; allowed: " +
                   std::string(kTimeForms) + (allowMilliseconds ? ", or ms" : ""));
  };
  // Units from the largest: y M w d h m s ms; each may appear once, in this order.
  constexpr std::array<double, 8> kScale = {365.0 * 86400, 30.0 * 86400, 7.0 * 86400, 86400.0,
                                            3600.0,        60.0,         1.0,         0.001};
  const std::string_view s = trim(text);
  int step = -1;  // the last unit used
  double total = 0.0;
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    const auto n = wholeNumber(s.substr(start, i - start));
    if (!n) return bad();
    any = true;
    int unit = -1;
    if (i == s.size()) {
      unit = 6;  // a bare number ends the value in seconds
    } else {
      const char u = s[i++];
      if (u == 'y') unit = 0;
      if (u == 'M') unit = 1;
      if (u == 'w') unit = 2;
      if (u == 'd') unit = 3;
      if (u == 'h') unit = 4;
      if (u == 'm') unit = 5;
      if (u == 's') unit = 6;
      if (u == 'm' && i < s.size() && s[i] == 's') {
        if (!allowMilliseconds) return bad();
        unit = 7;
        ++i;
      }
      if (u == ' ') unit = 6;  // "30 " - nginx reads a bare number before a blank as seconds
    }
    if (unit < 0 || unit <= step) return bad();
    step = unit;
    total += static_cast<double>(*n) * kScale[static_cast<std::size_t>(unit)];
    while (i < s.size() && s[i] == ' ')
      ++i;
  }
  if (!any) return bad();
  return total;
}

std::uint64_t parseNginxSize(std::string_view text, std::string_view what) {
  return parseSize(trim(text), what, true);
}

std::optional<StaleCondition> staleConditionOfStatus(int status) {
  switch (status) {
    case 500:
      return StaleCondition::kHttp500;
    case 502:
      return StaleCondition::kHttp502;
    case 503:
      return StaleCondition::kHttp503;
    case 504:
      return StaleCondition::kHttp504;
    case 403:
      return StaleCondition::kHttp403;
    case 404:
      return StaleCondition::kHttp404;
    case 429:
      return StaleCondition::kHttp429;
    default:
      return std::nullopt;
  }
}

CacheDecision NginxCacheRules::decide(const RequestTraits& request) const {
  CacheDecision d;
  if (!enabled() || (methods & methodBit(request.method)) == 0) return d;
  d.lookup = !request.bypass;
  d.store = !request.noCache;
  return d;
}

std::optional<double> NginxCacheRules::validity(int status) const {
  return validityOf(valid, status);
}

std::optional<double> validityOf(const std::vector<CacheValidity>& lines, int status) {
  for (const CacheValidity& v : lines) {
    if (v.status == 0 || v.status == status) {
      if (v.seconds <= 0.0) return std::nullopt;
      return v.seconds;
    }
  }
  return std::nullopt;
}

void applyNginxCacheDirectives(NginxCacheRules& rules, std::string_view text) {
  for (const Directive& d : splitDirectives(text, "nginx cache directives"))
    applyDirective(rules, d);
}

NginxCacheRules parseNginxCacheDirectives(std::string_view text) {
  NginxCacheRules rules;
  applyNginxCacheDirectives(rules, text);
  return rules;
}

LruSettings ProxyCachePath::lruSettings(double keysPerMegabyte) const {
  LruSettings s;
  if (zoneBytes > 0) {
    const double keys =
        std::floor(static_cast<double>(zoneBytes) / (1024.0 * 1024.0) * keysPerMegabyte);
    s.maxEntries = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(keys));
  }
  s.maxBytes = maxBytes;
  s.inactive = inactive > 0.0 ? inactive : kForever;
  return s;
}

ProxyCachePath parseProxyCachePath(std::string_view text) {
  constexpr std::string_view what = "proxy_cache_path";
  constexpr std::string_view allowed =
      "a path, then levels=1:2, keys_zone=name:size, inactive=time, max_size=size, "
      "min_free=size, use_temp_path=on|off, loader_*, manager_*, purger*";
  std::string_view body = trim(text);
  if (!body.empty() && body.back() == ';') body = trim(body.substr(0, body.size() - 1));
  std::vector<std::string> words;
  for (const Directive& d : splitDirectives(std::string(body) + ";", what)) {
    words.push_back(d.name);
    words.insert(words.end(), d.args.begin(), d.args.end());
  }
  std::size_t w = 0;
  if (w < words.size() && words[w] == "proxy_cache_path") ++w;
  ProxyCachePath p;
  if (w < words.size() && words[w].find('=') == std::string::npos) p.path = words[w++];
  for (; w < words.size(); ++w) {
    const std::string& word = words[w];
    const std::size_t eq = word.find('=');
    if (eq == std::string::npos) {
      fail(what, "\"" + word + "\" is not a parameter; allowed: " + std::string(allowed));
    }
    const std::string name = word.substr(0, eq);
    const std::string value = word.substr(eq + 1);
    if (name == "levels") {
      // 1 to 3 levels, each 1 or 2 characters.
      bool ok = !value.empty() && value.size() <= 5;
      for (std::size_t c = 0; ok && c < value.size(); ++c)
        ok = c % 2 == 0 ? (value[c] == '1' || value[c] == '2') : value[c] == ':';
      ok = ok && value.size() % 2 == 1;
      if (!ok)
        fail(what, "invalid levels \"" + value +
                       "\"; allowed: 1 to 3 levels of 1 or 2, "
                       "such as 1:2");
      p.levels = value;
    } else if (name == "keys_zone") {
      const std::size_t colon = value.find(':');
      if (colon == std::string::npos || colon == 0) {
        fail(what, "invalid keys_zone \"" + value + "\"; allowed: name:size, such as api:10m");
      }
      p.zone = value.substr(0, colon);
      p.zoneBytes = parseSize(value.substr(colon + 1), "proxy_cache_path keys_zone", false);
      if (p.zoneBytes < 8192) fail(what, "keys zone \"" + value + "\" is too small");
    } else if (name == "inactive") {
      p.inactive = parseNginxTime(value, "proxy_cache_path inactive");
    } else if (name == "max_size") {
      p.maxBytes = parseNginxSize(value, "proxy_cache_path max_size");
    } else if (name == "min_free") {
      p.minFree = parseNginxSize(value, "proxy_cache_path min_free");
    } else if (name == "use_temp_path") {
      if (value != "on" && value != "off") {
        fail(what, "invalid use_temp_path value \"" + value + "\", it must be \"on\" or \"off\"");
      }
      p.useTempPath = value == "on";
    } else if (name.starts_with("loader_") || name.starts_with("manager_") ||
               name.starts_with("purger")) {
      // Background housekeeping pacing: no effect on what is cached in this model.
    } else {
      fail(what, "unknown parameter \"" + name + "\"; allowed: " + std::string(allowed));
    }
  }
  return p;
}

std::string_view cloudflareCacheLevelName(CloudflareCacheLevel level) {
  constexpr std::array<std::string_view, 5> kNames = {"bypass", "basic", "simplified", "aggressive",
                                                      "cache_everything"};
  return kNames[static_cast<std::size_t>(level)];
}

std::optional<CloudflareCacheLevel> parseCloudflareCacheLevel(std::string_view name) {
  const std::string n = lower(trim(name));
  for (std::uint8_t i = 0; i <= static_cast<std::uint8_t>(CloudflareCacheLevel::kCacheEverything);
       ++i) {
    const auto level = static_cast<CloudflareCacheLevel>(i);
    if (n == cloudflareCacheLevelName(level)) return level;
  }
  if (n == "no query string") return CloudflareCacheLevel::kBasic;
  if (n == "ignore query string") return CloudflareCacheLevel::kSimplified;
  if (n == "standard") return CloudflareCacheLevel::kAggressive;
  if (n == "cache everything") return CloudflareCacheLevel::kCacheEverything;
  return std::nullopt;
}

CacheDecision CloudflareCacheRule::decide(const RequestTraits& request) const {
  CacheDecision d;
  if (request.method != HttpMethod::kGet && request.method != HttpMethod::kHead) return d;
  bool eligible = false;
  switch (cacheLevel) {
    case CloudflareCacheLevel::kBypass:
      break;
    case CloudflareCacheLevel::kBasic:
      eligible = request.staticExtension && !request.hasQueryString;
      break;
    case CloudflareCacheLevel::kSimplified:
      eligible = request.staticExtension;
      d.queryInKey = false;
      break;
    case CloudflareCacheLevel::kAggressive:
      eligible = request.staticExtension;
      break;
    case CloudflareCacheLevel::kCacheEverything:
      eligible = true;
      break;
  }
  d.lookup = d.store = eligible;
  return d;
}

bool cloudflareCachesExtension(std::string_view path) {
  static constexpr std::string_view kExtensions[] = {
      "7z",   "avi",  "avif", "apk",   "bin", "bmp",  "bz2",  "class", "css", "csv", "doc",  "docx",
      "dmg",  "ejs",  "eot",  "eps",   "exe", "flac", "gif",  "gz",    "ico", "iso", "jar",  "jpg",
      "jpeg", "js",   "mid",  "midi",  "mkv", "mp3",  "mp4",  "ogg",   "otf", "pdf", "pict", "pls",
      "png",  "ppt",  "pptx", "ps",    "rar", "svg",  "svgz", "swf",   "tar", "tif", "tiff", "ttf",
      "webm", "webp", "woff", "woff2", "xls", "xlsx", "zip",  "zst"};
  path = path.substr(0, path.find('?'));
  const std::size_t slash = path.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = last.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(last.substr(dot + 1));
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view e : kExtensions) {
    if (ext == e) return true;
  }
  return false;
}

std::optional<double> CloudflareCacheRule::edgeTtl(int status) const {
  double fallback = 0.0;
  switch (status) {
    case 200:
    case 206:
    case 301:
      fallback = 120.0 * 60.0;
      break;
    case 302:
    case 303:
      fallback = 20.0 * 60.0;
      break;
    case 404:
    case 410:
      fallback = 3.0 * 60.0;
      break;
    default:
      return std::nullopt;
  }
  const double ttl = edgeCacheTtl ? *edgeCacheTtl : fallback;
  if (ttl <= 0.0) return std::nullopt;
  return ttl;
}

CloudflareCacheRule parseCloudflarePageRule(std::string_view text) {
  constexpr std::string_view what = "cloudflare page rule";
  constexpr std::string_view allowed =
      "cache_level = bypass | basic | simplified | aggressive | cache_everything (or the "
      "dashboard names), edge_cache_ttl = seconds, browser_cache_ttl = seconds";
  CloudflareCacheRule rule;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\n' && text[end] != ';' && text[end] != ',')
      ++end;
    std::string_view line = text.substr(i, end - i);
    i = end + 1;
    const std::size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    const std::size_t slashes = line.find("//");
    if (slashes != std::string_view::npos) line = line.substr(0, slashes);
    line = trim(line);
    if (line.empty() || line == "{" || line == "}" || line == "actions {" || line == "actions") {
      continue;
    }
    const std::size_t sign = line.find_first_of("=:");
    if (sign == std::string_view::npos) {
      fail(what,
           "\"" + std::string(line) + "\" is not a setting; allowed: " + std::string(allowed));
    }
    const std::string key = std::string(trim(line.substr(0, sign)));
    std::string_view value = trim(line.substr(sign + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "cache_level") {
      const auto level = parseCloudflareCacheLevel(value);
      if (!level) {
        fail(what, "cache_level \"" + std::string(value) +
                       "\" is unknown; allowed: bypass, basic (No Query String), simplified "
                       "(Ignore Query String), aggressive (Standard), cache_everything");
      }
      rule.cacheLevel = *level;
    } else if (key == "edge_cache_ttl" || key == "browser_cache_ttl") {
      const auto seconds = wholeNumber(value);
      if (!seconds) {
        fail(what, key + " \"" + std::string(value) + "\" is not whole seconds such as 7200");
      }
      (key == "edge_cache_ttl" ? rule.edgeCacheTtl : rule.browserCacheTtl) =
          static_cast<double>(*seconds);
    } else {
      fail(what, "\"" + key + "\" is not a cache action; allowed: " + std::string(allowed));
    }
  }
  return rule;
}

}  // namespace lbsim::models::cache
