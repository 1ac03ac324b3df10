#include "models/network.h"

#include "models/autoscaler_driver.h"
#include "models/fault_injector.h"
#include "models/traffic/clients.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace lbsim::models {

namespace {
template <typename T>
std::uint32_t indexOf(const std::vector<T>& items, const std::string& id) {
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    if (items[i].id == id) return i;
  }
  throw std::invalid_argument("unknown id '" + id + "'");
}
}  // namespace

Network::Network(const ScenarioSpec& spec, std::uint64_t runSeed,
                 const balancing::PolicyRegistry& policies)
    : spec_(spec),
      runSeed_(runSeed),
      mixStream_(core::RandomStream::named(runSeed, "mix")),
      sessionStream_(core::RandomStream::named(runSeed, "sessions")),
      clientStream_(core::RandomStream::named(runSeed, "clients")),
      thinkStream_(core::RandomStream::named(runSeed, "think")),
      replayStream_(core::RandomStream::named(runSeed, "replay")),
      lagStream_(core::RandomStream::named(runSeed, "replication")) {
  handler_ = simulator_.addHandler(this);
  buildZones();
  // Streams first, then tiers: a policy keeps a pointer to its stream.
  policyStreams_.reserve(spec_.tiers.size());
  for (const TierSpec& t : spec_.tiers) {
    policyStreams_.push_back(core::RandomStream::named(runSeed, "policy:" + t.id));
  }
  for (TierIndex i = 0; i < spec_.tiers.size(); ++i) {
    tiers_.push_back(
        std::make_unique<ServicePool>(*this, i, spec_.tiers[i], policies, &policyStreams_[i]));
  }
  buildPgBouncers();
  for (const ClassSpec& c : spec_.classes) {
    if (c.route.empty() || c.route.size() > kMaxRouteLength) {
      throw std::invalid_argument("class '" + c.id + "' needs a route of 1 to " +
                                  std::to_string(kMaxRouteLength) + " tiers");
    }
    std::vector<TierIndex> route;
    std::vector<core::Distribution> service;
    std::vector<DbOperation> operation;
    std::vector<const core::Distribution*> links;
    std::string previous = "client";
    for (const std::string& tierId : c.route) {
      const core::Distribution* link = nullptr;
      for (const LinkSpec& l : spec_.network.links) {
        if (l.from == previous && l.to == tierId) link = &l.latency;
      }
      links.push_back(link);
      previous = tierId;
      const TierIndex t = indexOf(spec_.tiers, tierId);
      route.push_back(t);
      const auto demand = c.demands.find(tierId);
      if (demand != c.demands.end()) {
        service.push_back(demand->second.service.value_or(spec_.tiers[t].service));
        operation.push_back(demand->second.operation);
      } else {
        service.push_back(spec_.tiers[t].service);
        operation.push_back(DbOperation::kRead);
      }
    }
    routes_.push_back(std::move(route));
    hopService_.push_back(std::move(service));
    hopOperation_.push_back(std::move(operation));
    hopLink_.push_back(std::move(links));
  }
  if (spec_.network.client) clientLatency_ = &*spec_.network.client;
  latencyModelled_ = spec_.network.any();
  // Key popularity per cacheable class that passes a cache: the class's own, else that of
  // the first caching tier on its route.
  for (ClassIndex c = 0; c < spec_.classes.size(); ++c) {
    const ClassSpec& cls = spec_.classes[c];
    const CacheSpec* first = nullptr;
    for (const TierIndex t : routes_[c]) {
      if (spec_.tiers[t].cache && first == nullptr) first = &*spec_.tiers[t].cache;
    }
    if (!cls.cacheable || first == nullptr) {
      classKeys_.push_back(nullptr);
      continue;
    }
    cache::KeyPopularitySpec keys;
    keys.catalogue = cls.catalogue.value_or(first->catalogue);
    keys.zipfExponent = cls.zipfExponent.value_or(first->zipfExponent);
    keys.perUser = cls.perUser.value_or(first->perUser);
    classKeys_.push_back(std::make_unique<cache::KeyPopularity>(cls.id, keys));
  }
  if (spec_.traffic.replay) {
    for (const ClassSpec& c : spec_.classes) {
      const auto at = std::find(c.route.begin(), c.route.end(), spec_.traffic.replay->demandTier);
      replayDemandHop_.push_back(
          at == c.route.end() ? kNone : static_cast<std::uint32_t>(at - c.route.begin()));
    }
  }
  double cumulative = 0.0;
  for (const FlowSpec& f : spec_.traffic.mix) {
    std::vector<ClassIndex> steps;
    for (const std::string& c : f.steps)
      steps.push_back(indexOf(spec_.classes, c));
    flows_.push_back(std::move(steps));
    cumulative += f.weight;
    flowCumulativeWeight_.push_back(cumulative);
  }
  oneStepFlows_ = std::all_of(flows_.begin(), flows_.end(),
                              [](const std::vector<ClassIndex>& f) { return f.size() == 1; });
  source_ = std::make_unique<traffic::OpenSource>(
      *this, spec_.traffic, core::RandomStream::named(runSeed, "arrivals"),
      core::RandomStream::named(runSeed, "arrivals:modulation"));
  if (spec_.traffic.clients > 0 && spec_.traffic.clientSkew > 0.0) {
    clientPopularity_ =
        std::make_unique<core::Zipf>(spec_.traffic.clients, spec_.traffic.clientSkew);
  }
  linkFaults_.resize(spec_.faults.size());
  for (std::uint32_t f = 0; f < spec_.faults.size(); ++f) {
    const FaultSpec& fault = spec_.faults[f];
    if (fault.kind != FaultSpec::Kind::kLink) continue;
    linkFaults_[f].from = fault.linkFrom == "client" ? kNone : indexOf(spec_.tiers, fault.linkFrom);
    linkFaults_[f].to = indexOf(spec_.tiers, fault.linkTo);
  }
  if (!spec_.faults.empty()) faults_ = std::make_unique<FaultInjector>(*this, runSeed);
  for (TierIndex t = 0; t < spec_.tiers.size(); ++t) {
    if (spec_.tiers[t].autoscaler) {
      autoscalers_.push_back(
          std::make_unique<AutoscalerDriver>(*this, t, *spec_.tiers[t].autoscaler));
    }
  }
  // Every request carries as many hops as the longest route.
  std::uint32_t longestRoute = 1;
  for (const auto& route : routes_)
    longestRoute = std::max(longestRoute, static_cast<std::uint32_t>(route.size()));
  requests_.setHops(longestRoute);
  if (!latencyModelled_ &&
      std::none_of(spec_.faults.begin(), spec_.faults.end(),
                   [](const FaultSpec& f) { return f.kind == FaultSpec::Kind::kLink; })) {
    for (auto& tier : tiers_)
      tier->allowPlainPath();
  }
  requests_.reserve(4096);
  sessions_.reserve(4096);
  simulator_.reserveEvents(4096);
}

