// Faults, health checks, timeouts and retries in the running model. Every scenario here is
// deterministic (constant service times, evenly spaced arrivals, checks that cost nothing),
// so the timelines are worked out by hand in each test from the systems' documented rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "models/experiment.h"
#include "models/metrics/collector.h"
#include "models/metrics/trace.h"
#include "models/network.h"
#include "scenarios/loader.h"
#include "scenarios/writer.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

using models::ErrorCause;

struct HealthRecord {
  double time;
  std::string replica;
  bool available;
  models::health::Why why;
};
struct AttemptRecord {
  double time;
  std::string tier;
  std::string replica;
  ErrorCause cause;
  bool retried;
};
struct EndRecord {
  double time;
  double latency;
  bool failed;
  ErrorCause cause;
};

class Recorder final : public models::NetworkObserver {
 public:
  explicit Recorder(models::Network& network) : network_(network) {}
  void onHealthChanged(models::TierIndex tier, models::ReplicaIndex replica,
                       const models::health::HealthEvent& event, std::string_view,
                       double now) override {
    health.push_back(
        {now, network_.tier(tier).replicas()[replica].name, event.available, event.why});
  }
  void onAttemptFailed(const models::Request&, models::TierIndex tier, models::ReplicaIndex replica,
                       ErrorCause cause, bool retried, double now) override {
    attempts.push_back(
        {now, network_.tier(tier).id(),
         replica == models::kNone ? "" : network_.tier(tier).replicas()[replica].name, cause,
         retried});
  }
  void onRequestCompleted(const models::Request& r, double now) override {
    ends.push_back({now, now - r.created, false, ErrorCause::kCount});
  }
  void onRequestFailed(const models::Request& r, models::TierIndex, models::ReplicaIndex,
                       ErrorCause cause, double now) override {
    ends.push_back({now, now - r.created, true, cause});
  }
  std::vector<HealthRecord> health;
  std::vector<AttemptRecord> attempts;
  std::vector<EndRecord> ends;

  std::size_t failures(ErrorCause cause) const {
    std::size_t n = 0;
    for (const auto& e : ends)
      n += e.failed && e.cause == cause ? 1 : 0;
    return n;
  }
  std::size_t failed() const {
    std::size_t n = 0;
    for (const auto& e : ends)
      n += e.failed ? 1 : 0;
    return n;
  }

 private:
  models::Network& network_;
};

class ResilienceTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  // Runs the scenario to its duration with a recorder (and a collector for figures).
  void run(const std::string& yaml, double until = -1.0) {
    spec_ = scenarios::loadScenarioText(yaml, "resilience.yaml", policies_);
    network_ = std::make_unique<models::Network>(spec_, 1, policies_);
    recorder_ = std::make_unique<Recorder>(*network_);
    collector_ = std::make_unique<models::Collector>(*network_);
    network_->addObserver(recorder_.get());
    network_->addObserver(collector_.get());
    network_->start();
    network_->simulator().stopAt(until > 0.0 ? until : spec_.duration);
    network_->simulator().run();
  }
  // When the scenario's health checks (or liveness probes) first check a replica: drawn when
  // the network starts, the same in a network built again from the same scenario and seed.
  double firstCheck(const std::string& yaml, const std::string& tier, models::ReplicaIndex r,
                    bool liveness = false) {
    const auto spec = scenarios::loadScenarioText(yaml, "resilience.yaml", policies_);
    models::Network network(spec, 1, policies_);
    network.start();
    for (models::TierIndex t = 0; t < spec.tiers.size(); ++t) {
      if (spec.tiers[t].id == tier) return network.tier(t).health()->nextCheckAt(liveness, r);
    }
    ADD_FAILURE() << "no tier " << tier;
    return -1.0;
  }
  double figure(const std::string& path) const {
    return test::figureValue(collector_->figures(network_->simulator().now()), path);
  }

  models::ScenarioSpec spec_;
  std::unique_ptr<models::Network> network_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<models::Collector> collector_;
};

const char* kThreeReplicas = R"(name: three
duration: 120s
traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 10/s}]
  mix: [{class: get}]
classes: [{id: get, route: [lb, app]}]
tiers:
  - {id: lb, service: {dist: deterministic, value: 0ms}, replicas: 1, replica: {workers: 100}}
  - id: app
    service: {dist: deterministic, value: 10ms}
    replicas: 3
    replica: {workers: 4}
)";

// HAProxy `check inter 5s rise 2 fall 3`, checks that take no time. HAProxy spreads its
// servers' first checks over the interval (check.c start_checks: server k of n at
// k x inter / n), so app-2, the second of three, is checked at 5/3 s and every 5 s after
// (HAProxy waits `inter` after the previous check ended): 1.667, 6.667, ... app-2 crashes at
// 32 s: the checks at 36.667, 41.667 and 46.667 s are refused, and the third (`fall 3`)
// marks it DOWN at 46.667 s — 14.667 s after the crash, within the bound crash + fall x
// inter = 47 s. It comes back at 52 s; while DOWN checks keep the same interval (no
// downinter): 51.667 s still fails, 56.667 s and 61.667 s pass, and `rise 2` brings it UP
// at 61.667 s.
TEST_F(ResilienceTest, HaproxyChecksMarkACrashedReplicaDownAfterFallChecks) {
  run(std::string(kThreeReplicas) +
      R"(    health_check: {haproxy: "check inter 5s rise 2 fall 3", demand: 0ms}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 32s, for: 20s}
)");
  const double phase = 5.0 / 3.0;
  std::vector<HealthRecord> app2;
  for (const auto& h : recorder_->health) {
    if (h.replica == "app-2") app2.push_back(h);
  }
  ASSERT_EQ(app2.size(), 2u);
  EXPECT_NEAR(app2[0].time, 45.0 + phase, 1e-9);
  EXPECT_FALSE(app2[0].available);
  EXPECT_EQ(app2[0].why, models::health::Why::kFailuresReachedThreshold);
  EXPECT_NEAR(app2[1].time, 60.0 + phase, 1e-9);
  EXPECT_TRUE(app2[1].available);
  // Between the crash and DOWN, one request in three went to app-2 and was refused:
  // 14.667 s x 10/s / 3 = 48.9; none after (round robin skips a DOWN server).
  const std::size_t refused = recorder_->failures(ErrorCause::kBadGateway);
  EXPECT_GE(refused, 47u);
  EXPECT_LE(refused, 51u);
  for (const auto& a : recorder_->attempts) {
    EXPECT_GE(a.time, 32.0);
    EXPECT_LE(a.time, 45.0 + phase);
  }
  EXPECT_NEAR(figure("faults/1/first_out_s"), 13.0 + phase, 1e-9);
  EXPECT_NEAR(figure("faults/1/back_in_rotation_s"), 8.0 + phase, 1e-9);
  EXPECT_EQ(figure("faults/1/errors_until_all_out"), static_cast<double>(refused));
}

