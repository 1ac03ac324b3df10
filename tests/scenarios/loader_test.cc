#include "scenarios/loader.h"

#include <gtest/gtest.h>

#include <string>

#include "scenarios/writer.h"

#include "tests/support/scenario_text_test.h"
#include "tests/support/text_lines.h"

namespace lbsim::scenarios {
namespace {

// A valid scenario; each error test changes one line of it. Line numbers below are 1-based
// positions in this text.
const std::string kValid = R"(name: small
seed: 7
duration: 10m
warmup: 1m
traffic:
  phases:
    - {duration: 5m, rate: 20/s}
    - {duration: 5m, rate: 20/s, ramp_to: 40/s}
  mix:
    - {class: browse, weight: 3}
    - {flow: [browse, buy], weight: 1}
classes:
  - id: browse
    route: [gateway, app]
  - id: buy
    route: [gateway, app, db]
    demands:
      db: {op: write}
tiers:
  - id: gateway
    service: {dist: exponential, mean: 1ms}
    replicas: 2
    replica: {workers: 64}
  - id: app
    service: {dist: lognormal, mean: 20ms, cv: 1.5}
    replicas: 3
    replica: {workers: 4, queue_limit: 50}
    targets: [{weight: 2}, {weight: 1}, {weight: 1, backup: true}]
    balancer: {policy: least_conn}
  - id: db
    kind: database
    service: {dist: exponential, mean: 2ms}
    primary: {workers: 10}
    read_replicas: {count: 2, workers: 10}
)";

using lbsim::testing::replaceLine;

class LoaderTest : public lbsim::testing::ScenarioTextTest {
 protected:
  LoaderTest() : ScenarioTextTest("small.yaml") {}
};

TEST_F(LoaderTest, LoadsTheValidScenarioWithDefaults) {
  const auto spec = load(kValid);
  EXPECT_EQ(spec.name, "small");
  EXPECT_EQ(spec.seed, 7u);
  EXPECT_EQ(spec.duration, 600);
  EXPECT_EQ(spec.warmup, 60);
  EXPECT_EQ(spec.replications, 1u);  // default
  ASSERT_EQ(spec.traffic.phases.size(), 2u);
  EXPECT_EQ(*spec.traffic.phases[1].rampTo, 40);
  ASSERT_EQ(spec.traffic.mix.size(), 2u);
  EXPECT_EQ(spec.traffic.mix[0].name, "browse");
  EXPECT_EQ(spec.traffic.mix[1].steps, (std::vector<std::string>{"browse", "buy"}));
  ASSERT_EQ(spec.tiers.size(), 3u);
  const auto& app = spec.tiers[1];
  ASSERT_EQ(app.targets.size(), 3u);
  EXPECT_EQ(app.targets[0].name, "app-1");
  EXPECT_EQ(app.targets[0].weight, 2);
  EXPECT_EQ(app.targets[2].backup, true);
  EXPECT_EQ(app.targets[2].workers, 4u);
  EXPECT_EQ(app.targets[2].queueLimit, 50u);
  EXPECT_EQ(app.balancer.policy, "least_conn");
  EXPECT_EQ(spec.tiers[0].balancer.policy, "round_robin");                  // default
  EXPECT_EQ(spec.tiers[0].targets[0].queueLimit, models::kUnboundedQueue);  // default
  const auto& db = spec.tiers[2];
  ASSERT_EQ(db.targets.size(), 3u);
  EXPECT_EQ(db.targets[0].name, "db-primary");
  EXPECT_EQ(db.targets[2].name, "db-replica-2");
  EXPECT_EQ(spec.classes[1].demands.at("db").operation, models::DbOperation::kWrite);
}

TEST_F(LoaderTest, ResolvedScenarioLoadsToTheSameResolvedScenario) {
  const std::string once = resolvedScenarioYaml(load(kValid));
  const std::string twice = resolvedScenarioYaml(load(once));
  EXPECT_EQ(once, twice);
}

// Located errors: the exact file:line:column and message of each kind of bad input.

TEST_F(LoaderTest, UnknownTopLevelKey) {
  EXPECT_EQ(
      errors(replaceLine(kValid, 2, "sead: 7")),
      "small.yaml:2:1: unknown key 'sead' in scenario; allowed: classes, description, "
      "duration, faults, name, network, regions, replications, seed, tiers, timeseries_interval, "
      "traffic, warmup");
}

TEST_F(LoaderTest, UnknownKeyInATier) {
  EXPECT_EQ(errors(replaceLine(kValid, 22, "    replica_count: 2")),
            "small.yaml:22:5: unknown key 'replica_count' in tier; allowed: autoscaling, balancer, "
            "cache, health_check, hold_worker, id, keepalive, kind, limit_conn, limit_req_status, "
            "limit_req_zones, liveness, next, "
            "passive_health, pgbouncer, postgresql, primary, promote_after, rate_limits, "
            "read_replicas, region, "
            "replica, replicas, replication_lag, retries, routing, service, targets, timeouts, "
            "zones");
}

TEST_F(LoaderTest, UnknownPolicyListsValidNames) {
  // The list is every registered policy, sorted (the registry's own order).
  std::string names;
  for (const auto& n : policies_.names()) {
    if (!names.empty()) names += ", ";
    names += n;
  }
  EXPECT_EQ(errors(replaceLine(kValid, 29, "    balancer: {policy: fastest}")),
            "small.yaml:29:24: unknown balancing policy 'fastest'; allowed: " + names);
  EXPECT_NE(names.find("least_conn, least_outstanding_requests, least_request"), std::string::npos)
      << names;
}

TEST_F(LoaderTest, PolicyOptionsAreCheckedWhereWritten) {
  EXPECT_EQ(
      errors(replaceLine(kValid, 29, "    balancer: {policy: least_request, choice_count: 1}")),
      "small.yaml:29:15: tier 'app' balancer (least_request): choice_count must be a whole "
      "number from 2 to 1000 (Envoy's minimum is 2); allowed: 2, 3, ...");
  EXPECT_EQ(errors(replaceLine(kValid, 29, "    balancer: {policy: least_conn, choice_count: 2}")),
            "small.yaml:29:36: unknown key 'choice_count' in tier 'app' balancer (least_conn); "
            "allowed: policy, prefer, steering, stickiness, when_full");
  const auto spec =
      load(replaceLine(kValid, 29, "    balancer: {policy: peak_ewma, decay_time: 5s}"));
  EXPECT_EQ(spec.tiers[1].balancer.options.number("decay_time", 0), 5.0);
}

TEST_F(LoaderTest, Stickiness) {
  const auto spec = load(replaceLine(
      kValid, 29,
      "    balancer: {policy: least_conn, stickiness: {type: lb_cookie, duration: 1h}}"));
  ASSERT_TRUE(spec.tiers[1].balancer.stickiness.has_value());
  EXPECT_EQ(spec.tiers[1].balancer.stickiness->duration, 3600.0);
  EXPECT_TRUE(spec.tiers[1].balancer.stickiness->refresh);
  const auto cf = load(replaceLine(kValid, 29, "    balancer: {stickiness: {type: cookie}}"));
  EXPECT_EQ(cf.tiers[1].balancer.stickiness->duration, 82800.0);  // Cloudflare default 23 h
  EXPECT_FALSE(cf.tiers[1].balancer.stickiness->refresh);
  EXPECT_EQ(errors(replaceLine(kValid, 29, "    balancer: {stickiness: {type: ip}}")),
            "small.yaml:29:35: unknown stickiness type 'ip'; allowed: cookie (Cloudflare), "
            "lb_cookie (AWS ALB)");
}

TEST_F(LoaderTest, ClientPopulationWithSkew) {
  const auto spec = load(replaceLine(kValid, 5, "traffic:\n  clients: 5000\n  client_skew: 1.1"));
  EXPECT_EQ(spec.traffic.clients, 5000u);
  EXPECT_EQ(spec.traffic.clientSkew, 1.1);
  EXPECT_EQ(errors(replaceLine(kValid, 5, "traffic:\n  client_skew: 1.1")),
            "small.yaml:6:16: traffic client_skew needs a client population; allowed: set "
            "clients: N");
}

TEST_F(LoaderTest, ClosedUsers) {
  // Locust-style users instead of (or besides) phases.
  std::string text = replaceLine(kValid, 6,
                                 "  users: 50\n  spawn_rate: 5/s\n  think: {dist: "
                                 "exponential, mean: 2s}");
  text = replaceLine(text, 9, "");  // the two phase lines, now 9 and 10
  text = replaceLine(text, 10, "");
  const auto spec = load(text);
  EXPECT_EQ(spec.traffic.closed.users, 50u);
  EXPECT_EQ(spec.traffic.closed.spawnRate, 5.0);
  EXPECT_EQ(spec.traffic.closed.think.mean(), 2.0);
  EXPECT_TRUE(spec.traffic.phases.empty());
  EXPECT_EQ(resolvedScenarioYaml(load(resolvedScenarioYaml(spec))), resolvedScenarioYaml(spec));
  EXPECT_EQ(errors(replaceLine(replaceLine(replaceLine(kValid, 6, ""), 7, ""), 8, "")),
            "small.yaml:9:3: traffic needs phases (open arrivals), users (closed loop) or "
            "replay (a recorded log); allowed: any of them, together or alone");
}

// Topology, checked on the graph of tiers (Boost.Graph).

TEST_F(LoaderTest, TierOnNoRoute) {
  const std::string text =
      kValid + "  - id: cache\n    service: {dist: exponential, mean: 1ms}\n    replicas: 1\n";
  EXPECT_EQ(errors(text),
            "small.yaml:35:9: tier 'cache' is on no class's route, so no request reaches it; "
            "allowed: route a class through it, or remove it");
}

TEST_F(LoaderTest, RoutesThatFormACycle) {
  // browse goes gateway -> app; a second class going app -> gateway closes a cycle.
  const std::string text = replaceLine(kValid, 16, "    route: [app, gateway, db]");
  EXPECT_EQ(errors(text),
            "small.yaml:20:9: tiers form a cycle: gateway -> app -> gateway; allowed: a chain "
            "that goes one way (CDN -> ... -> database)");
}

TEST_F(LoaderTest, RouteThatSkipsADeclaredHop) {
  // The gateway forwards only to app; a route from gateway straight to db skips it.
  std::string text = replaceLine(kValid, 21,
                                 "    service: {dist: exponential, mean: 1ms}\n"
                                 "    next: [app]");
  text = replaceLine(text, 16, "    route: [gateway, db]");
  EXPECT_EQ(errors(text),
            "small.yaml:16:22: route of class 'buy' goes from 'gateway' to 'db', which 'gateway' "
            "does not forward to; allowed: app");
}

TEST_F(LoaderTest, NextNamesAnUnknownTier) {
  const std::string text =
      replaceLine(kValid, 21, "    service: {dist: exponential, mean: 1ms}\n    next: [ap]");
  EXPECT_EQ(errors(text),
            "small.yaml:22:12: tier 'gateway' forwards to unknown tier 'ap'; allowed: gateway, "
            "app, db");
}

TEST_F(LoaderTest, TierWithNoReplicas) {
  EXPECT_EQ(errors(replaceLine(kValid, 22, "    replicas: 0")),
            "small.yaml:22:15: tier 'gateway' replicas must be a whole number from 1 to 100000, "
            "not '0'");
}

// A count that is not a number is named by its key, and comes before a mistake in the
// `replica` below it (the loader reads the count first, as it is written first).
TEST_F(LoaderTest, AReplicaCountThatIsNotANumberComesFirst) {
  const std::string text = replaceLine(replaceLine(kValid, 22, "    replicas: \"three\""), 23,
                                       "    replica: {workers: [64]}");
  EXPECT_EQ(errors(text),
            "small.yaml:22:15: tier 'gateway' replicas must be a whole number from 1 to 100000, "
            "not 'three'");
  EXPECT_EQ(errors(replaceLine(kValid, 23, "    replica: {workers: [64]}")),
            "small.yaml:23:24: tier 'gateway' replica workers must be a single value, not a "
            "list; allowed: one number, duration, rate or name (4, not [4])");
  EXPECT_EQ(errors(replaceLine(kValid, 34, "    read_replicas: {count: two, workers: 10}")),
            "small.yaml:34:28: tier 'db' read_replicas count must be a whole number from 0 to "
            "100000, not 'two'");
}

TEST_F(LoaderTest, Maxconn) {
  const auto spec =
      load(replaceLine(kValid, 27, "    replica: {workers: 4, queue_limit: 50, maxconn: 6}"));
  EXPECT_EQ(spec.tiers[1].targets[0].maxConn, 6u);
}

TEST_F(LoaderTest, NegativeRate) {
  EXPECT_EQ(errors(replaceLine(kValid, 7, "    - {duration: 5m, rate: -20/s}")),
            "small.yaml:7:28: phase 1 rate must not be negative, not '-20/s'; allowed: a rate "
            "such as 100/s, 10r/m, 3600/h");
}

TEST_F(LoaderTest, RateWithUnknownUnit) {
  EXPECT_EQ(errors(replaceLine(kValid, 7, "    - {duration: 5m, rate: 20/fortnight}")),
            "small.yaml:7:28: phase 1 rate '20/fortnight' is not a rate; allowed: a rate such as "
            "100/s, 10r/m, 3600/h");
}

TEST_F(LoaderTest, UnknownTierInRoute) {
  EXPECT_EQ(errors(replaceLine(kValid, 14, "    route: [gateway, ap]")),
            "small.yaml:14:22: unknown tier 'ap' in route of class 'browse'; allowed: gateway, "
            "app, db");
}

TEST_F(LoaderTest, UnknownClassInMix) {
  EXPECT_EQ(errors(replaceLine(kValid, 10, "    - {class: brows, weight: 3}")),
            "small.yaml:10:15: unknown class 'brows' in mix entry 1; allowed: browse, buy");
}

TEST_F(LoaderTest, BadDuration) {
  EXPECT_EQ(errors(replaceLine(kValid, 3, "duration: 10 parsecs")),
            "small.yaml:3:11: duration '10 parsecs' is not a duration; allowed: a duration such "
            "as 250ms, 30s, 5m, 1h");
}

TEST_F(LoaderTest, WarmupNotShorterThanDuration) {
  EXPECT_EQ(errors(replaceLine(kValid, 4, "warmup: 10m")),
            "small.yaml:4:9: warmup 600s is not shorter than duration 600s; allowed: 0 <= warmup "
            "< duration");
}

// 600 s sampled every 0.5 ms would keep 1.2 million rows per series: refused, with an
// interval that would do. The interval lbsim picks itself stays near 500 samples for any
// duration, even one whose count of hours overflows an integer.
TEST_F(LoaderTest, TimeSeriesIntervalThatKeepsTooManySamples) {
  EXPECT_EQ(errors(replaceLine(kValid, 4, "warmup: 1m\ntimeseries_interval: 0.5ms")),
            "small.yaml:5:22: timeseries_interval 0.5ms over the duration 600s makes 1.2e+06 "
            "time-series samples; allowed: at most 1,000,000 (a timeseries_interval of 1ms or "
            "more)");
  EXPECT_NO_THROW(load(replaceLine(kValid, 4, "warmup: 1m\ntimeseries_interval: 1ms")));
  for (const double duration : {600.0, 1e7, 1e30}) {
    const double interval = models::defaultTimeseriesInterval(duration);
    EXPECT_GT(interval, 0.0) << duration;
    EXPECT_LE(duration / interval, 500.0 * (1.0 + 1e-12)) << duration;  // rounding
  }
}

TEST_F(LoaderTest, RateThatMakesTooManyArrivals) {
  // 600 s at 2e9/s is 1.2e12 arrivals, over models::kMaxArrivals (1e12): 1.66e9/s would do.
  EXPECT_EQ(errors(replaceLine(kValid, 8, "    - {duration: 5m, rate: 20/s, ramp_to: 2e9/s}")),
            "small.yaml:8:43: phase 2 ramp_to 2e+09/s would make 1.2e+12 arrivals over the "
            "duration 600s; allowed: at most 1e12 (a rate of at most 1.66e+09/s over this "
            "duration)");
  EXPECT_NO_THROW(load(replaceLine(kValid, 8, "    - {duration: 5m, rate: 1e9/s}")));
}

TEST_F(LoaderTest, SpikesThatMakeTooManyArrivals) {
  // Each phase is within models::kMaxArrivals (1e12), but a spike multiplies the rate: 1e9/s
  // for 5 min is 3e11 arrivals. Doubled for 5 min, it is 6e11, within the limit; with a
  // second spike of 1e5 over the last minute (overlapping spikes multiply), that minute
  // alone makes 1e9 x 2 x 1e5 x 60 s = 1.2e16.
  const std::string fast = replaceLine(kValid, 7, "    - {duration: 5m, rate: 1e9/s}");
  // The spikes go into the traffic mapping, before its mix (line 9).
  EXPECT_EQ(errors(replaceLine(fast, 9,
                               "  spikes: [{at: 0s, duration: 5m, factor: 2}, {at: 4m, "
                               "duration: 1m, factor: 1e5}]\n  mix:")),
            "small.yaml:9:11: traffic spikes: the phases with their spikes would make 1.2e+16 "
            "arrivals over the duration 600s; allowed: at most 1e12 (smaller factors or rates)");
  EXPECT_NO_THROW(
      load(replaceLine(fast, 9, "  spikes: [{at: 0s, duration: 5m, factor: 2}]\n  mix:")));
  // A daily curve multiplies it as well; its points are factors of the phases' rate, and
  // the highest bounds what it makes.
  EXPECT_EQ(errors(replaceLine(fast, 9, "  diurnal: {period: 10m, points: [1e4, 1e4]}\n  mix:")),
            "small.yaml:9:12: traffic diurnal: the phases with their diurnal curve would make "
            "up to 3e+15 arrivals over the duration 600s; allowed: at most 1e12 (smaller "
            "factors or rates)");
  // Its shortest period loads (its knots are not walked: the check stays instant); a
  // shorter one is refused for itself, before the arrivals are counted.
  EXPECT_NO_THROW(load(replaceLine(fast, 9,
                                   "  diurnal: {period: 1s, peak_at: 0s, min_factor: "
                                   "0.5}\n  mix:")));
  EXPECT_EQ(errors(replaceLine(fast, 9,
                               "  diurnal: {period: 1us, peak_at: 0s, min_factor: 0.5}\n  mix:")),
            "small.yaml:9:21: traffic diurnal period '1us' is too short; allowed: a duration of "
            "at least 1s (a day: 24h)");
}

TEST_F(LoaderTest, MissingRequiredKey) {
  EXPECT_EQ(errors(replaceLine(kValid, 3, "")),
            "small.yaml:1:1: missing key 'duration' in scenario");
}

TEST_F(LoaderTest, UnknownDistribution) {
  EXPECT_EQ(errors(replaceLine(kValid, 21, "    service: {dist: normal, mean: 1ms}")),
            "small.yaml:21:21: unknown distribution 'normal'; allowed: deterministic, empirical, "
            "erlang, exponential, gamma, hyperexponential, lognormal, pareto, uniform, weibull");
}

TEST_F(LoaderTest, ImpossibleDistributionParameters) {
  EXPECT_EQ(errors(replaceLine(kValid, 21, "    service: {dist: uniform, mean: 1ms, cv: 0.8}")),
            "small.yaml:21:14: tier 'gateway' service: cv 0.8 is not possible for uniform with a "
            "non-negative low end; allowed: 0 <= cv <= 0.57735");
}

TEST_F(LoaderTest, WorkersMustBeAWholePositiveNumber) {
  EXPECT_EQ(errors(replaceLine(kValid, 23, "    replica: {workers: 0}")),
            "small.yaml:23:24: tier 'gateway' replica workers must be a whole number from 1 to "
            "1000000, not '0'");
}

TEST_F(LoaderTest, DuplicateTierId) {
  const std::string text =
      kValid + "  - id: app\n    service: {dist: exponential, mean: 1ms}\n    replicas: 1\n";
  EXPECT_EQ(errors(text), "small.yaml:35:9: duplicate tier id 'app'; allowed: each id once");
}

TEST_F(LoaderTest, DemandForATierNotOnTheRoute) {
  EXPECT_EQ(errors(replaceLine(kValid, 18, "      cache: {op: write}")),
            "small.yaml:18:7: demand for tier 'cache' which is not on the route of class 'buy'; "
            "allowed: gateway, app, db");
}

TEST_F(LoaderTest, InvalidYaml) {
  EXPECT_EQ(errors(replaceLine(kValid, 10, "    - {class: browse, weight: 3")),
            "small.yaml:13:3: invalid YAML: illegal block entry");
}

TEST_F(LoaderTest, ReportsEveryProblemInFileOrder) {
  std::string text = replaceLine(kValid, 2, "sead: 7");
  text = replaceLine(text, 29, "    balancer: {policy: fastest}");
  const std::string e = errors(text);
  EXPECT_EQ(e.find("small.yaml:2:1: unknown key 'sead'"), 0u) << e;
  EXPECT_NE(e.find("\nsmall.yaml:29:24: unknown balancing policy 'fastest'"), std::string::npos)
      << e;
}

// A mistake in a closed-loop setting does not hide one in the phases (nor the reverse).
TEST_F(LoaderTest, AThinkErrorDoesNotHideAPhaseError) {
  std::string text = replaceLine(kValid, 7, "    - {duration: 5m, rate: 10%}");
  text = replaceLine(text, 6, "  think: {dist: exponential, mean: 1s}\n  phases:");
  const std::string e = errors(text);
  EXPECT_EQ(e,
            "small.yaml:6:10: traffic think needs users; allowed: set users: N\n"
            "small.yaml:8:28: phase 1 rate '10%' is not a rate; allowed: a rate such as 100/s, "
            "10r/m, 3600/h");
}

TEST_F(LoaderTest, MappingUsedAsAKey) {
  EXPECT_EQ(errors(replaceLine(kValid, 18, "      {db: 1}: {op: write}")),
            "small.yaml:18:7: a key in class 'buy' demands must be a plain name");
}

TEST_F(LoaderTest, DistributionGivenTwoWays) {
  EXPECT_EQ(
      errors(replaceLine(kValid, 25, "    service: {dist: gamma, mean: 20ms, cv: 1, shape: 7}")),
      "small.yaml:25:54: tier 'app' service (gamma) gives both mean/cv and shape; allowed: "
      "either mean and cv, or shape, scale");
}

TEST_F(LoaderTest, ErlangByMeanAndCv) {
  const auto spec =
      load(replaceLine(kValid, 25, "    service: {dist: erlang, mean: 20ms, cv: 0.5}"));
  EXPECT_EQ(spec.tiers[1].service.kind(), core::DistributionKind::kErlang);
  EXPECT_NEAR(spec.tiers[1].service.cv(), 0.5, 1e-12);
}

TEST_F(LoaderTest, DeterministicByMeanAlone) {
  const auto spec = load(replaceLine(kValid, 25, "    service: {dist: deterministic, mean: 20ms}"));
  EXPECT_EQ(spec.tiers[1].service.mean(), 0.02);
  EXPECT_EQ(spec.tiers[1].service.cv(), 0.0);
}

TEST_F(LoaderTest, IdsArePlainNames) {
  // Renaming the class also leaves the mix's references to 'browse' unknown: three errors.
  const std::string e = errors(replaceLine(kValid, 13, "  - id: brow/se"));
  EXPECT_NE(e.find("small.yaml:13:9: class id 'brow/se' is not a plain name; allowed: letters, "
                   "digits, '-', '_', '.'"),
            std::string::npos)
      << e;
  const std::string r = errors(replaceLine(kValid, 30, "  - id: end_to_end"));
  EXPECT_NE(r.find("small.yaml:30:9: tier id 'end_to_end' is reserved for outputs; allowed: any "
                   "other name"),
            std::string::npos)
      << r;
}

TEST_F(LoaderTest, OperationOnlyOnDatabases) {
  EXPECT_EQ(errors(replaceLine(kValid, 18, "      app: {op: write}")),
            "small.yaml:18:17: op in class 'buy' demand at 'app', which is not a database; "
            "allowed: op on kind: database tiers only");
}

TEST_F(LoaderTest, DuplicateReplicaNames) {
  EXPECT_EQ(errors(replaceLine(kValid, 28, "    targets: [{name: a}, {name: a}]")),
            "small.yaml:24:5: tier 'app' has two replicas named 'a'; allowed: each name once");
}

TEST_F(LoaderTest, MissingFile) {
  try {
    loadScenarioFile("/nonexistent/missing.yaml", policies_);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(),
                 "/nonexistent/missing.yaml: cannot read the scenario file: No such file or "
                 "directory");
  }
}

TEST_F(LoaderTest, EmptyFile) {
  EXPECT_EQ(
      errors(""),
      "small.yaml: the scenario is empty; allowed: a mapping with keys classes, description, "
      "duration, faults, name, network, regions, replications, seed, tiers, timeseries_interval, "
      "traffic, warmup");
}

}  // namespace
}  // namespace lbsim::scenarios
