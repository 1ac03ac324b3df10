// The health mechanisms' settings as their own configurations write them.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/health/settings_text.h"

namespace lbsim::models::health {
namespace {

std::string errorOf(void (*parse)(std::string_view), std::string_view text) {
  try {
    parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(SettingsText, Durations) {
  EXPECT_DOUBLE_EQ(*parseDurationText("5s", 1.0), 5.0);
  EXPECT_DOUBLE_EQ(*parseDurationText("2000", 0.001), 2.0);  // HAProxy: bare ms
  EXPECT_DOUBLE_EQ(*parseDurationText("1m30s", 0.0), 90.0);  // Go and nginx: several units
  EXPECT_DOUBLE_EQ(*parseDurationText("250ms", 1.0), 0.25);
  EXPECT_DOUBLE_EQ(*parseDurationText("0", 0.0), 0.0);
  EXPECT_FALSE(parseDurationText("30", 0.0));  // Docker wants a unit
  EXPECT_FALSE(parseDurationText("5 s", 1.0));
  EXPECT_FALSE(parseDurationText("5x", 1.0));
  EXPECT_FALSE(parseDurationText("", 1.0));
}

TEST(SettingsText, HaproxyServerLine) {
  // The seeds: `check inter 5s rise 2 fall 3` and `check inter 2000 rise 2 fall 3`.
  auto s = parseHaproxyCheck("check inter 5s rise 2 fall 3");
  EXPECT_DOUBLE_EQ(s.inter, 5.0);
  EXPECT_EQ(s.rise, 2u);
  EXPECT_EQ(s.fall, 3u);
  EXPECT_DOUBLE_EQ(parseHaproxyCheck("inter 2000").inter, 2.0);
  // A pasted server line: name, address, weight and backup are not health settings.
  s = parseHaproxyCheck(
      "server pg-replica-1 user-db-replica-1.cerebrum.com:5432 check inter 10s rise 2 fall 3 "
      "weight 100 backup");
  EXPECT_DOUBLE_EQ(s.inter, 10.0);
  s = parseHaproxyCheck(
      "inter 5s fastinter 1s downinter 20s timeout check 3s timeout connect "
      "5000ms init-state fully-up");
  EXPECT_DOUBLE_EQ(s.fastinter, 1.0);
  EXPECT_DOUBLE_EQ(s.downinter, 20.0);
  EXPECT_DOUBLE_EQ(s.timeoutCheck, 3.0);
  EXPECT_DOUBLE_EQ(s.timeoutConnect, 5.0);
  EXPECT_EQ(s.initState, HaproxyCheckSettings::InitState::kFullyUp);
  const auto bad = [](std::string_view t) { parseHaproxyCheck(t); };
  EXPECT_EQ(errorOf(bad, "inter 5s rise two"),
            "HAProxy check: rise 'two' is not a whole number from 1 to 1000000");
  EXPECT_NE(errorOf(bad, "inter 5s slowstart 10s")
                .find("unknown setting 'slowstart'; allowed: check, inter, fastinter"),
            std::string::npos);
  EXPECT_NE(errorOf(bad, "inter").find("'inter' is not a setting with a value"), std::string::npos);
  EXPECT_NE(errorOf(bad, "init-state sideways").find("init-state 'sideways'"), std::string::npos);
}

TEST(SettingsText, AlbTargetGroup) {
  auto s = parseAlbHealthCheck("interval 30 timeout 5 healthy 2 unhealthy 3");
  EXPECT_DOUBLE_EQ(s.interval, 30.0);
  EXPECT_EQ(s.unhealthyThreshold, 3u);
  s = parseAlbHealthCheck(
      "HealthCheckIntervalSeconds: 15, HealthCheckTimeoutSeconds: 3, HealthyThresholdCount: 2, "
      "UnhealthyThresholdCount: 2");
  EXPECT_DOUBLE_EQ(s.interval, 15.0);
  EXPECT_DOUBLE_EQ(s.timeout, 3.0);
  const auto bad = [](std::string_view t) { parseAlbHealthCheck(t); };
  EXPECT_NE(errorOf(bad, "interval 10 timeout 10").find("must be smaller than the interval"),
            std::string::npos);
  EXPECT_NE(errorOf(bad, "healthy 1").find("healthy '1' is not a whole number from 2 to 10"),
            std::string::npos);
  EXPECT_NE(errorOf(bad, "interval 2.5").find("in whole seconds"), std::string::npos);
}

TEST(SettingsText, OtherSystems) {
  const auto cf = parseCloudflareMonitor("interval = 60 retries = 2 timeout = 5");
  EXPECT_DOUBLE_EQ(cf.interval, 60.0);
  EXPECT_EQ(cf.retries, 2u);
  const auto docker =
      parseDockerHealthcheck("--interval=30s --timeout=10s --retries=3 --start-period=60s");
  EXPECT_DOUBLE_EQ(docker.startPeriod, 60.0);
  EXPECT_DOUBLE_EQ(docker.timeout, 10.0);
  const auto k8s = parseKubernetesProbe("liveness initialDelaySeconds: 60 periodSeconds: 10");
  EXPECT_EQ(k8s.kind, KubernetesProbeSettings::Kind::kLiveness);
  EXPECT_DOUBLE_EQ(k8s.initialDelaySeconds, 60.0);
  const auto kong = parseKongActive(
      "healthy.interval=10 healthy.successes=3 unhealthy.interval=10 unhealthy.http_failures=3 "
      "unhealthy.timeouts=3");
  EXPECT_EQ(kong.tcpFailures, 0u);
  EXPECT_EQ(kong.timeouts, 3u);
  const auto nginx = parseNginxServer("max_fails=3 fail_timeout=30s");
  EXPECT_EQ(nginx.maxFails, 3u);
  EXPECT_DOUBLE_EQ(nginx.failTimeout, 30.0);
  const auto pasted =
      parseNginxServer("server payment-service-1:3000 max_fails=1 fail_timeout=10s weight=3;");
  EXPECT_EQ(pasted.maxFails, 1u);
  EXPECT_DOUBLE_EQ(pasted.failTimeout, 10.0);
  EXPECT_DOUBLE_EQ(parseNginxServer("").failTimeout, 10.0);  // nginx's defaults: 1 and 10s
  EXPECT_EQ(parseNginxServer("").maxFails, 1u);
  const auto envoy = parseEnvoyOutlier(
      "consecutive_5xx=3 base_ejection_time=10s interval=5s "
      "always_eject_one_host");
  EXPECT_EQ(envoy.consecutive5xx, 3u);
  EXPECT_DOUBLE_EQ(envoy.baseEjectionTime, 10.0);
  EXPECT_TRUE(envoy.alwaysEjectOneHost);
  const auto breaker = parseBreaker("failure_threshold=5 recovery_timeout=300");
  EXPECT_EQ(breaker.failureThreshold, 5u);
  EXPECT_DOUBLE_EQ(breaker.recoveryTimeout, 300.0);
  EXPECT_DOUBLE_EQ(parseBreaker("recovery_timeout=5m").recoveryTimeout, 300.0);
}

TEST(SettingsText, ErrorsSayWhatIsAllowed) {
  EXPECT_NE(errorOf([](std::string_view t) { parseDockerHealthcheck(t); }, "interval=30")
                .find("is not a duration with a unit such as 30s"),
            std::string::npos);
  EXPECT_NE(
      errorOf([](std::string_view t) { parseKubernetesProbe(t); }, "liveness successThreshold=2")
          .find("successThreshold must be 1 for a liveness probe"),
      std::string::npos);
  EXPECT_NE(errorOf([](std::string_view t) { parseNginxServer(t); }, "fail_timeout=1.5s")
                .find("in whole seconds"),
            std::string::npos);
  EXPECT_NE(errorOf([](std::string_view t) { parseEnvoyOutlier(t); },
                    "base_ejection_time=400s max_ejection_time=300s")
                .find("max_ejection_time cannot be smaller than base_ejection_time"),
            std::string::npos);
  EXPECT_EQ(errorOf([](std::string_view t) { parseBreaker(t); }, "threshold=5"),
            "circuit breaker: unknown setting 'threshold'; allowed: failure_threshold, "
            "recovery_timeout (seconds, or a duration such as 5m), half_open_trials (0: every "
            "request passes while half-open)");
}

}  // namespace
}  // namespace lbsim::models::health
