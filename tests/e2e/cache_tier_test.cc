// Caches in tiers, through the simulator: a hit is answered at the caching tier and never
// reaches the tiers behind it, a miss goes on and its response is stored on the way back,
// non-cacheable classes pass through, and keys private to each user hit less. (The hit
// ratio against Che's approximation and the TTL formula is a case of the validation
// suite, docs/validation.md.)
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/experiment.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

class CacheTierTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  models::ReplicationResult run(const std::string& yaml) {
    return models::runReplication(scenarios::loadScenarioText(yaml, "cache.yaml", policies_), 0,
                                  policies_);
  }
  static double value(const models::ReplicationResult& r, const std::string& path) {
    return test::figureValue(r.figures, path);
  }
};

const std::string kEdge = R"(name: edge
duration: 300s
traffic:
  phases: [{duration: 300s, rate: 50/s}]
  mix: [{class: page, weight: 3}, {class: api, weight: 1}]
classes:
  - {id: page, route: [edge, origin], catalogue: 200, zipf: 1.0}
  - {id: api, route: [edge, origin], cacheable: false}
tiers:
  - id: edge
    service: {dist: deterministic, value: 1ms}
    replicas: 2
    replica: {workers: 1000}
    cache: {max_entries: 50, ttl: 1h}
  - {id: origin, service: {dist: exponential, mean: 20ms}, replicas: 2, replica: {workers: 100}}
)";

// Every lookup at the edge either hits (and ends there) or goes on to the origin; the
// uncacheable class is never looked up and always reaches the origin.
TEST_F(CacheTierTest, HitsEndAtTheCacheAndMissesGoOn) {
  const auto r = run(kEdge);
  const double lookups = value(r, "tiers/edge/cache/lookups");
  const double hits = value(r, "tiers/edge/cache/hits");
  const double page = value(r, "end_to_end/classes/page/completed");
  const double api = value(r, "end_to_end/classes/api/completed");
  EXPECT_EQ(lookups, value(r, "tiers/edge/classes/page/completed"));
  EXPECT_NEAR(value(r, "tiers/origin/completed"), (lookups - hits) + api, 2.0);
  EXPECT_EQ(value(r, "tiers/origin/classes/api/completed"), api);
  EXPECT_GT(hits, 0.5 * page);  // Zipf(1) over 200 objects, 50 cached per edge node
  EXPECT_DOUBLE_EQ(value(r, "tiers/edge/cache/hit_ratio"), hits / lookups);
  // A hit is answered in the edge's 1 ms; the page class's latency is far below the
  // uncacheable class's, which always pays the origin's 20 ms.
  EXPECT_LT(value(r, "end_to_end/classes/page/latency_s/mean"),
            value(r, "end_to_end/classes/api/latency_s/mean"));
}

TEST_F(CacheTierTest, ResolvedScenarioRoundTrips) {
  const auto spec = scenarios::loadScenarioText(kEdge, "cache.yaml", policies_);
  const std::string once = scenarios::resolvedScenarioYaml(spec);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(scenarios::loadScenarioText(once, "r.yaml", policies_)),
            once);
  ASSERT_TRUE(spec.tiers[0].cache);
  EXPECT_EQ(spec.tiers[0].cache->maxEntries, 50u);
  EXPECT_EQ(spec.tiers[0].cache->ttl, 3600.0);
  EXPECT_EQ(*spec.classes[0].catalogue, 200u);
}

// A class whose route ends at the caching tier would never be looked up (a cache is filled
// from the tiers behind it): the loader says so at the class, unless the class is not
// cacheable there (a POST, cacheable: false).
TEST_F(CacheTierTest, ARouteEndingAtACacheIsAnError) {
  std::string ends = kEdge;
  ends.replace(ends.find("{id: page, route: [edge, origin]"), 32, "{id: page, route: [edge]");
  try {
    scenarios::loadScenarioText(ends, "cache.yaml", policies_);
    ADD_FAILURE() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cache.yaml:7:10: class 'page' ends its route at 'edge', whose cache has nothing "
              "behind it to be filled from, so its requests would never be looked up; allowed: a "
              "route that goes on past 'edge' to the tier that makes the response, or "
              "cacheable: false");
  }
  std::string post = ends;
  post.replace(post.find("{id: page, route: [edge]"), 24, "{id: page, route: [edge], method: POST");
  EXPECT_NO_THROW(scenarios::loadScenarioText(post, "cache.yaml", policies_));
}

