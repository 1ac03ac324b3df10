#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/errors.h"
#include "models/experiment.h"
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
  double replicas = 0.0;                      // ready replicas (static until autoscaling runs)
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
};

// The state of the network at one instant: what a paused run lets you inspect.
struct ReplicaState {
  std::string name;
  std::uint32_t busy = 0;
  std::uint32_t queued = 0;
  std::uint32_t workers = 0;
  bool backup = false;
  // Health is not simulated yet (every replica stays up); the GUI says so.
};
struct TierState {
  std::vector<ReplicaState> replicas;
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
