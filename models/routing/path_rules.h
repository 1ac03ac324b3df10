#pragma once

// How a gateway maps a request to an upstream by its path: nginx `location` blocks and AWS
// Application Load Balancer listener rules, each exactly as the real system decides, with
// the reason for the decision (for a future `lbsim explain route`). Pure: configured once,
// then asked per request; nothing here reads files or clocks.
#include <cstddef>
#include <limits>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::models::routing {

// The decision for one request, common to both systems.
struct RouteMatch {
  static constexpr std::size_t kDefault = std::numeric_limits<std::size_t>::max();
  std::size_t rule = kDefault;  // index of the deciding rule as configured; kDefault: none
  std::string target;           // where the request goes (upstream, target group); "" if none
  // 0 when the request is passed to `target`; otherwise the status the gateway answers
  // itself: 404 (no rule, nginx `internal` location, ALB fixed-response default), 301 (nginx
  // adds a trailing slash), 400 (nginx refuses the URI).
  int status = 0;
  std::string explain;  // why, in the system's own terms
  bool matched() const { return rule != kDefault; }
};

// A rule the system itself would refuse. `rule` is its index as configured (kDefault: the
// rule set as a whole).
struct RuleProblem {
  std::size_t rule = RouteMatch::kDefault;
  std::string message;  // what is wrong; allowed: ...
};

// Every problem of a rule set at once; what() lists them, one per line.
class RouteConfigError : public std::invalid_argument {
 public:
  explicit RouteConfigError(std::vector<RuleProblem> problems);
  const std::vector<RuleProblem>& problems() const { return problems_; }

 private:
  std::vector<RuleProblem> problems_;
};

// nginx `location` (ngx_http_core_module).
enum class LocationMatch {
  kPrefix,         // location /api/
  kExact,          // location = /health
  kPrefixNoRegex,  // location ^~ /static/
  kRegex,          // location ~ \.php$            (case-sensitive)
  kRegexCaseless,  // location ~* \.(css|js)$      (case-insensitive)
};

struct Location {
  LocationMatch match = LocationMatch::kPrefix;
  std::string pattern;  // the URI or regular expression as written
  std::string target;   // the upstream it passes to (proxy_pass http://course_service)
  // The block passes requests on with proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass,
  // memcached_pass or grpc_pass, and its prefix ends in '/': a request for the prefix without
  // that slash gets a 301 to it (nginx's auto_redirect).
  bool autoRedirect = false;
  bool internal = false;  // `internal;`: a request from a client gets 404
};

// The header of a location block as written: "location = /health", "location ~* \.(css|js)$ {",
// "^~ /static/", "=/exact" (nginx also reads a modifier written against the URI), a quoted
// pattern ("~ \"^/a{2}$\""). Throws std::invalid_argument for a named location (@name: only
// internal redirects reach it), a missing URI or an unknown modifier.
Location parseLocation(std::string_view text);

// The URI nginx matches locations against: the path of the request target (an absolute-form
// target loses its scheme and host; the query string and a fragment are dropped), %XX decoded,
// runs of '/' merged (merge_slashes on, the default), "." and ".." segments resolved.
// nullopt where nginx answers 400: a bad %-escape, ".." above the root, a path not starting
// with '/'.
std::optional<std::string> normalizeUri(std::string_view target);

