#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/errors.h"
#include "models/experiment.h"
#include "models/health/health_event.h"
#include "models/service_pool.h"
#include "models/spec.h"

// What the GUI shows of a run, as plain values (no Qt): per-interval samples taken in the
// simulation thread and handed to the GUI thread in batches.
namespace lbsim::gui {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One tier over one sample interval (simulated time).
struct TierSample {
  double p50 = kNaN, p95 = kNaN, p99 = kNaN;  // s: time at the tier of the requests served
  double throughput = 0.0;                    // requests served per second
  double errors = 0.0;                        // requests refused at the tier per second
  double utilization = 0.0;                   // busy worker-seconds / (interval x workers)
  double queueLength = 0.0;                   // time-average waiting requests, all replicas
  // Replica counts at the end of the interval (the series replicas_ready, replicas_desired
  // and replicas_in_rotation of timeseries.csv): ready (a tier that is not autoscaled has
  // all its replicas ready), the autoscaler's desired count (NaN: not autoscaled), and those
  // the balancer sends requests to (health checks, faults and draining take them out).
  double ready = 0.0;
  double desired = kNaN;
  double inRotation = 0.0;
};

// An autoscaler's decision, as the model tells it (models::AutoscaleNotice).
struct ScaleDecision {
  double time = 0.0;
  std::uint32_t tier = 0;
  std::int32_t before = 0;   // desired replicas before
  std::int32_t desired = 0;  // after
  std::int32_t ready = 0;    // ready at the time
  std::string reason;        // in the controller's words (ScaleUpLimit, ...)
  std::string message;
};

// A health mechanism's change of view of one replica. `event` and `mechanism` hold only
// static strings (models/health/health_event.h), so they stay valid in any thread;
// models::health::describe(event) gives the reason as a sentence.
struct HealthChange {
  double time = 0.0;
  std::uint32_t tier = 0;
  std::uint32_t replica = 0;
  std::string_view mechanism;  // "active check", "nginx max_fails", ...
  models::health::HealthEvent event;
  double inRotation = 0.0;  // the tier's replicas in rotation just after the change
  // Whether the replica was in rotation before and after the change (a change of state
  // may leave it where it was: HAProxy's first failure, Kong's mostly_healthy).
  bool wasInRotation = true;
  bool nowInRotation = true;
};

// The whole network over one sample interval, ending at `time`.
struct LiveSample {
  double time = 0.0;
  double p50 = kNaN, p95 = kNaN, p99 = kNaN;              // s, end to end, completed requests
  double arrivals = 0.0;                                  // requests created per second
  double throughput = 0.0;                                // requests completed per second
  std::array<double, models::kErrorCauseCount> errors{};  // failed per second, by cause
  // Hit ratio of all the caching tiers' lookups in the interval; empty when there was none
  // (no cache in the scenario, or no cacheable request), and the chart shows "no cache".
  std::optional<double> cacheHitRatio;
  std::vector<TierSample> tiers;  // scenario order
  // What happened in the interval, in time order: the autoscalers' decisions that changed a
  // desired count, and the health mechanisms' changes. At most kMaxEventsPerSample of each
  // (the first ones); the rest are only counted.
  static constexpr std::size_t kMaxEventsPerSample = 64;
  std::vector<ScaleDecision> decisions;
  std::vector<HealthChange> healthChanges;
  std::uint32_t decisionsDropped = 0;
  std::uint32_t healthChangesDropped = 0;
};

// The state of the network at one instant: what a paused run lets you inspect.
struct ReplicaState {
  using Condition = models::ServicePool::Condition;
  using Lifecycle = models::ServicePool::Lifecycle;
  std::string name;
  std::uint32_t busy = 0;
  std::uint32_t queued = 0;
  std::uint32_t workers = 0;
  bool backup = false;
  Condition condition = Condition::kUp;     // what a fault did to it
  Lifecycle lifecycle = Lifecycle::kReady;  // autoscaled tiers: starting, draining, absent
  bool inRotation = true;                   // the balancer sends it requests
  bool primary = false;  // a database's primary behind read replicas: it takes the writes
  std::optional<HealthChange> lastHealth;  // the last health change, if any
};
// "up", "crashed", "hung", "unreachable"; "absent", "starting", "ready", "draining".
std::string_view conditionName(models::ServicePool::Condition condition);
std::string_view lifecycleName(models::ServicePool::Lifecycle lifecycle);

struct TierState {
  std::vector<ReplicaState> replicas;
  double ready = 0.0, desired = kNaN, inRotation = 0.0;  // as in TierSample
  std::optional<ScaleDecision> lastDecision;             // the autoscaler's last decision, if any
};
struct LiveState {
  double now = 0.0;
  std::size_t requestsInFlight = 0;
  std::size_t sessionsActive = 0;
  std::vector<TierState> tiers;
};

// What the simulation thread hands over at a bounded rate.
struct LiveBatch {
  std::uint32_t replication = 0;
  double progress = 0.0;            // of the whole run, 0..1
  std::vector<LiveSample> samples;  // new since the previous batch, of `replication`
  LiveState state;
  bool paused = false;
};

// A finished (or stopped) run: the results as the CLI has them, and the live samples of
// every replication for the charts.
struct RunResult {
  std::string label;
  models::ScenarioSpec spec;
  models::ExperimentResult experiment;
  std::vector<std::vector<LiveSample>> samples;  // [replication][interval]
  double wallSeconds = 0.0;
  bool stopped = false;
};

}  // namespace lbsim::gui
