#include "models/balancing/balancer.h"

#include <algorithm>

namespace lbsim::models::balancing {
namespace {
// FNV-1a over the candidate indexes (and which group they come from) identifies the
// candidate set for policies that build tables over it.
constexpr std::uint64_t kPrime = 0x100000001b3ULL;
constexpr std::uint64_t kSignatureSeed = 0xcbf29ce484222325ULL;
}  // namespace

Balancer::Balancer(std::unique_ptr<BalancingPolicy> policy, std::vector<TargetState> targets)
    : policy_(std::move(policy)), targets_(std::move(targets)) {
  candidates_.reserve(targets_.size());
  for (const TargetState& t : targets_) {
    levels_.push_back(t.priority);
    if (t.maxConn != 0) anyMaxConn_ = true;
  }
  std::sort(levels_.begin(), levels_.end());
  levels_.erase(std::unique(levels_.begin(), levels_.end()), levels_.end());
  if (levels_.empty()) levels_.push_back(0);
}

void Balancer::enableStickiness(double duration, bool refresh, const core::Clock* clock) {
  assert(duration > 0.0 && clock != nullptr);
  sticky_ = std::make_unique<StickyTable>();
  stickyDuration_ = duration;
  stickyRefresh_ = refresh;
  clock_ = clock;
}

Decision Balancer::choose(const Request& request, std::uint64_t exclude, std::uint16_t locality) {
  lastSticky_ = false;
  if (sticky_) {
    const double now = clock_->now();
    const StickyTable::Binding b = sticky_->find(request.client, now);
    if (b.target != kNone && targets_[b.target].available &&
        ((exclude >> (b.target & 63u)) & 1u) == 0) {
      TargetState& t = targets_[b.target];
      // The cookie names this target: the request waits for it rather than go elsewhere.
      if (t.maxConn != 0 && t.active >= t.maxConn) return {Choice::kQueued, kNone};
      if (stickyRefresh_) sticky_->bind(request.client, b.target, now + stickyDuration_, now);
      ++t.active;
      lastSticky_ = true;
      return {Choice::kChosen, b.target};
    }
  }
  const bool local = preferLocal_ && locality != kAnyLocality;
  const bool plain = exclude == 0 && !local && !anyMaxConn_ && orders_.empty();
  if (plain && cached_) {
    if (!cachedFound_) return {cachedAnyAvailable_ ? Choice::kQueued : Choice::kNoTarget, kNone};
    return chosen(request, policy_->pick({targets_, candidates_, cachedSignature_, &request}));
  }
  cached_ = false;
  if (!orders_.empty()) return chooseSteered(request, exclude);
  std::uint64_t signature = kSignatureSeed;
  bool anyAvailable = false;
  bool found = false;
  for (std::size_t l = 0; l < levels_.size() && !found; ++l) {
    const std::uint16_t level = levels_[l];
    for (int pass = local ? 0 : 1; pass < 2 && !found; ++pass) {
      const bool localOnly = pass == 0;
      found = collect(
          level, localOnly ? 1u : 0u,
          [&](const TargetState& t) { return !localOnly || t.locality == locality; }, exclude,
          signature, anyAvailable);
      if (anyAvailable) break;
    }
    if (anyAvailable) break;
  }
  if (plain) {
    cached_ = true;
    cachedFound_ = found;
    cachedAnyAvailable_ = anyAvailable;
    cachedSignature_ = signature;
  }
  if (!found) return {anyAvailable ? Choice::kQueued : Choice::kNoTarget, kNone};
  return chosen(request, policy_->pick({targets_, candidates_, signature, &request}));
}

template <class Accept>
bool Balancer::collect(std::uint16_t level, std::uint32_t salt, Accept accept,
                       std::uint64_t exclude, std::uint64_t& signature, bool& anyAvailable) {
  for (const bool backup : {false, true}) {
    candidates_.clear();
    signature = (signature ^ (backup ? 2u : 1u)) * kPrime;
    if (level != 0 || salt != 0) {
      signature = (signature ^ (static_cast<std::uint64_t>(level) << 1 | salt)) * kPrime;
    }
    for (std::uint32_t i = 0; i < targets_.size(); ++i) {
      const TargetState& t = targets_[i];
      if (!t.available || t.backup != backup || t.priority != level || !accept(t)) continue;
      if (exclude != 0 && ((exclude >> (i & 63u)) & 1u) != 0) continue;
      const bool full = t.maxConn != 0 && t.active >= t.maxConn;
      if (full && !queueWhenFull_) continue;  // passed over as if down (nginx max_conns)
      anyAvailable = true;
      const bool alone = backup && firstBackupOnly_;  // HAProxy: the first backup, or none
      if (full) {
        if (alone) break;
        continue;
      }
      candidates_.push_back(i);
      signature = (signature ^ i) * kPrime;
      if (alone) break;
    }
    if (!candidates_.empty()) return true;
    if (anyAvailable) return false;
  }
  return false;
}

void Balancer::steer(Steering steering) {
  orders_ = std::move(steering.orders);
  minimumOrigins_ = std::max<std::uint32_t>(steering.minimumOrigins, 1);
  weights_ = std::move(steering.weights);
  steeringStream_ = steering.stream;
  ttl_ = steering.ttl;
  resolvers_ = steering.resolvers;
  steeringClock_ = steering.clock;
  assert(weights_.empty() || steeringStream_ != nullptr);
  assert(ttl_ == 0.0 || steeringClock_ != nullptr);
  answers_ = ttl_ > 0.0 ? std::make_unique<StickyTable>() : nullptr;
  inOrder_.clear();
  std::size_t n = weights_.size();
  for (const TargetState& t : targets_) {
    if (t.locality != kAnyLocality) n = std::max<std::size_t>(n, t.locality + 1u);
  }
  for (const auto& order : orders_) {
    for (const std::uint16_t l : order)
      n = std::max<std::size_t>(n, l + 1u);
  }
  for (const auto& order : orders_) {
    std::vector<bool> in(n, false);
    for (const std::uint16_t l : order)
      in[l] = true;
    inOrder_.push_back(std::move(in));
  }
  availableIn_.assign(n, 0);
  if (!weights_.empty()) weights_.resize(n, 0.0);
  cached_ = false;
}

std::uint16_t Balancer::steeringAnswer(std::size_t o) {
  const std::vector<std::uint16_t>& order = orders_[o];
  std::fill(availableIn_.begin(), availableIn_.end(), 0u);
  for (const TargetState& t : targets_) {
    if (t.available && t.locality < availableIn_.size()) ++availableIn_[t.locality];
  }
  auto inUse = [&](std::uint16_t l) { return availableIn_[l] >= minimumOrigins_; };
  if (weights_.empty()) {
    for (const std::uint16_t l : order) {
      if (inUse(l)) return l;
    }
  } else {
    // A draw by weight among the localities in use; those of weight 0 only when every one
    // in use has weight 0, then evenly (Route 53's weighted records).
    double total = 0.0;
    std::uint32_t zeros = 0;
    for (const std::uint16_t l : order) {
      if (!inUse(l)) continue;
      total += weights_[l];
      zeros += weights_[l] == 0.0;
    }
    if (total > 0.0) {
      double u = steeringStream_->uniform01() * total;
      std::uint16_t last = kAnyLocality;
      for (const std::uint16_t l : order) {
        if (!inUse(l) || weights_[l] == 0.0) continue;
        last = l;
        if (u < weights_[l]) return l;
        u -= weights_[l];
      }
      return last;  // rounding: u landed on the total
    }
    if (zeros > 0) {
      auto k = static_cast<std::uint32_t>(steeringStream_->uniform01() * zeros);
      for (const std::uint16_t l : order) {
        if (inUse(l) && k-- == 0) return l;
      }
    }
  }
  // No locality of the order in use: the rest, while a target there is available; with
  // none available anywhere, the first of the order (a DNS answer is never empty: Route 53
  // answers as if every record were healthy).
  for (const TargetState& t : targets_) {
    if (t.available && inAnswer(t, o, kAnyLocality)) return kAnyLocality;
  }
  return order.empty() ? kAnyLocality : order.front();
}

Decision Balancer::chooseSteered(const Request& request, std::uint64_t exclude) {
  const std::size_t o =
      request.location < orders_.size() - 1 ? request.location : orders_.size() - 1;
  if (ttl_ > 0.0) {
    // The client's cached answer, or a new one cached from now. A client's resolver is fixed
    // by its identity; each location has resolvers of its own.
    std::uint32_t key = request.client;
    if (resolvers_ > 0) {
      std::uint64_t z = (request.client + 1ULL) * 0x9e3779b97f4a7c15ULL;
      z ^= z >> 31;
      key = static_cast<std::uint32_t>(o * resolvers_ + (z % resolvers_));
    }
    const double now = steeringClock_->now();
    const StickyTable::Binding b = answers_->find(key, now);
    auto answer = static_cast<std::uint16_t>(b.target);
    if (b.target == kNone) {
      answer = steeringAnswer(o);
      answers_->bind(key, answer, now + ttl_, now);
    }
    return choosePinned(request, o, answer, exclude);
  }
  const std::vector<std::uint16_t>& order = orders_[o];
  const std::vector<bool>& in = inOrder_[o];
  // The groups of targets tried in turn, each through the priority levels: each locality of
  // the order, then the rest (the localities not in the order, and no locality). With a
  // draw or a minimum of origins, the locality answered, the rest, then the order's others.
  const bool answered = !weights_.empty() || minimumOrigins_ > 1;
  const std::uint16_t drawn = answered ? steeringAnswer(o) : kAnyLocality;
  const std::size_t first = answered ? (drawn == kAnyLocality ? 0 : 1) : order.size();
  const std::size_t groups = first + (answered ? 2 : 1);
  for (std::size_t step = 0; step < groups; ++step) {
    const bool rest = step >= first;
    const bool others = step == first + 1;
    const std::uint16_t want = rest ? kAnyLocality : answered ? drawn : order[step];
    std::uint64_t signature = (kSignatureSeed ^ (0x10000u + step)) * kPrime;
    bool anyAvailable = false;
    for (const std::uint16_t level : levels_) {
      const bool found = collect(
          level, rest ? 1u : 0u,
          [&](const TargetState& t) {
            const bool listed = t.locality < in.size() && in[t.locality];
            if (!rest) return t.locality == want;
            return others ? listed && t.locality != drawn : !listed;
          },
          exclude, signature, anyAvailable);
      if (found)
        return chosen(request, policy_->pick({targets_, candidates_, signature, &request}));
      if (anyAvailable) return {Choice::kQueued, kNone};
    }
  }
  return {Choice::kNoTarget, kNone};
}

Decision Balancer::choosePinned(const Request& request, std::size_t o, std::uint16_t answer,
                                std::uint64_t exclude) {
  std::uint64_t signature = (kSignatureSeed ^ (0x20000u + answer)) * kPrime;
  bool anyAvailable = false;
  for (const std::uint16_t level : levels_) {
    const bool found = collect(
        level, 0u, [&](const TargetState& t) { return inAnswer(t, o, answer); }, exclude, signature,
        anyAvailable);
    if (found) return chosen(request, policy_->pick({targets_, candidates_, signature, &request}));
    if (anyAvailable) return {Choice::kQueued, kNone};
  }
  // None available there: the client still connects to the answer's targets that run.
  candidates_.clear();
  signature = (kSignatureSeed ^ (0x30000u + answer)) * kPrime;
  for (std::uint32_t i = 0; i < targets_.size(); ++i) {
    const TargetState& t = targets_[i];
    if (!t.running || t.backup || !inAnswer(t, o, answer)) continue;
    if (exclude != 0 && ((exclude >> (i & 63u)) & 1u) != 0) continue;
    candidates_.push_back(i);
    signature = (signature ^ i) * kPrime;
  }
  if (candidates_.empty()) return {Choice::kNoTarget, kNone};
  const Pick pick = policy_->pick({targets_, candidates_, signature, &request});
  ++targets_[pick.target].active;
  return {Choice::kChosen, pick.target};
}

Decision Balancer::chosen(const Request& request, Pick pick) {
  assert(pick.target < targets_.size() && targets_[pick.target].available);
  ++targets_[pick.target].active;
  if (sticky_) {
    const double now = clock_->now();
    sticky_->bind(request.client, pick.target, now + stickyDuration_, now);
  }
  return {Choice::kChosen, pick.target};
}

void Balancer::finished(std::uint32_t target, double latency) {
  assert(targets_[target].active > 0);
  --targets_[target].active;
  policy_->onFinished(target, latency);
}

}  // namespace lbsim::models::balancing