Network::~Network() = default;

void Network::buildPgBouncers() {
  std::vector<std::string> names;  // of pgbouncers_
  for (TierIndex t = 0; t < spec_.tiers.size(); ++t) {
    const auto& p = spec_.tiers[t].pgbouncer;
    if (!p) continue;
    const std::string name = p->instance.empty() ? "\ntier:" + spec_.tiers[t].id : p->instance;
    const auto at =
        static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    if (at == names.size()) {
      names.push_back(name);
      pgbouncers_.push_back(std::make_unique<PgBouncerInstance>());
    }
    pgbouncers_[at]->tiers.push_back(tiers_[t].get());
  }
  for (std::size_t i = 0; i < pgbouncers_.size(); ++i) {
    PgBouncerInstance& instance = *pgbouncers_[i];
    std::vector<pool::PoolSpec> pools;
    std::size_t processes = 0;
    for (ServicePool* tier : instance.tiers) {
      pools.push_back(spec_.tiers[tier->index()].pgbouncer->pool);
      processes = std::max(processes, tier->replicas().size());
    }
    const pool::PgBouncerSettings& settings =
        spec_.tiers[instance.tiers.front()->index()].pgbouncer->settings;
    instance.processes.assign(processes, pool::ConnectionPool(settings, pools, now()));
    instance.persistent =
        spec_.tiers[instance.tiers.front()->index()].pgbouncer->clientsPerCaller > 0;
    instance.deadline.assign(processes, pool::kNever);
    for (std::uint32_t p = 0; p < instance.tiers.size(); ++p)
      instance.tiers[p]->attachPgBouncer(&instance, p);
  }
}

