#pragma once

#include <vector>

#include "models/balancing/policy.h"

namespace lbsim::models::balancing {

// HAProxy's leastconn key of a server (fwlc_get_key in src/lb_fwlc.c): 0 when nothing is in
// flight, else (inflight + 1) * SRV_EWGHT_MAX / eweight in integer arithmetic, where
// SRV_EWGHT_MAX = 256 * 16 and eweight = weight * 16 (BE_WEIGHT_SCALE), weight 1..256.
std::uint32_t haproxyLeastconnKey(std::uint32_t inflight, double weight);

// HAProxy `balance leastconn`: servers sit in a tree ordered by their key; the smallest key
// wins. A server whose key changes (a request taken or finished) is moved to the end of the
// servers sharing its new key, so equal keys are served round-robin, least recently moved
// first. The Cerebrum seed's PostgreSQL replica backend (`weight 100/100/80`) uses it.
class HaproxyLeastconn final : public BalancingPolicy {
 public:
  explicit HaproxyLeastconn(const PolicyContext& context);
  Pick pick(const PickInput& input) override;
  void onFinished(std::uint32_t target, double latency) override;
  void onRefused(std::uint32_t target) override;
  std::string explainLastPick() const override;

 private:
  void moved(std::uint32_t target, std::uint32_t newInflight, double weight);

  std::vector<std::uint32_t> inflight_;  // the policy's own count, as HAProxy's `served`
  std::vector<std::uint32_t> key_;
  std::vector<std::uint64_t> position_;  // when the server was last moved in the tree
  std::vector<double> weight_;
  std::uint64_t clock_ = 0;
  std::uint32_t last_ = kNone;
};

}  // namespace lbsim::models::balancing
