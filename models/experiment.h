#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/stats/confidence.h"
#include "core/stats/time_series.h"
#include "models/balancing/policy.h"
#include "models/metrics/figures.h"
#include "models/metrics/trace.h"
#include "models/spec.h"

namespace lbsim::models {

class Network;

// Hooks into a run, all optional: progress (replication, fraction of its simulated time
// done), an interruption check (polled at the progress interval), a trace sink, and
// `attach`, called with each replication's network before it runs, to add observers and
// events of one's own (the GUI's live snapshots and pacing); what it adds must not change
// the model's state, so the figures are the same with or without it.
struct RunHooks {
  std::function<void(std::uint32_t replication, double fraction)> progress;
  std::function<bool()> interrupted;
  TraceSink* trace = nullptr;
  double traceFraction = 0.0;
  std::function<void(Network& network, std::uint32_t replication)> attach;
  // Requests a replication may keep in flight beyond its closed users (RunError past it).
  std::size_t maxRequestsInFlight = kMaxRequestsInFlight;
};

struct ReplicationResult {
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  Figures figures;
  core::TimeSeriesTable series;
  std::uint64_t events = 0;
  std::size_t peakRequestsInFlight = 0;
  bool interrupted = false;
  std::vector<LogRecord> log;  // health, autoscaler and fault decisions, in time order
};

// One summary figure over the replications: the values and their 95% confidence interval.
struct FigureEstimate {
  std::string path;
  core::Estimate estimate;
  std::vector<double> values;  // one per replication
};

struct ExperimentResult {
  std::vector<FigureEstimate> figures;
  // The mean over replications of each series sample (NaN where no replication had one).
  core::TimeSeriesTable series;
  std::vector<std::uint64_t> seeds;  // per replication
  std::uint64_t events = 0;
  std::vector<LogRecord> log;  // every replication's, one after the other
  bool interrupted = false;
};

// A replication the scenario made impossible to finish: more requests in flight than
// kMaxRequestsInFlight (a queue without a limit, overloaded). What says when, how many and
// which tier holds them.
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs replication `r` of the scenario with its own seed (core::replicationSeed). Throws
// RunError when the run grows beyond what it can hold.
ReplicationResult runReplication(const ScenarioSpec& spec, std::uint32_t r,
                                 const balancing::PolicyRegistry& policies,
                                 const RunHooks& hooks = {});

// Runs every replication and combines them: Student-t 95% intervals on every figure.
//
// `jobs` > 1 runs up to that many replications at once, each on a thread of its own. Each
// replication's result depends only on the scenario and its own seed, and they are combined
// in replication order, so the result is the same, to the byte, for any `jobs`. The hooks
// are then called from those threads one at a time (progress and interruption under a
// lock); trace rows are kept per replication and written in replication order once all
// have run. `attach` (the GUI's live view of one network) runs replications one at a time.
ExperimentResult runExperiment(const ScenarioSpec& spec, const balancing::PolicyRegistry& policies,
                               const RunHooks& hooks = {}, unsigned jobs = 1);

}  // namespace lbsim::models
