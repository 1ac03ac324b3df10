// The edge mechanisms of a tier in the running model, on deterministic scenarios whose
// timelines are worked out by hand from nginx's documented rules: limit_conn (a request holds
// its slot from the moment limit_req lets it in until its response leaves the tier) and
// upstream keep-alive (a request with no idle connection to its replica pays the connect
// time). The pure classes are tested in tests/models/ratelimit_test.cc and
// tests/models/pool_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "models/cache/cache_rules.h"
#include "models/metrics/collector.h"
#include "models/network.h"
#include "scenarios/writer.h"
#include "tests/support/figures.h"
#include "tests/support/scenario_text_test.h"

namespace lbsim {
namespace {

using models::ErrorCause;

struct End {
  double sent;
  double latency;
  bool failed;
  ErrorCause cause;
  models::ClassIndex cls = 0;
};

class Ends final : public models::NetworkObserver {
 public:
  void onRequestCompleted(const models::Request& r, double now) override {
    ends.push_back({r.created, now - r.created, false, ErrorCause::kCount, r.cls});
  }
  void onRequestFailed(const models::Request& r, models::TierIndex, models::ReplicaIndex,
                       ErrorCause cause, double now) override {
    ends.push_back({r.created, now - r.created, true, cause, r.cls});
  }
  // In the order the clients sent them.
  std::vector<End> bySent() const {
    std::vector<End> out = ends;
    std::stable_sort(out.begin(), out.end(),
                     [](const End& a, const End& b) { return a.sent < b.sent; });
    return out;
  }
  std::size_t count(ErrorCause cause) const {
    return static_cast<std::size_t>(std::count_if(
        ends.begin(), ends.end(), [&](const End& e) { return e.failed && e.cause == cause; }));
  }
  std::vector<End> ends;
};

class EdgeTierTest : public lbsim::testing::ScenarioTextTest {
 protected:
  EdgeTierTest() : ScenarioTextTest("edge.yaml") {}

  // Runs the scenario until nothing is left to happen (no stop time): every request ends.
  // With health checks, which go on for ever, until `until` seconds.
  void run(const std::string& yaml, double until = 0.0) {
    spec_ = load(yaml);
    network_ = std::make_unique<models::Network>(spec_, 1, policies_);
    collector_ = std::make_unique<models::Collector>(*network_);
    network_->addObserver(&ends_);
    network_->addObserver(collector_.get());
    network_->start();
    if (until > 0.0) network_->simulator().stopAt(until);
    network_->simulator().run();
  }
  double figure(const std::string& path) const {
    return test::figureValue(collector_->figures(network_->simulator().now()), path);
  }
  models::ScenarioSpec spec_;
  std::unique_ptr<models::Network> network_;
  std::unique_ptr<models::Collector> collector_;
  Ends ends_;
};

// One client sends a request every 100 ms (evenly spaced arrivals start one gap in: 0.1 to
// 1.0 s, 10 requests) through an nginx with `limit_conn conn 2` to an app that takes 250 ms;
// nginx itself takes no time. A request holds its slot from its arrival at t until its
// response leaves nginx at t + 250 ms:
//   0.1 in (held 0), 0.2 in (held 1: 0.1), 0.3 rejected (held 2: 0.1 and 0.2),
//   0.4 in (0.1 left at 0.35), 0.5 in (0.2 left at 0.45), 0.6 rejected (0.4, 0.5),
//   0.7 in, 0.8 in, 0.9 rejected, 1.0 in (0.7 left at 0.95).
// So requests 3, 6 and 9 (0.3, 0.6, 0.9 s) get nginx's default limit_conn_status 503 at once,
// the 7 others take 250 ms, and only those 7 reach the app.
const char* kLimitConn = R"(name: limit-conn
duration: 1s
traffic:
  arrivals: uniform
  clients: 1
  phases: [{duration: 1s, rate: 10/s}]
  mix: [{class: api}]
classes: [{id: api, route: [nginx, app]}]
tiers:
  - id: nginx
    service: {dist: deterministic, value: 0ms}
    replicas: 1
    replica: {workers: 100}
    limit_conn: |
      limit_conn_zone $binary_remote_addr zone=conn:10m;
      limit_conn conn 2;
  - {id: app, service: {dist: deterministic, value: 250ms}, replicas: 1, replica: {workers: 100}}
)";

TEST_F(EdgeTierTest, LimitConnHoldsASlotUntilTheResponseLeavesTheTier) {
  run(kLimitConn);
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 10u);
  for (std::size_t i = 0; i < ends.size(); ++i) {
    EXPECT_NEAR(ends[i].sent, 0.1 * static_cast<double>(i + 1), 1e-9) << i;
    const bool rejected = i == 2 || i == 5 || i == 8;
    EXPECT_EQ(ends[i].failed, rejected) << "request sent at " << ends[i].sent;
    if (rejected) {
      EXPECT_EQ(ends[i].cause, ErrorCause::kRateLimited503);
      EXPECT_NEAR(ends[i].latency, 0.0, 1e-12);
    } else {
      EXPECT_NEAR(ends[i].latency, 0.25, 1e-9);
    }
  }
  EXPECT_EQ(figure("tiers/nginx/rate_limits/limit_conn:conn/rejected"), 3.0);
  EXPECT_EQ(figure("tiers/app/completed"), 7.0);
  EXPECT_EQ(network_->tier(0).connectionsHeld(0), 0u);  // every slot given back
}

// limit_conn_status sets the code; a zone keyed by something other than the client address
// counts every request under one key. Two clients alternate here (clients: 2 draws them at
// random, so the key must not matter): with `$server_name` as the key the same three
// requests are rejected, now with 429.
TEST_F(EdgeTierTest, LimitConnStatusAndAZoneWithOneKeyForAll) {
  std::string yaml = kLimitConn;
  yaml.replace(yaml.find("clients: 1"), 10, "clients: 2");
  yaml.replace(yaml.find("$binary_remote_addr"), 19, "$server_name");
  yaml.replace(yaml.find("      limit_conn conn 2;"), 0, "      limit_conn_status 429;\n");
  run(yaml);
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 10u);
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const bool rejected = i == 2 || i == 5 || i == 8;
    EXPECT_EQ(ends[i].failed, rejected) << i;
    if (rejected) {
      EXPECT_EQ(ends[i].cause, ErrorCause::kRateLimited429);
    }
  }
}

