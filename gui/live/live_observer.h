#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/stats/latency_histogram.h"
#include "gui/live/live_sample.h"
#include "models/observer.h"
#include "models/spec.h"

namespace lbsim::models {
class Network;
}

namespace lbsim::gui {

// Collects the per-interval figures the live charts show, from the network's signals, in
// the simulation thread. Definitions follow the Collector's time series (docs/outputs.md,
// timeseries.csv) so the two agree.
//
// Replica counts, conditions and lifecycles, and the requests and sessions in flight, are read
// from the network while it is attached (`attach`); the observer keeps the last values read, so
// a sample and a state can still be taken after the replication's network is gone (the last,
// short interval of a replication).
class LiveObserver final : public models::NetworkObserver {
 public:
  // `spec` must outlive the observer (the network's own copy does not).
  explicit LiveObserver(const models::ScenarioSpec& spec);

  // The network to read replica states from; null once it is gone.
  void attach(const models::Network* network);
  // Reads the replicas' states and the requests and sessions in flight now (the end of a
  // replication, just before the network goes).
  void capture() { refresh(); }

  // The figures of (previous sample, now]; starts the next interval.
  LiveSample sample(double now);
  // Busy and waiting requests, condition, lifecycle and rotation of every replica at this
  // instant, with each tier's last autoscaler decision and each replica's last health change.
  LiveState state(double now);
  double lastSampleTime() const { return lastSample_; }

  void onRequestCreated(const models::Request& request, double now) override;
  void onHopFinished(const models::Request& request, models::TierIndex tier,
                     models::ReplicaIndex replica, double now) override;
  void onRequestCompleted(const models::Request& request, double now) override;
  void onRequestFailed(const models::Request& request, models::TierIndex tier,
                       models::ReplicaIndex replica, models::ErrorCause cause, double now) override;
  void onAttemptFailed(const models::Request& request, models::TierIndex tier,
                       models::ReplicaIndex replica, models::ErrorCause cause, bool retried,
                       double now) override;
  void onHealthChanged(models::TierIndex tier, models::ReplicaIndex replica,
                       const models::health::HealthEvent& event, std::string_view mechanism,
                       double now) override;
  void onAutoscaled(models::TierIndex tier, const models::AutoscaleNotice& notice,
                    double now) override;
  void onReplicaChanged(models::TierIndex tier, models::ReplicaIndex replica, std::uint32_t busy,
                        std::uint32_t queued, double now) override;
  void onCacheLookup(const models::Request& request, models::TierIndex tier,
                     models::ReplicaIndex replica, bool hit, double now) override;

 private:
  struct Replica {
    std::uint32_t busy = 0, queued = 0;
    double since = 0.0;  // when busy/queued took their values
    // as last read from the network
    ReplicaState::Condition condition = ReplicaState::Condition::kUp;
    ReplicaState::Lifecycle lifecycle = ReplicaState::Lifecycle::kReady;
    bool inRotation = true;
    std::optional<HealthChange> lastHealth;
  };
  struct Tier {
    std::vector<Replica> replicas;
    double workers = 0.0;
    double busyArea = 0.0;  // worker-seconds in the interval
    double queuedArea = 0.0;
    std::uint64_t served = 0, refused = 0;
    core::LatencyHistogram latency;
    bool autoscaled = false;
    std::int32_t desired = 0;
    std::uint32_t ready = 0, inRotation = 0;  // as last read from the network
    std::optional<ScaleDecision> lastDecision;
    // A database with read replicas: the replica taking the writes (a promotion moves it).
    std::uint32_t primary = models::kNone;
  };
  void advance(Tier& tier, Replica& replica, double now);
  void refresh();  // reads the replicas' states from the network, if attached

  const models::ScenarioSpec& spec_;
  const models::Network* network_ = nullptr;
  std::vector<Tier> tiers_;
  std::size_t requestsInFlight_ = 0, sessionsActive_ = 0;  // as last read from the network
  core::LatencyHistogram latency_;
  std::uint64_t created_ = 0, completed_ = 0;
  std::uint64_t cacheLookups_ = 0, cacheHits_ = 0;
  std::array<std::uint64_t, models::kErrorCauseCount> errors_{};
  std::vector<ScaleDecision> decisions_;
  std::vector<HealthChange> healthChanges_;
  std::uint32_t decisionsDropped_ = 0, healthChangesDropped_ = 0;
  double lastSample_ = 0.0;
};

}  // namespace lbsim::gui
