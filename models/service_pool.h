#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ring_queue.h"
#include "core/simulator.h"
#include "core/timer_line.h"
#include "models/balancing/balancer.h"
#include "models/cache/cache_rules.h"
#include "models/cache/lru_cache.h"
#include "models/errors.h"
#include "models/pool/upstream_keepalive.h"
#include "models/ratelimit/tier_limits.h"
#include "models/spec.h"
#include "models/tier_health.h"

namespace lbsim::models {

class Network;

inline constexpr std::uint16_t kNoZone = 0xffff;

// A tier of replicas behind a balancer. Each replica is a multi-server FIFO queue:
// `workers` requests in service at once, up to `queue_limit` waiting, the rest refused
// with 503. A request's service time at a replica is its demand divided by the replica's
// speed. A database tier sends writes to its primary (replica 0) and balances reads over
// its read replicas (over the primary when it has none).
//
// The balancer counts a request as active on its replica from the pick until the response
// has come back through the hop (downstream tiers and network included), as nginx and
// HAProxy count a connection to an upstream server. A replica's worker is freed when its
// own service ends, or, for a tier that holds workers, when the response comes back.
class ServicePool;

// A PgBouncer's processes, shared by the tiers that are its pools (spec `pgbouncer.instance`):
// replica r of each of those tiers is process r, and pool i of a process is tiers[i]'s.
struct PgBouncerInstance {
  std::vector<pool::ConnectionPool> processes;  // by replica
  std::vector<ServicePool*> tiers;              // by pool index
  std::vector<double> deadline;                 // each process's pending timer event
  // Persistent client connections (clients_per_caller): the request each client id is
  // serving (kNone between requests), and the ids free for new connections. Without them a
  // request's client id is its own index.
  bool persistent = false;
  std::vector<RequestIndex> requestOf;
  std::vector<std::uint32_t> freeClients;
  RequestIndex requestOfClient(std::uint32_t client) const {
    return persistent ? requestOf[client] : client;
  }
};

class ServicePool final : public core::EventHandler {
 public:
  // What a fault did to a replica.
  enum class Condition : std::uint8_t {
    kUp,
    kCrashed,      // refuses connections
    kHung,         // takes requests, answers none
    kUnreachable,  // nothing reaches it: connecting times out
  };
  // Where a replica is in its life (autoscaled tiers; others are always kReady).
  enum class Lifecycle : std::uint8_t { kAbsent, kStarting, kReady, kDraining };
  struct Replica {
    std::string name;
    std::uint32_t workers = 1;
    std::uint32_t queueLimit = kUnboundedQueue;
    std::uint32_t reserve = 0;  // extra workers for requests that waited `reserveAfter`
    double reserveAfter = 0.0;
    double queueTimeout = 0.0;  // 0: none
    int fixedResponse = 0;      // answers every request itself with this status (0: no)
    std::uint32_t stale = 0;    // queue entries of requests that left it (timed out, reserve)
    double speed = 1.0;
    // How long serving `demand` takes: demand / speed, without the division's latency at the
    // usual speed of 1 (where the quotient is the demand exactly).
    double serviceTime(double demand) const { return speed == 1.0 ? demand : demand / speed; }
    std::uint32_t busy = 0;
    std::uint32_t slot = kNone;    // index among the balancer's targets, if it is one
    std::uint16_t zone = kNoZone;  // index into the network's zones
    Condition condition = Condition::kUp;
    std::uint16_t generation = 0;  // changes when it crashes or hangs: what it held is gone
    double baseSpeed = 1.0;        // its speed without a slow-down fault
    Lifecycle lifecycle = Lifecycle::kReady;
    // The tier's autoscaler starts and stops it (an autoscaled tier's backups are not its:
    // they run from the start and are not counted, sampled or replaced by it).
    bool autoscaled = false;
    std::uint32_t lifeSerial = 0;  // tells this life's timers from an earlier one's
    double createdAt = 0.0;
    double readyAt = 0.0;
    // Seconds it has run (ready or draining) up to `runningSince`, when it last started
    // running; the capacity of an autoscaled tier over time.
    double runningIntegral = 0.0;
    double runningSince = 0.0;
    bool running() const {
      return lifecycle == Lifecycle::kReady || lifecycle == Lifecycle::kDraining;
    }
    double runningSeconds(double now) const {
      return runningIntegral + (running() ? now - runningSince : 0.0);
    }
    // For utilization and the autoscalers' metrics: the integrals of busy workers and of
    // waiting requests up to `changedAt` (when `busyThen` and `queuedThen` became the counts),
    // and the requests that reached it.
    double busyIntegral = 0.0;
    double queuedIntegral = 0.0;
    double changedAt = 0.0;
    std::uint32_t busyThen = 0;
    std::uint32_t queuedThen = 0;
    std::uint64_t arrivals = 0;
    // Waiting requests: index | id << 32 (an entry whose request left the queue early is
    // skipped when it comes up); `waiting()` is how many really wait, there and (a PgBouncer
    // tier) for a server connection.
    core::RingQueue<std::uint64_t> queue;
    std::uint32_t pooledWaiting = 0;
    std::size_t waiting() const { return queue.size() - stale + pooledWaiting; }
    // Worker-seconds busy and request-seconds waiting since the run started.
    double busySeconds(double now) const { return busyIntegral + busyThen * (now - changedAt); }
    double queuedSeconds(double now) const {
      return queuedIntegral + queuedThen * (now - changedAt);
    }
  };

