#include "models/health/nginx_passive.h"

#include <cassert>
#include <cmath>

namespace lbsim::models::health {

namespace {

// ngx_time(): the cached clock, whole seconds.
long long wholeSeconds(double now) {
  return static_cast<long long>(std::floor(now + 1e-9));
}

constexpr std::string_view kUp = "up";
constexpr std::string_view kUnavailable = "unavailable";
constexpr std::string_view kTrial = "trial";

std::string_view nginxCause(CheckResult result) {
  switch (result) {
    case CheckResult::kOk:
      return "response";
    case CheckResult::kFailed:
      return "http_500 (listed in proxy_next_upstream)";
    case CheckResult::kRefused:
      return "connect() failed (111: Connection refused)";
    case CheckResult::kTimedOut:
      return "upstream timed out (110: Connection timed out)";
  }
  return {};
}

}  // namespace

NginxPeerHealth::NginxPeerHealth(const NginxFailSettings& settings, std::uint32_t target)
    : settings_(settings),
      target_(target),
      failTimeout_(static_cast<long long>(std::llround(settings.failTimeout))) {
  assert(settings.failTimeout >= 0.0);
}

bool NginxPeerHealth::countsAsFailure(CheckResult result) const {
  switch (result) {
    case CheckResult::kOk:
      return false;
    case CheckResult::kFailed:
      return settings_.countHttp5xx;
    case CheckResult::kRefused:
    case CheckResult::kTimedOut:
      return true;
  }
  return false;
}

bool NginxPeerHealth::eligible(double now) const {
  return !(unavailable() && wholeSeconds(now) - checked_ <= failTimeout_);
}

double NginxPeerHealth::eligibleAgainAt() const {
  if (!unavailable()) return -kNever;
  if (trial_) return kNever;
  return static_cast<double>(checked_ + failTimeout_ + 1);
}

HealthEvent NginxPeerHealth::event(double now, std::string_view from, std::string_view to, Why why,
                                   CheckResult result) const {
  HealthEvent e;
  e.time = now;
  e.target = target_;
  e.from = from;
  e.to = to;
  e.available = to == kUp;
  e.why = why;
  e.cause = nginxCause(result);
  e.setting = "max_fails";
  e.count = fails_;
  e.threshold = settings_.maxFails;
  e.duration = static_cast<double>(failTimeout_);
  e.until = eligibleAgainAt();
  return e;
}

std::optional<HealthEvent> NginxPeerHealth::onChosen(double now) {
  assert(eligible(now));
  if (settings_.singlePeer) return std::nullopt;
  const long long t = wholeSeconds(now);
  if (t - checked_ <= failTimeout_) return std::nullopt;
  checked_ = t;
  if (!unavailable()) return std::nullopt;
  // fails >= max_fails and fail_timeout has passed: this request is the one let through.
  trial_ = true;
  return event(now, kUnavailable, kTrial, Why::kFailTimeoutElapsed, CheckResult::kOk);
}

std::optional<HealthEvent> NginxPeerHealth::onResult(double now, CheckResult result) {
  if (settings_.singlePeer) {
    fails_ = 0;
    return std::nullopt;
  }
  const bool wasTrial = trial_;
  const bool wasUnavailable = unavailable();
  trial_ = false;
  if (countsAsFailure(result)) {
    const long long t = wholeSeconds(now);
    ++fails_;
    accessed_ = t;
    checked_ = t;
    if (!unavailable()) return std::nullopt;
    // nginx warns "upstream server temporarily disabled" at every failure from here on.
    if (wasTrial) {
      return event(now, kTrial, kUnavailable, Why::kTrialFailed, result);
    }
    return event(now, wasUnavailable ? kUnavailable : kUp, kUnavailable, Why::kMaxFailsReached,
                 result);
  }
  // "mark peer live if check passed"
  if (accessed_ < checked_ && fails_ > 0) {
    fails_ = 0;
    if (wasUnavailable) {
      return event(now, wasTrial ? kTrial : kUnavailable, kUp, Why::kTrialSucceeded, result);
    }
  }
  return std::nullopt;
}

}  // namespace lbsim::models::health