// A cache with `paths` (a Cloudflare page rule's target) looks up only the paths it covers,
// and only GET and HEAD requests (nginx proxy_cache_methods, Cloudflare's default).
TEST_F(CacheTierTest, PathsAndMethodsDecideWhatIsLookedUp) {
  const auto r = run(R"(name: paths
duration: 60s
traffic:
  phases: [{duration: 60s, rate: 30/s}]
  mix: [{class: asset}, {class: api}, {class: upload}]
classes:
  - {id: asset, path: /static/app.js, route: [edge, origin]}
  - {id: api, path: /api/x, route: [edge, origin]}
  - {id: upload, method: POST, path: /static/new, route: [edge, origin]}
tiers:
  - id: edge
    service: {dist: deterministic, value: 1ms}
    replicas: 1
    replica: {workers: 1000}
    cache: {paths: [/static/*]}
  - {id: origin, service: {dist: deterministic, value: 5ms}, replicas: 1, replica: {workers: 100}}
)");
  EXPECT_EQ(value(r, "tiers/edge/cache/lookups"), value(r, "tiers/edge/classes/asset/completed"));
  EXPECT_EQ(value(r, "tiers/origin/classes/api/completed"),
            value(r, "tiers/edge/classes/api/completed"));
  EXPECT_EQ(value(r, "tiers/origin/classes/upload/completed"),
            value(r, "tiers/edge/classes/upload/completed"));
}

// A tier that holds its worker during downstream calls and answers a hit from its cache
// frees the worker at once: with one worker, every request still completes.
TEST_F(CacheTierTest, AHitFreesAHeldWorker) {
  const auto r = run(R"(name: held
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 59s, rate: 5/s}]
  mix: [{class: page}]
classes:
  - {id: page, route: [app, db], catalogue: 1}
tiers:
  - id: app
    service: {dist: deterministic, value: 1ms}
    replicas: 1
    replica: {workers: 1}
    hold_worker: true
    cache: {ttl: 1h}
  - {id: db, service: {dist: deterministic, value: 10ms}, replicas: 1}
)");
  EXPECT_EQ(value(r, "end_to_end/all/completed"), value(r, "end_to_end/all/requests"));
  EXPECT_EQ(value(r, "tiers/app/cache/hits"), value(r, "end_to_end/all/requests") - 1);
}

// A cache key that includes the user (proxy_cache_key with $http_authorization) gives each
// user private copies: with 1,000 users the edge hits far less.
TEST_F(CacheTierTest, PerUserKeysHitLess) {
  std::string shared = kEdge;
  shared.replace(shared.find("traffic:\n"), 9, "traffic:\n  clients: 1000\n");
  std::string perUser = shared;
  perUser.replace(perUser.find("zipf: 1.0}"), 10, "zipf: 1.0, per_user: true}");
  const double h1 = value(run(shared), "tiers/edge/cache/hit_ratio");
  const double h2 = value(run(perUser), "tiers/edge/cache/hit_ratio");
  EXPECT_GT(h1, 0.5);
  EXPECT_LT(h2, 0.25 * h1);
}

// Entries expire: with a TTL shorter than most objects' gaps between requests, the hit
// ratio drops.
TEST_F(CacheTierTest, ShortTtlHitsLess) {
  std::string shortTtl = kEdge;
  shortTtl.replace(shortTtl.find("ttl: 1h"), 7, "ttl: 1s");
  EXPECT_LT(value(run(shortTtl), "tiers/edge/cache/hit_ratio"),
            0.8 * value(run(kEdge), "tiers/edge/cache/hit_ratio"));
}

}  // namespace
}  // namespace lbsim
