#include "models/traffic/rate_profile.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/random.h"

namespace lbsim::models::traffic {
namespace {

RateProfile artilleryLike() {
  // 10/s for 100 s, then a ramp 10 -> 100/s over 100 s, then 0/s for 50 s.
  return RateProfile(
      {{"flat", 100, 10, std::nullopt}, {"ramp", 100, 10, 100}, {"idle", 50, 0, std::nullopt}});
}

TEST(RateProfile, RateIsPiecewiseLinear) {
  const auto p = artilleryLike();
  EXPECT_DOUBLE_EQ(p.rateAt(50), 10);
  EXPECT_DOUBLE_EQ(p.rateAt(100), 10);
  EXPECT_DOUBLE_EQ(p.rateAt(150), 55);
  EXPECT_DOUBLE_EQ(p.rateAt(199.999), 100 - 90 * 0.001 / 100);
  EXPECT_DOUBLE_EQ(p.rateAt(220), 0);
  EXPECT_DOUBLE_EQ(p.rateAt(300), 0);
}

TEST(RateProfile, ExpectedArrivalsIntegrateTheRate) {
  const auto p = artilleryLike();
  // 10 * 100 + (10 + 100) / 2 * 100 = 1000 + 5500.
  EXPECT_DOUBLE_EQ(p.expectedArrivals(0, 250), 6500);
  EXPECT_DOUBLE_EQ(p.expectedArrivals(100, 150), (10 + 55) / 2.0 * 50);
}

TEST(RateProfile, AdvanceInvertsTheIntegral) {
  const auto p = artilleryLike();
  std::size_t hint = 0;
  for (const double from : {0.0, 30.0, 99.0, 120.0, 180.0}) {
    for (const double mass : {0.5, 7.0, 300.0, 2000.0}) {
      hint = 0;
      const double to = p.advance(from, mass, hint);
      if (std::isinf(to)) {
        EXPECT_LT(p.expectedArrivals(from, 250), mass);
      } else {
        EXPECT_NEAR(p.expectedArrivals(from, to), mass, 1e-9 * mass) << from << " " << mass;
      }
    }
  }
}

TEST(RateProfile, PoissonCountsPerPhaseMatchTheIntegral) {
  // Counts in each phase of a Poisson process are Poisson with mean = the integral:
  // 1000 in "flat", 5500 in "ramp". Tolerance 4 standard deviations (4 sqrt(mean)).
  const auto p = artilleryLike();
  core::RandomStream rng(1234);
  double t = 0;
  std::size_t hint = 0;
  int flat = 0, ramp = 0, firstHalfOfRamp = 0;
  for (;;) {
    t = p.advance(t, rng.exponential(1.0), hint);
    if (std::isinf(t)) break;
    if (t < 100) {
      ++flat;
    } else {
      ++ramp;
      if (t < 150) ++firstHalfOfRamp;
    }
  }
  EXPECT_NEAR(flat, 1000, 4 * std::sqrt(1000.0));
  EXPECT_NEAR(ramp, 5500, 4 * std::sqrt(5500.0));
  // Linear in rate: the first half of the ramp holds (10+55)/2*50 = 1625 expected.
  EXPECT_NEAR(firstHalfOfRamp, 1625, 4 * std::sqrt(1625.0));
}

}  // namespace
}  // namespace lbsim::models::traffic
