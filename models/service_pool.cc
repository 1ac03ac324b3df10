#include "models/service_pool.h"

#include <algorithm>
#include <cassert>

#include "models/cache/cache_rules.h"
#include "models/fault_injector.h"
#include "models/network.h"
#include "models/routing/path_rules.h"
#include "models/routing/router.h"

namespace lbsim::models {

[[gnu::always_inline]] inline void ServicePool::notify(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  const double now = network_.simulator().now();
  const double elapsed = now - replica.changedAt;
  replica.busyIntegral += replica.busyThen * elapsed;
  replica.queuedIntegral += replica.queuedThen * elapsed;
  replica.changedAt = now;
  replica.busyThen = replica.busy;
  replica.queuedThen = static_cast<std::uint32_t>(replica.waiting());
  if (replica.lifecycle == Lifecycle::kDraining) [[unlikely]]
    drainedCheck(r);
  network_.replicaChanged(index_, r, replica.busy, replica.queuedThen);
}

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
    out.push_back(
        {t.weight, 0, t.maxConn, t.backup, true, true, static_cast<std::uint16_t>(t.priority)});
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

// The regions a steering balancer uses, in order, for the clients of each location, then
// for requests without one.
std::vector<std::vector<std::uint16_t>> steeringOrders(const BalancerSpec::Steering& steering,
                                                       const Network& network) {
  const std::vector<std::string>& regions = network.regions();
  auto indexes = [&](const std::vector<std::string>& ids) {
    std::vector<std::uint16_t> out;
    for (const std::string& id : ids) {
      const auto at = std::find(regions.begin(), regions.end(), id);
      if (at == regions.end()) throw std::invalid_argument("unknown region '" + id + "'");
      const auto r = static_cast<std::uint16_t>(at - regions.begin());
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
    }
    return out;
  };
  const auto locations = static_cast<std::uint16_t>(network.locations().size());
  if (steering.by == BalancerSpec::Steering::By::kRandom) {
    // The same regions for every client, wherever it is.
    std::vector<std::string> ids;
    for (const auto& w : steering.weights)
      ids.push_back(w.first);
    return std::vector<std::vector<std::uint16_t>>(locations + 1u, indexes(ids));
  }
  std::vector<std::vector<std::uint16_t>> orders;
  for (std::uint16_t l = 0; l < locations; ++l) {
    if (steering.by == BalancerSpec::Steering::By::kLatency) {
      // The regions the location has a latency to, nearest (by the mean) first; ties in the
      // order the regions are declared.
      std::vector<std::pair<double, std::uint16_t>> known;
      for (std::uint16_t r = 0; r < regions.size(); ++r) {
        if (const core::Distribution* d = network.locationLatency(l, r))
          known.push_back({d->mean(), r});
      }
      std::stable_sort(known.begin(), known.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<std::uint16_t> order;
      for (const auto& k : known)
        order.push_back(k.second);
      orders.push_back(std::move(order));
      continue;
    }
    // The most specific entry: the location's own, else that of the first area it is in
    // that has one; then the default order.
    const LocationSpec& location = network.spec().traffic.locations[l];
    std::vector<std::string> keys = {location.id};
    keys.insert(keys.end(), location.within.begin(), location.within.end());
    std::vector<std::string> ids;
    for (const std::string& key : keys) {
      const auto listed = std::find_if(steering.regions.begin(), steering.regions.end(),
                                       [&](const auto& entry) { return entry.first == key; });
      if (listed == steering.regions.end()) continue;
      ids = listed->second;
      break;
    }
    ids.insert(ids.end(), steering.fallback.begin(), steering.fallback.end());
    orders.push_back(indexes(ids));
  }
  // Requests without a location: the default order (geo), no preference (latency).
  orders.push_back(steering.by == BalancerSpec::Steering::By::kGeo ? indexes(steering.fallback)
                                                                   : std::vector<std::uint16_t>{});
  return orders;
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
                targetStates(spec)),
      healthStream_(core::RandomStream::named(network.runSeed(), "health:" + spec.id)),
      timeouts_(spec.timeouts),
      retries_(spec.retries),
      promoteAfter_(spec.promoteAfter),
      lifecycleStream_(core::RandomStream::named(network.runSeed(), "lifecycle:" + spec.id)),
      steeringStream_(core::RandomStream::named(network.runSeed(), "steering:" + spec.id)) {
  {
    const balancing::BalancerRules& rules = policies.get(spec.balancer.policy).rules;
    const bool queue = spec.balancer.whenFull
                           ? *spec.balancer.whenFull == BalancerSpec::WhenFull::kQueue
                           : rules.queueWhenFull;
    balancer_.setRules(
        queue, rules.firstBackupOnly && spec.balancer.options.number("allbackups", 0.0) == 0.0);
  }
  if (spec.autoscaler) lifecycle_ = spec.autoscaler->lifecycle;
  if (spec.pgbouncer) clientsPerCaller_ = spec.pgbouncer->clientsPerCaller;
  for (std::uint32_t line = 0; line < kTimerLines; ++line)
    timerLines_[line] = core::TimerLine(&network.simulator(), handler_, kTimerLine | line << 8);
  replicas_.resize(spec.targets.size());
  for (std::size_t r = 0; r < spec.targets.size(); ++r) {
    const TargetSpec& t = spec.targets[r];
    Replica& replica = replicas_[r];
    replica.name = t.name;
    replica.workers = t.workers;
    replica.queueLimit = t.queueLimit;
    replica.speed = t.speed;
    replica.baseSpeed = t.speed;
    replica.zone = network.zoneIndex(t.zone);
    // Room for the usual queue from the start, so that steady state never grows it.
    replica.queue = core::RingQueue<std::uint64_t>(std::min<std::uint32_t>(t.queueLimit, 64));
    replica.reserve = t.reserveWorkers;
    replica.reserveAfter = t.reserveAfter;
    replica.queueTimeout = t.queueTimeout;
    replica.fixedResponse = t.fixedResponse;
    totalWorkers_ += t.workers;
  }
  {
    auto limits =
        std::make_unique<ratelimit::TierLimits>(spec, network.spec().classes, replicas_.size());
    if (limits->any()) limits_ = std::move(limits);
    connGeneration_.assign(replicas_.size(), 0);
  }
  if (spec.keepalive) {
    keepalive_ = pool::parseKeepalive(spec.keepalive->settings);
    keepalive_->connectTime = spec.keepalive->connectTime;
  }
  if (spec.cache) {
    cache::LruSettings settings;
    settings.maxEntries = spec.cache->maxEntries;
    settings.maxBytes = spec.cache->maxBytes;
    settings.inactive = spec.cache->inactive;
    caches_.assign(replicas_.size(), cache::LruCache(settings));
    for (const ClassSpec& c : network.spec().classes)
      classCaching_.push_back(classCaching(spec, c));
  }
  for (std::uint32_t slot = 0; slot < slotReplica_.size(); ++slot) {
    replicas_[slotReplica_[slot]].slot = slot;
  }
  prefer_ = spec.balancer.prefer;
  if (prefer_ != BalancerSpec::Prefer::kNone) {
    balancer_.preferLocality();
    for (std::uint32_t slot = 0; slot < slotReplica_.size(); ++slot) {
      balancer_.setLocality(slot, locality(replicas_[slotReplica_[slot]].zone));
    }
  }
  if (spec.balancer.steering) {
    for (std::uint32_t slot = 0; slot < slotReplica_.size(); ++slot) {
      balancer_.setLocality(slot, network.zoneRegion(replicas_[slotReplica_[slot]].zone));
    }
    const BalancerSpec::Steering& st = *spec.balancer.steering;
    balancing::Balancer::Steering steering;
    steering.orders = steeringOrders(st, network);
    steering.minimumOrigins = st.minimumOrigins;
    if (st.by == BalancerSpec::Steering::By::kRandom) {
      steering.weights.assign(network.regions().size(), 0.0);
      for (const auto& [region, weight] : st.weights) {
        const auto at = std::find(network.regions().begin(), network.regions().end(), region);
        if (at == network.regions().end())
          throw std::invalid_argument("unknown region '" + region + "'");
        steering.weights[static_cast<std::size_t>(at - network.regions().begin())] = weight;
      }
      steering.stream = &steeringStream_;
    }
    steering.ttl = st.ttl;
    steering.resolvers = st.resolvers;
    steering.clock = &network.simulator().clock();
    balancer_.steer(std::move(steering));
  }
  for (const ClassSpec& c : network.spec().classes) {
    const std::string& m = c.method;
    idempotent_.push_back(m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" ||
                          m == "OPTIONS" || m == "TRACE");
  }
  {
    auto health = std::make_unique<TierHealth>(*this, network, spec, &healthStream_);
    if (health->any()) health_ = std::move(health);
  }
  // Autoscaled tiers start with their first initial replicas that are not backups (0: all);
  // the others are not there yet. Backups are not the autoscaler's and run from the start.
  if (spec.autoscaler) {
    std::uint32_t started = 0;
    for (ReplicaIndex r = 0; r < replicas_.size(); ++r) {
      if (spec.targets[r].backup) continue;
      replicas_[r].autoscaled = true;
      if (spec.initialReplicas == 0 || started < spec.initialReplicas) {
        ++started;
        continue;
      }
      replicas_[r].lifecycle = Lifecycle::kAbsent;
      replicas_[r].condition = Condition::kCrashed;
      if (replicas_[r].slot != kNone) {
        balancer_.setAvailable(replicas_[r].slot, false);
        balancer_.setRunning(replicas_[r].slot, false);
      }
    }
  }
  {
    const std::string& p = spec.balancer.policy;
    persistentPick_ = spec.balancer.stickiness.has_value() || p == "source" || p == "ip_hash" ||
                      p == "hash" || p == "ring_hash" || p == "maglev";
  }
  if (spec.balancer.stickiness) {
    balancer_.enableStickiness(spec.balancer.stickiness->duration,
                               spec.balancer.stickiness->refresh, &network.simulator().clock());
  }
}

bool ServicePool::mayStore(const TierSpec& spec, const ClassSpec& c) {
  return classCaching(spec, c).store;
}

bool ServicePool::mayLookUp(const TierSpec& spec, const ClassSpec& c) {
  return classCaching(spec, c).lookup;
}

ServicePool::ClassCaching ServicePool::classCaching(const TierSpec& spec, const ClassSpec& c) {
  ClassCaching out;
  bool cached = c.cacheable && (c.method == "GET" || c.method == "HEAD");
  if (cached && !spec.cache->paths.empty()) {
    const std::string path = c.path.substr(0, c.path.find('?'));
    cached = std::any_of(
        spec.cache->paths.begin(), spec.cache->paths.end(),
        [&](const std::string& p) { return routing::albWildcardMatch(p, path, false); });
  }
  out.lookup = out.store = cached;
  out.valid = {cache::CacheValidity{200, spec.cache->ttl}};
  if (!spec.cache->cloudflare.empty()) {
    // Cloudflare: the page rule's level decides what is cached, its edge TTL (or Cloudflare's
    // defaults by status) for how long.
    const cache::CloudflareCacheRule rule = cache::parseCloudflarePageRule(spec.cache->cloudflare);
    cache::RequestTraits traits;
    // Cloudflare caches GET and HEAD only; any other method is not cached, whichever it is.
    traits.method = cache::parseHttpMethod(c.method).value_or(cache::HttpMethod::kPost);
    traits.staticExtension = cache::cloudflareCachesExtension(c.path);
    traits.hasQueryString = c.path.find('?') != std::string::npos;
    const cache::CacheDecision d = rule.decide(traits);
    out.lookup = cached && d.lookup;
    out.store = cached && d.store;
    out.valid.clear();
    for (int status : {200, 206, 301, 302, 303, 404, 410}) {
      if (const auto ttl = rule.edgeTtl(status)) {
        out.valid.push_back({static_cast<std::uint16_t>(status), *ttl});
      }
    }
  }
  out.bytes = std::max<std::uint64_t>(c.responseBytes, 1);
  // nginx: the proxy cache directives of the location the class's path takes here.
  if (!cached || !spec.routing || spec.routing->kind != RoutingSpec::Kind::kNginx ||
      c.path.empty() || std::find(c.route.begin(), c.route.end(), spec.id) == c.route.end()) {
    return out;
  }
  const auto match = routing::Router(*spec.routing).match(c.method, c.host, c.path);
  if (!match.matched()) return out;
  if (spec.routing->rules[match.rule].proxyCache.empty()) {
    // A location without proxy_cache caches only what it inherits from the server level. The
    // tier's `cache` is that level while no location says anything of caching; once some
    // do, the caching is per location, as nginx is configured then, and this one has none.
    const bool perLocation =
        std::any_of(spec.routing->rules.begin(), spec.routing->rules.end(),
                    [](const RouteRuleSpec& r) { return !r.proxyCache.empty(); });
    if (perLocation) out.lookup = out.store = false;
    return out;
  }
  const cache::NginxCacheRules rules =
      cache::parseNginxCacheDirectives(spec.routing->rules[match.rule].proxyCache);
  cache::RequestTraits traits;
  traits.method = c.method == "HEAD" ? cache::HttpMethod::kHead : cache::HttpMethod::kGet;
  traits.bypass = c.cacheBypass && !rules.bypassWhen.empty();
  const cache::CacheDecision d = rules.decide(traits);
  out.lookup = d.lookup;
  out.store = d.store && !rules.valid.empty();
  out.valid = rules.valid;
  out.useStale = rules.enabled() ? rules.useStale : 0;
  return out;
}

void ServicePool::allowPlainPath() {
  plain_ = !health_ && timeouts_.connect == 0.0 && timeouts_.response == 0.0 && !limits_ &&
           caches_.empty() && !keepalive_ && pgb_ == nullptr && clientsPerCaller_ == 0 &&
           !database_ && !holdWorker_ && !lifecycle_ && prefer_ == BalancerSpec::Prefer::kNone &&
           std::all_of(replicas_.begin(), replicas_.end(), [](const Replica& r) {
             return r.reserve == 0 && r.queueTimeout == 0.0 && r.fixedResponse == 0 &&
                    r.condition == Condition::kUp && r.lifecycle == Lifecycle::kReady;
           });
}

// arrive, place, sendTo, dispatch, admit and startService for a plain tier: the checks of
// what such a tier does not have are left out, nothing else.
void ServicePool::arrivePlain(RequestIndex index) {
  Request& request = network_.request(index);
  const double now = network_.simulator().now();
  request.hopArrival = now;
  HopState& hop = request.hops()[request.hop];
  hop.tries = 0;
  if (!waiting_.empty()) {
    waiting_.push(index);
    return;
  }
  const balancing::Decision d = balancer_.choose(request, 0, balancing::kAnyLocality);
  if (d.choice != balancing::Choice::kChosen) {
    if (d.choice == balancing::Choice::kQueued) {
      waiting_.push(index);
    } else {
      ++failures_;
      network_.fail(index, index_, kNone, ErrorCause::kNoHealthyUpstream);
    }
    return;
  }
  const ReplicaIndex r = slotReplica_[d.target];
  Replica& replica = replicas_[r];
  request.replica = r;
  hop.replicaAt = r;
  hop.pickedAt = now;
  hop.tries = 1;
  ++inFlight_;
  if (request.region == kNoRegion) request.region = network_.zoneRegion(replica.zone);
  ++replica.arrivals;
  hop.generation = replica.generation;
  if (replica.busy < replica.workers) {
    startService(r, index);
  } else if (replica.waiting() < replica.queueLimit) {
    replica.queue.push(timerPayload(index));
    request.queued = true;
    request.serviceStart = now;
    notify(r);
  } else {
    attemptLost(index, r, ErrorCause::kQueueFull, Failure::kStatus);
    drainWaiting();
  }
}

void ServicePool::arrive(RequestIndex index, DbOperation operation) {
  if (plain_) {
    arrivePlain(index);
    return;
  }
  Request& request = network_.request(index);
  request.hopArrival = network_.simulator().now();
  request.hops()[request.hop].tries = 0;
  if (clientsPerCaller_ > 0 && request.hop > 0) {
    appArrive(index);
    return;
  }
  if (database_ && operation == DbOperation::kWrite) {
    if (replicas_[primary_].slot != kNone) balancer_.assign(replicas_[primary_].slot);
    sendTo(index, primary_);
    return;
  }
  // Requests already waiting at the balancer go first.
  if (!waiting_.empty()) {
    waiting_.push(index);
    return;
  }
  place(index, 0, kNone, ErrorCause::kNoHealthyUpstream);
}

void ServicePool::place(RequestIndex index, std::uint64_t exclude, ReplicaIndex last,
                        ErrorCause noTarget) {
  const Request& request = network_.request(index);
  const balancing::Decision d = balancer_.choose(request, exclude, callerLocality(request));
  switch (d.choice) {
    case balancing::Choice::kChosen:
      sendTo(index, slotReplica_[d.target]);
      break;
    case balancing::Choice::kQueued:
      waiting_.push(index);
      break;
    case balancing::Choice::kNoTarget:
      ++failures_;
      network_.fail(index, index_, last, noTarget);
      break;
  }
}

void ServicePool::sendTo(RequestIndex index, ReplicaIndex chosen) {
  Request& request = network_.request(index);
  const double now = network_.simulator().now();
  request.replica = chosen;
  request.hops()[request.hop].replicaAt = chosen;
  request.hops()[request.hop].pickedAt = now;
  ++request.hops()[request.hop].tries;
  ++inFlight_;
  if (request.hops()[request.hop].tries > 1) ++retriesInFlight_;
  if (health_) health_->onPicked(chosen);
  if (timeouts_.response > 0.0) armResponseTimer(index, request.hop);
  if (request.region == kNoRegion) request.region = network_.zoneRegion(replicas_[chosen].zone);
  double latency = network_.forwardLatency(request, replicas_[chosen].zone);
  if (keepalive_ && request.hop > 0) latency += takeConnection(index, chosen);
  if (latency > 0.0) {
    if (limits_) limits_->prefetch(chosen, request.cls, request.clientAddress);
    network_.simulator().schedule(now + latency, handler_, kReachReplica, index);
  } else {
    dispatch(index, chosen);
  }
}

// The request reaches the replica: its rate limiters decide first (nginx limit_req runs
// before the request is proxied), then it is served or queued.
[[gnu::always_inline]] inline void ServicePool::dispatch(RequestIndex index, ReplicaIndex chosen) {
  {
    Replica& replica = replicas_[chosen];
    ++replica.arrivals;
    if (network_.linkLost(network_.request(index))) {
      attemptLost(index, chosen, ErrorCause::kBadGateway, Failure::kRefused);
      return;
    }
    Request& request = network_.request(index);
    request.hops()[request.hop].generation = replica.generation;
    switch (replica.condition) {
      case Condition::kUp:
        break;
      case Condition::kCrashed:
        attemptLost(index, chosen, ErrorCause::kBadGateway, Failure::kRefused);
        return;
      case Condition::kUnreachable:
        request.parked = true;
        if (timeouts_.connect > 0.0) {
          const double at = std::max(network_.simulator().now(),
                                     request.hops()[request.hop].pickedAt + timeouts_.connect);
          timerLines_[kConnectLine].arm(at, kConnectTimeout | timerKind(request),
                                        timerPayload(index));
        }
        return;
      case Condition::kHung:
        request.parked = true;  // only the caller's response timeout ends it
        return;
    }
  }
  if (limits_) {
    const Request& request = network_.request(index);
    const double now = network_.simulator().now();
    std::size_t which = 0;
    const ratelimit::Decision d =
        limits_->decide(chosen, request.cls, request.clientAddress, now, which);
    if (d.fate == ratelimit::Fate::kReject) {
      rejectHere(index, chosen, which, d.status);
      return;
    }
    if (d.fate == ratelimit::Fate::kDelay) {
      network_.rateLimited(index, index_, chosen, which, false);
      network_.simulator().schedule(now + d.delay, handler_, kLimitDelayOver, index);
      return;
    }
    if (!takeConnectionSlot(index, chosen)) return;
  }
  admit(index, chosen);
}

pool::UpstreamKeepalive& ServicePool::keepaliveCache(const Request& request, std::uint16_t hop) {
  const TierIndex caller = network_.route(request.cls)[hop - 1u];
  const ReplicaIndex from = request.hops()[hop - 1u].replicaAt;
  if (keepaliveCaches_.size() <= caller) keepaliveCaches_.resize(network_.tierCount());
  auto& byReplica = keepaliveCaches_[caller];
  if (byReplica.size() <= from) byReplica.resize(network_.tier(caller).replicas().size());
  if (!byReplica[from]) byReplica[from] = std::make_unique<pool::UpstreamKeepalive>(*keepalive_);
  return *byReplica[from];
}

double ServicePool::takeConnection(RequestIndex index, ReplicaIndex chosen) {
  const Request& request = network_.request(index);
  const pool::KeepaliveLease lease =
      keepaliveCache(request, request.hop).acquire(chosen, network_.simulator().now());
  if (connectionOf_.size() <= index) {
    connectionOf_.resize(std::max<std::size_t>(network_.requestPoolCapacity(), index + 1u), kNone);
  }
  assert(connectionOf_[index] == kNone);  // a route visits a tier once
  connectionOf_[index] = lease.connection;
  network_.upstreamConnection(index, index_, chosen, lease.reused);
  return lease.setupDelay;
}

void ServicePool::returnConnection(RequestIndex index, std::uint16_t hop, bool reusable) {
  if (clientsPerCaller_ > 0) appRelease(index, reusable);
  if (index >= connectionOf_.size() || connectionOf_[index] == kNone) return;
  const std::uint32_t connection = connectionOf_[index];
  connectionOf_[index] = kNone;
  keepaliveCache(network_.request(index), hop)
      .release(connection, network_.simulator().now(), reusable);
}

std::uint64_t ServicePool::keepaliveInUse() const {
  std::uint64_t n = 0;
  for (const auto& byReplica : keepaliveCaches_) {
    for (const auto& cache : byReplica)
      n += cache ? cache->inUse() : 0;
  }
  return n;
}

void ServicePool::rejectHere(RequestIndex index, ReplicaIndex chosen, std::size_t which,
                             std::uint16_t status) {
  network_.rateLimited(index, index_, chosen, which, true);
  const ErrorCause cause = status == 429   ? ErrorCause::kRateLimited429
                           : status == 503 ? ErrorCause::kRateLimited503
                                           : ErrorCause::kDenied;
  network_.answerHere(index, index_, chosen, cause);
}

bool ServicePool::takeConnectionSlot(RequestIndex index, ReplicaIndex chosen) {
  if (!limits_->limitsConnections()) return true;
  Request& request = network_.request(index);
  const std::uint16_t generation = replicas_[chosen].generation;
  // Its replica's process went away while it waited out a limit_req delay: it is not counted
  // by the new one (its attempt fails as it goes on).
  if (request.hops()[request.hop].generation != generation) return true;
  if (connGeneration_[chosen] != generation) {
    limits_->resetConnections(chosen);
    connGeneration_[chosen] = generation;
  }
  std::size_t which = 0;
  const ratelimit::Decision d =
      limits_->acquireConnection(chosen, request.clientAddress, network_.simulator().now(), which);
  if (d.holdsSlot) {
    request.connSlots = static_cast<std::uint16_t>(request.connSlots | (1u << request.hop));
    return true;
  }
  if (d.fate != ratelimit::Fate::kReject) return true;  // limit_conn_dry_run: uncounted
  rejectHere(index, chosen, which, d.status);
  return false;
}

void ServicePool::releaseConnectionSlot(Request& request) {
  const auto bit = static_cast<std::uint16_t>(1u << request.hop);
  if ((request.connSlots & bit) == 0) return;
  request.connSlots = static_cast<std::uint16_t>(request.connSlots & ~bit);
  const ReplicaIndex r = request.hops()[request.hop].replicaAt;
  // A slot of an earlier process of the replica went with it.
  if (request.hops()[request.hop].generation != connGeneration_[r]) return;
  limits_->releaseConnection(r, request.clientAddress);
}

std::uint64_t ServicePool::connectionsHeld(ReplicaIndex r) const {
  if (!limits_ || !limits_->limitsConnections()) return 0;
  return connGeneration_[r] == replicas_[r].generation ? limits_->connectionsHeld(r) : 0;
}

void ServicePool::admit(RequestIndex index, ReplicaIndex chosen) {
  if (pgb_ != nullptr) {
    // A health check reaches PgBouncer itself, not through a server connection: it is
    // answered at once, whatever the pool holds.
    if (network_.request(index).probe) {
      startService(chosen, index);
    } else {
      pooledAdmit(index, chosen);
    }
    return;
  }
  Replica& replica = replicas_[chosen];
  if (replica.busy < replica.workers) {
    startService(chosen, index);
  } else if (replica.waiting() < replica.queueLimit) {
    Request& request = network_.request(index);
    replica.queue.push(timerPayload(index));
    request.queued = true;
    const double now = network_.simulator().now();
    request.serviceStart = now;  // when it started waiting, until a worker takes it
    if (!request.probe) {
      if (replica.queueTimeout > 0.0) {
        timerLines_[kQueueLine].arm(now + replica.queueTimeout, kQueueTimeout | timerKind(request),
                                    timerPayload(index));
      }
      if (replica.reserve > 0) {
        timerLines_[kReserveLine].arm(now + replica.reserveAfter, kReserveDue | timerKind(request),
                                      timerPayload(index));
      }
    }
    notify(chosen);
  } else {
    if (network_.request(index).probe) {
      health_->probeFinished(chosen, index, health::CheckResult::kFailed);
      network_.releaseProbe(index);
      return;
    }
    attemptLost(index, chosen, ErrorCause::kQueueFull, Failure::kStatus);
    drainWaiting();
  }
}

void ServicePool::prefetchArrival(const Request& request) const {
  if (!limits_ || replicas_.size() > kPrefetchReplicas) return;
  for (ReplicaIndex r = 0; r < replicas_.size(); ++r)
    limits_->prefetch(r, request.cls, request.clientAddress);
}

[[gnu::always_inline]] inline void ServicePool::startService(ReplicaIndex r, RequestIndex index) {
  Replica& replica = replicas_[r];
  Request& request = network_.request(index);
  // The lookups that follow the service, in this replica's cache and at the next tier, are
  // asked for now: the service's events in between hide their cache misses.
  if (!caches_.empty() && !request.probe && cachesClass(request.cls) && looksUp(request.cls)) {
    caches_[r].prefetch(request.cacheKey);
  }
  network_.prefetchNextHop(request);
  ++replica.busy;
  const double now = network_.simulator().now();
  request.serviceStart = now;
  network_.simulator().schedule(now + replica.serviceTime(request.hops()[request.hop].demand),
                                handler_, kServiceDone, index);
  notify(r);
}

void ServicePool::handleEvent(const core::Event& event) {
  const auto index = static_cast<RequestIndex>(event.payload & 0xffffffffu);
  switch (event.kind & 0xffu) {
    case kReachReplica:
      dispatch(index, network_.request(index).replica);
      break;
    case kLimitDelayOver: {
      const ReplicaIndex r = network_.request(index).replica;
      if (takeConnectionSlot(index, r)) admit(index, r);
      break;
    }
    case kServiceDone:
      serviceDone(index);
      break;
    case kConnectTimeout: {
      if (!timerValid(index, event.payload)) break;
      Request& request = network_.request(index);
      const auto hop = static_cast<std::uint16_t>((event.kind >> 8) & 0xffu);
      const auto attempt = static_cast<std::uint8_t>(event.kind >> 16);
      if (request.hop != hop || request.hops()[hop].tries != attempt || !request.parked) break;
      request.parked = false;
      attemptLost(index, request.hops()[hop].replicaAt, ErrorCause::kGatewayTimeout,
                  Failure::kConnectTimeout);
      break;
    }
    case kResponseTimeout: {
      if (!timerValid(index, event.payload)) break;
      const Request& request = network_.request(index);
      const auto hop = static_cast<std::uint16_t>((event.kind >> 8) & 0xffu);
      const auto attempt = static_cast<std::uint8_t>(event.kind >> 16);
      // Stale when the response is already back through the hop, when it is about another
      // attempt, or when the request's caller above already timed out (the copy that went
      // up has timers of its own).
      if (request.hop < hop || request.hops()[hop].tries != attempt) break;
      if (request.orphanHop != 0xffff && hop <= request.orphanHop) break;
      responseTimeout(index, hop);
      break;
    }
    case kRetry:
      if (timerValid(index, event.payload)) retry(index);
      break;
    case kQueueTimeout:
    case kReserveDue: {
      if (!timerValid(index, event.payload)) break;
      Request& request = network_.request(index);
      const auto hop = static_cast<std::uint16_t>((event.kind >> 8) & 0xffu);
      const auto attempt = static_cast<std::uint8_t>(event.kind >> 16);
      if (request.hop != hop || request.hops()[hop].tries != attempt || !request.queued) break;
      const ReplicaIndex r = request.replica;
      if ((event.kind & 0xffu) == kReserveDue) {
        serveQueue(r);
        break;
      }
      // Waited too long: out of the queue (its entry is skipped later) with a 503.
      request.queued = false;
      ++replicas_[r].stale;
      notify(r);
      attemptLost(index, r, ErrorCause::kQueueTimeout, Failure::kStatus);
      break;
    }
    case kTimerLine:
      handleEvent(timerLines_[event.kind >> 8].due());
      break;
    case kAppConnectionFree:
      appHandOff(index);
      break;
    case kPgBouncerDue: {
      const auto r = static_cast<ReplicaIndex>(event.payload);
      const double now = network_.simulator().now();
      if (pgb_->deadline[r] != now) break;  // superseded by an earlier one
      pgb_->deadline[r] = pool::kNever;
      pooledEvents(r, pgb_->processes[r].advance(now));
      pooledSchedule(r);
      break;
    }
    case kPromote:
      if (event.payload == primary_ && health_ && !health_->healthy(primary_)) promote();
      break;
    case kRestartOver: {
      const auto r = static_cast<ReplicaIndex>(event.payload & 0xffffffffu);
      if (replicas_[r].lifeSerial != static_cast<std::uint32_t>(event.payload >> 32) ||
          replicas_[r].lifecycle != Lifecycle::kReady) {
        break;
      }
      startProcess(r, false, 1.0);
      if (health_) health_->replicaStarted(r);
      healthChanged(r);
      break;
    }
    case kReplicaReady:
    case kWarmupOver:
    case kDrainDeadline: {
      const auto r = static_cast<ReplicaIndex>(event.payload & 0xffffffffu);
      if (replicas_[r].lifeSerial != static_cast<std::uint32_t>(event.payload >> 32)) break;
      if (event.kind == kReplicaReady) {
        replicaReady(r);
      } else if (event.kind == kWarmupOver) {
        replicas_[r].speed = replicas_[r].baseSpeed;
      } else if (replicas_[r].lifecycle == Lifecycle::kDraining) {
        // The deregistration delay is over: what it still holds is cut off.
        setCondition(r, Condition::kCrashed, 1.0);
        replicaGone(r);
      }
      break;
    }
    default:
      break;
  }
}

std::uint64_t ServicePool::timerPayload(RequestIndex index) const {
  const Request& request = network_.request(index);
  return index | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(request.id)) << 32);
}

