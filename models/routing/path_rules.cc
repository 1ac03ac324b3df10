#include "models/routing/path_rules.h"

#include <algorithm>
#include <numeric>

namespace lbsim::models::routing {

namespace {

std::string joinedProblems(const std::vector<RuleProblem>& problems) {
  std::string out;
  for (const RuleProblem& p : problems) {
    if (!out.empty()) out += '\n';
    if (p.rule != RouteMatch::kDefault) out += "rule " + std::to_string(p.rule) + ": ";
    out += p.message;
  }
  return out;
}

bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

// The path of a request target: an absolute-form target loses scheme and host; the query
// string (and a fragment, which clients do not send) is dropped.
std::string_view pathOf(std::string_view target) {
  if (startsWithNoCase(target, "http://") || startsWithNoCase(target, "https://")) {
    const std::size_t authority = target.find("//") + 2;
    const std::size_t end = target.find_first_of("/?#", authority);
    if (end == std::string_view::npos || target[end] != '/') return "/";
    target = target.substr(end);
  }
  return target.substr(0, target.find_first_of("?#"));
}

}  // namespace

RouteConfigError::RouteConfigError(std::vector<RuleProblem> problems)
    : std::invalid_argument(joinedProblems(problems)), problems_(std::move(problems)) {}

Location parseLocation(std::string_view text) {
  // The words of the header, quotes removed and nginx's configuration escapes applied.
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    std::string word;
    if (c == '"' || c == '\'') {
      ++i;
      while (i < text.size() && text[i] != c) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == c || text[i + 1] == '\\')) {
          ++i;
        }
        word += text[i++];
      }
      if (i >= text.size()) {
        throw std::invalid_argument("location: the quoted pattern is not closed");
      }
      ++i;
    } else {
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
             text[i] != '\n')
        word += text[i++];
    }
    words.push_back(std::move(word));
  }
  if (!words.empty() && words[0] == "location") words.erase(words.begin());
  if (!words.empty() && words.back() == "{") words.pop_back();
  if (!words.empty() && words.back().size() > 1 && words.back().back() == '{') {
    words.back().pop_back();
  }
  if (words.empty()) throw std::invalid_argument("location: a URI or a pattern is missing");
  if (words.size() > 2) {
    throw std::invalid_argument("location: too many words; allowed: [= | ^~ | ~ | ~*] uri");
  }
  Location location;
  if (words.size() == 2) {
    const std::string& modifier = words[0];
    if (modifier == "=") {
      location.match = LocationMatch::kExact;
    } else if (modifier == "^~") {
      location.match = LocationMatch::kPrefixNoRegex;
    } else if (modifier == "~") {
      location.match = LocationMatch::kRegex;
    } else if (modifier == "~*") {
      location.match = LocationMatch::kRegexCaseless;
    } else {
      throw std::invalid_argument("location: invalid location modifier '" + modifier +
                                  "'; allowed: =, ^~, ~, ~*");
    }
    location.pattern = words[1];
    return location;
  }
  // One word: nginx also reads a modifier written against the URI.
  std::string_view name = words[0];
  if (name.size() > 1 && name[0] == '=') {
    location.match = LocationMatch::kExact;
    name.remove_prefix(1);
  } else if (name.size() > 2 && name.substr(0, 2) == "^~") {
    location.match = LocationMatch::kPrefixNoRegex;
    name.remove_prefix(2);
  } else if (name.size() > 1 && name[0] == '~') {
    name.remove_prefix(1);
    location.match = LocationMatch::kRegex;
    if (name[0] == '*') {
      location.match = LocationMatch::kRegexCaseless;
      name.remove_prefix(1);
    }
  } else if (name[0] == '@') {
    throw std::invalid_argument("location: '" + std::string(name) +
                                "' is a named location, which only internal redirects "
                                "(error_page, try_files) reach; allowed: [= | ^~ | ~ | ~*] uri");
  } else if (name == "=" || name == "^~" || name == "~" || name == "~*") {
    throw std::invalid_argument("location: a URI or a pattern is missing after '" +
                                std::string(name) + "'");
  }
  if (name.empty()) throw std::invalid_argument("location: a URI or a pattern is missing");
  location.pattern = std::string(name);
  return location;
}

