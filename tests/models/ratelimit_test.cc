// Rate limiters on hand-computed arrival sequences. Every expected number is worked out in
// the comment above its test from the limiter's own arithmetic (the source file named in
// each limiter's header).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/ratelimit/cloudflare_rate_limit.h"
#include "models/ratelimit/haproxy_stick_table.h"
#include "models/ratelimit/kong_rate_limiting.h"
#include "models/ratelimit/nginx_limit_conn.h"
#include "models/ratelimit/nginx_limit_req.h"
#include "models/ratelimit/settings_text.h"
#include "models/ratelimit/token_bucket.h"

namespace lbsim::models::ratelimit {
namespace {

constexpr Key kClient = 1;
constexpr Key kOther = 2;

// --- nginx limit_req -----------------------------------------------------------------------

// The case: rate=10r/s burst=20 nodelay, 30 requests at t=0, then one every 50 ms
// up to 1 s. In nginx's units: rate 10000, burst 20000 (milli-requests).
//  - t=0: the first request finds no node: excess 0, it passes. Request k (k >= 2) finds no
//    time elapsed: excess = (k-1)*1000. It passes while (k-1)*1000 <= 20000, so requests
//    1..21 pass (burst + 1) and 22..30 are rejected; a rejection stores nothing. Every
//    accepted request at t=0 had ms = 0, so `last` stays 0; excess is 20000.
//  - t=50 ms: excess = 20000 - 10000*50/1000 + 1000 = 20500 > 20000: rejected, nothing stored.
//  - t=100 ms: ms = 100 since the last *accepted* request: 20000 - 1000 + 1000 = 20000:
//    passes (last = 100).
//  - and so on: every request at an odd multiple of 50 ms is rejected, at an even one passes.
// Over the first second nginx lets through 1 + burst + rate * 1 s = 31 requests.
TEST(RateLimitNginxReq, BurstNodelayRejectsExactlyTheRequestsNginxRejects) {
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=10r/s burst=20 nodelay"));
  std::vector<int> rejected;
  int passed = 0;
  for (int i = 0; i < 30; ++i) {
    const Decision d = loc.decide(0.0, kClient);
    EXPECT_NE(d.fate, Fate::kDelay);
    if (d.fate == Fate::kReject) {
      rejected.push_back(i + 1);
      EXPECT_EQ(d.status, 503);  // limit_req_status defaults to 503
      EXPECT_EQ(d.why, Why::kBurstExceeded);
      EXPECT_DOUBLE_EQ(d.measure, 21.0);  // excess 21000 > 20000
    } else {
      ++passed;
    }
  }
  EXPECT_EQ(passed, 21);
  EXPECT_EQ(rejected, (std::vector<int>{22, 23, 24, 25, 26, 27, 28, 29, 30}));
  ASSERT_NE(loc.zone(0).node(kClient), nullptr);
  EXPECT_EQ(loc.zone(0).node(kClient)->excess, 20000u);
  EXPECT_EQ(loc.zone(0).node(kClient)->last, 0);

  for (int k = 1; k <= 20; ++k) {
    const Decision d = loc.decide(0.05 * k, kClient);
    if (k % 2 == 1) {
      EXPECT_EQ(d.fate, Fate::kReject) << "t=" << 0.05 * k;
      EXPECT_DOUBLE_EQ(d.measure, 20.5);
    } else {
      EXPECT_EQ(d.fate, Fate::kPass) << "t=" << 0.05 * k;
      EXPECT_DOUBLE_EQ(d.measure, 20.0);
      ++passed;
    }
  }
  EXPECT_EQ(passed, 31);
}

// Without nodelay every request above the rate waits excess * 1000 / rate ms: request k at
// t=0 has excess (k-1)*1000, so it waits (k-1)*100 ms; the 21st waits 2 s, the 22nd is
// rejected as before.
TEST(RateLimitNginxReq, WithoutNodelayRequestsAreDelayedByExcessOverRate) {
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=10r/s burst=20"));
  EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kPass);
  for (int k = 2; k <= 21; ++k) {
    const Decision d = loc.decide(0.0, kClient);
    ASSERT_EQ(d.fate, Fate::kDelay) << k;
    EXPECT_EQ(d.why, Why::kDelayed);
    EXPECT_NEAR(d.delay, 0.1 * (k - 1), 1e-12) << k;
  }
  EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kReject);
}

// delay=8 (nginx >= 1.15.7): excess up to 8000 passes at once, so requests 1..9 at t=0 pass
// undelayed; request k in 10..21 waits ((k-1)*1000 - 8000) * 1000 / 10000 = (k-9)*100 ms.
TEST(RateLimitNginxReq, DelayParameterPassesTheFirstExcessRequestsUndelayed) {
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=10r/s burst=20 delay=8"));
  for (int k = 1; k <= 9; ++k)
    EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kPass) << k;
  for (int k = 10; k <= 21; ++k) {
    const Decision d = loc.decide(0.0, kClient);
    ASSERT_EQ(d.fate, Fate::kDelay) << k;
    EXPECT_NEAR(d.delay, 0.1 * (k - 9), 1e-12) << k;
  }
  EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kReject);
}

