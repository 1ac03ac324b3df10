#include "models/service_pool.h"

#include <algorithm>
#include <cassert>

#include "models/network.h"
#include "models/routing/path_rules.h"

namespace lbsim::models {

std::vector<ReplicaIndex> balancedReplicas(const TierSpec& spec) {
  std::vector<ReplicaIndex> out;
  const bool readReplicas = spec.kind == TierKind::kDatabase && spec.targets.size() > 1;
  for (ReplicaIndex r = readReplicas ? 1 : 0; r < spec.targets.size(); ++r)
    out.push_back(r);
  return out;
}

balancing::PolicyContext policyContext(const TierSpec& spec) {
  balancing::PolicyContext context;
  for (const ReplicaIndex r : balancedReplicas(spec)) {
    context.targetNames.push_back(spec.targets[r].name);
  }
  context.targetCount = context.targetNames.size();
  context.options = spec.balancer.options;
  return context;
}

namespace {
std::vector<balancing::TargetState> targetStates(const TierSpec& spec) {
  std::vector<balancing::TargetState> out;
  for (const ReplicaIndex r : balancedReplicas(spec)) {
    const TargetSpec& t = spec.targets[r];
    out.push_back({t.weight, 0, t.maxConn, t.backup, true});
  }
  return out;
}

std::unique_ptr<balancing::BalancingPolicy> makePolicy(const TierSpec& spec,
                                                       const balancing::PolicyRegistry& policies,
                                                       core::RandomStream* rng,
                                                       const core::Clock& clock) {
  balancing::PolicyContext context = policyContext(spec);
  context.rng = rng;
  context.clock = &clock;
  return policies.create(spec.balancer.policy, context);
}
}  // namespace

ServicePool::ServicePool(Network& network, TierIndex index, const TierSpec& spec,
                         const balancing::PolicyRegistry& policies,
                         core::RandomStream* policyStream)
    : network_(network),
      index_(index),
      id_(spec.id),
      database_(spec.kind == TierKind::kDatabase),
      holdWorker_(spec.holdWorker),
      handler_(network.simulator().addHandler(this)),
      slotReplica_(balancedReplicas(spec)),
      balancer_(makePolicy(spec, policies, policyStream, network.simulator().clock()),
                targetStates(spec)) {
  replicas_.resize(spec.targets.size());
  for (std::size_t r = 0; r < spec.targets.size(); ++r) {
    const TargetSpec& t = spec.targets[r];
    Replica& replica = replicas_[r];
    replica.name = t.name;
    replica.workers = t.workers;
    replica.queueLimit = t.queueLimit;
    replica.speed = t.speed;
    replica.zone = network.zoneIndex(t.zone);
    // Room for the usual queue from the start, so that steady state never grows it.
    replica.queue = core::RingQueue<RequestIndex>(std::min<std::uint32_t>(t.queueLimit, 64));
    totalWorkers_ += t.workers;
  }
  {
    auto limits =
        std::make_unique<ratelimit::TierLimits>(spec, network.spec().classes, replicas_.size());
    if (limits->any()) limits_ = std::move(limits);
  }
  if (spec.cache) {
    cache::LruSettings settings;
    settings.maxEntries = spec.cache->maxEntries;
    settings.inactive = spec.cache->inactive;
    caches_.assign(replicas_.size(), cache::LruCache(settings));
    cacheTtl_ = spec.cache->ttl;
    for (const ClassSpec& c : network.spec().classes) {
      bool cached = c.cacheable && (c.method == "GET" || c.method == "HEAD");
      if (cached && !spec.cache->paths.empty()) {
        const std::string path = c.path.substr(0, c.path.find('?'));
        cached = std::any_of(
            spec.cache->paths.begin(), spec.cache->paths.end(),
            [&](const std::string& p) { return routing::albWildcardMatch(p, path, false); });
      }
      cachedClasses_.push_back(cached);
    }
  }
  for (std::uint32_t slot = 0; slot < slotReplica_.size(); ++slot) {
    replicas_[slotReplica_[slot]].slot = slot;
  }
  if (spec.balancer.stickiness) {
    balancer_.enableStickiness(spec.balancer.stickiness->duration,
                               spec.balancer.stickiness->refresh, &network.simulator().clock());
  }
}

void ServicePool::arrive(RequestIndex index, DbOperation operation) {
  Request& request = network_.request(index);
  request.hopArrival = network_.simulator().now();
  if (database_ && operation == DbOperation::kWrite) {
    if (replicas_[0].slot != kNone) balancer_.assign(replicas_[0].slot);
    sendTo(index, 0);
    return;
  }
  // Requests already waiting at the balancer go first.
  if (!waiting_.empty()) {
    waiting_.push(index);
    return;
  }
  const balancing::Decision d = balancer_.choose(request);
  switch (d.choice) {
    case balancing::Choice::kChosen:
      sendTo(index, slotReplica_[d.target]);
      break;
    case balancing::Choice::kQueued:
      waiting_.push(index);
      break;
    case balancing::Choice::kNoTarget:
      network_.fail(index, index_, kNone, ErrorCause::kNoHealthyUpstream);
      break;
  }
}

void ServicePool::sendTo(RequestIndex index, ReplicaIndex chosen) {
  Request& request = network_.request(index);
  const double now = network_.simulator().now();
  request.replica = chosen;
  request.replicaAt[request.hop] = chosen;
  request.pickedAt[request.hop] = now;
  if (request.region == kNoRegion) request.region = network_.zoneRegion(replicas_[chosen].zone);
  const double latency = network_.forwardLatency(request, replicas_[chosen].zone);
  if (latency > 0.0) {
    network_.simulator().schedule(now + latency, handler_, kReachReplica, index);
  } else {
    dispatch(index, chosen);
  }
}

// The request reaches the replica: its rate limiters decide first (nginx limit_req runs
// before the request is proxied), then it is served or queued.
void ServicePool::dispatch(RequestIndex index, ReplicaIndex chosen) {
  if (limits_) {
    const Request& request = network_.request(index);
    const double now = network_.simulator().now();
    std::size_t which = 0;
    const ratelimit::Decision d =
        limits_->decide(chosen, request.cls, request.clientAddress, now, which);
    if (d.fate != ratelimit::Fate::kPass) {
      network_.rateLimited(index, index_, chosen, which, d.fate == ratelimit::Fate::kReject);
    }
    if (d.fate == ratelimit::Fate::kReject) {
      const ErrorCause cause = d.status == 429   ? ErrorCause::kRateLimited429
                               : d.status == 503 ? ErrorCause::kRateLimited503
                                                 : ErrorCause::kDenied;
      network_.answerHere(index, index_, chosen, cause);
      return;
    }
    if (d.fate == ratelimit::Fate::kDelay) {
      network_.simulator().schedule(now + d.delay, handler_, kLimitDelayOver, index);
      return;
    }
  }
  admit(index, chosen);
}

void ServicePool::admit(RequestIndex index, ReplicaIndex chosen) {
  Replica& replica = replicas_[chosen];
  if (replica.busy < replica.workers) {
    startService(chosen, index);
  } else if (replica.queue.size() < replica.queueLimit) {
    replica.queue.push(index);
    notify(chosen);
  } else {
    if (replica.slot != kNone) {
      balancer_.refused(replica.slot);
      drainWaiting();
    }
    network_.fail(index, index_, chosen, ErrorCause::kQueueFull);
  }
}

void ServicePool::startService(ReplicaIndex r, RequestIndex index) {
  Replica& replica = replicas_[r];
  Request& request = network_.request(index);
  ++replica.busy;
  const double now = network_.simulator().now();
  request.serviceStart = now;
  network_.simulator().schedule(now + request.demand[request.hop] / replica.speed, handler_,
                                kServiceDone, index);
  notify(r);
}

void ServicePool::handleEvent(const core::Event& event) {
  const auto index = static_cast<RequestIndex>(event.payload);
  if (event.kind == kReachReplica) {
    dispatch(index, network_.request(index).replica);
  } else if (event.kind == kLimitDelayOver) {
    admit(index, network_.request(index).replica);
  } else {
    serviceDone(index);
  }
}

void ServicePool::serviceDone(RequestIndex index) {
  Request& request = network_.request(index);
  const ReplicaIndex r = request.replica;
  if (holdWorker_ && !network_.lastHop(request)) {
    request.heldWorkers = static_cast<std::uint16_t>(request.heldWorkers | (1u << request.hop));
  } else {
    releaseWorker(r);
  }
  if (database_) network_.databaseServed(index, index_, r);
  network_.hopFinished(index, index_, r);
}

void ServicePool::releaseWorker(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  assert(replica.busy > 0);
  --replica.busy;
  if (!replica.queue.empty()) {
    startService(r, replica.queue.pop());
  } else {
    notify(r);
  }
}

void ServicePool::releaseHeld(RequestIndex index) {
  Request& request = network_.request(index);
  const auto bit = static_cast<std::uint16_t>(1u << request.hop);
  if ((request.heldWorkers & bit) == 0) return;
  request.heldWorkers = static_cast<std::uint16_t>(request.heldWorkers & ~bit);
  releaseWorker(request.replicaAt[request.hop]);
}

void ServicePool::responseReturned(RequestIndex index) {
  const Request& request = network_.request(index);
  const Replica& replica = replicas_[request.replicaAt[request.hop]];
  if (replica.slot == kNone) return;
  balancer_.finished(replica.slot, network_.simulator().now() - request.pickedAt[request.hop]);
  drainWaiting();
}

// A slot under maxconn may have opened: requests waiting at the balancer go on, in order,
// as long as the balancer finds them a target.
void ServicePool::drainWaiting() {
  // A drained request refused at its replica frees the slot again and calls back here: the
  // loop already running goes on with it, instead of a nested loop per refusal.
  if (draining_) return;
  draining_ = true;
  while (!waiting_.empty()) {
    const balancing::Decision d = balancer_.choose(network_.request(waiting_.front()));
    if (d.choice != balancing::Choice::kChosen) break;
    sendTo(waiting_.pop(), slotReplica_[d.target]);
  }
  draining_ = false;
}

void ServicePool::notify(ReplicaIndex r) {
  const Replica& replica = replicas_[r];
  network_.replicaChanged(index_, r, replica.busy,
                          static_cast<std::uint32_t>(replica.queue.size()));
}

}  // namespace lbsim::models