// nginx runs limit_req before limit_conn, and a request delayed by limit_req asks for its
// limit_conn slot only when the delay is over. `limit_req zone=api burst=5` at rate=2r/s
// (2000 milli-requests/s, no nodelay) and `limit_conn conn 1`, one client at 0.1, 0.2 and
// 0.3 s, an app taking 50 ms:
//   0.1: the key's first request, excess 0, no delay; holds the slot until 0.15.
//   0.2: excess max(0 - 2000 x 100 / 1000 + 1000, 0) = 800: waits 800 / 2000 s = 400 ms,
//        takes the slot at 0.6 (free), done at 0.65: 450 ms.
//   0.3: excess 800 - 200 + 1000 = 1600: waits 800 ms, slot at 1.1 (free), done at 1.15:
//        850 ms.
// Had the delayed requests been counted while they waited, the third would find the second's
// slot taken at 0.3 s and be rejected.
TEST_F(EdgeTierTest, LimitConnCountsADelayedRequestOnlyAfterItsDelay) {
  run(R"(name: req-then-conn
duration: 350ms
traffic:
  arrivals: uniform
  clients: 1
  phases: [{duration: 350ms, rate: 10/s}]
  mix: [{class: api}]
classes: [{id: api, path: /api/x}]
tiers:
  - id: nginx
    service: {dist: deterministic, value: 0ms}
    replicas: 1
    replica: {workers: 100}
    limit_req_zones: ["$binary_remote_addr zone=api:10m rate=2r/s"]
    limit_conn: "limit_conn_zone $binary_remote_addr zone=conn:10m; limit_conn conn 1;"
    routing:
      nginx:
        - {location: /api/, to: app, limit_req: "zone=api burst=5"}
  - {id: app, service: {dist: deterministic, value: 50ms}, replicas: 1, replica: {workers: 100}}
)");
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 3u);
  const double latency[] = {0.05, 0.45, 0.85};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(ends[i].failed) << i;
    EXPECT_NEAR(ends[i].latency, latency[i], 1e-9) << i;
  }
  EXPECT_EQ(figure("tiers/nginx/rate_limits/limit_req:api/delayed"), 2.0);
  EXPECT_EQ(figure("tiers/nginx/rate_limits/limit_conn:conn/rejected"), 0.0);
}

// Every way a request can end at a tier gives its slot back (and its keep-alive connection):
// responses, rejections, queue full and queue timeouts, resets when a replica crashes, hung
// replicas and the callers' timeouts (the work left downstream as an orphan keeps its slot until
// its response leaves), retries at another replica. Random service times, five clients, faults on
// the app; after the run (every request ended) no slot is held at any replica of either tier.
TEST_F(EdgeTierTest, LimitConnSlotsAreGivenBackHoweverARequestEnds) {
  run(R"(name: no-leaks
duration: 30s
traffic:
  arrivals: poisson
  clients: 5
  phases: [{duration: 30s, rate: 60/s}]
  mix: [{class: api}]
classes: [{id: api, route: [nginx, app]}]
tiers:
  - id: nginx
    service: {dist: exponential, mean: 1ms}
    replicas: 2
    replica: {workers: 100}
    limit_conn: "limit_conn conn 4"
    timeouts: {response: 1500ms}
  - id: app
    service: {dist: exponential, mean: 60ms}
    replicas: 2
    replica: {workers: 2, queue_limit: 3, queue_timeout: 300ms}
    limit_conn: "limit_conn_zone $binary_remote_addr zone=app:1m; limit_conn app 3;"
    keepalive: {nginx: "keepalive 2;", connect_time: 5ms}
    timeouts: {connect: 200ms, response: 1s}
    retries: {style: nginx, tries: 2, on: [error, timeout, http_503]}
faults:
  - {fault: crash, tier: app, replicas: [app-1], at: 5s, for: 5s}
  - {fault: hang, tier: app, replicas: [app-2], at: 15s, for: 3s}
  - {fault: unreachable, tier: app, replicas: [app-1], at: 20s, for: 2s}
  - {fault: slow, tier: app, replicas: [app-2], speed: 0.1, at: 24s, for: 4s}
)");
  EXPECT_EQ(network_->requestsInFlight(), 0u);
  for (models::TierIndex t = 0; t < 2; ++t) {
    for (models::ReplicaIndex r = 0; r < 2; ++r) {
      EXPECT_EQ(network_->tier(t).connectionsHeld(r), 0u) << network_->tier(t).id() << " " << r;
    }
  }
  EXPECT_EQ(network_->tier(1).keepaliveInUse(), 0u);  // no keep-alive connection left in use
  EXPECT_GT(figure("tiers/app/keepalive/reused"), 0.0);
  // The run went through each way of ending.
  EXPECT_GT(ends_.count(ErrorCause::kRateLimited503), 0u);
  EXPECT_GT(ends_.count(ErrorCause::kGatewayTimeout), 0u);
  EXPECT_GT(
      figure("tiers/app/errors/503_queue_full") + figure("tiers/app/errors/503_queue_timeout"),
      0.0);
  EXPECT_GT(figure("tiers/app/errors/502_bad_gateway"), 0.0);
  EXPECT_GT(figure("tiers/app/retries"), 0.0);
}

TEST_F(EdgeTierTest, LimitConnErrorsAreLocatedAndTheKeyRoundTrips) {
  std::string bad = kLimitConn;
  bad.replace(bad.find("limit_conn conn 2;"), 18, "limit_conn conn 0;");
  EXPECT_EQ(errors(bad),
            "edge.yaml:14:17: tier 'nginx' limit_conn: nginx limit_conn: invalid number of "
            "connections \"0\"; allowed: limit_conn_zone KEY zone=NAME:SIZE; limit_conn NAME N "
            "(N from 1 to 65535); limit_conn_status CODE; limit_conn_dry_run on|off; or the "
            "short form N");
  std::string mixed = kLimitConn;
  mixed.replace(mixed.find("      limit_conn conn 2;"), 0,
                "      limit_conn_zone $server_name zone=all:1m;\n      limit_conn all 100;\n");
  EXPECT_NE(errors(mixed).find("edge.yaml:14:17: tier 'nginx' limit_conn: nginx limit_conn: "
                               "zones keyed by the client address and zones keyed by "
                               "something else at one tier are not modelled"),
            std::string::npos)
      << errors(mixed);
  const std::string once = scenarios::resolvedScenarioYaml(load(kLimitConn));
  EXPECT_NE(once.find("limit_conn"), std::string::npos);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);
}

// nginx upstream keep-alive with the cost of a new connection: `keepalive 2` on the app's
// upstream block, 20 ms to open a connection, an app taking 250 ms, nginx and the network
// taking no time. Three requests at 0.1, 0.2, 0.3 s, nothing for a second, three more at 1.4,
// 1.5, 1.6 s. A request's connection is taken when nginx sends it and saved when its
// response is back:
//   0.1, 0.2, 0.3: no idle connection: A, B, C opened (20 ms each), back at 0.37, 0.47, 0.57.
//   Saved: A at 0.37, B at 0.47 (cache [B, A]); C at 0.57 finds the cache full (2) and closes
//   the least recently saved, A: [C, B].
//   1.4: reuses C, the most recently saved (no cost), back at 1.65.
//   1.5: reuses B, back at 1.75.   1.6: C is busy, A was closed: opens D.
// So 4 connections opened and 2 reused; latencies 270, 270, 270, 250, 250, 270 ms.
// With keepalive_timeout 1s, B (saved at 0.47) is closed at 1.47 as idle too long: the
// request at 1.5 opens one as well (5 opened, 1 reused; 270 ms for it).
const char* kKeepalive = R"(name: keepalive
duration: 2s
traffic:
  arrivals: uniform
  phases:
    - {duration: 350ms, rate: 10/s}
    - {duration: 1s, rate: 0/s}
    - {duration: 300ms, rate: 10/s}
  mix: [{class: api}]
