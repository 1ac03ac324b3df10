#include "models/ratelimit/tier_limits.h"

#include <algorithm>
#include <stdexcept>

#include "models/ratelimit/cloudflare_rate_limit.h"
#include "models/ratelimit/haproxy_stick_table.h"
#include "models/ratelimit/kong_rate_limiting.h"
#include "models/ratelimit/nginx_limit_req.h"
#include "models/ratelimit/settings_text.h"
#include "models/ratelimit/token_bucket.h"
#include "models/routing/router.h"

namespace lbsim::models::ratelimit {

namespace {

// One limiter behind a common call.
class AnyLimiter {
 public:
  virtual ~AnyLimiter() = default;
  virtual Decision decide(double now, Key key) = 0;
  virtual void expire(double now) = 0;
  virtual void prefetch(Key key) const = 0;
};
template <typename L>
class Adapter final : public AnyLimiter {
 public:
  template <typename... Args>
  explicit Adapter(Args&&... args) : limiter_(std::forward<Args>(args)...) {}
  Decision decide(double now, Key key) override { return limiter_.decide(now, key); }
  void expire(double now) override {
    if constexpr (requires { limiter_.expire(now); }) limiter_.expire(now);
  }
  void prefetch(Key key) const override {
    if constexpr (requires { limiter_.prefetch(key); }) limiter_.prefetch(key);
  }

 private:
  L limiter_;
};

bool keyedByAddress(const std::string& key) {
  return key == "$binary_remote_addr" || key == "$remote_addr";
}

}  // namespace

std::string nginxLimitReqText(const TierSpec& tier, const std::string& limitReq) {
  std::string text;
  for (const auto& z : tier.limitReqZones)
    text += "limit_req_zone " + z + ";\n";
  std::size_t start = 0;
  while (start <= limitReq.size()) {
    const std::size_t end = std::min(limitReq.find(';', start), limitReq.size());
    const std::string part = limitReq.substr(start, end - start);
    if (part.find_first_not_of(" \t") != std::string::npos) text += "limit_req " + part + ";\n";
    start = end + 1;
  }
  text += "limit_req_status " + std::to_string(tier.limitReqStatus) + ";\n";
  return text;
}

NginxLimitConnSettings tierLimitConn(const std::string& text) {
  NginxLimitConnSettings s = parseNginxLimitConn(text);
  for (const auto& z : s.zones) {
    if (keyedByAddress(z.key) != keyedByAddress(s.zones.front().key)) {
      throw std::invalid_argument(
          "nginx limit_conn: zones keyed by the client address and zones keyed by something "
          "else at one tier are not modelled; allowed: every zone keyed by "
          "$binary_remote_addr (or $remote_addr), or every zone by another key (one count "
          "for all requests)");
    }
  }
  return s;
}

struct TierLimits::Impl {
  struct Zone {
    std::string name;
    std::uint64_t rate = 0;
    bool byAddress = true;
  };
  struct Replica {
    std::vector<std::unique_ptr<NginxLimitReqZone>> zones;  // by zone index
    std::vector<std::unique_ptr<NginxLimitReq>> byClass;    // null: no limit_req
    std::vector<std::unique_ptr<AnyLimiter>> own;           // tier-wide, per replica
    std::vector<KongCounters> kong;                         // Kong local counters
    double nextExpiry = 0.0;
    std::vector<std::unique_ptr<NginxLimitConnZone>> connZones;
    std::unique_ptr<NginxLimitConn> conn;  // null: no limit_conn
  };
  std::vector<Zone> zones;
  std::vector<std::vector<std::size_t>> classZones;  // zones a class's limit_req uses
  std::vector<Replica> replicas;
  std::vector<std::unique_ptr<AnyLimiter>> shared;  // tier-wide, shared (null: per replica)
  std::vector<std::unique_ptr<KongCounters>> sharedKong;
  std::size_t tierWide = 0;
  bool connByAddress = true;  // limit_conn zones keyed by the client address, or one key
};

TierLimits::TierLimits(const TierSpec& tier, const std::vector<ClassSpec>& classes,
                       std::size_t replicas)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.replicas.resize(replicas);
  for (auto& r : m.replicas)
    r.byClass.resize(classes.size());
  m.classZones.resize(classes.size());