// ngx_current_msec is whole milliseconds and the drain is integer arithmetic. rate=10r/s and
// no burst allow one request per 100 ms: one at 99.9 ms is seen at 99 ms, drains 10000*99/1000
// = 990, excess 10 > 0: rejected. At 100 ms (still 100 ms after the last *accepted* request
// at 0) excess is 0: passes. Two requests within one millisecond count as simultaneous.
TEST(RateLimitNginxReq, TimesAreTruncatedToWholeMilliseconds) {
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=10r/s"));
  EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kPass);
  const Decision early = loc.decide(0.0999, kClient);
  EXPECT_EQ(early.fate, Fate::kReject);
  EXPECT_DOUBLE_EQ(early.measure, 0.010);
  EXPECT_EQ(loc.decide(0.1, kClient).fate, Fate::kPass);
  EXPECT_EQ(loc.zone(0).node(kClient)->last, 100);
  // 0.2001 s and 0.2004 s are both millisecond 200.
  EXPECT_EQ(loc.decide(0.2001, kClient).fate, Fate::kPass);
  EXPECT_EQ(loc.decide(0.2004, kClient).fate, Fate::kReject);
}

// rate=5r/m is stored as 5 * 1000 / 60 = 83 milli-requests per second (integer division),
// not 83.33: one request drains only after 1000 / 83 s = 12.0482 s. At 12.000 s the drain is
// 83*12000/1000 = 996 (excess 4), at 12.048 s 999 (excess 1): rejected; at 12.049 s it is
// 1000: passes. rate=100r/m (the seed's api zone) is 1666.
TEST(RateLimitNginxReq, PerMinuteRatesAreStoredByIntegerDivision) {
  EXPECT_EQ(parseNginxLimitReq("rate=100r/m").zones[0].rate, 1666u);
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=5r/m"));
  EXPECT_EQ(loc.zone(0).rate(), 83u);
  EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kPass);
  EXPECT_EQ(loc.decide(12.0, kClient).fate, Fate::kReject);
  EXPECT_EQ(loc.decide(12.048, kClient).fate, Fate::kReject);
  EXPECT_EQ(loc.decide(12.049, kClient).fate, Fate::kPass);
}

// A rejected request changes nothing: same excess, same `last`; keys are independent.
TEST(RateLimitNginxReq, RejectedRequestsLeaveTheZoneUnchanged) {
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=1r/s burst=1 nodelay"));
  loc.decide(5.0, kClient);
  loc.decide(5.0, kClient);  // excess 1000 = burst
  const auto before = *loc.zone(0).node(kClient);
  EXPECT_EQ(loc.decide(5.5, kClient).fate, Fate::kReject);  // 1000 - 500 + 1000 > 1000
  EXPECT_EQ(loc.zone(0).node(kClient)->excess, before.excess);
  EXPECT_EQ(loc.zone(0).node(kClient)->last, before.last);
  EXPECT_EQ(loc.decide(5.5, kOther).fate, Fate::kPass);
  EXPECT_EQ(loc.zone(0).size(), 2u);
}

// Two limits on one location: zone a (1r/s, burst=2 nodelay) and zone b (10r/s, burst=5,
// delayed). At t=0: request 1 is new to both; request 2: a 1000 <= 2000, b 1000 <= 5000,
// delay max(0 (nodelay), 1000*1000/10000 = 100 ms) = 100 ms from zone b; request 3: 200 ms;
// request 4: a 3000 > 2000: rejected by zone a, and zone b keeps excess 2000 (nothing is
// stored when any limit rejects). At t=1: a = 2000 - 1000 + 1000 = 2000 passes, b drains
// to 0: no delay.
TEST(RateLimitNginxReq, SeveralLimitsApplyAllAndTheStrictestWins) {
  NginxLimitReqLocation loc(
      parseNginxLimitReq("limit_req_zone $binary_remote_addr zone=a:10m rate=1r/s;\n"
                         "limit_req_zone $binary_remote_addr zone=b:10m rate=10r/s;\n"
                         "limit_req zone=a burst=2 nodelay;\n"
                         "limit_req zone=b burst=5;"));
  EXPECT_EQ(loc.decide(0.0, kClient).fate, Fate::kPass);
  Decision d = loc.decide(0.0, kClient);
  EXPECT_EQ(d.fate, Fate::kDelay);
  EXPECT_DOUBLE_EQ(d.delay, 0.1);
  EXPECT_EQ(d.scope, "b");
  d = loc.decide(0.0, kClient);
  EXPECT_DOUBLE_EQ(d.delay, 0.2);
  d = loc.decide(0.0, kClient);
  EXPECT_EQ(d.fate, Fate::kReject);
  EXPECT_EQ(d.scope, "a");
  EXPECT_EQ(loc.zone(1).node(kClient)->excess, 2000u);
  d = loc.decide(1.0, kClient);
  EXPECT_EQ(d.fate, Fate::kPass);
  EXPECT_EQ(loc.zone(0).node(kClient)->excess, 2000u);
  EXPECT_EQ(loc.zone(1).node(kClient)->excess, 0u);
}