// The locations of one server block, matched in nginx's documented order:
//  1. an exact (=) location equal to the URI wins at once;
//  2. otherwise the longest matching prefix location (plain or ^~) is remembered; when a
//     location passing requests on (autoRedirect) is the URI plus '/', and no location is the
//     URI itself, nginx answers 301 with the slash added, before any regex;
//  3. if the longest prefix has ^~, it is used and regexes are not checked;
//  4. otherwise regex locations (~, ~*) are tried in configuration order, the first match
//     wins;
//  5. otherwise the remembered prefix is used; with none, the server's own configuration
//     answers (404 here).
// Prefixes compare case-sensitively, as on Linux (nginx ignores case only on
// case-insensitive file systems). Nested locations are not modelled: a rule set is the
// top-level locations of one server.
// Regular expressions: nginx uses PCRE; these use std::regex with the ECMAScript grammar.
// Named groups (?<name>...), (?P<name>...), (?'name'...) become plain groups, a leading (?i)
// turns on case-insensitivity, \A and \z/\Z become ^ and $; PCRE-only constructs that
// ECMAScript lacks or reads differently (lookbehind, atomic groups, possessive quantifiers,
// inline flags elsewhere, \K \Q \E \G \h \R \p \P, recursion, conditionals) are refused with
// a message rather than silently matched differently. Like PCRE in nginx, a regex matches
// anywhere in the URI unless anchored.
class NginxLocations {
 public:
  // Throws RouteConfigError: duplicate prefix or exact locations (nginx: "duplicate location"),
  // empty patterns, regexes std::regex cannot compile or that use PCRE-only syntax.
  explicit NginxLocations(std::vector<Location> locations);

  // `requestTarget` is the request's URI as sent ("/api/courses/c1?page=2").
  RouteMatch match(std::string_view requestTarget) const;

  const std::vector<Location>& locations() const { return locations_; }

 private:
  struct CompiledRegex {
    std::size_t index;
    std::regex regex;
  };
  std::vector<Location> locations_;
  std::vector<CompiledRegex> regexes_;  // in configuration order
};

// A PCRE pattern in the ECMAScript grammar std::regex reads (see NginxLocations); sets
// `caseless` for a leading (?i). Throws std::invalid_argument naming the construct.
std::string ecmascriptFromPcre(std::string_view pcre, bool& caseless);

// AWS Application Load Balancer listener rules (Elastic Load Balancing v2 documentation,
// "Listener rules" and "Condition types for listener rules").
struct AlbRule {
  int priority = 0;                       // 1..50000, unique in the listener; lower goes first
  std::vector<std::string> pathPatterns;  // path-pattern values (any one matching suffices)
  std::vector<std::string> hostHeaders;   // host-header values
  std::vector<std::string> methods;       // http-request-method values
  std::string target;                     // the forward action's target group
};

// The listener's default action, taken when no rule matches: a fixed-response (status != 0)
// as in the Cerebrum seed (`StatusCode: 404`), or a forward to `target` (status 0).
struct AlbDefaultAction {
  int status = 404;
  std::string target;
};

// Rules evaluated in priority order, lowest first; the first rule whose conditions all match
// decides, else the default action. A condition matches when any of its values does:
//  - path-pattern: case-sensitive, '*' any run of characters, '?' exactly one, against the
//    path of the URL without its query string (as sent; ALB's documentation does not say it
//    decodes %XX, and lbsim does not);
//  - host-header: the same wildcards, case-insensitive;
//  - http-request-method: exact and case-sensitive, no wildcards.
// Validation follows the documented limits: priorities 1..50000 and unique (AWS:
// PriorityInUse), at least one condition, at most 3 values per condition and 5 in a rule, at
// most 5 wildcards in a rule, path patterns of at most 128 characters from A-Z a-z 0-9
// _ - . $ / ~ " ' @ : + & * ?, host names of at most 128 characters from A-Z a-z 0-9 - . * ?
// with a '.' and only letters after the last '.', methods of at most 40 characters from
// A-Z - _.
class AlbListenerRules {
 public:
  // Throws RouteConfigError with every problem of every rule.
  explicit AlbListenerRules(std::vector<AlbRule> rules, AlbDefaultAction defaultAction = {});

  // `host` is the Host header as the client sent it (compared whole, a port included);
  // `requestTarget` may carry a query string, which path-pattern ignores.
  RouteMatch match(std::string_view method, std::string_view host,
                   std::string_view requestTarget) const;

  const std::vector<AlbRule>& rules() const { return rules_; }

 private:
  std::vector<AlbRule> rules_;
  std::vector<std::size_t> order_;  // rule indices by priority
  AlbDefaultAction default_;
};

// ALB's wildcards: '*' matches any run of characters (also none), '?' exactly one; ASCII
// letters compare without case when `ignoreCase`.
bool albWildcardMatch(std::string_view pattern, std::string_view text, bool ignoreCase);

}  // namespace lbsim::models::routing
