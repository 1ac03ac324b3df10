#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/distributions.h"
#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/hpa_controller.h"
#include "models/autoscaling/threshold_rule.h"
#include "models/balancing/policy.h"
#include "models/pool/connection_pool.h"

namespace lbsim::models {

// The scenario as the model consumes it: plain values, every default already filled in.
// The YAML language that produces it lives in scenarios/; models never sees a file.

inline constexpr std::uint32_t kUnboundedQueue = std::numeric_limits<std::uint32_t>::max();

// One Artillery-style phase: `duration` seconds at `rate` arrivals/s, or a linear ramp
// from `rate` to `rampTo`.
struct PhaseSpec {
  std::string name;
  double duration = 0.0;
  double rate = 0.0;
  std::optional<double> rampTo;
};

// How arrivals are spaced around the rate the phases give. Every process is run in
// "operational time" (the integral of the rate), so its long-run rate is the phases' rate.
enum class ArrivalProcess {
  kPoisson,           // exponential gaps: a non-homogeneous Poisson process following the phases
  kUniform,           // evenly spaced arrivals, as Artillery itself emits them
  kHyperexponential,  // renewal gaps with coefficient of variation `burstCv` > 1 (bursty)
  kMmpp,              // Markov-modulated Poisson: the rate times the factor of a hidden state
};

// A Markov-modulated Poisson process state: while in it, arrivals come at `factor` times the
// phases' rate; it lasts an exponential time of mean `meanSojourn` and then moves to another
// state (uniformly among the others). Factors are normalized so that their long-run mean,
// weighted by the time spent in each state, is 1.
struct MmppStateSpec {
  double factor = 1.0;
  double meanSojourn = 1.0;
};

// A spike: the rate is multiplied by `factor` from `at` for `duration` seconds (a 10x step,
// as in the 10x-spike load test).
struct SpikeSpec {
  double at = 0.0;
  double duration = 0.0;
  double factor = 1.0;
};

// A daily (or any period's) curve multiplying the rate. Either given as `points`: factors at
// evenly spaced times over the period (points[i] at i * period / n), linear in between and
// wrapping around; or as a cosine between `minFactor` (at peakAt + period/2) and 1 (at peakAt).
struct DiurnalSpec {
  double period = 86400.0;
  double peakAt = 0.0;     // seconds into the period (and into the run) of the peak
  double minFactor = 1.0;  // the trough as a fraction of the peak
  std::vector<double> points;
};

// An entry of the request mix: a weighted flow of request classes that one arriving
// user runs in order, each step after the previous one's response (Artillery's
// `scenarios` with `weight` and `flow`). A single-class entry is a flow of one step.
struct FlowSpec {
  std::string name;
  double weight = 1.0;
  std::vector<std::string> steps;  // class ids
};

// Closed-loop users, as Locust runs them: `users` users started at `spawnRate` per second
// (all at once when 0); each runs a flow of the mix, waits a think time after every response
// (Locust's wait_time), and starts another flow when one ends, until the run ends.
struct ClosedSpec {
  std::uint32_t users = 0;
  double spawnRate = 0.0;
  core::Distribution think;  // deterministic 0 unless given
};

// Replay of a recorded access log: one request per line, at the logged arrival times
// (relative to the first, divided by `speed`), of the class its path maps to, from the
// logged client address.
struct ReplayRequestSpec {
  double time = 0.0;      // seconds from the start of the run
  std::uint32_t cls = 0;  // index into ScenarioSpec::classes
  std::uint32_t clientAddress = 0;
  double recorded = -1.0;  // the logged duration used as a demand (seconds), < 0: none
};

struct ReplayClassRule {
  std::string location;  // nginx location syntax, matched against the logged path
  std::string cls;       // class id
};

struct ReplaySpec {
  std::string file;    // as resolved (absolute, or relative to the working directory)
  std::string format;  // a preset name (main_ext, combined, ...) or a log_format string
  double speed = 1.0;  // 10: ten times faster than recorded
  std::vector<ReplayClassRule> classes;
  std::string defaultClass;  // for paths no rule matches; empty: such a line is an error
  // The tier whose demand is the logged time instead of a sample, and which logged time:
  // request_time or upstream_response_time. Empty: demands are sampled as usual.
  std::string demandTier;
  std::string demandField = "request_time";
  std::shared_ptr<const std::vector<ReplayRequestSpec>> requests;  // read by the loader
};

// Where a share of the clients are (`traffic locations`).
struct LocationSpec {
  std::string id;
  double weight = 1.0;  // > 0; the shares are the weights over their sum
  // The broader areas it is in, most specific first (a data center's country and
  // continent): where a steering balancer lists no order for the location itself, the
  // first area it lists one for gives it (Cloudflare: pop_pools, then country_pools, then
  // region_pools).
  std::vector<std::string> within;
};

struct TrafficSpec {
  std::vector<PhaseSpec> phases;  // open arrivals; may be empty when there are closed users
  ClosedSpec closed;
  ArrivalProcess process = ArrivalProcess::kPoisson;
  double burstCv = 1.0;                   // kHyperexponential: cv of the gaps (> 1)
  std::vector<MmppStateSpec> mmppStates;  // kMmpp: two or more states
  std::vector<SpikeSpec> spikes;
  std::optional<DiurnalSpec> diurnal;
  std::optional<ReplaySpec> replay;
  std::vector<FlowSpec> mix;  // may be empty when the traffic is a replay only
  // Where the clients are (a country, a metro, a continent: any name): each client is in
  // one location, drawn by these weights; empty: clients have no location.
  std::vector<LocationSpec> locations;
  // Size of the client population; 0 gives each arriving user its own identity.
  std::uint32_t clients = 0;
  // How unevenly clients are active: a user is client k (rank k = 1..clients) with
  // probability proportional to k^-clientSkew (Zipf); 0 draws clients uniformly.
  double clientSkew = 0.0;
};

enum class DbOperation { kRead, kWrite };

// What a request class asks of one tier on its route.
struct HopDemandSpec {
  std::optional<core::Distribution> service;   // the tier's default when absent
  DbOperation operation = DbOperation::kRead;  // database tiers: writes go to the primary
};

struct ClassSpec {
  std::string id;
  std::vector<std::string> route;                // tier ids, in the order visited
  std::map<std::string, HopDemandSpec> demands;  // by tier id
  // The request line the class stands for: what routing rules at gateways match.
  std::string method = "GET";
  std::string path{};  // empty: no routing tier on the route
  std::string host{};
  // Cacheable responses (for caches in front of the tiers); false: never cached.
  bool cacheable = true;
  // Its requests satisfy a location's proxy_cache_bypass (they send Cache-Control, or an
  // Upgrade header): where the location has one, no lookup, but the response is stored.
  bool cacheBypass = false;
  // The class's own key popularity at caches (catalogue size, Zipf exponent, per-user keys);
  // absent: each caching tier's defaults.
  std::optional<std::uint64_t> catalogue{};
  std::optional<double> zipfExponent{};
  std::optional<bool> perUser{};
  // The size of its responses in bytes, for caches with a `max_size` (0: not given).
  std::uint64_t responseBytes = 0;
  // The status the last tier of the route answers itself (a gateway's fixed response: ALB
  // fixed-response 404, nginx `return 404`, no matching location); 0: the route's last tier
  // serves the request normally. Statuses of 400 and more count as errors.
  int fixedStatus = 0;
};

// One replica (a target of the tier's balancer): a multi-server queue.
struct TargetSpec {
  std::string name;
  std::uint32_t workers = 1;                   // requests served at once
  std::uint32_t queueLimit = kUnboundedQueue;  // waiting requests beyond the workers
  double speed = 1.0;                          // service time = demand / speed
  double weight = 1.0;                         // balancer weight
  std::uint32_t maxConn = 0;  // most requests the balancer sends it at once (0: no limit)
  bool backup = false;        // used only when no primary is available
  // Failover group: used only when no target of a lower priority is available (Cloudflare's
  // pools in order and its fallback pool, a standby region, Envoy's priority levels).
  std::uint32_t priority = 0;
  // A replica that answers every request itself with this HTTP status after its service
  // time, without passing it on (a maintenance server: the origin of Cloudflare's fallback
  // pool); 0: it passes requests on down the route. Statuses from 400 are errors
  // (`fixed_response`).
  int fixedResponse = 0;
  std::string zone{};  // availability zone it runs in; empty: not placed in a zone
  // Extra workers for requests that have waited `reserveAfter` in the queue (PgBouncer's
  // reserve_pool_size and reserve_pool_timeout).
  std::uint32_t reserveWorkers = 0;
  double reserveAfter = 5.0;
  // A request waiting longer than this in the queue is answered 503 (HAProxy `timeout
  // queue`, PgBouncer query_wait_timeout); 0: it waits as long as it takes.
  double queueTimeout = 0.0;
};

// Session affinity by cookie at a balancer.
struct StickinessSpec {
  std::string type = "lb_cookie";  // lb_cookie (AWS ALB) or cookie (Cloudflare)
  double duration = 86400.0;       // cookie lifetime in seconds
  bool refresh = true;             // renewed with every request (ALB), or fixed (Cloudflare)
};

struct BalancerSpec {
  std::string policy = "round_robin";
  balancing::PolicyOptions options;
  std::optional<StickinessSpec> stickiness;
  // Locality: keep a request in the zone or region its caller runs in, while a target there
  // is available (Envoy zone-aware routing, a regional deployment behind a global entry).
  enum class Prefer { kNone, kZone, kRegion };
  Prefer prefer = Prefer::kNone;
  // Global load balancing by where the client is (DNS or anycast steering): the targets of
  // one region are used at a time, the first region of the client's order that has a
  // target available; the targets of regions not in the order (and those without a region)
  // only when none of the order's has. Within a region, the policy picks as usual.
  struct Steering {
    // kGeo: a fixed order per location (Cloudflare geo steering's region_pools and
    // country_pools, Route 53 geolocation records); kLatency: the regions by the mean
    // latency from the client's location (`network locations`), nearest first (Cloudflare
    // dynamic_latency, Route 53 latency-based routing).
    // kRandom: a region drawn by weight among those available, whatever the client's
    // location (Cloudflare random steering's pool_weights, Route 53 weighted records).
    enum class By { kGeo, kLatency, kRandom };
    By by = By::kGeo;
    // kGeo: by location or area; the most specific entry for a client's location is its
    // order, followed by `fallback` (`default`, Cloudflare's default_pools).
    std::vector<std::pair<std::string, std::vector<std::string>>> regions;
    std::vector<std::string> fallback;
    // kRandom: the regions answered and their weights (>= 0); the others only when none of
    // these is available.
    std::vector<std::pair<std::string, double>> weights;
    // A region is used while at least this many of its targets are available (Cloudflare's
    // minimum_origins of a pool).
    std::uint32_t minimumOrigins = 1;
    // DNS caching: an answer (a region) is kept for `ttl` seconds by whoever resolved it, and
    // the client's requests go to that region meanwhile, even when it has failed. 0: a new
    // answer for every request (an anycast proxy). `resolvers`: the clients of a location
    // share that many caching resolvers (a client's is fixed); 0: each client caches its own.
    double ttl = 0.0;
    std::uint32_t resolvers = 0;
  };
  std::optional<Steering> steering;
  // What a request does when every candidate is at its maxconn: wait in the balancer's queue
  // (HAProxy) or pass the full targets over, to the backups and else an error (nginx).
  // Absent: the rule of the system the policy comes from (PolicyInfo::rules).
  enum class WhenFull { kQueue, kNext };
  std::optional<WhenFull> whenFull;
};

enum class TierKind {
  kServicePool,  // replicas behind a balancer: load balancers, gateways, services
  kDatabase,     // a primary taking writes and read replicas behind a balancer
};

// Routing rules of a gateway tier: where a request goes by its path (and host, method).
struct RouteRuleSpec {
  // nginx: the `location` as written after the keyword ("/api/auth/", "= /health",
  // "~* \.(css|js)$"); ALB: the rule's priority and conditions.
  std::string location;
  int priority = 0;
  std::vector<std::string> paths, hosts, methods;
  std::string to;  // the tier it passes the request to; empty when `status` answers
  int status = 0;  // a fixed response (nginx `return`, ALB fixed-response)
  // nginx: the location's `limit_req` directives, as written after the keyword, several
  // separated by ';' ("zone=api burst=20 nodelay"); the zones are the tier's limitReqZones.
  std::string limitReq;
  // nginx: the location's proxy cache directives as written ("proxy_cache api_cache;
  // proxy_cache_valid 200 302 10m; proxy_cache_use_stale error timeout http_503;"), for a
  // tier with `cache`: which classes it looks up and stores, for how long, and when a stale
  // entry answers instead of an upstream failure. Empty: the tier's cache settings.
  std::string proxyCache;
};

// A rate limiter of a tier that applies to every request it receives, in its system's own
// syntax (models/ratelimit/settings_text.h): Kong's rate-limiting plugin, an HAProxy
// stick-table rate rule, a Cloudflare rate limiting rule or a token bucket (Envoy).
struct RateLimitSpec {
  enum class Kind { kKong, kHaproxy, kCloudflare, kTokenBucket };
  Kind kind = Kind::kKong;
  std::string settings;
};

struct RoutingSpec {
  enum class Kind { kNginx, kAlb };
  Kind kind = Kind::kNginx;
  std::vector<RouteRuleSpec> rules;
  // When no rule matches: a fixed response (nginx answers 404 from its root; ALB's default
  // action), or a forward to `defaultTo`.
  int defaultStatus = 404;
  std::string defaultTo;
};

// A cache in a tier (a CDN edge, nginx proxy_cache on a gateway): each replica keeps its own
// LRU cache of responses. A request of a cacheable class that finds a fresh entry after the
// tier's service is answered there (a hit); otherwise it goes on, and its successful response
// is stored on the way back, valid for `ttl`.
struct CacheSpec {
  std::uint64_t maxEntries = 10000;  // objects per replica (LRU beyond)
  // A Cloudflare page rule's cache actions as written ("cache_level = cache_everything;
  // edge_cache_ttl = 7200"): which requests the edge caches (by level: static extensions, query
  // strings) and for how long by status, in place of `ttl`. Empty: none.
  std::string cloudflare;
  // nginx proxy_cache_path max_size: bytes per replica, least recently used removed beyond
  // (0: no limit); the classes it stores give their response_size.
  std::uint64_t maxBytes = 0;
  double ttl = 600.0;       // validity of a stored response (proxy_cache_valid, edge TTL)
  double inactive = 600.0;  // removed when not requested for this long (nginx inactive)
  // Key popularity of classes that do not give their own: catalogue size, Zipf exponent,
  // per-user keys.
  std::uint64_t catalogue = 10000;
  double zipfExponent = 0.8;
  bool perUser = false;
  // Which requests it caches, by path: patterns with '*' and '?' as in a Cloudflare page
  // rule target or an ALB path-pattern ("/api/courses/*"); empty: every path. Only GET and
  // HEAD requests are cached (nginx proxy_cache_methods and Cloudflare's default).
  std::vector<std::string> paths;
};

// --- resilience: health checks, timeouts, retries (models/resilience.h drives them) ---

// Active health checks of every replica of a tier, in one system's own settings (parsed by
// models/health/settings_text.h). A check is a request to the replica: it takes a worker for
// `demand` seconds (at the replica's speed) and waits in its queue like any request, so an
// overloaded replica can fail its checks.
struct HealthCheckSpec {
  enum class Kind { kHaproxy, kAlb, kCloudflare, kDocker, kKubernetes, kKong };
  Kind kind = Kind::kHaproxy;
  std::string settings;  // "check inter 5s rise 2 fall 3", "interval 30 timeout 5 ...", ...
  double demand = 0.001;
};

// A Kubernetes liveness probe: when it fails failureThreshold times in a row the kubelet
// kills the container and starts a new one (restartPolicy Always). The replica refuses
// connections for `restart` seconds (the new container's start) plus the kubelet's
// crash-loop back-off for repeated restarts: none for the first, then 10 s, doubling, at
// most 300 s, reset after 10 minutes without a restart. The new container is a new process:
// a hang or slow-down ends with the old one; a crash fault (the container keeps crashing)
// and an unreachable host or zone outlast it.
struct LivenessSpec {
  HealthCheckSpec probe;  // kind kKubernetes, settings "liveness ..."
  double restart = 1.0;
};

// Passive health of a tier's replicas, judged from the results of real requests: nginx
// `max_fails` / `fail_timeout`, Envoy outlier detection, or a client-side circuit breaker per
// replica.
struct PassiveHealthSpec {
  enum class Kind { kNginx, kEnvoy, kBreaker };
  Kind kind = Kind::kNginx;
  std::string settings;  // "max_fails=3 fail_timeout=30s", "consecutive_5xx=5 ...", ...
};

// How long the caller of this tier waits (nginx proxy_connect_timeout / proxy_read_timeout,
// HAProxy timeout connect / timeout server, Kong connect_timeout / read_timeout, ALB idle
// timeout). 0: no limit. `connect` bounds reaching a replica that does not answer at all
// (host or zone down); `response` bounds the time from sending the request to the response
// coming back. Either ends the attempt with 504; the work already started downstream goes on.
struct TimeoutSpec {
  double connect = 0.0;
  double response = 0.0;
};

// When and how a failed attempt at this tier is tried again by its caller.
//  - nginx (proxy_next_upstream, proxy_next_upstream_tries): the next attempt goes to a
//    replica not tried yet; `tries` counts all attempts (0: as many as there are replicas);
//    conditions error, timeout, http_502/503/504/429; a request that is not idempotent is
//    passed on after it was sent only with non_idempotent.
//  - haproxy (retries, option redispatch, retry-on): `tries` = retries + 1 attempts at the
//    same server after a turn-around of min(timeout connect, 1 s); with redispatch the last
//    one goes to another server; retry-on conn-failure by default.
// A retry budget (Envoy retry_budget) caps the retries in flight at a tier at
// max(min_concurrency, budget x requests in flight there).
struct RetrySpec {
  enum class Style { kNginx, kHaproxy };
  Style style = Style::kNginx;
  std::uint32_t tries = 0;
  bool onError = true;                // refused connections, and (nginx) reset ones
  bool onEmptyResponse = false;       // HAProxy empty-response: reset after it was sent
  bool onTimeout = true;              // connect or response timeouts
  bool onConnectTimeoutOnly = false;  // HAProxy conn-failure: a response timeout is not retried
  bool on502 = false, on503 = false, on504 = false, on429 = false;
  bool nonIdempotent = false;
  bool redispatch = false;
  double budget = 0.0;  // fraction of requests in flight; 0: no budget
  std::uint32_t minConcurrency = 3;
};

// --- autoscaling (models/autoscaler_driver.h drives it) ---

// A replica's life: created by a scale-up, it is starting (scheduling, image pull, boot:
// `startup`) and takes requests once ready; for `warmup` after that it serves at
// `warmupSpeed` times its speed (a JIT or cache warming up). A scale-down takes it out of
// rotation at once; it finishes what it holds and is gone, or is stopped after `drain`
// (ALB deregistration_delay.timeout_seconds) with what it still holds reset.
struct LifecycleSpec {
  core::Distribution startup = core::Distribution::deterministic(30.0);
  double drain = 300.0;
  double warmup = 0.0;
  double warmupSpeed = 1.0;
};

// What a replica uses, for the autoscalers' Resource metrics: CPU is `cpuPerBusyWorker`
// cores per busy worker, as a share of `cpuRequest` (500m of a 2-core limit: a request of
// 0.5); memory is `memoryBase` plus `memoryPerRequest` per request in the replica, as a
// share of `memoryRequest`. Bytes and cores.
struct ResourceSpec {
  double cpuRequest = 1.0;
  double cpuPerBusyWorker = 1.0;
  double memoryRequest = 512.0 * 1024 * 1024;
  double memoryBase = 256.0 * 1024 * 1024;
  double memoryPerRequest = 1.0 * 1024 * 1024;
};

// The autoscaler of a tier: a Kubernetes HPA, an EC2 Auto Scaling group with target tracking
// policies, or a threshold script, read from the operators' own files (`source`, as
// resolved). Metrics come from a pipeline that samples every `metricsResolution` seconds
// (metrics-server's --metric-resolution, CloudWatch's period) averaged over that window.
struct AutoscalerSpec {
  enum class Kind { kHpa, kAsg, kThreshold };
  Kind kind = Kind::kHpa;
  std::string source;  // the file it was read from
  autoscaling::HpaSpec hpa;
  autoscaling::HpaControllerConfig hpaConfig;
  autoscaling::AsgSpec asg;
  autoscaling::ThresholdRule threshold;
  double metricsResolution = 15.0;
  LifecycleSpec lifecycle;
  ResourceSpec resources;
  std::int32_t minReplicas() const;
  std::int32_t maxReplicas() const;
};

// nginx `keepalive N` (with keepalive_requests, keepalive_timeout, keepalive_time) or Kong's
// upstream_keepalive_* settings, as models/pool/upstream_keepalive.h parses them, and what
// opening a connection costs. Each replica of a calling tier keeps its own cache of idle
// connections to this tier's replicas; a request sent to a replica it has no idle connection
// to opens one, which takes `connectTime` before the request is on its way.
struct KeepaliveSpec {
  enum class Kind { kNginx, kKong };
  Kind kind = Kind::kNginx;
  std::string settings;
  double connectTime = 0.0;
};

// A PgBouncer in front of the tier's callees: each replica of the tier is a PgBouncer process
// (models/pool/connection_pool.h) that gives a request a server connection for its
// transaction, in place of the generic workers, queue, reserve and queue timeout.
struct PgBouncerTierSpec {
  std::string ini;       // the pgbouncer.ini text as written
  std::string database;  // the [databases] entry this tier pools, as named (may be empty)
  // Tiers naming the same instance are pools of one PgBouncer: replica r of each is the same
  // process, and max_client_conn, max_db_connections and max_user_connections count across
  // them. Empty: the tier's own instance.
  std::string instance;
  // Persistent client connections: each replica of a calling tier keeps this many connections
  // to the PgBouncer (its application's database pool), each opened once to a replica the
  // balancer picks and used by one request at a time; a request waits for a free one. 0: each
  // request is a client connection of its own (connect, transaction, disconnect).
  std::uint32_t clientsPerCaller = 0;
  pool::PgBouncerSettings settings;
  pool::PoolSpec pool;  // the entry's database and user (indices in the ini), its overrides
};

struct TierSpec {
  std::string id;
  TierKind kind = TierKind::kServicePool;
  // Whether a replica keeps its worker while the request is downstream (a thread-per-request
  // application server waiting for its database), or frees it when it forwards the request
  // (an event-driven proxy: nginx, HAProxy, Envoy, ALB).
  bool holdWorker = false;
  core::Distribution service;          // default demand per request at this tier
  std::vector<std::string> next;       // tiers it forwards to; empty: any (the routes decide)
  std::optional<RoutingSpec> routing;  // a gateway's rules: the next tier by request path
  std::optional<CacheSpec> cache;      // responses cached at this tier
  // nginx `limit_req_zone` arguments ("$binary_remote_addr zone=api:10m rate=10r/s"), used
  // by the routing rules' limit_req; each replica (an nginx instance) has its own zones.
  std::vector<std::string> limitReqZones;
  int limitReqStatus = 503;               // nginx limit_req_status (default 503)
  std::vector<RateLimitSpec> rateLimits;  // limiters for every request at the tier
  // nginx `limit_conn` of the server (every request at the tier), in nginx's words as
  // parseNginxLimitConn reads them: "limit_conn_zone $binary_remote_addr zone=conn:10m;
  // limit_conn conn 50;" (limit_conn_status, limit_conn_dry_run), or the number alone.
  // Each replica (an nginx instance) has its own zones; empty: none.
  std::string limitConn;
  // nginx upstream keep-alive towards this tier's replicas (the upstream block that names
  // this tier, like its balancer and passive health); absent: connections cost nothing.
  std::optional<KeepaliveSpec> keepalive;
  std::optional<PgBouncerTierSpec> pgbouncer;
  // A database's postgresql.conf lines as written (max_connections and
  // superuser_reserved_connections bound each server's connections); empty: none.
  std::string postgresql;
  // Database: how long a write takes to reach the read replicas (asynchronous streaming
  // replication). A read at a replica by a user whose last write has not reached it yet is
  // counted as stale (a read-your-writes violation).
  std::optional<core::Distribution> replicationLag;
  std::vector<TargetSpec> targets;  // database: targets[0] is the primary
  BalancerSpec balancer;
  std::optional<HealthCheckSpec> healthCheck;
  std::optional<LivenessSpec> liveness;
  std::optional<PassiveHealthSpec> passiveHealth;
  TimeoutSpec timeouts;
  std::optional<RetrySpec> retries;
  // Database: when its health checks keep the primary out of rotation for this long, the
  // first read replica in rotation is promoted and takes the writes (Patroni's leader TTL,
  // an RDS Multi-AZ failover); 0: the primary is never replaced.
  double promoteAfter = 0.0;
  // Autoscaled tiers have targets for their largest size; the first `initialReplicas` run
  // at the start (0: all of them).
  std::optional<AutoscalerSpec> autoscaler;
  std::uint32_t initialReplicas = 0;
  // The zones its replicas are spread over in turn (`zones`, or its region's); empty: none.
  std::vector<std::string> zoneSpread;
};

// Adds targets to an autoscaled tier until `count` (its autoscaler's maximum) are not
// backups: copies of its last replica that is not a backup, named <tier>-<n> (the next free
// n) and placed in zone n-1 of its spread (or none), as the loader expands them. Backups are
// kept, and not counted. A tier whose targets are all backups gets none.
void addAutoscaledTargets(TierSpec& tier, std::size_t count);
// How many of the tier's targets are backups.
std::size_t backupTargets(const TierSpec& tier);

// Sets a tier's replica count (the GUI's what-if, the CLI's --replicas): new replicas copy
// the last non-backup replica, named <tier>-<n> (the first n not taken) and placed in the
// tier's zone spread in turn as the loader places them; removal takes replicas off the end
// of the list. At least one replica stays, so a database keeps its primary, targets[0].
void setReplicaCount(TierSpec& tier, std::uint32_t count);

// A region and its availability zones (AWS us-east-1: us-east-1a, us-east-1b, ...).
struct RegionSpec {
  std::string id;
  std::vector<std::string> zones;
};

// One-way network latency between replicas, by where they run. A hop's latency is taken
// from the first of: an explicit link between the two tiers; the region pair's latency when
// the replicas are in different regions (else `crossRegion`); `crossZone` for two zones of
// one region; `sameZone` for one zone; from a client or a replica with no zone to a
// replica in a region, the client location's latency to that region (LocationLatencySpec);
// `client` for the first hop; else zero. Requests and responses each cross the link once,
// with independent draws.
struct LinkSpec {
  std::string from;  // tier id, or "client" for the clients' side of the first hop
  std::string to;    // tier id
  core::Distribution latency;
};

struct RegionPairSpec {
  std::string a, b;  // region ids; the latency is the same both ways
  core::Distribution latency;
};

// One-way latency between the clients of a location and a region: the hop from a client,
// or from a replica with no zone (an edge point of presence near the client), to a replica
// in the region.
struct LocationLatencySpec {
  std::string location;  // a `traffic locations` id
  std::string region;    // a region id
  core::Distribution latency;
};

struct NetworkSpec {
  std::optional<core::Distribution> sameZone;
  std::optional<core::Distribution> crossZone;
  std::optional<core::Distribution> crossRegion;
  std::optional<core::Distribution> client;  // client to the first tier, when no link says
  std::vector<RegionPairSpec> regionPairs;
  std::vector<LinkSpec> links;
  std::vector<LocationLatencySpec> locations;
  // Whether any latency is modelled at all (the fast path skips every draw otherwise).
  bool any() const {
    return sameZone || crossZone || crossRegion || client || !regionPairs.empty() ||
           !links.empty() || !locations.empty();
  }
};

// A fault injected at a given time, or at random. It applies to the named replicas of a tier,
// to every replica of a tier, or to every replica in a zone or region (of one tier or all).
//  - crash: the process is gone; connections are refused, requests it held are reset (502).
//  - hang: the process accepts requests but never answers; callers wait for their timeout.
//  - unreachable: the host or network is gone: connecting times out, nothing answers.
//  - slow: the replica serves at `speed` times its speed (0.2: five times slower).
//  - link: the network between two tiers (`linkFrom`, a tier id or "client", to `linkTo`)
//    adds `extraLatency` each way and fails `errorRate` of the attempts crossing it (as a
//    reset connection, 502).
// It lasts `duration` seconds (infinity: to the end of the run), then the replica is back as
// it was, empty.
struct FaultSpec {
  enum class Kind { kCrash, kHang, kUnreachable, kSlow, kLink };
  Kind kind = Kind::kCrash;
  std::string name;  // for the report; empty: described from the fields
  double at = 0.0;
  double duration = std::numeric_limits<double>::infinity();
  std::string tier;                   // empty: every tier (with zone or region)
  std::vector<std::string> replicas;  // empty: every replica of the tier (or zone, region)
  std::string zone, region;
  double speed = 1.0;                              // kSlow
  std::string linkFrom, linkTo;                    // kLink
  std::optional<core::Distribution> extraLatency;  // kLink
  double errorRate = 0.0;                          // kLink
  // Random failures instead of one at `at`: each replica fails after a time to failure and
  // is back after a time to repair, again and again (independent per replica).
  std::optional<core::Distribution> timeToFailure;
  std::optional<core::Distribution> timeToRepair;
};

struct ScenarioSpec {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  double duration = 0.0;  // simulated seconds per replication
  double warmup = 0.0;    // deleted from the summary statistics
  std::uint32_t replications = 1;
  double timeseriesInterval = 0.0;  // seconds; 0 picks one from the duration
  TrafficSpec traffic;
  std::vector<ClassSpec> classes;
  std::vector<TierSpec> tiers;
  std::vector<RegionSpec> regions;
  NetworkSpec network;
  std::vector<FaultSpec> faults;
};

// The interval used when the scenario leaves it to lbsim: about 500 points per series,
// rounded to a readable step, so memory does not grow with the run's length.
double defaultTimeseriesInterval(double duration);

// The most time-series samples a replication keeps (a row of every series each interval):
// a given timeseries_interval must not make more over the duration. A million rows of a
// large chain's few hundred series is gigabytes already.
inline constexpr double kMaxTimeseriesSamples = 1e6;

// The most arrivals a rate may make over a replication (rate x duration). A run of 10^12
// requests would take days, and far beyond it the gaps between arrivals fall below what the
// clock can resolve, so that simulated time stops moving.
inline constexpr double kMaxArrivals = 1e12;

// The most requests a replication keeps in flight, beyond its closed users (each holds at
// most one): 6 x 2^20. Only a queue without a limit that is given more than its workers
// serve gets there (10,000 requests/s, all waiting for ten minutes), and it would grow until
// the machine's memory ran out; the run is stopped instead, with the tier that holds them.
// Checked every 2^20 events (models::runReplication), so the request pool, which doubles,
// stops at 2^23 entries: 2 GiB at 256 bytes each (six hops).
inline constexpr std::size_t kMaxRequestsInFlight = std::size_t{6} << 20;

}  // namespace lbsim::models
