#include "core/stats/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <limits>

namespace lbsim::core {
namespace {

constexpr int kMantissaBits = 52;
constexpr int kSubBucketBits = 7;
constexpr int kKeyShift = kMantissaBits - kSubBucketBits;

// Exponent and top mantissa bits of a positive double; ordered like the values themselves.
constexpr std::uint64_t keyOf(double value) {
  return std::bit_cast<std::uint64_t>(value) >> kKeyShift;
}

constexpr std::uint64_t kFirstKey = keyOf(LatencyHistogram::kLowest);
constexpr std::uint64_t kLastKey = keyOf(LatencyHistogram::kHighest);
constexpr std::size_t kBucketCount = kLastKey - kFirstKey + 1;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::size_t bucketOf(double value) {
  if (!(value >= LatencyHistogram::kLowest)) return 0;  // also zero, negatives and NaN
  if (value >= LatencyHistogram::kHighest) return kBucketCount - 1;
  return static_cast<std::size_t>(keyOf(value) - kFirstKey);
}

// The buckets that may hold samples of a histogram with this min and max: empty when
// min > max (no samples).
struct Range {
  std::size_t first;
  std::size_t end;
};
Range rangeOf(double min, double max) {
  if (!(min <= max)) return {0, 0};
  return {bucketOf(min), bucketOf(max) + 1};
}

double lowerBound(std::size_t bucket) {
  return std::bit_cast<double>((kFirstKey + bucket) << kKeyShift);
}

}  // namespace

LatencyHistogram::LatencyHistogram()
    : buckets_(kBucketCount, 0), min_(kInfinity), max_(-kInfinity) {}

void LatencyHistogram::record(double value) {
  assert(!std::isnan(value));
  ++buckets_[bucketOf(value)];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::record(double value, DeferredCounts& deferred) {
  assert(!std::isnan(value));
  deferred.add(&buckets_[bucketOf(value)]);
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  mergeCounts(other);
  sum_ += other.sum_;
}

void LatencyHistogram::mergeCounts(const LatencyHistogram& other) {
  const Range r = rangeOf(other.min_, other.max_);
  for (std::size_t i = r.first; i < r.end; ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() {
  const Range r = rangeOf(min_, max_);
  std::fill(buckets_.begin() + static_cast<std::ptrdiff_t>(r.first),
            buckets_.begin() + static_cast<std::ptrdiff_t>(r.end), 0);
  count_ = 0;
  sum_ = 0.0;
  min_ = kInfinity;
  max_ = -kInfinity;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? kNaN : sum_ / static_cast<double>(count_);
}

double LatencyHistogram::min() const {
  return count_ == 0 ? kNaN : min_;
}

double LatencyHistogram::max() const {
  return count_ == 0 ? kNaN : max_;
}

double LatencyHistogram::quantile(double q) const {
  assert(q >= 0.0 && q <= 1.0);
  if (count_ == 0) return kNaN;
  const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_));
  const std::uint64_t rank =
      std::clamp(static_cast<std::uint64_t>(wanted), std::uint64_t{1}, count_);
  // Below min's bucket they are all empty.
  std::uint64_t seen = 0;
  std::size_t bucket = rangeOf(min_, max_).first;
  for (; bucket + 1 < kBucketCount; ++bucket) {
    seen += buckets_[bucket];
    if (seen >= rank) break;
  }
  const double midpoint = 0.5 * (lowerBound(bucket) + lowerBound(bucket + 1));
  return std::clamp(midpoint, min_, max_);
}

LatencyHistogram IntervalHistogram::total() const {
  LatencyHistogram t = total_;
  t.mergeCounts(interval_);
  return t;
}

void IntervalHistogram::reset() {
  if (!interval_.empty()) {
    if (!beforeReset_) beforeReset_ = std::make_unique<LatencyHistogram>();
    beforeReset_->merge(interval_);
    interval_.reset();
  }
  total_.reset();
}

}  // namespace lbsim::core
