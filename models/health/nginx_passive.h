#pragma once

#include <cstdint>
#include <optional>

#include "models/health/health_event.h"

namespace lbsim::models::health {

struct NginxFailSettings {
  std::uint32_t maxFails = 1;  // max_fails (default 1); 0 turns the accounting off
  double failTimeout = 10.0;   // fail_timeout, whole seconds (default 10s)
  // What proxy_next_upstream counts as unsuccessful: `error` and `timeout` always (the
  // default); an HTTP 5xx answer only when http_500 ... http_504 are listed.
  bool countHttp5xx = false;
  // An upstream with a single server never marks it unavailable: the single-peer path
  // skips the max_fails test and resets fails on release.
  bool singlePeer = false;
};

// nginx passive health: one peer of an upstream under `max_fails` / `fail_timeout`, exactly as
// src/http/ngx_http_upstream_round_robin.c counts it, on nginx's cached clock of whole seconds
// (ngx_time()).
//  - Release (ngx_http_upstream_free_round_robin_peer_locked): a failed attempt does
//    fails++, accessed = checked = now. A successful one resets fails to 0 only if
//    accessed < checked, that is if the peer was chosen again after fail_timeout had passed
//    since the last failure. Time alone never lowers fails.
//  - Choice (ngx_http_upstream_get_peer): a peer with fails >= max_fails is skipped while
//    now - checked <= fail_timeout (so for fail_timeout + 1 whole seconds after the
//    failure). When chosen with now - checked > fail_timeout, checked = now: the peer is
//    skipped again at once, so exactly one request goes through until its result comes
//    back — success resets fails, failure restarts the wait.
// The effective_weight drop on failure (weight / max_fails) belongs to the balancing policy
// and is not modelled here. Since 1.11.5 nginx no longer forgets every peer's failures when
// all peers are down ("quick recovery" was removed); the upstream answers 502.
class NginxPeerHealth {
 public:
  explicit NginxPeerHealth(const NginxFailSettings& settings, std::uint32_t target = 0);

  // Whether ngx_http_upstream_get_peer may choose the peer at `now`.
  bool eligible(double now) const;
  // The earliest time eligible() is true again: -kNever when it already is, kNever while
  // the one request let through is out.
  double eligibleAgainAt() const;

  // The balancer chose the peer at `now` (only when eligible()).
  std::optional<HealthEvent> onChosen(double now);
  // The attempt at the peer ended at `now`.
  std::optional<HealthEvent> onResult(double now, CheckResult result);

  // Whether a result counts as an unsuccessful attempt under these settings.
  bool countsAsFailure(CheckResult result) const;

  std::uint32_t fails() const { return fails_; }
  long long checked() const { return checked_; }
  long long accessed() const { return accessed_; }
  bool trialOut() const { return trial_; }
  const NginxFailSettings& settings() const { return settings_; }

 private:
  bool unavailable() const {
    return settings_.maxFails != 0 && fails_ >= settings_.maxFails && !settings_.singlePeer;
  }
  HealthEvent event(double now, std::string_view from, std::string_view to, Why why,
                    CheckResult result) const;

  NginxFailSettings settings_;
  std::uint32_t target_ = 0;
  long long failTimeout_ = 10;
  std::uint32_t fails_ = 0;
  // Peers are allocated zeroed, and ngx_time() is seconds since 1970: at the first choice
  // now - checked is far above fail_timeout. The simulation's second 0 is not 1970.
  long long accessed_ = -(1LL << 40);
  long long checked_ = -(1LL << 40);
  bool trial_ = false;
};

}  // namespace lbsim::models::health