// Seed 000 uses zone=api (100r/m) with burst=20 in one location and burst=50 in another:
// one excess per client for both. 25 requests at t=0 to the first: 21 pass (excess 20000),
// 4 rejected; the next one to the second location sees excess 21000 <= 50000 and passes.
TEST(RateLimitNginxReq, LocationsSharingAZoneShareTheExcess) {
  NginxLimitReqZone api("api", 1666);
  NginxLimitReq courses({{&api, 20000, kNginxNoDelay}}, 429);
  NginxLimitReq enrollments({{&api, 50000, kNginxNoDelay}}, 429);
  int passed = 0;
  for (int i = 0; i < 25; ++i)
    passed += courses.decide(0.0, kClient).fate == Fate::kPass;
  EXPECT_EQ(passed, 21);
  const Decision d = enrollments.decide(0.0, kClient);
  EXPECT_EQ(d.fate, Fate::kPass);
  EXPECT_DOUBLE_EQ(d.measure, 21.0);
  EXPECT_EQ(courses.decide(0.0, kClient).status, 429);
}

// limit_req_dry_run: a request over the burst goes on, marked, and is not counted.
TEST(RateLimitNginxReq, DryRunPassesWhatWouldBeRejectedAndStoresNothing) {
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=1r/s burst=1 nodelay dry_run"));
  loc.decide(0.0, kClient);
  loc.decide(0.0, kClient);
  const Decision d = loc.decide(0.0, kClient);
  EXPECT_EQ(d.fate, Fate::kPass);
  EXPECT_TRUE(d.dryRun);
  EXPECT_EQ(d.why, Why::kBurstExceeded);
  EXPECT_EQ(loc.zone(0).node(kClient)->excess, 1000u);
}

// Clocks of nginx workers differ a little: an elapsed time down to -60 s counts as 0 (and
// `last` stays), further back as 1 ms (and `last` moves back).
TEST(RateLimitNginxReq, NegativeElapsedTimeDrainsNothing) {
  EXPECT_EQ(nginxElapsed(1000, 1500), 0);
  EXPECT_EQ(nginxElapsed(1000, 61000), 0);
  EXPECT_EQ(nginxElapsed(1000, 61001), 1);
  NginxLimitReqLocation loc(parseNginxLimitReq("rate=10r/s burst=5 nodelay"));
  loc.decide(10.0, kClient);
  loc.decide(9.5, kClient);  // 500 ms in the past: no drain, excess 1000
  EXPECT_EQ(loc.zone(0).node(kClient)->excess, 1000u);
  EXPECT_EQ(loc.zone(0).node(kClient)->last, 10000);
}

// ngx_http_limit_req_expire deletes a node idle for 60 s whose excess has drained. With
// 1r/m (16 after integer division) and excess 5000, 60 s drain only 960: the node stays.
TEST(RateLimitNginxReq, ExpireDropsOnlyIdleDrainedKeys) {
  NginxLimitReqLocation fast(parseNginxLimitReq("rate=10r/s burst=5 nodelay"));
  fast.decide(0.0, kClient);
  EXPECT_EQ(fast.zone(0).expire(59.999), 0u);
  EXPECT_EQ(fast.zone(0).expire(60.0), 1u);
  EXPECT_EQ(fast.zone(0).size(), 0u);
  NginxLimitReqLocation slow(parseNginxLimitReq("rate=1r/m burst=5 nodelay"));
  for (int i = 0; i < 6; ++i)
    slow.decide(0.0, kClient);
  EXPECT_EQ(slow.zone(0).node(kClient)->excess, 5000u);
  EXPECT_EQ(slow.zone(0).expire(60.0), 0u);
}

// --- nginx limit_conn ----------------------------------------------------------------------

TEST(RateLimitNginxConn, AtMostNRequestsPerKeyInProgress) {
  NginxLimitConnLocation loc(
      parseNginxLimitConn("limit_conn_zone $binary_remote_addr zone=conn:10m; limit_conn conn 2;"));
  EXPECT_TRUE(loc.acquire(0.0, kClient).holdsSlot);
  EXPECT_TRUE(loc.acquire(0.1, kClient).holdsSlot);
  const Decision third = loc.acquire(0.2, kClient);
  EXPECT_EQ(third.fate, Fate::kReject);
  EXPECT_EQ(third.status, 503);
  EXPECT_FALSE(third.holdsSlot);
  EXPECT_DOUBLE_EQ(third.measure, 2.0);
  EXPECT_EQ(loc.acquire(0.2, kOther).fate, Fate::kPass);
  loc.release(kClient);
  EXPECT_EQ(loc.acquire(0.3, kClient).fate, Fate::kPass);
  loc.release(kClient);
  loc.release(kClient);
  loc.release(kOther);
  EXPECT_EQ(loc.zone(0).size(), 0u);  // nodes go with their last request
}

