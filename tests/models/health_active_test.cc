// Active health checks: hand-computed timelines for each system's preset. A check that
// starts while the target is down is refused at once (a crashed process on a live host) or
// times out after the check's timeout (a host that is gone); a check to a live target
// answers at once.
#include <gtest/gtest.h>

#include <vector>

#include "models/health/active_check.h"
#include "models/health/kong_active.h"

namespace lbsim::models::health {
namespace {

// The target is down in [downAt, upAt) and answers `downAs` then.
struct Outage {
  double downAt = kNever;
  double upAt = kNever;
  CheckResult downAs = CheckResult::kRefused;
};

struct Timeline {
  std::vector<HealthEvent> events;
  std::vector<double> checks;  // start times
};

template <class Checker>
Timeline drive(Checker& checker, Outage outage, double until) {
  Timeline t;
  while (checker.nextCheckAt() <= until) {
    const double start = checker.nextCheckAt();
    const bool down = start >= outage.downAt && start < outage.upAt;
    const CheckResult result = down ? outage.downAs : CheckResult::kOk;
    const double end = result == CheckResult::kTimedOut ? start + checker.timeout() : start;
    t.checks.push_back(start);
    if (auto e = checker.onCheckResult(start, end, result)) t.events.push_back(*e);
  }
  return t;
}

HaproxyCheckSettings inter5rise2fall3() {
  HaproxyCheckSettings s;
  s.inter = 5.0;
  s.rise = 2;
  s.fall = 3;
  return s;
}

TEST(HaproxyCheck, CrashedReplicaIsDownThreeChecksAfterTheCrash) {
  // check inter 5s rise 2 fall 3; checks every 5 s from 0 (the next starts inter after the
  // previous one ended, and a refused check ends at once). The crash at 12 s is first seen
  // by the check at 15 s; the third consecutive failure is at 15 + 2 * 5 = 25 s. In general
  // the delay is within (2 * inter, 3 * inter] = (10 s, 15 s]; here 13 s.
  ActiveChecker checker(haproxyCheck(inter5rise2fall3()), 0.0);
  const Timeline t = drive(checker, {12.0, 60.0, CheckResult::kRefused}, 120.0);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 25.0);
  EXPECT_EQ(t.events[0].from, "UP");
  EXPECT_EQ(t.events[0].to, "DOWN");
  EXPECT_FALSE(t.events[0].available);
  EXPECT_EQ(t.events[0].why, Why::kFailuresReachedThreshold);
  EXPECT_EQ(t.events[0].count, 3u);
  EXPECT_EQ(t.events[0].cause, "Layer4 connection problem");
  EXPECT_GT(t.events[0].time - 12.0, 2 * 5.0);
  EXPECT_LE(t.events[0].time - 12.0, 3 * 5.0);
  // Back at 60 s: the checks at 60 and 65 pass; rise 2 makes it UP at 65 s.
  EXPECT_DOUBLE_EQ(t.events[1].time, 65.0);
  EXPECT_EQ(t.events[1].to, "UP");
  EXPECT_EQ(t.events[1].why, Why::kSuccessesReachedThreshold);
  EXPECT_EQ(t.events[1].count, 2u);
}

TEST(HaproxyCheck, UnreachableHostTakesLongerBecauseTheNextCheckWaitsForTheTimeout) {
  // Without `timeout check`, inter (5 s) is the check's timeout, and the next check starts
  // inter after the previous one ended: each failing check costs 10 s. Checks start at
  // 15, 25, 35 and time out at 20, 30, 40: DOWN at 40 s.
  ActiveChecker checker(haproxyCheck(inter5rise2fall3()), 0.0);
  const Timeline t = drive(checker, {12.0, kNever, CheckResult::kTimedOut}, 44.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 40.0);
  EXPECT_EQ(t.events[0].cause, "Layer4 timeout");
  EXPECT_EQ(t.checks, (std::vector<double>{0, 5, 10, 15, 25, 35}));
}

TEST(HaproxyCheck, TimeoutConnectShortensTheCheckOnlyWithTimeoutCheck) {
  // timeout check 3s + timeout connect 1s: an unanswered connection times out after
  // min(1 s, inter) = 1 s. Checks at 15 (-> 16), 21 (-> 22), 27 (-> 28): DOWN at 28 s.
  HaproxyCheckSettings s = inter5rise2fall3();
  s.timeoutCheck = 3.0;
  s.timeoutConnect = 1.0;
  ActiveChecker checker(haproxyCheck(s), 0.0);
  EXPECT_DOUBLE_EQ(checker.timeout(), 1.0);
  const Timeline t = drive(checker, {12.0, kNever, CheckResult::kTimedOut}, 30.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 28.0);
  // timeout connect alone changes nothing: inter stays the whole check's timeout.
  s.timeoutCheck = 0.0;
  EXPECT_DOUBLE_EQ(haproxyCheck(s).timeout, 5.0);
}

TEST(HaproxyCheck, FastinterWhileGoingDownDowninterWhileDown) {
  // fastinter 1s applies once the health is between the ends (after the first failure),
  // downinter 20s once fully DOWN. Failures at 15, 16, 17: DOWN at 17; then checks at 37,
  // 57 (fully down, downinter); back at 60: the check at 77 passes, health 1 of rise 2 is
  // transitional, so fastinter: 78 passes, UP at 78.
  HaproxyCheckSettings s = inter5rise2fall3();
  s.fastinter = 1.0;
  s.downinter = 20.0;
  ActiveChecker checker(haproxyCheck(s), 0.0);
  const Timeline t = drive(checker, {12.0, 60.0, CheckResult::kRefused}, 80.0);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 17.0);
  EXPECT_DOUBLE_EQ(t.events[1].time, 78.0);
  // The first check is at the start; it passes and the server is fully UP: inter (5 s)
  // until the first failure at 15.
  EXPECT_EQ(t.checks, (std::vector<double>{0, 5, 10, 15, 16, 17, 37, 57, 77, 78}));
}