bool ServicePool::timerValid(RequestIndex index, std::uint64_t payload) const {
  const Request& request = network_.request(index);
  return request.alive && !request.probe &&
         static_cast<std::uint32_t>(request.id) == static_cast<std::uint32_t>(payload >> 32);
}

void ServicePool::armResponseTimer(RequestIndex index, std::uint16_t hop) {
  if (timeouts_.response <= 0.0) return;  // this tier's callers wait as long as it takes
  const Request& request = network_.request(index);
  const double at =
      std::max(network_.simulator().now(), request.hops()[hop].pickedAt + timeouts_.response);
  timerLines_[kResponseLine].arm(at,
                                 kResponseTimeout | (static_cast<std::uint32_t>(hop) << 8) |
                                     (static_cast<std::uint32_t>(request.hops()[hop].tries) << 16),
                                 timerPayload(index));
}

// The caller of this tier gave up waiting: the error goes back up at once; what is still
// downstream goes on as an orphan (servers do not know the caller left), unless the request
// is stuck right here.
void ServicePool::responseTimeout(RequestIndex index, std::uint16_t hop) {
  RequestIndex up = index;
  Request& request = network_.request(index);
  if (request.parked && request.hop == hop) {
    // Stuck at its replica, which holds whatever it had for it.
    request.parked = false;
    releaseConnectionSlot(request);
  } else {
    // nginx closes the upstream connection of a request it gave up on.
    returnConnection(index, hop, false);
    up = network_.detachOrphan(index, hop);
  }
  Request& u = network_.request(up);
  const ReplicaIndex r = u.hops()[hop].replicaAt;
  if (replicas_[r].slot != kNone) {
    balancer_.finished(replicas_[r].slot, network_.simulator().now() - u.hops()[hop].pickedAt);
  }
  attemptFailed(up, r, ErrorCause::kGatewayTimeout, Failure::kResponseTimeout);
  drainWaiting();
}

