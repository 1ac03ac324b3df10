#include "models/health/envoy_outlier.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace lbsim::models::health {

namespace {

constexpr double kSlack = 1e-9;
constexpr std::string_view kHealthy = "healthy";
constexpr std::string_view kEjectedName = "ejected";

bool is5xx(int status) {
  return status >= 500 && status < 600;
}
bool isGatewayError(int status) {
  return status == 502 || status == 503 || status == 504;
}

}  // namespace

EnvoyOutlierDetector::EnvoyOutlierDetector(const EnvoyOutlierSettings& settings, std::size_t hosts,
                                           double start, core::RandomStream* rng)
    : settings_(settings), hosts_(hosts), rng_(rng) {
  assert(settings_.interval > 0.0 && settings_.baseEjectionTime >= 0.0);
  // "If max_ejection_time was not specified in the config, apply the default or
  // base_ejection_time whatever is larger."
  maxEjectionTime_ = settings_.maxEjectionTime > 0.0 ? settings_.maxEjectionTime
                                                     : std::max(300.0, settings_.baseEjectionTime);
  assert(maxEjectionTime_ >= settings_.baseEjectionTime);
  nextInterval_ = start + settings_.interval;  // armIntervalTimer at initialize
  valid_.reserve(hosts);
}

int EnvoyOutlierDetector::statusOf(CheckResult result) {
  switch (result) {
    case CheckResult::kOk:
      return 200;
    case CheckResult::kFailed:
      return 500;
    case CheckResult::kRefused:
      return 503;  // LocalOriginConnectFailed -> ServiceUnavailable
    case CheckResult::kTimedOut:
      return 504;  // LocalOriginTimeout -> GatewayTimeout
  }
  return 500;
}

double EnvoyOutlierDetector::ejectionTime(std::uint32_t host) const {
  const Host& h = hosts_[host];
  return std::min(settings_.baseEjectionTime * h.backoff, maxEjectionTime_) + h.jitter;
}

void EnvoyOutlierDetector::onResponse(std::uint32_t host, int status, double now,
                                      std::vector<HealthEvent>& out) {
  Host& h = hosts_[host];
  ++h.total;
  if (is5xx(status)) {
    if (isGatewayError(status)) {
      if (++h.consecutiveGateway == settings_.consecutiveGatewayFailure) {
        consecutiveError(host, Kind::kConsecutiveGatewayFailure, now, out);
      }
    } else {
      h.consecutiveGateway = 0;
    }
    if (++h.consecutive5xx == settings_.consecutive5xx) {
      consecutiveError(host, Kind::kConsecutive5xx, now, out);
    }
  } else {
    ++h.successes;
    h.consecutive5xx = 0;
    h.consecutiveGateway = 0;
  }
}

// onConsecutiveErrorWorker: nothing for a host already ejected (and its counter is not
// reset); otherwise try to eject and reset the counter that fired.
void EnvoyOutlierDetector::consecutiveError(std::uint32_t host, Kind kind, double now,
                                            std::vector<HealthEvent>& out) {
  Host& h = hosts_[host];
  if (h.ejected) return;
  eject(host, kind, now, out);
  if (kind == Kind::kConsecutive5xx) {
    h.consecutive5xx = 0;
  } else {
    h.consecutiveGateway = 0;
  }
}

bool EnvoyOutlierDetector::enforced(Kind kind) {
  std::uint32_t percent = settings_.enforcingConsecutive5xx;
  if (kind == Kind::kConsecutiveGatewayFailure)
    percent = settings_.enforcingConsecutiveGatewayFailure;
  if (kind == Kind::kSuccessRate) percent = settings_.enforcingSuccessRate;
  if (percent >= 100) return true;
  if (percent == 0) return false;
  assert(rng_ != nullptr);
  return rng_->below(100) < percent;  // Runtime featureEnabled: random % 100 < percent
}