// nginx `max_fails=3 fail_timeout=30s` on its whole-second clock (ngx_time()): app-2 is
// down from 10 s and refuses. Round robin sends it every third request, so its third
// failure comes at ~10.5 s (second 10): nginx skips it while now - checked <= 30, that is
// through second 40, and lets exactly one request through in second 41; that one fails,
// and it is skipped again until second 72. No request reaches app-2 in between.
TEST_F(ResilienceTest, NginxMaxFailsExcludesTheServerForFailTimeout) {
  run(std::string(kThreeReplicas) + R"(    passive_health: {nginx: "max_fails=3 fail_timeout=30s"}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 10s}
)");
  std::vector<double> times;
  for (const auto& a : recorder_->attempts) {
    ASSERT_EQ(a.replica, "app-2");
    times.push_back(a.time);
  }
  ASSERT_EQ(times.size(), 3u + 1u + 1u + 1u);  // three, then one trial at 41, 72 and 103
  EXPECT_GE(times[0], 10.0);
  EXPECT_LT(times[2], 11.0);
  EXPECT_GE(times[3], 41.0);
  EXPECT_LT(times[3], 41.35);  // the first request of second 41 that round robin gives it
  EXPECT_GE(times[4], 72.0);
  EXPECT_LT(times[4], 72.35);
  EXPECT_GE(times[5], 103.0);
  EXPECT_LT(times[5], 103.35);
}

// A hung app answers nothing: with `timeouts: {response: 2s}` its caller gives up after
// exactly 2 s and answers 504; requests to the other replicas are not affected.
TEST_F(ResilienceTest, AResponseTimeoutAnswers504AfterExactlyTheTimeout) {
  run(std::string(kThreeReplicas) + R"(    timeouts: {response: 2s}
faults:
  - {fault: hang, tier: app, replicas: [app-1], at: 20s, for: 10s}
)");
  std::size_t timeouts = 0;
  for (const auto& e : recorder_->ends) {
    if (!e.failed) {
      EXPECT_NEAR(e.latency, 0.010, 1e-9);
      continue;
    }
    EXPECT_EQ(e.cause, ErrorCause::kGatewayTimeout);
    EXPECT_NEAR(e.latency, 2.0, 1e-9);
    ++timeouts;
  }
  // One request in three from 20 s to 30 s: 10 s x 10/s / 3 = 33.3.
  EXPECT_GE(timeouts, 33u);
  EXPECT_LE(timeouts, 34u);
}

// The caller's timeout does not cancel the work downstream. app calls db (1 s timeout) and
// db takes 3 s: every request fails with 504 after 1 s + 10 ms, while db still serves all of
// them for 3 s each, so its utilization is 1/s x 3 s / 4 workers = 0.75; app, which holds a
// worker during the call, holds it for 1 s only. Nothing is left over: the orphaned work
// ends when it comes back to where its caller left.
TEST_F(ResilienceTest, ATimedOutCallLeavesItsWorkRunningDownstream) {
  run(R"(name: orphan
duration: 200s
traffic:
  arrivals: uniform
  phases: [{duration: 100s, rate: 1/s}]
  mix: [{class: get}]
classes: [{id: get, route: [app, db]}]
tiers:
  - {id: app, service: {dist: deterministic, value: 10ms}, hold_worker: true, replicas: 1,
     replica: {workers: 8}}
  - {id: db, service: {dist: deterministic, value: 3s}, replicas: 1, replica: {workers: 4},
     timeouts: {response: 1s}}
)",
      200.0);
  ASSERT_EQ(recorder_->ends.size(), 100u);
  for (const auto& e : recorder_->ends) {
    EXPECT_TRUE(e.failed);
    EXPECT_EQ(e.cause, ErrorCause::kGatewayTimeout);
    EXPECT_NEAR(e.latency, 1.010, 1e-9);
  }
  EXPECT_EQ(figure("tiers/db/completed"), 100.0);
  EXPECT_NEAR(figure("tiers/db/busy_workers"), 100.0 * 3.0 / 200.0, 1e-9);
  EXPECT_NEAR(figure("tiers/app/busy_workers"), 100.0 * 1.01 / 200.0, 1e-9);
  EXPECT_EQ(network_->requestsInFlight(), 0u);
}

// A request that timed out in one replica's queue and was retried at the other waits there;
// its old entry is not served when the first replica frees a worker. Requests at 0.1, 0.2 and
// 0.3 s (600 ms of service, one worker per replica): the first two are served at once (0.6 s);
// the third waits at app-1 until its queue timeout (0.6 s), is retried at app-2 and waits
// there until 0.8 s: 1.1 s in all. (Served from its stale entry at app-1 when that freed at
// 0.7 s, it took 1.0 s, and app-2's queue counted one request fewer from then on.)
TEST_F(ResilienceTest, ARetriedRequestIsNotServedFromTheQueueItTimedOutOf) {
  run(R"(name: stale-entry
duration: 5s
traffic:
  arrivals: uniform
  phases: [{duration: 350ms, rate: 10/s}]
  mix: [{class: get}]
classes: [{id: get, route: [app]}]
tiers:
  - id: app
    service: {dist: deterministic, value: 600ms}
    replicas: 2
    replica: {workers: 1, queue_timeout: 300ms}
    retries: {style: nginx, tries: 2, on: [error, timeout, http_503]}
)",
      5.0);
  ASSERT_EQ(recorder_->ends.size(), 3u);
  std::vector<double> latencies;
  for (const auto& e : recorder_->ends) {
    EXPECT_FALSE(e.failed);
    latencies.push_back(e.latency);
  }
  std::sort(latencies.begin(), latencies.end());
  EXPECT_NEAR(latencies[0], 0.6, 1e-9);
  EXPECT_NEAR(latencies[1], 0.6, 1e-9);
  EXPECT_NEAR(latencies[2], 1.1, 1e-9);
}

// lb (1 ms) calls app (80 ms, two replicas), whose callers time out after 50 ms and try
// the other replica once: every attempt times out.
constexpr const char* kTimedOutApp = R"(traffic:
  arrivals: uniform
  phases: [{duration: 20s, rate: 5/s}]
  mix: [{class: get}]
