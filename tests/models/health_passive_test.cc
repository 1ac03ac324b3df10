// Passive health and circuit breaking: hand-computed timelines. Requests arrive once a
// second at whole seconds; a request to a down target is refused at once.
#include <gtest/gtest.h>

#include <vector>

#include "models/health/circuit_breaker.h"
#include "models/health/envoy_outlier.h"
#include "models/health/nginx_passive.h"

namespace lbsim::models::health {
namespace {

NginxFailSettings seedNginx() {
  // The seed's user_service servers: max_fails=3 fail_timeout=30s.
  NginxFailSettings s;
  s.maxFails = 3;
  s.failTimeout = 30.0;
  return s;
}

struct NginxRun {
  std::vector<HealthEvent> events;
  std::vector<int> sent;  // seconds at which a request went to the peer
};

// One request a second offered to the peer; it is sent when the peer is eligible (the
// others take it otherwise). The peer refuses connections in [downAt, upAt).
NginxRun offerEverySecond(NginxPeerHealth& peer, int from, int to, double downAt, double upAt) {
  NginxRun run;
  for (int t = from; t <= to; ++t) {
    if (!peer.eligible(t)) continue;
    run.sent.push_back(t);
    if (auto e = peer.onChosen(t)) run.events.push_back(*e);
    const bool down = t >= downAt && t < upAt;
    if (auto e = peer.onResult(t, down ? CheckResult::kRefused : CheckResult::kOk)) {
      run.events.push_back(*e);
    }
  }
  return run;
}

TEST(NginxPassive, ThirdFailureExcludesThePeerForFailTimeoutPlusOneWholeSecond) {
  // Down from 12: failures at 12, 13, 14 (fails 3 = max_fails, checked = 14). The peer is
  // skipped while now - checked <= 30, that is at 14 ... 44, and chosen again at 45: one
  // request (checked = 45, so the next is skipped again). It fails (fails 4): skipped until
  // 45 + 31 = 76. Back at 60: the request at 76 succeeds; accessed (45) < checked (76), so
  // fails = 0 and the peer takes every request again.
  NginxPeerHealth peer(seedNginx());
  const NginxRun run = offerEverySecond(peer, 0, 80, 12.0, 60.0);
  ASSERT_EQ(run.events.size(), 5u);
  EXPECT_DOUBLE_EQ(run.events[0].time, 14.0);
  EXPECT_EQ(run.events[0].why, Why::kMaxFailsReached);
  EXPECT_EQ(run.events[0].count, 3u);
  EXPECT_DOUBLE_EQ(run.events[0].until, 45.0);
  EXPECT_DOUBLE_EQ(run.events[1].time, 45.0);
  EXPECT_EQ(run.events[1].why, Why::kFailTimeoutElapsed);
  EXPECT_DOUBLE_EQ(run.events[2].time, 45.0);
  EXPECT_EQ(run.events[2].why, Why::kTrialFailed);
  EXPECT_EQ(run.events[2].count, 4u);
  EXPECT_DOUBLE_EQ(run.events[2].until, 76.0);
  EXPECT_DOUBLE_EQ(run.events[3].time, 76.0);
  EXPECT_DOUBLE_EQ(run.events[4].time, 76.0);
  EXPECT_EQ(run.events[4].why, Why::kTrialSucceeded);
  EXPECT_TRUE(run.events[4].available);
  EXPECT_EQ(peer.fails(), 0u);
  // Sent: 0..14, 45, 76..80.
  EXPECT_EQ(run.sent.size(), 15u + 1u + 5u);
  EXPECT_EQ(run.sent[15], 45);
  EXPECT_EQ(run.sent[16], 76);
}

TEST(NginxPassive, TheWholeSecondClockDecides) {
  // ngx_time() is whole seconds: a failure at 14.9 stamps checked = 14, so the peer is
  // chosen again from 45.0, 30.1 s later.
  NginxPeerHealth peer(seedNginx());
  for (const double t : {12.2, 13.5, 14.9}) {
    ASSERT_TRUE(peer.eligible(t));
    peer.onChosen(t);
    peer.onResult(t, CheckResult::kRefused);
  }
  EXPECT_FALSE(peer.eligible(44.99));
  EXPECT_TRUE(peer.eligible(45.0));
  EXPECT_DOUBLE_EQ(peer.eligibleAgainAt(), 45.0);
}

TEST(NginxPassive, SuccessesResetFailsOnlyAfterFailTimeout) {
  // Failures 40 s apart with successes in between never add up: the failure at 0 sets
  // checked = 0; the success at 31 comes from a choice with now - checked > 30, which set
  // checked = 31 > accessed = 0, so fails = 0 again. Same after 40 (at 71) and after 80
  // (at 111).
  NginxPeerHealth peer(seedNginx());
  for (int t = 0; t <= 111; ++t) {
    ASSERT_TRUE(peer.eligible(t));
    peer.onChosen(t);
    const bool fails = t == 0 || t == 40 || t == 80;
    EXPECT_FALSE(peer.onResult(t, fails ? CheckResult::kRefused : CheckResult::kOk).has_value());
  }
  EXPECT_EQ(peer.fails(), 0u);
}

TEST(NginxPassive, TimeAloneDoesNotForgetFailures) {
  // The same failures with no request in between: fails reaches 3 at 80, although no two
  // failures are within 30 s of each other.
  NginxPeerHealth peer(seedNginx());
  std::vector<HealthEvent> events;
  for (const int t : {0, 40, 80}) {
    ASSERT_TRUE(peer.eligible(t));
    peer.onChosen(t);
    if (auto e = peer.onResult(t, CheckResult::kRefused)) events.push_back(*e);
  }
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(events[0].time, 80.0);
}

TEST(NginxPassive, WhatCountsAsAFailure) {
  // proxy_next_upstream defaults to `error timeout`: a 500 answer is not a failure unless
  // http_500 is listed. max_fails=0 turns the accounting off; a single server never goes.
  NginxPeerHealth peer(seedNginx());
  EXPECT_FALSE(peer.countsAsFailure(CheckResult::kFailed));
  EXPECT_TRUE(peer.countsAsFailure(CheckResult::kTimedOut));
  NginxFailSettings s = seedNginx();
  s.countHttp5xx = true;
  EXPECT_TRUE(NginxPeerHealth(s).countsAsFailure(CheckResult::kFailed));
  s.maxFails = 0;
  NginxPeerHealth off(s);
  EXPECT_TRUE(offerEverySecond(off, 0, 60, 0.0, kNever).events.empty());
  EXPECT_TRUE(off.eligible(60.0));
  NginxFailSettings single = seedNginx();
  single.singlePeer = true;
  NginxPeerHealth only(single);
  EXPECT_EQ(offerEverySecond(only, 0, 60, 0.0, kNever).sent.size(), 61u);
}

struct EnvoyRun {
  std::vector<HealthEvent> events;
};

// Host 0 of `hosts` gets one request a second while not ejected and answers 503 (a refused
// connection) in [downAt, upAt). Interval ticks come first at equal times.
EnvoyRun driveEnvoy(EnvoyOutlierDetector& d, int until, double downAt, double upAt) {
  EnvoyRun run;
  for (int t = 0; t <= until; ++t) {
    if (d.nextIntervalAt() <= t) d.onInterval(t, run.events);
    if (d.ejected(0)) continue;
    const bool down = t >= downAt && t < upAt;
    d.onResponse(0, down ? 503 : 200, t, run.events);
  }
  return run;
}

TEST(EnvoyOutlier, SecondEjectionLastsTwiceAsLong) {
  // Defaults: consecutive_5xx 5, interval 10 s (ticks 10, 20, ...), base_ejection_time
  // 30 s; 10 hosts so that one may be ejected (100 * 1 / 10 = 10 <= 10 %). The
  // consecutive_gateway_failure detection (enforcing 0) is reported but not enforced.
  // Down from 12: 503s at 12 ... 16; the fifth ejects at 16 with backoff 1: 30 s, so the
  // first tick at or after 46 returns it: 50. Still down: 503s at 50 ... 54 eject it again
  // at 54; the backoff was not decremented (a tick decrements only hosts returned at least
  // an interval earlier), so backoff 2: 60 s, returned at the tick 120 (>= 114).
  EnvoyOutlierSettings s;
  EnvoyOutlierDetector d(s, 10, 0.0);
  const EnvoyRun run = driveEnvoy(d, 125, 12.0, 100.0);
  std::vector<HealthEvent> changes;
  for (const auto& e : run.events) {
    if (e.why == Why::kEjected || e.why == Why::kUnejected) changes.push_back(e);
  }
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_DOUBLE_EQ(changes[0].time, 16.0);
  EXPECT_DOUBLE_EQ(changes[0].duration, 30.0);
  EXPECT_EQ(changes[0].setting, "consecutive_5xx");
  EXPECT_DOUBLE_EQ(changes[1].time, 50.0);
  EXPECT_DOUBLE_EQ(changes[2].time, 54.0);
  EXPECT_DOUBLE_EQ(changes[2].duration, 60.0);
  EXPECT_EQ(changes[2].count, 2u);  // backoff
  EXPECT_DOUBLE_EQ(changes[3].time, 120.0);
  // Healthy after 120 (up since 100): the ticks at 130 and 140 each take one off the
  // backoff, so a third ejection would last 30 s again.
  std::vector<HealthEvent> more;
  d.onInterval(130.0, more);
  EXPECT_EQ(d.backoff(0), 1u);
  d.onInterval(140.0, more);
  EXPECT_EQ(d.backoff(0), 0u);
}

TEST(EnvoyOutlier, GatewayFailuresAreDetectedButNotEnforcedByDefault) {
  // A 503 is a gateway error too: at the fifth, consecutive_gateway_failure is detected
  // first (enforcing 0: not ejected), then consecutive_5xx ejects.
  EnvoyOutlierDetector d(EnvoyOutlierSettings{}, 10, 0.0);
  std::vector<HealthEvent> events;
  for (int i = 0; i < 5; ++i)
    d.onResponse(0, 503, 1.0 + i, events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].why, Why::kEjectionNotEnforced);
  EXPECT_EQ(events[0].setting, "consecutive_gateway_failure");
  EXPECT_EQ(events[1].why, Why::kEjected);
  EXPECT_EQ(events[1].setting, "consecutive_5xx");
  // A 500 is not a gateway error: it counts for consecutive_5xx only.
  EnvoyOutlierDetector e(EnvoyOutlierSettings{}, 10, 0.0);
  events.clear();
  for (int i = 0; i < 5; ++i)
    e.onResponse(0, 500, 1.0 + i, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].why, Why::kEjected);
}

