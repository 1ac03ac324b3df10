#pragma once

#include <algorithm>
#include <cassert>

namespace lbsim::core {

// Time-average of a piecewise-constant quantity (busy servers, queue length, replicas): the
// area under the step function is accumulated at each change, so the mean over any horizon
// costs O(1) and no history is kept.
class TimeWeighted {
 public:
  explicit TimeWeighted(double startTime = 0.0, double initialValue = 0.0)
      : start_(startTime), lastChange_(startTime), value_(initialValue), max_(initialValue) {}

  // The value becomes `value` at `now`; time never goes backwards.
  void set(double now, double value) {
    assert(now >= lastChange_);
    area_ += value_ * (now - lastChange_);
    lastChange_ = now;
    value_ = value;
    max_ = std::max(max_, value);
  }

  void add(double now, double delta) { set(now, value_ + delta); }

  // Forgets the past but keeps the current value, for deleting a warm-up period.
  void reset(double now) {
    assert(now >= lastChange_);
    start_ = now;
    lastChange_ = now;
    area_ = 0.0;
    max_ = value_;
  }

  double current() const { return value_; }

  // Area under the step function from the start (or last reset) up to `now`.
  double integral(double now) const {
    assert(now >= lastChange_);
    return area_ + value_ * (now - lastChange_);
  }

  // integral(now) / (now - start); the current value when no time has passed.
  double mean(double now) const { return now == start_ ? value_ : integral(now) / (now - start_); }

  double maxValue() const { return max_; }  // since the start or last reset

 private:
  double start_;
  double lastChange_;
  double value_;
  double area_ = 0.0;
  double max_;
};

}  // namespace lbsim::core
