#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

#include "gui/live/live_sample.h"
#include "models/balancing/policy.h"
#include "models/spec.h"

namespace lbsim::gui {

// Runs a scenario's replications (models::runExperiment, so the figures are the CLI's) in
// the calling thread, and lets another thread pace, pause, resume and stop it. It hands
// live figures over in batches at most every `publishPeriod` of wall time, whatever the
// speed, so the receiving event loop is never flooded.
//
// Pacing, pausing and sampling are events of their own on each replication's simulator
// (RunHooks::attach): a pacer that sleeps until the wall clock catches up with
// simulated time / speed, and blocks while paused. They do not touch the model, so a
// paced run gives the same figures as an unpaced one; the events they add are taken off
// `ExperimentResult::events` so that it counts what the CLI counts.
class LiveRun {
 public:
  struct Callbacks {
    std::function<void(LiveBatch&&)> batch;
  };

  // Thread-safe controls.
  void pause();
  void resume();
  void stop();  // ends within 1% of a replication's simulated time
  // Simulated seconds per wall second: 1 is real time; 0 runs as fast as possible.
  void setSpeed(double factor);
  double speed() const { return speed_.load(); }
  bool paused() const { return paused_.load(); }
  bool stopRequested() const { return stop_.load(); }

  std::chrono::milliseconds publishPeriod{100};

  // Blocks until the run ends or is stopped.
  RunResult run(const models::ScenarioSpec& spec, const models::balancing::PolicyRegistry& policies,
                const Callbacks& callbacks);

 private:
  std::atomic<double> speed_{0.0};
  std::atomic<bool> paused_{false};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace lbsim::gui