// The attempt failed at the replica before any response: the balancer's count drops (the
// request never finished there) and the caller decides what next — unless the caller had
// already given up on it (an orphan at the hop where it was left), which counted it then.
void ServicePool::attemptLost(RequestIndex index, ReplicaIndex replica, ErrorCause cause,
                              Failure how) {
  releaseConnectionSlot(network_.request(index));
  // An answer from the replica (503) came over the connection; anything else broke it.
  returnConnection(index, network_.request(index).hop, how == Failure::kStatus);
  if (network_.request(index).orphanHop == network_.request(index).hop) {
    network_.dropOrphan(index);
    return;
  }
  if (replicas_[replica].slot != kNone) balancer_.refused(replicas_[replica].slot);
  attemptFailed(index, replica, cause, how);
}

void ServicePool::markTried(Request& request, ReplicaIndex replica) const {
  const std::uint32_t slot = replicas_[replica].slot;
  if (slot == kNone) return;
  if (request.triedHop != request.hop) {
    request.triedHop = request.hop;
    request.triedSlots = 0;
  }
  request.triedSlots |= 1ULL << (slot & 63u);
}

// An entry is live while its request waits in this replica's queue. A request that timed out
// here and was retried at another replica is queued there: its entry here is stale.
bool ServicePool::queueEntryLive(std::uint64_t entry, ReplicaIndex r) const {
  const Request& request = network_.request(static_cast<RequestIndex>(entry & 0xffffffffu));
  return request.alive && request.queued && request.replica == r &&
         static_cast<std::uint32_t>(request.id) == static_cast<std::uint32_t>(entry >> 32);
}