void Network::buildZones() {
  for (const RegionSpec& region : spec_.regions) {
    const auto r = static_cast<std::uint16_t>(regionNames_.size());
    regionNames_.push_back(region.id);
    for (const std::string& zone : region.zones) {
      zoneNames_.push_back(zone);
      zoneRegion_.push_back(r);
    }
  }
  // Zones named by targets but not declared in a region belong to no region.
  for (const TierSpec& t : spec_.tiers) {
    for (const TargetSpec& target : t.targets) {
      if (!target.zone.empty() &&
          std::find(zoneNames_.begin(), zoneNames_.end(), target.zone) == zoneNames_.end()) {
        zoneNames_.push_back(target.zone);
        zoneRegion_.push_back(kNoRegion);
      }
    }
  }
  const std::size_t n = regionNames_.size();
  double cumulative = 0.0;
  for (const LocationSpec& l : spec_.traffic.locations) {
    locationNames_.push_back(l.id);
    cumulative += l.weight;
    locationCumulativeWeight_.push_back(cumulative);
  }
  locationSalt_ = core::RandomStream::named(runSeed_, "locations").nextU64();
  locationLatency_.assign(locationNames_.size() * n, nullptr);
  for (const LocationLatencySpec& l : spec_.network.locations) {
    const auto a = std::find(locationNames_.begin(), locationNames_.end(), l.location);
    const auto b = std::find(regionNames_.begin(), regionNames_.end(), l.region);
    if (a == locationNames_.end() || b == regionNames_.end()) {
      throw std::invalid_argument("unknown location or region in the latency from '" + l.location +
                                  "' to '" + l.region + "'");
    }
    locationLatency_[static_cast<std::size_t>(a - locationNames_.begin()) * n +
                     static_cast<std::size_t>(b - regionNames_.begin())] = &l.latency;
  }
  regionPairLatency_.assign(n * n, nullptr);
  for (const RegionPairSpec& pair : spec_.network.regionPairs) {
    const auto a = std::find(regionNames_.begin(), regionNames_.end(), pair.a);
    const auto b = std::find(regionNames_.begin(), regionNames_.end(), pair.b);
    if (a == regionNames_.end() || b == regionNames_.end()) {
      throw std::invalid_argument("unknown region in the latency between '" + pair.a + "' and '" +
                                  pair.b + "'");
    }
    const auto ia = static_cast<std::size_t>(a - regionNames_.begin());
    const auto ib = static_cast<std::size_t>(b - regionNames_.begin());
    regionPairLatency_[ia * n + ib] = &pair.latency;
    regionPairLatency_[ib * n + ia] = &pair.latency;
  }
}

std::uint16_t Network::zoneIndex(const std::string& zone) const {
  if (zone.empty()) return kNoZone;
  const auto it = std::find(zoneNames_.begin(), zoneNames_.end(), zone);
  if (it == zoneNames_.end()) throw std::invalid_argument("unknown zone '" + zone + "'");
  return static_cast<std::uint16_t>(it - zoneNames_.begin());
}

std::uint16_t Network::upstreamZone(const Request& request) const {
  if (request.hop == 0) return kNoZone;
  const TierIndex up = routes_[request.cls][request.hop - 1u];
  return tiers_[up]->replicas()[request.hops()[request.hop - 1u].replicaAt].zone;
}

std::uint16_t Network::clientLocation(std::uint32_t client) const {
  if (locationNames_.empty()) return kNoLocation;
  // A uniform variate of the client alone (and of the run): the same client is in the same
  // place for every request it makes, whatever else the run draws.
  std::uint64_t state = locationSalt_ ^ (0x9e3779b97f4a7c15ULL * (client + 1ULL));
  const double u = static_cast<double>(core::splitmix64(state) >> 11) * 0x1p-53 *
                   locationCumulativeWeight_.back();
  const auto at =
      std::upper_bound(locationCumulativeWeight_.begin(), locationCumulativeWeight_.end(), u);
  return static_cast<std::uint16_t>(
      std::min<std::ptrdiff_t>(at - locationCumulativeWeight_.begin(),
                               static_cast<std::ptrdiff_t>(locationNames_.size()) - 1));
}