classes: [{id: api, route: [nginx, app]}]
tiers:
  - {id: nginx, service: {dist: deterministic, value: 0ms}, replicas: 1, replica: {workers: 100}}
  - id: app
    service: {dist: deterministic, value: 250ms}
    replicas: 1
    replica: {workers: 100}
    keepalive: {nginx: "keepalive 2;", connect_time: 20ms}
)";

TEST_F(EdgeTierTest, KeepaliveReusesIdleConnectionsAndNewOnesCostTheConnectTime) {
  run(kKeepalive);
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 6u);
  const double sent[] = {0.1, 0.2, 0.3, 1.4, 1.5, 1.6};
  const double latency[] = {0.27, 0.27, 0.27, 0.25, 0.25, 0.27};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(ends[i].sent, sent[i], 1e-9) << i;
    EXPECT_FALSE(ends[i].failed) << i;
    EXPECT_NEAR(ends[i].latency, latency[i], 1e-9) << "request sent at " << ends[i].sent;
  }
  EXPECT_EQ(figure("tiers/app/keepalive/opened"), 4.0);
  EXPECT_EQ(figure("tiers/app/keepalive/reused"), 2.0);
  EXPECT_EQ(network_->tier(1).keepaliveInUse(), 0u);
}

TEST_F(EdgeTierTest, KeepaliveTimeoutClosesIdleConnections) {
  std::string yaml = kKeepalive;
  yaml.replace(yaml.find("keepalive 2;"), 12, "keepalive 2; keepalive_timeout 1s;");
  run(yaml);
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 6u);
  const double latency[] = {0.27, 0.27, 0.27, 0.25, 0.27, 0.27};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(ends[i].latency, latency[i], 1e-9) << "request sent at " << ends[i].sent;
  }
  EXPECT_EQ(figure("tiers/app/keepalive/opened"), 5.0);
  EXPECT_EQ(figure("tiers/app/keepalive/reused"), 1.0);
}

// Without a `keepalive` directive nginx keeps no connection (HTTP/1.0 to the upstream): every
// request pays the 20 ms.
TEST_F(EdgeTierTest, WithoutKeepaliveEveryRequestOpensAConnection) {
  std::string yaml = kKeepalive;
  yaml.replace(yaml.find("keepalive 2;"), 12, "");
  run(yaml);
  ASSERT_EQ(ends_.ends.size(), 6u);
  for (const End& e : ends_.ends)
    EXPECT_NEAR(e.latency, 0.27, 1e-9) << e.sent;
  EXPECT_EQ(figure("tiers/app/keepalive/opened"), 6.0);
}

TEST_F(EdgeTierTest, KeepaliveErrorsAreLocatedAndTheKeyRoundTrips) {
  std::string bad = kKeepalive;
  bad.replace(bad.find("keepalive 2;"), 12, "keepalive two;");
  EXPECT_EQ(errors(bad),
            "edge.yaml:17:24: tier 'app' keepalive nginx: keepalive \"two\": allowed: a whole "
            "number >= 1");
  std::string noCost = kKeepalive;
  noCost.replace(noCost.find(", connect_time: 20ms"), 20, "");
  EXPECT_EQ(errors(noCost), "edge.yaml:17:16: missing key 'connect_time' in tier 'app' keepalive");
  const std::string once = scenarios::resolvedScenarioYaml(load(kKeepalive));
  EXPECT_NE(once.find("keepalive: {nginx: \"keepalive 2;\", connect_time: 20ms}"),
            std::string::npos)
      << once;
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);
}

// nginx proxy_cache per location at a caching tier: one object (catalogue 1), a request every
// 0.5 s from 0.5 to 3.0 s, an app taking 100 ms, nginx no time. The tier's own `ttl` is 10 min
// but the location says `proxy_cache_valid 200 1s`:
//   0.5 miss, stored at 0.6, fresh through 1.6;  1.0 and 1.5 hits (0 ms);
//   2.0 stale (1.6 < 2.0): goes to the app (100 ms), stored anew at 2.1, fresh through 3.1;
//   2.5 and 3.0 hits.
// So 4 hits in 6 lookups; latencies 100, 0, 0, 100, 0, 0 ms. Under the tier's 10 min, the
// request at 2.0 would have been a hit too.
const char* kProxyCache = R"(name: proxy-cache
duration: 3s
traffic:
  arrivals: uniform
  phases: [{duration: 3s, rate: 2/s}]
  mix: [{class: course}]
classes: [{id: course, path: /api/courses/1, catalogue: 1}]
tiers:
  - id: nginx
    service: {dist: deterministic, value: 0ms}
    replicas: 1
    replica: {workers: 100}
    cache: {ttl: 10m, inactive: 1h}
    routing:
      nginx:
        - location: /api/
          to: app
          proxy_cache: "proxy_cache api_cache; proxy_cache_valid 200 302 1s;
            proxy_cache_use_stale error timeout http_503; proxy_cache_bypass $http_cache_control;"
  - {id: app, service: {dist: deterministic, value: 100ms}, replicas: 1, replica: {workers: 10}}
)";

void expectLatencies(const std::vector<End>& ends, const std::vector<double>& expected) {
  ASSERT_EQ(ends.size(), expected.size());
  for (std::size_t i = 0; i < ends.size(); ++i) {
    EXPECT_NEAR(ends[i].latency, expected[i], 1e-9) << "request sent at " << ends[i].sent;
  }
}

TEST_F(EdgeTierTest, ProxyCacheValidOfTheLocationSetsTheValidity) {
  run(kProxyCache);
  expectLatencies(ends_.bySent(), {0.1, 0.0, 0.0, 0.1, 0.0, 0.0});
  EXPECT_EQ(figure("tiers/nginx/cache/lookups"), 6.0);
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 4.0);
  EXPECT_EQ(figure("tiers/app/completed"), 2.0);
}

// The app crashes at 1.7 s (refusing connections until the run is over). The requests at
// 2.0, 2.5 and 3.0 s find the entry stale and the app refusing: nginx's `error` condition
// (the attempt at the upstream failed) is listed in proxy_cache_use_stale, so each is
// answered at once with the stale entry (STALE), not with 502. Without `error` in the list,
// those three get 502.
TEST_F(EdgeTierTest, ProxyCacheUseStaleAnswersAnUpstreamErrorWithTheStaleEntry) {
  const std::string crash = std::string(kProxyCache) + R"(faults:
  - {fault: crash, tier: app, replicas: [app-1], at: 1.7s, for: 10s}
)";
  run(crash);
  std::vector<End> ends = ends_.bySent();
  expectLatencies(ends, {0.1, 0.0, 0.0, 0.0, 0.0, 0.0});
  for (const End& e : ends)
    EXPECT_FALSE(e.failed) << e.sent;
  EXPECT_EQ(figure("tiers/nginx/cache/stale_served"), 3.0);
  EXPECT_EQ(figure("tiers/app/errors/502_bad_gateway"), 3.0);  // the app did fail them

  std::string noError = crash;
  noError.replace(noError.find("use_stale error timeout"), 23, "use_stale timeout");
  ends_.ends.clear();
  run(noError);
  ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 6u);
  for (std::size_t i = 0; i < ends.size(); ++i) {
    EXPECT_EQ(ends[i].failed, i >= 3) << ends[i].sent;
    if (i >= 3) {
      EXPECT_EQ(ends[i].cause, ErrorCause::kBadGateway);
    }
  }
  EXPECT_EQ(figure("tiers/nginx/cache/stale_served"), 0.0);
}