classes: [{id: get, route: [lb, app]}]
tiers:
  - {id: lb, service: {dist: deterministic, value: 1ms}, replicas: 1, replica: {workers: 16}}
  - id: app
    service: {dist: deterministic, value: 80ms}
    replicas: 2
    replica: {workers: 8}
    timeouts: {response: 50ms}
    retries: {style: nginx, tries: 2, on: [error, timeout]}
)";

// A timed-out attempt is retried even when no tier above has a timeout of its own. lb (1 ms)
// calls app (80 ms, response timeout 50 ms, nginx tries 2 on timeout): each request reaches
// app at 1 ms, its first attempt times out at 51 ms, the retry on app's other replica at
// 101 ms, and the 504 is app's. (The detached attempt's callers once got a timer of 0 s, which
// ended every request at lb after the first 50 ms.)
TEST_F(ResilienceTest, ATimedOutAttemptIsRetriedWhenNoTierAboveHasATimeout) {
  run("name: retried-timeout\nduration: 30s\n" + std::string(kTimedOutApp), 30.0);
  ASSERT_EQ(recorder_->ends.size(), 100u);
  for (const auto& e : recorder_->ends) {
    EXPECT_TRUE(e.failed);
    EXPECT_EQ(e.cause, ErrorCause::kGatewayTimeout);
    EXPECT_NEAR(e.latency, 0.101, 1e-9);
  }
  EXPECT_EQ(figure("tiers/app/retries"), 100.0);
  // Both attempts' 504s are app's (the retried one counted where it was produced), none lb's.
  EXPECT_EQ(figure("tiers/app/errors/504_gateway_timeout"), 200.0);
  EXPECT_EQ(figure("end_to_end/all/errors/504_gateway_timeout"), 100.0);
  EXPECT_EQ(figure("tiers/lb/errors/504_gateway_timeout"), 0.0);
}

// The trace row of the attempt that ended a request is about the hop where it failed (app,
// hop 1), though the response has come back to hop 0 by the time the row is written; the
// retried attempt before it is at hop 1 as well.
TEST_F(ResilienceTest, TheTraceRowOfAFailureIsAtTheHopWhereItFailed) {
  struct Sink : models::TraceSink {
    std::vector<std::pair<std::string, std::int32_t>> failures;  // tier, hop
    void write(const models::TraceRecord& r) override {
      if (std::string(r.outcome) != "ok" && *r.tier != "end_to_end")
        failures.emplace_back(*r.tier, r.hop);
    }
  } sink;
  std::string yaml = "name: failed-hop\nduration: 5s\n" + std::string(kTimedOutApp);
  yaml.replace(yaml.find("duration: 20s"), 13, "duration: 2s");
  const auto spec = scenarios::loadScenarioText(yaml, "resilience.yaml", policies_);
  models::RunHooks hooks;
  hooks.trace = &sink;
  hooks.traceFraction = 1.0;
  models::runReplication(spec, 0, policies_, hooks);
  ASSERT_EQ(sink.failures.size(), 20u);  // 10 requests in 2 s, two attempts each
  for (const auto& [tier, hop] : sink.failures) {
    EXPECT_EQ(tier, "app");
    EXPECT_EQ(hop, 1);
  }
}

// An orphan whose replica then crashes is dropped there: its caller already gave up on it
// and counted the attempt as ended, so the balancer's count of the replica is not lowered a
// second time (it would wrap below zero and the replica would never be picked again).
TEST_F(ResilienceTest, AnOrphanLostAtACrashedReplicaIsNotCountedTwice) {
  run(R"(name: orphan-crash
duration: 200s
traffic:
  arrivals: uniform
  phases: [{duration: 100s, rate: 1/s}]
  mix: [{class: get}]
classes: [{id: get, route: [app, db]}]
tiers:
  - {id: app, service: {dist: deterministic, value: 10ms}, replicas: 1, replica: {workers: 8}}
  - {id: db, service: {dist: deterministic, value: 3s}, replicas: 2, replica: {workers: 4},
     timeouts: {response: 1s}}
faults:
  - {fault: crash, tier: db, replicas: [db-1], at: 50.5s, for: 10s}
)",
      200.0);
  EXPECT_EQ(recorder_->ends.size(), 100u);
  for (const auto& target : network_->tier(1).balancer().targets())
    EXPECT_EQ(target.active, 0u);
  EXPECT_EQ(network_->requestsInFlight(), 0u);
  // After the crash db-1 still takes its share (round robin): it was not lost to a count
  // that wrapped around.
  EXPECT_GT(figure("tiers/db/replicas/db-1/share"), 0.4);
}

// nginx proxy_next_upstream error (the default) with tries: a request refused by the
// crashed app-2 goes to the next server at once: no client sees an error, and the retries
// equal the refusals.
TEST_F(ResilienceTest, NginxPassesRefusedRequestsToTheNextServer) {
  run(std::string(kThreeReplicas) + R"(    retries: {style: nginx, tries: 3}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 0s}
)");
  EXPECT_EQ(recorder_->failed(), 0u);
  ASSERT_FALSE(recorder_->attempts.empty());
  for (const auto& a : recorder_->attempts) {
    EXPECT_TRUE(a.retried);
    EXPECT_EQ(a.replica, "app-2");
  }
  EXPECT_EQ(figure("tiers/app/retries"), static_cast<double>(recorder_->attempts.size()));
  EXPECT_EQ(figure("tiers/app/errors/502_bad_gateway"),
            static_cast<double>(recorder_->attempts.size()));
}

// A 503 produced at the database comes back through app as a response; nginx in front of
// app (retries on http_503) passes the request to the other app replica. The error is
// counted where it was produced (db), the retry at app, and app itself produced no error.
TEST_F(ResilienceTest, ARetriedErrorResponseIsCountedWhereItWasProduced) {
  run(R"(name: retry-5xx
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 60s, rate: 20/s}]
  mix: [{class: get}]
classes: [{id: get, route: [app, db]}]
tiers:
  - id: app
    service: {dist: deterministic, value: 1ms}
    replicas: 2
    replica: {workers: 10}
    retries: {style: nginx, tries: 2, on: [http_503]}
  - {id: db, service: {dist: deterministic, value: 100ms}, replicas: 1,
     replica: {workers: 1, queue_limit: 0}}
)");
  const double produced = figure("tiers/db/errors/503_queue_full");
  EXPECT_GT(produced, 0.0);
  EXPECT_EQ(figure("tiers/app/errors/503_queue_full"), 0.0);
  EXPECT_GT(figure("tiers/app/retries"), 0.0);
  // Every client error is a 503 from db whose retry failed too; each came from db.
  EXPECT_EQ(figure("end_to_end/all/errors/503_queue_full") + figure("tiers/app/retries"), produced);
}