double Network::linkLatency(const Request& request, std::uint16_t hopZone,
                            std::uint32_t direction) {
  const core::Distribution* d = hopLink_[request.cls][request.hop];
  const std::uint16_t up = d == nullptr ? upstreamZone(request) : kNoZone;
  if (d == nullptr && up == kNoZone && request.location != kNoLocation && hopZone != kNoZone) {
    // From a client, or from an edge replica with no zone (a point of presence near the
    // client), to a region: the location's latency to it, when given.
    const std::uint16_t region = zoneRegion_[hopZone];
    if (region != kNoRegion) d = locationLatency(request.location, region);
  }
  if (d == nullptr && request.hop == 0) d = clientLatency_;
  if (d == nullptr && request.hop > 0) {
    if (up == kNoZone || hopZone == kNoZone) return 0.0;
    const std::uint16_t ra = zoneRegion_[up];
    const std::uint16_t rb = zoneRegion_[hopZone];
    const NetworkSpec& net = spec_.network;
    if (up == hopZone) {
      d = net.sameZone ? &*net.sameZone : nullptr;
    } else if (ra != kNoRegion && ra == rb) {
      d = net.crossZone ? &*net.crossZone : nullptr;
    } else {
      if (ra != kNoRegion && rb != kNoRegion) d = regionPairLatency_[ra * regionNames_.size() + rb];
      if (d == nullptr) d = net.crossRegion ? &*net.crossRegion : nullptr;
    }
  }
  if (d == nullptr) return 0.0;
  // A draw of its own per request, hop and direction: the same request crosses the same
  // link with the same uniform variates whatever the balancing policy did upstream.
  core::RandomStream stream(request.seed +
                            0x9e3779b97f4a7c15ULL * (2u * request.hop + direction + 1u));
  return d->sample(stream);
}

ImposedFaults Network::imposedOnNew(TierIndex tier, ReplicaIndex replica, bool newHost) const {
  return faults_ ? faults_->imposedOnNew(tier, replica, newHost) : ImposedFaults{};
}

void Network::setLinkFault(std::uint32_t fault, bool active) {
  LinkFault& l = linkFaults_[fault];
  if (active) {
    if (l.active++ == 0) ++linkFaultsActive_;
  } else if (l.active > 0 && --l.active == 0) {
    --linkFaultsActive_;
  }
}

bool Network::linkMatches(const Request& request, std::uint32_t fault) const {
  const LinkFault& l = linkFaults_[fault];
  if (l.active == 0) return false;
  const TierIndex to = routes_[request.cls][request.hop];
  const TierIndex from = request.hop == 0 ? kNone : routes_[request.cls][request.hop - 1u];
  return l.to == to && l.from == from;
}

double Network::linkFaultDelay(const Request& request, std::uint32_t direction) const {
  double extra = 0.0;
  for (std::uint32_t f = 0; f < linkFaults_.size(); ++f) {
    const auto& d = spec_.faults[f].extraLatency;
    if (!d || !linkMatches(request, f)) continue;
    core::RandomStream stream(request.seed ^ 0x94d049bb133111ebULL ^
                              (0x9e3779b97f4a7c15ULL * (4u * request.hop + 2u * direction +
                                                        request.hops()[request.hop].tries + 1u)));
    extra += d->sample(stream);
  }
  return extra;
}

bool Network::linkLostOnFaultyLink(const Request& request) const {
  for (std::uint32_t f = 0; f < linkFaults_.size(); ++f) {
    const double p = spec_.faults[f].errorRate;
    if (p <= 0.0 || !linkMatches(request, f)) continue;
    core::RandomStream stream(
        request.seed ^ 0xbf58476d1ce4e5b9ULL ^ (0x9e3779b97f4a7c15ULL * (request.hop + 1u)) ^
        (static_cast<std::uint64_t>(request.hops()[request.hop].tries) << 56));
    if (stream.uniform01() < p) return true;
  }
  return false;
}

void Network::start() {
  for (auto& tier : tiers_)
    tier->startHealth();
  for (auto& instance : pgbouncers_)
    instance->tiers.front()->startPgBouncer();
  if (faults_) faults_->start();
  for (auto& a : autoscalers_)
    a->start();
  if (spec_.traffic.replay && !spec_.traffic.replay->requests->empty()) {
    simulator_.schedule(spec_.traffic.replay->requests->front().time, handler_, kReplay, 0);
  }
  if (flows_.empty()) return;
  if (!spec_.traffic.phases.empty()) source_->start();
  if (spec_.traffic.closed.users > 0) simulator_.schedule(0.0, handler_, kSpawnUser, 0);
}