// Error responses are cached for their own validity. The app answers /api/gone with 404 after
// its 100 ms (its `location /api/ { return 404; }`), and nginx's location has
// `proxy_cache_valid 404 2s` beside `200 302 1s`. Requests every 0.5 s:
//   0.5 miss, the 404 stored at 0.6, fresh through 2.6;  1.0, 1.5, 2.0, 2.5 hits: the cached
//   404 at once;  3.0 finds it stale and goes to the app again (100 ms).
// All six are 404s; 4 hits. Without the 404 line nothing is stored: all six go to the app.
const char* kCached404 = R"(name: cached-404
duration: 3s
traffic:
  arrivals: uniform
  phases: [{duration: 3s, rate: 2/s}]
  mix: [{class: gone}]
classes: [{id: gone, path: /api/gone, catalogue: 1}]
tiers:
  - id: nginx
    service: {dist: deterministic, value: 0ms}
    replicas: 1
    replica: {workers: 100}
    cache: {ttl: 10m, inactive: 1h}
    routing:
      nginx:
        - location: /api/
          to: app
          proxy_cache: "proxy_cache api_cache; proxy_cache_valid 200 302 1s;
            proxy_cache_valid 404 2s;"
  - id: app
    service: {dist: deterministic, value: 100ms}
    replicas: 1
    replica: {workers: 10}
    routing:
      nginx:
        - {location: /api/, status: 404}
)";

TEST_F(EdgeTierTest, ProxyCacheValidStoresAnUpstream404ForItsOwnValidity) {
  run(kCached404);
  std::vector<End> ends = ends_.bySent();
  expectLatencies(ends, {0.1, 0.0, 0.0, 0.0, 0.0, 0.1});
  for (const End& e : ends) {
    EXPECT_TRUE(e.failed) << e.sent;
    EXPECT_EQ(e.cause, ErrorCause::kNotFound) << e.sent;
  }
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 4.0);
  EXPECT_EQ(figure("tiers/app/errors/404_not_found"), 2.0);  // only two reached the app
  EXPECT_EQ(figure("end_to_end/all/errors/404_not_found"), 6.0);

  std::string no404 = kCached404;
  no404.replace(no404.find("proxy_cache_valid 404 2s;"), 25, "");
  ends_.ends.clear();
  run(no404);
  expectLatencies(ends_.bySent(), {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 0.0);
  EXPECT_EQ(figure("tiers/app/errors/404_not_found"), 6.0);
}

// `proxy_cache_valid any` caches whatever the upstream answers, but an error nginx makes
// itself for want of an answer is no response to store: with the app down from the start,
// each of the six requests is refused and gets nginx's own 502, and each looks the cache up
// again and misses.
TEST_F(EdgeTierTest, ProxyCacheDoesNotStoreTheErrorsNginxMakesItself) {
  std::string any = kProxyCache;
  any.replace(any.find("proxy_cache_valid 200 302 1s;"), 29, "proxy_cache_valid any 1m;");
  any.replace(any.find("use_stale error timeout http_503"), 32, "use_stale off");
  any += R"(faults:
  - {fault: crash, tier: app, replicas: [app-1], at: 0s, for: 10s}
)";
  run(any);
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 6u);
  for (const End& e : ends) {
    EXPECT_TRUE(e.failed) << e.sent;
    EXPECT_EQ(e.cause, ErrorCause::kBadGateway) << e.sent;
  }
  EXPECT_EQ(figure("tiers/nginx/cache/lookups"), 6.0);
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 0.0);
}

// proxy_cache_path max_size counts bytes: a response larger than the whole cache is never
// stored (ngx_http_file_cache: max_size is the cache's whole size), so with 30 kB responses
// in a 25 kB cache all six requests go to the app; 20 kB ones fit, and the timeline of
// ProxyCacheValidOfTheLocationSetsTheValidity comes back (4 hits in 6).
TEST_F(EdgeTierTest, ProxyCacheMaxSizeCountsTheResponsesBytes) {
  std::string big = kProxyCache;
  big.replace(big.find("cache: {ttl: 10m, inactive: 1h}"), 31,
              "cache: {ttl: 10m, inactive: 1h, max_size: 25k}");
  std::string noSize = big;
  big.replace(big.find("catalogue: 1}"), 13, "catalogue: 1, response_size: 30k}");
  run(big);
  expectLatencies(ends_.bySent(), {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 0.0);

  std::string fits = big;
  fits.replace(fits.find("response_size: 30k"), 18, "response_size: 20k");
  ends_.ends.clear();
  run(fits);
  expectLatencies(ends_.bySent(), {0.1, 0.0, 0.0, 0.1, 0.0, 0.0});
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 4.0);
  const std::string once = scenarios::resolvedScenarioYaml(load(fits));
  EXPECT_NE(once.find("max_size: 25600"), std::string::npos) << once;
  EXPECT_NE(once.find("response_size: 20480"), std::string::npos) << once;
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);

  EXPECT_NE(errors(noSize).find("class 'course' is cached at 'nginx', whose cache has a "
                                "max_size; allowed: give the class a response_size"),
            std::string::npos)
      << errors(noSize);
}

