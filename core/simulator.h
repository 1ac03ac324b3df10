#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/calendar_queue.h"
#include "core/event_queue.h"

namespace lbsim::core {

// The simulated clock. Models and policies get a `const Clock&` injected; only the
// simulator moves it. Time is in seconds.
class Clock {
 public:
  double now() const { return now_; }

 private:
  friend class Simulator;
  double now_ = 0.0;
};

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void handleEvent(const Event& event) = 0;
};

// The discrete-event kernel: a clock, a calendar and the handlers that events are
// dispatched to. Single-threaded and deterministic: events at equal times run in the
// order they were scheduled. Stop conditions, progress and pausing are not branches of
// the loop: they are handlers of their own events (see `stopAt` and `every`).
class Simulator {
 public:
  Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  const Clock& clock() const { return clock_; }
  double now() const { return clock_.now_; }

  // Handlers must outlive the simulator's run; the id is the index to schedule with.
  HandlerId addHandler(EventHandler* handler);

  void schedule(double at, HandlerId handler, std::uint32_t kind = 0, std::uint64_t payload = 0);
  void scheduleIn(double delay, HandlerId handler, std::uint32_t kind = 0,
                  std::uint64_t payload = 0) {
    schedule(clock_.now_ + delay, handler, kind, payload);
  }

  void run();
  void stop() { stopped_ = true; }

  // Ends the run when the clock reaches `time` (events scheduled at exactly `time` before
  // this call still run; later ones do not).
  void stopAt(double time);

  // Calls `callback(now)` at start, start+interval, start+2*interval, ... while the run
  // goes on: progress reports, time-series sampling, GUI snapshots and pausing.
  void every(double interval, double start, std::function<void(double)> callback);
  // Calls `callback(now)` once, at `time`.
  void at(double time, std::function<void(double)> callback);
  // Calls `check()` after every `events` events, and ends the run when it returns true: a
  // poll (an interruption) that does not wait for simulated time, which may stand still.
  void checkEvery(std::uint64_t events, std::function<bool()> check);

  std::uint64_t eventsProcessed() const { return eventsProcessed_; }
  std::size_t pendingEvents() const { return calendar_.size(); }
  void reserveEvents(std::size_t n) { calendar_.reserve(n); }

 private:
  class StopHandler;
  class PeriodicHandler;

  Clock clock_;
  EventCalendar calendar_;
  std::vector<EventHandler*> handlers_;
  std::uint64_t nextSequence_ = 0;
  std::uint64_t eventsProcessed_ = 0;
  std::uint64_t nextCheck_ = ~std::uint64_t{0};
  std::uint64_t checkInterval_ = 0;
  std::function<bool()> check_;
  bool stopped_ = false;
  HandlerId stopHandler_ = 0;
  HandlerId periodicHandler_ = 0;
  std::vector<std::function<void(double)>> periodicCallbacks_;
  std::vector<double> periodicIntervals_;
  std::vector<double> periodicStarts_;
  std::vector<std::unique_ptr<EventHandler>> ownHandlers_;
};

}  // namespace lbsim::core