void EnvoyOutlierDetector::eject(std::uint32_t host, Kind kind, double now,
                                 std::vector<HealthEvent>& out, double rate, double limit) {
  Host& h = hosts_[host];
  HealthEvent e;
  e.time = now;
  e.target = host;
  e.from = kHealthy;
  e.to = kHealthy;
  e.available = true;
  switch (kind) {
    case Kind::kConsecutive5xx:
      e.setting = "consecutive_5xx";
      e.count = settings_.consecutive5xx;
      break;
    case Kind::kConsecutiveGatewayFailure:
      e.setting = "consecutive_gateway_failure";
      e.count = settings_.consecutiveGatewayFailure;
      break;
    case Kind::kSuccessRate:
      e.setting = "success_rate";
      break;
  }
  e.percent = rate;
  e.limit = limit;

  const std::uint32_t maxPercent = std::min<std::uint32_t>(100, settings_.maxEjectionPercent);
  const double ejectedPercent =
      100.0 * static_cast<double>(active_ + 1) / static_cast<double>(hosts_.size());
  bool shouldEject = ejectedPercent <= maxPercent;
  if (settings_.alwaysEjectOneHost) shouldEject = active_ == 0 || shouldEject;
  if (!shouldEject) {
    e.why = Why::kEjectionOverflow;
    e.percent = ejectedPercent;
    e.threshold = maxPercent;
    out.push_back(e);
    return;
  }
  if (!enforced(kind)) {
    e.why = Why::kEjectionNotEnforced;
    out.push_back(e);
    return;
  }
  ++active_;
  h.ejected = true;
  ++h.ejections;
  h.lastEjection = now;
  h.jitter = 0.0;
  if (settings_.maxEjectionTimeJitter > 0.0) {
    assert(rng_ != nullptr);
    const auto ms = static_cast<std::uint64_t>(std::llround(settings_.maxEjectionTimeJitter * 1e3));
    h.jitter = static_cast<double>(rng_->below(ms + 1)) / 1e3;
  }
  if (h.backoff * settings_.baseEjectionTime < maxEjectionTime_ + settings_.baseEjectionTime) {
    ++h.backoff;
  }
  e.why = Why::kEjected;
  e.to = kEjectedName;
  e.available = false;
  e.threshold = e.count;
  e.count = h.backoff;
  e.duration = ejectionTime(host);
  e.until = now + e.duration;
  out.push_back(e);
}

void EnvoyOutlierDetector::onInterval(double now, std::vector<HealthEvent>& out) {
  assert(now + kSlack >= nextInterval_);
  for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
    Host& h = hosts_[i];
    // checkHostForUneject
    if (h.ejected && ejectionTime(i) <= now - h.lastEjection + kSlack) {
      HealthEvent e;
      e.time = now;
      e.target = i;
      e.from = kEjectedName;
      e.to = kHealthy;
      e.available = true;
      e.why = Why::kUnejected;
      e.count = h.backoff;
      e.duration = ejectionTime(i);
      out.push_back(e);
      h.ejected = false;
      --active_;
      h.consecutive5xx = 0;
      h.consecutiveGateway = 0;
      h.lastUnejection = now;
      h.everUnejected = true;
    }
    // updateCurrentSuccessRateBucket: the interval just ended becomes the one judged.
    h.lastTotal = h.total;
    h.lastSuccesses = h.successes;
    h.total = 0;
    h.successes = 0;
  }

  // processSuccessRateEjections (external origin; failure-percentage is off by default).
  if (hosts_.size() >= settings_.successRateMinimumHosts) {
    valid_.clear();
    double sum = 0.0;
    for (std::uint32_t i = 0; i < hosts_.size(); ++i) {
      const Host& h = hosts_[i];
      if (h.ejected || h.lastTotal == 0) continue;
      if (h.lastTotal >= settings_.successRateRequestVolume) {
        valid_.push_back(i);
        sum += 100.0 * static_cast<double>(h.lastSuccesses) / static_cast<double>(h.lastTotal);
      }
    }
    if (!valid_.empty() && valid_.size() >= settings_.successRateMinimumHosts) {
      const double mean = sum / static_cast<double>(valid_.size());
      double variance = 0.0;
      for (const std::uint32_t i : valid_) {
        const double rate = 100.0 * static_cast<double>(hosts_[i].lastSuccesses) /
                            static_cast<double>(hosts_[i].lastTotal);
        variance += (rate - mean) * (rate - mean);
      }
      variance /= static_cast<double>(valid_.size());
      const double threshold =
          mean - settings_.successRateStdevFactor / 1000.0 * std::sqrt(variance);
      for (const std::uint32_t i : valid_) {
        const double rate = 100.0 * static_cast<double>(hosts_[i].lastSuccesses) /
                            static_cast<double>(hosts_[i].lastTotal);
        if (rate < threshold) eject(i, Kind::kSuccessRate, now, out, rate, threshold);
      }
    }
  }

  // Decrement the backoff of hosts that stayed in for a whole interval since their return.
  for (Host& h : hosts_) {
    if (!h.ejected && h.everUnejected && now - h.lastUnejection + kSlack >= settings_.interval &&
        h.backoff != 0) {
      --h.backoff;
    }
  }
  nextInterval_ = now + settings_.interval;
}

}  // namespace lbsim::models::health