// A class whose requests satisfy proxy_cache_bypass (cache_bypass: true, the location has
// `proxy_cache_bypass $http_cache_control`) is never looked up: all six go to the app
// (100 ms each); its responses are still stored. `proxy_cache off` at the location caches
// nothing for the class either.
TEST_F(EdgeTierTest, ProxyCacheBypassAndOff) {
  std::string bypass = kProxyCache;
  bypass.replace(bypass.find("catalogue: 1}"), 13, "catalogue: 1, cache_bypass: true}");
  run(bypass);
  expectLatencies(ends_.bySent(), {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_EQ(figure("tiers/nginx/cache/lookups"), 0.0);

  std::string off = kProxyCache;
  off.replace(off.find("proxy_cache api_cache;"), 22, "proxy_cache off;");
  ends_.ends.clear();
  run(off);
  expectLatencies(ends_.bySent(), {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_EQ(figure("tiers/nginx/cache/lookups"), 0.0);
}

// A location without proxy_cache at a tier whose other locations have it: nginx caches there
// only what the location inherits from the server level, and the scenario's caching is per
// location, so nothing. The class's path moved to a location of its own (/api/courses/,
// no directives): all six go to the app. With no location saying anything of caching, the
// tier's `cache` is the server level and applies to every location (10 min: 5 hits in 6).
TEST_F(EdgeTierTest, ALocationWithoutProxyCacheCachesNothingWhenOthersHaveIt) {
  std::string own = kProxyCache;
  own.replace(own.find("        - location: /api/\n"), 0,
              "        - {location: /api/courses/, to: app}\n");
  run(own);
  expectLatencies(ends_.bySent(), {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_EQ(figure("tiers/nginx/cache/lookups"), 0.0);

  std::string none = kProxyCache;
  const auto at = none.find("          proxy_cache: \"proxy_cache api_cache;");
  none.erase(at, none.find("http_cache_control;\"\n") + 21 - at);
  ends_.ends.clear();
  run(none);
  expectLatencies(ends_.bySent(), {0.1, 0.0, 0.0, 0.0, 0.0, 0.0});
  EXPECT_EQ(figure("tiers/nginx/cache/hits"), 5.0);
}

TEST_F(EdgeTierTest, ProxyCacheErrorsAreLocatedAndTheKeyRoundTrips) {
  std::string bad = kProxyCache;
  bad.replace(bad.find("use_stale error"), 15, "use_stale eror");
  const std::string message = errors(bad);
  EXPECT_EQ(
      message.rfind("edge.yaml:18:24: tier 'nginx' routing location '/api/' proxy_cache: ", 0), 0u)
      << message;
  const std::string once = scenarios::resolvedScenarioYaml(load(kProxyCache));
  EXPECT_NE(once.find("proxy_cache_use_stale error timeout http_503"), std::string::npos);
  std::string bypass = kProxyCache;
  bypass.replace(bypass.find("catalogue: 1}"), 13, "catalogue: 1, cache_bypass: true}");
  EXPECT_NE(scenarios::resolvedScenarioYaml(load(bypass)).find("cache_bypass: true"),
            std::string::npos);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);
}

// PgBouncer's per-database pools: one pgbouncer.ini with two [databases] entries, each with
// its own pool_size, and one tier per database (`database:` picks the entry). Three requests
// at 0.1, 0.2, 0.3 s to each, 1 s each:
//   users (pool_size=1): one server connection: 0.1-1.1, 1.1-2.1, 2.1-3.1: 1.0, 1.9, 2.8 s.
//   courses (pool_size=2): 0.1-1.1, 0.2-1.2, then the first freed at 1.1: 1.1-2.1: 1.0, 1.0,
//   1.8 s.
// max_client_conn 100 leaves 100 - pool size waiting places; default_pool_size 20 is for
// entries without pool_size.
const char* kPerDatabase = R"(name: per-database
duration: 350ms
traffic:
  arrivals: uniform
  phases: [{duration: 350ms, rate: 10/s}]
  mix: [{class: CLS}]
classes: [{id: u, route: [pgb-users]}, {id: c, route: [pgb-courses]}]
tiers:
  - id: pgb-users
    service: {dist: deterministic, value: 1s}
    replicas: 1
    pgbouncer:
      database: users
      ini: &ini |
        [databases]
        users = host=users-db dbname=users pool_size=1
        courses = host=courses-db dbname=courses pool_size=2
        [pgbouncer]
        pool_mode = transaction
        max_client_conn = 100
        default_pool_size = 20
  - id: pgb-courses
    service: {dist: deterministic, value: 1s}
    replicas: 1
    pgbouncer: {database: courses, ini: *ini}
)";

TEST_F(EdgeTierTest, PgBouncerPerDatabasePoolsEachHaveTheirOwnPoolSize) {
  const struct {
    const char* tier;
    std::uint32_t pool;
    std::vector<double> latencies;
  } cases[] = {{"pgb-users", 1, {1.0, 1.9, 2.8}}, {"pgb-courses", 2, {1.0, 1.0, 1.8}}};
  for (const auto& c : cases) {
    std::string yaml = kPerDatabase;
    yaml.replace(yaml.find("CLS"), 3, c.tier == std::string("pgb-users") ? "u" : "c");
    ends_.ends.clear();
    run(yaml);
    const models::TierSpec& tier = spec_.tiers[c.tier == std::string("pgb-users") ? 0 : 1];
    EXPECT_EQ(tier.targets[0].workers, c.pool) << c.tier;
    EXPECT_EQ(tier.targets[0].queueLimit, 100u - c.pool) << c.tier;
    expectLatencies(ends_.bySent(), c.latencies);
  }
}

TEST_F(EdgeTierTest, PgBouncerWithSeveralDatabasesNeedsTheTiersDatabase) {
  std::string base = kPerDatabase;
  base.replace(base.find("CLS"), 3, "u");
  std::string none = base;
  none.replace(none.find("      database: users\n"), 22, "");
  EXPECT_EQ(
      errors(none).rfind("edge.yaml:13:7: tier 'pgb-users' pgbouncer: [databases] has several "
                         "entries (users, courses), each with a pool of its own; allowed: "
                         "{ini: ..., database: NAME}",
                         0),
      0u)
      << errors(none);
  std::string unknown = base;
  unknown.replace(unknown.find("database: courses"), 17, "database: payments");
  EXPECT_EQ(errors(unknown),
            "edge.yaml:25:27: tier 'pgb-courses' pgbouncer database 'payments' is "
            "not in [databases]; allowed: users, courses");
}

// PgBouncer opens its server connections as clients need them, one attempt at a time, and
// the client waits for the connection it gets. pool_size 2, server_connect_time 0.25 s (an
// assumption of the scenario, not a PgBouncer setting), 1 s transactions, requests at 0.25,
// 0.5, 0.75 and 1.0 s:
//   0.25: no server: s0 is opened for it, usable at 0.5; served 0.5-1.5 (latency 1.25).
//   0.5: the first attempt has ended: s1 is opened for it, served 0.75-1.75 (1.25).
//   0.75 and 1.0: the pool is full: they wait for s0 at 1.5 and s1 at 1.75, reused at no
//   cost (1.75 each).
// server_idle_timeout 1 s then closes s0 at 2.5 + 1 and s1 at 2.75 + 1: 2 opened, 2 closed.
const char* kServerConnections = R"(name: server-connections
duration: 1s
traffic:
  arrivals: uniform
  phases: [{duration: 1s, rate: 4/s}]
  mix: [{class: q}]
classes: [{id: q, route: [pgb]}]
tiers:
  - id: pgb
    service: {dist: deterministic, value: 1s}
    replicas: 1
    pgbouncer: |
      [databases]
      app = host=db dbname=app
      [pgbouncer]
      pool_mode = transaction
      default_pool_size = 2
      server_connect_time = 0.25
      server_idle_timeout = 1
)";

TEST_F(EdgeTierTest, PgBouncerOpensServerConnectionsOneAtATimeAndClosesIdleOnes) {
  run(kServerConnections);
  expectLatencies(ends_.bySent(), {1.25, 1.25, 1.75, 1.75});
  EXPECT_EQ(figure("tiers/pgb/pgbouncer/servers_opened"), 2.0);
  EXPECT_EQ(figure("tiers/pgb/pgbouncer/servers_closed"), 2.0);
}

// With a forced user (`user=app` in the entry) PgBouncer keeps min_pool_size from the start,
// opening one server at a time: with a connect time of 0.1 s, s0 is ready at 0.1 and s1 at
// 0.2. The requests at 0.25 and 0.5 take an idle server at once (1.0 each); the two later
// ones wait for the first two to finish at 1.25 and 1.5 (1.5 each). min_pool_size keeps both
// servers open past the idle timeout.
TEST_F(EdgeTierTest, PgBouncerMinPoolSizeOpensServersBeforeTheFirstClient) {
  std::string yaml = kServerConnections;
  yaml.replace(yaml.find("dbname=app"), 10, "dbname=app user=app");
  yaml.replace(yaml.find("server_connect_time = 0.25"), 26,
               "server_connect_time = 0.1\n      min_pool_size = 2");
  run(yaml);
  expectLatencies(ends_.bySent(), {1.0, 1.0, 1.5, 1.5});
  EXPECT_EQ(figure("tiers/pgb/pgbouncer/servers_opened"), 2.0);
  EXPECT_EQ(figure("tiers/pgb/pgbouncer/servers_closed"), 0.0);
}

// Two tiers that are pools of one PgBouncer (`instance: pgb`) share its max_client_conn: 3
// client connections in all. Ten requests at 0.1 ... 1.0 s, of either class at random, each
// holding its client for at least 1 s: the first three sent are let in and the seven others
// refused (503), whatever their database. As two PgBouncers (no instance), each lets three
// of its own in.
const char* kSharedInstance = R"(name: shared-instance
duration: 1s
traffic:
  arrivals: uniform
  phases: [{duration: 1s, rate: 10/s}]
  mix: [{class: u}, {class: c}]
classes: [{id: u, route: [pgb-users]}, {id: c, route: [pgb-courses]}]
tiers:
  - id: pgb-users
    service: {dist: deterministic, value: 1s}
    replicas: 1
    pgbouncer:
      database: users
      instance: pgb
      ini: &ini |
        [databases]
        users = host=users-db dbname=users pool_size=1
        courses = host=courses-db dbname=courses pool_size=1
        [pgbouncer]
        pool_mode = transaction
        max_client_conn = 3
  - id: pgb-courses
    service: {dist: deterministic, value: 1s}
    replicas: 1
    pgbouncer: {database: courses, instance: pgb, ini: *ini}
)";

TEST_F(EdgeTierTest, PgBouncerPoolsOfOneInstanceShareMaxClientConn) {
  run(kSharedInstance);
  std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 10u);
  std::size_t perClass[2] = {0, 0};
  for (std::size_t i = 0; i < ends.size(); ++i) {
    EXPECT_EQ(ends[i].failed, i >= 3) << ends[i].sent;
    if (i >= 3) {
      EXPECT_EQ(ends[i].cause, ErrorCause::kQueueFull) << ends[i].sent;
    }
    ++perClass[ends[i].cls];
  }
  ASSERT_GT(perClass[0], 0u);  // the seed draws both classes
  ASSERT_GT(perClass[1], 0u);

  std::string separate = kSharedInstance;
  separate.replace(separate.find("      instance: pgb\n"), 20, "");
  separate.replace(separate.find(", instance: pgb"), 15, "");
  ends_.ends.clear();
  run(separate);
  ends = ends_.bySent();
  std::size_t admitted = 0;
  for (const End& e : ends)
    admitted += e.failed ? 0 : 1;
  EXPECT_EQ(admitted,
            std::min<std::size_t>(perClass[0], 3) + std::min<std::size_t>(perClass[1], 3));
}

TEST_F(EdgeTierTest, PgBouncerInstanceErrorsAreLocated) {
  std::string differ = kSharedInstance;
  differ.replace(differ.find("    pgbouncer: {database: courses, instance: pgb, ini: *ini}"), 60,
                 R"(    pgbouncer:
      database: courses
      instance: pgb
      ini: |
        [databases]
        users = host=users-db dbname=users pool_size=1
        courses = host=courses-db dbname=courses pool_size=1
        [pgbouncer]
        pool_mode = transaction
        max_client_conn = 4)");
  EXPECT_EQ(errors(differ).rfind("edge.yaml:27:17: tier 'pgb-courses' pgbouncer instance 'pgb' "
                                 "(shared with tier 'pgb-users'): the ini texts differ",
                                 0),
            0u)
      << errors(differ);
  std::string sameDb = kSharedInstance;
  sameDb.replace(sameDb.find("database: courses"), 17, "database: users");
  EXPECT_NE(errors(sameDb).find("both pool database 'users'"), std::string::npos) << errors(sameDb);
  std::string twice = kSharedInstance;
  twice.replace(twice.find("route: [pgb-users]}"), 19, "route: [pgb-users, pgb-courses]}");
  EXPECT_NE(errors(twice).find("two pools of pgbouncer instance 'pgb'"), std::string::npos)
      << errors(twice);
  const std::string once = scenarios::resolvedScenarioYaml(load(kSharedInstance));
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);
  EXPECT_NE(once.find("instance: pgb"), std::string::npos) << once;
}