std::optional<std::string> normalizeUri(std::string_view target) {
  const std::string_view path = pathOf(target);
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::string decoded;
  decoded.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      decoded += path[i];
      continue;
    }
    if (i + 2 >= path.size() || !isHex(path[i + 1]) || !isHex(path[i + 2])) return std::nullopt;
    decoded += static_cast<char>(hexValue(path[i + 1]) * 16 + hexValue(path[i + 2]));
    i += 2;
  }
  // Segments; nginx feeds decoded characters back into its parser, so an encoded '/' or '.'
  // takes part in merging and resolving like a plain one.
  std::vector<std::string_view> kept;
  const std::string_view all(decoded);
  bool trailingSlash = false;
  std::size_t start = 1;
  while (start <= all.size()) {
    std::size_t end = all.find('/', start);
    if (end == std::string_view::npos) end = all.size();
    const std::string_view segment = all.substr(start, end - start);
    const bool last = end == all.size();
    if (segment == "..") {
      if (kept.empty()) return std::nullopt;
      kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    if (last) trailingSlash = segment.empty() || segment == "." || segment == "..";
    start = end + 1;
  }
  std::string out = "/";
  for (std::size_t k = 0; k < kept.size(); ++k) {
    if (k > 0) out += '/';
    out += kept[k];
  }
  if (trailingSlash && !kept.empty()) out += '/';
  return out;
}

std::string ecmascriptFromPcre(std::string_view pcre, bool& caseless) {
  caseless = false;
  std::string out;
  std::size_t i = 0;
  if (pcre.substr(0, 4) == "(?i)") {
    caseless = true;
    i = 4;
  }
  const auto refuse = [&](std::string_view what) -> void {
    throw std::invalid_argument(std::string(what) + " (at character " + std::to_string(i + 1) +
                                ") is PCRE syntax that std::regex's ECMAScript grammar lacks "
                                "or reads differently");
  };
  const auto malformed = [&](std::string_view what) -> void {
    throw std::invalid_argument("the regular expression does not compile: " + std::string(what) +
                                " (at character " + std::to_string(i + 1) + ")");
  };
  // PCRE escapes with no ECMAScript equivalent, or with another meaning there.
  constexpr std::string_view kPcreOnly = "KQEGhHvVRpPXCNgeaoAzZ";
  bool inClass = false;
  bool afterQuantifier = false;
  while (i < pcre.size()) {
    const char c = pcre[i];
    const char next = i + 1 < pcre.size() ? pcre[i + 1] : '\0';
    if (c == '\\') {
      if (i + 1 >= pcre.size()) malformed("a trailing '\\'");
      if (!inClass && (next == 'A' || next == 'z' || next == 'Z')) {
        out += next == 'A' ? "^" : "$";
      } else if (kPcreOnly.find(next) != std::string_view::npos) {
        refuse(std::string("the escape \\") + next);
      } else {
        out += c;
        out += next;
      }
      i += 2;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c == '[' && next == ':') {
        const std::size_t close = pcre.find(":]", i + 2);
        if (close == std::string_view::npos) malformed("an unclosed POSIX class");
        out += pcre.substr(i, close + 2 - i);
        i = close + 2;
        continue;
      }
      if (c == ']') inClass = false;
      out += c;
      ++i;
      continue;
    }
    if (c == '[') {
      inClass = true;
      out += c;
      ++i;
      if (i < pcre.size() && pcre[i] == '^') out += pcre[i++];
      if (i < pcre.size() && pcre[i] == ']') out += pcre[i++];  // a literal ']' first
      afterQuantifier = false;
      continue;
    }
    if (c == '+' && afterQuantifier) refuse("a possessive quantifier");
    if (c == '(' && next == '?') {
      const char kind = i + 2 < pcre.size() ? pcre[i + 2] : '\0';
      const char after = i + 3 < pcre.size() ? pcre[i + 3] : '\0';
      std::size_t nameEnd = std::string_view::npos;
      if (kind == ':' || kind == '=' || kind == '!') {
        out += pcre.substr(i, 3);
        i += 3;
        afterQuantifier = false;
        continue;
      }
      if (kind == '<' && (after == '=' || after == '!')) refuse("a lookbehind");
      if (kind == '<') nameEnd = pcre.find('>', i + 3);
      if (kind == 'P' && after == '<') nameEnd = pcre.find('>', i + 4);
      if (kind == '\'') nameEnd = pcre.find('\'', i + 3);
      if (kind == '<' || (kind == 'P' && after == '<') || kind == '\'') {
        if (nameEnd == std::string_view::npos) malformed("an unclosed group name");
        out += '(';  // a named group: ECMAScript in std::regex has no names, the group stays
        i = nameEnd + 1;
        afterQuantifier = false;
        continue;
      }
      if (kind == '>') refuse("an atomic group (?>");
      if (kind == '#') refuse("a comment (?#");
      if (kind == '(') refuse("a conditional group");
      if (kind == '|') refuse("a branch reset group (?|");
      if (kind == 'P' || kind == 'R' || kind == '&' || (kind >= '0' && kind <= '9') ||
          kind == '+' || kind == '-') {
        refuse("a subroutine call or recursion");
      }
      refuse("an inline option other than a leading (?i)");
    }
    out += c;
    ++i;
    afterQuantifier = c == '*' || c == '+' || c == '?' || c == '}';
  }
  if (inClass) malformed("an unclosed '['");
  return out;
}