TEST(HaproxyCheck, ServerStartsUpOneFailureFromDown) {
  // srv_settings_cpy: health = rise, "up, but will fall down at first failure". A target
  // down from the start is DOWN after the first check, at 0 s.
  ActiveChecker checker(haproxyCheck(inter5rise2fall3()), 0.0);
  EXPECT_TRUE(checker.available());
  const Timeline t = drive(checker, {0.0, kNever, CheckResult::kRefused}, 12.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 0.0);
  EXPECT_EQ(t.events[0].why, Why::kFirstFailureAtStart);
  EXPECT_EQ(t.events[0].count, 1u);
}

TEST(HaproxyCheck, InitStates) {
  // init-state fully-up: health = rise + fall - 1, all 3 failures needed: 0, 5, 10.
  HaproxyCheckSettings s = inter5rise2fall3();
  s.initState = HaproxyCheckSettings::InitState::kFullyUp;
  ActiveChecker fullyUp(haproxyCheck(s), 0.0);
  Timeline t = drive(fullyUp, {0.0, kNever, CheckResult::kRefused}, 12.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 10.0);
  // init-state down: health = rise - 1, one passing check makes it UP (at 0).
  s.initState = HaproxyCheckSettings::InitState::kDown;
  ActiveChecker down(haproxyCheck(s), 0.0);
  EXPECT_FALSE(down.available());
  t = drive(down, {}, 1.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 0.0);
  EXPECT_EQ(t.events[0].why, Why::kInitialCheckPassed);
  // init-state fully-down: rise (2) passes needed: 0 and 5.
  s.initState = HaproxyCheckSettings::InitState::kFullyDown;
  ActiveChecker fullyDown(haproxyCheck(s), 0.0);
  t = drive(fullyDown, {}, 6.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 5.0);
}