  // The tier's balancing policy is created from `policies`, with its own random stream.
  ServicePool(Network& network, TierIndex index, const TierSpec& spec,
              const balancing::PolicyRegistry& policies, core::RandomStream* policyStream);

  // A request arrives at this tier (its hop points here): the balancer picks a replica
  // and the request travels to it.
  void arrive(RequestIndex index, DbOperation operation);
  // The network has no latencies and no link faults: a tier none of whose per-request
  // mechanisms is configured (health checks, timeouts, rate limits, caches, keep-alive,
  // PgBouncer, a database's roles, held workers, reserve workers, queue timeouts, fixed
  // responses, locality, autoscaling) gives its requests the short path (arrivePlain and the
  // start of serviceDone), which does what the general one does for such a tier, in the same
  // order. A fault or a lifecycle change at the tier ends it for the rest of the run.
  void allowPlainPath();
  bool plain() const { return plain_; }
  // Every request takes the general path (for tests that compare the two).
  void forbidPlainPath() { plain_ = false; }
  void handleEvent(const core::Event& event) override;
  // The response from this hop has reached the upstream side: the balancer's count drops,
  // passive health learns the result. Returns true when the caller tries the request again
  // at this tier instead (a retry on a 5xx answer); it is then this tier's again.
  bool responseReturned(RequestIndex index);
  // Whether the replica at the request's current hop is still the one it was sent to (it did
  // not crash or hang since).
  // Hints for the lookups the request will make when it arrives here (they change nothing):
  // its rate limiters' state at each replica it may be sent to, asked for while the request
  // is still served upstream, so that the cache misses of the lookups overlap with the
  // events in between.
  void prefetchArrival(const Request& request) const;
  bool sameReplica(const Request& request) const {
    return request.hops()[request.hop].generation ==
           replicas_[request.hops()[request.hop].replicaAt].generation;
  }

  // --- faults and health ---
  // A fault starts (or ends, with kUp and factor 1): the replica's condition and its speed
  // as a multiple of its own.
  void setCondition(ReplicaIndex replica, Condition condition, double speedFactor);
  // Starts the health checks (after the network is built).
  void startHealth() {
    if (health_) health_->start();
  }
  // Sends a check request of `demand` seconds to the replica. Returns the result when it is
  // known at once (refused); otherwise `request` is the check in the replica (kNone when it
  // went nowhere: a hung or unreachable replica, which the check's timeout will judge).
  std::optional<health::CheckResult> sendProbe(ReplicaIndex replica, double demand,
                                               std::uint32_t serial, RequestIndex& request);
  // The health mechanisms changed their view of the replica: the balancer follows.
  void healthChanged(ReplicaIndex replica);
  // A Kubernetes liveness restart: the container is killed (what it holds is reset) and a
  // new one runs `downtime` seconds later; meanwhile connections are refused.
  void restartProcess(ReplicaIndex replica, double downtime);
  // Auto Scaling replaces an unhealthy instance: it is terminated (what it holds is reset)
  // and a new one launched in its place, which starts as any new replica does.
  void replaceInstance(ReplicaIndex replica);
  const TierHealth* health() const { return health_.get(); }
  // --- autoscaling ---
  // Starts or stops replicas so that `count` are starting or ready (the autoscaler's desired
  // count), within the tier's targets.
  void scaleTo(std::uint32_t count);
  // Replicas starting or ready (what a scale target has), and those ready; an autoscaled
  // tier counts only the replicas its autoscaler manages.
  std::uint32_t scheduledReplicas() const;
  std::uint32_t readyReplicas() const;
  // Attempts at this tier that failed (refused, reset, timed out, no replica, queue full).
  std::uint64_t failures() const { return failures_; }
  // Arms the response timeout of the request's attempt at this tier at hop `hop`.
  void armResponseTimer(RequestIndex index, std::uint16_t hop);
  // The response from downstream has reached this hop's replica: a held worker is freed.
  void releaseHeld(RequestIndex index);
  // The request's attempt at this tier ended (its response left the replica, or it failed
  // there): the nginx limit_conn slot it holds at its current hop is given back.
  void releaseConnectionSlot(Request& request);
  // limit_conn slots held at the replica by the requests of its current process.
  std::uint64_t connectionsHeld(ReplicaIndex replica) const;
  // Upstream keep-alive: connections from the calling replicas to this tier's replicas that
  // carry a request now.
  std::uint64_t keepaliveInUse() const;

