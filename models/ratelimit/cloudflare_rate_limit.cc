#include "models/ratelimit/cloudflare_rate_limit.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace lbsim::models::ratelimit {

namespace {

constexpr std::string_view kCloudflare = "cloudflare";

}  // namespace

std::string_view cloudflareActionName(CloudflareAction action) {
  switch (action) {
    case CloudflareAction::kBlock:
      return "block";
    case CloudflareAction::kChallenge:
      return "challenge";
    case CloudflareAction::kJsChallenge:
      return "js_challenge";
    case CloudflareAction::kManagedChallenge:
      return "managed_challenge";
    case CloudflareAction::kLog:
      return "log";
  }
  return {};
}

CloudflareRateLimit::CloudflareRateLimit(CloudflareRateLimitSettings settings)
    : settings_(std::move(settings)) {
  assert(settings_.period > 0.0 && settings_.timeout >= 0.0);
}

void CloudflareRateLimit::roll(Counter& c, double now) const {
  const double start = std::floor(now / settings_.period) * settings_.period;
  if (start <= c.windowStart) return;
  c.previous = start - c.windowStart == settings_.period ? c.current : 0;
  c.current = 0;
  c.windowStart = start;
}

double CloudflareRateLimit::estimate(const Counter& c, double now) const {
  const double elapsed = now - c.windowStart;
  return static_cast<double>(c.previous) * (settings_.period - elapsed) / settings_.period +
         static_cast<double>(c.current);
}

std::uint16_t CloudflareRateLimit::actionStatus() const {
  return settings_.action == CloudflareAction::kBlock ? settings_.blockStatus : 403;
}

Decision CloudflareRateLimit::decide(double now, Key key) {
  Decision d;
  d.limiter = kCloudflare;
  d.scope = cloudflareActionName(settings_.action);
  d.limit = static_cast<double>(settings_.threshold);
  auto [slot, added] = counters_.tryEmplace(key);
  Counter& c = *slot;
  if (added) c.windowStart = std::floor(now / settings_.period) * settings_.period;
  const bool log = settings_.action == CloudflareAction::kLog;

  if (now < c.mitigatedUntil) {
    d.why = Why::kMitigation;
    d.until = c.mitigatedUntil;
    Counter rolled = c;
    roll(rolled, now);
    d.measure = estimate(rolled, now);
    d.fate = Fate::kReject;
    d.status = actionStatus();
    return d;
  }
  roll(c, now);
  const bool countNow = settings_.countStatuses.empty();
  if (countNow) ++c.current;
  d.measure = estimate(c, now);
  if (d.measure <= static_cast<double>(settings_.threshold)) return d;

  d.why = Why::kRateAboveThreshold;
  if (log) {
    d.dryRun = true;
    return d;
  }
  d.fate = Fate::kReject;
  d.status = actionStatus();
  if (settings_.timeout > 0.0) {
    c.mitigatedUntil = now + settings_.timeout;
    d.until = c.mitigatedUntil;
  } else if (countNow) {
    --c.current;  // throttled requests do not count
  }
  return d;
}

void CloudflareRateLimit::onResponse(double now, Key key, std::uint16_t status) {
  const auto& statuses = settings_.countStatuses;
  if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) return;
  auto [slot, added] = counters_.tryEmplace(key);
  if (added) slot->windowStart = std::floor(now / settings_.period) * settings_.period;
  roll(*slot, now);
  ++slot->current;
}

double CloudflareRateLimit::rate(double now, Key key) const {
  const Counter* found = counters_.find(key);
  if (found == nullptr) return 0.0;
  Counter c = *found;
  roll(c, now);
  return estimate(c, now);
}

std::size_t CloudflareRateLimit::expire(double now) {
  return counters_.eraseIf([&](Key, const Counter& c) {
    return now >= c.mitigatedUntil && now - c.windowStart >= 2 * settings_.period;
  });
}

}  // namespace lbsim::models::ratelimit