// With two limits, a request rejected by the second gives back the slot the first one took
// (ngx_http_limit_conn_cleanup_all); in dry run it goes on uncounted.
TEST(RateLimitNginxConn, ARejectionGivesBackEarlierSlots) {
  NginxLimitConnLocation loc(
      parseNginxLimitConn("limit_conn_zone $binary_remote_addr zone=wide:10m;\n"
                          "limit_conn_zone $binary_remote_addr zone=narrow:10m;\n"
                          "limit_conn wide 5; limit_conn narrow 1; limit_conn_status 429"));
  EXPECT_EQ(loc.acquire(0.0, kClient).fate, Fate::kPass);
  const Decision d = loc.acquire(0.0, kClient);
  EXPECT_EQ(d.status, 429);
  EXPECT_EQ(d.scope, "narrow");
  EXPECT_EQ(loc.zone(0).connections(kClient), 1u);

  NginxLimitConnLocation dry(parseNginxLimitConn("1; limit_conn_dry_run on"));
  dry.acquire(0.0, kClient);
  const Decision over = dry.acquire(0.0, kClient);
  EXPECT_EQ(over.fate, Fate::kPass);
  EXPECT_TRUE(over.dryRun);
  EXPECT_FALSE(over.holdsSlot);
  EXPECT_EQ(dry.zone(0).connections(kClient), 1u);
}

// --- Kong rate-limiting --------------------------------------------------------------------

KongRateLimitingSettings kong(const char* text) {
  return parseKongRateLimiting(text);
}

// minute=5: the window is [0, 60) in whole seconds (ngx.time()), so a request at 59.9 s is
// still in it. Five pass, the sixth gets 429 with Retry-After = 60 - 59 = 1; at 60 s a new
// window starts: RateLimit-Remaining 4, RateLimit-Reset 60. Fixed windows let 10 requests
// through in one second across the boundary.
TEST(RateLimitKong, FixedMinuteWindowResetsAtTheBoundary) {
  KongCounters counters;
  KongRateLimiting node(kong("minute=5"), counters);
  for (double t : {55.0, 56.0, 57.0, 58.0, 59.0})
    EXPECT_EQ(node.decide(t, kClient).fate, Fate::kPass) << t;
  const Decision sixth = node.decide(59.9, kClient);
  EXPECT_EQ(sixth.fate, Fate::kReject);
  EXPECT_EQ(sixth.status, 429);
  EXPECT_EQ(sixth.why, Why::kWindowFull);
  EXPECT_EQ(sixth.remaining, 0);
  EXPECT_DOUBLE_EQ(sixth.retryAfter, 1.0);
  const Decision next = node.decide(60.0, kClient);
  EXPECT_EQ(next.fate, Fate::kPass);
  EXPECT_EQ(next.remaining, 4);
  EXPECT_DOUBLE_EQ(next.retryAfter, 60.0);
  for (double t : {60.1, 60.2, 60.3, 60.4})
    EXPECT_EQ(node.decide(t, kClient).fate, Fate::kPass) << t;
}

// minute=5 hour=8, one request a second from t=50 to t=69.
// local: 50..54 pass (minute full), 55..59 rejected and not counted, so the hour counter
// is 5; at 60 the minute restarts: 60, 61, 62 pass (hour 8), 63..69 rejected by the hour.
// redis (sync_rate -1): INCR counts every request in both windows before comparing: 50..54
// pass, 55..59 rejected but counted, the hour counter is 10 >= 8 at 60: everything after
// is rejected.
TEST(RateLimitKong, MinuteAndHourLocalCountsAcceptedRedisCountsEveryRequest) {
  for (const auto policy : {"local", "redis"}) {
    KongCounters counters;
    KongRateLimiting node(kong((std::string("minute=5 hour=8 policy=") + policy).c_str()),
                          counters);
    std::vector<int> passed;
    for (int t = 50; t < 70; ++t) {
      if (node.decide(t, kClient).fate == Fate::kPass) passed.push_back(t);
    }
    if (std::string(policy) == "local") {
      EXPECT_EQ(passed, (std::vector<int>{50, 51, 52, 53, 54, 60, 61, 62}));
      EXPECT_EQ(counters.usage(kClient, KongPeriod::kHour, 0, 69.0), 8u);
    } else {
      EXPECT_EQ(passed, (std::vector<int>{50, 51, 52, 53, 54}));
      EXPECT_EQ(counters.usage(kClient, KongPeriod::kHour, 0, 69.0), 20u);
    }
  }
}

// The headers of the first request at t=50 (minute=5 hour=8): remaining after it is 4 for
// the minute and 7 for the hour; the minute is smaller, its reset 60 - 50 = 10. At t=55 the
// minute stops: its remaining 0 - 1 -> 0, the hour's 3 (not decremented: only the stopping
// period is), reset 60 - 55 = 5.
TEST(RateLimitKong, HeadersTakeTheSmallestRemaining) {
  KongCounters counters;
  KongRateLimiting node(kong("minute=5 hour=8"), counters);
  Decision d = node.decide(50.0, kClient);
  EXPECT_EQ(d.remaining, 4);
  EXPECT_DOUBLE_EQ(d.retryAfter, 10.0);
  for (int t = 51; t < 55; ++t)
    node.decide(t, kClient);
  d = node.decide(55.0, kClient);
  EXPECT_EQ(d.fate, Fate::kReject);
  EXPECT_EQ(d.scope, "minute");
  EXPECT_EQ(d.remaining, 0);
  EXPECT_DOUBLE_EQ(d.retryAfter, 5.0);
  KongCounters hidden;
  KongRateLimiting quiet(kong("minute=5 hide_client_headers=true"), hidden);
  EXPECT_EQ(quiet.decide(0.0, kClient).remaining, -1);
}