// HAProxy `retries 3` + `option redispatch` with a hash-based algorithm (`balance source`):
// after a refused connection it waits the turn-around min(timeout connect, 1 s) = 1 s and
// tries the same server again, twice, and redispatches the last retry to another server at
// once (stream.c: the default redispatch interval is the last retry): 2 s + 10 ms for a
// request that first went to the crashed server.
TEST_F(ResilienceTest, HaproxyRetriesTheSameServerThenRedispatchesWhenItHashes) {
  run(std::string(kThreeReplicas) + R"(    balancer: {policy: source}
    timeouts: {connect: 5s}
    retries: {style: haproxy, retries: 3, redispatch: true}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 0s}
)",
      125.0);  // every request has ended by then
  EXPECT_EQ(recorder_->failed(), 0u);
  std::size_t slow = 0;
  for (const auto& e : recorder_->ends) {
    if (e.latency > 0.011) {
      EXPECT_NEAR(e.latency, 2.010, 1e-9);
      ++slow;
    }
  }
  EXPECT_GT(slow, 0u);
  // Three refusals per such request: the first attempt and two retries at app-2.
  EXPECT_EQ(recorder_->attempts.size(), 3 * slow);
}

// The trace shows each failed attempt of a request that went to app-2 (a row per refusal,
// at its time, outcome 502_bad_gateway), then the attempt that served it elsewhere;
// `arrived` is when the request first reached the tier on every row of the hop.
TEST_F(ResilienceTest, TheTraceHasARowForEveryAttemptThatWasTriedAgain) {
  struct Row {
    std::uint64_t request;
    std::int32_t hop;
    std::string replica;
    double arrived, departed;
    std::string outcome;
  };
  struct Sink : models::TraceSink {
    std::vector<Row> rows;
    void write(const models::TraceRecord& r) override {
      rows.push_back({r.request, r.hop, r.replica ? *r.replica : "", r.arrived, r.departed,
                      std::string(r.outcome)});
    }
  } sink;
  const auto spec =
      scenarios::loadScenarioText(std::string(kThreeReplicas) + R"(    balancer: {policy: source}
    timeouts: {connect: 5s}
    retries: {style: haproxy, retries: 3, redispatch: true}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 0s}
)",
                                  "resilience.yaml", policies_);
  models::RunHooks hooks;
  hooks.trace = &sink;
  hooks.traceFraction = 1.0;
  models::runReplication(spec, 0, policies_, hooks);
  std::map<std::uint64_t, std::vector<Row>> app;  // the app hop's rows, by request
  for (const auto& r : sink.rows) {
    if (r.hop == 1) app[r.request].push_back(r);
  }
  std::size_t retried = 0;
  for (const auto& [request, rows] : app) {
    if (rows[0].arrived > 120.0 - 2.010) continue;  // still being retried when the run ended
    if (rows.size() == 1) {
      EXPECT_EQ(rows[0].outcome, "ok");
      continue;
    }
    ++retried;
    std::string seen;
    for (const auto& r : rows)
      seen += r.replica + " " + std::to_string(r.arrived) + "-" + std::to_string(r.departed) + " " +
              r.outcome + "; ";
    ASSERT_EQ(rows.size(), 4u) << "request " << request << ": " << seen;
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(rows[k].replica, "app-2");
      EXPECT_EQ(rows[k].outcome, "502_bad_gateway");
      EXPECT_NEAR(rows[k].departed, rows[k].arrived + k, 1e-9);  // refused, then 1 s apart
    }
    EXPECT_NE(rows[3].replica, "app-2");
    EXPECT_EQ(rows[3].outcome, "ok");
    EXPECT_EQ(rows[3].arrived, rows[0].arrived);
    EXPECT_NEAR(rows[3].departed, rows[0].arrived + 2.010, 1e-9);
  }
  EXPECT_GT(retried, 0u);
}

// The same with round robin: the server was not picked by a hash or a cookie and more than
// one server is active, so every retry is redispatched, at once ("only wait when we're
// retrying on the same server"): one refusal and 10 ms for a request sent to app-2.
TEST_F(ResilienceTest, HaproxyRedispatchesAtOnceWhenTheAlgorithmDoesNotHash) {
  run(std::string(kThreeReplicas) + R"(    timeouts: {connect: 5s}
    retries: {style: haproxy, retries: 3, redispatch: true}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 0s}
)",
      125.0);
  EXPECT_EQ(recorder_->failed(), 0u);
  for (const auto& e : recorder_->ends)
    EXPECT_NEAR(e.latency, 0.010, 1e-9);
  ASSERT_GT(recorder_->attempts.size(), 0u);
  for (const auto& a : recorder_->attempts) {
    EXPECT_EQ(a.replica, "app-2");
    EXPECT_TRUE(a.retried);
  }
}

// Without `option redispatch` every retry goes to the same server after the turn-around:
// four refusals 1 s apart, and the request fails after 3 s.
TEST_F(ResilienceTest, WithoutRedispatchHaproxyRetriesOnlyTheSameServer) {
  run(std::string(kThreeReplicas) + R"(    timeouts: {connect: 5s}
    retries: {style: haproxy, retries: 3}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 0s}
)",
      125.0);
  ASSERT_GT(recorder_->failed(), 0u);
  for (const auto& e : recorder_->ends) {
    if (e.failed) {
      EXPECT_NEAR(e.latency, 3.0, 1e-9);
    }
  }
  EXPECT_EQ(recorder_->attempts.size(), 4 * recorder_->failed());
}

// HAProxy's default `retry-on conn-failure` retries a connection that could not be made,
// not a request the server accepted and then lost ("when a connection has effectively been
// established to a server, there will be no more retry"): app-2 crashes holding requests in
// service, and each of them reaches the client as a 502. `empty-response` retries those too.
TEST_F(ResilienceTest, HaproxyRetriesARequestTheServerLostOnlyOnEmptyResponse) {
  const std::string head = R"(name: lost
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 60s, rate: 6/s}]
  mix: [{class: get}]
classes: [{id: get, route: [lb, app]}]
tiers:
  - {id: lb, service: {dist: deterministic, value: 0ms}, replicas: 1, replica: {workers: 100}}
  - id: app
    service: {dist: deterministic, value: 1s}
    replicas: 3
    replica: {workers: 4}
)";
  const std::string faults = R"(faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 30050ms}
)";
  run(head + "    retries: {style: haproxy, retries: 3, redispatch: true}\n" + faults, 70.0);
  std::size_t lost = 0;
  for (const auto& a : recorder_->attempts) {
    if (!a.retried) {
      EXPECT_EQ(a.replica, "app-2");
      EXPECT_EQ(a.cause, ErrorCause::kBadGateway);
      ++lost;
    }
  }
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(recorder_->failed(), lost);
  EXPECT_EQ(recorder_->failures(ErrorCause::kBadGateway), lost);
  run(head +
          "    retries: {style: haproxy, retries: 3, redispatch: true, on: [conn-failure, "
          "empty-response]}\n" +
          faults,
      70.0);
  EXPECT_EQ(recorder_->failed(), 0u);
  // nginx's `error` covers both, for an idempotent request.
  run(head + "    retries: {style: nginx, on: [error]}\n" + faults, 70.0);
  EXPECT_EQ(recorder_->failed(), 0u);
}