// One request per logged line, at its logged time; the next line is scheduled as this one
// is issued, so the calendar holds one replay event at a time.
void Network::replayNext(std::size_t record) {
  const auto& requests = *spec_.traffic.replay->requests;
  const ReplayRequestSpec& r = requests[record];
  if (record + 1 < requests.size()) {
    simulator_.schedule(requests[record + 1].time, handler_, kReplay, record + 1);
  }
  const RequestIndex index =
      createRequest(r.cls, r.clientAddress, r.clientAddress, replayStream_.nextU64(), kNone);
  Request& request = requests_[index];
  const std::uint32_t hop = replayDemandHop_[r.cls];
  if (hop != kNone && r.recorded >= 0.0) request.hops()[hop].demand = r.recorded;
  enterHop(index);
}

void Network::chooseFlow(Session& session) {
  if (flows_.size() == 1) {
    session.flow = 0;  // the mix stream serves only this draw: skipping it changes nothing else
  } else {
    const double x = mixStream_.uniform01() * flowCumulativeWeight_.back();
    session.flow = static_cast<std::uint32_t>(
        std::upper_bound(flowCumulativeWeight_.begin(), flowCumulativeWeight_.end(), x) -
        flowCumulativeWeight_.begin());
    if (session.flow >= flows_.size()) {
      session.flow = static_cast<std::uint32_t>(flows_.size() - 1);
    }
  }
  session.step = 0;
  session.seed = sessionStream_.nextU64();
}

void Network::handleEvent(const core::Event& event) {
  switch (event.kind) {
    case kSpawnUser: {
      // A closed user is one client for its whole life; the next user is spawned at
      // 1/spawn_rate (Locust's spawn rate), or at once.
      const std::uint32_t s = sessions_.acquire();
      Session& session = sessions_[s];
      session.closed = true;
      session.writeVisibleAt = 0.0;
      session.client = nextClient_++;
      chooseFlow(session);
      ++usersSpawned_;
      if (usersSpawned_ < spec_.traffic.closed.users) {
        const double rate = spec_.traffic.closed.spawnRate;
        simulator_.schedule(rate > 0.0 ? usersSpawned_ / rate : now(), handler_, kSpawnUser, 0);
      }
      issue(s);
      break;
    }
    case kNextStep:
      issue(static_cast<std::uint32_t>(event.payload));
      break;
    case kResponseArrives:
      responseArrived(static_cast<RequestIndex>(event.payload));
      break;
    case kReplay:
      replayNext(static_cast<std::size_t>(event.payload));
      break;
    case kNextFlow: {
      const auto s = static_cast<std::uint32_t>(event.payload);
      chooseFlow(sessions_[s]);
      issue(s);
      break;
    }
    default:
      break;
  }
}

void Network::startSession() {
  // An open user of a one-request flow has nothing to keep between requests: its session
  // lives on the stack, drawn from the same streams in the same order, and its request
  // belongs to none (nothing of a session outlives its one request: no next step, and no
  // later read that its write could make stale).
  Session single;
  const std::uint32_t s = oneStepFlows_ ? kNone : sessions_.acquire();
  Session& session = s == kNone ? single : sessions_[s];
  session.closed = false;
  session.writeVisibleAt = 0.0;
  chooseFlow(session);
  if (spec_.traffic.clients == 0) {
    session.client = nextClient_++;
  } else {
    session.client = clientPopularity_
                         ? static_cast<std::uint32_t>(clientPopularity_->sample(clientStream_) - 1)
                         : static_cast<std::uint32_t>(clientStream_.below(spec_.traffic.clients));
  }
  issue(session, s);
}

void Network::issue(std::uint32_t sessionIndex) {
  issue(sessions_[sessionIndex], sessionIndex);
}

void Network::issue(const Session& session, std::uint32_t sessionIndex) {
  // Every demand of this request comes from its own stream, seeded by its user's seed and
  // its step: a pure function of the arrival order, whatever the tiers do.
  const std::uint64_t state = session.seed ^ (0x9e3779b97f4a7c15ULL * (session.step + 1));
  const RequestIndex index =
      createRequest(flows_[session.flow][session.step], session.client,
                    traffic::clientAddress(session.client), state, sessionIndex);
  requests_[index].sessionKey = session.seed;
  enterHop(index);
}

