#include "models/ratelimit/nginx_limit_conn.h"

#include <cassert>

namespace lbsim::models::ratelimit {

namespace {

constexpr std::string_view kLimitConn = "limit_conn";

void giveBack(std::unordered_map<Key, std::uint32_t>& counts, Key key) {
  const auto it = counts.find(key);
  assert(it != counts.end() && it->second > 0);
  if (--it->second == 0) counts.erase(it);
}

}  // namespace

std::uint32_t NginxLimitConnZone::connections(Key key) const {
  const auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

std::uint64_t NginxLimitConnZone::held() const {
  std::uint64_t n = 0;
  for (const auto& [key, count] : counts_)
    n += count;
  return n;
}

NginxLimitConn::NginxLimitConn(std::vector<NginxLimitConnRule> rules, std::uint16_t status,
                               bool dryRun)
    : rules_(std::move(rules)), status_(status), dryRun_(dryRun) {
  assert(!rules_.empty());
}

Decision NginxLimitConn::acquire(double /*now*/, Key key) {
  Decision d;
  d.limiter = kLimitConn;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    NginxLimitConnZone& zone = *rules_[i].zone;
    const std::uint32_t held = zone.connections(key);
    if (held >= rules_[i].connections) {
      for (std::size_t j = 0; j < i; ++j)
        giveBack(rules_[j].zone->counts_, key);
      d.why = Why::kTooManyConnections;
      d.measure = held;
      d.limit = rules_[i].connections;
      d.scope = zone.name_;
      if (dryRun_) {
        d.dryRun = true;
      } else {
        d.fate = Fate::kReject;
        d.status = status_;
      }
      return d;
    }
    ++zone.counts_[key];
  }
  d.holdsSlot = true;
  d.measure = rules_.back().zone->connections(key);
  d.limit = rules_.back().connections;
  d.scope = rules_.back().zone->name_;
  return d;
}

void NginxLimitConn::release(Key key) {
  for (NginxLimitConnRule& rule : rules_)
    giveBack(rule.zone->counts_, key);
}

std::vector<NginxLimitConnRule> NginxLimitConnLocation::rulesFor(
    const NginxLimitConnSettings& settings,
    std::vector<std::unique_ptr<NginxLimitConnZone>>& zones) {
  for (const auto& z : settings.zones)
    zones.push_back(std::make_unique<NginxLimitConnZone>(z.name));
  std::vector<NginxLimitConnRule> rules;
  for (const auto& l : settings.limits) {
    NginxLimitConnRule rule;
    for (const auto& z : zones) {
      if (z->name() == l.zone) rule.zone = z.get();
    }
    assert(rule.zone != nullptr);
    rule.connections = l.connections;
    rules.push_back(rule);
  }
  return rules;
}

NginxLimitConnLocation::NginxLimitConnLocation(const NginxLimitConnSettings& settings)
    : limiter_(rulesFor(settings, zones_), settings.status, settings.dryRun) {}

}  // namespace lbsim::models::ratelimit