  TierIndex index() const { return index_; }
  const std::string& id() const { return id_; }
  const std::vector<Replica>& replicas() const { return replicas_; }
  std::uint32_t totalWorkers() const { return totalWorkers_; }
  // Requests waiting at the balancer because every target is at its maxconn.
  std::size_t waitingAtBalancer() const { return waiting_.size(); }
  balancing::Balancer& balancer() { return balancer_; }
  const balancing::Balancer& balancer() const { return balancer_; }
  // Whether the balancer sends requests to the replica (false also for a replica that is no
  // balancer target: a database primary behind read replicas).
  bool inRotation(ReplicaIndex replica) const {
    const std::uint32_t slot = replicas_[replica].slot;
    return slot != kNone && balancer_.targets()[slot].available;
  }
  bool holdsWorkers() const { return holdWorker_; }
  bool caches() const { return !caches_.empty(); }
  // Whether this tier's caches deal with requests of a class at all, look them up, and store
  // their responses (nginx: the rules of the location the class's path takes).
  bool cachesClass(ClassIndex c) const {
    return c < classCaching_.size() && (classCaching_[c].lookup || classCaching_[c].store);
  }
  bool looksUp(ClassIndex c) const { return classCaching_[c].lookup; }
  // The tier's rate limiters (null when it has none).
  const ratelimit::TierLimits* limits() const { return limits_.get(); }
  // The replica's cache: whether it holds a fresh response for `key` (and counts the use),
  // and storing a response that came back from upstream.
  // The status of the fresh response the replica's cache holds for `key`, 0 for none.
  int cacheLookup(ReplicaIndex replica, std::uint64_t key, double now) {
    const cache::CacheLookup found = caches_[replica].lookup(key, now);
    return found.result == cache::CacheResult::kFresh ? found.status : 0;
  }
  // Stores a response of class `c` with `status`, for the validity the class's rules give
  // that status (nothing when they give none, or do not store the class).
  void cacheStore(ReplicaIndex replica, ClassIndex c, std::uint64_t key, double now, int status) {
    if (!classCaching_[c].store) return;
    if (const auto valid = cache::validityOf(classCaching_[c].valid, status)) {
      caches_[replica].store(key, now, *valid, classCaching_[c].bytes,
                             static_cast<std::uint16_t>(status));
    }
  }
  // Makes the tier pool `poolIndex` of a PgBouncer `instance` (Network does, once the tiers
  // exist); the first tier attached schedules the processes' timers.
  void attachPgBouncer(PgBouncerInstance* instance, std::uint32_t poolIndex);
  const PgBouncerInstance* pgbouncer() const { return pgb_; }
  // Persistent client connections in use, and requests waiting for one, at all callers.
  std::uint64_t appConnectionsInUse() const;
  std::uint64_t appConnectionWaits() const;
  // When the run starts: the first tier of an instance starts its processes' timers.
  void startPgBouncer();
  // Whether the failed response of `request` was made by the caller of `upstream` for want of
  // an answer from it (a timeout, a refused or reset connection, no target to pick: nginx's
  // own 502 and 504), rather than answered by `upstream` or a tier beyond it.
  static bool madeByCaller(const Request& request, TierIndex upstream) {
    const auto cause = static_cast<ErrorCause>(request.cause);
    return request.failTier == upstream &&
           (cause == ErrorCause::kGatewayTimeout || cause == ErrorCause::kBadGateway ||
            cause == ErrorCause::kNoHealthyUpstream);
  }
  // nginx proxy_cache_use_stale: whether the failed response of `request` (its attempt at this
  // tier's upstream `upstream` failed, or an upstream answered an error) is replaced by the
  // entry the replica's cache still holds for its key.
  bool servesStale(const Request& request, ReplicaIndex replica, TierIndex upstream) const;