[[gnu::always_inline]] inline RequestIndex Network::acquireRequest() {
  return requests_.acquire();
}

RequestIndex Network::createRequest(ClassIndex cls, std::uint32_t client, std::uint32_t address,
                                    std::uint64_t state, std::uint32_t session) {
  const RequestIndex index = acquireRequest();
  Request& request = requests_[index];
  request.id = nextRequestId_++;
  request.cls = cls;
  request.client = client;
  request.clientAddress = address;
  request.sessionKey = state;
  request.session = session;
  request.hop = 0;
  request.heldWorkers = 0;
  request.region = kNoRegion;
  if (!locationNames_.empty()) request.location = clientLocation(client);
  request.failed = false;
  request.alive = true;
  request.created = now();
  // Whether it is traced is drawn beside the demand stream, not from it, so that tracing
  // never changes a result.
  core::RandomStream demandStream(core::splitmix64(state));
  // The draw is in [0, 1): with a fraction of 0 or 1 it decides nothing, and only its step
  // of the state is taken.
  if (traceFraction_ > 0.0 && traceFraction_ < 1.0) {
    const double traceDraw = static_cast<double>(core::splitmix64(state) >> 11) * 0x1p-53;
    request.traced = traceDraw < traceFraction_;
  } else {
    state += core::kSplitMixGamma;
    request.traced = traceFraction_ >= 1.0;
  }
  request.seed = core::splitmix64(state);
  request.cacheMisses = 0;
  if (const auto& keys = classKeys_[cls]) {
    // The object it asks for, from a stream of its own beside the demands'.
    core::RandomStream objectStream(request.seed ^ 0x6a09e667f3bcc909ULL);
    request.cacheKey = keys->draw(objectStream, keys->spec().perUser ? client : 0);
  }
  const auto& service = hopService_[request.cls];
  for (std::size_t h = 0; h < service.size(); ++h)
    request.hops()[h].demand = service[h].sample(demandStream);
  for (NetworkObserver* o : observers_)
    o->onRequestCreated(request, now());
  return index;
}

[[gnu::always_inline]] inline void Network::enterHop(RequestIndex index) {
  Request& request = requests_[index];
  const TierIndex t = routes_[request.cls][request.hop];
  tiers_[t]->arrive(index, hopOperation_[request.cls][request.hop]);
}

void Network::hopFinished(RequestIndex index, TierIndex tier, ReplicaIndex replica) {
  Request& request = requests_[index];
  for (NetworkObserver* o : observers_)
    o->onHopFinished(request, tier, replica, now());
  if (!lastHop(request) && classKeys_[request.cls] && tiers_[tier]->cachesClass(request.cls)) {
    // (A class whose requests bypass the cache here is not looked up; its response is stored.)
    if (tiers_[tier]->looksUp(request.cls)) {
      // The status of the fresh entry found (a 404 may be cached too), 0 for none.
      const int status = tiers_[tier]->cacheLookup(replica, request.cacheKey, now());
      const bool hit = status != 0;
      for (NetworkObserver* o : observers_)
        o->onCacheLookup(request, tier, replica, hit, now());
      if (hit) {
        // Answered from the cache: the response starts back from here, and a worker the tier
        // would have held for the downstream call is free at once.
        tiers_[tier]->releaseHeld(index);
        if (status >= 400) {
          markFailed(request, tier, replica,
                     status == 404 ? ErrorCause::kNotFound : ErrorCause::kFixedResponse, status);
        }
        respond(index);
        return;
      }
    }
    request.cacheMisses = static_cast<std::uint16_t>(request.cacheMisses | (1u << request.hop));
  }
  if (lastHop(request)) {
    // A gateway answering the request itself (a 404 for a path no rule takes, an ALB
    // fixed-response): its replica served it, and the error travels back like a response.
    const int status = spec_.classes[request.cls].fixedStatus;
    if (status >= 400) {
      markFailed(request, tier, replica,
                 status == 404 ? ErrorCause::kNotFound : ErrorCause::kFixedResponse, status);
    }
    respond(index);
    return;
  }
  ++request.hop;
  enterHop(index);
}

