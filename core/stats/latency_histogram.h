#pragma once

#include <cstdint>
#include <vector>

namespace lbsim::core {

// Log-bucketed histogram of positive durations in seconds, after HdrHistogram (Gil Tene): the
// bucket of a value is its IEEE-754 exponent followed by the top 7 bits of its mantissa, so each
// power of two is split into 128 buckets of equal width and a bucket's width is at most 1/128 of
// its lower bound. Buckets cover [1e-9, 1e6] s (6,380 of them); values outside are counted in the
// end buckets, while count, sum, min and max stay exact.
//
// quantile() returns the midpoint of the bucket holding the nearest-rank sample, clamped to
// [min, max]. The true sample lies within half a bucket width of the midpoint, so for samples in
// [1e-9, 1e6] the relative error is at most 1/256 (about 0.39%), inside kMaxRelativeError.
//
// Memory is one vector allocated in the constructor; record() is O(1) and does not allocate.
class LatencyHistogram {
 public:
  static constexpr double kMaxRelativeError = 0.01;
  static constexpr double kLowest = 1e-9;
  static constexpr double kHighest = 1e6;

  LatencyHistogram();

  void record(double value);  // value <= 0 goes to the lowest bucket
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double mean() const;  // sum / count; NaN when empty
  double min() const;   // NaN when empty
  double max() const;   // NaN when empty
  // Nearest rank: the ceil(q * count)-th smallest sample (at least the first), q in [0, 1].
  double quantile(double q) const;

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_;
  double max_;
};

}  // namespace lbsim::core