  // Whether this tier's cache (it has one) may store responses of class `c`: its method,
  // cacheability, the cache's paths and, at an nginx gateway, the location's directives.
  static bool mayStore(const TierSpec& spec, const ClassSpec& c);
  // The same for looking requests of class `c` up.
  static bool mayLookUp(const TierSpec& spec, const ClassSpec& c);

 private:
  // prefetchArrival asks for each replica's limiter state up to this many replicas (one of
  // them will be picked; beyond a few the hints cost more than the misses they hide).
  static constexpr std::size_t kPrefetchReplicas = 4;
  enum EventKind : std::uint32_t {
    kServiceDone,
    kReachReplica,
    kLimitDelayOver,
    kConnectTimeout,   // | hop << 8 | try << 16
    kResponseTimeout,  // | hop << 8 | try << 16
    kRetry,
    kPromote,            // payload: the primary when its promotion timer started
    kReplicaReady,       // payload: replica | life serial << 32
    kWarmupOver,         // payload: replica | life serial << 32
    kDrainDeadline,      // payload: replica | life serial << 32
    kQueueTimeout,       // | hop << 8 | try << 16
    kReserveDue,         // | hop << 8 | try << 16
    kRestartOver,        // payload: replica | life serial << 32
    kTimerLine,          // | line << 8: the head of timerLines_[line] is due
    kPgBouncerDue,       // payload: replica; the PgBouncer process has a timer due
    kAppConnectionFree,  // a persistent connection freed for the request waiting for it
  };
  // The timers of one fixed delay each, kept off the calendar (core::TimerLine).
  enum TimerLineIndex : std::uint32_t {
    kConnectLine,
    kResponseLine,
    kQueueLine,
    kReserveLine,
    kTimerLines,
  };
  // How an attempt at a replica failed, as the caller sees it.
  enum class Failure : std::uint8_t {
    kRefused,          // connection refused: the replica is down
    kReset,            // the replica went down with the request
    kConnectTimeout,   // nothing answered the connection
    kResponseTimeout,  // no response in time
    kStatus,           // it answered with an error status (503 queue full)
  };
  void admit(RequestIndex index, ReplicaIndex replica);
  void arrivePlain(RequestIndex index);
  struct ClassCaching {
    bool lookup = false;
    bool store = false;
    // Validity by status (proxy_cache_valid lines in order; the tier's ttl for 200 alone
    // without nginx rules).
    std::vector<cache::CacheValidity> valid;
    std::uint64_t bytes = 1;     // a response's size (counts against max_size)
    std::uint16_t useStale = 0;  // proxy_cache_use_stale conditions (cache::staleBit)
  };
  static ClassCaching classCaching(const TierSpec& spec, const ClassSpec& c);
  // nginx limit_conn, after the other limits let the request in: false when it rejected the
  // request (answered here).
  bool takeConnectionSlot(RequestIndex index, ReplicaIndex replica);
  // nginx upstream keep-alive: the connection from the calling replica to `replica` for the
  // request's attempt here; returns how long opening it takes (0 when an idle one is reused).
  double takeConnection(RequestIndex index, ReplicaIndex replica);
  // The attempt at hop `hop` is over: its connection goes back to the caller's cache, or is
  // closed when the attempt ended without a response over it (`reusable` false).
  void returnConnection(RequestIndex index, std::uint16_t hop, bool reusable);
  pool::UpstreamKeepalive& keepaliveCache(const Request& request, std::uint16_t hop);
  // A rate limiter at the replica answers the request itself with `status`.
  void rejectHere(RequestIndex index, ReplicaIndex replica, std::size_t which,
                  std::uint16_t status);
  // A zone as the balancer's locality: the zone, or its region (kAnyLocality: none).
  std::uint16_t locality(std::uint16_t zone) const;
  // Where the request's caller runs, when the balancer prefers locality.
  std::uint16_t callerLocality(const Request& request) const;
  // Asks the balancer for a replica (none of `exclude`) and sends the request there, queues
  // it at the balancer, or fails it with `noTarget` when no replica may take it.
  void place(RequestIndex index, std::uint64_t exclude, ReplicaIndex last, ErrorCause noTarget);
  void sendTo(RequestIndex index, ReplicaIndex replica);
  void dispatch(RequestIndex index, ReplicaIndex replica);
  void startService(ReplicaIndex replica, RequestIndex index);
  void serviceDone(RequestIndex index);
  // The request's worker (a PgBouncer tier: its server connection) at `replica` is free.
  void releaseWorker(ReplicaIndex replica, RequestIndex index);
  // Starts waiting requests while a worker is free (a reserve one for those that waited long
  // enough); drops the entries of requests that left the queue.
  void serveQueue(ReplicaIndex replica);
  // Sends requests waiting at the balancer while it finds them a replica (inline: mostly
  // none wait).
  void drainWaiting() {
    if (!waiting_.empty() && !draining_) drainWaitingLoop();
  }
  void drainWaitingLoop();
  // The replica's busy workers or queue changed: its time averages move on, a draining
  // replica with nothing left goes, and the replica observers hear of it. Inline where the
  // service path calls it; the draining case is a call.
  void notify(ReplicaIndex replica);
  void drainedCheck(ReplicaIndex replica);
  void promote();
  // Moves a replica along its life, keeping the integral of the time it runs.
  void setLifecycle(ReplicaIndex replica, Lifecycle next);
  void startReplica(ReplicaIndex replica);
  void replicaReady(ReplicaIndex replica);
  void drainReplica(ReplicaIndex replica);
  void replicaGone(ReplicaIndex replica);
  // The process on the replica is killed: connections are refused, what it held is reset (a
  // hung process's requests are left to their callers' timeouts).
  void killProcess(ReplicaIndex replica);
  // A new process runs on the replica from now, under the faults that outlive the old one;
  // `factor`: its speed as a share of the replica's (a warm-up).
  void startProcess(ReplicaIndex replica, bool newHost, double factor);
  std::uint64_t lifePayload(ReplicaIndex r) const {
    return r | (static_cast<std::uint64_t>(replicas_[r].lifeSerial) << 32);
  }
  // The current attempt of the request at this tier failed: it is tried again, or the
  // error goes back to the caller.
  void attemptFailed(RequestIndex index, ReplicaIndex replica, ErrorCause cause, Failure how);
  bool mayRetry(const Request& request, ErrorCause cause, Failure how) const;
  void attemptLost(RequestIndex index, ReplicaIndex replica, ErrorCause cause, Failure how);
  void retry(RequestIndex index);
  void attemptEnded(const Request& request);
  // Remembers the replica among those tried at the request's hop (nginx tries each once).
  void markTried(Request& request, ReplicaIndex replica) const;
  // Whether a queue entry (index | id << 32) is still a waiting request, not one that left.
  bool queueEntryLive(std::uint64_t entry, ReplicaIndex r) const;
  // Whether HAProxy's next try of the request, after a failure at `last`, goes to a server
  // the balancer picks rather than to `last` again.
  bool redispatches(const Request& request, ReplicaIndex last) const;
  // Non-backup replicas in rotation (HAProxy's srv_act).
  std::uint32_t activeServers() const;
  static std::uint32_t timerKind(const Request& request) {
    return (static_cast<std::uint32_t>(request.hop) << 8) |
           (static_cast<std::uint32_t>(request.hops()[request.hop].tries) << 16);
  }
  std::uint64_t timerPayload(RequestIndex index) const;
  bool timerValid(RequestIndex index, std::uint64_t payload) const;
  void responseTimeout(RequestIndex index, std::uint16_t hop);
  // PgBouncer: the request asks process `r` for a server connection.
  void pooledAdmit(RequestIndex index, ReplicaIndex r);
  // It got one, usable after `setup` (a new connection being opened).
  void pooledStart(ReplicaIndex r, RequestIndex index, double setup, bool opened);
  // What process `r` did (copied: handling one may call the process again).
  void pooledEvents(ReplicaIndex r, std::span<const pool::PoolEvent> events);
  void pooledEvent(ReplicaIndex r, const pool::PoolEvent& e);
  void pooledSchedule(ReplicaIndex r);
  // The process went down with the replica: this pool's clients and servers are gone; the
  // requests that were waiting are appended to `waiting`.
  void pooledDrop(ReplicaIndex r, std::vector<RequestIndex>& waiting);
  // Persistent client connections (pgbouncer clients_per_caller).
  struct AppConnection {
    ReplicaIndex replica = kNone;  // the PgBouncer replica it is open to; kNone: closed
    std::uint16_t generation = 0;  // that replica's generation when it was opened
    std::uint32_t client = kNone;  // its client id at the process
    bool busy = false;
  };
  struct CallerConnections {
    std::vector<AppConnection> connections;
    core::RingQueue<RequestIndex> waiting;  // requests waiting for a free connection
  };
  // The request arrives from its caller's replica: it takes a free connection (opening one to
  // a replica the balancer picks if it may) or waits for one.
  void appArrive(RequestIndex index);
  void appUse(RequestIndex index, CallerConnections& caller, std::uint32_t k, bool opened);
  // The request's attempt here ended: its connection is free again (closed unless
  // `reusable`), and the next request waiting at its caller takes it.
  void appRelease(RequestIndex index, bool reusable);
  void appClose(AppConnection& c);
  void appHandOff(RequestIndex index);
  std::uint32_t pooledClient(RequestIndex index) const;