void Network::markFailed(Request& request, TierIndex tier, ReplicaIndex replica, ErrorCause cause,
                         int status) {
  request.failed = true;
  request.cause = static_cast<std::uint8_t>(cause);
  request.status = static_cast<std::uint16_t>(status != 0 ? status : errorCauseStatus(cause));
  request.failTier = static_cast<std::uint16_t>(tier);
  request.failHop = request.hop;
  request.failReplica = replica;
  for (NetworkObserver* o : observers_)
    o->onAttemptFailed(request, tier, replica, cause, false, now());
}

void Network::fail(RequestIndex index, TierIndex tier, ReplicaIndex replica, ErrorCause cause) {
  Request& request = requests_[index];
  markFailed(request, tier, replica, cause);
  // The caller of an orphan's attempt here has gone: nobody waits for the error.
  if (request.orphanHop == request.hop) {
    release(index);
    return;
  }
  // The tier that failed it never had it (refused or no target): the error goes back from
  // the replica upstream of it, or straight to the client.
  if (request.hop == 0) {
    finish(index);
    return;
  }
  --request.hop;
  if (passBack(index)) respond(index);
}

RequestIndex Network::detachOrphan(RequestIndex index, std::uint16_t hop) {
  const RequestIndex up = acquireRequest();
  requests_[up] = requests_[index];
  std::copy_n(requests_[index].hops(), requests_.hopsPerRequest(), requests_[up].hops());
  Request& orphan = requests_[index];
  Request& u = requests_[up];
  const auto below = static_cast<std::uint16_t>((1u << hop) - 1u);
  u.hop = hop;
  u.parked = false;
  u.heldWorkers = static_cast<std::uint16_t>(u.heldWorkers & below);
  u.cacheMisses = static_cast<std::uint16_t>(u.cacheMisses & below);
  u.connSlots = static_cast<std::uint16_t>(u.connSlots & below);
  orphan.heldWorkers = static_cast<std::uint16_t>(orphan.heldWorkers & ~below);
  orphan.cacheMisses = static_cast<std::uint16_t>(orphan.cacheMisses & ~below);
  orphan.connSlots = static_cast<std::uint16_t>(orphan.connSlots & ~below);
  orphan.orphanHop = hop;
  orphan.session = kNone;
  orphan.traced = false;
  // The timeouts of the callers above now watch the copy.
  for (std::uint16_t h = 0; h < hop; ++h) {
    if (u.orphanHop != 0xffff && h <= u.orphanHop) continue;
    tiers_[routes_[u.cls][h]]->armResponseTimer(up, h);
  }
  return up;
}

RequestIndex Network::acquireProbe(std::uint32_t serial) {
  const RequestIndex index = acquireRequest();
  Request& probe = requests_[index];
  probe.id = serial;
  probe.probe = true;
  probe.alive = true;
  probe.created = now();
  probe.hopArrival = now();
  return index;
}

bool Network::passBack(RequestIndex index) {
  Request& request = requests_[index];
  const TierIndex tier = routes_[request.cls][request.hop];
  ServicePool& pool = *tiers_[tier];
  if (!pool.sameReplica(request)) {
    // The replica the response must pass through crashed or hung since: a hung one holds
    // it (the caller's timeout will tell), a crashed one reset the caller's connection.
    request.heldWorkers = static_cast<std::uint16_t>(request.heldWorkers & ~(1u << request.hop));
    request.cacheMisses = static_cast<std::uint16_t>(request.cacheMisses & ~(1u << request.hop));
    const auto condition = pool.replicas()[request.hops()[request.hop].replicaAt].condition;
    if (condition == ServicePool::Condition::kHung ||
        condition == ServicePool::Condition::kUnreachable) {
      request.parked = true;
      return false;
    }
    if (!request.failed) {
      markFailed(request, tier, request.hops()[request.hop].replicaAt, ErrorCause::kBadGateway);
    }
    return true;
  }
  pool.releaseHeld(index);
  const auto bit = static_cast<std::uint16_t>(1u << request.hop);
  if ((request.cacheMisses & bit) != 0) {
    request.cacheMisses = static_cast<std::uint16_t>(request.cacheMisses & ~bit);
    // The response is stored for its status's validity here (an error the upstream
    // answered, such as a 404, too: proxy_cache_valid 404 1m; not one this tier made itself
    // for want of an answer). A failure that proxy_cache_use_stale lists is answered with the
    // entry the cache still holds (STALE) instead.
    const ReplicaIndex r = request.hops()[request.hop].replicaAt;
    const TierIndex upstream = routes_[request.cls][request.hop + 1u];
    if (!request.failed) {
      pool.cacheStore(r, request.cls, request.cacheKey, now(), 200);
    } else if (pool.servesStale(request, r, upstream)) {
      request.failed = false;
      for (NetworkObserver* o : observers_)
        o->onCacheStaleServed(request, tier, r, now());
    } else if (!ServicePool::madeByCaller(request, upstream)) {
      pool.cacheStore(r, request.cls, request.cacheKey, now(), request.status);
    }
  }
  return true;
}

