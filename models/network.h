#pragma once

#include <memory>
#include <vector>

#include "core/index_pool.h"
#include "core/random.h"
#include "core/simulator.h"
#include "core/zipf.h"
#include "models/balancing/policy.h"
#include "models/cache/key_popularity.h"
#include "models/observer.h"
#include "models/service_pool.h"
#include "models/spec.h"
#include "models/traffic/open_source.h"

namespace lbsim::models {

// The queueing network of one replication: the tiers, the traffic that drives them and
// the requests in flight, on one simulator. It routes each request along its class's
// route, hop by hop, and tells its observers what happens.
//
// Random streams, all derived from the replication's seed by name, so that changing one
// part of a scenario leaves the samples of the others alone (common random numbers):
// "arrivals" (gaps between users), "mix" (which flow a user runs), "sessions" (one seed
// per user, from which every demand of that user's requests is drawn when the request is
// created), "clients" (which client of the population a user is) and "policy:<tier>" for
// each tier's balancing policy.
class FaultInjector;
class AutoscalerDriver;
struct ImposedFaults;

class Network final : public core::EventHandler {
 public:
  Network(const ScenarioSpec& spec, std::uint64_t runSeed,
          const balancing::PolicyRegistry& policies);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  ~Network();

  core::Simulator& simulator() { return simulator_; }
  const ScenarioSpec& spec() const { return spec_; }
  void addObserver(NetworkObserver* observer) {
    observers_.push_back(observer);
    if (observer->wantsReplicaChanges()) replicaObservers_.push_back(observer);
  }

  // Schedules the traffic; then run the simulator.
  void start();
  void handleEvent(const core::Event& event) override;  // closed users' timers
  std::size_t sessionsActive() const { return sessions_.live(); }

  std::size_t tierCount() const { return tiers_.size(); }
  const ServicePool& tier(TierIndex i) const { return *tiers_[i]; }
  ServicePool& tier(TierIndex i) { return *tiers_[i]; }
  std::size_t classCount() const { return spec_.classes.size(); }
  // Tiers visited by each class, in order.
  const std::vector<TierIndex>& route(ClassIndex c) const { return routes_[c]; }
  std::size_t requestsInFlight() const { return requests_.live(); }
  std::size_t requestPoolCapacity() const { return requests_.capacity(); }

  // Fraction of requests sampled into traces (decided per request, reproducibly).
  void setTraceFraction(double fraction) { traceFraction_ = fraction; }