  // nginx limit_req: the routing rule each class's path takes here.
  std::vector<std::optional<NginxLimitReqSettings>> classSettings(classes.size());
  if (tier.routing && tier.routing->kind == RoutingSpec::Kind::kNginx) {
    const bool limited = std::any_of(tier.routing->rules.begin(), tier.routing->rules.end(),
                                     [](const RouteRuleSpec& r) { return !r.limitReq.empty(); });
    if (limited) {
      const routing::Router router(*tier.routing);
      for (ClassIndex c = 0; c < classes.size(); ++c) {
        const ClassSpec& cls = classes[c];
        if (std::find(cls.route.begin(), cls.route.end(), tier.id) == cls.route.end()) continue;
        if (cls.path.empty()) continue;
        const auto match = router.match(cls.method, cls.host, cls.path);
        if (!match.matched()) continue;
        const RouteRuleSpec& rule = tier.routing->rules[match.rule];
        if (rule.limitReq.empty()) continue;
        const NginxLimitReqSettings settings =
            parseNginxLimitReq(nginxLimitReqText(tier, rule.limitReq));
        for (const auto& limit : settings.limits) {
          const auto zone = std::find_if(settings.zones.begin(), settings.zones.end(),
                                         [&](const auto& z) { return z.name == limit.zone; });
          auto known = std::find_if(m.zones.begin(), m.zones.end(),
                                    [&](const Impl::Zone& z) { return z.name == limit.zone; });
          if (known == m.zones.end()) {
            m.zones.push_back({zone->name, zone->rate, keyedByAddress(zone->key)});
            names_.push_back("limit_req:" + zone->name);
            known = m.zones.end() - 1;
          }
          m.classZones[c].push_back(static_cast<std::size_t>(known - m.zones.begin()));
        }
        classSettings[c] = settings;
      }
    }
  }
  for (auto& r : m.replicas) {
    for (const auto& z : m.zones)
      r.zones.push_back(std::make_unique<NginxLimitReqZone>(z.name, z.rate));
    for (ClassIndex c = 0; c < classes.size(); ++c) {
      if (!classSettings[c]) continue;
      std::vector<NginxLimitReqRule> rules;
      for (std::size_t i = 0; i < classSettings[c]->limits.size(); ++i) {
        const auto& limit = classSettings[c]->limits[i];
        rules.push_back({r.zones[m.classZones[c][i]].get(), limit.burst, limit.delay});
      }
      r.byClass[c] = std::make_unique<NginxLimitReq>(std::move(rules), classSettings[c]->status,
                                                     classSettings[c]->dryRun);
    }
  }

  // Tier-wide limiters.
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const RateLimitSpec& spec : tier.rateLimits) {
    static constexpr const char* kNames[] = {"kong", "haproxy", "cloudflare", "token_bucket"};
    const auto kind = static_cast<std::size_t>(spec.kind);
    const std::size_t n =
        std::count_if(tier.rateLimits.begin(), tier.rateLimits.end(),
                      [&](const RateLimitSpec& x) { return x.kind == spec.kind; });
    names_.push_back(std::string(kNames[kind]) +
                     (n > 1 ? ":" + std::to_string(++counts[kind]) : std::string()));
    std::unique_ptr<AnyLimiter> shared;
    std::unique_ptr<KongCounters> sharedKong;
    switch (spec.kind) {
      case RateLimitSpec::Kind::kKong: {
        const KongRateLimitingSettings s = parseKongRateLimiting(spec.settings);
        if (s.policy != KongPolicy::kLocal) {
          // cluster / redis: one counter store, each Kong node deciding against it
          sharedKong = std::make_unique<KongCounters>();
        }
        for (auto& r : m.replicas) {
          r.kong.reserve(tier.rateLimits.size());
          KongCounters* counters = sharedKong.get();
          if (counters == nullptr) {
            r.kong.emplace_back();
            counters = &r.kong.back();
          }
          r.own.push_back(std::make_unique<Adapter<KongRateLimiting>>(s, *counters));
        }
        break;
      }
      case RateLimitSpec::Kind::kHaproxy: {
        const HaproxyReqRateSettings s = parseHaproxyReqRate(spec.settings);
        for (auto& r : m.replicas)
          r.own.push_back(std::make_unique<Adapter<HaproxyReqRateLimit>>(s));
        break;
      }
      case RateLimitSpec::Kind::kCloudflare:
        // one rule for the whole edge network
        shared =
            std::make_unique<Adapter<CloudflareRateLimit>>(parseCloudflareRateLimit(spec.settings));
        for (auto& r : m.replicas)
          r.own.push_back(nullptr);
        break;
      case RateLimitSpec::Kind::kTokenBucket: {
        const TokenBucketSettings s = parseTokenBucket(spec.settings);
        for (auto& r : m.replicas)
          r.own.push_back(std::make_unique<Adapter<TokenBucketLimiter>>(s));
        break;
      }
    }
    m.shared.push_back(std::move(shared));
    m.sharedKong.push_back(std::move(sharedKong));
  }
  m.tierWide = tier.rateLimits.size();

  // nginx limit_conn at the server level: every request at the tier.
  if (!tier.limitConn.empty()) {
    const NginxLimitConnSettings s = tierLimitConn(tier.limitConn);
    m.connByAddress = keyedByAddress(s.zones.front().key);
    for (const auto& l : s.limits)
      names_.push_back("limit_conn:" + l.zone);
    for (auto& r : m.replicas) {
      std::vector<NginxLimitConnRule> rules;
      for (const auto& z : s.zones)
        r.connZones.push_back(std::make_unique<NginxLimitConnZone>(z.name));
      for (const auto& l : s.limits) {
        for (const auto& z : r.connZones) {
          if (z->name() == l.zone) rules.push_back({z.get(), l.connections});
        }
      }
      r.conn = std::make_unique<NginxLimitConn>(std::move(rules), s.status, s.dryRun);
    }
    limitsConnections_ = true;
  }
  any_ = !m.zones.empty() || m.tierWide > 0 || limitsConnections_;
}

