// Path routing as nginx `location` and AWS ALB listener rules decide it. Each expected winner
// is stated from the system's documentation: nginx's ngx_http_core_module `location`
// directive, and the Elastic Load Balancing "Listener rules" / "Condition types" pages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/routing/path_rules.h"

namespace lbsim::models::routing {
namespace {

Location loc(std::string_view header, std::string target, bool autoRedirect = false) {
  Location l = parseLocation(header);
  l.target = std::move(target);
  l.autoRedirect = autoRedirect;
  return l;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The API server of the Cerebrum seed (000_ed1a8df81786f13a.txt, /etc/nginx/conf.d/api.conf):
// every proxy_pass location ends in '/', so nginx sets auto_redirect on it.
NginxLocations cerebrumApi() {
  std::vector<Location> ls = {
      loc("location = /health {", "return-200"),
      loc("location /api/auth/ {", "user_service", true),
      loc("location /api/users/ {", "user_service", true),
      loc("location /api/courses/ {", "course_service", true),
      loc("location /api/enrollments/ {", "enrollment_service", true),
      loc("location /api/payments/ {", "payment_service", true),
      loc("location /api/analytics/ {", "analytics_service", true),
      loc("location /api/notifications/ {", "communication_service", true),
      loc("location /api/assessments/ {", "assessment_service", true),
      loc("location /socket.io/ {", "communication_service", true),
      loc("location = /50x.html {", "root"),
      loc("location = /429.html {", "root"),
  };
  ls[11].internal = true;
  return NginxLocations(ls);
}

TEST(NginxLocation, ParsesEveryLocationOfTheSeeds) {
  // Every location header in /work/shared/seeds (000 and 003).
  const std::vector<std::string> headers = {
      "location = /health {",
      "location /api/auth/ {",
      "location /api/users/ {",
      "location /api/courses/ {",
      "location /api/enrollments/ {",
      "location /api/payments/ {",
      "location /api/analytics/ {",
      "location /api/notifications/ {",
      "location /api/assessments/ {",
      "location /socket.io/ {",
      "location = /50x.html {",
      "location = /429.html {",
      "location /static/ {",
      "location ~* \\.(jpg|jpeg|png|gif|ico|svg)$ {",
      "location ~* \\.(css|js)$ {",
      "location /health {",
      "location /api/ {",
  };
  std::vector<Location> all;
  for (const auto& h : headers)
    ASSERT_NO_THROW(all.push_back(parseLocation(h))) << h;
  EXPECT_EQ(all[0].match, LocationMatch::kExact);
  EXPECT_EQ(all[0].pattern, "/health");
  EXPECT_EQ(all[1].match, LocationMatch::kPrefix);
  EXPECT_EQ(all[13].match, LocationMatch::kRegexCaseless);
  EXPECT_EQ(all[13].pattern, "\\.(jpg|jpeg|png|gif|ico|svg)$");
  // The static server of seed 000 compiles, regexes included.
  EXPECT_NO_THROW(NginxLocations({all[12], all[13], all[14]}));
  // Seed 003's server: /health and /api/ are plain prefixes.
  EXPECT_NO_THROW(NginxLocations({all[15], all[16], all[1], all[12]}));
}

TEST(NginxLocation, HeaderForms) {
  EXPECT_EQ(parseLocation("=/health").match, LocationMatch::kExact);
  EXPECT_EQ(parseLocation("=/health").pattern, "/health");
  EXPECT_EQ(parseLocation("^~/static/").match, LocationMatch::kPrefixNoRegex);
  EXPECT_EQ(parseLocation("~*\\.(css|js)$").match, LocationMatch::kRegexCaseless);
  EXPECT_EQ(parseLocation("~*\\.(css|js)$").pattern, "\\.(css|js)$");
  EXPECT_EQ(parseLocation("~ \"^/a{2}$\"").pattern, "^/a{2}$");
  EXPECT_EQ(parseLocation("location ^~ /images/{").pattern, "/images/");
  EXPECT_THROW(parseLocation("location @fallback {"), std::invalid_argument);
  EXPECT_THROW(parseLocation("location {"), std::invalid_argument);
  EXPECT_THROW(parseLocation("location ! /x"), std::invalid_argument);
  EXPECT_THROW(parseLocation("location ~"), std::invalid_argument);
  EXPECT_THROW(parseLocation("location = /a /b"), std::invalid_argument);
}

TEST(NginxLocation, TheDocumentationsExample) {
  // ngx_http_core_module, `location`: "The "/" request will match configuration A, the
  // "/index.html" request will match configuration B, the "/documents/document.html" request
  // will match configuration C, the "/images/1.gif" request will match configuration D, and
  // the "/documents/1.jpg" request will match configuration E."
  const NginxLocations n({loc("location = / {", "A"), loc("location / {", "B"),
                          loc("location /documents/ {", "C"), loc("location ^~ /images/ {", "D"),
                          loc("location ~* \\.(gif|jpg|jpeg)$ {", "E")});
  EXPECT_EQ(n.match("/").target, "A");
  EXPECT_EQ(n.match("/index.html").target, "B");
  EXPECT_EQ(n.match("/documents/document.html").target, "C");
  EXPECT_EQ(n.match("/images/1.gif").target, "D");
  EXPECT_EQ(n.match("/documents/1.jpg").target, "E");
}

TEST(NginxLocation, ExactMatchEndsTheSearch) {
  // "If an exact match is found, the search terminates": it beats a regex and a prefix.
  const NginxLocations n({loc("location ~ health {", "regex"), loc("location / {", "root"),
                          loc("location = /health {", "exact")});
  const RouteMatch m = n.match("/health");
  EXPECT_EQ(m.rule, 2u);
  EXPECT_EQ(m.target, "exact");
  EXPECT_EQ(m.status, 0);
  EXPECT_TRUE(contains(m.explain, "exact match location = /health ends the search"));
  // An exact location matches only its URI.
  EXPECT_EQ(n.match("/health/x").target, "regex");
}

TEST(NginxLocation, LongestPrefixIsRemembered) {
  // "the location with the longest matching prefix is selected", whatever the order.
  const NginxLocations n({loc("location /api/courses/ {", "course"), loc("location /api/ {", "api"),
                          loc("location / {", "root")});
  EXPECT_EQ(n.match("/api/courses/c1/lessons").target, "course");
  EXPECT_EQ(n.match("/api/users/profile").target, "api");
  EXPECT_EQ(n.match("/favicon.ico").target, "root");
  EXPECT_TRUE(contains(n.match("/api/x").explain, "the longest matching prefix is location /api/"));
  // Prefixes compare with case, as on Linux.
  EXPECT_EQ(n.match("/API/courses/c1").target, "root");
}

TEST(NginxLocation, CaretTildeOnTheLongestPrefixSkipsRegexes) {
  // "If the longest matching prefix location has the ^~ modifier then regular expressions are
  // not checked."
  const NginxLocations n({loc("location ~* \\.css$ {", "css"),
                          loc("location ^~ /static/ {", "static"),
                          loc("location /static/legacy/ {", "legacy")});
  const RouteMatch m = n.match("/static/app.css");
  EXPECT_EQ(m.target, "static");
  EXPECT_TRUE(contains(m.explain, "^~ skips the regular expressions"));
  // Only the LONGEST prefix's ^~ counts: /static/legacy/ is longer and plain, so the regex
  // is checked and wins.
  EXPECT_EQ(n.match("/static/legacy/old.css").target, "css");
  EXPECT_EQ(n.match("/static/legacy/old.txt").target, "legacy");
}

TEST(NginxLocation, FirstRegexInConfigurationOrderWins) {
  // "regular expressions are checked, in the order of their appearance in the configuration
  // file. The search of regular expressions terminates on the first match".
  const NginxLocations n({loc("location /api/ {", "prefix"), loc("location ~ ^/api/ {", "first"),
                          loc("location ~ \\.json$ {", "second")});
  const RouteMatch m = n.match("/api/report.json");
  EXPECT_EQ(m.rule, 1u);
  EXPECT_TRUE(contains(m.explain, "first regular expression in configuration order"));
  EXPECT_TRUE(contains(m.explain, "takes precedence over the longest prefix, location /api/"));
  EXPECT_EQ(n.match("/report.json").target, "second");
}

TEST(NginxLocation, RegexBeatsALongerPrefixAndPrefixIsTheFallback) {
  // "If no match with a regular expression is found then the configuration of the prefix
  // location remembered earlier is used."
  const NginxLocations n(
      {loc("location /api/courses/ {", "course"), loc("location ~* \\.(css|js)$ {", "assets")});
  EXPECT_EQ(n.match("/api/courses/app.JS").target, "assets");  // ~* ignores case
  EXPECT_EQ(n.match("/api/courses/c1").target, "course");
  EXPECT_TRUE(contains(n.match("/api/courses/c1").explain, "no regular expression matches"));
  const NginxLocations caseSensitive({loc("location ~ \\.png$ {", "png")});
  EXPECT_TRUE(caseSensitive.match("/a.png").matched());
  EXPECT_FALSE(caseSensitive.match("/a.PNG").matched());
}

TEST(NginxLocation, NoLocationMatches) {
  // Without a location, the server's own configuration serves the request (a file under its
  // root, so 404 for a path that is no file).
  const RouteMatch m = cerebrumApi().match("/api/courses");
  EXPECT_EQ(m.status, 301);  // see TrailingSlashRedirect
  const RouteMatch none = cerebrumApi().match("/wp-login.php");
  EXPECT_FALSE(none.matched());
  EXPECT_EQ(none.status, 404);
  EXPECT_TRUE(contains(none.explain, "no location matches"));
}

TEST(NginxLocation, TheCerebrumApiServer) {
  const NginxLocations n = cerebrumApi();
  EXPECT_EQ(n.match("/api/auth/login").target, "user_service");
  EXPECT_EQ(n.match("/api/courses/course_3/lessons?x=1").target, "course_service");
  EXPECT_EQ(n.match("/api/assessments/questions/random?count=10").target, "assessment_service");
  EXPECT_EQ(n.match("/health").rule, 0u);
  // `internal` (location = /429.html): a client asking for it gets 404.
  const RouteMatch internal = n.match("/429.html");
  EXPECT_EQ(internal.rule, 11u);
  EXPECT_EQ(internal.status, 404);
  EXPECT_EQ(n.match("/50x.html").status, 0);
}

TEST(NginxLocation, TrailingSlashRedirect) {
  // ngx_http_core_module: a prefix location ending with '/' whose requests go to proxy_pass
  // (and the other *_pass): "In response to a request with URI equal to this string, but
  // without the trailing slash, a permanent redirect with the code 301 will be returned".
  const NginxLocations n({loc("location /api/ {", "api", true),
                          loc("location /api/auth/ {", "user", true),
                          loc("location ~ auth {", "regex")});
  const RouteMatch m = n.match("/api/auth?next=/x");
  EXPECT_EQ(m.status, 301);
  EXPECT_EQ(m.rule, 1u);
  EXPECT_TRUE(contains(m.explain, "301 to /api/auth/ (regexes are not checked)"));
  // Without a passing directive there is no redirect: the regex and then /api/ decide.
  const NginxLocations plain({loc("location /api/ {", "api"), loc("location /api/auth/ {", "user"),
                              loc("location ~ auth {", "regex")});
  EXPECT_EQ(plain.match("/api/auth").target, "regex");
  // A location that is the URI itself wins over the redirect.
  const NginxLocations both(
      {loc("location /api/auth/ {", "slash", true), loc("location /api/auth {", "bare")});
  EXPECT_EQ(both.match("/api/auth").target, "bare");
  EXPECT_EQ(both.match("/api/auth").status, 0);
}

TEST(NginxLocation, UriIsNormalizedFirst) {
  // "The matching is performed against a normalized URI, after decoding the text encoded in
  // the "%XX" form, resolving references to relative path components "." and "..", and
  // possible compression of two or more adjacent slashes into a single slash."
  EXPECT_EQ(normalizeUri("/api//courses/./c1/../c2?x=1"), "/api/courses/c2");
  EXPECT_EQ(normalizeUri("/api/%63ourses/"), "/api/courses/");
  EXPECT_EQ(normalizeUri("/a/%2e%2e/b"), "/b");
  EXPECT_EQ(normalizeUri("/a/b/.."), "/a/");
  EXPECT_EQ(normalizeUri("/"), "/");
  EXPECT_EQ(normalizeUri("http://api.example.com/x/y?z"), "/x/y");
  EXPECT_EQ(normalizeUri("http://api.example.com"), "/");
  EXPECT_FALSE(normalizeUri("/../etc/passwd"));  // nginx: 400
  EXPECT_FALSE(normalizeUri("/a%zz"));
  EXPECT_FALSE(normalizeUri("*"));
  const NginxLocations n = cerebrumApi();
  const RouteMatch m = n.match("/api//courses/x");
  EXPECT_EQ(m.target, "course_service");
  EXPECT_TRUE(contains(m.explain, "(normalized from /api//courses/x)"));
  EXPECT_EQ(n.match("/../x").status, 400);
}

TEST(NginxLocation, PcreTranslationAndRefusals) {
  bool caseless = false;
  EXPECT_EQ(ecmascriptFromPcre("^/users/(?<id>\\d+)$", caseless), "^/users/(\\d+)$");
  EXPECT_EQ(ecmascriptFromPcre("^/(?P<v>v[12])/(?'rest'.*)", caseless), "^/(v[12])/(.*)");
  EXPECT_EQ(ecmascriptFromPcre("\\A/x\\z", caseless), "^/x$");
  EXPECT_FALSE(caseless);
  EXPECT_EQ(ecmascriptFromPcre("(?i)\\.png$", caseless), "\\.png$");
  EXPECT_TRUE(caseless);
  EXPECT_EQ(ecmascriptFromPcre("[(?<]x(?:a|b)(?=c)", caseless), "[(?<]x(?:a|b)(?=c)");
  EXPECT_THROW(ecmascriptFromPcre("(?<=/api)/x", caseless), std::invalid_argument);
  EXPECT_THROW(ecmascriptFromPcre("a++", caseless), std::invalid_argument);
  EXPECT_THROW(ecmascriptFromPcre("(?>a)", caseless), std::invalid_argument);
  EXPECT_THROW(ecmascriptFromPcre("a(?i)b", caseless), std::invalid_argument);
  EXPECT_THROW(ecmascriptFromPcre("\\p{L}", caseless), std::invalid_argument);
  const NginxLocations n(
      {loc("location ~ ^/users/(?<id>\\d+)$ {", "user"), loc("location ~ (?i)^/ADMIN {", "admin")});
  EXPECT_EQ(n.match("/users/42").target, "user");
  EXPECT_FALSE(n.match("/users/x").matched());
  EXPECT_EQ(n.match("/admin/x").target, "admin");
}

TEST(NginxLocation, ConfigurationErrors) {
  try {
    NginxLocations({loc("location /api/ {", "a"), loc("location = /api/ {", "b"),
                    loc("location ^~ /api/ {", "c"), loc("location ~ ([a- {", "d"),
                    loc("location ~ (?<!x)y {", "e")});
    ADD_FAILURE();
  } catch (const RouteConfigError& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    // An exact and a prefix location of one URI are fine; two prefixes are not (nginx:
    // "duplicate location").
    EXPECT_EQ(e.problems()[0].rule, 2u);
    EXPECT_TRUE(contains(e.problems()[0].message, "duplicate location \"/api/\""));
    EXPECT_EQ(e.problems()[1].rule, 3u);
    EXPECT_TRUE(contains(e.problems()[1].message, "does not compile"));
    EXPECT_EQ(e.problems()[2].rule, 4u);
    EXPECT_TRUE(contains(e.problems()[2].message, "a lookbehind"));
  }
}

// The seed's HTTPS listener (000_ed1a8df81786f13a.txt, alb-config.yaml): three rules and a
// fixed-response 404 default.
AlbListenerRules cerebrumAlb() {
  AlbRule users{100, {"/api/auth/*", "/api/users/*"}, {}, {}, "UserServiceTargetGroup"};
  AlbRule enrollments{200, {"/api/enrollments/*"}, {}, {}, "EnrollmentServiceTargetGroup"};
  AlbRule payments{300, {"/api/payments/*"}, {}, {}, "PaymentServiceTargetGroup"};
  return AlbListenerRules({users, enrollments, payments}, AlbDefaultAction{404, ""});
}

TEST(AlbRules, TheCerebrumListener) {
  const AlbListenerRules alb = cerebrumAlb();
  RouteMatch m = alb.match("POST", "api.cerebrumbiologyacademy.com", "/api/auth/login");
  EXPECT_EQ(m.rule, 0u);
  EXPECT_EQ(m.target, "UserServiceTargetGroup");
  EXPECT_EQ(alb.match("GET", "", "/api/users/profile").rule, 0u);
  m = alb.match("POST", "", "/api/payments/charge?amount=10");
  EXPECT_EQ(m.rule, 2u);
  EXPECT_TRUE(contains(m.explain, "priority 300 (rule 2) is the first rule"));
  EXPECT_TRUE(contains(m.explain, "before it, priority 100 (rule 0): path-pattern"));
  // No rule for courses: the default fixed-response.
  m = alb.match("GET", "", "/api/courses/course_1");
  EXPECT_FALSE(m.matched());
  EXPECT_EQ(m.status, 404);
  EXPECT_TRUE(contains(m.explain,
                       "no rule matches, so the default action answers: "
                       "fixed-response 404"));
  // '/api/auth/*' needs the slash: "/api/auth" itself falls to the default.
  EXPECT_EQ(alb.match("GET", "", "/api/auth").status, 404);
}

TEST(AlbRules, LowerPriorityIsEvaluatedFirst) {
  // "Rules are evaluated in priority order, from the lowest value to the highest value",
  // whatever the order they are listed in.
  const AlbListenerRules alb({AlbRule{20, {"/api/*"}, {}, {}, "api"},
                              AlbRule{10, {"/api/payments/*"}, {}, {}, "payments"},
                              AlbRule{50000, {"*"}, {}, {}, "catch-all"}});
  EXPECT_EQ(alb.match("GET", "", "/api/payments/x").target, "payments");
  EXPECT_EQ(alb.match("GET", "", "/api/courses").target, "api");
  EXPECT_EQ(alb.match("GET", "", "/").target, "catch-all");
}

TEST(AlbRules, ConditionsAllMustMatch) {
  const AlbListenerRules alb({AlbRule{1, {"/api/*"}, {"*.example.com"}, {"POST", "PUT"}, "writes"},
                              AlbRule{2, {"/api/*"}, {"api.example.com"}, {}, "reads"}},
                             AlbDefaultAction{0, "default-group"});
  EXPECT_EQ(alb.match("POST", "API.Example.COM", "/api/x").target, "writes");  // host: no case
  EXPECT_EQ(alb.match("GET", "api.example.com", "/api/x").target, "reads");
  // Methods compare with case and without wildcards.
  EXPECT_EQ(alb.match("post", "api.example.com", "/api/x").target, "reads");
  const RouteMatch m = alb.match("POST", "www.other.org", "/api/x");
  EXPECT_EQ(m.target, "default-group");  // the default forwards
  EXPECT_EQ(m.status, 0);
  EXPECT_TRUE(contains(m.explain, "host-header '*.example.com' does not match www.other.org"));
}

TEST(AlbRules, Wildcards) {
  // '*' any run (also none), '?' exactly one; path patterns compare with case.
  EXPECT_TRUE(albWildcardMatch("/api/*", "/api/", false));
  EXPECT_TRUE(albWildcardMatch("/api/*", "/api/a/b/c", false));
  EXPECT_TRUE(albWildcardMatch("/img/*/pics", "/img/2024/pics", false));
  EXPECT_FALSE(albWildcardMatch("/img/*/pics", "/img/2024/pics/1", false));
  EXPECT_TRUE(albWildcardMatch("/v?/items", "/v1/items", false));
  EXPECT_FALSE(albWildcardMatch("/v?/items", "/v10/items", false));
  EXPECT_FALSE(albWildcardMatch("/v?/items", "/v/items", false));
  EXPECT_FALSE(albWildcardMatch("/API/*", "/api/x", false));
  EXPECT_TRUE(albWildcardMatch("/API/*", "/api/x", true));
  EXPECT_TRUE(albWildcardMatch("*a*b*c", "xxaxxbxxbxc", false));
  EXPECT_TRUE(albWildcardMatch("*", "", false));
  EXPECT_FALSE(albWildcardMatch("?", "", false));
  // The query string is not part of the path.
  const AlbListenerRules alb({AlbRule{1, {"/search"}, {}, {}, "search"}});
  EXPECT_EQ(alb.match("GET", "", "/search?q=*").target, "search");
}

TEST(AlbRules, ValidationAsAwsDoes) {
  try {
    AlbListenerRules({AlbRule{100, {"/a/*"}, {}, {}, "a"}, AlbRule{100, {"/b/*"}, {}, {}, "b"},
                      AlbRule{0, {"/c"}, {}, {}, "c"}, AlbRule{5, {}, {}, {}, "d"},
                      AlbRule{6, {"/1", "/2", "/3", "/4"}, {}, {}, "e"},
                      AlbRule{7, {"/a b"}, {"example"}, {"get"}, "f"},
                      AlbRule{8, {"/*/*/*/*/*/*"}, {}, {}, "g"}},
                     AlbDefaultAction{302, ""});
    ADD_FAILURE();
  } catch (const RouteConfigError& e) {
    std::vector<std::size_t> rules;
    for (const auto& p : e.problems())
      rules.push_back(p.rule);
    EXPECT_EQ(rules, (std::vector<std::size_t>{1, 2, 3, 4, 5, 5, 5, 6, RouteMatch::kDefault}));
    EXPECT_EQ(e.problems()[0].message,
              "priority 100 is already used by rule 0 (AWS: PriorityInUse); allowed: a priority "
              "no other rule of the listener has");
    EXPECT_TRUE(
        contains(e.problems()[1].message, "priority 0 is out of range; allowed: 1 to 50000"));
    EXPECT_TRUE(contains(e.problems()[2].message, "the rule has no condition"));
    EXPECT_TRUE(contains(e.problems()[3].message, "at most 3 per condition"));
    EXPECT_TRUE(contains(e.problems()[4].message, "path-pattern '/a b' has the character ' '"));
    EXPECT_TRUE(contains(e.problems()[5].message,
                         "host-header 'example' must have a '.' and only letters after"));
    EXPECT_TRUE(contains(e.problems()[6].message, "http-request-method 'get' has the character"));
    EXPECT_TRUE(contains(e.problems()[7].message, "6 wildcards; allowed: at most 5 per rule"));
    EXPECT_TRUE(contains(e.problems()[8].message, "fixed-response status 302"));
  }
}

}  // namespace
}  // namespace lbsim::models::routing