// A PgBouncer tier (two processes) between an app and the database, under faults on both:
// its processes crash and hang (their pools are dropped: waiting clients fail or are left to
// their caller's timeout, servers close), the database crashes and slows down (clients held
// through timeouts and retries), query_wait_timeout and max_client_conn end some. After the
// run, with every request ended, no process has a client or a server in use, and no replica
// a worker busy.
const char* kPgBouncerFaults = R"(name: pgbouncer-no-leaks
duration: 30s
traffic:
  arrivals: poisson
  phases: [{duration: 30s, rate: 80/s}]
  mix: [{class: q}]
classes: [{id: q, route: [app, pgb, db]}]
tiers:
  - id: app
    service: {dist: exponential, mean: 2ms}
    replicas: 2
    replica: {workers: 100}
    timeouts: {response: 800ms}
  - id: pgb
    service: {dist: deterministic, value: 100us}
    replicas: 2
    timeouts: {connect: 100ms, response: 500ms}
    retries: {style: nginx, tries: 2, on: [error, timeout, http_503]}
    pgbouncer: |
      pool_mode = transaction
      default_pool_size = 3
      reserve_pool_size = 1
      reserve_pool_timeout = 0.2
      max_client_conn = 12
      query_wait_timeout = 0.4
      server_idle_timeout = 2
      server_lifetime = 5
      server_connect_time = 0.01
  - id: db
    service: {dist: exponential, mean: 40ms}
    replicas: 2
    replica: {workers: 4}
faults:
  - {fault: crash, tier: pgb, replicas: [pgb-1], at: 5s, for: 3s}
  - {fault: hang, tier: pgb, replicas: [pgb-2], at: 12s, for: 2s}
  - {fault: crash, tier: db, replicas: [db-1], at: 18s, for: 2s}
  - {fault: slow, tier: db, replicas: [db-2], speed: 0.2, at: 22s, for: 4s}
)";