// Two Kong nodes, requests alternating between them, minute=5. policy local: each node
// has its own counter, so the client gets 5 per node: all 10 pass. cluster: one shared
// counter: the first 5 pass.
TEST(RateLimitKong, LocalCountersPerNodeSharedCountersAcrossNodes) {
  KongCounters nodeA;
  KongCounters nodeB;
  KongRateLimiting a(kong("minute=5 policy=local"), nodeA);
  KongRateLimiting b(kong("minute=5 policy=local"), nodeB);
  int passed = 0;
  for (int i = 0; i < 10; ++i)
    passed += (i % 2 == 0 ? a : b).decide(i, kClient).fate == Fate::kPass;
  EXPECT_EQ(passed, 10);

  KongCounters database;
  KongRateLimiting c(kong("minute=5 policy=cluster"), database);
  KongRateLimiting d(kong("minute=5 policy=cluster"), database);
  std::vector<int> accepted;
  for (int i = 0; i < 10; ++i) {
    if ((i % 2 == 0 ? c : d).decide(i, kClient).fate == Fate::kPass) accepted.push_back(i);
  }
  EXPECT_EQ(accepted, (std::vector<int>{0, 1, 2, 3, 4}));
}

// Months follow the calendar in UTC. Simulation time 0 is 2024-01-31T23:59:00Z (Unix
// 1706745540); month=3: three pass on January 31st, the fourth is rejected; 60 s later it is
// February 1st (1706745600) and a new window.
TEST(RateLimitKong, MonthWindowsFollowTheCalendar) {
  EXPECT_EQ(KongRateLimiting::windowStart(KongPeriod::kMonth, 1706745540), 1704067200);
  EXPECT_EQ(KongRateLimiting::windowStart(KongPeriod::kMonth, 1706745600), 1706745600);
  EXPECT_EQ(KongRateLimiting::windowEnd(KongPeriod::kMonth, 1706745540), 1706745600);
  EXPECT_EQ(KongRateLimiting::windowStart(KongPeriod::kYear, 1706745540), 1704067200);
  EXPECT_EQ(KongRateLimiting::windowStart(KongPeriod::kHour, 1706745540), 1706742000);
  KongCounters counters;
  KongRateLimiting node(kong("month=3"), counters, 1706745540.0);
  for (int t = 0; t < 3; ++t)
    EXPECT_EQ(node.decide(t, kClient).fate, Fate::kPass);
  EXPECT_EQ(node.decide(3.0, kClient).fate, Fate::kReject);
  EXPECT_EQ(node.decide(60.0, kClient).fate, Fate::kPass);
}

// A counter lives expiration.lua's 2592000 s (30 days) from its first increment, and
// January has 31 days: a month counter started on January 1st is gone on January 31st, and
// the client gets a fresh month limit in the same calendar month. Kong does this too.
TEST(RateLimitKong, MonthCounterExpiresAfterThirtyDays) {
  KongCounters counters;
  KongRateLimiting node(kong("month=2"), counters, 1704067200.0);  // 2024-01-01T00:00:00Z
  EXPECT_EQ(node.decide(0.0, kClient).fate, Fate::kPass);
  EXPECT_EQ(node.decide(1.0, kClient).fate, Fate::kPass);
  EXPECT_EQ(node.decide(2.0, kClient).fate, Fate::kReject);
  EXPECT_EQ(node.decide(2591999.0, kClient).fate, Fate::kReject);
  EXPECT_EQ(node.decide(2592000.0, kClient).fate, Fate::kPass);  // January 31st
  EXPECT_EQ(counters.expire(2592001.0), 0u);                     // the new one lives on
  EXPECT_EQ(counters.expire(2678400.0), 1u);                     // February: window over
}

// --- HAProxy http_req_rate -----------------------------------------------------------------