// Without a budget every retry is sent; with Envoy's retry budget (20% of the requests in
// flight, at least 3) the retries in flight at the tier are capped.
TEST_F(ResilienceTest, ARetryBudgetCapsTheRetriesInFlight) {
  const std::string base = R"(name: storm
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 60s, rate: 200/s}]
  mix: [{class: get}]
classes: [{id: get, route: [lb, app]}]
tiers:
  - {id: lb, service: {dist: deterministic, value: 0ms}, replicas: 1, replica: {workers: 1000}}
  - id: app
    service: {dist: deterministic, value: 40ms}
    replicas: 2
    replica: {workers: 2, queue_limit: 2}
)";
  run(base + "    retries: {style: nginx, tries: 5, on: [error, timeout, http_503]}\n");
  const double unlimited = figure("tiers/app/retries");
  run(base +
      "    retries: {style: nginx, tries: 5, on: [error, timeout, http_503], budget: 20%, "
      "min_concurrency: 3}\n");
  const double budgeted = figure("tiers/app/retries");
  EXPECT_GT(unlimited, 0.0);
  EXPECT_LT(budgeted, unlimited);
}

// A database primary behind HAProxy checks (inter 5s fall 3, free checks every 5 s) with
// promote_after 10s: it crashes at 32 s, the checks at 35, 40 and 45 s fail and mark it
// DOWN at 45 s, and at 55 s the first read replica in rotation (db-replica-1) is promoted.
// Writes (one a second) fail from 32 s up to 55 s and succeed again from 56 s on; reads go
// on at the other read replica meanwhile.
TEST_F(ResilienceTest, ADatabaseReplicaIsPromotedWhenThePrimaryStaysDown) {
  run(R"(name: promote
duration: 100s
traffic:
  arrivals: uniform
  phases: [{duration: 100s, rate: 1/s}]
  mix: [{class: write}]
classes: [{id: write, route: [db], demands: {db: {op: write}}}]
tiers:
  - id: db
    kind: database
    service: {dist: deterministic, value: 5ms}
    primary: {workers: 4}
    read_replicas: {count: 2, workers: 4}
    health_check: {haproxy: "check inter 5s rise 2 fall 3", demand: 0ms}
    promote_after: 10s
faults:
  - {fault: crash, tier: db, replicas: [db-primary], at: 32s}
)");
  bool promoted = false;
  for (const auto& h : recorder_->health) {
    if (h.why == models::health::Why::kPromoted) {
      promoted = true;
      EXPECT_DOUBLE_EQ(h.time, 55.0);
      EXPECT_EQ(h.replica, "db-replica-1");
    }
  }
  EXPECT_TRUE(promoted);
  for (const auto& e : recorder_->ends) {
    const double sent = e.time - e.latency;
    EXPECT_EQ(e.failed, sent >= 32.0 && sent < 55.0) << "sent at " << sent;
  }
  EXPECT_EQ(recorder_->failed(), 23u);  // writes at 32, 33, ..., 54 s
}

// PgBouncer's reserve pool and query_wait_timeout on one replica with one worker, one
// reserve worker after 2 s and a 5 s queue timeout, 10 s requests arriving a second apart:
// A is served at once (10 s); B waits 2 s and takes the reserve worker (12 s); C, D and E
// find both taken and give up after 5 s with 503; F's 5 s are up just as A ends, and the
// end of A's service was scheduled first, so F takes A's worker after waiting 5 s (15 s).
TEST_F(ResilienceTest, AReservePoolAndAQueueTimeoutFollowPgBouncersRules) {
  run(R"(name: pool
duration: 60s
traffic:
  arrivals: uniform
  phases: [{duration: 6s, rate: 1/s}]
  mix: [{class: q}]
classes: [{id: q, route: [pool]}]
tiers:
  - id: pool
    service: {dist: deterministic, value: 10s}
    replicas: 1
    replica: {workers: 1, reserve_workers: 1, reserve_after: 2s, queue_timeout: 5s}
)");
  ASSERT_EQ(recorder_->ends.size(), 6u);
  std::vector<EndRecord> byArrival = recorder_->ends;
  std::sort(byArrival.begin(), byArrival.end(), [](const EndRecord& a, const EndRecord& b) {
    return a.time - a.latency < b.time - b.latency;
  });
  const double expected[] = {10.0, 12.0, 5.0, 5.0, 5.0, 15.0};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_NEAR(byArrival[i].latency, expected[i], 1e-9) << "request " << i;
    const bool timedOut = i >= 2 && i <= 4;
    EXPECT_EQ(byArrival[i].failed, timedOut) << "request " << i;
    if (timedOut) {
      EXPECT_EQ(byArrival[i].cause, ErrorCause::kQueueTimeout);
    }
  }
}

// A link fault between lb and app adds 50 ms each way from 10 s to 20 s: 10 + 2 x 50 ms for
// the requests that cross it both ways while it lasts; one from the clients to lb loses
// every attempt from 30 s to 35 s (502).
TEST_F(ResilienceTest, ALinkFaultAddsLatencyAndLosesAttempts) {
  run(std::string(kThreeReplicas) + R"(faults:
  - {fault: link, from: lb, to: app, latency: 50ms, at: 10s, for: 10s}
  - {fault: link, from: client, to: lb, errors: 100%, at: 30s, for: 5s}
)");
  for (const auto& e : recorder_->ends) {
    const double sent = e.time - e.latency;
    if (sent >= 30.0 && sent < 35.0) {
      EXPECT_TRUE(e.failed) << sent;
      EXPECT_EQ(e.cause, ErrorCause::kBadGateway);
      continue;
    }
    EXPECT_FALSE(e.failed) << sent;
    const bool slow = sent >= 10.0 && sent + 0.060 < 20.0;
    if (slow) {
      EXPECT_NEAR(e.latency, 0.110, 1e-9) << sent;
    }
    if (sent < 9.9 || sent > 20.1) {
      EXPECT_NEAR(e.latency, 0.010, 1e-9) << sent;
    }
  }
  EXPECT_EQ(recorder_->failed(), 50u);  // 5 s x 10/s
}

