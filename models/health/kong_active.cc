#include "models/health/kong_active.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace lbsim::models::health {

namespace {
constexpr double kSlack = 1e-9;
// lua-resty-healthcheck keeps the four counters as bytes of one 32-bit shm integer.
constexpr std::uint32_t kCounterMax = 255;
}  // namespace

std::string_view kongHealthName(KongHealth health) {
  switch (health) {
    case KongHealth::kHealthy:
      return "healthy";
    case KongHealth::kMostlyHealthy:
      return "mostly_healthy";
    case KongHealth::kMostlyUnhealthy:
      return "mostly_unhealthy";
    case KongHealth::kUnhealthy:
      return "unhealthy";
  }
  return {};
}

KongActiveChecker::KongActiveChecker(const KongActiveSettings& settings, double start)
    : settings_(settings), start_(start) {
  assert(settings_.timeout > 0.0);
  next_ = nextTick(start, start);
}

// The timer of the current mode fires at start + k * interval, k >= 1 ("the first active
// check happens only after `interval`"). Kong polls its timers every 0.1 s, so a real
// tick can come up to 0.1 s late; that drift is not modelled.
double KongActiveChecker::nextTick(double started, double ended) const {
  const bool healthyMode = available();
  const double interval = healthyMode ? settings_.healthyInterval : settings_.unhealthyInterval;
  if (interval <= 0.0) return kNever;
  double k = std::max(1.0, std::floor((started - start_) / interval + kSlack) + 1.0);
  while (start_ + k * interval + kSlack < ended)
    k += 1.0;
  return start_ + k * interval;
}

std::optional<HealthEvent> KongActiveChecker::onCheckResult(double started, double ended,
                                                            CheckResult result) {
  assert(started + kSlack >= next_ && ended + kSlack >= started);
  const bool success = result == CheckResult::kOk;
  std::uint32_t* counter = &successes_;
  std::uint32_t limit = settings_.successes;
  std::string_view setting = "healthy.successes";
  std::string_view kind = "successes";
  switch (result) {
    case CheckResult::kOk:
      break;
    case CheckResult::kFailed:
      counter = &http_;
      limit = settings_.httpFailures;
      setting = "unhealthy.http_failures";
      kind = "http failures";
      break;
    case CheckResult::kRefused:
      counter = &tcp_;
      limit = settings_.tcpFailures;
      setting = "unhealthy.tcp_failures";
      kind = "tcp failures";
      break;
    case CheckResult::kTimedOut:
      counter = &timeouts_;
      limit = settings_.timeouts;
      setting = "unhealthy.timeouts";
      kind = "timeouts";
      break;
  }

  std::optional<HealthEvent> event;
  lastCounted_ = false;
  const bool agrees = success ? health_ == KongHealth::kHealthy : health_ == KongHealth::kUnhealthy;
  if (limit != 0 && !agrees) {
    lastCounted_ = true;
    *counter = std::min(*counter + 1, kCounterMax);
    if (success) {
      http_ = tcp_ = timeouts_ = 0;
    } else {
      successes_ = 0;
    }
    KongHealth next = health_;
    Why why = Why::kMixedResults;
    if (*counter >= limit) {
      next = success ? KongHealth::kHealthy : KongHealth::kUnhealthy;
      why = success ? Why::kSuccessesReachedThreshold : Why::kFailureTypeReachedLimit;
    } else if (health_ == KongHealth::kHealthy && !success) {
      next = KongHealth::kMostlyHealthy;
    } else if (health_ == KongHealth::kUnhealthy && success) {
      next = KongHealth::kMostlyUnhealthy;
    }
    if (next != health_) {
      HealthEvent e;
      e.time = ended;
      e.from = kongHealthName(health_);
      e.to = kongHealthName(next);
      e.why = why;
      e.cause = kind;
      e.setting = setting;
      e.count = *counter;
      e.threshold = limit;
      health_ = next;
      e.available = available();
      event = e;
    }
  }
  next_ = nextTick(started, ended);
  return event;
}

}  // namespace lbsim::models::health