namespace {

std::string describe(const Location& l) {
  switch (l.match) {
    case LocationMatch::kPrefix:
      return "location " + l.pattern;
    case LocationMatch::kExact:
      return "location = " + l.pattern;
    case LocationMatch::kPrefixNoRegex:
      return "location ^~ " + l.pattern;
    case LocationMatch::kRegex:
      return "location ~ " + l.pattern;
    case LocationMatch::kRegexCaseless:
      return "location ~* " + l.pattern;
  }
  return {};
}

bool isPrefixKind(LocationMatch m) {
  return m == LocationMatch::kPrefix || m == LocationMatch::kPrefixNoRegex;
}
bool isRegexKind(LocationMatch m) {
  return m == LocationMatch::kRegex || m == LocationMatch::kRegexCaseless;
}

}  // namespace

NginxLocations::NginxLocations(std::vector<Location> locations) : locations_(std::move(locations)) {
  std::vector<RuleProblem> problems;
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    const Location& l = locations_[i];
    if (l.pattern.empty()) {
      problems.push_back({i, "the location has no URI; allowed: [= | ^~ | ~ | ~*] uri"});
      continue;
    }
    if (isRegexKind(l.match)) {
      try {
        bool caseless = false;
        const std::string ecma = ecmascriptFromPcre(l.pattern, caseless);
        auto flags = std::regex::ECMAScript;
        if (caseless || l.match == LocationMatch::kRegexCaseless) flags |= std::regex::icase;
        regexes_.push_back({i, std::regex(ecma, flags)});
      } catch (const std::regex_error& e) {
        problems.push_back(
            {i, describe(l) + ": the regular expression does not compile (" + e.what() + ")"});
      } catch (const std::invalid_argument& e) {
        problems.push_back({i, describe(l) + ": " + e.what()});
      }
      continue;
    }
    // nginx joins an exact and a prefix location of the same URI, and refuses two of a kind.
    for (std::size_t j = 0; j < i; ++j) {
      const Location& other = locations_[j];
      const bool sameKind =
          (l.match == LocationMatch::kExact) == (other.match == LocationMatch::kExact);
      if (!isRegexKind(other.match) && sameKind && other.pattern == l.pattern) {
        problems.push_back({i, "duplicate location \"" + l.pattern + "\" (" + describe(other) +
                                   " is rule " + std::to_string(j) +
                                   "); allowed: one prefix and one exact location per URI"});
        break;
      }
    }
  }
  if (!problems.empty()) throw RouteConfigError(std::move(problems));
}