// A link that fails at random (mean time to failure 20 s, 5 s to repair) loses attempts
// only while it is down; the run is reproducible.
TEST_F(ResilienceTest, ARandomLinkFaultRunsAndIsReproducible) {
  const std::string yaml = std::string(kThreeReplicas) + R"(faults:
  - {fault: link, from: lb, to: app, errors: 100%, mttf: {dist: exponential, mean: 20s}, mttr: 5s}
)";
  run(yaml);
  const std::size_t failed = recorder_->failed();
  EXPECT_GT(failed, 0u);
  EXPECT_LT(failed, recorder_->ends.size());
  run(yaml);
  EXPECT_EQ(recorder_->failed(), failed);
}

// The times of the health events of `why` on `replica`.
std::vector<double> eventTimes(const Recorder& recorder, const std::string& replica,
                               models::health::Why why) {
  std::vector<double> out;
  for (const auto& h : recorder.health) {
    if (h.replica == replica && h.why == why) out.push_back(h.time);
  }
  return out;
}

// Kong active checks (lua-resty-healthcheck): each timer first fires one interval after the
// start, so healthy targets are probed at 5, 10, ... s. app-2 crashes at 32 s: the probe at
// 35 s is refused (tcp_failures 1; a failure while healthy: mostly_healthy, still taking
// traffic), the one at 40 s too, and tcp_failures 2 reaches unhealthy.tcp_failures: unhealthy
// at 40 s. Back at 52 s; the unhealthy timer probes at 55 s (a success while
// unhealthy: mostly_unhealthy, still no traffic) and 60 s (healthy.successes = 2): healthy.
TEST_F(ResilienceTest, KongActiveChecksCountFailuresByKind) {
  run(std::string(kThreeReplicas) +
      R"(    health_check:
      kong: "healthy.interval=5 healthy.successes=2 unhealthy.interval=5 unhealthy.tcp_failures=2 unhealthy.timeouts=3"
      demand: 0ms
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 32s, for: 20s}
)");
  std::vector<std::pair<double, bool>> changes;
  std::string seen;
  for (const auto& h : recorder_->health) {
    if (h.replica != "app-2") continue;
    changes.emplace_back(h.time, h.available);
    seen += std::to_string(h.time) + (h.available ? " up " : " down ") +
            std::to_string(static_cast<int>(h.why)) + "; ";
  }
  const std::vector<std::pair<double, bool>> expected = {
      {35.0, true}, {40.0, false}, {55.0, false}, {60.0, true}};
  EXPECT_EQ(changes, expected) << seen;
}

// A Kubernetes liveness probe (periodSeconds 10, timeoutSeconds 1, failureThreshold 3): the
// worker of a pod running when the run starts probes every period on a phase of its own
// (p + 10 k, p drawn over the period). app-2 hangs at 32 s: the first three ticks after it,
// t, t + 10 and t + 20, time out a second later, and the third makes the kubelet restart the
// container at t + 21. The first restart has no back-off, so the new container runs
// `restart` = 5 s later, at t + 26, and the hang ended with the old process. While the
// container is down the pod is not ready and takes no requests; afterwards (t + 26 < 70 s)
// the tier serves all of its 10 requests/s again (a hung replica would lose a third of them
// for good).
TEST_F(ResilienceTest, ALivenessProbeRestartsAHungContainer) {
  const std::string yaml =
      std::string(kThreeReplicas) +
      R"(    liveness: {kubernetes: "periodSeconds=10 timeoutSeconds=1 failureThreshold=3", restart: 5s, demand: 0ms}
faults:
  - {fault: hang, tier: app, replicas: [app-2], at: 32s, for: 10m}
)";
  const double p = firstCheck(yaml, "app", 1, true);
  ASSERT_GE(p, 0.0);
  ASSERT_LT(p, 10.0);
  const double t = p + 10.0 * std::ceil((32.0 - p) / 10.0);
  run(yaml);
  using models::health::Why;
  const auto restart = eventTimes(*recorder_, "app-2", Why::kLivenessRestart);
  ASSERT_EQ(restart.size(), 1u);
  EXPECT_NEAR(restart[0], t + 21.0, 1e-9);
  const auto restarted = eventTimes(*recorder_, "app-2", Why::kContainerRestarted);
  ASSERT_EQ(restarted.size(), 1u);
  EXPECT_NEAR(restarted[0], t + 26.0, 1e-9);
  EXPECT_EQ(recorder_->failed(), 0u);
  std::size_t late = 0;
  for (const auto& e : recorder_->ends)
    late += e.time > 70.0 && !e.failed ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(late), 500.0, 1.0);  // 50 s x 10/s
}

// A crash that outlives the restarts (the new container crashes too): the kubelet's
// crash-loop back-off. With t the first tick after the crash: the probes at t, t + 10 and
// t + 20 are refused: restart at t + 20, no back-off, the new container at t + 25. It is
// crashed too; probing starts again at the next tick, t + 30: refused at t + 30, 40, 50,
// restart at t + 50 after a back-off of 10 s, new container at t + 65; then t + 70, 80, 90:
// restart at t + 90, back-off 20 s, at t + 115; t + 120, 130, 140: back-off 40 s, at
// t + 185; t + 190, 200, 210: restart at t + 210.
TEST_F(ResilienceTest, RepeatedLivenessRestartsBackOffAsTheKubeletDoes) {
  std::string yaml =
      std::string(kThreeReplicas) +
      R"(    liveness: {kubernetes: "periodSeconds=10 failureThreshold=3", restart: 5s, demand: 0ms}
faults:
  - {fault: crash, tier: app, replicas: [app-2], at: 32s, for: 1h}
)";
  yaml.replace(yaml.find("duration: 120s"), 14, "duration: 260s");
  const double p = firstCheck(yaml, "app", 1, true);
  const double t = p + 10.0 * std::ceil((32.0 - p) / 10.0);
  run(yaml);
  using models::health::Why;
  const auto near = [](const std::vector<double>& got, const std::vector<double>& want) {
    if (got.size() != want.size()) return false;
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (std::abs(got[i] - want[i]) > 1e-9) return false;
    }
    return true;
  };
  EXPECT_TRUE(near(eventTimes(*recorder_, "app-2", Why::kLivenessRestart),
                   {t + 20, t + 50, t + 90, t + 140, t + 210}))
      << "t = " << t;
  EXPECT_TRUE(near(eventTimes(*recorder_, "app-2", Why::kContainerRestarted),
                   {t + 25, t + 65, t + 115, t + 185}))
      << "t = " << t;
}

