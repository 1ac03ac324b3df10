#include "core/stats/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/distributions.h"
#include "core/random.h"

namespace lbsim::core {
namespace {

class LatencyHistogramTest : public ::testing::Test {
 protected:
  static constexpr double kQuantiles[] = {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999};

  static std::vector<double> draw(const Distribution& d, std::uint64_t seed, int count) {
    RandomStream rng(seed);
    std::vector<double> x(count);
    for (auto& v : x)
      v = d.sample(rng);
    return x;
  }

  // The nearest-rank quantile of the sorted raw samples: the ceil(q n)-th smallest, at least the
  // first.
  static double exactQuantile(const std::vector<double>& sorted, double q) {
    const auto rank = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
    return sorted[rank - 1];
  }

  // Every listed quantile within the documented bound: half a bucket, 1/256 of the value (and so
  // within kMaxRelativeError = 1%).
  static void expectQuantilesAccurate(const std::vector<double>& samples) {
    LatencyHistogram h;
    for (const double x : samples)
      h.record(x);
    std::vector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    for (const double q : kQuantiles) {
      SCOPED_TRACE("q " + std::to_string(q));
      const double exact = exactQuantile(sorted, q);
      const double relativeError = std::abs(h.quantile(q) - exact) / exact;
      EXPECT_LE(relativeError, 1.0 / 256.0);
      EXPECT_LE(relativeError, LatencyHistogram::kMaxRelativeError);
    }
  }
};

TEST_F(LatencyHistogramTest, QuantilesOfLognormalCv15) {
  expectQuantilesAccurate(
      draw(Distribution::fromMeanCv(DistributionKind::kLognormal, 0.05, 1.5), 1, 200'000));
}

TEST_F(LatencyHistogramTest, QuantilesOfLognormalCv4) {
  expectQuantilesAccurate(
      draw(Distribution::fromMeanCv(DistributionKind::kLognormal, 0.05, 4.0), 2, 200'000));
}

TEST_F(LatencyHistogramTest, QuantilesOfUniform) {
  expectQuantilesAccurate(draw(Distribution::uniform(0.001, 0.2), 3, 200'000));
}

TEST_F(LatencyHistogramTest, CountSumMinMaxAreExact) {
  LatencyHistogram h;
  const std::vector<double> values = {0.25, 0.003, 1.5, 0.04};
  for (const double v : values)
    h.record(v);
  EXPECT_EQ(h.count(), 4u);
  // 0.25 + 0.003 + 1.5 + 0.04 added in that order, as the histogram does.
  EXPECT_EQ(h.sum(), 0.25 + 0.003 + 1.5 + 0.04);
  EXPECT_EQ(h.mean(), (0.25 + 0.003 + 1.5 + 0.04) / 4);
  EXPECT_EQ(h.min(), 0.003);
  EXPECT_EQ(h.max(), 1.5);
  // Clamped to [min, max], the extreme quantiles are exact.
  EXPECT_EQ(h.quantile(0.0), 0.003);
  EXPECT_EQ(h.quantile(1.0), 1.5);
}

TEST_F(LatencyHistogramTest, MergeEqualsRecordingAll) {
  const auto samples =
      draw(Distribution::fromMeanCv(DistributionKind::kLognormal, 0.05, 1.5), 4, 20'000);
  LatencyHistogram all;
  LatencyHistogram first;
  LatencyHistogram second;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    all.record(samples[i]);
    (i % 3 == 0 ? first : second).record(samples[i]);
  }
  first.merge(second);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_EQ(first.min(), all.min());
  EXPECT_EQ(first.max(), all.max());
  // The sums differ only by the order of floating-point additions.
  EXPECT_NEAR(first.sum(), all.sum(), 1e-12 * all.sum());
  for (const double q : kQuantiles)
    EXPECT_EQ(first.quantile(q), all.quantile(q)) << q;

  LatencyHistogram empty;
  first.merge(empty);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_EQ(first.min(), all.min());
  empty.merge(all);
  EXPECT_EQ(empty.quantile(0.5), all.quantile(0.5));
}

TEST_F(LatencyHistogramTest, EmptyAndResetGiveNaN) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum(), 0.0);
  EXPECT_TRUE(std::isnan(h.mean()));
  EXPECT_TRUE(std::isnan(h.min()));
  EXPECT_TRUE(std::isnan(h.max()));
  EXPECT_TRUE(std::isnan(h.quantile(0.5)));

  h.record(0.1);
  h.record(0.2);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum(), 0.0);
  EXPECT_TRUE(std::isnan(h.mean()));
  EXPECT_TRUE(std::isnan(h.quantile(0.99)));

  h.record(0.3);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.min(), 0.3);
  EXPECT_EQ(h.quantile(0.5), 0.3);  // a single value: clamping to [min, max] makes it exact
}

// Out-of-range values land in the end buckets (run under UBSan to show no undefined shifts or
// casts); min, max and sum keep the true values.
TEST_F(LatencyHistogramTest, OutOfRangeValuesAreClamped) {
  LatencyHistogram h;
  h.record(1e-12);
  h.record(1e9);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), 1e-12);
  EXPECT_EQ(h.max(), 1e9);
  EXPECT_EQ(h.sum(), 1e-12 + 1e9);
  // The lowest bucket holds 1e-9, the highest 1e6; each midpoint is within 1/256 of them.
  EXPECT_NEAR(h.quantile(0.5), 1e-9, 1e-9 / 128);
  EXPECT_NEAR(h.quantile(1.0), 1e6, 1e6 / 128);

  LatencyHistogram extremes;
  for (const double v : {0.0, -1.0, 5e-324, 1e-300, std::numeric_limits<double>::max(),
                         std::numeric_limits<double>::infinity()}) {
    extremes.record(v);
  }
  EXPECT_EQ(extremes.count(), 6u);
  EXPECT_EQ(extremes.min(), -1.0);
  EXPECT_EQ(extremes.max(), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(extremes.quantile(0.5), 1e-9, 1e-9 / 128);  // four of six in the lowest bucket
  EXPECT_NEAR(extremes.quantile(1.0), 1e6, 1e6 / 128);
}

// merge(), reset() and quantile() visit only the buckets between min and max: a reset after
// samples far apart must leave every bucket empty, and a merge must carry both ends.
TEST_F(LatencyHistogramTest, ResetAndMergeCoverTheWholeRange) {
  LatencyHistogram h;
  for (const double v : {1e-9, 3e-6, 0.2, 7.0, 9e5})
    h.record(v);
  LatencyHistogram merged;
  merged.record(0.5);
  merged.merge(h);
  EXPECT_EQ(merged.count(), 6u);
  EXPECT_EQ(merged.min(), 1e-9);
  EXPECT_EQ(merged.max(), 9e5);
  EXPECT_NEAR(merged.quantile(0.2), 3e-6, 3e-6 / 128);
  EXPECT_NEAR(merged.quantile(1.0), 9e5, 9e5 / 128);
  h.reset();
  // The same range again: a bucket the reset missed (3e-6, 0.2 or 7) would take a rank.
  for (const double v : {1e-9, 1.0, 2.0, 9e5})
    h.record(v);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_NEAR(h.quantile(0.25), 1e-9, 1e-9 / 128);
  EXPECT_NEAR(h.quantile(0.5), 1.0, 1.0 / 128);
  EXPECT_NEAR(h.quantile(0.75), 2.0, 2.0 / 128);
  EXPECT_NEAR(h.quantile(1.0), 9e5, 9e5 / 128);
}

// IntervalHistogram's total() is, figure for figure and bit for bit, a histogram fed every
// sample; each interval's histogram holds exactly that interval's samples.
TEST_F(LatencyHistogramTest, IntervalHistogramMatchesSeparateHistograms) {
  RandomStream rng(17);
  IntervalHistogram paired;
  LatencyHistogram whole;
  for (int interval = 0; interval < 5; ++interval) {
    LatencyHistogram own;
    const double scale = std::pow(10.0, interval - 3);  // intervals on different scales
    for (int i = 0; i < 1000 + 300 * interval; ++i) {
      const double v = rng.exponential(scale);
      paired.record(v);
      whole.record(v);
      own.record(v);
    }
    const LatencyHistogram total = paired.total();
    EXPECT_EQ(total.count(), whole.count());
    EXPECT_EQ(total.sum(), whole.sum());  // same additions in the same order
    EXPECT_EQ(total.min(), whole.min());
    EXPECT_EQ(total.max(), whole.max());
    for (const double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0})
      EXPECT_EQ(total.quantile(q), whole.quantile(q)) << q;
    bool read = false;
    paired.endInterval([&](const LatencyHistogram& h) {
      read = true;
      EXPECT_EQ(h.count(), own.count());
      EXPECT_EQ(h.min(), own.min());
      EXPECT_EQ(h.max(), own.max());
      for (const double q : {0.5, 0.99})
        EXPECT_EQ(h.quantile(q), own.quantile(q));
    });
    EXPECT_TRUE(read);
  }
  EXPECT_EQ(paired.total().count(), whole.count());
  EXPECT_EQ(paired.total().quantile(0.99), whole.quantile(0.99));
}

// Records through DeferredCounts, flushed, give the histograms of direct records, however
// many were recorded (fewer than the depth, or not a multiple of it) and however they are
// interleaved between histograms.
TEST_F(LatencyHistogramTest, DeferredCountsMatchDirectRecords) {
  RandomStream rng(5);
  // Equal, or both NaN (the quantiles of no samples).
  auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
  for (const int n : {0, 3, static_cast<int>(DeferredCounts::kDepth), 1001}) {
    DeferredCounts deferred;
    LatencyHistogram a, b, directA, directB;
    IntervalHistogram paired;
    for (int i = 0; i < n; ++i) {
      const double v = rng.exponential(0.05);
      if (rng.uniform01() < 0.3) {
        a.record(v, deferred);
        directA.record(v);
      } else {
        b.record(v, deferred);
        directB.record(v);
      }
      paired.record(v, deferred);
    }
    deferred.flush();
    for (const auto& [got, want] : {std::pair{&a, &directA}, std::pair{&b, &directB}}) {
      EXPECT_EQ(got->count(), want->count());
      EXPECT_EQ(got->sum(), want->sum());
      for (const double q : {0.01, 0.25, 0.5, 0.9, 0.99, 1.0})
        EXPECT_TRUE(same(got->quantile(q), want->quantile(q))) << n << " " << q;
    }
    LatencyHistogram both = directA;
    both.merge(directB);
    EXPECT_EQ(paired.total().count(), both.count());
    for (const double q : {0.5, 0.99})
      EXPECT_TRUE(same(paired.total().quantile(q), both.quantile(q)));
    // A second flush applies nothing twice.
    deferred.flush();
    EXPECT_TRUE(same(a.quantile(1.0), directA.quantile(1.0)));
    EXPECT_TRUE(same(paired.total().quantile(0.5), both.quantile(0.5)));
  }
}

// A warm-up reset in the middle of an interval: the run's histogram forgets what came before
// it, the interval's step keeps all of its samples.
TEST_F(LatencyHistogramTest, IntervalHistogramResetKeepsTheIntervalsSamples) {
  IntervalHistogram paired;
  paired.record(100.0);  // an earlier interval
  paired.endInterval([](const LatencyHistogram&) {});
  paired.record(50.0);  // this interval, before the reset
  paired.record(60.0);
  paired.reset();
  EXPECT_EQ(paired.total().count(), 0u);
  EXPECT_TRUE(std::isnan(paired.total().mean()));
  paired.record(1.0);
  paired.record(3.0);
  const LatencyHistogram total = paired.total();
  EXPECT_EQ(total.count(), 2u);
  EXPECT_EQ(total.sum(), 4.0);
  EXPECT_EQ(total.max(), 3.0);
  paired.endInterval([](const LatencyHistogram& h) {
    EXPECT_EQ(h.count(), 4u);
    EXPECT_EQ(h.min(), 1.0);
    EXPECT_EQ(h.max(), 60.0);
    EXPECT_NEAR(h.quantile(0.75), 50.0, 50.0 / 128);
  });
  EXPECT_EQ(paired.total().count(), 2u);  // the samples before the reset did not join it
  EXPECT_EQ(paired.total().quantile(1.0), 3.0);
  paired.record(2.0);
  paired.endInterval([](const LatencyHistogram& h) { EXPECT_EQ(h.count(), 1u); });
  EXPECT_EQ(paired.total().count(), 3u);
  EXPECT_EQ(paired.total().sum(), 6.0);
}

}  // namespace
}  // namespace lbsim::core