RouteMatch NginxLocations::match(std::string_view requestTarget) const {
  RouteMatch m;
  const auto uri = normalizeUri(requestTarget);
  if (!uri) {
    m.status = 400;
    m.explain = "nginx answers 400 before choosing a location: the URI '" +
                std::string(requestTarget) +
                "' has a bad %-escape, a '..' above the root, or does not start with '/'";
    return m;
  }
  const std::string shownUri =
      pathOf(requestTarget) == *uri
          ? "URI " + *uri
          : "URI " + *uri + " (normalized from " + std::string(pathOf(requestTarget)) + ")";
  const auto decide = [&](std::size_t i, const std::string& why) {
    const Location& l = locations_[i];
    m.rule = i;
    m.target = l.target;
    m.explain = shownUri + ": " + why;
    if (l.internal) {
      m.status = 404;
      m.explain += "; the location is internal, so a request from a client gets 404";
    }
    return m;
  };

  // 1. An exact match ends the search.
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    const Location& l = locations_[i];
    if (l.match == LocationMatch::kExact && l.pattern == *uri) {
      return decide(i, "exact match " + describe(l) + " ends the search");
    }
  }
  // 2. The longest matching prefix is remembered.
  std::size_t best = RouteMatch::kDefault;
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    const Location& l = locations_[i];
    if (!isPrefixKind(l.match) || uri->compare(0, l.pattern.size(), l.pattern) != 0) continue;
    if (best == RouteMatch::kDefault || l.pattern.size() > locations_[best].pattern.size()) {
      best = i;
    }
  }
  const bool prefixIsUri = best != RouteMatch::kDefault && locations_[best].pattern == *uri;
  if (!prefixIsUri) {
    // The static-location search meets "URI/" of a passing location before any regex.
    std::size_t redirect = RouteMatch::kDefault;
    for (std::size_t i = 0; i < locations_.size(); ++i) {
      const Location& l = locations_[i];
      if (isRegexKind(l.match) || !l.autoRedirect || l.pattern != *uri + "/") continue;
      if (redirect == RouteMatch::kDefault || l.match == LocationMatch::kExact) redirect = i;
    }
    if (redirect != RouteMatch::kDefault) {
      m.rule = redirect;
      m.target = locations_[redirect].target;
      m.status = 301;
      m.explain = shownUri + ": " + describe(locations_[redirect]) +
                  " passes requests on and is the URI with a trailing '/', so nginx answers "
                  "301 to " +
                  *uri + "/ (regexes are not checked)";
      return m;
    }
  }
  // 3. ^~ on the longest prefix skips the regexes.
  if (best != RouteMatch::kDefault && locations_[best].match == LocationMatch::kPrefixNoRegex) {
    return decide(best, "the longest matching prefix is " + describe(locations_[best]) +
                            ", and ^~ skips the regular expressions");
  }
  // 4. Regexes in configuration order, the first match wins.
  for (const CompiledRegex& r : regexes_) {
    if (std::regex_search(*uri, r.regex)) {
      std::string why = describe(locations_[r.index]) +
                        " is the first regular expression in configuration order to match";
      if (best != RouteMatch::kDefault) {
        why += "; it takes precedence over the longest prefix, " + describe(locations_[best]);
      }
      return decide(r.index, why);
    }
  }
  // 5. The remembered prefix.
  if (best != RouteMatch::kDefault) {
    std::string why = "the longest matching prefix is " + describe(locations_[best]);
    why += regexes_.empty() ? "" : ", and no regular expression matches";
    return decide(best, why);
  }
  m.status = 404;
  m.explain = shownUri +
              ": no location matches; the server's own configuration answers (404 for a file "
              "that is not there)";
  return m;
}

