#include <stdexcept>

#include "models/balancing/first.h"
#include "models/balancing/generic_hash.h"
#include "models/balancing/haproxy_leastconn.h"
#include "models/balancing/haproxy_source.h"
#include "models/balancing/ip_hash.h"
#include "models/balancing/kong_least_connections.h"
#include "models/balancing/least_conn.h"
#include "models/balancing/least_outstanding.h"
#include "models/balancing/least_request.h"
#include "models/balancing/maglev.h"
#include "models/balancing/peak_ewma.h"
#include "models/balancing/policy.h"
#include "models/balancing/random_choice.h"
#include "models/balancing/ring_hash.h"
#include "models/balancing/round_robin.h"

namespace lbsim::models::balancing {

namespace {
std::string joinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}
void checkAllBackups(const PolicyOptions& options) {
  const double v = options.number("allbackups", 0.0);
  if (v != 0.0 && v != 1.0) {
    throw std::invalid_argument(
        "allbackups must be 0 or 1; allowed: 0 (the first backup alone, HAProxy's default) or 1 "
        "(option allbackups)");
  }
}
}  // namespace

PolicyRegistry PolicyRegistry::withBuiltins() {
  PolicyRegistry registry;
  registerBuiltinPolicies(registry);
  return registry;
}

void PolicyRegistry::add(PolicyInfo info) {
  if (policies_.contains(info.name)) {
    throw std::invalid_argument("balancing policy '" + info.name + "' is registered twice");
  }
  std::string name = info.name;
  policies_.emplace(std::move(name), std::move(info));
}

bool PolicyRegistry::contains(std::string_view name) const {
  return policies_.find(name) != policies_.end();
}

const PolicyInfo& PolicyRegistry::get(std::string_view name) const {
  const auto it = policies_.find(name);
  if (it == policies_.end()) {
    throw std::invalid_argument("unknown balancing policy '" + std::string(name) +
                                "'; allowed: " + joinNames(names()));
  }
  return it->second;
}

std::vector<std::string> PolicyRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(policies_.size());
  for (const auto& [name, info] : policies_)
    out.push_back(name);
  return out;  // std::map keeps them sorted
}

std::unique_ptr<BalancingPolicy> PolicyRegistry::create(std::string_view name,
                                                        const PolicyContext& context) const {
  return get(name).factory(context);
}

void registerBuiltinPolicies(PolicyRegistry& registry) {
  using K = OptionKind;
  const OptionSpec kAllBackups{"allbackups", K::kNumber,
                               "1: HAProxy `option allbackups`, every available backup shares the "
                               "load when no primary is available (default 0: the first backup "
                               "alone)"};
  registry.add({"round_robin",
                "nginx smooth weighted round robin (plain round robin when weights are equal)",
                {},
                [](const PolicyContext& c) { return std::make_unique<RoundRobin>(c); },
                BalancerRules{.queueWhenFull = false}});
  registry.add({"least_conn",
                "nginx least_conn: fewest active requests per unit of weight, ties by smooth "
                "weighted round robin",
                {},
                [](const PolicyContext& c) { return std::make_unique<LeastConn>(c); },
                BalancerRules{.queueWhenFull = false}});
  registry.add({"random",
                "uniform random choice among available targets (weighted by weight)",
                {},
                [](const PolicyContext& c) { return std::make_unique<RandomChoice>(c); },
                BalancerRules{.queueWhenFull = false}});
  registry.add({"least_outstanding_requests",
                "AWS ALB least_outstanding_requests: fewest requests in flight, ties at random",
                {},
                [](const PolicyContext& c) { return std::make_unique<LeastOutstanding>(c); }});
  registry.add({"least_request",
                "Envoy LEAST_REQUEST: power of choice_count choices when weights are equal, else "
                "EDF weighted round robin with weight / (active + 1)^active_request_bias",
                {{"choice_count", K::kNumber, "random choices per pick, 2 or more (default 2)"},
                 {"active_request_bias", K::kNumber,
                  "how strongly load lowers a weight in the weighted mode (default 1)"}},
                [](const PolicyContext& c) { return std::make_unique<LeastRequest>(c); }});
  registry.add({"peak_ewma",
                "Finagle/Linkerd peak EWMA: the cheaper of two random targets, cost = "
                "peak-sensitive latency average x (active + 1)",
                {{"decay_time", K::kDuration, "time constant of the average (default 10s)"},
                 {"default_rtt", K::kDuration,
                  "estimate of a target before its first response (default 30ms)"}},
                [](const PolicyContext& c) { return std::make_unique<PeakEwma>(c); }});
  registry.add(ipHashPolicyInfo());
  registry.add(genericHashPolicyInfo());
  registry.add(haproxySourcePolicyInfo());
  registry.add(ringHashPolicyInfo());
  registry.add(maglevPolicyInfo());
  registry.add({"leastconn",
                "HAProxy balance leastconn: smallest (inflight + 1) / weight key, equal keys "
                "round-robin",
                {kAllBackups},
                [](const PolicyContext& c) -> std::unique_ptr<BalancingPolicy> {
                  checkAllBackups(c.options);
                  return std::make_unique<HaproxyLeastconn>(c);
                },
                BalancerRules{.firstBackupOnly = true}});
  registry.add({"least-connections",
                "Kong least-connections: binary heap on (connections + 1) / weight",
                {},
                [](const PolicyContext& c) { return std::make_unique<KongLeastConnections>(c); }});
  registry.add({"first",
                "HAProxy balance first: the first target in order below its maxconn",
                {kAllBackups},
                [](const PolicyContext& c) -> std::unique_ptr<BalancingPolicy> {
                  checkAllBackups(c.options);
                  return std::make_unique<First>(c);
                },
                BalancerRules{.firstBackupOnly = true}});
}

}  // namespace lbsim::models::balancing