TEST(EnvoyOutlier, MaxEjectionPercentCapsEjections) {
  // ejectHost refuses when 100 * (ejected + 1) / hosts > max_ejection_percent.
  // 5 hosts, default 10 %: 100 * 1 / 5 = 20 > 10, so even the first is not ejected.
  std::vector<HealthEvent> events;
  EnvoyOutlierDetector five(EnvoyOutlierSettings{}, 5, 0.0);
  for (int i = 0; i < 5; ++i)
    five.onResponse(0, 500, 1.0 + i, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].why, Why::kEjectionOverflow);
  EXPECT_DOUBLE_EQ(events[0].percent, 20.0);
  EXPECT_EQ(five.ejectedCount(), 0u);

  // 10 hosts at 10 %: the first host (10 %) is ejected, the second (20 %) is not.
  EnvoyOutlierDetector ten(EnvoyOutlierSettings{}, 10, 0.0);
  events.clear();
  for (const std::uint32_t host : {0u, 1u}) {
    for (int i = 0; i < 5; ++i)
      ten.onResponse(host, 500, 1.0 + i, events);
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].why, Why::kEjected);
  EXPECT_EQ(events[1].why, Why::kEjectionOverflow);
  EXPECT_EQ(ten.ejectedCount(), 1u);

  // always_eject_one_host lets the first through whatever the percentage.
  EnvoyOutlierSettings one;
  one.alwaysEjectOneHost = true;
  EnvoyOutlierDetector small(one, 5, 0.0);
  events.clear();
  for (const std::uint32_t host : {0u, 1u}) {
    for (int i = 0; i < 5; ++i)
      small.onResponse(host, 500, 1.0 + i, events);
  }
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].why, Why::kEjected);
  EXPECT_EQ(events[1].why, Why::kEjectionOverflow);
}

