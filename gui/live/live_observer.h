#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/stats/latency_histogram.h"
#include "gui/live/live_sample.h"
#include "models/observer.h"
#include "models/spec.h"

namespace lbsim::gui {

// Collects the per-interval figures the live charts show, from the network's signals, in
// the simulation thread. It keeps nothing of the network but the scenario, so a sample can
// still be taken after the replication's network is gone. Definitions follow the
// Collector's time series (docs/outputs.md, timeseries.csv) so the two agree.
class LiveObserver final : public models::NetworkObserver {
 public:
  // `spec` must outlive the observer (the network's own copy does not).
  explicit LiveObserver(const models::ScenarioSpec& spec);

  // The figures of (previous sample, now]; starts the next interval.
  LiveSample sample(double now);
  // Busy and waiting requests of every replica at this instant.
  LiveState state(double now) const;
  double lastSampleTime() const { return lastSample_; }

  void onRequestCreated(const models::Request& request, double now) override;
  void onHopFinished(const models::Request& request, models::TierIndex tier,
                     models::ReplicaIndex replica, double now) override;
  void onRequestCompleted(const models::Request& request, double now) override;
  void onRequestFailed(const models::Request& request, models::TierIndex tier,
                       models::ReplicaIndex replica, models::ErrorCause cause, double now) override;
  void onReplicaChanged(models::TierIndex tier, models::ReplicaIndex replica, std::uint32_t busy,
                        std::uint32_t queued, double now) override;
  void onCacheLookup(const models::Request& request, models::TierIndex tier,
                     models::ReplicaIndex replica, bool hit, double now) override;

 private:
  struct Replica {
    std::uint32_t busy = 0, queued = 0;
    double since = 0.0;  // when busy/queued took their values
  };
  struct Tier {
    std::vector<Replica> replicas;
    double workers = 0.0;
    double busyArea = 0.0;  // worker-seconds in the interval
    double queuedArea = 0.0;
    std::uint64_t served = 0, refused = 0;
    core::LatencyHistogram latency;
  };
  void advance(Tier& tier, Replica& replica, double now);

  const models::ScenarioSpec& spec_;
  std::vector<Tier> tiers_;
  core::LatencyHistogram latency_;
  std::uint64_t created_ = 0, completed_ = 0;
  std::uint64_t cacheLookups_ = 0, cacheHits_ = 0;
  std::array<std::uint64_t, models::kErrorCauseCount> errors_{};
  double lastSample_ = 0.0;
};

}  // namespace lbsim::gui