// http_req_rate(10s), deny if gt 10; one request a second from t=0 to t=9, then at 10, 12.5,
// 15, 20.5, 31, 52 (ms: period 10000). freq_ctr arithmetic:
//   0..9 s: the entry's period starts at 0, curr = 1..10, rate = curr: 1..10.
//   10 s: 10000 - 0 >= 10000: rotate, prev = 10, curr = 1, tick = 10000;
//         remain = 10000 + 10000 - 10000 = 10000: (10*10000 + 1*10000) / 10000 = 11 > 10: deny.
//   12.5: curr 2, remain 7500: (75000 + 20000) / 10000 = 9.
//   15:   curr 3, remain 5000: (50000 + 30000) / 10000 = 8.
//   20.5: rotate: prev 3, curr 1, tick 20000; remain 9500: (28500 + 10000) / 10000 = 3.
//   31:   rotate: prev 1, curr 1, tick 30000; remain 9000: (9000 + 10000) / 10000 = 1.
//   52:   rotate: tick 40000 is still a period behind: prev 0, tick 52000: rate 1.
TEST(RateLimitHaproxy, FreqCtrSlidingEstimateOnAHandComputedSequence) {
  HaproxyReqRateLimit table(parseHaproxyReqRate("http_req_rate(10s) gt 10"));
  for (int t = 0; t < 10; ++t) {
    const Decision d = table.decide(t, kClient);
    EXPECT_EQ(d.fate, Fate::kPass);
    EXPECT_DOUBLE_EQ(d.measure, t + 1.0);
  }
  const Decision denied = table.decide(10.0, kClient);
  EXPECT_EQ(denied.fate, Fate::kReject);
  EXPECT_EQ(denied.status, 403);  // http-request deny's default
  EXPECT_DOUBLE_EQ(denied.measure, 11.0);
  const std::vector<std::pair<double, double>> expected = {
      {12.5, 9.0}, {15.0, 8.0}, {20.5, 3.0}, {31.0, 1.0}, {52.0, 1.0}};
  for (const auto& [t, rate] : expected) {
    const Decision d = table.decide(t, kClient);
    EXPECT_EQ(d.fate, Fate::kPass) << t;
    EXPECT_DOUBLE_EQ(d.measure, rate) << t;
  }
  EXPECT_EQ(table.counter(kClient)->currTick, 52000);
  EXPECT_EQ(table.counter(kClient)->prevCtr, 0u);
}

// track-sc0 counts a request before the deny rule reads the rate: denied requests count.
// gt 3 with 5 requests at once: rates 1..5, the 4th and 5th denied, the rate stays 5.
TEST(RateLimitHaproxy, DeniedRequestsAreCounted) {
  HaproxyReqRateLimit table(parseHaproxyReqRate("http_req_rate(10s) gt 3 deny_status 429"));
  std::vector<Fate> fates;
  for (int i = 0; i < 5; ++i)
    fates.push_back(table.decide(1.0, kClient).fate);
  EXPECT_EQ(fates, (std::vector<Fate>{Fate::kPass, Fate::kPass, Fate::kPass, Fate::kReject,
                                      Fate::kReject}));
  EXPECT_EQ(table.decide(1.0, kClient).status, 429);
  EXPECT_EQ(table.rate(1.0, kClient), 6u);
}

// The period's start tick is even (bit 0 is HAProxy's lock): a first request at 1 ms starts
// the period at 0 ms, so the period is over at 10000 ms, not 10001.
TEST(RateLimitHaproxy, PeriodStartIsEvenMilliseconds) {
  HaproxyReqRateLimit table(parseHaproxyReqRate("http_req_rate(10000) gt 100"));
  table.decide(0.0015, kClient);
  EXPECT_EQ(table.counter(kClient)->currTick, 0);
  table.decide(10.0005, kClient);
  EXPECT_EQ(table.counter(kClient)->prevCtr, 1u);
  EXPECT_EQ(table.counter(kClient)->currTick, 10000);
}

// Reading without events: one request at 0; at 15 s the previous period holds 1 request
// and 5 s of it are in the window: 1 * 5000 / 10000 would be 0, but HAProxy reports a
// previous count of 0 or 1 whole when the current period is empty (no flapping). Two
// requests: 2 * 5000 / 10000 = 1. Two periods on, nothing.
TEST(RateLimitHaproxy, LowRatesAreNotFlapping) {
  HaproxyReqRateLimit one(parseHaproxyReqRate("http_req_rate(10s) gt 100"));
  one.decide(0.0, kClient);
  EXPECT_EQ(one.rate(15.0, kClient), 1u);
  EXPECT_EQ(one.rate(20.0, kClient), 1u);
  EXPECT_EQ(one.rate(20.001, kClient), 0u);
  HaproxyReqRateLimit two(parseHaproxyReqRate("http_req_rate(10s) gt 100"));
  two.decide(0.0, kClient);
  two.decide(0.0, kClient);
  EXPECT_EQ(two.rate(15.0, kClient), 1u);
  EXPECT_EQ(two.rate(19.0, kClient), 0u);  // (2 * 1000) / 10000
}

// `expire 30s`: an entry untouched for 30 s is purged and starts again from zero.
TEST(RateLimitHaproxy, ExpiredEntriesStartOver) {
  HaproxyReqRateLimit table(
      parseHaproxyReqRate("stick-table type ip size 100k expire 30s store http_req_rate(60s)\n"
                          "http-request track-sc0 src\n"
                          "http-request deny if { sc_http_req_rate(0) gt 100 }"));
  for (int t = 0; t < 5; ++t)
    table.decide(t, kClient);
  EXPECT_EQ(table.rate(33.999, kClient), 5u);
  EXPECT_EQ(table.expire(33.999), 0u);
  EXPECT_EQ(table.rate(34.0, kClient), 0u);
  EXPECT_DOUBLE_EQ(table.decide(40.0, kClient).measure, 1.0);
  EXPECT_EQ(table.expire(70.0), 1u);
}

// --- Cloudflare ----------------------------------------------------------------------------