void ServicePool::attemptEnded(const Request& request) {
  assert(inFlight_ > 0);
  --inFlight_;
  if (request.hops()[request.hop].tries > 1) {
    assert(retriesInFlight_ > 0);
    --retriesInFlight_;
  }
}

bool ServicePool::servesStale(const Request& request, ReplicaIndex replica,
                              TierIndex upstream) const {
  const std::uint16_t useStale = classCaching_[request.cls].useStale;
  if (useStale == 0 || !caches_[replica].contains(request.cacheKey)) return false;
  const auto cause = static_cast<ErrorCause>(request.cause);
  std::optional<cache::StaleCondition> condition;
  if (!madeByCaller(request, upstream)) {
    // An upstream answered with an error status (http_503, http_502 from further down, ...).
    condition = cache::staleConditionOfStatus(request.status);
  } else if (cause == ErrorCause::kGatewayTimeout) {
    condition = cache::StaleCondition::kTimeout;
  } else {
    // nginx's own error reaching the upstream; `error` also covers no server to pick.
    condition = cache::StaleCondition::kError;
  }
  return condition && (useStale & cache::staleBit(*condition)) != 0;
}

bool ServicePool::mayRetry(const Request& request, ErrorCause cause, Failure how) const {
  if (!retries_) return false;
  // A database write goes to the primary only: there is no other replica to pass it to.
  if (database_ && network_.operation(request) == DbOperation::kWrite) return false;
  const RetrySpec& rs = *retries_;
  const std::uint32_t maxTries =
      rs.tries != 0 ? rs.tries : static_cast<std::uint32_t>(balancer_.size());
  if (request.hops()[request.hop].tries >= maxTries) return false;
  // HAProxy's retry-on does not look at the method (configuration.txt warns of it); nginx
  // passes a request it sent on only when it is idempotent or `non_idempotent` is set.
  const bool haproxy = rs.style == RetrySpec::Style::kHaproxy;
  const bool resent = haproxy || idempotent_[request.cls] || rs.nonIdempotent;
  bool condition = false;
  switch (how) {
    case Failure::kRefused:
      condition = rs.onError;
      break;
    case Failure::kReset:
      // Sent, then the connection was lost with no response: nginx's `error`; HAProxy's
      // `empty-response` (not `conn-failure`: "when a connection has effectively been
      // established to a server, there will be no more retry").
      condition = haproxy ? rs.onEmptyResponse : rs.onError && resent;
      break;
    case Failure::kConnectTimeout:
      condition = rs.onTimeout;
      break;
    case Failure::kResponseTimeout:
      condition = rs.onTimeout && !rs.onConnectTimeoutOnly && resent;
      break;
    case Failure::kStatus: {
      const int status = errorCauseStatus(cause);
      condition = resent && ((status == 502 && rs.on502) || (status == 503 && rs.on503) ||
                             (status == 504 && rs.on504) || (status == 429 && rs.on429));
      break;
    }
  }
  if (!condition) return false;
  if (rs.budget > 0.0) {
    const double allowed = std::max(static_cast<double>(rs.minConcurrency), rs.budget * inFlight_);
    if (static_cast<double>(retriesInFlight_) >= allowed) return false;
  }
  return true;
}

