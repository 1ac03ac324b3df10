// Rate limiters in tiers, through the simulator, on arrival sequences whose outcome is
// worked out by hand: nginx limit_req at a location, Kong's minute window per node (local)
// or shared (redis). The limiters' own arithmetic is tested in tests/models/ratelimit_test.cc.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/experiment.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

class RateLimitTierTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  models::ScenarioSpec load(const std::string& yaml) {
    return scenarios::loadScenarioText(yaml, "limits.yaml", policies_);
  }
  models::ReplicationResult run(const std::string& yaml) {
    return models::runReplication(load(yaml), 0, policies_);
  }
  static double value(const models::ReplicationResult& r, const std::string& path) {
    return test::figureValue(r.figures, path);
  }
};

// One client, evenly spaced at 8/s (every 125 ms, exact in binary and in milliseconds) for
// 60 s: 480 requests to a location with `limit_req zone=api burst=4 nodelay`, rate=4r/s.
// Each accepted request adds 1 to the excess and 125 ms drain 0.5: the first request of the
// key is free (excess 0), the n-th accepted in a row has excess 0.5 (n - 1), so requests 1-9
// pass (excess 4 <= burst 4) and the 10th would reach 4.5 and is rejected (rejected requests
// change nothing). From then on, a request 125 ms after the last accepted one would reach
// 4.5 (rejected) and one 250 ms after it 4 (accepted): the other 471 alternate, rejected
// first: 236 rejected, 235 accepted. In all 244 pass and 236 get nginx's default 503.
const std::string kNginx = R"(name: nginx-limits
duration: 61s
traffic:
  arrivals: uniform
  clients: 1
  phases: [{duration: 60s, rate: 8/s}]
  mix: [{class: api}]
classes:
  - {id: api, path: /api/courses/1}
tiers:
  - id: nginx
    service: {dist: deterministic, value: 1ms}
    replicas: 1
    replica: {workers: 100}
    limit_req_zones: ["$binary_remote_addr zone=api:10m rate=4r/s"]
    routing:
      nginx:
        - {location: /api/, to: app, limit_req: "zone=api burst=4 nodelay"}
  - {id: app, service: {dist: deterministic, value: 1ms}, replicas: 1, replica: {workers: 100}}
)";

TEST_F(RateLimitTierTest, NginxLimitReqRejectsExactlyAsNginxWould) {
  const auto r = run(kNginx);
  EXPECT_EQ(value(r, "end_to_end/all/requests"), 480.0);
  EXPECT_EQ(value(r, "end_to_end/all/completed"), 244.0);
  EXPECT_EQ(value(r, "end_to_end/all/errors/503_rate_limited"), 236.0);
  EXPECT_EQ(value(r, "tiers/nginx/rate_limits/limit_req:api/rejected"), 236.0);
  EXPECT_EQ(value(r, "tiers/nginx/rate_limits/limit_req:api/delayed"), 0.0);
  EXPECT_EQ(value(r, "tiers/app/completed"), 244.0);  // rejected requests never go on
}

// With limit_req_status 429 the same requests are rejected with 429.
TEST_F(RateLimitTierTest, LimitReqStatusSetsTheCode) {
  std::string text = kNginx;
  text.replace(text.find("    routing:"), 0, "    limit_req_status: 429\n");
  const auto r = run(text);
  EXPECT_EQ(value(r, "end_to_end/all/errors/429_rate_limited"), 236.0);
  EXPECT_EQ(value(r, "end_to_end/all/errors/503_rate_limited"), 0.0);
}

// Without nodelay, requests above the rate wait instead: none is rejected while the wait
// stays within the burst... and the delayed ones are counted.
TEST_F(RateLimitTierTest, WithoutNodelayRequestsAreDelayed) {
  std::string text = kNginx;
  text.replace(text.find(" nodelay"), 8, "");
  const auto r = run(text);
  EXPECT_GT(value(r, "tiers/nginx/rate_limits/limit_req:api/delayed"), 0.0);
  // Delays keep the accepted rate at 4/s: at most 4 x 60 + 5 requests get through in 61 s.
  EXPECT_LE(value(r, "end_to_end/all/completed"), 4.0 * 60 + 5);
}

// Kong `minute=100`: 599 requests at 10/s from one client within the first minute, round
// robin over two Kong nodes (300 and 299). policy=local counts per node: each lets 100
// through, 200 in all; policy=redis shares one counter: 100.
TEST_F(RateLimitTierTest, KongLocalCountsPerNodeRedisSharesTheCounter) {
  const std::string base = R"(name: kong
duration: 61s
traffic:
  arrivals: uniform
  clients: 1
  phases: [{duration: 59.95s, rate: 10/s}]
  mix: [{class: api}]
classes: [{id: api, route: [kong, app]}]
tiers:
  - id: kong
    service: {dist: deterministic, value: 1ms}
    replicas: 2
    replica: {workers: 100}
    rate_limits: [{kong: "minute=100 policy=POLICY"}]
  - {id: app, service: {dist: deterministic, value: 1ms}, replicas: 1, replica: {workers: 100}}
)";
  auto with = [&](const std::string& policy) {
    std::string text = base;
    text.replace(text.find("POLICY"), 6, policy);
    return run(text);
  };
  const auto local = with("local");
  EXPECT_EQ(value(local, "end_to_end/all/requests"), 599.0);
  EXPECT_EQ(value(local, "end_to_end/all/completed"), 200.0);
  EXPECT_EQ(value(local, "end_to_end/all/errors/429_rate_limited"), 399.0);
  EXPECT_EQ(value(local, "tiers/kong/rate_limits/kong/rejected"), 399.0);
  EXPECT_EQ(value(with("redis"), "end_to_end/all/completed"), 100.0);
}

TEST_F(RateLimitTierTest, LocatedErrorsAndRoundTrip) {
  std::string bad = kNginx;
  bad.replace(bad.find("burst=4 nodelay"), 15, "burst=four");
  try {
    load(bad);
    FAIL() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "limits.yaml:18:49: tier 'nginx' location '/api/': nginx limit_req: "
              "invalid burst value \"burst=four\"; allowed: a whole number above 0");
  }
  const std::string once = scenarios::resolvedScenarioYaml(load(kNginx));
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);
}

}  // namespace
}  // namespace lbsim