// The docs' example A (developers.cloudflare.com/waf/rate-limiting-rules/request-rate/):
// 1 request per 10 s, block for 10 minutes. Request 1 sets the client's counter to 1; a
// request with other characteristics has its own counter; request 3 (same client) sets the
// counter to 2 > 1: blocked, and so is everything from the client for 600 s. After that the
// windows are long gone: the rate starts from 0.
TEST(RateLimitCloudflare, ExampleABlocksForTheMitigationTimeout) {
  CloudflareRateLimit rule(
      parseCloudflareRateLimit("threshold=1 period=10 timeout=600 action=block"));
  EXPECT_EQ(rule.decide(0.0, kClient).fate, Fate::kPass);
  EXPECT_EQ(rule.decide(1.0, kOther).fate, Fate::kPass);
  const Decision third = rule.decide(2.0, kClient);
  EXPECT_EQ(third.fate, Fate::kReject);
  EXPECT_EQ(third.status, 429);
  EXPECT_EQ(third.why, Why::kRateAboveThreshold);
  EXPECT_DOUBLE_EQ(third.until, 602.0);
  const Decision later = rule.decide(300.0, kClient);
  EXPECT_EQ(later.why, Why::kMitigation);
  EXPECT_EQ(later.status, 429);
  EXPECT_EQ(rule.decide(601.9, kClient).fate, Fate::kReject);
  const Decision after = rule.decide(602.0, kClient);
  EXPECT_EQ(after.fate, Fate::kPass);
  EXPECT_DOUBLE_EQ(after.measure, 1.0);
}

// threshold=10 period=60: 8 requests at 50..57 s fill the window [0, 60). At 75 s, 15 s into
// the next window, the estimate is 8 * (60 - 15) / 60 + current = 6 + current: the 4th
// request makes 10 (not above 10: passes), the 5th 11: acted on.
TEST(RateLimitCloudflare, SlidingWindowEstimateWeighsThePreviousWindow) {
  CloudflareRateLimit rule(parseCloudflareRateLimit("threshold=10 period=60 timeout=600"));
  for (int t = 50; t < 58; ++t)
    EXPECT_EQ(rule.decide(t, kClient).fate, Fate::kPass);
  for (int k = 1; k <= 4; ++k) {
    const Decision d = rule.decide(75.0, kClient);
    EXPECT_EQ(d.fate, Fate::kPass) << k;
    EXPECT_DOUBLE_EQ(d.measure, 6.0 + k);
  }
  const Decision fifth = rule.decide(75.0, kClient);
  EXPECT_EQ(fifth.fate, Fate::kReject);
  EXPECT_DOUBLE_EQ(fifth.measure, 11.0);
  EXPECT_DOUBLE_EQ(fifth.until, 675.0);
}

// Timeout 0 throttles: requests over the rate are blocked and not counted, the others pass.
// Same sequence: the 5th and 6th at 75 s are blocked, the estimate stays 10; at 90 s it is
// 8 * 30 / 60 + 4 = 8, and the request makes 9: passes.
TEST(RateLimitCloudflare, ZeroTimeoutThrottlesInsteadOfMitigating) {
  CloudflareRateLimit rule(
      parseCloudflareRateLimit("requests_per_period=10 period=60 mitigation_timeout=0"));
  for (int t = 50; t < 58; ++t)
    rule.decide(t, kClient);
  for (int k = 1; k <= 4; ++k)
    rule.decide(75.0, kClient);
  EXPECT_EQ(rule.decide(75.0, kClient).fate, Fate::kReject);
  EXPECT_EQ(rule.decide(75.0, kClient).fate, Fate::kReject);
  EXPECT_DOUBLE_EQ(rule.rate(75.0, kClient), 10.0);
  EXPECT_DOUBLE_EQ(rule.rate(90.0, kClient), 8.0);
  EXPECT_EQ(rule.decide(90.0, kClient).fate, Fate::kPass);
}

// Challenges answer 403 (the challenge page); `log` acts on nothing.
TEST(RateLimitCloudflare, ChallengeIs403AndLogNeverActs) {
  CloudflareRateLimit challenge(
      parseCloudflareRateLimit("threshold=1 period=10 timeout=60 action=managed_challenge"));
  challenge.decide(0.0, kClient);
  EXPECT_EQ(challenge.decide(0.0, kClient).status, 403);
  CloudflareRateLimit log(parseCloudflareRateLimit("threshold=1 period=10 action=log"));
  log.decide(0.0, kClient);
  const Decision d = log.decide(0.0, kClient);
  EXPECT_EQ(d.fate, Fate::kPass);
  EXPECT_TRUE(d.dryRun);
  EXPECT_EQ(log.decide(0.0, kClient).fate, Fate::kPass);
}

// The docs' example B: counting on the response (status 400 only). Requests are judged on
// the counters without themselves; responses count when they match. 400, 200, 400 leave the
// counter at 2 > 1: the fourth request is blocked.
TEST(RateLimitCloudflare, CountingOnTheResponseJudgesOnEarlierResponses) {
  CloudflareRateLimit rule(
      parseCloudflareRateLimit("threshold=1 period=10 timeout=600 statuses=[400]"));
  const std::vector<std::uint16_t> responses = {400, 200, 400};
  for (std::size_t i = 0; i < responses.size(); ++i) {
    const double t = static_cast<double>(i);
    EXPECT_EQ(rule.decide(t, kClient).fate, Fate::kPass) << i;
    rule.onResponse(t + 0.1, kClient, responses[i]);
  }
  EXPECT_EQ(rule.decide(3.0, kClient).fate, Fate::kReject);
}