TEST_F(EdgeTierTest, PgBouncerClientsAndServersAreGivenBackHoweverARequestEnds) {
  run(kPgBouncerFaults);
  EXPECT_EQ(network_->requestsInFlight(), 0u);
  const auto* instance = network_->tier(1).pgbouncer();
  ASSERT_NE(instance, nullptr);
  for (models::ReplicaIndex r = 0; r < 2; ++r) {
    const auto& process = instance->processes[r];
    EXPECT_EQ(process.connectedClients(), 0u) << r;
    EXPECT_EQ(process.waitingClients(0), 0u) << r;
    EXPECT_EQ(process.servers(0), 0u) << r;  // each closed by its idle timeout at the end
    EXPECT_EQ(network_->tier(1).replicas()[r].busy, 0u) << r;
    EXPECT_EQ(network_->tier(1).replicas()[r].waiting(), 0u) << r;
  }
  // The run went through each way of ending.
  EXPECT_GT(figure("tiers/pgb/errors/503_queue_full"), 0.0);     // max_client_conn
  EXPECT_GT(figure("tiers/pgb/errors/503_queue_timeout"), 0.0);  // query_wait_timeout
  EXPECT_GT(figure("tiers/pgb/errors/502_bad_gateway"), 0.0);    // the crash
  EXPECT_GT(ends_.count(ErrorCause::kGatewayTimeout), 0u);
  EXPECT_GT(figure("tiers/pgb/pgbouncer/servers_opened"), 0.0);
  EXPECT_EQ(figure("tiers/pgb/pgbouncer/servers_opened"),
            figure("tiers/pgb/pgbouncer/servers_closed"));
}

// Persistent client connections (`clients_per_caller: 3`: the app's database pool keeps three
// connections to PgBouncer) against a pool of 2 servers, 1 s transactions at 0.25, 0.5, 0.75
// and 1.0 s.
//   transaction mode: connections A and B get s0 and s1 (1.0 s each); C waits in PgBouncer
//   for s0, freed at 1.25 (1.5 s); the fourth request waits in the app for a connection, gets
//   A when its request ends at 1.25 and waits in PgBouncer for s1 at 1.5 (1.5 s).
//   session mode: A and B keep s0 and s1 for as long as they are open. C waits in PgBouncer
//   until query_wait_timeout (5 s) disconnects it: 503 after 5 s. The fourth request gets A
//   at 1.25, still linked to s0, and is served at once (1.25 s).
const char* kPersistent = R"(name: persistent-clients
duration: 1s
traffic:
  arrivals: uniform
  phases: [{duration: 1s, rate: 4/s}]
  mix: [{class: q}]
classes: [{id: q, route: [app, pgb, db]}]
tiers:
  - {id: app, service: {dist: deterministic, value: 0ms}, replicas: 1, replica: {workers: 100}}
  - id: pgb
    service: {dist: deterministic, value: 0ms}
    replicas: 1
    pgbouncer:
      clients_per_caller: 3
      ini: |
        [pgbouncer]
        pool_mode = transaction
        default_pool_size = 2
        query_wait_timeout = 5
  - {id: db, service: {dist: deterministic, value: 1s}, replicas: 1, replica: {workers: 10}}
)";

TEST_F(EdgeTierTest, PgBouncerSessionModePinsAServerToEachPersistentConnection) {
  run(kPersistent);
  expectLatencies(ends_.bySent(), {1.0, 1.0, 1.5, 1.5});
  for (const End& e : ends_.bySent())
    EXPECT_FALSE(e.failed) << e.sent;

  std::string session = kPersistent;
  session.replace(session.find("pool_mode = transaction"), 23, "pool_mode = session");
  ends_.ends.clear();
  run(session);
  const std::vector<End> ends = ends_.bySent();
  expectLatencies(ends, {1.0, 1.0, 5.0, 1.25});
  for (std::size_t i = 0; i < ends.size(); ++i)
    EXPECT_EQ(ends[i].failed, i == 2) << ends[i].sent;
  EXPECT_EQ(ends[2].cause, ErrorCause::kQueueTimeout);
  // A and B stay connected, each with its server.
  const auto& process = network_->tier(1).pgbouncer()->processes[0];
  EXPECT_EQ(process.connectedClients(), 2u);
  EXPECT_EQ(process.servers(0), 2u);
  EXPECT_EQ(process.idleServers(0), 0u);

  // Without persistent connections (a connection per request) session mode is transaction
  // mode: each client disconnects after its one transaction, so the third and fourth wait
  // for s0 at 1.25 and s1 at 1.5.
  std::string perRequest = session;
  perRequest.replace(perRequest.find("      clients_per_caller: 3\n"), 28, "");
  ends_.ends.clear();
  run(perRequest);
  expectLatencies(ends_.bySent(), {1.0, 1.0, 1.5, 1.5});
}

TEST_F(EdgeTierTest, PgBouncerPersistentConnectionErrorsAreLocated) {
  std::string timeouts = kPersistent;
  timeouts.replace(timeouts.find("    pgbouncer:\n      clients"), 0,
                   "    timeouts: {response: 2s}\n");
  EXPECT_NE(errors(timeouts).find("timeouts with pgbouncer clients_per_caller is not modelled"),
            std::string::npos)
      << errors(timeouts);
  std::string first = kPersistent;
  first.replace(first.find("route: [app, pgb, db]"), 21, "route: [pgb, db]");
  first.replace(first.find("  - {id: app"), first.find("  - id: pgb") - first.find("  - {id: app"),
                "");
  EXPECT_NE(errors(first).find("starts at 'pgb', whose clients_per_caller"), std::string::npos)
      << errors(first);
  const std::string once = scenarios::resolvedScenarioYaml(load(kPersistent));
  EXPECT_NE(once.find("clients_per_caller: 3"), std::string::npos);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);
}

// The same faults but the hang, with persistent connections (four per app replica, session
// mode, so servers stay pinned to connections; no timeouts or retries at the PgBouncer tier,
// which the app pool's connections do not model, so a hung PgBouncer would keep its
// connections for good): every connection is given back however the request using it ended,
// and no request is left waiting for one.
TEST_F(EdgeTierTest, PersistentConnectionsAreGivenBackHoweverARequestEnds) {
  std::string yaml = kPgBouncerFaults;
  const std::size_t from = yaml.find("  - id: pgb\n");
  yaml.replace(from, yaml.find("  - id: db\n") - from, R"(  - id: pgb
    service: {dist: deterministic, value: 100us}
    replicas: 2
    pgbouncer:
      clients_per_caller: 4
      ini: |
        pool_mode = session
        default_pool_size = 3
        reserve_pool_size = 1
        reserve_pool_timeout = 0.2
        max_client_conn = 6
        query_wait_timeout = 0.4
        server_idle_timeout = 2
        server_lifetime = 5
        server_connect_time = 0.01
)");
  yaml.replace(yaml.find("  - {fault: hang, tier: pgb"), 0, "#");
  run(yaml);
  ASSERT_TRUE(spec_.tiers[1].pgbouncer.has_value());
  EXPECT_EQ(spec_.tiers[1].pgbouncer->clientsPerCaller, 4u);
  EXPECT_EQ(spec_.tiers[1].pgbouncer->settings.poolMode, models::pool::PoolMode::kSession);
  EXPECT_EQ(network_->requestsInFlight(), 0u);
  EXPECT_EQ(network_->tier(1).appConnectionsInUse(), 0u);
  EXPECT_EQ(network_->tier(1).appConnectionWaits(), 0u);
  for (models::ReplicaIndex r = 0; r < 2; ++r) {
    const auto& process = network_->tier(1).pgbouncer()->processes[r];
    EXPECT_EQ(process.waitingClients(0), 0u) << r;
    EXPECT_EQ(network_->tier(1).replicas()[r].busy, 0u) << r;
    EXPECT_EQ(network_->tier(1).replicas()[r].waiting(), 0u) << r;
    // At most the four connections of each of the two app replicas are clients.
    EXPECT_LE(process.connectedClients(), 8u) << r;
  }
  EXPECT_GT(figure("tiers/pgb/errors/502_bad_gateway"), 0.0);  // the crash
  EXPECT_GT(figure("end_to_end/all/completed"), 1000.0);
}

