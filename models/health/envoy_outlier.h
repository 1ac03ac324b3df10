#pragma once

#include <cstdint>
#include <vector>

#include "core/random.h"
#include "models/health/health_event.h"

namespace lbsim::models::health {

// Envoy cluster `outlier_detection`, with the defaults of
// source/common/upstream/outlier_detection_impl.h (DetectorConfig).
struct EnvoyOutlierSettings {
  std::uint32_t consecutive5xx = 5;
  std::uint32_t consecutiveGatewayFailure = 5;
  std::uint32_t enforcingConsecutive5xx = 100;           // percent
  std::uint32_t enforcingConsecutiveGatewayFailure = 0;  // percent: detected, not ejected
  std::uint32_t enforcingSuccessRate = 100;              // percent
  double interval = 10.0;
  double baseEjectionTime = 30.0;
  double maxEjectionTime = 0.0;  // 0: max(300 s, base_ejection_time)
  double maxEjectionTimeJitter = 0.0;
  std::uint32_t maxEjectionPercent = 10;
  bool alwaysEjectOneHost = false;
  std::uint32_t successRateMinimumHosts = 5;
  std::uint32_t successRateRequestVolume = 100;
  std::uint32_t successRateStdevFactor = 1900;  // thousandths: 1.9 standard deviations
};

// Envoy outlier detection over one cluster's hosts (DetectorImpl and DetectorHostMonitorImpl
// in source/common/upstream/outlier_detection_impl.cc), without split local-origin errors:
// a refused connection counts as a 503 and a timeout as a 504 (resultToHttpCode).
//  - Each 5xx adds to consecutive_5xx, each 502/503/504 to consecutive_gateway_failure too;
//    any other status resets both. The response that makes a counter *equal* its threshold
//    asks for an ejection, and the counter is reset — unless the host is already ejected.
//  - ejectHost: refused when 100 * (ejected + 1) / hosts > max_ejection_percent (so with the
//    default 10 %, a cluster of fewer than 10 hosts ejects nothing) unless
//    always_eject_one_host and nothing is ejected; then refused by chance unless
//    enforcing_* (percent) says so. An ejection increments the host's backoff (while
//    backoff * base < max + base) and lasts min(base_ejection_time * backoff,
//    max_ejection_time) + jitter.
//  - Every `interval` (the first one `interval` after the start): hosts whose ejection time
//    has elapsed are returned (their counters reset); success-rate ejection runs over the
//    last interval's counts (hosts with at least success_rate_request_volume requests, if
//    there are at least success_rate_minimum_hosts of them: those below mean - stdev_factor
//    / 1000 * stdev); a host neither ejected nor returned within the last interval loses
//    one from its backoff. So the ejection time doubles when a host is ejected again
//    before the interval tick after its return, and falls back by one step per healthy
//    interval.
// Not modelled: failure_percentage (enforcing 0 by default), split_external_local_origin_
// errors, successful_active_health_check_uneject_host, extension monitors, runtime overrides.
class EnvoyOutlierDetector {
 public:
  // `rng` draws enforcement below 100 % and ejection jitter (Envoy's RandomGenerator); it may
  // be null when every enforcing_* is 0 or 100 and max_ejection_time_jitter is 0.
  EnvoyOutlierDetector(const EnvoyOutlierSettings& settings, std::size_t hosts, double start,
                       core::RandomStream* rng = nullptr);

  // The status of a response from `host` (a refused connection: 503, a timeout: 504).
  // Appends the decisions it caused to `out`.
  void onResponse(std::uint32_t host, int status, double now, std::vector<HealthEvent>& out);
  static int statusOf(CheckResult result);

  // The interval timer: returns hosts, runs success-rate ejection, decays backoffs.
  double nextIntervalAt() const { return nextInterval_; }
  void onInterval(double now, std::vector<HealthEvent>& out);

  bool ejected(std::uint32_t host) const { return hosts_[host].ejected; }
  bool available(std::uint32_t host) const { return !hosts_[host].ejected; }
  std::size_t ejectedCount() const { return active_; }
  std::size_t size() const { return hosts_.size(); }
  std::uint32_t backoff(std::uint32_t host) const { return hosts_[host].backoff; }
  std::uint32_t ejections(std::uint32_t host) const { return hosts_[host].ejections; }
  std::uint32_t consecutive5xx(std::uint32_t host) const { return hosts_[host].consecutive5xx; }
  // The time the current ejection of `host` lasts at least (it ends at an interval tick).
  double ejectionTime(std::uint32_t host) const;
  double maxEjectionTime() const { return maxEjectionTime_; }
  const EnvoyOutlierSettings& settings() const { return settings_; }

 private:
  enum class Kind : std::uint8_t { kConsecutive5xx, kConsecutiveGatewayFailure, kSuccessRate };
  struct Host {
    std::uint32_t consecutive5xx = 0;
    std::uint32_t consecutiveGateway = 0;
    bool ejected = false;
    std::uint32_t ejections = 0;
    std::uint32_t backoff = 0;
    double lastEjection = 0.0;
    double lastUnejection = 0.0;
    bool everUnejected = false;
    double jitter = 0.0;
    std::uint64_t total = 0;  // this interval's requests
    std::uint64_t successes = 0;
    std::uint64_t lastTotal = 0;  // the previous interval's
    std::uint64_t lastSuccesses = 0;
  };

  void consecutiveError(std::uint32_t host, Kind kind, double now, std::vector<HealthEvent>& out);
  void eject(std::uint32_t host, Kind kind, double now, std::vector<HealthEvent>& out,
             double rate = 0.0, double limit = 0.0);
  bool enforced(Kind kind);

  EnvoyOutlierSettings settings_;
  std::vector<Host> hosts_;
  core::RandomStream* rng_ = nullptr;
  double maxEjectionTime_ = 300.0;
  double nextInterval_ = 0.0;
  std::size_t active_ = 0;
  std::vector<std::uint32_t> valid_;  // scratch for success-rate ejection
};

}  // namespace lbsim::models::health
