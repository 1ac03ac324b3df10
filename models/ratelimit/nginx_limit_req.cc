#include "models/ratelimit/nginx_limit_req.h"

#include <cassert>
#include <cstdlib>

namespace lbsim::models::ratelimit {

namespace {

constexpr std::string_view kLimitReq = "limit_req";

// The excess a request would leave: the stored excess drained at `rate` for the elapsed
// milliseconds, plus this request's 1000. Integer arithmetic as nginx does it.
std::uint64_t excessAfter(const NginxLimitReqZone::Node& node, std::uint64_t rate,
                          std::int64_t elapsed) {
  const std::int64_t drained = static_cast<std::int64_t>(rate) * elapsed / 1000;
  const std::int64_t excess = static_cast<std::int64_t>(node.excess) - drained + 1000;
  return excess < 0 ? 0 : static_cast<std::uint64_t>(excess);
}

}  // namespace

std::int64_t nginxElapsed(std::int64_t nowMs, std::int64_t lastMs) {
  const std::int64_t ms = nowMs - lastMs;
  if (ms < -60000) return 1;
  if (ms < 0) return 0;
  return ms;
}

NginxLimitReqZone::NginxLimitReqZone(std::string name, std::uint64_t rate)
    : name_(std::move(name)), rate_(rate) {
  assert(rate > 0);
}

const NginxLimitReqZone::Node* NginxLimitReqZone::node(Key key) const {
  return nodes_.find(key);
}

std::size_t NginxLimitReqZone::expire(double now) {
  const std::int64_t ms = wholeMilliseconds(now);
  return nodes_.eraseIf([&](Key, const Node& n) {
    const std::int64_t idle = std::llabs(ms - n.last);
    if (idle < 60000) return false;
    const std::int64_t left =
        static_cast<std::int64_t>(n.excess) - static_cast<std::int64_t>(rate_) * idle / 1000;
    return left <= 0;
  });
}

NginxLimitReq::NginxLimitReq(std::vector<NginxLimitReqRule> rules, std::uint16_t status,
                             bool dryRun)
    : rules_(std::move(rules)), status_(status), dryRun_(dryRun) {
  assert(!rules_.empty());
  for ([[maybe_unused]] const auto& r : rules_)
    assert(r.zone != nullptr);
}

Decision NginxLimitReq::decide(double now, Key key) {
  const std::int64_t ms = wholeMilliseconds(now);
  Decision d;
  d.limiter = kLimitReq;

  // ngx_http_limit_req_lookup for each limit in order: the first one over its burst rejects,
  // and nothing is stored in any zone.
  for (const NginxLimitReqRule& rule : rules_) {
    const NginxLimitReqZone::Node* node = rule.zone->nodes_.find(key);
    if (node == nullptr) continue;  // a new key: excess 0
    const std::uint64_t excess = excessAfter(*node, rule.zone->rate_, nginxElapsed(ms, node->last));
    if (excess <= rule.burst) continue;
    d.why = Why::kBurstExceeded;
    d.measure = static_cast<double>(excess) / 1000.0;
    d.limit = static_cast<double>(rule.burst) / 1000.0;
    d.scope = rule.zone->name_;
    if (dryRun_) {
      d.dryRun = true;
    } else {
      d.fate = Fate::kReject;
      d.status = status_;
    }
    return d;
  }

  // Every limit accepts: store each zone's excess (ngx_http_limit_req_account) and wait the
  // longest delay. nginx starts from the last limit and lets an earlier one take over only
  // with a strictly longer delay.
  std::uint64_t longest = 0;
  for (std::size_t i = rules_.size(); i-- > 0;) {
    const NginxLimitReqRule& rule = rules_[i];
    const auto [slot, added] = rule.zone->nodes_.tryEmplace(key);
    NginxLimitReqZone::Node& node = *slot;
    std::uint64_t excess = 0;
    if (added) {
      node.last = ms;
    } else {
      const std::int64_t elapsed = nginxElapsed(ms, node.last);
      excess = excessAfter(node, rule.zone->rate_, elapsed);
      node.excess = excess;
      if (elapsed != 0) node.last = ms;
    }
    const bool reported = i + 1 == rules_.size();
    std::uint64_t delayMs = 0;
    if (excess > rule.delay) delayMs = (excess - rule.delay) * 1000 / rule.zone->rate_;
    if (reported || delayMs > longest) {
      longest = delayMs;
      d.measure = static_cast<double>(excess) / 1000.0;
      d.limit = static_cast<double>(rule.burst) / 1000.0;
      d.scope = rule.zone->name_;
    }
  }
  if (longest > 0) {
    d.why = Why::kDelayed;
    d.delay = static_cast<double>(longest) / 1000.0;
    if (dryRun_) {
      d.dryRun = true;
    } else {
      d.fate = Fate::kDelay;
    }
  }
  return d;
}

std::vector<NginxLimitReqRule> NginxLimitReqLocation::rulesFor(
    const NginxLimitReqSettings& settings, std::vector<std::unique_ptr<NginxLimitReqZone>>& zones) {
  for (const auto& z : settings.zones)
    zones.push_back(std::make_unique<NginxLimitReqZone>(z.name, z.rate));
  std::vector<NginxLimitReqRule> rules;
  for (const auto& l : settings.limits) {
    NginxLimitReqRule rule;
    for (const auto& z : zones) {
      if (z->name() == l.zone) rule.zone = z.get();
    }
    assert(rule.zone != nullptr);
    rule.burst = l.burst;
    rule.delay = l.delay;
    rules.push_back(rule);
  }
  return rules;
}

NginxLimitReqLocation::NginxLimitReqLocation(const NginxLimitReqSettings& settings)
    : limiter_(rulesFor(settings, zones_), settings.status, settings.dryRun) {}

}  // namespace lbsim::models::ratelimit