TEST(HaproxyCheck, AFailureWhileRisingStartsTheRiseAgain) {
  // A DOWN server's health falls back to 0 on any failure: passes at 30, fail at 35 (the
  // target flaps), passes at 40 and 45: UP at 45, not at 35.
  HaproxyCheckSettings s = inter5rise2fall3();
  s.initState = HaproxyCheckSettings::InitState::kFullyDown;
  ActiveChecker checker(haproxyCheck(s), 0.0);
  const Timeline t = drive(checker, {0.0, 30.0, CheckResult::kRefused}, 29.0);
  EXPECT_TRUE(t.events.empty());
  ASSERT_TRUE(checker.onCheckResult(30.0, 30.0, CheckResult::kOk) == std::nullopt);
  ASSERT_TRUE(checker.onCheckResult(35.0, 35.0, CheckResult::kFailed) == std::nullopt);
  ASSERT_TRUE(checker.onCheckResult(40.0, 40.0, CheckResult::kOk) == std::nullopt);
  const auto up = checker.onCheckResult(45.0, 45.0, CheckResult::kOk);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->to, "UP");
}

AlbHealthCheckSettings seedUserServiceTargetGroup() {
  // The seed's user-service-tg: interval 30, timeout 5, healthy 2, unhealthy 3.
  AlbHealthCheckSettings s;
  s.interval = 30.0;
  s.timeout = 5.0;
  s.healthyThreshold = 2;
  s.unhealthyThreshold = 3;
  return s;
}

TEST(AlbHealthCheck, InitialNeedsOnePassingCheckThenFixedRate) {
  // Registered at 0 and `initial`: the check at 0 passes and the target is healthy at once
  // ("it must pass one health check"). Blackholed at 40: the checks at 60, 90, 120 time
  // out (5 s each): unhealthy at 125, reason Target.Timeout. The interval does not wait for
  // the timeouts. Back at 200: checks at 210 and 240 pass: healthy at 240.
  ActiveChecker checker(albHealthCheck(seedUserServiceTargetGroup()), 0.0);
  EXPECT_EQ(checker.stateName(), "initial");
  EXPECT_FALSE(checker.available());
  const Timeline t = drive(checker, {40.0, 200.0, CheckResult::kTimedOut}, 250.0);
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 0.0);
  EXPECT_EQ(t.events[0].from, "initial");
  EXPECT_EQ(t.events[0].to, "healthy");
  EXPECT_EQ(t.events[0].why, Why::kInitialCheckPassed);
  EXPECT_DOUBLE_EQ(t.events[1].time, 125.0);
  EXPECT_EQ(t.events[1].cause, "Target.Timeout");
  EXPECT_EQ(t.events[1].setting, "UnhealthyThresholdCount");
  EXPECT_DOUBLE_EQ(t.events[2].time, 240.0);
  EXPECT_EQ(t.events[2].setting, "HealthyThresholdCount");
  EXPECT_EQ(t.checks, (std::vector<double>{0, 30, 60, 90, 120, 150, 180, 210, 240}));
}

TEST(AlbHealthCheck, TargetDownAtRegistrationGoesFromInitialToUnhealthy) {
  // Failing from the start: 3 failures at 0, 30, 60: `initial` -> `unhealthy` at 60.
  ActiveChecker checker(albHealthCheck(seedUserServiceTargetGroup()), 0.0);
  const Timeline t = drive(checker, {0.0, kNever, CheckResult::kRefused}, 70.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 60.0);
  EXPECT_EQ(t.events[0].from, "initial");
  EXPECT_EQ(t.events[0].to, "unhealthy");
  EXPECT_EQ(t.events[0].cause, "Target.FailedHealthChecks");
}