// A Cloudflare page rule's cache level in the simulation. Requests every 0.5 s to an app
// taking 100 ms behind the edge:
//   standard level (the API's `aggressive`): JSON from /api/courses/1 is not cached by default
//   (no lookup: 100 ms each); /static/app.js is (a default cached extension), kept
//   Cloudflare's default 120 min for a 200: a miss, then five hits.
//   cache_everything with edge_cache_ttl 1 s: the JSON is cached for 1 s: miss at 0.5 (fresh
//   through 1.6), hits at 1.0 and 1.5, a miss at 2.0, hits at 2.5 and 3.0.
const char* kCloudflareLevels = R"(name: cloudflare-levels
duration: 3s
traffic:
  arrivals: uniform
  phases: [{duration: 3s, rate: 2/s}]
  mix: [{class: CLS}]
classes:
  - {id: api, path: /api/courses/1, catalogue: 1, route: [cdn, app]}
  - {id: js, path: /static/app.js, catalogue: 1, route: [cdn, app]}
tiers:
  - id: cdn
    service: {dist: deterministic, value: 0ms}
    replicas: 1
    replica: {workers: 100}
    cache: {cloudflare: "cache_level = aggressive", inactive: 1d}
  - {id: app, service: {dist: deterministic, value: 100ms}, replicas: 1, replica: {workers: 10}}
)";

TEST_F(EdgeTierTest, CloudflareCacheLevelDecidesWhatTheEdgeCaches) {
  std::string api = kCloudflareLevels;
  api.replace(api.find("CLS"), 3, "api");
  run(api);
  expectLatencies(ends_.bySent(), {0.1, 0.1, 0.1, 0.1, 0.1, 0.1});
  EXPECT_EQ(figure("tiers/cdn/cache/lookups"), 0.0);

  std::string js = kCloudflareLevels;
  js.replace(js.find("CLS"), 3, "js");
  ends_.ends.clear();
  run(js);
  expectLatencies(ends_.bySent(), {0.1, 0.0, 0.0, 0.0, 0.0, 0.0});
  EXPECT_EQ(figure("tiers/cdn/cache/hits"), 5.0);

  std::string everything = api;
  everything.replace(everything.find("cache_level = aggressive"), 24,
                     "cache_level = cache_everything; edge_cache_ttl = 1");
  ends_.ends.clear();
  run(everything);
  expectLatencies(ends_.bySent(), {0.1, 0.0, 0.0, 0.1, 0.0, 0.0});
  EXPECT_EQ(figure("tiers/cdn/cache/hits"), 4.0);
  const std::string once = scenarios::resolvedScenarioYaml(load(everything));
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);

  std::string both = api;
  both.replace(both.find("inactive: 1d"), 12, "inactive: 1d, ttl: 5m");
  EXPECT_NE(errors(both).find("ttl with cloudflare"), std::string::npos) << errors(both);
  std::string bad = api;
  bad.replace(bad.find("aggressive"), 10, "aggresive");
  EXPECT_NE(errors(bad).find("edge.yaml:15:25: tier 'cdn' cache cloudflare: "), std::string::npos)
      << errors(bad);
}

TEST(CloudflareExtensions, DefaultCachedExtensionsByThePathsLastSegment) {
  EXPECT_TRUE(models::cache::cloudflareCachesExtension("/static/app.js"));
  EXPECT_TRUE(models::cache::cloudflareCachesExtension("/img/Logo.PNG?v=3"));
  EXPECT_TRUE(models::cache::cloudflareCachesExtension("/docs/guide.pdf"));
  EXPECT_FALSE(models::cache::cloudflareCachesExtension("/api/courses/1"));
  EXPECT_FALSE(models::cache::cloudflareCachesExtension("/index.html"));
  EXPECT_FALSE(models::cache::cloudflareCachesExtension("/v1.2/users"));
  EXPECT_FALSE(models::cache::cloudflareCachesExtension("/api/data.json"));
}

// postgresql.conf's max_connections bounds each server's connections: max_connections 5 less
// superuser_reserved_connections 2 leaves 3, so the primary's 8 workers become 3 with no
// queue. Four 1 s queries at 0.1, 0.2, 0.3 and 0.4 s: the fourth finds three connections
// open and is refused (PostgreSQL's "sorry, too many clients already").
TEST_F(EdgeTierTest, PostgresqlMaxConnectionsRefusesTheConnectionsBeyondIt) {
  const std::string yaml = R"(name: max-connections
duration: 450ms
traffic:
  arrivals: uniform
  phases: [{duration: 450ms, rate: 10/s}]
  mix: [{class: q}]
classes: [{id: q, route: [db]}]
tiers:
  - id: db
    kind: database
    service: {dist: deterministic, value: 1s}
    primary: {workers: 8}
    postgresql: |
      max_connections = 5
      superuser_reserved_connections = 2
      shared_buffers = 4GB          # no effect on the model
)";
  run(yaml);
  EXPECT_EQ(spec_.tiers[0].targets[0].workers, 3u);
  EXPECT_EQ(spec_.tiers[0].targets[0].queueLimit, 0u);
  const std::vector<End> ends = ends_.bySent();
  ASSERT_EQ(ends.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_EQ(ends[i].failed, i == 3) << ends[i].sent;
  EXPECT_EQ(ends[3].cause, ErrorCause::kQueueFull);
  const std::string once = scenarios::resolvedScenarioYaml(spec_);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(load(once)), once);

  std::string none = yaml;
  none.replace(none.find("max_connections = 5"), 19, "max_connections = 2");
  EXPECT_NE(errors(none).find("max_connections 2 leaves no connection beyond the 2 reserved"),
            std::string::npos)
      << errors(none);
}

// A health check reaches PgBouncer itself, not through a server connection: with its one
// server held by 5 s transactions and clients waiting, HAProxy's checks every second are still
// answered at once, so the replica never goes down.
TEST_F(EdgeTierTest, HealthChecksOfABusyPgBouncerAreAnsweredAtOnce) {
  run(R"(name: checked-pgbouncer
duration: 10s
traffic:
  arrivals: uniform
  phases: [{duration: 10s, rate: 2/s}]
  mix: [{class: q}]
classes: [{id: q, route: [pgb]}]
tiers:
  - id: pgb
    service: {dist: deterministic, value: 5s}
    replicas: 1
    health_check: {haproxy: "check inter 1s rise 2 fall 3", demand: 1ms}
    pgbouncer: |
      pool_mode = transaction
      default_pool_size = 1
)",
      20.0);
  EXPECT_EQ(figure("tiers/pgb/health_changes"), 0.0);
  EXPECT_EQ(figure("tiers/pgb/completed"), 3.0);  // at 5.5, 10.5 and 15.5 s
}

}  // namespace
}  // namespace lbsim
