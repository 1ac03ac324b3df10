#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/prefetch.h"

namespace lbsim::core {

// Bucket increments held back for a few records: record(value, deferred) asks for the
// bucket's cache line and applies the increment of the record kDepth records earlier, whose
// line has arrived meanwhile. A simulation's histograms (dozens, tens of KiB each) do not
// stay in the core's caches between requests, and without this each record waits for its
// bucket. Everything else of a record (count, sum, min, max) is applied at once.
//
// flush() applies the pending increments: call it before reading, merging, copying or
// resetting a histogram recorded through it. It must outlive those histograms' records.
class DeferredCounts {
 public:
  static constexpr std::size_t kDepth = 8;

  DeferredCounts() { pending_.fill(&sink_); }
  DeferredCounts(const DeferredCounts&) = delete;
  DeferredCounts& operator=(const DeferredCounts&) = delete;

  void add(std::uint64_t* bucket) {
    prefetch(bucket);
    std::uint64_t* const due = pending_[next_];
    pending_[next_] = bucket;
    next_ = (next_ + 1) % kDepth;
    ++*due;
  }

  void flush() {
    for (std::uint64_t*& p : pending_) {
      ++*p;
      p = &sink_;
    }
  }

 private:
  std::array<std::uint64_t*, kDepth> pending_;
  std::size_t next_ = 0;
  std::uint64_t sink_ = 0;  // where an empty slot's increment goes
};

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
// merge(), reset() and quantile() visit only the buckets between min and max, the few hundred
// a workload's latencies span rather than all of them.
class LatencyHistogram {
 public:
  static constexpr double kMaxRelativeError = 0.01;
  static constexpr double kLowest = 1e-9;
  static constexpr double kHighest = 1e6;

  LatencyHistogram();

  void record(double value);  // value <= 0 goes to the lowest bucket
  // The same, with the bucket's increment deferred (see DeferredCounts).
  void record(double value, DeferredCounts& deferred);
  void merge(const LatencyHistogram& other);
  void reset();

  bool empty() const { return count_ == 0; }
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double mean() const;  // sum / count; NaN when empty
  double min() const;   // NaN when empty
  double max() const;   // NaN when empty
  // Nearest rank: the ceil(q * count)-th smallest sample (at least the first), q in [0, 1].
  double quantile(double q) const;

 private:
  friend class IntervalHistogram;
  // Buckets, count, min and max of `other`, not its sum.
  void mergeCounts(const LatencyHistogram& other);

  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_;
  double max_;
};

// A histogram of a whole run and one of its current interval (a time-series step) filled by
// one record(): the interval's buckets are added to the run's when the interval ends, so a
// sample is bucketed once instead of twice. The run's sum is added sample by sample, in the
// same order as a LatencyHistogram of its own would add it, so every figure of total() is
// exactly that histogram's.
class IntervalHistogram {
 public:
  void record(double value) {
    interval_.record(value);
    total_.sum_ += value;
  }
  void record(double value, DeferredCounts& deferred) {
    interval_.record(value, deferred);
    total_.sum_ += value;
  }

  // The run's histogram so far (a copy with the current interval's samples added).
  LatencyHistogram total() const;

  // Ends the interval: its samples join the run's, `read` gets a histogram of them (including
  // those recorded before a reset() during it), and a new interval starts.
  template <class Read>
  void endInterval(Read&& read) {
    total_.mergeCounts(interval_);
    if (beforeReset_) {
      interval_.merge(*beforeReset_);
      beforeReset_.reset();
    }
    read(static_cast<const LatencyHistogram&>(interval_));
    interval_.reset();
  }

  // Forgets the run's samples so far (a warm-up), but not the current interval's: they stay
  // in its time-series step.
  void reset();

 private:
  LatencyHistogram total_;     // all but the current interval's buckets; every sample's sum
  LatencyHistogram interval_;  // since the interval started, or since reset() if later
  std::unique_ptr<LatencyHistogram> beforeReset_;  // the interval's samples before a reset()
};

}  // namespace lbsim::core
