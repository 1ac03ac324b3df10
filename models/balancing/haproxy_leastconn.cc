#include "models/balancing/haproxy_leastconn.h"

#include <algorithm>
#include <cmath>

namespace lbsim::models::balancing {

std::uint32_t haproxyLeastconnKey(std::uint32_t inflight, double weight) {
  if (inflight == 0) return 0;
  constexpr std::uint64_t kEweightMax = 256 * 16;
  const auto w = static_cast<std::uint64_t>(std::clamp(std::round(weight), 1.0, 256.0));
  return static_cast<std::uint32_t>((inflight + 1ULL) * kEweightMax / (w * 16));
}

HaproxyLeastconn::HaproxyLeastconn(const PolicyContext& context)
    : inflight_(context.targetCount, 0),
      key_(context.targetCount, 0),
      position_(context.targetCount, 0),
      weight_(context.targetCount, 1.0) {
  // Servers enter the tree in declaration order.
  for (std::size_t i = 0; i < position_.size(); ++i)
    position_[i] = clock_++;
}

void HaproxyLeastconn::moved(std::uint32_t target, std::uint32_t newInflight, double weight) {
  inflight_[target] = newInflight;
  weight_[target] = weight;
  const std::uint32_t key = haproxyLeastconnKey(newInflight, weight);
  if (key != key_[target]) {
    key_[target] = key;
    position_[target] = clock_++;
  }
}

Pick HaproxyLeastconn::pick(const PickInput& in) {
  if (inflight_.size() < in.targets.size()) {
    const std::size_t from = inflight_.size();
    inflight_.resize(in.targets.size(), 0);
    key_.resize(in.targets.size(), 0);
    weight_.resize(in.targets.size(), 1.0);
    position_.resize(in.targets.size(), 0);
    for (std::size_t i = from; i < position_.size(); ++i)
      position_[i] = clock_++;
  }
  std::uint32_t best = kNone;
  for (const std::uint32_t i : in.candidates) {
    // Requests that reached the server without this policy (a sticky cookie, a database
    // write) and weight changes move it in the tree too.
    if (weight_[i] != in.targets[i].weight || inflight_[i] != in.targets[i].active) {
      moved(i, in.targets[i].active, in.targets[i].weight);
    }
    if (best == kNone || key_[i] < key_[best] ||
        (key_[i] == key_[best] && position_[i] < position_[best])) {
      best = i;
    }
  }
  moved(best, inflight_[best] + 1, in.targets[best].weight);
  last_ = best;
  return {best};
}

void HaproxyLeastconn::onFinished(std::uint32_t target, double) {
  if (target < inflight_.size() && inflight_[target] > 0) {
    moved(target, inflight_[target] - 1, weight_[target]);
  }
}

void HaproxyLeastconn::onRefused(std::uint32_t target) {
  onFinished(target, 0.0);
}

std::string HaproxyLeastconn::explainLastPick() const {
  if (last_ == kNone) return {};
  return "smallest leastconn key (" +
         std::to_string(haproxyLeastconnKey(inflight_[last_] - 1, weight_[last_])) +
         "), least recently moved among equal keys";
}

}  // namespace lbsim::models::balancing
