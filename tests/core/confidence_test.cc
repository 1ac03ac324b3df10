#include "core/stats/confidence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace lbsim::core {
namespace {

class ConfidenceTest : public ::testing::Test {
 protected:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

// Two-sided 95% critical values t_{0.975, df} from the standard t table (6 decimals; recomputed
// with mpmath's betainc at 40 digits: 12.7062047362, 4.3026527297, 2.7764451052, 2.2621571628,
// 2.0422724563, 1.9799304051).
TEST_F(ConfidenceTest, StudentTMatchesTable) {
  EXPECT_NEAR(studentTQuantile(0.975, 1), 12.706205, 5e-7);
  EXPECT_NEAR(studentTQuantile(0.975, 2), 4.302653, 5e-7);
  EXPECT_NEAR(studentTQuantile(0.975, 4), 2.776445, 5e-7);
  EXPECT_NEAR(studentTQuantile(0.975, 9), 2.262157, 5e-7);
  EXPECT_NEAR(studentTQuantile(0.975, 30), 2.042272, 5e-7);
  EXPECT_NEAR(studentTQuantile(0.975, 120), 1.979930, 5e-7);
}

// The same to 1e-9, against the 40-digit mpmath values above and further ones (t_{0.995, 3},
// t_{0.999, 5}, t_{0.9, 1000}; the table gives 5.841, 5.893 and 1.282).
TEST_F(ConfidenceTest, StudentTToNineDigits) {
  EXPECT_NEAR(studentTQuantile(0.975, 1), 12.7062047361747, 1e-9);
  EXPECT_NEAR(studentTQuantile(0.975, 4), 2.77644510519779, 1e-9);
  EXPECT_NEAR(studentTQuantile(0.975, 120), 1.97993040508244, 1e-9);
  EXPECT_NEAR(studentTQuantile(0.995, 3), 5.8409093097333554, 1e-9);
  EXPECT_NEAR(studentTQuantile(0.999, 5), 5.893429531356009, 1e-9);
  EXPECT_NEAR(studentTQuantile(0.9, 1000), 1.2823987214609246, 1e-9);
}

// Closed forms: df = 1 is the Cauchy distribution, t = tan(pi (p - 1/2)); df = 2 has
// t = (2p - 1) / sqrt(2 p (1 - p)). Every t quantile is odd around p = 1/2 (up to the rounding
// of 1 - p).
TEST_F(ConfidenceTest, StudentTClosedForms) {
  for (const double p : {0.001, 0.1, 0.3, 0.5, 0.6, 0.9, 0.99, 0.9999}) {
    SCOPED_TRACE(p);
    const double cauchy = std::tan(std::numbers::pi * (p - 0.5));
    EXPECT_NEAR(studentTQuantile(p, 1), cauchy, 1e-9 * std::max(1.0, std::abs(cauchy)));
    const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    EXPECT_NEAR(studentTQuantile(p, 2), two, 1e-9 * std::max(1.0, std::abs(two)));
    EXPECT_NEAR(studentTQuantile(p, 7), -studentTQuantile(1 - p, 7), 1e-12);
  }
}

TEST_F(ConfidenceTest, StudentTRejectsBadArguments) {
  EXPECT_THROW(studentTQuantile(0.0, 3), std::invalid_argument);
  EXPECT_THROW(studentTQuantile(1.0, 3), std::invalid_argument);
  EXPECT_THROW(studentTQuantile(kNaN, 3), std::invalid_argument);
  EXPECT_THROW(studentTQuantile(0.9, 0), std::invalid_argument);
  EXPECT_THROW(studentTQuantile(0.9, -1), std::invalid_argument);
}

// Welford on {2, 4, 4, 4, 5, 5, 7, 9}: mean 40/8 = 5, squared deviations 32, sample variance
// 32/7.
TEST_F(ConfidenceTest, RunningStatsByHand) {
  RunningStats stats;
  EXPECT_TRUE(std::isnan(stats.mean()));
  for (const double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
    stats.add(x);
  EXPECT_EQ(stats.count(), 8u);
  EXPECT_DOUBLE_EQ(stats.mean(), 5.0);
  EXPECT_DOUBLE_EQ(stats.variance(), 32.0 / 7.0);
  EXPECT_DOUBLE_EQ(stats.stddev(), std::sqrt(32.0 / 7.0));
  RunningStats one;
  one.add(3.0);
  EXPECT_EQ(one.mean(), 3.0);
  EXPECT_TRUE(std::isnan(one.variance()));
}

// {1, 2, 3, 4, 5}: mean 3, s^2 = (4 + 1 + 0 + 1 + 4)/4 = 2.5, s/sqrt(5) = sqrt(0.5), and the
// 95% half width is t_{0.975, 4} * sqrt(0.5) = 2.7764451052 * 0.7071067812 = 1.9632432.
TEST_F(ConfidenceTest, EstimateByHand) {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  const Estimate e = estimate(values);
  EXPECT_EQ(e.n, 5u);
  EXPECT_DOUBLE_EQ(e.mean, 3.0);
  EXPECT_NEAR(e.halfWidth, 1.9632432, 1e-7);
  EXPECT_NEAR(e.low(), 3.0 - 1.9632432, 1e-7);
  EXPECT_NEAR(e.high(), 3.0 + 1.9632432, 1e-7);
  EXPECT_TRUE(e.contains(4.9));
  EXPECT_FALSE(e.contains(5.0));
  // 99%: t_{0.995, 4} = 4.604095 (standard table), half width 4.604095 * sqrt(0.5) = 3.255587.
  EXPECT_NEAR(estimate(values, 0.99).halfWidth, 3.255587, 1e-6);
}

TEST_F(ConfidenceTest, EstimateWithOneValueHasNoHalfWidth) {
  const std::vector<double> values = {4.5};
  const Estimate e = estimate(values);
  EXPECT_EQ(e.n, 1u);
  EXPECT_EQ(e.mean, 4.5);
  EXPECT_TRUE(std::isnan(e.halfWidth));
  EXPECT_FALSE(e.contains(4.5));

  const Estimate none = estimate(std::vector<double>{});
  EXPECT_EQ(none.n, 0u);
  EXPECT_TRUE(std::isnan(none.mean));
  EXPECT_TRUE(std::isnan(none.halfWidth));
}

TEST_F(ConfidenceTest, EstimateWithNaNIsNaN) {
  const std::vector<double> values = {1.0, kNaN, 3.0};
  const Estimate e = estimate(values);
  EXPECT_EQ(e.n, 3u);
  EXPECT_TRUE(std::isnan(e.mean));
  EXPECT_TRUE(std::isnan(e.halfWidth));
}

TEST_F(ConfidenceTest, EstimateRejectsBadConfidence) {
  const std::vector<double> values = {1, 2};
  EXPECT_THROW(estimate(values, 1.0), std::invalid_argument);
  EXPECT_THROW(estimate(values, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::core