TEST(CloudflareMonitor, TimeoutsAreRetriedAtOnceRefusalsAreNot) {
  // The seed's pool: interval 60, retries 2, timeout 5; consecutive_down 0 (one check).
  // Blackholed at 100: the check at 120 times out at 125, is retried at 125 (-> 130) and
  // 130 (-> 135): unhealthy at 135. Refused instead: no retry, unhealthy at 120.
  CloudflareMonitorSettings s;
  ActiveChecker timedOut(cloudflareMonitor(s), 0.0);
  Timeline t = drive(timedOut, {100.0, kNever, CheckResult::kTimedOut}, 170.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 135.0);
  EXPECT_EQ(t.checks, (std::vector<double>{0, 60, 120, 125, 130}));
  EXPECT_DOUBLE_EQ(timedOut.nextCheckAt(), 180.0);  // the interval counts from 120

  ActiveChecker refused(cloudflareMonitor(s), 0.0);
  t = drive(refused, {100.0, 200.0, CheckResult::kRefused}, 250.0);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 120.0);
  // Back at 200: the check at 240 passes (consecutive_up 0: one check).
  EXPECT_DOUBLE_EQ(t.events[1].time, 240.0);
}

DockerHealthcheckSettings seedDockerHealthcheck() {
  // The seed: interval 30s, timeout 10s, retries 3, start_period 60s; start_interval 5s.
  DockerHealthcheckSettings s;
  s.interval = 30.0;
  s.timeout = 10.0;
  s.retries = 3;
  s.startPeriod = 60.0;
  return s;
}

TEST(DockerHealthcheck, StartPeriodScheduleAndRetries) {
  // getInterval at 0: 60 s of start period remain (>= interval) and the container is
  // starting: start_interval, probe at 5 passes -> healthy. At 5, 55 s remain, healthy:
  // interval, probe at 35; at 35, 25 s remain (< interval): probe at 60; then every 30 s.
  // Crash at 100: failures at 120, 150, 180 (retries 3): unhealthy at 180.
  ActiveChecker checker(dockerHealthcheck(seedDockerHealthcheck()), 0.0);
  EXPECT_EQ(checker.stateName(), "starting");
  const Timeline t = drive(checker, {100.0, kNever, CheckResult::kRefused}, 200.0);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 5.0);
  EXPECT_EQ(t.events[0].to, "healthy");
  EXPECT_DOUBLE_EQ(t.events[1].time, 180.0);
  EXPECT_EQ(t.events[1].to, "unhealthy");
  EXPECT_EQ(t.events[1].count, 3u);
  EXPECT_EQ(t.checks, (std::vector<double>{5, 35, 60, 90, 120, 150, 180}));
}

TEST(DockerHealthcheck, FailuresWithinTheStartPeriodDoNotCount) {
  // The app answers from 70 s. Starting: probes every 5 s from 5 to 30; at 30, 30 s remain
  // (not < 30): 35; at 35, 25 s remain: 60. Those from 5 to 35 began within the start
  // period and do not count. The probe at 60 counts (streak 1); the next at 90 passes.
  ActiveChecker checker(dockerHealthcheck(seedDockerHealthcheck()), 0.0);
  const Timeline t = drive(checker, {0.0, 70.0, CheckResult::kRefused}, 95.0);
  EXPECT_EQ(t.checks, (std::vector<double>{5, 10, 15, 20, 25, 30, 35, 60, 90}));
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 90.0);
  EXPECT_EQ(t.events[0].from, "starting");
  EXPECT_EQ(t.events[0].to, "healthy");
  // Not up until 150: the counted failures at 60, 90, 120 make it unhealthy at 120.
  ActiveChecker late(dockerHealthcheck(seedDockerHealthcheck()), 0.0);
  const Timeline u = drive(late, {0.0, 150.0, CheckResult::kRefused}, 125.0);
  ASSERT_EQ(u.events.size(), 1u);
  EXPECT_DOUBLE_EQ(u.events[0].time, 120.0);
  EXPECT_EQ(u.events[0].from, "starting");
  EXPECT_EQ(u.events[0].to, "unhealthy");
}