// Failover between regions: a global entry with one load balancer per region, eu-west-1's
// a standby (`priority: 1`, a Cloudflare fallback pool or a Route 53 secondary record), and
// an app tier in both regions whose balancer keeps requests in the region they entered
// (`prefer: same_region`). us-east-1 fails at 32 s for 30 s. The entry's HAProxy-style
// checks (inter 5s fall 3 rise 2) find us-lb DOWN at 45 s (as in the test above) and UP at
// 70 s (back at 62 s: 65 and 70 s pass). From 32 to 45 s the requests reach the dead region:
// 13 s x 100/s = 1,300 errors, plus the one or two requests in service at us-east-1's app
// replicas when it crashed (100/s x 10 ms). From 45 to 70 s they go to eu-lb and stay in eu-west-1:
// the two eu app replicas serve 25 s x 100/s between them and nothing else, while the us app
// replicas, crashed, get nothing from eu-lb.
TEST_F(ResilienceTest, AStandbyRegionTakesOverAndRequestsStayInTheirRegion) {
  run(R"(name: regions
duration: 120s
traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 100/s}]
  mix: [{class: get}]
classes: [{id: get, route: [global, app]}]
regions:
  - {id: us-east-1, zones: [use1-az1]}
  - {id: eu-west-1, zones: [euw1-az1]}
tiers:
  - id: global
    service: {dist: deterministic, value: 0ms}
    targets:
      - {name: us-lb, workers: 100, zone: use1-az1}
      - {name: eu-lb, workers: 100, zone: euw1-az1, priority: 1}
    health_check: {haproxy: "check inter 5s rise 2 fall 3", demand: 0ms}
  - id: app
    service: {dist: deterministic, value: 10ms}
    balancer: {policy: round_robin, prefer: same_region}
    targets:
      - {name: us-app-1, workers: 4, zone: use1-az1}
      - {name: us-app-2, workers: 4, zone: use1-az1}
      - {name: eu-app-1, workers: 4, zone: euw1-az1}
      - {name: eu-app-2, workers: 4, zone: euw1-az1}
faults:
  - {fault: crash, region: us-east-1, at: 32s, for: 30s}
)");
  std::vector<std::pair<double, bool>> entry;
  for (const auto& h : recorder_->health) {
    if (h.replica == "us-lb") entry.emplace_back(h.time, h.available);
  }
  const std::vector<std::pair<double, bool>> expected = {{45.0, false}, {70.0, true}};
  EXPECT_EQ(entry, expected);
  EXPECT_GE(recorder_->failed(), 1300u);
  EXPECT_LE(recorder_->failed(), 1302u);
  const double served = 12000.0 - 1300.0;
  EXPECT_NEAR(figure("tiers/app/replicas/eu-app-1/share"), 1250.0 / served, 0.0005);
  EXPECT_NEAR(figure("tiers/app/replicas/eu-app-2/share"), 1250.0 / served, 0.0005);
  EXPECT_NEAR(figure("tiers/app/replicas/us-app-1/share"), (served - 2500.0) / 2.0 / served,
              0.0005);
  const std::string yaml = scenarios::resolvedScenarioYaml(spec_);
  const auto again = scenarios::loadScenarioText(yaml, "resolved.yaml", policies_);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(again), yaml);
  EXPECT_EQ(again.tiers[0].targets[1].priority, 1u);
  EXPECT_EQ(again.tiers[1].balancer.prefer, models::BalancerSpec::Prefer::kRegion);
}

// Cloudflare's fallback pool as the seed configures it: a maintenance server used only when
// the primary pool has no healthy origin, answering every request itself. The monitor checks
// each origin every 10 s on a phase of its own (p_i + 10 k; one failed check marks an origin
// down: consecutive_down 0, retries only for timeouts). Both origins crash at 32 s for 30 s;
// origin i is found down at d_i, its first check after 32 s, and up at d_i + 30 s, its first
// check after the recovery at 62 s. Until both are down (max d) every request is refused
// (502, 100/s, plus those in service at the crash); then the fallback answers 503 until the
// first is back (min d + 30). The app tier behind the origins sees nothing meanwhile.
TEST_F(ResilienceTest, TheFallbackPoolAnswersWhileThePrimaryPoolIsDown) {
  const std::string yaml = R"(name: fallback
duration: 120s
traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 100/s}]
  mix: [{class: get}]
classes: [{id: get, route: [origin, app]}]
tiers:
  - id: origin
    service: {dist: deterministic, value: 0ms}
    targets:
      - {name: origin-1, workers: 100}
      - {name: origin-2, workers: 100}
      - {name: maintenance, workers: 100, priority: 1, fixed_response: 503}
    health_check: {cloudflare: "interval=10 timeout=5 retries=2", demand: 0ms}
  - id: app
    service: {dist: deterministic, value: 10ms}
    replicas: 2
    replica: {workers: 4}
faults:
  - {fault: crash, tier: origin, replicas: [origin-1, origin-2], at: 32s, for: 30s}
)";
  double d[2];
  for (models::ReplicaIndex r = 0; r < 2; ++r) {
    const double p = firstCheck(yaml, "origin", r);
    ASSERT_GE(p, 0.0);
    ASSERT_LT(p, 10.0);
    d[r] = p + 10.0 * std::ceil((32.0 - p) / 10.0);
  }
  const double allDown = std::max(d[0], d[1]);
  const double firstBack = std::min(d[0], d[1]) + 30.0;
  run(yaml);
  EXPECT_NEAR(static_cast<double>(recorder_->failures(ErrorCause::kFixedResponse)),
              100.0 * (firstBack - allDown), 1.0);
  EXPECT_NEAR(static_cast<double>(recorder_->failures(ErrorCause::kBadGateway)),
              100.0 * (allDown - 32.0), 2.0);
  EXPECT_EQ(recorder_->failed(), recorder_->failures(ErrorCause::kFixedResponse) +
                                     recorder_->failures(ErrorCause::kBadGateway));
  const std::string resolved = scenarios::resolvedScenarioYaml(spec_);
  const auto again = scenarios::loadScenarioText(resolved, "resolved.yaml", policies_);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(again), resolved);
  EXPECT_EQ(again.tiers[0].targets[2].fixedResponse, 503);
}