void ServicePool::attemptFailed(RequestIndex index, ReplicaIndex replica, ErrorCause cause,
                                Failure how) {
  returnConnection(index, network_.request(index).hop, how == Failure::kStatus);
  Request& request = network_.request(index);
  attemptEnded(request);
  ++failures_;
  if (health_ && replica != kNone) {
    const health::CheckResult result = how == Failure::kRefused || how == Failure::kReset
                                           ? health::CheckResult::kRefused
                                       : how == Failure::kStatus ? health::CheckResult::kFailed
                                                                 : health::CheckResult::kTimedOut;
    health_->onAttemptResult(replica, result, errorCauseStatus(cause));
  }
  if (!mayRetry(request, cause, how)) {
    network_.fail(index, index_, replica, cause);
    return;
  }
  network_.attemptFailed(index, index_, replica, cause);
  request.cause = static_cast<std::uint8_t>(cause);
  if (replica != kNone) markTried(request, replica);
  // HAProxy waits a turn-around of min(timeout connect, 1 s) before it tries the same server
  // again (or the only active one); a retry it redispatches while another server is active
  // goes at once (stream.c, "only wait when we're retrying on the same server"). nginx
  // passes the request to the next server at once.
  double delay = 0.0;
  if (retries_->style == RetrySpec::Style::kHaproxy &&
      !(redispatches(request, replica) && activeServers() > 1)) {
    delay = timeouts_.connect > 0.0 ? std::min(timeouts_.connect, 1.0) : 1.0;
  }
  if (delay > 0.0) {
    network_.simulator().schedule(network_.simulator().now() + delay, handler_, kRetry,
                                  timerPayload(index));
  } else {
    retry(index);
  }
}

bool ServicePool::redispatches(const Request& request, ReplicaIndex last) const {
  if (!retries_ || retries_->style != RetrySpec::Style::kHaproxy || !retries_->redispatch) {
    return false;
  }
  // HAProxy with `option redispatch` (stream.c, stream_choose_redispatch): the last retry
  // (the default interval, -1), a retry whose server is down, and, when the server was not
  // picked by persistence or a hash, every retry while more than one server is active.
  const std::uint32_t maxTries =
      retries_->tries != 0 ? retries_->tries : static_cast<std::uint32_t>(balancer_.size());
  if (request.hops()[request.hop].tries + 1u >= maxTries) return true;
  if (last == kNone || replicas_[last].slot == kNone ||
      !balancer_.targets()[replicas_[last].slot].available) {
    return true;
  }
  return !persistentPick_ && activeServers() > 1;
}

std::uint32_t ServicePool::activeServers() const {
  std::uint32_t n = 0;
  for (const auto& t : balancer_.targets())
    n += t.available && !t.backup ? 1 : 0;
  return n;
}

void ServicePool::retry(RequestIndex index) {
  Request& request = network_.request(index);
  const auto cause = static_cast<ErrorCause>(request.cause);
  const ReplicaIndex last = request.hops()[request.hop].replicaAt;
  if (retries_->style == RetrySpec::Style::kHaproxy && !redispatches(request, last)) {
    // Again at the same server, whatever the balancer would say.
    if (replicas_[last].slot != kNone) balancer_.assign(replicas_[last].slot);
    sendTo(index, last);
    return;
  }
  // When every server was tried, the last error goes back (nginx answers it).
  place(index, request.triedHop == request.hop ? request.triedSlots : 0, last, cause);
}

void ServicePool::serviceDone(RequestIndex index) {
  Request& request = network_.request(index);
  const ReplicaIndex r = request.replica;
  if (plain_) {
    // No crash, hang or restart has changed the replica, no health check runs here, and the
    // tier neither answers nor holds workers nor is a database.
    Replica& replica = replicas_[r];
    assert(replica.busy > 0);
    --replica.busy;
    serveQueue(r);
    network_.hopFinished(index, index_, r);
    return;
  }
  if (request.hops()[request.hop].generation != replicas_[r].generation) {
    // The replica crashed or hung while serving it: its worker is gone already.
    const Condition c = replicas_[r].condition;
    if (request.probe) {
      if (c != Condition::kHung && c != Condition::kUnreachable) {
        health_->probeFinished(r, index, health::CheckResult::kRefused);
      }
      network_.releaseProbe(index);
    } else if (c == Condition::kHung || c == Condition::kUnreachable) {
      request.parked = true;
    } else {
      attemptLost(index, r, ErrorCause::kBadGateway, Failure::kReset);
    }
    return;
  }
  if (request.probe) {
    releaseWorker(r, index);
    health_->probeFinished(r, index, health::CheckResult::kOk);
    network_.releaseProbe(index);
    return;
  }
  if (replicas_[r].fixedResponse != 0) {
    // A maintenance server: the request goes no further.
    releaseWorker(r, index);
    network_.answeredHere(index, index_, r, replicas_[r].fixedResponse);
    return;
  }
  if (holdWorker_ && !network_.lastHop(request)) {
    request.heldWorkers = static_cast<std::uint16_t>(request.heldWorkers | (1u << request.hop));
  } else {
    releaseWorker(r, index);
  }
  if (database_) network_.databaseServed(index, index_, r);
  network_.hopFinished(index, index_, r);
}

