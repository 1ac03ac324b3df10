#pragma once

#include <optional>
#include <string_view>

#include "models/health/active_check.h"
#include "models/health/circuit_breaker.h"
#include "models/health/envoy_outlier.h"
#include "models/health/kong_active.h"
#include "models/health/nginx_passive.h"

namespace lbsim::models::health {

// The settings of each health mechanism written as its own configuration writes them, for
// `lbsim explain health` (and later the scenario language). Settings are `key value`,
// `key=value` or `key: value`, separated by spaces, commas or semicolons. Each parser
// throws std::invalid_argument saying what is wrong and what is allowed; a setting left
// out keeps the system's default.

// A duration: numbers with units (us, ms, s, m, h, d), several in a row allowed ("1m30s");
// a bare number counts in `bareUnit` seconds (HAProxy: 0.001, nginx: 1) and is refused
// when `bareUnit` is 0 (Docker, like Go's time.ParseDuration, wants a unit).
std::optional<double> parseDurationText(std::string_view text, double bareUnit);

// HAProxy server keywords: "check inter 5s rise 2 fall 3 [fastinter 1s] [downinter 10s]
// [timeout 2s] [init-state up]"; bare times are milliseconds; `timeout` is `timeout check`.
HaproxyCheckSettings parseHaproxyCheck(std::string_view text);

// AWS target group: "interval 30 timeout 5 healthy 2 unhealthy 3", or the CloudFormation
// names HealthCheckIntervalSeconds, HealthCheckTimeoutSeconds, HealthyThresholdCount,
// UnhealthyThresholdCount; whole seconds in AWS's ranges.
AlbHealthCheckSettings parseAlbHealthCheck(std::string_view text);

// Cloudflare monitor: "interval=60 retries=2 timeout=5 [consecutive_up=1]
// [consecutive_down=1]"; whole seconds.
CloudflareMonitorSettings parseCloudflareMonitor(std::string_view text);

// Docker HEALTHCHECK options: "interval=30s timeout=10s retries=3 start_period=60s
// [start_interval=5s]" (also --interval, start-period); durations need a unit.
DockerHealthcheckSettings parseDockerHealthcheck(std::string_view text);

// Kubernetes probe: "[readiness|liveness] initialDelaySeconds=30 periodSeconds=5
// timeoutSeconds=1 successThreshold=1 failureThreshold=3"; whole seconds.
KubernetesProbeSettings parseKubernetesProbe(std::string_view text);

// Kong upstream healthchecks.active: "healthy.interval=10 healthy.successes=3
// unhealthy.interval=10 unhealthy.http_failures=3 unhealthy.tcp_failures=3
// unhealthy.timeouts=3 [timeout=1]"; seconds.
KongActiveSettings parseKongActive(std::string_view text);

// nginx `server` parameters: "max_fails=3 fail_timeout=30s [http_5xx]" (`http_5xx`: the
// location's proxy_next_upstream lists http_500..http_504); whole seconds.
NginxFailSettings parseNginxServer(std::string_view text);

// Envoy outlier_detection fields: "consecutive_5xx=5 interval=10s base_ejection_time=30s
// max_ejection_percent=10 ..."; bare times are seconds.
EnvoyOutlierSettings parseEnvoyOutlier(std::string_view text);

// circuitbreaker: "failure_threshold=5 recovery_timeout=300 [half_open_trials=1]"; bare
// times are seconds.
BreakerSettings parseBreaker(std::string_view text);

}  // namespace lbsim::models::health