bool albWildcardMatch(std::string_view pattern, std::string_view text, bool ignoreCase) {
  // Greedy with one backtrack point: the last '*' seen absorbs one more character whenever
  // the rest fails (linear in practice, at worst pattern x text).
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  const auto same = [&](char a, char b) { return ignoreCase ? lower(a) == lower(b) : a == b; };
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

namespace {

constexpr int kMaxPriority = 50000;
constexpr std::size_t kMaxValuesPerCondition = 3;
constexpr std::size_t kMaxValuesPerRule = 5;
constexpr std::size_t kMaxWildcardsPerRule = 5;

bool letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

std::string quoted(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "'" : ", '") + v + "'";
  return out;
}

void checkRule(std::size_t index, const AlbRule& rule, std::vector<RuleProblem>& problems) {
  const auto problem = [&](const std::string& message) { problems.push_back({index, message}); };
  if (rule.priority < 1 || rule.priority > kMaxPriority) {
    problem("priority " + std::to_string(rule.priority) + " is out of range; allowed: 1 to " +
            std::to_string(kMaxPriority));
  }
  if (rule.pathPatterns.empty() && rule.hostHeaders.empty() && rule.methods.empty()) {
    problem(
        "the rule has no condition; allowed: path-pattern, host-header, http-request-method "
        "(only the default action has none)");
  }
  std::size_t wildcards = 0;
  const auto condition = [&](const std::vector<std::string>& values, std::string_view field,
                             std::size_t maxLength, const auto& allowedChar,
                             std::string_view allowedText, bool wild) {
    if (values.size() > kMaxValuesPerCondition) {
      problem(std::string(field) + " has " + std::to_string(values.size()) +
              " values; allowed: at most " + std::to_string(kMaxValuesPerCondition) +
              " per condition");
    }
    for (const std::string& v : values) {
      if (v.empty()) {
        problem(std::string(field) + " has an empty value");
        continue;
      }
      if (v.size() > maxLength) {
        problem(std::string(field) + " '" + v + "' is longer than " + std::to_string(maxLength) +
                " characters");
      }
      for (const char c : v) {
        if (!allowedChar(c)) {
          problem(std::string(field) + " '" + v + "' has the character '" + std::string(1, c) +
                  "'; allowed: " + std::string(allowedText));
          break;
        }
        if (wild && (c == '*' || c == '?')) ++wildcards;
      }
    }
  };
  condition(
      rule.pathPatterns, "path-pattern", 128,
      [](char c) {
        return letter(c) || digit(c) ||
               std::string_view("_-.$/~\"'@:+&*?").find(c) != std::string_view::npos;
      },
      "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?", true);
  condition(
      rule.hostHeaders, "host-header", 128,
      [](char c) { return letter(c) || digit(c) || c == '-' || c == '.' || c == '*' || c == '?'; },
      "A-Z a-z 0-9 - . * ?", true);
  for (const std::string& h : rule.hostHeaders) {
    const std::size_t dot = h.rfind('.');
    if (!h.empty() &&
        (dot == std::string::npos ||
         !std::all_of(h.begin() + static_cast<std::ptrdiff_t>(dot) + 1, h.end(), letter))) {
      problem("host-header '" + h + "' must have a '.' and only letters after the last '.'");
    }
  }
  condition(
      rule.methods, "http-request-method", 40,
      [](char c) { return (c >= 'A' && c <= 'Z') || c == '-' || c == '_'; },
      "A-Z - _ (case-sensitive, no wildcards)", false);
  const std::size_t values =
      rule.pathPatterns.size() + rule.hostHeaders.size() + rule.methods.size();
  if (values > kMaxValuesPerRule) {
    problem("the rule has " + std::to_string(values) + " condition values; allowed: at most " +
            std::to_string(kMaxValuesPerRule) + " per rule");
  }
  if (wildcards > kMaxWildcardsPerRule) {
    problem("the rule has " + std::to_string(wildcards) + " wildcards; allowed: at most " +
            std::to_string(kMaxWildcardsPerRule) + " per rule");
  }
}

}  // namespace