Decision TierLimits::acquireConnection(ReplicaIndex replica, std::uint32_t client, double now,
                                       std::size_t& which) {
  Impl& m = *impl_;
  const Decision d = m.replicas[replica].conn->acquire(now, m.connByAddress ? client : 0);
  which = names_.size();
  if (d.fate == Fate::kReject) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i].starts_with("limit_conn:") && names_[i].substr(11) == d.scope) which = i;
    }
  }
  return d;
}

void TierLimits::releaseConnection(ReplicaIndex replica, std::uint32_t client) {
  Impl& m = *impl_;
  m.replicas[replica].conn->release(m.connByAddress ? client : 0);
}

void TierLimits::resetConnections(ReplicaIndex replica) {
  for (auto& z : impl_->replicas[replica].connZones)
    z->clear();
}

std::uint64_t TierLimits::connectionsHeld(ReplicaIndex replica) const {
  std::uint64_t n = 0;
  for (const auto& z : impl_->replicas[replica].connZones)
    n += z->held();
  return n;
}

TierLimits::~TierLimits() = default;

void TierLimits::prefetch(ReplicaIndex replica, ClassIndex cls, std::uint32_t client) const {
  const Impl& m = *impl_;
  const Impl::Replica& r = m.replicas[replica];
  if (const NginxLimitReq* limit = r.byClass[cls].get()) {
    if (m.zones[m.classZones[cls].front()].byAddress) limit->prefetch(client);
  }
  for (std::size_t i = 0; i < m.tierWide; ++i) {
    const AnyLimiter* limiter = m.shared[i] ? m.shared[i].get() : r.own[i].get();
    limiter->prefetch(client);
  }
}

Decision TierLimits::decide(ReplicaIndex replica, ClassIndex cls, std::uint32_t client, double now,
                            std::size_t& which) {
  Impl& m = *impl_;
  Impl::Replica& r = m.replicas[replica];
  // Keys that can no longer change a decision are forgotten once a simulated minute, so the
  // limiters' memory follows the clients active lately, not every client ever seen.
  if (now >= r.nextExpiry) {
    r.nextExpiry = now + 60.0;
    for (auto& z : r.zones)
      z->expire(now);
    for (auto& l : r.own) {
      if (l) l->expire(now);
    }
    for (auto& k : r.kong)
      k.expire(now);
    for (auto& l : m.shared) {
      if (l) l->expire(now);
    }
    for (auto& k : m.sharedKong) {
      if (k) k->expire(now);
    }
  }
  Decision result;
  which = names_.size();
  if (NginxLimitReq* limit = r.byClass[cls].get()) {
    // nginx keys its zones by the zone's key: the client address, or one key for all.
    const bool byAddress = m.zones[m.classZones[cls].front()].byAddress;
    result = limit->decide(now, byAddress ? client : 0);
    if (result.fate != Fate::kPass) {
      for (std::size_t i = 0; i < m.zones.size(); ++i) {
        if (result.scope == m.zones[i].name) which = i;
      }
      if (result.fate == Fate::kReject) return result;
    }
  }
  for (std::size_t i = 0; i < m.tierWide; ++i) {
    AnyLimiter* limiter = m.shared[i] ? m.shared[i].get() : r.own[i].get();
    const Decision d = limiter->decide(now, client);
    if (d.fate == Fate::kReject || (d.fate == Fate::kDelay && d.delay > result.delay)) {
      result = d;
      which = m.zones.size() + i;
      if (d.fate == Fate::kReject) return result;
    }
  }
  return result;
}

}  // namespace lbsim::models::ratelimit
