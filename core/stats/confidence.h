#pragma once

#include <cstdint>
#include <limits>
#include <span>

namespace lbsim::core {

// Inverse CDF of Student's t with `degreesOfFreedom` > 0 at probability p in (0, 1), accurate to
// 1e-9 for df <= 1e6 (beyond that lgamma's rounding dominates). Throws std::invalid_argument
// outside that domain. See confidence.cc for the method.
double studentTQuantile(double p, double degreesOfFreedom);

// Welford's online mean and variance (Welford 1962; Knuth TAOCP vol. 2, 4.2.2): no catastrophic
// cancellation of sum-of-squares formulas, one pass, O(1) memory.
class RunningStats {
 public:
  void add(double x);
  std::uint64_t count() const { return count_; }
  double mean() const;      // NaN when empty
  double variance() const;  // sample variance (n - 1); NaN when count < 2
  double stddev() const;    // NaN when count < 2

 private:
  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double squaredDeviations_ = 0.0;
};

struct Estimate {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double halfWidth = std::numeric_limits<double>::quiet_NaN();
  std::uint32_t n = 0;

  double low() const { return mean - halfWidth; }
  double high() const { return mean + halfWidth; }
  bool contains(double x) const { return low() <= x && x <= high(); }  // false when NaN
};

// Student-t interval over independent replications: mean +- t_{(1+c)/2, n-1} * s / sqrt(n).
// halfWidth is NaN when n < 2; mean and halfWidth are both NaN if any value is NaN, so a broken
// replication is never averaged away. Throws std::invalid_argument unless 0 < confidence < 1.
Estimate estimate(std::span<const double> replicationValues, double confidence = 0.95);

}  // namespace lbsim::core
