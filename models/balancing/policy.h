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
  double weight = 1.0;        // configured weight (> 0): nginx `weight=`, HAProxy `weight`
  std::uint32_t active = 0;   // requests sent to it and not finished (in service + queued)
  std::uint32_t maxConn = 0;  // HAProxy `maxconn`, nginx `max_conns`; 0 = no limit
  bool backup = false;        // used only when no primary target is available
  bool available = true;      // up, healthy and not draining
  bool running = true;        // up and not draining, healthy or not
  // Failover group: targets of a higher priority number are used only when no target of a
  // lower one is available (Cloudflare's pools in order, then its fallback pool; Envoy's
  // priority levels; Route 53 failover records). Backups apply within a priority.
  std::uint16_t priority = 0;
  // Where the target runs (a zone or region index), for a balancer that prefers targets
  // near the caller; kAnyLocality: unknown.
  std::uint16_t locality = 0xffff;
};
inline constexpr std::uint16_t kAnyLocality = 0xffff;

// A policy's decision: the chosen target, as an index into the pool's targets.
struct Pick {
  std::uint32_t target = kNone;
};

// Everything a policy sees of one pick. `candidates` is non-empty and holds indexes into
// `targets` in increasing order: the available primaries, or the available backups when
// no primary is available, without targets at their `maxConn`. Policies that build a
// table over the candidates (hashing) rebuild it when `candidateSignature` changes.
struct PickInput {
  std::span<const TargetState> targets;
  std::span<const std::uint32_t> candidates;
  std::uint64_t candidateSignature = 0;
  const Request* request = nullptr;
};

// How an option of a policy is written in a scenario.
enum class OptionKind {
  kNumber,    // choice_count: 2
  kDuration,  // decay_time: 10s (stored in seconds)
  kText,      // key: client
};

struct OptionSpec {
  std::string name;
  OptionKind kind = OptionKind::kNumber;
  std::string summary;  // what it means, with its default
};

// A policy's options as written in the scenario, already parsed by kind; the policy's
// factory checks their ranges and throws std::invalid_argument saying what is allowed.
class PolicyOptions {
 public:
  void setNumber(const std::string& name, double value) { numbers_[name] = value; }
  void setText(const std::string& name, std::string value) { texts_[name] = std::move(value); }
  double number(std::string_view name, double fallback) const {
    const auto it = numbers_.find(name);
    return it == numbers_.end() ? fallback : it->second;
  }
  std::string text(std::string_view name, std::string_view fallback) const {
    const auto it = texts_.find(name);
    return it == texts_.end() ? std::string(fallback) : it->second;
  }
  const std::map<std::string, double, std::less<>>& numbers() const { return numbers_; }
  const std::map<std::string, std::string, std::less<>>& texts() const { return texts_; }
  bool empty() const { return numbers_.empty() && texts_.empty(); }

 private:
  std::map<std::string, double, std::less<>> numbers_;
  std::map<std::string, std::string, std::less<>> texts_;
};

// Everything a policy gets injected: its own random stream, the simulated clock, the
// names of its targets (hashing policies hash them, as Envoy hashes host addresses) and
// its options.
struct PolicyContext {
  core::RandomStream* rng = nullptr;
  const core::Clock* clock = nullptr;
  std::size_t targetCount = 0;
  std::vector<std::string> targetNames;
  PolicyOptions options;
};

// A balancing policy picks one target among the candidates, which the balancer computes.
// Implementations keep their state in the instance; their arithmetic lives in pure
// functions that tests call.
class BalancingPolicy {
 public:
  virtual ~BalancingPolicy() = default;
  virtual Pick pick(const PickInput& input) = 0;
  // Called when a request sent to `target` finishes there, with its time at the target.
  virtual void onFinished(std::uint32_t target, double latency) {
    (void)target;
    (void)latency;
  }
  // A request sent to `target` was refused there without being served (its queue was
  // full): it no longer counts as active.
  virtual void onRefused(std::uint32_t target) { (void)target; }
  // Why the last pick went where it did, in operators' words (for `lbsim explain`).
  virtual std::string explainLastPick() const { return {}; }
};

using PolicyFactory = std::function<std::unique_ptr<BalancingPolicy>(const PolicyContext&)>;

// How the balancer around a policy treats full targets and backups, as the system the policy
// comes from does.
struct BalancerRules {
  // A target at its maxconn: true, the request waits in the balancer's queue for one to free
  // a slot (HAProxy's backend queue); false, the target is passed over as if down, so the
  // backups take the overflow and, with none, the request fails at once (open-source nginx
  // has no upstream queue: max_conns makes ngx_http_upstream_get_peer skip the server).
  bool queueWhenFull = true;
  // HAProxy uses only the first available backup unless `option allbackups` (the policy's
  // `allbackups: 1`); nginx uses them all.
  bool firstBackupOnly = false;
};

struct PolicyInfo {
  std::string name;                 // as written in scenarios: `least_conn`
  std::string summary;              // one line: the algorithm and where it comes from
  std::vector<OptionSpec> options;  // the options the policy accepts
  PolicyFactory factory;
  BalancerRules rules{};
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

// Registers every built-in policy. An explicit call, not static initializers: a static
// library may drop self-registering objects at link time.
void registerBuiltinPolicies(PolicyRegistry& registry);

}  // namespace lbsim::models::balancing
