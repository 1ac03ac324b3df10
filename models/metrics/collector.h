#pragma once

#include <array>
#include <memory>
#include <vector>

#include "core/stats/latency_histogram.h"
#include "core/stats/time_series.h"
#include "models/metrics/figures.h"
#include "models/network.h"
#include "models/observer.h"

namespace lbsim::models {

// Collects the statistics of one replication from the network's signals: per tier and per
// class latency histograms, throughput, errors by cause, utilization and queue length as
// time averages; `reset` at the end of the warm-up deletes the transient from all of them.
// It also samples the fixed-interval time series (over the whole run, warm-up included).
inline constexpr std::size_t kNoSeries = static_cast<std::size_t>(-1);

class Collector final : public NetworkObserver {
 public:
  explicit Collector(Network& network);
  ~Collector() override;

  void reset(double now);
  Figures figures(double now) const;
  // Takes one time-series sample covering (previous sample, now].
  void sample(double now);
  const core::TimeSeriesTable& series() const { return series_; }
  // The run's decisions and faults (the first kMaxLog lines; later ones are not kept).
  const std::vector<LogRecord>& log() const { return log_; }
  static constexpr std::size_t kMaxLog = 100000;

  void onRequestCreated(const Request& request, double now) override;
  void onHopFinished(const Request& request, TierIndex tier, ReplicaIndex replica,
                     double now) override;
  void onRequestCompleted(const Request& request, double now) override;
  void onRequestFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                       ErrorCause cause, double now) override;
  void onAttemptFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                       ErrorCause cause, bool retried, double now) override;
  void onHealthChanged(TierIndex tier, ReplicaIndex replica, const health::HealthEvent& event,
                       std::string_view mechanism, double now) override;
  void onFault(const FaultNotice& notice, double now) override;
  void onAutoscaled(TierIndex tier, const AutoscaleNotice& notice, double now) override;
  // Utilization and queue lengths come from the pools' integrals.
  bool wantsReplicaChanges() const override { return false; }
  void onCacheLookup(const Request& request, TierIndex tier, ReplicaIndex replica, bool hit,
                     double now) override;
  void onRateLimited(const Request& request, TierIndex tier, ReplicaIndex replica,
                     std::size_t limit, bool rejected, double now) override;
  void onStaleRead(const Request& request, TierIndex tier, ReplicaIndex replica,
                   double now) override;
  void onCacheStaleServed(const Request& request, TierIndex tier, ReplicaIndex replica,
                          double now) override;
  void onUpstreamConnection(const Request& request, TierIndex tier, ReplicaIndex replica,
                            bool reused, double now) override;
  void onPoolServer(TierIndex tier, ReplicaIndex replica, bool opened, double now) override;

 private:
  using ErrorCounts = std::array<std::uint64_t, kErrorCauseCount>;
  // Its busy workers and waiting requests are integrated by the pool (Replica::busySeconds
  // and queuedSeconds, from the start of the run); these are their values at the last reset
  // and the last series sample.
  struct ReplicaStats {
    std::uint64_t served = 0;
    double busyAtReset = 0.0;
    double queuedAtReset = 0.0;
    double busyAtSample = 0.0;
    double queuedAtSample = 0.0;
    // The seconds it had run (Replica::runningSeconds), for an autoscaled tier's capacity.
    double runningAtReset = 0.0;
    double runningAtSample = 0.0;
  };
  // Means since the last reset.
  double meanBusy(TierIndex tier, ReplicaIndex replica, double now) const;
  // Utilization since the last reset: the busy worker-seconds over the worker-seconds of the
  // replicas while they ran (an autoscaled tier has only some of its targets at a time), or
  // over all of the tier's workers for the whole span (any other tier).
  double utilization(TierIndex tier, const std::vector<ReplicaIndex>& replicas, double now) const;
  double meanQueued(TierIndex tier, ReplicaIndex replica, double now) const;
  struct ZoneStats {
    std::uint16_t zone = 0;  // index into the network's zones
    core::LatencyHistogram latency;
  };
  struct TierStats {
    core::IntervalHistogram latency;                     // and this series interval's
    std::vector<ZoneStats> zones;                        // the zones its replicas run in, if any
    std::vector<std::uint32_t> zoneSlot;                 // by replica: index into `zones`
    std::vector<std::uint64_t> cacheLookups, cacheHits;  // by class (tiers that cache)
    std::uint64_t intervalLookups = 0, intervalHits = 0;
    std::vector<std::uint64_t> limitRejected, limitDelayed;  // by TierLimits::names()
    std::uint64_t staleReads = 0;
    std::uint64_t cacheStaleServed = 0;                          // proxy_cache_use_stale answers
    std::uint64_t connectionsOpened = 0, connectionsReused = 0;  // upstream keep-alive
    std::uint64_t serversOpened = 0, serversClosed = 0;          // PgBouncer server connections
    double waitSum = 0.0;
    std::uint64_t completed = 0;
    ErrorCounts errors{};
    std::uint64_t retries = 0;
    std::uint64_t healthChanges = 0;
    std::vector<ReplicaStats> replicas;
    // By class: null if not on its route, or if it is the only class on a route through the
    // tier (`soleClass`), whose histogram would be `latency`'s.
    std::vector<std::unique_ptr<core::LatencyHistogram>> byClass;
    ClassIndex soleClass = kNone;
    // this series interval
    std::uint64_t intervalCompleted = 0;
    std::uint64_t intervalErrors = 0;
    std::uint64_t intervalRetries = 0;
  };
  // One fault of the timeline, as users saw it: from its first start, when health
  // mechanisms took its replicas out of rotation, the errors meanwhile, and when they were
  // back after it ended. Not reset by the warm-up: a fault is an event of the whole run.
  struct FaultStats {
    std::vector<std::pair<TierIndex, ReplicaIndex>> replicas;  // those it hit (first start)
    std::vector<bool> out;                                     // by replicas: out of rotation now
    std::vector<bool> everOut;  // taken out of rotation at least once since the start
    std::vector<bool> back;     // in rotation at some moment since the end
    double started = -1.0;
    double ended = -1.0;
    double firstOut = -1.0;  // first replica taken out of rotation
    double allOut = -1.0;    // every replica taken out of rotation (at least once)
    double backIn = -1.0;    // every replica back in rotation (at least once) after the end
    std::uint64_t occurrences = 0;
    std::uint64_t errorsBeforeOut = 0;  // client errors from the start until all were out
    std::uint64_t errorsDuring = 0;     // client errors from the start until it ended
    double lastError = -1.0;            // the last client error while it lasted
  };
  struct Counts {
    std::uint64_t created = 0;
    std::uint64_t completed = 0;
    ErrorCounts errors{};
  };
  struct EndToEnd : Counts {
    core::LatencyHistogram latency;  // unused for a sole class: its latencies are allLatency_'s
  };
  struct SeriesIds {
    std::size_t arrivals, throughput, errors, p50, p95, p99;
  };
  struct TierSeriesIds {
    std::size_t throughput, errors, p99, utilization, queue;
    std::size_t hitRatio = kNoSeries;
    std::size_t retries = kNoSeries, inRotation = kNoSeries, up = kNoSeries;
  };

  void addLatencyFigures(Figures& out, const std::string& prefix,
                         const core::LatencyHistogram& h) const;
  void addErrorFigures(Figures& out, const std::string& prefix, const ErrorCounts& e) const;

  Network& network_;
  double start_ = 0.0;
  double lastSample_ = 0.0;
  std::vector<TierStats> tiers_;
  // The histograms' bucket increments in flight: flushed before the histograms are read.
  mutable core::DeferredCounts deferred_;
  Counts all_;
  core::IntervalHistogram allLatency_;  // all_'s latencies, and this series interval's
  std::vector<EndToEnd> classes_;
  std::vector<EndToEnd> regions_;    // by the region of the first replica with one
  std::vector<EndToEnd> locations_;  // by where the client is (`traffic locations`)
  // time series
  core::TimeSeriesTable series_;
  SeriesIds allIds_{};
  std::vector<TierSeriesIds> tierIds_;
  std::vector<FaultStats> faults_;
  std::vector<LogRecord> log_;
  void addLog(LogRecord record);
  // Per autoscaled tier: decisions that changed the count, the largest desired count, and
  // the integral of the desired count (replica-seconds, what the replicas cost).
  struct ScalingStats {
    std::uint64_t changes = 0;
    std::int32_t maxDesired = 0;
    std::int32_t desired = 0;
    double since = 0.0;
    double desiredSeconds = 0.0;
    std::size_t desiredSeries = kNoSeries, readySeries = kNoSeries;
  };
  std::vector<ScalingStats> scaling_;  // by tier
  std::array<std::size_t, kErrorCauseCount> causeIds_{};
  ErrorCounts intervalCauses_{};
  std::uint64_t intervalCreated_ = 0;
  std::uint64_t intervalCompleted_ = 0;
  std::uint64_t intervalErrors_ = 0;
};

}  // namespace lbsim::models
