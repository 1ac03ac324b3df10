#pragma once

#include <cassert>
#include <memory>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/balancing/policy.h"
#include "models/balancing/sticky_table.h"

namespace lbsim::models::balancing {

// What the balancer did with a request.
enum class Choice : std::uint32_t {
  kChosen,    // sent to `target`
  kQueued,    // every available target is at its maxconn: wait at the balancer
  kNoTarget,  // no target is available at all (502)
};

struct Decision {
  Choice choice = Choice::kNoTarget;
  std::uint32_t target = kNone;
};

// A balancer over a fixed set of targets. It keeps their state (weights, active requests,
// maxconn, availability), computes the candidates and asks its policy to pick one. It
// knows no policy by name.
//
// Candidates, as nginx and HAProxy decide them: the available primary targets that are
// below their maxconn. When every available primary is at its maxconn the request waits
// at the balancer (HAProxy's backend queue) until one frees a slot; backups are used only
// when no primary is available at all (HAProxy: all primaries down), then under the same
// maxconn rule. Above that, targets fall in priority levels (failover groups): the first
// level with an available target is used. A balancer that prefers locality (Envoy's
// zone-aware routing, a service kept within its region) looks first at the targets of the
// caller's zone or region within a level, and at the others only when none there is
// available.
class Balancer {
 public:
  Balancer(std::unique_ptr<BalancingPolicy> policy, std::vector<TargetState> targets);

  // Picks a target for the request; the chosen target's active count is incremented.
  // Call `finished` when the request leaves it.
  // `exclude` has bit (t mod 64) set for targets t that must not be chosen (those a retry
  // already tried); when only excluded targets are available there is no target.
  // `locality`: the caller's zone or region, for a balancer that prefers locality.
  Decision choose(const Request& request, std::uint64_t exclude = 0,
                  std::uint16_t locality = kAnyLocality);
  void finished(std::uint32_t target, double latency);
  // A request sent to `target` without a pick (a database write to its primary).
  void assign(std::uint32_t target) { ++targets_[target].active; }
  // The request sent to `target` was refused there (its queue was full): it no longer
  // counts as active, and the policy learns no latency from it.
  void refused(std::uint32_t target) {
    assert(targets_[target].active > 0);
    --targets_[target].active;
    policy_->onRefused(target);
  }

  // Session affinity by cookie: a client's requests go to the target its first request
  // went to, while that target is available and the cookie has not expired. `refresh`
  // renews the cookie with every request (AWS ALB re-sends its AWSALB cookie on each
  // response); otherwise it expires `duration` after it was issued (Cloudflare
  // session_affinity_ttl).
  void enableStickiness(double duration, bool refresh, const core::Clock* clock);
  // Whether the last chosen target came from the client's cookie rather than the policy.
  bool lastWasSticky() const { return lastSticky_; }

