#pragma once

#include <cmath>

namespace lbsim::validation {

// Neumaier's compensated sum (Neumaier 1974, an improved Kahan summation): the rounding
// error stays O(eps) of the sum of magnitudes however many terms are added, which the
// analytic models need when they sum 10^5..10^7 state probabilities or cache keys.
class CompensatedSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    if (std::abs(sum_) >= std::abs(x)) {
      compensation_ += (sum_ - t) + x;
    } else {
      compensation_ += (x - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

}  // namespace lbsim::validation