TEST(EnvoyOutlier, SuccessRateEjection) {
  // The example in successRateEjectionThreshold's comment: success rates {50, 100, 100,
  // 100, 100} give mean 90, stdev 20 and threshold 90 - 1.9 * 20 = 52: the first host is
  // ejected at the tick. 200 requests each (>= success_rate_request_volume 100);
  // max_ejection_percent 20 so that one of 5 may go.
  EnvoyOutlierSettings s;
  s.maxEjectionPercent = 20;
  EnvoyOutlierDetector d(s, 5, 0.0);
  std::vector<HealthEvent> events;
  for (std::uint32_t host = 0; host < 5; ++host) {
    for (int i = 0; i < 200; ++i) {
      // Host 0 alternates 200 and 500 (never five 5xx in a row).
      d.onResponse(host, host == 0 && i % 2 == 1 ? 500 : 200, 1.0, events);
    }
  }
  EXPECT_TRUE(events.empty());
  d.onInterval(10.0, events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].why, Why::kEjected);
  EXPECT_EQ(events[0].target, 0u);
  EXPECT_DOUBLE_EQ(events[0].percent, 50.0);
  EXPECT_NEAR(events[0].limit, 52.0, 1e-9);
}

BreakerSettings seedBreaker() {
  // The Automata seed: failure_threshold = 5, recovery_timeout = 300.
  BreakerSettings s;
  s.failureThreshold = 5;
  s.recoveryTimeout = 300.0;
  return s;
}