void Network::databaseServed(RequestIndex index, TierIndex tier, ReplicaIndex replica) {
  const Request& request = requests_[index];
  const auto& lag = spec_.tiers[tier].replicationLag;
  if (!lag || request.session == kNone) return;
  Session& session = sessions_[request.session];
  if (hopOperation_[request.cls][request.hop] == DbOperation::kWrite) {
    session.writeVisibleAt = std::max(session.writeVisibleAt, now() + lag->sample(lagStream_));
  } else if (replica != 0 && session.writeVisibleAt > now()) {
    for (NetworkObserver* o : observers_)
      o->onStaleRead(request, tier, replica, now());
  }
}

void Network::answerHere(RequestIndex index, TierIndex tier, ReplicaIndex replica,
                         ErrorCause cause) {
  markFailed(requests_[index], tier, replica, cause);
  respond(index);
}

void Network::answeredHere(RequestIndex index, TierIndex tier, ReplicaIndex replica, int status) {
  Request& request = requests_[index];
  for (NetworkObserver* o : observers_)
    o->onHopFinished(request, tier, replica, now());
  if (status >= 400) markFailed(request, tier, replica, ErrorCause::kFixedResponse, status);
  respond(index);
}

void Network::respond(RequestIndex index) {
  Request& request = requests_[index];
  // The response leaves the replica: the request no longer counts in its limit_conn.
  if ((request.connSlots & (1u << request.hop)) != 0) {
    tiers_[routes_[request.cls][request.hop]]->releaseConnectionSlot(request);
  }
  if (latencyModelled_ || linkFaultsActive_ > 0) {
    const TierIndex t = routes_[request.cls][request.hop];
    double latency =
        latencyModelled_
            ? linkLatency(request,
                          tiers_[t]->replicas()[request.hops()[request.hop].replicaAt].zone, 1)
            : 0.0;
    if (linkFaultsActive_ > 0) latency += linkFaultDelay(request, 1);
    if (latency > 0.0) {
      simulator_.schedule(now() + latency, handler_, kResponseArrives, index);
      return;
    }
  }
  responseArrived(index);
}

[[gnu::always_inline]] inline void Network::responseArrived(RequestIndex index) {
  Request& request = requests_[index];
  if (request.orphanHop == request.hop) {
    release(index);  // the caller that sent it here has long given up
    return;
  }
  if (tiers_[routes_[request.cls][request.hop]]->responseReturned(index)) return;  // retried
  if (request.hop == 0) {
    finish(index);
    return;
  }
  --request.hop;
  if (passBack(index)) respond(index);
}

[[gnu::always_inline]] inline void Network::finish(RequestIndex index) {
  const Request& request = requests_[index];
  if (request.failed) {
    for (NetworkObserver* o : observers_)
      o->onRequestFailed(request, request.failTier, request.failReplica,
                         static_cast<ErrorCause>(request.cause), now());
  } else {
    for (NetworkObserver* o : observers_)
      o->onRequestCompleted(request, now());
  }
  endRequest(index);
}

// A response (success or error) ends the request; its user goes on to the next step of
// its flow, as an Artillery virtual user does on any HTTP status.
void Network::endRequest(RequestIndex index) {
  const std::uint32_t s = requests_[index].session;
  release(index);
  if (s == kNone) return;
  Session& session = sessions_[s];
  ++session.step;
  const bool more = session.step < flows_[session.flow].size();
  if (session.closed) {
    // Locust: the user waits its think time after every response, then goes on with its
    // flow or starts another one.
    const double think = spec_.traffic.closed.think.sample(thinkStream_);
    simulator_.schedule(now() + think, handler_, more ? kNextStep : kNextFlow, s);
  } else if (more) {
    issue(s);
  } else {
    sessions_.release(s);
  }
}

}  // namespace lbsim::models
