// Routing rules at gateways in the scenario language: routes derived from request paths,
// routes checked against the rules, and the located errors for each kind of mistake. The
// matching itself (nginx's location order, ALB priorities) is tested in
// tests/models/path_rules_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "models/experiment.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/scenario_text_test.h"
#include "tests/support/text_lines.h"

namespace lbsim::scenarios {
namespace {

using lbsim::testing::replaceLine;

// Line numbers in the tests are 1-based positions in this text.
const std::string kGateway = R"(name: gateway
duration: 1m
traffic:
  phases: [{duration: 1m, rate: 10/s}]
  mix: [{class: login}, {class: course}, {class: lost}, {class: health}]
classes:
  - {id: login, method: POST, path: /api/auth/login}
  - {id: course, path: /api/courses/42, cacheable: false}
  - {id: lost, path: /wp-admin/}
  - {id: health, path: /health}
tiers:
  - id: nginx
    service: {dist: exponential, mean: 1ms}
    replicas: 2
    routing:
      nginx:
        - {location: /api/auth/, to: users}
        - {location: /api/, to: courses}
        - {location: "~* ^/api/courses/", to: courses}
        - {location: = /health, status: 200}
  - {id: users, service: {dist: exponential, mean: 5ms}, replicas: 2, next: [db]}
  - {id: courses, service: {dist: exponential, mean: 5ms}, replicas: 2, next: [db]}
  - {id: db, kind: database, service: {dist: exponential, mean: 1ms}}
)";

class RoutingTest : public lbsim::testing::ScenarioTextTest {
 protected:
  RoutingTest() : ScenarioTextTest("gateway.yaml") {}
};

// A cache with a max_size counts bytes, so the classes it may store need a response_size;
// those it never stores do not: a location with `proxy_cache off` (here the regex location
// that /api/courses/42 takes), or a POST.
TEST_F(RoutingTest, OnlyClassesACacheMayStoreNeedAResponseSize) {
  std::string text = replaceLine(kGateway, 14, "    replicas: 2\n    cache: {max_size: 1m}");
  text = replaceLine(text, 8, "  - {id: course, path: /api/courses/42}");
  text = replaceLine(text, 9, "  - {id: lost, path: /wp-admin/, response_size: 1k}");
  text = replaceLine(text, 10, "  - {id: health, path: /health, response_size: 1k}");
  EXPECT_EQ(errors(text),
            "gateway.yaml:8:10: class 'course' is cached at 'nginx', whose cache has a max_size; "
            "allowed: give the class a response_size such as 10k");
  text = replaceLine(text, 19,
                     "        - {location: \"~* ^/api/courses/\", to: courses, proxy_cache: "
                     "\"proxy_cache off;\"}");
  const auto spec = load(text);
  EXPECT_EQ(spec.classes[1].responseBytes, 0u);
}

// nginx's order: /api/auth/ is the longest prefix for the login; for /api/courses/42 the
// regex wins over the remembered prefix /api/ (both go to courses); = /health is answered by
// nginx itself; /wp-admin/ matches nothing and nginx answers 404. After a service, the single
// `next` leads to the database.
TEST_F(RoutingTest, DerivesRoutesFromPaths) {
  const auto spec = load(kGateway);
  using V = std::vector<std::string>;
  EXPECT_EQ(spec.classes[0].route, (V{"nginx", "users", "db"}));
  EXPECT_EQ(spec.classes[0].fixedStatus, 0);
  EXPECT_EQ(spec.classes[0].method, "POST");
  EXPECT_EQ(spec.classes[1].route, (V{"nginx", "courses", "db"}));
  EXPECT_FALSE(spec.classes[1].cacheable);
  EXPECT_EQ(spec.classes[2].route, (V{"nginx"}));
  EXPECT_EQ(spec.classes[2].fixedStatus, 404);
  EXPECT_EQ(spec.classes[3].route, (V{"nginx"}));
  EXPECT_EQ(spec.classes[3].fixedStatus, 200);
}

TEST_F(RoutingTest, ResolvedScenarioRoundTrips) {
  const std::string once = resolvedScenarioYaml(load(kGateway));
  EXPECT_EQ(resolvedScenarioYaml(load(once)), once);
}

// A fixed 404 is an error of its own cause, counted at the gateway; a fixed 200 is a
// response like any other.
TEST_F(RoutingTest, FixedResponsesAreCountedByStatus) {
  auto spec = load(kGateway);
  const auto r = models::runReplication(spec, 0, policies_);
  double notFound = 0, gatewayNotFound = 0, healthCompleted = 0, lostCompleted = -1;
  for (const auto& f : r.figures) {
    if (f.path == "end_to_end/all/errors/404_not_found") notFound = f.value;
    if (f.path == "tiers/nginx/errors/404_not_found") gatewayNotFound = f.value;
    if (f.path == "end_to_end/classes/health/completed") healthCompleted = f.value;
    if (f.path == "end_to_end/classes/lost/completed") lostCompleted = f.value;
  }
  EXPECT_GT(notFound, 80.0);  // a quarter of ~600 arrivals
  EXPECT_EQ(gatewayNotFound, notFound);
  EXPECT_EQ(lostCompleted, 0.0);
  EXPECT_GT(healthCompleted, 80.0);
}

TEST_F(RoutingTest, RouteThatTheRulesDoNotTake) {
  EXPECT_EQ(errors(replaceLine(kGateway, 7,
                               "  - {id: login, method: POST, path: /api/auth/login, route: "
                               "[nginx, courses, db]}")),
            "gateway.yaml:7:69: route of class 'login' goes from 'nginx' to 'courses', but "
            "'nginx' sends POST /api/auth/login to 'users' (URI /api/auth/login: the longest "
            "matching prefix is location /api/auth/, and no regular expression matches); "
            "allowed: users");
}

TEST_F(RoutingTest, RouteThatGoesOnPastAFixedResponse) {
  const std::string e =
      errors(replaceLine(kGateway, 9, "  - {id: lost, path: /wp-admin/, route: [nginx, users]}"));
  EXPECT_EQ(e.substr(0, e.find(" itself")),
            "gateway.yaml:9:49: route of class 'lost' goes on from 'nginx' to 'users', but "
            "'nginx' answers GET /wp-admin/ with 404");
  EXPECT_NE(e.find("allowed: end the route at 'nginx'"), std::string::npos);
}

TEST_F(RoutingTest, RouteThatEndsWhereTheGatewayPassesOn) {
  const std::string e =
      errors(replaceLine(kGateway, 8, "  - {id: course, path: /api/x, route: [nginx]}"));
  EXPECT_EQ(e.substr(0, e.find(" (")),
            "gateway.yaml:8:40: route of class 'course' ends at "
            "'nginx', but 'nginx' passes GET /api/x on to 'courses'");
  EXPECT_NE(e.find("allowed: continue to 'courses'"), std::string::npos);
}

TEST_F(RoutingTest, RoutedTierWithoutAPath) {
  EXPECT_EQ(errors(replaceLine(kGateway, 8, "  - {id: course, route: [nginx, courses]}")),
            "gateway.yaml:8:25: class 'course' passes through 'nginx', which routes requests by "
            "path; allowed: give the class a path");
}

// A tier with a mistake of its own leaves derived routes unknown: demands on such a class
// are not reported again as "not on the route".
TEST_F(RoutingTest, NoSecondErrorForDemandsOnAnUnknownRoute) {
  std::string text = replaceLine(kGateway, 7,
                                 "  - {id: login, method: POST, path: /api/auth/login, demands: "
                                 "{db: {op: write}}}");
  text = replaceLine(text, 21,
                     "  - {id: users, service: {dist: exponential, mean: 5 weeks}, replicas: 2, "
                     "next: [db]}");
  const std::string e = errors(text);
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_NE(e.find("gateway.yaml:21:"), std::string::npos) << e;
}

TEST_F(RoutingTest, ClassWithNeitherRouteNorPath) {
  EXPECT_EQ(errors(replaceLine(kGateway, 8, "  - {id: course}")),
            "gateway.yaml:8:5: missing key 'route' in class 'course'; allowed: a route, or a path "
            "that the gateways route");
}

TEST_F(RoutingTest, RuleToAnUnknownTier) {
  EXPECT_EQ(errors(replaceLine(kGateway, 17, "        - {location: /api/auth/, to: user}")),
            "gateway.yaml:17:38: unknown tier 'user' in tier 'nginx' routing location; allowed: "
            "nginx, users, courses, db");
}

TEST_F(RoutingTest, UnreadableLocation) {
  const std::string e =
      errors(replaceLine(kGateway, 17, "        - {location: \"@fallback\", to: users}"));
  EXPECT_EQ(e.rfind("gateway.yaml:17:22: tier 'nginx' routing location '@fallback': ", 0), 0u) << e;
}

// A `next` that names no tier, on a route derived from a path: the derivation stops there
// with an error at the class's path (it used to follow the missing tier).
TEST_F(RoutingTest, DerivedRouteReachesATierThatIsNotDeclared) {
  const std::string text = replaceLine(
      kGateway, 21,
      "  - {id: users, service: {dist: exponential, mean: 5ms}, replicas: 2, next: [dbx]}");
  EXPECT_EQ(errors(text),
            "gateway.yaml:7:37: the route of class 'login' derived from its path goes from "
            "'users' to 'dbx', which is not a tier; allowed: nginx, users, courses, db");
}

// No tier at all: that is the error, and the classes' paths are not followed.
TEST_F(RoutingTest, EmptyTierListIsTheOnlyError) {
  std::string text = kGateway.substr(0, kGateway.find("tiers:\n")) + "tiers: []\n";
  EXPECT_EQ(errors(text), "gateway.yaml:11:8: tiers is empty; allowed: one or more tiers");
}

// ALB listener rules: lowest priority first; no rule matching gives the default action.
const std::string kAlb = R"(name: alb
duration: 1m
traffic:
  phases: [{duration: 1m, rate: 10/s}]
  mix: [{class: a}, {class: b}, {class: c}]
classes:
  - {id: a, path: /api/auth/login}
  - {id: b, path: /api/other}
  - {id: c, path: /favicon.ico}
tiers:
  - id: alb
    service: {dist: exponential, mean: 1ms}
    replicas: 2
    routing:
      alb:
        - {priority: 20, path: [/api/*], to: api}
        - {priority: 10, path: [/api/auth/*], to: auth}
      default: {status: 404}
  - {id: auth, service: {dist: exponential, mean: 5ms}, replicas: 1}
  - {id: api, service: {dist: exponential, mean: 5ms}, replicas: 1}
)";

TEST_F(RoutingTest, AlbRulesByPriorityWithADefaultAction) {
  const auto spec = load(kAlb);
  using V = std::vector<std::string>;
  EXPECT_EQ(spec.classes[0].route, (V{"alb", "auth"}));
  EXPECT_EQ(spec.classes[1].route, (V{"alb", "api"}));
  EXPECT_EQ(spec.classes[2].route, (V{"alb"}));
  EXPECT_EQ(spec.classes[2].fixedStatus, 404);
}

TEST_F(RoutingTest, AlbDuplicatePriority) {
  const std::string e =
      errors(replaceLine(kAlb, 17, "        - {priority: 20, path: [/api/auth/*], to: auth}"));
  EXPECT_EQ(e.rfind("gateway.yaml:17:11: tier 'alb' routing: priority 20", 0), 0u) << e;
}

}  // namespace
}  // namespace lbsim::scenarios