// Cloudflare's failover_across_pools (adaptive routing: a request that fails at a pool is
// sent to the next pool at once) as retries to a replica not tried yet: the primary pool's
// only origin crashes at 30 s and no monitor checks it, so every request after 30 s is
// refused there first and passed on to the next pool: no client sees an error, and the
// second pool serves the 90 s x 100/s after the crash (and nothing before it).
TEST_F(ResilienceTest, FailoverAcrossPoolsIsARetryAtTheNextPool) {
  run(R"(name: across
duration: 120s
traffic:
  arrivals: uniform
  phases: [{duration: 120s, rate: 100/s}]
  mix: [{class: get}]
classes: [{id: get, route: [origin]}]
tiers:
  - id: origin
    service: {dist: deterministic, value: 1ms}
    targets:
      - {name: primary-pool, workers: 100}
      - {name: secondary-pool, workers: 100, priority: 1}
    retries: {style: nginx, on: [error, timeout]}
faults:
  - {fault: crash, tier: origin, replicas: [primary-pool], at: 30s, for: 10m}
)");
  EXPECT_EQ(recorder_->failed(), 0u);
  EXPECT_NEAR(figure("tiers/origin/replicas/secondary-pool/share"), 9000.0 / 12000.0, 0.001);
}

class ResilienceLoaderTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();
  std::string errors(const std::string& text) {
    try {
      scenarios::loadScenarioText(text, "r.yaml", policies_);
    } catch (const scenarios::ScenarioError& e) {
      return e.what();
    }
    return "(loaded without error)";
  }
};

TEST_F(ResilienceLoaderTest, BadSettingsAreLocated) {
  EXPECT_EQ(errors(std::string(kThreeReplicas) + "    health_check: {nginx: \"x\"}\n"),
            "r.yaml:14:20: unknown key 'nginx' in tier 'app' health_check; allowed: alb, "
            "cloudflare, demand, docker, haproxy, kong, kubernetes");
  const std::string bad = errors(std::string(kThreeReplicas) +
                                 "    health_check: {haproxy: \"check inter 5s rise 0\"}\n");
  EXPECT_EQ(bad.rfind("r.yaml:14:29: tier 'app' health_check haproxy: ", 0), 0u) << bad;
  EXPECT_EQ(errors(std::string(kThreeReplicas) +
                   "faults:\n  - {fault: crash, tier: app, replicas: [app-9], at: 1s}\n"),
            "r.yaml:15:42: fault 1: tier 'app' has no replica 'app-9'; allowed: app-1, app-2, "
            "app-3");
  EXPECT_EQ(errors(std::string(kThreeReplicas) + "faults:\n  - {fault: slow, tier: app}\n"),
            "r.yaml:15:5: fault 1 fault: slow needs speed (0.2: five times slower)");
  EXPECT_EQ(errors(std::string(kThreeReplicas) + "    retries: {style: nginx, redispatch: true}\n"),
            "r.yaml:14:41: tier 'app' retries redispatch is HAProxy's; allowed with style: "
            "haproxy (nginx always passes a request on to another server)");
}

TEST_F(ResilienceLoaderTest, LivenessAndKongChecksAreReadAndLocated) {
  EXPECT_EQ(errors(std::string(kThreeReplicas) +
                   "    liveness: {kubernetes: \"readiness periodSeconds=5\"}\n"),
            "r.yaml:14:28: tier 'app' liveness kubernetes is a readiness probe; allowed: liveness");
  EXPECT_EQ(errors(std::string(kThreeReplicas) +
                   "    health_check: {kubernetes: \"liveness periodSeconds=5\"}\n"),
            "r.yaml:14:32: tier 'app' health_check kubernetes is a liveness probe, which restarts "
            "the container rather than taking it out of rotation; allowed here: a readiness "
            "probe (put the liveness probe under the tier's liveness key)");
  EXPECT_EQ(errors(std::string(kThreeReplicas) +
                   "    liveness: {kubernetes: \"periodSeconds=5\", restart: -1s}\n"),
            "r.yaml:14:56: tier 'app' liveness restart must be positive, not '-1s'; allowed: a "
            "duration such as 250ms, 30s, 5m, 1h");
  const std::string kong =
      errors(std::string(kThreeReplicas) + "    health_check: {kong: \"healthy.interval=x\"}\n");
  EXPECT_EQ(kong.rfind("r.yaml:14:26: tier 'app' health_check kong: ", 0), 0u) << kong;
}

TEST_F(ResilienceLoaderTest, TheResolvedScenarioKeepsEverySetting) {
  const std::string text = std::string(kThreeReplicas) +
                           R"(    health_check: {alb: "interval 10 timeout 2 healthy 2 unhealthy 3"}
    passive_health: {envoy: "consecutive_5xx=3"}
    timeouts: {connect: 2s, response: 30s}
    retries: {style: haproxy, retries: 2, redispatch: true, budget: 20%}
faults:
  - {name: zone, fault: unreachable, tier: app, at: 10s, for: 5s}
  - {fault: crash, tier: app, replicas: [app-1], mttf: {dist: exponential, mean: 1h}, mttr: 2m}
)";
  ASSERT_EQ(errors(text), "(loaded without error)");
  const auto spec = scenarios::loadScenarioText(text, "r.yaml", policies_);
  const std::string once = scenarios::resolvedScenarioYaml(spec);
  EXPECT_NE(once.find("retries: {style: haproxy, tries: 3, on: [conn-failure], redispatch: "
                      "true, budget: 20%, min_concurrency: 3}"),
            std::string::npos)
      << once;
  const auto again = scenarios::loadScenarioText(once, "resolved.yaml", policies_);
  EXPECT_EQ(scenarios::resolvedScenarioYaml(again), once);
  {
    const std::string live =
        std::string(kThreeReplicas) +
        R"(    health_check: {kong: "healthy.interval=5 healthy.successes=2 unhealthy.interval=5 unhealthy.tcp_failures=2"}
    liveness: {kubernetes: "periodSeconds=10 failureThreshold=2", restart: 3s}
)";
    ASSERT_EQ(errors(live), "(loaded without error)");
    const auto a = scenarios::loadScenarioText(live, "r.yaml", policies_);
    const std::string yaml = scenarios::resolvedScenarioYaml(a);
    const auto b = scenarios::loadScenarioText(yaml, "resolved.yaml", policies_);
    EXPECT_EQ(scenarios::resolvedScenarioYaml(b), yaml);
    ASSERT_TRUE(b.tiers[1].liveness.has_value());
    EXPECT_EQ(b.tiers[1].liveness->restart, 3.0);
    EXPECT_EQ(b.tiers[1].liveness->probe.settings, "liveness periodSeconds=10 failureThreshold=2");
    EXPECT_EQ(b.tiers[1].healthCheck->kind, models::HealthCheckSpec::Kind::kKong);
  }
  ASSERT_EQ(again.faults.size(), 2u);
  EXPECT_TRUE(again.faults[1].timeToFailure.has_value());
  EXPECT_EQ(again.tiers[1].timeouts.connect, 2.0);
}

}  // namespace
}  // namespace lbsim
