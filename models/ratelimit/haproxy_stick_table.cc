#include "models/ratelimit/haproxy_stick_table.h"

#include <cassert>

namespace lbsim::models::ratelimit {

namespace {

constexpr std::string_view kHttpReqRate = "http_req_rate";

bool matches(std::uint64_t value, HaproxyOperator op, std::uint64_t threshold) {
  switch (op) {
    case HaproxyOperator::kGt:
      return value > threshold;
    case HaproxyOperator::kGe:
      return value >= threshold;
    case HaproxyOperator::kEq:
      return value == threshold;
    case HaproxyOperator::kLe:
      return value <= threshold;
    case HaproxyOperator::kLt:
      return value < threshold;
  }
  return false;
}

}  // namespace

std::string_view haproxyOperatorName(HaproxyOperator op) {
  switch (op) {
    case HaproxyOperator::kGt:
      return "gt";
    case HaproxyOperator::kGe:
      return "ge";
    case HaproxyOperator::kEq:
      return "eq";
    case HaproxyOperator::kLe:
      return "le";
    case HaproxyOperator::kLt:
      return "lt";
  }
  return {};
}

void HaproxyFreqCtr::update(std::int64_t nowMs, std::int64_t period, std::uint64_t inc) {
  if (nowMs - currTick < period) {
    currCtr += inc;
    return;
  }
  prevCtr = currCtr;
  currCtr = inc;
  std::int64_t tick = currTick + period;
  if (nowMs - tick >= period) {  // two periods or more went by
    prevCtr = 0;
    tick = nowMs;
  }
  currTick = tick & ~std::int64_t{1};
}

std::uint64_t HaproxyFreqCtr::read(std::int64_t nowMs, std::int64_t period) const {
  std::int64_t remain = currTick + period - nowMs;
  std::uint64_t past = prevCtr;
  std::uint64_t curr = currCtr;
  if (remain < 0) {
    remain += period;
    past = remain >= 0 ? curr : 0;
    curr = 0;
  }
  if (curr == 0 && past <= 1) return past;
  const std::uint64_t total =
      past * static_cast<std::uint64_t>(remain) + curr * static_cast<std::uint64_t>(period);
  return total / static_cast<std::uint64_t>(period);
}

HaproxyReqRateLimit::HaproxyReqRateLimit(const HaproxyReqRateSettings& settings)
    : settings_(settings) {
  assert(settings.period > 0);
}

bool HaproxyReqRateLimit::expired(const Entry& e, std::int64_t nowMs) const {
  return settings_.expire > 0 && nowMs >= e.expiresAt;
}

Decision HaproxyReqRateLimit::decide(double now, Key key) {
  const std::int64_t ms = wholeMilliseconds(now);
  auto [slot, added] = entries_.tryEmplace(key);
  Entry& e = *slot;
  if (added || expired(e, ms)) {
    // A zeroed entry: the first update rotates it twice over and starts the period now.
    e.ctr = HaproxyFreqCtr{};
    e.ctr.currTick = ms - 2 * settings_.period;
  }
  e.ctr.update(ms, settings_.period);
  e.expiresAt = ms + settings_.expire;
  const std::uint64_t rate = e.ctr.read(ms, settings_.period);

  Decision d;
  d.limiter = kHttpReqRate;
  d.scope = haproxyOperatorName(settings_.op);
  d.measure = static_cast<double>(rate);
  d.limit = static_cast<double>(settings_.threshold);
  if (matches(rate, settings_.op, settings_.threshold)) {
    d.fate = Fate::kReject;
    d.why = Why::kRateAboveThreshold;
    d.status = settings_.denyStatus;
  }
  return d;
}

std::uint64_t HaproxyReqRateLimit::rate(double now, Key key) const {
  const std::int64_t ms = wholeMilliseconds(now);
  const Entry* e = entries_.find(key);
  if (e == nullptr || expired(*e, ms)) return 0;
  return e->ctr.read(ms, settings_.period);
}

const HaproxyFreqCtr* HaproxyReqRateLimit::counter(Key key) const {
  const Entry* e = entries_.find(key);
  return e == nullptr ? nullptr : &e->ctr;
}

std::size_t HaproxyReqRateLimit::expire(double now) {
  const std::int64_t ms = wholeMilliseconds(now);
  return entries_.eraseIf([&](Key, const Entry& e) {
    return expired(e, ms) || ms - e.ctr.currTick >= 2 * settings_.period;
  });
}

}  // namespace lbsim::models::ratelimit