  void setAvailable(std::uint32_t target, bool available) {
    targets_[target].available = available;
    cached_ = false;
  }
  // Locality preference: `locality` is where `target` runs.
  void preferLocality() { preferLocal_ = true; }
  void setLocality(std::uint32_t target, std::uint16_t locality) {
    targets_[target].locality = locality;
    cached_ = false;
  }
  // Global steering by the client's location (`Request::location`): `orders[l]` lists the
  // localities (regions) to use, in order, for clients of location l; the last entry is
  // for requests with no location. The targets of one locality are used at a time, the
  // first in the order that has at least `minimumOrigins` targets available; the targets
  // of localities not in the order (and those with none) only when no locality of the
  // order has. Set the targets' localities (setLocality) first.
  //
  // `weights` (by locality; empty: none) draws the locality by weight, from `stream`,
  // among the order's that are in use, instead of taking the first (random steering).
  //
  // `ttl` > 0: the answer (the locality) is cached as a DNS answer is, for `ttl` seconds
  // from when it was given, by the client (`resolvers` 0) or by one of `resolvers` resolvers
  // of the client's location; the client's requests go to the cached locality, to its
  // available targets, else to those running there that health checks took out (the client
  // does not know), and fail when none runs.
  struct Steering {
    std::vector<std::vector<std::uint16_t>> orders;
    std::uint32_t minimumOrigins = 1;
    std::vector<double> weights;
    core::RandomStream* stream = nullptr;
    double ttl = 0.0;
    std::uint32_t resolvers = 0;
    const core::Clock* clock = nullptr;
  };
  void steer(Steering steering);
  void steer(std::vector<std::vector<std::uint16_t>> orders) {
    Steering s;
    s.orders = std::move(orders);
    steer(std::move(s));
  }
  bool steered() const { return !orders_.empty(); }
  // The rules of the system the policy comes from (PolicyInfo::rules): whether requests wait
  // for a full target or pass it over, and whether only the first backup is used.
  void setRules(bool queueWhenFull, bool firstBackupOnly) {
    queueWhenFull_ = queueWhenFull;
    firstBackupOnly_ = firstBackupOnly;
    cached_ = false;
  }
  // A target that runs (ready, not taken out of the pool) even when not `available`
  // (unhealthy): a client whose cached DNS answer names its locality still reaches it.
  void setRunning(std::uint32_t target, bool running) { targets_[target].running = running; }
  std::span<const TargetState> targets() const { return targets_; }
  std::size_t size() const { return targets_.size(); }
  BalancingPolicy& policy() { return *policy_; }

 private:
  Decision chosen(const Request& request, Pick pick);
  Decision chooseSteered(const Request& request, std::uint64_t exclude);
  // The steering's answer for a client of location `o` now: the locality its requests go
  // to, kAnyLocality for the localities not in the order (and no locality).
  std::uint16_t steeringAnswer(std::size_t o);
  Decision choosePinned(const Request& request, std::size_t o, std::uint16_t answer,
                        std::uint64_t exclude);
  bool inAnswer(const TargetState& t, std::size_t o, std::uint16_t answer) const {
    return answer == kAnyLocality ? t.locality >= inOrder_[o].size() || !inOrder_[o][t.locality]
                                  : t.locality == answer;
  }
  // Puts into `candidates_` the targets of priority `level` that `accept` takes (primaries,
  // else backups), without the excluded ones and those at their maxconn, and mixes them
  // into `signature`. `anyAvailable` tells whether any available target was seen.
  template <class Accept>
  bool collect(std::uint16_t level, std::uint32_t salt, Accept accept, std::uint64_t exclude,
               std::uint64_t& signature, bool& anyAvailable);

  std::unique_ptr<BalancingPolicy> policy_;
  std::vector<TargetState> targets_;
  std::vector<std::uint32_t> candidates_;  // scratch, sized once
  std::vector<std::uint16_t> levels_;      // the targets' priorities, in increasing order
  bool preferLocal_ = false;
  bool queueWhenFull_ = true;
  bool firstBackupOnly_ = false;
  std::vector<std::vector<std::uint16_t>> orders_;  // steering: by location, then no location
  std::vector<std::vector<bool>> inOrder_;          // [order][locality]
  std::vector<std::uint32_t> availableIn_;          // available targets by locality
  std::uint32_t minimumOrigins_ = 1;
  std::vector<double> weights_;  // random steering: by locality
  core::RandomStream* steeringStream_ = nullptr;
  double ttl_ = 0.0;
  std::uint32_t resolvers_ = 0;
  const core::Clock* steeringClock_ = nullptr;
  std::unique_ptr<StickyTable> answers_;  // DNS answers by client or resolver
  // The candidate set of the last plain pick (no exclusion, no locality) stays in
  // `candidates_` while no target changes its availability or locality; with no maxconn
  // on any target, nothing else changes it. Most picks then skip the scan.
  bool anyMaxConn_ = false;
  bool cached_ = false;
  bool cachedFound_ = false;
  bool cachedAnyAvailable_ = false;
  std::uint64_t cachedSignature_ = 0;
  std::unique_ptr<StickyTable> sticky_;
  double stickyDuration_ = 0.0;
  bool stickyRefresh_ = false;
  const core::Clock* clock_ = nullptr;
  bool lastSticky_ = false;
};

}  // namespace lbsim::models::balancing
