#include "gui/live/live_run.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "core/simulator.h"
#include "gui/live/live_observer.h"
#include "models/experiment.h"
#include "models/network.h"

namespace lbsim::gui {

namespace {

using Clock = std::chrono::steady_clock;

// Wall time between two pacing checks at a finite speed: short enough that pausing and
// speed changes take effect at once, long enough to cost nothing.
constexpr double kPaceWallStep = 0.02;

}  // namespace

void LiveRun::pause() {
  paused_ = true;
}

void LiveRun::resume() {
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  wake_.notify_all();
}

void LiveRun::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

void LiveRun::setSpeed(double factor) {
  speed_ = std::max(0.0, factor);
}

namespace {

// The pacer and sampler of one replication, on its simulator.
class Replication final : public core::EventHandler {
 public:
  Replication(LiveRun& run, const models::ScenarioSpec& spec, models::Network& network,
              std::uint32_t replication, std::uint32_t replications, double interval,
              std::atomic<bool>& paused, std::atomic<bool>& stop, std::atomic<double>& speed,
              std::mutex& mutex, std::condition_variable& wake, const LiveRun::Callbacks& callbacks,
              std::vector<LiveSample>& kept, std::uint64_t& ownEvents)
      : run_(run),
        network_(&network),
        observer_(spec),
        replication_(replication),
        replications_(replications),
        duration_(spec.duration),
        interval_(interval),
        paused_(paused),
        stop_(stop),
        speed_(speed),
        mutex_(mutex),
        wake_(wake),
        callbacks_(callbacks),
        kept_(kept),
        ownEvents_(ownEvents) {
    network.addObserver(&observer_);
    observer_.attach(&network);
    core::Simulator& sim = network.simulator();
    handler_ = sim.addHandler(this);
    // The replicas' states and the requests and sessions in flight at the end, for the last
    // sample and state (taken once the network is gone).
    sim.at(duration_, [this](double) {
      ++ownEvents_;
      observer_.capture();
    });
    sim.every(interval, interval, [this](double now) {
      ++ownEvents_;
      takeSample(now);
      maybePublish(now, false);
    });
    sim.schedule(0.0, handler_);
    originWall_ = Clock::now();
  }

  void handleEvent(const core::Event&) override {
    ++ownEvents_;
    const double now = network_->simulator().now();
    if (paused_ && !stop_) {
      publish(now, true);
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !paused_ || stop_; });
      lock.unlock();
      resetOrigin(now);
    }
    const double speed = stop_ ? 0.0 : speed_.load();
    if (speed != originSpeed_) resetOrigin(now);
    if (speed > 0.0) {
      const auto target =
          originWall_ + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>((now - originSim_) / speed));
      if (target > Clock::now()) std::this_thread::sleep_until(target);
    }
    maybePublish(now, false);
    const double step = speed > 0.0 ? std::min(speed * kPaceWallStep, interval_) : interval_ / 8.0;
    network_->simulator().scheduleIn(step, handler_);
  }

  // After the replication's loop: the last, possibly short, interval (as the Collector
  // takes it) and what is left to publish. The network is gone by then.
  void finish(bool interrupted) {
    network_ = nullptr;
    observer_.attach(nullptr);
    if (!interrupted && observer_.lastSampleTime() < duration_) takeSample(duration_);
    publish(duration_, true);
  }

 private:
  void resetOrigin(double now) {
    originSim_ = now;
    originWall_ = Clock::now();
    originSpeed_ = stop_ ? 0.0 : speed_.load();
  }
  void takeSample(double now) {
    LiveSample s = observer_.sample(now);
    kept_.push_back(s);
    pending_.push_back(std::move(s));
  }
  void maybePublish(double now, bool force) {
    if (force || Clock::now() - lastPublish_ >= run_.publishPeriod) publish(now, force);
  }
  void publish(double now, bool) {
    LiveBatch batch;
    batch.replication = replication_;
    batch.progress = (replication_ + std::min(1.0, now / duration_)) / replications_;
    batch.samples = std::move(pending_);
    pending_.clear();
    batch.state = observer_.state(now);
    batch.paused = paused_ && !stop_;
    lastPublish_ = Clock::now();
    if (callbacks_.batch) callbacks_.batch(std::move(batch));
  }

  LiveRun& run_;
  models::Network* network_;
  LiveObserver observer_;
  std::uint32_t replication_, replications_;
  double duration_, interval_;
  std::atomic<bool>& paused_;
  std::atomic<bool>& stop_;
  std::atomic<double>& speed_;
  std::mutex& mutex_;
  std::condition_variable& wake_;
  const LiveRun::Callbacks& callbacks_;
  std::vector<LiveSample>& kept_;
  std::uint64_t& ownEvents_;
  core::HandlerId handler_ = 0;
  double originSim_ = 0.0;
  double originSpeed_ = 0.0;
  Clock::time_point originWall_;
  Clock::time_point lastPublish_{};
  std::vector<LiveSample> pending_;
};

}  // namespace

RunResult LiveRun::run(const models::ScenarioSpec& spec,
                       const models::balancing::PolicyRegistry& policies,
                       const Callbacks& callbacks) {
  RunResult out;
  out.spec = spec;
  out.samples.resize(spec.replications);
  const double interval = spec.timeseriesInterval > 0.0
                              ? spec.timeseriesInterval
                              : models::defaultTimeseriesInterval(spec.duration);
  std::uint64_t ownEvents = 0;   // of the replication running
  std::uint64_t ownCounted = 0;  // of the replications whose events the result counts
  std::unique_ptr<Replication> current;
  const auto started = Clock::now();

  models::RunHooks hooks;
  hooks.interrupted = [this] { return stop_.load(); };
  hooks.progress = [](std::uint32_t, double) {};  // as the CLI: the same progress events
  hooks.attach = [&](models::Network& network, std::uint32_t r) {
    if (current) current->finish(false);
    ownCounted += ownEvents;
    ownEvents = 0;
    current = std::make_unique<Replication>(*this, spec, network, r, spec.replications, interval,
                                            paused_, stop_, speed_, mutex_, wake_, callbacks,
                                            out.samples[r], ownEvents);
  };
  out.experiment = models::runExperiment(spec, policies, hooks);
  if (current) current->finish(out.experiment.interrupted);
  if (!out.experiment.interrupted) ownCounted += ownEvents;
  out.experiment.events -= std::min(out.experiment.events, ownCounted);
  out.stopped = out.experiment.interrupted;
  out.wallSeconds = std::chrono::duration<double>(Clock::now() - started).count();
  return out;
}

}  // namespace lbsim::gui
