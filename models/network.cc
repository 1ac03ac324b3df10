#include "models/network.h"

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
      mixStream_(core::RandomStream::named(runSeed, "mix")),
      sessionStream_(core::RandomStream::named(runSeed, "sessions")),
      clientStream_(core::RandomStream::named(runSeed, "clients")),
      thinkStream_(core::RandomStream::named(runSeed, "think")) {
  handler_ = simulator_.addHandler(this);
  // Streams first, then tiers: a policy keeps a pointer to its stream.
  policyStreams_.reserve(spec_.tiers.size());
  for (const TierSpec& t : spec_.tiers) {
    policyStreams_.push_back(core::RandomStream::named(runSeed, "policy:" + t.id));
  }
  for (TierIndex i = 0; i < spec_.tiers.size(); ++i) {
    tiers_.push_back(
        std::make_unique<ServicePool>(*this, i, spec_.tiers[i], policies, &policyStreams_[i]));
  }
  for (const ClassSpec& c : spec_.classes) {
    if (c.route.empty() || c.route.size() > kMaxRouteLength) {
      throw std::invalid_argument("class '" + c.id + "' needs a route of 1 to " +
                                  std::to_string(kMaxRouteLength) + " tiers");
    }
    std::vector<TierIndex> route;
    std::vector<core::Distribution> service;
    std::vector<DbOperation> operation;
    for (const std::string& tierId : c.route) {
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
  source_ = std::make_unique<traffic::OpenSource>(*this, spec_.traffic,
                                                  core::RandomStream::named(runSeed, "arrivals"));
  if (spec_.traffic.clients > 0 && spec_.traffic.clientSkew > 0.0) {
    clientPopularity_ =
        std::make_unique<core::Zipf>(spec_.traffic.clients, spec_.traffic.clientSkew);
  }
  requests_.reserve(4096);
  sessions_.reserve(4096);
  simulator_.reserveEvents(4096);
}

Network::~Network() = default;

void Network::start() {
  if (flows_.empty()) return;
  if (!spec_.traffic.phases.empty()) source_->start();
  if (spec_.traffic.closed.users > 0) simulator_.schedule(0.0, handler_, kSpawnUser, 0);
}

void Network::chooseFlow(Session& session) {
  const double x = mixStream_.uniform01() * flowCumulativeWeight_.back();
  session.flow = static_cast<std::uint32_t>(
      std::upper_bound(flowCumulativeWeight_.begin(), flowCumulativeWeight_.end(), x) -
      flowCumulativeWeight_.begin());
  if (session.flow >= flows_.size()) session.flow = static_cast<std::uint32_t>(flows_.size() - 1);
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
  const std::uint32_t s = sessions_.acquire();
  Session& session = sessions_[s];
  session.closed = false;
  chooseFlow(session);
  if (spec_.traffic.clients == 0) {
    session.client = nextClient_++;
  } else {
    session.client = clientPopularity_
                         ? static_cast<std::uint32_t>(clientPopularity_->sample(clientStream_) - 1)
                         : static_cast<std::uint32_t>(clientStream_.below(spec_.traffic.clients));
  }
  issue(s);
}

void Network::issue(std::uint32_t sessionIndex) {
  const Session& session = sessions_[sessionIndex];
  const RequestIndex index = requests_.acquire();
  Request& request = requests_[index];
  request.id = nextRequestId_++;
  request.cls = flows_[session.flow][session.step];
  request.client = session.client;
  request.clientAddress = traffic::clientAddress(session.client);
  request.sessionKey = session.seed;
  request.session = sessionIndex;
  request.hop = 0;
  request.created = now();
  // Every demand of this request comes from its own stream, seeded by its user's seed and
  // its step: a pure function of the arrival order, whatever the tiers do.
  // Whether it is traced is drawn beside that stream, not from it, so that tracing never
  // changes a result.
  std::uint64_t state = session.seed ^ (0x9e3779b97f4a7c15ULL * (session.step + 1));
  core::RandomStream demandStream(core::splitmix64(state));
  const double traceDraw = static_cast<double>(core::splitmix64(state) >> 11) * 0x1p-53;
  request.traced = traceDraw < traceFraction_;
  const auto& service = hopService_[request.cls];
  for (std::size_t h = 0; h < service.size(); ++h)
    request.demand[h] = service[h].sample(demandStream);
  for (NetworkObserver* o : observers_)
    o->onRequestCreated(request, now());
  enterHop(index);
}

void Network::enterHop(RequestIndex index) {
  Request& request = requests_[index];
  const TierIndex t = routes_[request.cls][request.hop];
  tiers_[t]->arrive(index, hopOperation_[request.cls][request.hop]);
}

void Network::hopFinished(RequestIndex index, TierIndex tier, ReplicaIndex replica) {
  Request& request = requests_[index];
  for (NetworkObserver* o : observers_)
    o->onHopFinished(request, tier, replica, now());
  ++request.hop;
  if (request.hop < routes_[request.cls].size()) {
    enterHop(index);
    return;
  }
  for (NetworkObserver* o : observers_)
    o->onRequestCompleted(request, now());
  endRequest(index);
}

void Network::fail(RequestIndex index, TierIndex tier, ReplicaIndex replica, ErrorCause cause) {
  const Request& request = requests_[index];
  for (NetworkObserver* o : observers_)
    o->onRequestFailed(request, tier, replica, cause, now());
  endRequest(index);
}

// A response (success or error) ends the request; its user goes on to the next step of
// its flow, as an Artillery virtual user does on any HTTP status.
void Network::endRequest(RequestIndex index) {
  const std::uint32_t s = requests_[index].session;
  requests_.release(index);
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