AlbListenerRules::AlbListenerRules(std::vector<AlbRule> rules, AlbDefaultAction defaultAction)
    : rules_(std::move(rules)), default_(std::move(defaultAction)) {
  std::vector<RuleProblem> problems;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    checkRule(i, rules_[i], problems);
    for (std::size_t j = 0; j < i; ++j) {
      if (rules_[j].priority == rules_[i].priority) {
        problems.push_back({i, "priority " + std::to_string(rules_[i].priority) +
                                   " is already used by rule " + std::to_string(j) +
                                   " (AWS: PriorityInUse); allowed: a priority no other rule "
                                   "of the listener has"});
        break;
      }
    }
  }
  const int kind = default_.status / 100;
  if (default_.status != 0 &&
      (default_.status < 200 || default_.status > 599 || (kind != 2 && kind != 4 && kind != 5))) {
    problems.push_back({RouteMatch::kDefault, "the default fixed-response status " +
                                                  std::to_string(default_.status) +
                                                  " is out of range; allowed: 2XX, 4XX, 5XX"});
  }
  if (default_.status == 0 && default_.target.empty()) {
    problems.push_back({RouteMatch::kDefault,
                        "the default action forwards but names no target group; allowed: a "
                        "target group, or a fixed-response status"});
  }
  if (!problems.empty()) throw RouteConfigError(std::move(problems));
  order_.resize(rules_.size());
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  std::sort(order_.begin(), order_.end(),
            [&](std::size_t a, std::size_t b) { return rules_[a].priority < rules_[b].priority; });
}

RouteMatch AlbListenerRules::match(std::string_view method, std::string_view host,
                                   std::string_view requestTarget) const {
  const std::string_view path = requestTarget.substr(0, requestTarget.find('?'));
  std::string skipped;
  for (const std::size_t i : order_) {
    const AlbRule& rule = rules_[i];
    const auto any = [](const std::vector<std::string>& values, const auto& matches) {
      return values.empty() || std::any_of(values.begin(), values.end(), matches);
    };
    std::string failed;
    if (!any(rule.pathPatterns,
             [&](const std::string& p) { return albWildcardMatch(p, path, false); })) {
      failed = "path-pattern " + quoted(rule.pathPatterns) + " does not match " + std::string(path);
    } else if (!any(rule.hostHeaders,
                    [&](const std::string& h) { return albWildcardMatch(h, host, true); })) {
      failed = "host-header " + quoted(rule.hostHeaders) + " does not match " + std::string(host);
    } else if (!any(rule.methods, [&](const std::string& v) { return v == method; })) {
      failed =
          "http-request-method " + quoted(rule.methods) + " does not match " + std::string(method);
    }
    const std::string name =
        "priority " + std::to_string(rule.priority) + " (rule " + std::to_string(i) + ")";
    if (!failed.empty()) {
      skipped += (skipped.empty() ? "" : "; ") + name + ": " + failed;
      continue;
    }
    RouteMatch m;
    m.rule = i;
    m.target = rule.target;
    std::string conditions;
    if (!rule.pathPatterns.empty()) conditions += "path-pattern " + quoted(rule.pathPatterns);
    if (!rule.hostHeaders.empty()) {
      conditions +=
          (conditions.empty() ? "" : ", ") + std::string("host-header ") + quoted(rule.hostHeaders);
    }
    if (!rule.methods.empty()) {
      conditions += (conditions.empty() ? "" : ", ") + std::string("http-request-method ") +
                    quoted(rule.methods);
    }
    m.explain = name + " is the first rule in priority order whose conditions all match (" +
                conditions + ")";
    if (!skipped.empty()) m.explain += "; before it, " + skipped;
    return m;
  }
  RouteMatch m;
  m.target = default_.target;
  m.status = default_.status;
  m.explain = std::string(rules_.empty() ? "the listener has no rules" : "no rule matches") +
              ", so the default action answers: " +
              (default_.status != 0 ? "fixed-response " + std::to_string(default_.status)
                                    : "forward to " + default_.target);
  if (!skipped.empty()) m.explain += " (" + skipped + ")";
  return m;
}

}  // namespace lbsim::models::routing
