#include "models/experiment.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/random.h"
#include "models/metrics/collector.h"
#include "models/network.h"

namespace lbsim::models {

namespace {
constexpr std::uint64_t kInterruptCheckEvents = 1u << 20;

// Why replication r stopped with too many requests in flight: when, how many, and the tier
// whose queues hold the most of them.
std::string overgrownMessage(const Network& network, std::uint32_t r, double now,
                             std::size_t allowed) {
  std::size_t most = 0;
  TierIndex where = 0;
  for (TierIndex t = 0; t < network.tierCount(); ++t) {
    const ServicePool& tier = network.tier(t);
    std::size_t queued = tier.waitingAtBalancer();
    for (const auto& replica : tier.replicas())
      queued += replica.waiting();
    if (queued > most) {
      most = queued;
      where = t;
    }
  }
  char text[512];
  std::snprintf(text, sizeof text,
                "replication %u stopped at %.6g s of simulated time with %zu requests in "
                "flight; allowed: at most %zu (and one per closed user). ",
                r + 1, now, network.requestsInFlight(), allowed);
  std::string message = text;
  if (most == 0) return message + "No tier's queue holds them: they wait on the network";
  std::snprintf(text, sizeof text,
                "Tier '%s' queues %zu of them: a queue with no limit that is sent more than its "
                "workers serve grows without end. Give its replicas a queue_limit (or a "
                "queue_timeout), or more replicas, or lower the rate",
                network.tier(where).id().c_str(), most);
  return message + text;
}
}  // namespace

ReplicationResult runReplication(const ScenarioSpec& spec, std::uint32_t r,
                                 const balancing::PolicyRegistry& policies, const RunHooks& hooks) {
  ReplicationResult result;
  result.replication = r;
  result.seed = core::replicationSeed(spec.seed, r);
  Network network(spec, result.seed, policies);
  network.setTraceFraction(hooks.trace != nullptr ? hooks.traceFraction : 0.0);
  Collector collector(network);
  network.addObserver(&collector);
  std::unique_ptr<TraceObserver> trace;
  if (hooks.trace != nullptr && hooks.traceFraction > 0.0) {
    trace = std::make_unique<TraceObserver>(network, *hooks.trace, r);
    network.addObserver(trace.get());
  }

  core::Simulator& sim = network.simulator();
  const double interval = spec.timeseriesInterval > 0.0 ? spec.timeseriesInterval
                                                        : defaultTimeseriesInterval(spec.duration);
  if (spec.warmup > 0.0) sim.at(spec.warmup, [&](double now) { collector.reset(now); });
  sim.every(interval, interval, [&](double now) {
    collector.sample(now);
    result.peakRequestsInFlight = std::max(result.peakRequestsInFlight, network.requestsInFlight());
  });
  const double progressInterval = spec.duration / 100.0;
  if (hooks.progress || hooks.interrupted) {
    sim.every(progressInterval, progressInterval, [&](double now) {
      if (hooks.progress) hooks.progress(r, now / spec.duration);
      if (hooks.interrupted && hooks.interrupted()) {
        result.interrupted = true;
        sim.stop();
      }
    });
  }
  // Every million events: whether the run has grown beyond what it can hold, and (a run
  // whose clock stands still, arrivals faster than time can resolve or a loop of zero-time
  // steps, must still answer one) whether it was interrupted.
  const std::size_t maxInFlight = hooks.maxRequestsInFlight + spec.traffic.closed.users;
  bool overgrown = false;
  sim.checkEvery(kInterruptCheckEvents, [&] {
    if (network.requestsInFlight() > maxInFlight) {
      overgrown = true;
      return true;
    }
    if (!hooks.interrupted || !hooks.interrupted()) return false;
    result.interrupted = true;
    return true;
  });
  if (hooks.attach) hooks.attach(network, r);
  network.start();
  // Scheduled last, so that everything else due at `duration` has run; a sample that
  // falls exactly at the end is taken after the loop.
  sim.stopAt(spec.duration);
  sim.run();
  if (overgrown) throw RunError(overgrownMessage(network, r, sim.now(), hooks.maxRequestsInFlight));
  if (result.interrupted) return result;
  collector.sample(spec.duration);
  result.figures = collector.figures(spec.duration);
  result.series = collector.series();
  result.events = sim.eventsProcessed();
  result.log = collector.log();
  for (LogRecord& l : result.log)
    l.replication = r;
  return result;
}

namespace {

// A replication's trace rows, kept until they can be written in replication order. A row
// points at names its network owns, and the network is gone by then: the names are copied.
class BufferedTrace final : public TraceSink {
 public:
  void write(const TraceRecord& record) override {
    rows_.push_back({record, copy(record.cls), copy(record.tier), copy(record.replica)});
  }
  void replayInto(TraceSink& sink) const {
    for (const Row& row : rows_) {
      TraceRecord r = row.record;
      r.cls = row.cls ? &*row.cls : nullptr;
      r.tier = row.tier ? &*row.tier : nullptr;
      r.replica = row.replica ? &*row.replica : nullptr;
      sink.write(r);
    }
  }