  // --- used by the parts of the model ---
  Request& request(RequestIndex i) { return requests_[i]; }
  void startSession();  // a user arrives and runs one flow of the mix
  // The replica at the request's current hop has served it: it goes on to the next tier,
  // or, at the end of its route, its response starts back.
  void hopFinished(RequestIndex index, TierIndex tier, ReplicaIndex replica);
  // The request fails at its current hop; the error response travels back to the client.
  void fail(RequestIndex index, TierIndex tier, ReplicaIndex replica, ErrorCause cause);
  // The replica at the request's current hop answers it itself with an error (a rate
  // limiter's rejection): the error response starts back from this hop.
  void answerHere(RequestIndex index, TierIndex tier, ReplicaIndex replica, ErrorCause cause);
  // The replica at the request's current hop served it and answers it itself with `status`
  // (a maintenance server): the response starts back from this hop, an error from 400.
  void answeredHere(RequestIndex index, TierIndex tier, ReplicaIndex replica, int status);
  void rateLimited(RequestIndex index, TierIndex tier, ReplicaIndex replica, std::size_t limit,
                   bool rejected) {
    for (NetworkObserver* o : observers_)
      o->onRateLimited(requests_[index], tier, replica, limit, rejected, now());
  }
  // The request's attempt at `tier` goes to `replica` on an upstream keep-alive connection
  // of its caller: an idle one reused, or a new one opened.
  void upstreamConnection(RequestIndex index, TierIndex tier, ReplicaIndex replica, bool reused) {
    for (NetworkObserver* o : observers_)
      o->onUpstreamConnection(requests_[index], tier, replica, reused, now());
  }
  // A PgBouncer tier's process at `replica` opened (or closed) a server connection of the
  // tier's pool.
  void poolServerChanged(TierIndex tier, ReplicaIndex replica, bool opened) {
    for (NetworkObserver* o : observers_)
      o->onPoolServer(tier, replica, opened, now());
  }
  // A database tier served the request at `replica`: writes start their replication lag,
  // reads at read replicas are checked against the user's last write.
  void databaseServed(RequestIndex index, TierIndex tier, ReplicaIndex replica);
  // What the request asks of the database at its current hop (reads unless its class says).
  DbOperation operation(const Request& request) const {
    return hopOperation_[request.cls][request.hop];
  }
  // ServicePool::prefetchArrival at the request's next hop, if any (a health check has
  // none). Only without modelled latencies: with them, the trip to the replica picked gives
  // ServicePool::sendTo's hint for that one replica its lead, and hints for every replica
  // would only add page walks.
  void prefetchNextHop(const Request& request) const {
    if (latencyModelled_ || request.probe || lastHop(request)) return;
    tiers_[routes_[request.cls][request.hop + 1u]]->prefetchArrival(request);
  }
  bool lastHop(const Request& request) const {
    return request.hop + 1u == routes_[request.cls].size();
  }
  // The zone of the replica that sent the request to its current hop (kNoZone: a client).
  std::uint16_t upstreamZone(const Request& request) const;
  // Zones by name (kNoZone for ""), and the region of a zone (kNoRegion for none).
  std::uint16_t zoneIndex(const std::string& zone) const;
  std::uint16_t zoneRegion(std::uint16_t zone) const {
    return zone == kNoZone ? kNoRegion : zoneRegion_[zone];
  }
  const std::vector<std::string>& zones() const { return zoneNames_; }
  const std::vector<std::string>& regions() const { return regionNames_; }
  // The clients' locations (`traffic locations`), and where client `client` is: a pure
  // function of the run's seed and the client (kNoLocation when none are declared).
  const std::vector<std::string>& locations() const { return locationNames_; }
  std::uint16_t clientLocation(std::uint32_t client) const;
  // The latency from a location's clients to a region (`network locations`), or null.
  const core::Distribution* locationLatency(std::uint16_t location, std::uint16_t region) const {
    return locationLatency_[std::size_t{location} * regionNames_.size() + region];
  }
  // One-way latency of the request's current hop from the upstream replica (or the
  // client) to a replica in zone `to`.
  double forwardLatency(const Request& request, std::uint16_t to) {
    double latency = latencyModelled_ ? linkLatency(request, to, 0) : 0.0;
    if (linkFaultsActive_ > 0) latency += linkFaultDelay(request, 0);
    return latency;
  }
  // Link faults (FaultSpec::Kind::kLink): fault `fault` starts or ends; whether the attempt
  // at the request's current hop is lost on a faulty link (a draw of its own).
  void setLinkFault(std::uint32_t fault, bool active);
  bool linkLost(const Request& request) const {
    return linkFaultsActive_ > 0 && linkLostOnFaultyLink(request);
  }
  // --- failures, retries, timeouts and health ---
  std::uint64_t runSeed() const { return runSeed_; }
  // What the faults under way do to a new process on the replica (FaultInjector).
  ImposedFaults imposedOnNew(TierIndex tier, ReplicaIndex replica, bool newHost) const;
  // An attempt at `tier` failed and its caller tries the request again.
  void attemptFailed(RequestIndex index, TierIndex tier, ReplicaIndex replica, ErrorCause cause) {
    for (NetworkObserver* o : observers_)
      o->onAttemptFailed(requests_[index], tier, replica, cause, true, now());
  }
  // The caller at hop `hop` - 1 stopped waiting for the request: returns a copy that carries
  // the error back up from hop `hop`; the request itself goes on downstream as an orphan.
  RequestIndex detachOrphan(RequestIndex index, std::uint16_t hop);
  // An orphan's attempt ended at the hop where its caller had left: it ends here.
  void dropOrphan(RequestIndex index) { release(index); }
  // Health check requests: in the request pool, seen by no observer.
  RequestIndex acquireProbe(std::uint32_t serial);
  // A pool entry with its hops reset.
  RequestIndex acquireRequest();
  // Bytes a request in flight takes: the pool entry and its hops.
  std::size_t bytesPerRequest() const { return requests_.bytesPerEntry(); }
  void releaseProbe(RequestIndex index) { release(index); }
  void healthChanged(TierIndex tier, ReplicaIndex replica, const health::HealthEvent& event,
                     std::string_view mechanism) {
    for (NetworkObserver* o : observers_)
      o->onHealthChanged(tier, replica, event, mechanism, now());
  }
  void autoscaled(TierIndex tier, const AutoscaleNotice& notice) {
    for (NetworkObserver* o : observers_)
      o->onAutoscaled(tier, notice, now());
  }
  void faultChanged(const FaultNotice& notice) {
    for (NetworkObserver* o : observers_)
      o->onFault(notice, now());
  }

  void replicaChanged(TierIndex tier, ReplicaIndex replica, std::uint32_t busy,
                      std::uint32_t queued) {
    for (NetworkObserver* o : replicaObservers_)
      o->onReplicaChanged(tier, replica, busy, queued, now());
  }

 private:
  struct Session {
    std::uint32_t flow = 0;
    std::uint32_t step = 0;
    std::uint32_t client = 0;
    std::uint64_t seed = 0;
    bool closed = false;          // a closed-loop user: thinks between requests, loops over flows
    double writeVisibleAt = 0.0;  // when the user's last database write reaches the replicas
  };
  enum EventKind : std::uint32_t { kSpawnUser, kNextStep, kNextFlow, kResponseArrives, kReplay };