void ServicePool::releaseWorker(ReplicaIndex r, RequestIndex index) {
  Replica& replica = replicas_[r];
  assert(replica.busy > 0);
  --replica.busy;
  if (pgb_ != nullptr && !network_.request(index).probe) {
    // The transaction is over: its server goes back to the pool (in session mode only when a
    // persistent client disconnects), and a client of its own disconnects.
    notify(r);
    const double now = network_.simulator().now();
    pool::ConnectionPool& process = pgb_->processes[r];
    pooledEvents(r, pgb_->persistent
                        ? process.release(pooledClient(index), now, pool::Boundary::kTransaction)
                        : process.disconnect(index, now));
    pooledSchedule(r);
    return;
  }
  serveQueue(r);
}

void ServicePool::attachPgBouncer(PgBouncerInstance* instance, std::uint32_t poolIndex) {
  pgb_ = instance;
  pgbPool_ = poolIndex;
  plain_ = false;
}

void ServicePool::startPgBouncer() {
  // What the processes did when they started (a forced user's min_pool_size servers being
  // opened), told now that the observers are there; then their timers.
  for (ReplicaIndex r = 0; r < pgb_->processes.size(); ++r) {
    pooledEvents(r, pgb_->processes[r].events());
    pooledSchedule(r);
  }
}

void ServicePool::pooledAdmit(RequestIndex index, ReplicaIndex r) {
  const double now = network_.simulator().now();
  pool::ConnectionPool& process = pgb_->processes[r];
  const pool::Acquire a = process.acquire(pooledClient(index), now, pgbPool_);
  // What the process's timers did first (due at `now` too).
  pooledEvents(r, process.events());
  switch (a.status) {
    case pool::AcquireStatus::kGranted:
      pooledStart(r, index, a.setupDelay, a.newServer);
      break;
    case pool::AcquireStatus::kQueued: {
      Request& request = network_.request(index);
      request.queued = true;
      request.serviceStart = now;
      ++replicas_[r].pooledWaiting;
      notify(r);
      break;
    }
    case pool::AcquireStatus::kRefused:
      // "no more connections allowed (max_client_conn)": the client's connection is closed.
      if (clientsPerCaller_ > 0) {
        appClose(heldConnection_[index].first->connections[heldConnection_[index].second]);
      }
      attemptLost(index, r, ErrorCause::kQueueFull, Failure::kStatus);
      drainWaiting();
      break;
  }
  pooledSchedule(r);
}

void ServicePool::pooledStart(ReplicaIndex r, RequestIndex index, double setup, bool opened) {
  Replica& replica = replicas_[r];
  Request& request = network_.request(index);
  ++replica.busy;
  const double now = network_.simulator().now();
  // The wait for the server includes opening it.
  request.serviceStart = now + setup;
  network_.simulator().schedule(
      now + setup + replica.serviceTime(request.hops()[request.hop].demand), handler_, kServiceDone,
      index);
  if (opened) network_.poolServerChanged(index_, r, true);
  notify(r);
}

void ServicePool::pooledEvents(ReplicaIndex r, std::span<const pool::PoolEvent> events) {
  if (events.empty()) return;
  // Handling one may call the process again, which reuses the span's storage.
  std::vector<pool::PoolEvent> copied(events.begin(), events.end());
  for (const pool::PoolEvent& e : copied)
    pgb_->tiers[e.pool]->pooledEvent(r, e);
}

void ServicePool::pooledEvent(ReplicaIndex r, const pool::PoolEvent& e) {
  switch (e.kind) {
    case pool::PoolEventKind::kGranted: {
      const RequestIndex index = pgb_->requestOfClient(e.client);
      network_.request(index).queued = false;
      --replicas_[r].pooledWaiting;
      pooledStart(r, index, e.setupDelay, e.newServer);
      break;
    }
    case pool::PoolEventKind::kQueryWaitTimeout: {
      const RequestIndex index = pgb_->requestOfClient(e.client);
      network_.request(index).queued = false;
      --replicas_[r].pooledWaiting;
      notify(r);
      // PgBouncer disconnected the client: a persistent connection is gone.
      if (clientsPerCaller_ > 0) {
        appClose(heldConnection_[index].first->connections[heldConnection_[index].second]);
      }
      attemptLost(index, r, ErrorCause::kQueueTimeout, Failure::kStatus);
      break;
    }
    case pool::PoolEventKind::kServerOpened:
      network_.poolServerChanged(index_, r, true);
      break;
    case pool::PoolEventKind::kServerClosed:
      network_.poolServerChanged(index_, r, false);
      break;
    case pool::PoolEventKind::kReserveOpened:
      break;  // its kGranted follows
  }
}

void ServicePool::pooledSchedule(ReplicaIndex r) {
  const double t = pgb_->processes[r].nextDeadline();
  if (!(t < pgb_->deadline[r])) return;
  pgb_->deadline[r] = t;
  ServicePool& owner = *pgb_->tiers.front();
  network_.simulator().schedule(t, owner.handler_, kPgBouncerDue, r);
}

std::uint64_t ServicePool::appConnectionsInUse() const {
  std::uint64_t n = 0;
  for (const auto& [key, caller] : callerConnections_) {
    for (const AppConnection& c : caller.connections)
      n += c.busy ? 1 : 0;
  }
  return n;
}

std::uint64_t ServicePool::appConnectionWaits() const {
  std::uint64_t n = 0;
  for (const auto& [key, caller] : callerConnections_)
    n += caller.waiting.size();
  return n;
}

std::uint32_t ServicePool::pooledClient(RequestIndex index) const {
  if (clientsPerCaller_ == 0) return index;
  const auto& [caller, k] = heldConnection_[index];
  return caller->connections[k].client;
}

void ServicePool::appArrive(RequestIndex index) {
  Request& request = network_.request(index);
  const TierIndex callerTier = network_.route(request.cls)[request.hop - 1u];
  const ReplicaIndex callerReplica = request.hops()[request.hop - 1u].replicaAt;
  CallerConnections& caller =
      callerConnections_[static_cast<std::uint64_t>(callerTier) << 32 | callerReplica];
  if (caller.connections.empty()) caller.connections.resize(clientsPerCaller_);
  if (heldConnection_.size() <= index) {
    heldConnection_.resize(std::max<std::size_t>(network_.requestPoolCapacity(), index + 1u),
                           {nullptr, 0});
  }
  // An open connection that is free, its PgBouncer still the process it was opened to.
  std::uint32_t closed = kNone;
  for (std::uint32_t k = 0; k < caller.connections.size(); ++k) {
    AppConnection& c = caller.connections[k];
    if (c.busy) continue;
    if (c.replica != kNone && (replicas_[c.replica].generation != c.generation ||
                               replicas_[c.replica].lifecycle != Lifecycle::kReady)) {
      appClose(c);  // broken since it was last used: the application opens another
    }
    if (c.replica != kNone) {
      appUse(index, caller, k, false);
      return;
    }
    if (closed == kNone) closed = k;
  }
  if (closed == kNone || !caller.waiting.empty()) {
    // Every connection is in use: the request waits in its application's pool.
    caller.waiting.push(index);
    return;
  }
  appUse(index, caller, closed, true);
}