struct BreakerRun {
  std::vector<HealthEvent> events;
  int rejected = 0;
};

BreakerRun driveBreaker(CircuitBreaker& b, int until, double downAt, double upAt) {
  BreakerRun run;
  for (int t = 0; t <= until; ++t) {
    const auto a = b.admit(t);
    if (a.event) run.events.push_back(*a.event);
    if (!a.allowed) {
      ++run.rejected;
      continue;
    }
    const bool down = t >= downAt && t < upAt;
    if (auto e = b.onResult(t, down ? CheckResult::kRefused : CheckResult::kOk)) {
      run.events.push_back(*e);
    }
  }
  return run;
}

TEST(CircuitBreaker, OpensHalfOpensAndClosesOnATrialSuccess) {
  // Down from 12 to 200: failures at 12 ... 16; the fifth opens the circuit at 16. Requests
  // at 17 ... 315 fail fast (299). At 316 = 16 + 300 it is half-open; the trial request
  // succeeds (the service is back since 200): closed at 316.
  CircuitBreaker b(seedBreaker());
  const BreakerRun run = driveBreaker(b, 320, 12.0, 200.0);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_DOUBLE_EQ(run.events[0].time, 16.0);
  EXPECT_EQ(run.events[0].to, "open");
  EXPECT_EQ(run.events[0].why, Why::kBreakerOpened);
  EXPECT_DOUBLE_EQ(run.events[0].until, 316.0);
  EXPECT_DOUBLE_EQ(run.events[1].time, 316.0);
  EXPECT_EQ(run.events[1].to, "half_open");
  EXPECT_DOUBLE_EQ(run.events[2].time, 316.0);
  EXPECT_EQ(run.events[2].to, "closed");
  EXPECT_EQ(run.events[2].why, Why::kTrialSucceeded);
  EXPECT_EQ(run.rejected, 299);
}

TEST(CircuitBreaker, AFailedTrialReopensForAnotherRecoveryTimeout) {
  // Still down at 316: the trial fails, the circuit opens again until 616.
  CircuitBreaker b(seedBreaker());
  const BreakerRun run = driveBreaker(b, 620, 12.0, 400.0);
  ASSERT_EQ(run.events.size(), 5u);
  EXPECT_DOUBLE_EQ(run.events[2].time, 316.0);
  EXPECT_EQ(run.events[2].why, Why::kTrialFailed);
  EXPECT_DOUBLE_EQ(run.events[2].until, 616.0);
  EXPECT_DOUBLE_EQ(run.events[3].time, 616.0);
  EXPECT_EQ(run.events[4].to, "closed");
}

TEST(CircuitBreaker, OneTrialAtATimeUnlessConfiguredLikeFabfuel) {
  CircuitBreaker b(seedBreaker());
  for (int i = 0; i < 5; ++i)
    b.onResult(1.0 + i, CheckResult::kRefused);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_FALSE(b.admit(100.0).allowed);
  EXPECT_TRUE(b.admit(305.0).allowed);   // the trial
  EXPECT_FALSE(b.admit(305.5).allowed);  // the trial is still out
  // half_open_trials=0: fabfuel/circuitbreaker lets every request through while half-open.
  BreakerSettings s = seedBreaker();
  s.halfOpenTrials = 0;
  CircuitBreaker all(s);
  for (int i = 0; i < 5; ++i)
    all.onResult(1.0 + i, CheckResult::kRefused);
  EXPECT_TRUE(all.admit(305.0).allowed);
  EXPECT_TRUE(all.admit(305.5).allowed);
}

TEST(CircuitBreaker, FailuresCountSinceTheLastSuccess) {
  // circuitbreaker clears failure_count on every success: 4 failures, a success, 4 more do
  // not open it.
  CircuitBreaker b(seedBreaker());
  for (int i = 0; i < 4; ++i)
    b.onResult(i, CheckResult::kRefused);
  b.onResult(4.0, CheckResult::kOk);
  for (int i = 5; i < 9; ++i)
    EXPECT_FALSE(b.onResult(i, CheckResult::kRefused).has_value());
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_EQ(b.failureCount(), 4u);
}

}  // namespace
}  // namespace lbsim::models::health
