#include "core/simulator.h"

#include <cassert>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace lbsim::core {

class Simulator::StopHandler final : public EventHandler {
 public:
  explicit StopHandler(Simulator& sim) : sim_(sim) {}
  void handleEvent(const Event&) override { sim_.stop(); }

 private:
  Simulator& sim_;
};

class Simulator::PeriodicHandler final : public EventHandler {
 public:
  explicit PeriodicHandler(Simulator& sim) : sim_(sim) {}
  void handleEvent(const Event& event) override {
    const auto index = static_cast<std::size_t>(event.kind);
    sim_.periodicCallbacks_[index](sim_.now());
    if (sim_.periodicIntervals_[index] == 0.0) return;  // a one-shot callback (`at`)
    // The next tick is computed from the tick count, not by adding the interval to the
    // clock, so that ticks do not drift by rounding over a long run.
    const std::uint64_t tick = event.payload + 1;
    sim_.schedule(
        sim_.periodicStarts_[index] + static_cast<double>(tick) * sim_.periodicIntervals_[index],
        sim_.periodicHandler_, event.kind, tick);
  }

 private:
  Simulator& sim_;
};

Simulator::Simulator() {
  ownHandlers_.push_back(std::make_unique<StopHandler>(*this));
  stopHandler_ = addHandler(ownHandlers_.back().get());
  ownHandlers_.push_back(std::make_unique<PeriodicHandler>(*this));
  periodicHandler_ = addHandler(ownHandlers_.back().get());
}

HandlerId Simulator::addHandler(EventHandler* handler) {
  assert(handler != nullptr);
  handlers_.push_back(handler);
  return static_cast<HandlerId>(handlers_.size() - 1);
}

void Simulator::schedule(double at, HandlerId handler, std::uint32_t kind, std::uint64_t payload) {
  assert(handler < handlers_.size());
  assert(at >= clock_.now_ && "an event cannot be scheduled in the past");
  assert(!std::isnan(at));
  calendar_.push(Event{at, nextSequence_++, handler, kind, payload});
}

// The calendar's pop is inline here: one call per event, the handler's.
void Simulator::run() {
  stopped_ = false;
  while (!stopped_ && !calendar_.empty()) {
    const Event event = calendar_.pop();
    assert(event.time >= clock_.now_ && "time never goes backwards");
    clock_.now_ = event.time;
    ++eventsProcessed_;
    handlers_[event.handler]->handleEvent(event);
    if (eventsProcessed_ == nextCheck_) [[unlikely]] {
      nextCheck_ += checkInterval_;
      if (check_()) stopped_ = true;
    }
  }
}

void Simulator::checkEvery(std::uint64_t events, std::function<bool()> check) {
  if (events == 0 || !check) throw std::invalid_argument("checkEvery needs events > 0 and a check");
  check_ = std::move(check);
  checkInterval_ = events;
  nextCheck_ = eventsProcessed_ + events;
}

void Simulator::stopAt(double time) {
  schedule(time, stopHandler_);
}

void Simulator::at(double time, std::function<void(double)> callback) {
  periodicCallbacks_.push_back(std::move(callback));
  periodicIntervals_.push_back(0.0);
  periodicStarts_.push_back(time);
  schedule(time, periodicHandler_, static_cast<std::uint32_t>(periodicCallbacks_.size() - 1), 0);
}

void Simulator::every(double interval, double start, std::function<void(double)> callback) {
  if (!(interval > 0.0)) throw std::invalid_argument("interval must be positive");
  periodicCallbacks_.push_back(std::move(callback));
  periodicIntervals_.push_back(interval);
  periodicStarts_.push_back(start);
  schedule(start, periodicHandler_, static_cast<std::uint32_t>(periodicCallbacks_.size() - 1), 0);
}

}  // namespace lbsim::core