TEST(DockerHealthcheck, ATimeoutEndsTheProbeAndTheIntervalCountsFromItsEnd) {
  // No start period: first probe at 30 (one interval after the start). Hung from 40: the
  // probe at 60 times out at 70, the next starts at 100 (-> 110), then 140 (-> 150):
  // unhealthy at 150.
  DockerHealthcheckSettings s = seedDockerHealthcheck();
  s.startPeriod = 0.0;
  ActiveChecker checker(dockerHealthcheck(s), 0.0);
  const Timeline t = drive(checker, {40.0, kNever, CheckResult::kTimedOut}, 150.0);
  ASSERT_EQ(t.events.size(), 2u);
  EXPECT_DOUBLE_EQ(t.events[1].time, 150.0);
  EXPECT_EQ(t.events[1].cause, "Health check exceeded timeout");
  EXPECT_EQ(t.checks, (std::vector<double>{30, 60, 100, 140}));
}

TEST(KubernetesProbe, ReadinessWithInitialDelay) {
  // The seed's Kong readinessProbe: initialDelaySeconds 30, periodSeconds 5 (failure 3,
  // success 1, timeout 1). Ticks at 0, 5, ...; none probes before the container is 30 s
  // old; the probe at 30 passes: Ready at 30. Crash at 52: failures at 55, 60, 65:
  // NotReady at 65. Back at 80: Ready at 80.
  KubernetesProbeSettings s;
  s.initialDelaySeconds = 30.0;
  s.periodSeconds = 5.0;
  ActiveChecker checker(kubernetesProbe(s), 0.0);
  EXPECT_EQ(checker.stateName(), "NotReady");
  EXPECT_DOUBLE_EQ(checker.nextCheckAt(), 30.0);
  const Timeline t = drive(checker, {52.0, 80.0, CheckResult::kRefused}, 85.0);
  ASSERT_EQ(t.events.size(), 3u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 30.0);
  EXPECT_EQ(t.events[0].to, "Ready");
  EXPECT_DOUBLE_EQ(t.events[1].time, 65.0);
  EXPECT_EQ(t.events[1].to, "NotReady");
  EXPECT_EQ(t.events[1].setting, "failureThreshold");
  EXPECT_DOUBLE_EQ(t.events[2].time, 80.0);
}

TEST(KubernetesProbe, LivenessRestartsAndWaitsForTheNewContainer) {
  // The seed's livenessProbe: initialDelaySeconds 60, periodSeconds 10. Crash at 52:
  // failures at 60, 70, 80: restart at 80, no probing. The new container starts at 85;
  // the ticker keeps its phase (90, 100, ...) and the new container must be 60 s old:
  // the next probe is at 150.
  KubernetesProbeSettings s;
  s.kind = KubernetesProbeSettings::Kind::kLiveness;
  s.initialDelaySeconds = 60.0;
  s.periodSeconds = 10.0;
  ActiveChecker checker(kubernetesProbe(s), 0.0);
  const Timeline t = drive(checker, {52.0, kNever, CheckResult::kRefused}, 200.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 80.0);
  EXPECT_EQ(t.events[0].why, Why::kLivenessRestart);
  EXPECT_EQ(checker.state(), ActiveState::kRestarting);
  EXPECT_EQ(checker.nextCheckAt(), kNever);
  const auto restarted = checker.containerRestarted(85.0);
  ASSERT_TRUE(restarted.has_value());
  EXPECT_EQ(restarted->to, "Alive");
  EXPECT_DOUBLE_EQ(checker.nextCheckAt(), 150.0);
}

KongActiveSettings seedKongHealthchecks() {
  // The seed: healthy interval 10, successes 3; unhealthy interval 10, http_failures 3,
  // timeouts 3; tcp_failures not set (Kong's default 0); timeout 1 (default).
  KongActiveSettings s;
  s.healthyInterval = 10.0;
  s.successes = 3;
  s.unhealthyInterval = 10.0;
  s.httpFailures = 3;
  s.timeouts = 3;
  return s;
}