 private:
  struct Row {
    TraceRecord record;
    std::optional<std::string> cls, tier, replica;
  };
  static std::optional<std::string> copy(const std::string* s) {
    return s != nullptr ? std::optional<std::string>(*s) : std::nullopt;
  }
  std::vector<Row> rows_;
};

// The replications run on `jobs` threads, each taking the next replication not yet taken;
// runs[r] is replication r's result whatever thread ran it.
std::vector<ReplicationResult> runConcurrently(const ScenarioSpec& spec,
                                               const balancing::PolicyRegistry& policies,
                                               const RunHooks& hooks, unsigned jobs) {
  const std::uint32_t n = spec.replications;
  std::vector<ReplicationResult> runs(n);
  std::vector<BufferedTrace> traces(hooks.trace != nullptr ? n : 0);
  std::mutex hookLock;
  std::atomic<std::uint32_t> next{0};
  // The first replication that failed or was interrupted: the ones after it are not
  // started, the ones before it all run (as they would on one thread).
  std::atomic<std::uint32_t> stopAt{n};
  auto stop = [&stopAt](std::uint32_t r) {
    std::uint32_t seen = stopAt.load();
    while (r < seen && !stopAt.compare_exchange_weak(seen, r)) {
    }
  };
  std::vector<std::exception_ptr> errors(n);  // each written by its replication's thread only
  auto work = [&] {
    for (;;) {
      const std::uint32_t r = next.fetch_add(1);
      if (r >= n || r > stopAt.load()) return;
      RunHooks mine;
      mine.maxRequestsInFlight = hooks.maxRequestsInFlight;
      if (hooks.progress) {
        mine.progress = [&](std::uint32_t rep, double fraction) {
          const std::lock_guard<std::mutex> guard(hookLock);
          hooks.progress(rep, fraction);
        };
      }
      if (hooks.interrupted) {
        mine.interrupted = [&] {
          const std::lock_guard<std::mutex> guard(hookLock);
          return hooks.interrupted();
        };
      }
      if (hooks.trace != nullptr) {
        mine.trace = &traces[r];
        mine.traceFraction = hooks.traceFraction;
      }
      try {
        runs[r] = runReplication(spec, r, policies, mine);
        if (runs[r].interrupted) stop(r);
      } catch (...) {
        errors[r] = std::current_exception();
        stop(r);
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::min<unsigned>(jobs, n); ++j)
    threads.emplace_back(work);
  for (std::thread& t : threads)
    t.join();
  // The first replication's error, as one thread would have met it.
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  for (std::uint32_t r = 0; r < n && hooks.trace != nullptr; ++r)
    traces[r].replayInto(*hooks.trace);
  // An interrupted run keeps the replications before the first one interrupted, as a
  // sequential run would have.
  for (std::uint32_t r = 0; r < n; ++r) {
    if (runs[r].interrupted || runs[r].figures.empty()) {
      runs[r].interrupted = true;
      runs.resize(r + 1);
      break;
    }
  }
  return runs;
}

}  // namespace

ExperimentResult runExperiment(const ScenarioSpec& spec, const balancing::PolicyRegistry& policies,
                               const RunHooks& hooks, unsigned jobs) {
  ExperimentResult out;
  std::vector<ReplicationResult> runs;
  const bool concurrent = jobs > 1 && spec.replications > 1 && !hooks.attach;
  if (concurrent) runs = runConcurrently(spec, policies, hooks, jobs);
  for (std::uint32_t r = 0; r < spec.replications; ++r) {
    if (concurrent) {
      if (r >= runs.size()) break;
    } else {
      runs.push_back(runReplication(spec, r, policies, hooks));
    }
    out.seeds.push_back(runs[r].seed);
    out.events += runs[r].events;
    out.log.insert(out.log.end(), runs[r].log.begin(), runs[r].log.end());
    if (runs[r].interrupted) {
      out.interrupted = true;
      return out;
    }
  }
  const Figures& first = runs.front().figures;
  for (std::size_t i = 0; i < first.size(); ++i) {
    FigureEstimate f;
    f.path = first[i].path;
    for (const ReplicationResult& run : runs) {
      if (run.figures[i].path != f.path) throw std::logic_error("replications disagree on figures");
      f.values.push_back(run.figures[i].value);
    }
    f.estimate = core::estimate(f.values);
    out.figures.push_back(std::move(f));
  }
  // Series: mean over the replications that have a finite value at each sample.
  const core::TimeSeriesTable& s0 = runs.front().series;
  for (std::size_t k = 0; k < s0.seriesCount(); ++k)
    out.series.addSeries(s0.key(k));
  for (std::size_t i = 0; i < s0.sampleCount(); ++i) {
    out.series.beginSample(s0.times()[i]);
    for (std::size_t k = 0; k < s0.seriesCount(); ++k) {
      double sum = 0.0;
      int n = 0;
      for (const ReplicationResult& run : runs) {
        if (i >= run.series.sampleCount()) continue;
        const double v = run.series.values(k)[i];
        if (std::isfinite(v)) {
          sum += v;
          ++n;
        }
      }
      out.series.set(k, n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN());
    }
  }
  return out;
}

}  // namespace lbsim::models