void ServicePool::appUse(RequestIndex index, CallerConnections& caller, std::uint32_t k,
                         bool open) {
  AppConnection& c = caller.connections[k];
  Request& request = network_.request(index);
  c.busy = true;
  heldConnection_[index] = {&caller, k};
  if (!open) {
    pgb_->requestOf[c.client] = index;
    if (replicas_[c.replica].slot != kNone) balancer_.assign(replicas_[c.replica].slot);
    sendTo(index, c.replica);
    return;
  }
  // A new connection: to the replica the balancer picks, as a new client of its PgBouncer.
  const balancing::Decision d = balancer_.choose(request, 0, callerLocality(request));
  if (d.choice != balancing::Choice::kChosen) {
    // No replica to connect to: the request fails, and the connection goes to the next one
    // waiting (which tries again).
    appRelease(index, false);
    ++failures_;
    network_.fail(index, index_, kNone, ErrorCause::kNoHealthyUpstream);
    return;
  }
  const ReplicaIndex r = slotReplica_[d.target];
  c.replica = r;
  c.generation = replicas_[r].generation;
  if (!pgb_->freeClients.empty()) {
    c.client = pgb_->freeClients.back();
    pgb_->freeClients.pop_back();
  } else {
    c.client = static_cast<std::uint32_t>(pgb_->requestOf.size());
    pgb_->requestOf.push_back(kNone);
  }
  pgb_->requestOf[c.client] = index;
  sendTo(index, r);
}

void ServicePool::appClose(AppConnection& c) {
  if (c.client == kNone) return;
  // Still connected to the process that knows it: the client disconnects there.
  if (c.replica != kNone && replicas_[c.replica].generation == c.generation) {
    pooledEvents(c.replica,
                 pgb_->processes[c.replica].disconnect(c.client, network_.simulator().now()));
    pooledSchedule(c.replica);
  }
  pgb_->requestOf[c.client] = kNone;
  pgb_->freeClients.push_back(c.client);
  c.client = kNone;
  c.replica = kNone;
}

void ServicePool::appRelease(RequestIndex index, bool reusable) {
  if (index >= heldConnection_.size() || heldConnection_[index].first == nullptr) return;
  auto [caller, k] = heldConnection_[index];
  heldConnection_[index] = {nullptr, 0};
  AppConnection& c = caller->connections[k];
  c.busy = false;
  if (c.client != kNone) pgb_->requestOf[c.client] = kNone;
  if (!reusable) appClose(c);
  // The next request waiting at that caller takes it, as an event of its own (this one's
  // ending is still under way).
  if (!caller->waiting.empty()) {
    const RequestIndex next = caller->waiting.pop();
    c.busy = true;
    heldConnection_[next] = {caller, k};
    network_.simulator().schedule(network_.simulator().now(), handler_, kAppConnectionFree,
                                  timerPayload(next));
  }
}

void ServicePool::appHandOff(RequestIndex index) {
  auto [caller, k] = heldConnection_[index];
  AppConnection& c = caller->connections[k];
  const bool open = c.replica == kNone || replicas_[c.replica].generation != c.generation ||
                    replicas_[c.replica].lifecycle != Lifecycle::kReady;
  if (open) appClose(c);
  appUse(index, *caller, k, open);
}

void ServicePool::pooledDrop(ReplicaIndex r, std::vector<RequestIndex>& waiting) {
  std::vector<pool::ClientId> dropped;
  const auto events = pgb_->processes[r].dropPool(pgbPool_, network_.simulator().now(), dropped);
  std::vector<pool::PoolEvent> copied(events.begin(), events.end());
  replicas_[r].pooledWaiting = 0;
  for (const pool::ClientId c : dropped) {
    const RequestIndex index = pgb_->requestOfClient(c);
    if (index == kNone) continue;  // a persistent client between requests
    Request& request = network_.request(index);
    if (request.queued) {
      request.queued = false;
      waiting.push_back(index);
    }
  }
  for (const pool::PoolEvent& e : copied)
    pgb_->tiers[e.pool]->pooledEvent(r, e);
  pooledSchedule(r);
}

[[gnu::always_inline]] inline void ServicePool::serveQueue(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  const double now = network_.simulator().now();
  bool started = false;
  while (!replica.queue.empty()) {
    const std::uint64_t entry = replica.queue.front();
    const auto index = static_cast<RequestIndex>(entry & 0xffffffffu);
    Request& request = network_.request(index);
    if (!queueEntryLive(entry, r)) {
      replica.queue.pop();  // it left the queue before its turn
      assert(replica.stale > 0);
      --replica.stale;
      continue;
    }
    // PgBouncer: a client that has waited reserve_pool_timeout may use a reserve connection.
    const bool free =
        replica.busy < replica.workers || (replica.busy < replica.workers + replica.reserve &&
                                           now - request.serviceStart >= replica.reserveAfter);
    if (!free) break;
    replica.queue.pop();
    request.queued = false;
    startService(r, index);
    started = true;
  }
  if (!started) notify(r);
}

void ServicePool::releaseHeld(RequestIndex index) {
  Request& request = network_.request(index);
  const auto bit = static_cast<std::uint16_t>(1u << request.hop);
  if ((request.heldWorkers & bit) == 0) return;
  request.heldWorkers = static_cast<std::uint16_t>(request.heldWorkers & ~bit);
  if (!sameReplica(request)) return;  // the worker went down with its replica
  releaseWorker(request.hops()[request.hop].replicaAt, index);
}

bool ServicePool::responseReturned(RequestIndex index) {
  Request& request = network_.request(index);
  const ReplicaIndex r = request.hops()[request.hop].replicaAt;
  const Replica& replica = replicas_[r];
  attemptEnded(request);
  // The response came over the connection, unless the replica here went down with the
  // request (a reset: the error was made here, 502). A plain tier's requests hold none.
  if (!plain_) {
    returnConnection(index, request.hop,
                     !(request.failed && request.failTier == index_ &&
                       static_cast<ErrorCause>(request.cause) == ErrorCause::kBadGateway));
  }
  if (replica.slot != kNone) {
    balancer_.finished(replica.slot,
                       network_.simulator().now() - request.hops()[request.hop].pickedAt);
  }
  if (request.failed) {
    const auto cause = static_cast<ErrorCause>(request.cause);
    const int status = request.status;
    if (health_) {
      health_->onAttemptResult(
          r, status >= 500 ? health::CheckResult::kFailed : health::CheckResult::kOk, status);
    }
    if (status >= 500 && mayRetry(request, cause, Failure::kStatus)) {
      // The caller passes the request to another replica instead of answering the error.
      network_.attemptFailed(index, index_, r, cause);
      request.failed = false;
      markTried(request, r);
      retry(index);
      drainWaiting();
      return true;
    }
  } else if (health_) {
    health_->onAttemptResult(r, health::CheckResult::kOk, 200);
  }
  drainWaiting();
  return false;
}

void ServicePool::healthChanged(ReplicaIndex r) {
  const Replica& replica = replicas_[r];
  if (database_ && r == primary_ && promoteAfter_ > 0.0 && health_ && !health_->healthy(r)) {
    network_.simulator().schedule(network_.simulator().now() + promoteAfter_, handler_, kPromote,
                                  r);
  }
  if (replica.slot == kNone) return;
  // A promoted replica takes the writes and leaves the read pool.
  const bool running = replica.lifecycle == Lifecycle::kReady && !(database_ && r == primary_);
  const bool available = running && (health_ == nullptr || health_->healthy(r));
  balancer_.setRunning(replica.slot, running);
  if (balancer_.targets()[replica.slot].available == available) return;
  balancer_.setAvailable(replica.slot, available);
  if (available) drainWaiting();
}

std::optional<health::CheckResult> ServicePool::sendProbe(ReplicaIndex r, double demand,
                                                          std::uint32_t serial, RequestIndex& out) {
  out = kNone;
  Replica& replica = replicas_[r];
  switch (replica.condition) {
    case Condition::kCrashed:
      return health::CheckResult::kRefused;
    case Condition::kHung:
    case Condition::kUnreachable:
      return std::nullopt;
    case Condition::kUp:
      break;
  }
  out = network_.acquireProbe(serial);
  Request& probe = network_.request(out);
  probe.replica = r;
  probe.hops()[0].replicaAt = r;
  probe.hops()[0].generation = replica.generation;
  probe.hops()[0].demand = demand;
  const RequestIndex index = out;
  admit(index, r);
  return std::nullopt;
}

// The primary stayed out of rotation: the first read replica in rotation becomes the primary
// (writes go there; it no longer serves reads). The old primary does not come back as one.
void ServicePool::promote() {
  for (const ReplicaIndex r : slotReplica_) {
    if (r == primary_ || !balancer_.targets()[replicas_[r].slot].available) continue;
    health::HealthEvent e;
    e.time = network_.simulator().now();
    e.target = r;
    e.from = "replica";
    e.to = "primary";
    e.available = true;
    e.why = health::Why::kPromoted;
    e.duration = promoteAfter_;
    primary_ = r;
    balancer_.setAvailable(replicas_[r].slot, false);
    balancer_.setRunning(replicas_[r].slot, false);
    network_.healthChanged(index_, r, e, "database failover");
    return;
  }
}