TEST(KongActive, RefusedConnectionsAreIgnoredWithoutTcpFailures) {
  // unhealthy.tcp_failures = 0 turns the tcp counter off: a crashed process that refuses
  // connections is never marked unhealthy by the seed's settings.
  KongActiveChecker checker(seedKongHealthchecks(), 0.0);
  const Timeline t = drive(checker, {12.0, kNever, CheckResult::kRefused}, 300.0);
  EXPECT_TRUE(t.events.empty());
  EXPECT_TRUE(checker.available());
  EXPECT_FALSE(checker.lastCounted());
}

TEST(KongActive, TimeoutsThenRecovery) {
  // The first probe is one interval after the start (10). Blackholed at 12: the probe at
  // 20 times out at 21 (timeouts 1: mostly_healthy, still takes traffic), 30 (-> 31, 2),
  // 40 (-> 41, 3 = unhealthy.timeouts): unhealthy at 41. The unhealthy timer probes at 50
  // (down: a failure while unhealthy is not counted); back at 60: successes at 60
  // (mostly_unhealthy), 70, 80: healthy at 80.
  KongActiveChecker checker(seedKongHealthchecks(), 0.0);
  EXPECT_DOUBLE_EQ(checker.nextCheckAt(), 10.0);
  const Timeline t = drive(checker, {12.0, 60.0, CheckResult::kTimedOut}, 90.0);
  ASSERT_EQ(t.events.size(), 4u);
  EXPECT_DOUBLE_EQ(t.events[0].time, 21.0);
  EXPECT_EQ(t.events[0].to, "mostly_healthy");
  EXPECT_TRUE(t.events[0].available);
  EXPECT_DOUBLE_EQ(t.events[1].time, 41.0);
  EXPECT_EQ(t.events[1].to, "unhealthy");
  EXPECT_EQ(t.events[1].setting, "unhealthy.timeouts");
  EXPECT_DOUBLE_EQ(t.events[2].time, 60.0);
  EXPECT_EQ(t.events[2].to, "mostly_unhealthy");
  EXPECT_FALSE(t.events[2].available);
  EXPECT_DOUBLE_EQ(t.events[3].time, 80.0);
  EXPECT_EQ(t.events[3].to, "healthy");
  EXPECT_EQ(t.checks, (std::vector<double>{10, 20, 30, 40, 50, 60, 70, 80, 90}));
}

TEST(KongActive, FailureKindsCountSeparatelyAndASuccessClearsThemAll) {
  // http_failures 3 and timeouts 3: two of each in a row leave the target mostly_healthy;
  // a success clears both counters.
  KongActiveChecker checker(seedKongHealthchecks(), 0.0);
  double t = 10.0;
  for (const CheckResult r : {CheckResult::kFailed, CheckResult::kTimedOut, CheckResult::kFailed,
                              CheckResult::kTimedOut}) {
    checker.onCheckResult(t, t, r);
    t += 10.0;
  }
  EXPECT_EQ(checker.health(), KongHealth::kMostlyHealthy);
  EXPECT_EQ(checker.httpCount(), 2u);
  EXPECT_EQ(checker.timeoutCount(), 2u);
  checker.onCheckResult(t, t, CheckResult::kOk);
  EXPECT_EQ(checker.httpCount(), 0u);
  EXPECT_EQ(checker.timeoutCount(), 0u);
  EXPECT_EQ(checker.successCount(), 1u);
  EXPECT_EQ(checker.health(), KongHealth::kMostlyHealthy);  // 1 of healthy.successes 3
}

TEST(HealthEvent, DescribeSaysWhy) {
  ActiveChecker checker(haproxyCheck(inter5rise2fall3()), 0.0);
  const Timeline t = drive(checker, {12.0, kNever, CheckResult::kRefused}, 30.0);
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(describe(t.events[0]),
            "3 consecutive failed checks reached fall 3 (last: Layer4 connection problem)");
}

}  // namespace
}  // namespace lbsim::models::health