  Network& network_;
  TierIndex index_;
  std::string id_;
  bool database_;
  bool holdWorker_;
  core::HandlerId handler_;
  core::TimerLine timerLines_[kTimerLines];
  std::vector<Replica> replicas_;
  std::vector<ReplicaIndex> slotReplica_;  // balancer target -> replica
  balancing::Balancer balancer_;
  std::uint32_t totalWorkers_ = 0;
  core::RingQueue<RequestIndex> waiting_;
  std::vector<cache::LruCache> caches_;            // per replica, when the tier caches
  std::unique_ptr<ratelimit::TierLimits> limits_;  // null when the tier limits nothing
  // Per replica: the generation whose requests its limit_conn zones count (a new process
  // starts them empty, when its first request asks for a slot).
  std::vector<std::uint16_t> connGeneration_;
  // Upstream keep-alive towards this tier: the idle connections each calling replica keeps
  // ([caller tier][caller replica], made at first use), and the connection each request's
  // attempt here travels on (by request index; kNone: none).
  std::optional<pool::KeepaliveSettings> keepalive_;
  std::vector<std::vector<std::unique_ptr<pool::UpstreamKeepalive>>> keepaliveCaches_;
  std::vector<std::uint32_t> connectionOf_;
  std::vector<ClassCaching> classCaching_;  // by class
  PgBouncerInstance* pgb_ = nullptr;        // a PgBouncer tier: the processes it is a pool of
  std::uint32_t pgbPool_ = 0;
  std::uint32_t clientsPerCaller_ = 0;
  std::unordered_map<std::uint64_t, CallerConnections> callerConnections_;  // caller tier, replica
  // By request index: the caller's connections and which one it holds (null: none).
  std::vector<std::pair<CallerConnections*, std::uint32_t>> heldConnection_;
  std::vector<pool::PoolEvent> pgbEvents_;
  bool draining_ = false;
  std::unique_ptr<TierHealth> health_;  // null when no health mechanism is configured
  core::RandomStream healthStream_;
  TimeoutSpec timeouts_;
  std::optional<RetrySpec> retries_;
  // The balancer picks by a hash of the client or by a cookie (HAProxy: a hash-based
  // algorithm or persistence), so a redispatch would not move the request elsewhere.
  bool persistentPick_ = false;
  std::vector<bool> idempotent_;  // by class: may be retried after it was sent
  ReplicaIndex primary_ = 0;      // database: the replica that takes the writes
  double promoteAfter_ = 0.0;
  std::optional<LifecycleSpec> lifecycle_;  // autoscaled tiers
  BalancerSpec::Prefer prefer_ = BalancerSpec::Prefer::kNone;
  core::RandomStream lifecycleStream_;
  core::RandomStream steeringStream_;  // random steering's draws
  bool plain_ = false;                 // see allowPlainPath
  std::uint32_t inFlight_ = 0;         // attempts at this tier under way
  std::uint32_t retriesInFlight_ = 0;
  std::uint64_t failures_ = 0;
};

// The replicas of a tier that its balancer spreads requests over: all of them, except
// that a database with read replicas balances reads over the read replicas only.
std::vector<ReplicaIndex> balancedReplicas(const TierSpec& spec);

// The policy context of a tier's balancer, without the random stream and clock.
balancing::PolicyContext policyContext(const TierSpec& spec);

}  // namespace lbsim::models