  double now() const { return simulator_.now(); }
  void issue(std::uint32_t sessionIndex);
  void issue(const Session& session, std::uint32_t sessionIndex);  // kNone: no session
  // Creates a request of class `cls` and sends it on its route; `seedState` seeds its
  // demands, its trace draw and its network latencies.
  RequestIndex createRequest(ClassIndex cls, std::uint32_t client, std::uint32_t address,
                             std::uint64_t seedState, std::uint32_t session);
  void replayNext(std::size_t record);
  // Picks the flow a session runs next from the mix, with a fresh seed for its demands.
  void chooseFlow(Session& session);
  void enterHop(RequestIndex index);
  // The response leaves the replica at the request's current hop for the upstream side.
  void respond(RequestIndex index);
  // The response has come back to the replica at the request's current hop: it frees a held
  // worker and stores the response in a cache that missed it.
  // Returns false when the response cannot go on (a hung replica holds it).
  bool passBack(RequestIndex index);
  void responseArrived(RequestIndex index);
  void endRequest(RequestIndex index);
  // The response (or error) reached the client.
  void finish(RequestIndex index);
  // An error response is produced at `tier`: recorded on the request, told to observers.
  // `status` is the HTTP status when the cause has none of its own (kFixedResponse).
  void markFailed(Request& request, TierIndex tier, ReplicaIndex replica, ErrorCause cause,
                  int status = 0);
  void release(RequestIndex index) {
    requests_[index].alive = false;
    requests_.release(index);
  }
  // direction 0: towards the tier at the current hop; 1: the response back from it.
  double linkLatency(const Request& request, std::uint16_t hopZone, std::uint32_t direction);
  void buildZones();
  void buildPgBouncers();
  double linkFaultDelay(const Request& request, std::uint32_t direction) const;
  bool linkLostOnFaultyLink(const Request& request) const;
  bool linkMatches(const Request& request, std::uint32_t fault) const;

  ScenarioSpec spec_;
  std::uint64_t runSeed_ = 0;
  core::Simulator simulator_;
  std::vector<NetworkObserver*> observers_;
  std::vector<NetworkObserver*> replicaObservers_;  // those that want onReplicaChanged
  std::vector<std::unique_ptr<ServicePool>> tiers_;
  // PgBouncer tiers, grouped by instance (a tier with none is its own).
  std::vector<std::unique_ptr<PgBouncerInstance>> pgbouncers_;
  std::vector<core::RandomStream> policyStreams_;
  std::vector<std::vector<TierIndex>> routes_;
  std::vector<std::vector<core::Distribution>> hopService_;  // [class][hop]
  std::vector<std::vector<DbOperation>> hopOperation_;       // [class][hop]
  // An explicit link into each hop (from the previous tier, or from the client), or null.
  std::vector<std::vector<const core::Distribution*>> hopLink_;  // [class][hop]
  const core::Distribution* clientLatency_ = nullptr;            // `network client`, or null
  bool latencyModelled_ = false;
  std::vector<std::string> zoneNames_;
  std::vector<std::uint16_t> zoneRegion_;
  std::vector<std::string> regionNames_;
  // [region a * regions + region b]: latency between two regions, null: crossRegion
  std::vector<const core::Distribution*> regionPairLatency_;
  std::vector<std::string> locationNames_;
  std::vector<double> locationCumulativeWeight_;
  std::uint64_t locationSalt_ = 0;
  // [location * regions + region]: latency from the location's clients, null: none given
  std::vector<const core::Distribution*> locationLatency_;
  std::vector<std::vector<ClassIndex>> flows_;  // [flow] -> class per step
  bool oneStepFlows_ = false;                   // every flow is one request
  std::vector<double> flowCumulativeWeight_;
  std::unique_ptr<traffic::OpenSource> source_;
  std::vector<std::uint32_t> replayDemandHop_;  // [class] hop of the replay's demand tier
  // Per class: the key popularity at caches (null when no cache on its route may store it).
  std::vector<std::unique_ptr<cache::KeyPopularity>> classKeys_;
  core::RandomStream mixStream_;
  core::RandomStream sessionStream_;
  core::RandomStream clientStream_;
  core::RandomStream thinkStream_;
  core::RandomStream replayStream_;
  core::RandomStream lagStream_;
  core::HandlerId handler_ = 0;
  std::uint32_t usersSpawned_ = 0;
  std::unique_ptr<core::Zipf> clientPopularity_;
  RequestPool requests_;
  core::IndexPool<Session> sessions_;
  std::uint64_t nextRequestId_ = 0;
  std::uint32_t nextClient_ = 0;
  double traceFraction_ = 0.0;
  std::unique_ptr<FaultInjector> faults_;
  struct LinkFault {
    TierIndex from = kNone;  // kNone: the clients
    TierIndex to = 0;
    std::uint32_t active = 0;
  };
  std::vector<LinkFault> linkFaults_;  // by fault index (only kLink ones are used)
  std::uint32_t linkFaultsActive_ = 0;
  std::vector<std::unique_ptr<AutoscalerDriver>> autoscalers_;
};

}  // namespace lbsim::models
