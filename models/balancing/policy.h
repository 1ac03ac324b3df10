#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/request.h"

namespace lbsim::models::balancing {

// What a policy may know of one target of its pool. The pool keeps these current.
struct TargetState {
  double weight = 1.0;       // configured weight (> 0): nginx `weight=`, HAProxy `weight`
  std::uint32_t active = 0;  // requests sent to it and not finished (in service + queued)
  bool backup = false;       // used only when no primary target is available
  bool available = true;     // up, healthy and not draining
};

// A policy's decision: the chosen target, as an index into the pool's targets.
struct Pick {
  std::uint32_t target = kNone;
};

// Policy options as written in the scenario (`choice_count: 2`), already checked against
// the names the policy declares.
using PolicyOptions = std::map<std::string, double, std::less<>>;

// Everything a policy gets injected: its own random stream and the simulated clock.
struct PolicyContext {
  core::RandomStream* rng = nullptr;
  const core::Clock* clock = nullptr;
  std::size_t targetCount = 0;
  PolicyOptions options;
};

// A balancing policy picks one target among the candidates, which the balancer computes
// (available primaries, or available backups when no primary is). Implementations keep
// their state in the instance; their arithmetic lives in pure functions that tests call.
class BalancingPolicy {
 public:
  virtual ~BalancingPolicy() = default;
  // `candidates` is non-empty and holds indexes into `targets`, in increasing order.
  virtual Pick pick(std::span<const TargetState> targets, std::span<const std::uint32_t> candidates,
                    const Request& request) = 0;
  // Called when a request sent to `target` finishes there, with its time at the target.
  virtual void onFinished(std::uint32_t target, double latency) {
    (void)target;
    (void)latency;
  }
  // Why the last pick went where it did, in operators' words (for `lbsim explain`).
  virtual std::string explainLastPick() const { return {}; }
};

using PolicyFactory = std::function<std::unique_ptr<BalancingPolicy>(const PolicyContext&)>;

struct PolicyInfo {
  std::string name;                  // as written in scenarios: `least_conn`
  std::string summary;               // one line: the algorithm and where it comes from
  std::vector<std::string> options;  // option names the policy accepts
  PolicyFactory factory;
};

// Named factories of balancing policies. New policies plug in by registering here; the
// balancer never names a policy.
class PolicyRegistry {
 public:
  // A registry with every built-in policy (`registerBuiltinPolicies`).
  static PolicyRegistry withBuiltins();

  // Throws std::invalid_argument if the name is already registered.
  void add(PolicyInfo info);
  bool contains(std::string_view name) const;
  // Throws std::invalid_argument naming the valid policies when `name` is unknown.
  const PolicyInfo& get(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted
  std::unique_ptr<BalancingPolicy> create(std::string_view name,
                                          const PolicyContext& context) const;

 private:
  std::map<std::string, PolicyInfo, std::less<>> policies_;
};

// Registers round_robin, least_conn and random. An explicit call, not static
// initializers: a static library may drop self-registering objects at link time.
void registerBuiltinPolicies(PolicyRegistry& registry);

}  // namespace lbsim::models::balancing
