#pragma once

#include <cstdint>

#include "core/ring_queue.h"
#include "core/simulator.h"

namespace lbsim::core {

// Timers that fall due in the order they are armed, as timers of one fixed delay from now
// do (a tier's queue timeout, its reserve-pool wait, its response timeout): a FIFO with
// only its head on the calendar.
//
// Cancellation is lazy (the handler ignores a timer whose token no longer matches), so a
// cancelled timer stays until it falls due. On the calendar, a 120-second queue timeout
// armed thousands of times a second would keep hundreds of thousands of dead events in the
// heap and make every push and pop slower; here each costs a slot in a ring and one pop.
// A timer due before the last one armed (a different delay) goes on the calendar itself.
//
// The owner's handler receives `lineKind` when the head is due and calls `due()` for the
// timer's own event, which it then handles as if the calendar had delivered it.
class TimerLine {
 public:
  TimerLine() = default;
  TimerLine(Simulator* sim, HandlerId handler, std::uint32_t lineKind)
      : sim_(sim), handler_(handler), lineKind_(lineKind) {}

  void arm(double at, std::uint32_t kind, std::uint64_t payload) {
    if (!timers_.empty() && at < lastAt_) {
      sim_->schedule(at, handler_, kind, payload);
      return;
    }
    lastAt_ = at;
    timers_.push({at, kind, payload});
    if (timers_.size() == 1) sim_->schedule(at, handler_, lineKind_, 0);
  }

  // The head timer, now due: taken off the line, and the next one put on the calendar.
  Event due() {
    const Timer t = timers_.pop();
    if (!timers_.empty()) sim_->schedule(timers_.front().at, handler_, lineKind_, 0);
    return Event{t.at, 0, handler_, t.kind, t.payload};
  }

  std::size_t size() const { return timers_.size(); }

 private:
  struct Timer {
    double at;
    std::uint32_t kind;
    std::uint64_t payload;
  };
  Simulator* sim_ = nullptr;
  HandlerId handler_ = 0;
  std::uint32_t lineKind_ = 0;
  double lastAt_ = 0.0;
  RingQueue<Timer> timers_;
};

}  // namespace lbsim::core
