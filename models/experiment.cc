#include "models/experiment.h"

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "core/random.h"
#include "models/metrics/collector.h"
#include "models/network.h"

namespace lbsim::models {

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
  if (hooks.attach) hooks.attach(network, r);
  network.start();
  // Scheduled last, so that everything else due at `duration` has run; a sample that
  // falls exactly at the end is taken after the loop.
  sim.stopAt(spec.duration);
  sim.run();
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

ExperimentResult runExperiment(const ScenarioSpec& spec, const balancing::PolicyRegistry& policies,
                               const RunHooks& hooks) {
  ExperimentResult out;
  std::vector<ReplicationResult> runs;
  for (std::uint32_t r = 0; r < spec.replications; ++r) {
    runs.push_back(runReplication(spec, r, policies, hooks));
    out.seeds.push_back(runs.back().seed);
    out.events += runs.back().events;
    out.log.insert(out.log.end(), runs.back().log.begin(), runs.back().log.end());
    if (runs.back().interrupted) {
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
