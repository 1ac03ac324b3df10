#include <stdexcept>

#include "models/balancing/least_conn.h"
#include "models/balancing/policy.h"
#include "models/balancing/random_choice.h"
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
  registry.add({"round_robin",
                "nginx smooth weighted round robin (plain round robin when weights are equal)",
                {},
                [](const PolicyContext& c) { return std::make_unique<RoundRobin>(c); }});
  registry.add({"least_conn",
                "nginx least_conn: fewest active requests per unit of weight, ties by smooth "
                "weighted round robin",
                {},
                [](const PolicyContext& c) { return std::make_unique<LeastConn>(c); }});
  registry.add({"random",
                "uniform random choice among available targets (weighted by weight)",
                {},
                [](const PolicyContext& c) { return std::make_unique<RandomChoice>(c); }});
}

}  // namespace lbsim::models::balancing