std::uint32_t ServicePool::scheduledReplicas() const {
  std::uint32_t n = 0;
  for (const Replica& r : replicas_) {
    if (lifecycle_ && !r.autoscaled) continue;
    n += r.lifecycle == Lifecycle::kStarting || r.lifecycle == Lifecycle::kReady ? 1 : 0;
  }
  return n;
}

std::uint32_t ServicePool::readyReplicas() const {
  std::uint32_t n = 0;
  for (const Replica& r : replicas_) {
    if (lifecycle_ && !r.autoscaled) continue;
    n += r.lifecycle == Lifecycle::kReady ? 1 : 0;
  }
  return n;
}

void ServicePool::scaleTo(std::uint32_t count) {
  std::uint32_t now = scheduledReplicas();
  // Up: the first replicas not running (a draining one is left to finish).
  for (ReplicaIndex r = 0; r < replicas_.size() && now < count; ++r) {
    if (!replicas_[r].autoscaled || replicas_[r].lifecycle != Lifecycle::kAbsent) continue;
    startReplica(r);
    ++now;
  }
  // Down: starting replicas first, then ready ones, the last started first (a ReplicaSet
  // deletes unready pods before ready ones, and newer before older).
  for (const Lifecycle which : {Lifecycle::kStarting, Lifecycle::kReady}) {
    for (auto r = static_cast<ReplicaIndex>(replicas_.size()); r-- > 0 && now > count;) {
      if (!replicas_[r].autoscaled || replicas_[r].lifecycle != which) continue;
      if (which == Lifecycle::kStarting) {
        replicaGone(r);
      } else {
        drainReplica(r);
      }
      --now;
    }
  }
}

void ServicePool::setLifecycle(ReplicaIndex r, Lifecycle next) {
  plain_ = false;
  Replica& replica = replicas_[r];
  const double now = network_.simulator().now();
  const bool was = replica.running();
  if (was) replica.runningIntegral += now - replica.runningSince;
  replica.lifecycle = next;
  if (replica.running()) replica.runningSince = now;
}

void ServicePool::startReplica(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  ++replica.lifeSerial;
  setLifecycle(r, Lifecycle::kStarting);
  replica.createdAt = network_.simulator().now();
  const double startup = lifecycle_ ? lifecycle_->startup.sample(lifecycleStream_) : 0.0;
  network_.simulator().schedule(replica.createdAt + startup, handler_, kReplicaReady,
                                lifePayload(r));
}

void ServicePool::replicaReady(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  setLifecycle(r, Lifecycle::kReady);
  replica.readyAt = network_.simulator().now();
  double factor = 1.0;
  if (lifecycle_ && lifecycle_->warmup > 0.0 && lifecycle_->warmupSpeed != 1.0) {
    factor = lifecycle_->warmupSpeed;
    network_.simulator().schedule(replica.readyAt + lifecycle_->warmup, handler_, kWarmupOver,
                                  lifePayload(r));
  }
  startProcess(r, true, factor);
  if (health_) health_->replicaStarted(r);
  healthChanged(r);
}

void ServicePool::startProcess(ReplicaIndex r, bool newHost, double factor) {
  Replica& replica = replicas_[r];
  const ImposedFaults f = network_.imposedOnNew(index_, r, newHost);
  const Condition condition = f.crashed       ? Condition::kCrashed
                              : f.unreachable ? Condition::kUnreachable
                                              : Condition::kUp;
  if (condition == Condition::kUp || replica.condition == Condition::kUp) {
    setCondition(r, condition, factor * f.speed);
    return;
  }
  // Down before and after: a new process all the same.
  replica.condition = condition;
  replica.speed = replica.baseSpeed * factor * f.speed;
  ++replica.generation;
  replica.busy = 0;
}

std::uint16_t ServicePool::callerLocality(const Request& request) const {
  if (prefer_ == BalancerSpec::Prefer::kNone) return balancing::kAnyLocality;
  return locality(network_.upstreamZone(request));
}

std::uint16_t ServicePool::locality(std::uint16_t zone) const {
  if (zone == kNoZone) return balancing::kAnyLocality;
  if (prefer_ == BalancerSpec::Prefer::kZone) return zone;
  const std::uint16_t region = network_.zoneRegion(zone);
  return region == kNoRegion ? balancing::kAnyLocality : region;
}

void ServicePool::killProcess(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  if (replica.condition == Condition::kUp) {
    setCondition(r, Condition::kCrashed, replica.speed / replica.baseSpeed);
  } else if (replica.condition == Condition::kHung) {
    replica.condition = Condition::kCrashed;
    ++replica.generation;
  }
}

void ServicePool::restartProcess(ReplicaIndex r, double downtime) {
  killProcess(r);
  healthChanged(r);
  network_.simulator().schedule(network_.simulator().now() + downtime, handler_, kRestartOver,
                                lifePayload(r));
}

void ServicePool::replaceInstance(ReplicaIndex r) {
  killProcess(r);
  startReplica(r);
  healthChanged(r);
}

void ServicePool::drainReplica(ReplicaIndex r) {
  setLifecycle(r, Lifecycle::kDraining);
  healthChanged(r);  // out of rotation at once
  const double drain = lifecycle_ ? lifecycle_->drain : 0.0;
  network_.simulator().schedule(network_.simulator().now() + drain, handler_, kDrainDeadline,
                                lifePayload(r));
  notify(r);  // gone at once if it holds nothing
}

void ServicePool::replicaGone(ReplicaIndex r) {
  Replica& replica = replicas_[r];
  ++replica.lifeSerial;
  setLifecycle(r, Lifecycle::kAbsent);
  if (replica.condition == Condition::kUp) {
    replica.condition = Condition::kCrashed;  // refuses anything that still reaches it
    ++replica.generation;
    if (pgb_ != nullptr) {
      // Its PgBouncer process stops: the pool's idle server connections close. (It is gone
      // only once nothing waits there, or after setCondition already dropped the pool.)
      std::vector<RequestIndex> waiting;
      pooledDrop(r, waiting);
      assert(waiting.empty());
    }
  }
  healthChanged(r);
}

void ServicePool::setCondition(ReplicaIndex r, Condition condition, double speedFactor) {
  plain_ = false;
  Replica& replica = replicas_[r];
  replica.speed = replica.baseSpeed * speedFactor;
  const Condition before = replica.condition;
  replica.condition = condition;
  if (condition == Condition::kUp) {
    if (before != Condition::kUp) {
      // A new process: whatever the old one held is gone for good.
      ++replica.generation;
      replica.busy = 0;
    }
    notify(r);
    return;
  }
  if (before != Condition::kUp) return;
  ++replica.generation;
  replica.busy = 0;
  std::vector<RequestIndex> queued;
  while (!replica.queue.empty()) {
    const std::uint64_t entry = replica.queue.pop();
    if (!queueEntryLive(entry, r)) continue;
    const auto index = static_cast<RequestIndex>(entry & 0xffffffffu);
    Request& request = network_.request(index);
    request.queued = false;
    queued.push_back(index);
  }
  replica.stale = 0;
  if (pgb_ != nullptr) pooledDrop(r, queued);
  notify(r);
  for (const RequestIndex index : queued) {
    Request& request = network_.request(index);
    if (request.probe) {
      if (condition == Condition::kCrashed) {
        health_->probeFinished(r, index, health::CheckResult::kRefused);
      }
      network_.releaseProbe(index);
    } else if (condition == Condition::kCrashed) {
      attemptLost(index, r, ErrorCause::kBadGateway, Failure::kReset);
    } else {
      request.parked = true;
    }
  }
}

// A slot under maxconn may have opened: requests waiting at the balancer go on, in order,
// as long as the balancer finds them a target.
void ServicePool::drainWaitingLoop() {
  // A drained request refused at its replica frees the slot again and calls back here: the
  // loop already running goes on with it, instead of a nested loop per refusal.
  draining_ = true;
  while (!waiting_.empty()) {
    const Request& request = network_.request(waiting_.front());
    const balancing::Decision d = balancer_.choose(request, 0, callerLocality(request));
    if (d.choice != balancing::Choice::kChosen) break;
    sendTo(waiting_.pop(), slotReplica_[d.target]);
  }
  draining_ = false;
}

void ServicePool::drainedCheck(ReplicaIndex r) {
  const Replica& replica = replicas_[r];
  if (replica.busy == 0 && replica.queuedThen == 0 &&
      (replica.slot == kNone || balancer_.targets()[replica.slot].active == 0)) {
    replicaGone(r);
  }
}

}  // namespace lbsim::models