TEST(RateLimitCloudflare, ExpireKeepsKeysUnderMitigation) {
  CloudflareRateLimit rule(parseCloudflareRateLimit("threshold=1 period=10 timeout=60"));
  rule.decide(0.0, kClient);
  rule.decide(0.0, kClient);  // mitigated until 60
  rule.decide(0.0, kOther);
  EXPECT_EQ(rule.expire(20.0), 1u);  // kOther: two windows old
  EXPECT_EQ(rule.expire(59.0), 0u);
  EXPECT_EQ(rule.expire(60.0), 1u);
}

// --- token buckets -------------------------------------------------------------------------

// Envoy max_tokens=3 tokens_per_fill=1 fill_interval=1s. Both buckets start full: three
// requests pass at 0, the fourth gets 429.
// Continuous (current Envoy): at 0.5 s the bucket holds 0.5 token: 429; at 1.0 s one token.
// Timer (older Envoy): nothing is added before the fill at 1 s; at 1.5 s nothing again.
TEST(RateLimitTokenBucket, EnvoyContinuousAndTimerFills) {
  TokenBucketLimiter continuous(
      parseEnvoyTokenBucket("max_tokens=3 tokens_per_fill=1 fill_interval=1s"));
  TokenBucketLimiter timer(
      parseEnvoyTokenBucket("max_tokens: 3, tokens_per_fill: 1, fill_interval: 1s, timer"));
  for (TokenBucketLimiter* b : {&continuous, &timer}) {
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(b->decide(0.0, kClient).fate, Fate::kPass);
    const Decision d = b->decide(0.0, kClient);
    EXPECT_EQ(d.fate, Fate::kReject);
    EXPECT_EQ(d.status, 429);
    EXPECT_EQ(d.why, Why::kNoTokens);
  }
  EXPECT_DOUBLE_EQ(continuous.tokens(0.5, kClient), 0.5);
  EXPECT_DOUBLE_EQ(timer.tokens(0.5, kClient), 0.0);
  EXPECT_EQ(timer.decide(0.999, kClient).fate, Fate::kReject);
  EXPECT_EQ(continuous.decide(1.0, kClient).fate, Fate::kPass);
  EXPECT_EQ(timer.decide(1.0, kClient).fate, Fate::kPass);
  EXPECT_EQ(continuous.decide(1.5, kClient).fate, Fate::kReject);
  EXPECT_EQ(timer.decide(1.5, kClient).fate, Fate::kReject);
  EXPECT_EQ(continuous.decide(2.0, kClient).fate, Fate::kPass);  // 0.5 + 0.5
  EXPECT_EQ(timer.decide(2.0, kClient).fate, Fate::kPass);
}

// rate=10/s capacity=20: 25 at once, 20 pass; 0.1 s later one token; the bucket is full
// again 2 s after it was empty, and then forgetting it changes nothing.
TEST(RateLimitTokenBucket, PlainBucketRefillsAtItsRate) {
  TokenBucketLimiter bucket(parseTokenBucket("rate=10/s capacity=20"));
  int passed = 0;
  for (int i = 0; i < 25; ++i)
    passed += bucket.decide(0.0, kClient).fate == Fate::kPass;
  EXPECT_EQ(passed, 20);
  EXPECT_EQ(bucket.decide(0.1, kClient).fate, Fate::kPass);
  EXPECT_EQ(bucket.decide(0.1, kClient).fate, Fate::kReject);
  EXPECT_EQ(bucket.expire(2.0), 0u);
  EXPECT_EQ(bucket.expire(2.1), 1u);
}

// --- reasons -------------------------------------------------------------------------------

TEST(RateLimitDecision, DescribeNamesTheFigures) {
  NginxLimitReqLocation loc(parseNginxLimitReq("zone=api rate=10r/s burst=1 nodelay"));
  loc.decide(0.0, kClient);
  loc.decide(0.0, kClient);
  EXPECT_EQ(describe(loc.decide(0.0, kClient)), "excess 2.000 > burst 1 in zone \"api\"");
  KongCounters counters;
  KongRateLimiting node(kong("minute=1"), counters);
  EXPECT_EQ(describe(node.decide(30.0, kClient)),
            "minute usage 0 < limit 1; RateLimit-Remaining 0, RateLimit-Reset 30");
  EXPECT_EQ(describe(node.decide(31.0, kClient)),
            "minute usage 1 reached the limit 1; RateLimit-Remaining 0, RateLimit-Reset 29, "
            "Retry-After 29");
  EXPECT_EQ(fateName(Fate::kDelay), "delay");
  EXPECT_EQ(wholeMilliseconds(0.29), 290);
}

}  // namespace
}  // namespace lbsim::models::ratelimit
