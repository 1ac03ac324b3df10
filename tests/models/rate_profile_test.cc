#include "models/traffic/rate_profile.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// --- spikes and diurnal curves ------------------------------------------------------------

constexpr double kPi = 3.14159265358979323846;

// Closed form of ∫[a, b] of the cosine curve's factor m + (1-m)(1 + cos(ω(t - peak)))/2.
double cosineIntegral(double a, double b, double period, double peak, double m) {
  const double w = 2 * kPi / period;
  return (1 + m) / 2 * (b - a) +
         (1 - m) / 2 * (std::sin(w * (b - peak)) - std::sin(w * (a - peak))) / w;
}

TEST(RateProfile, SpikesMultiplyAndStayExactlyLinear) {
  // A ramp 10 -> 110/s over 100 s; a 10x spike on [20, 30); two overlapping spikes on [60, 80)
  // (x2) and [70, 90) (x0.5) multiply to x1 on [70, 80).
  const RateProfile p({{"ramp", 100, 10, 110}}, {{20, 10, 10}, {60, 20, 2}, {70, 20, 0.5}});
  EXPECT_DOUBLE_EQ(p.rateAt(10), 20);
  EXPECT_DOUBLE_EQ(p.rateAt(25), 10 * 35);
  EXPECT_DOUBLE_EQ(p.rateAt(65), 2 * 75);
  EXPECT_DOUBLE_EQ(p.rateAt(75), 85);
  EXPECT_DOUBLE_EQ(p.rateAt(85), 0.5 * 95);
  EXPECT_DOUBLE_EQ(p.rateAt(95), 105);
  // Trapezoids: the plain ramp gives (10+110)/2*100 = 6000; the spike adds 9 * (30+40)/2*10,
  // the x2 stretch adds 1 * (70+80)/2*10, the x0.5 stretch takes away 0.5 * (90+100)/2*10.
  EXPECT_NEAR(p.expectedArrivals(0, 100), 6000 + 9 * 350 + 750 - 0.5 * 950, 1e-9);
  EXPECT_DOUBLE_EQ(p.rateAt(p.end()), 0);
}

TEST(RateProfile, SpikesBeyondThePhasesAddNothing) {
  const RateProfile p({{"flat", 100, 10, std::nullopt}}, {{90, 50, 10}, {200, 10, 3}});
  EXPECT_DOUBLE_EQ(p.expectedArrivals(0, 1e9), 10 * 90 + 100 * 10);
  EXPECT_DOUBLE_EQ(p.rateAt(120), 0);
  std::size_t hint = 0;
  EXPECT_TRUE(std::isinf(p.advance(99, 1000, hint)));
}

TEST(RateProfile, AdvanceInvertsTheIntegralWithSpikesAndACurve) {
  DiurnalSpec d;
  d.period = 3600;
  d.peakAt = 1000;
  d.minFactor = 0.1;
  const RateProfile p({{"flat", 3000, 10, std::nullopt}, {"ramp", 4000, 10, 50}},
                      {{500, 300, 10}, {2900, 600, 0}}, d);
  std::size_t hint = 0;
  double t = 0;
  // Monotone use, as the arrival process calls it, with masses of every size.
  for (const double mass : {0.3, 7.0, 1e4, 0.01, 2e4, 55.5, 3e4}) {
    const double to = p.advance(t, mass, hint);
    ASSERT_TRUE(std::isfinite(to));
    EXPECT_NEAR(p.expectedArrivals(t, to), mass, 1e-9 * mass) << t << " " << mass;
    t = to;
  }
}

// Linear interpolation of A cos(2πt/P) on knots h = P/96 apart is off by at most
// (2π/96)²/8 · A = 5.3546e-4 · A; the bound is reached in the middle of the cells next to the
// peak and the trough, so the measured maximum is close to it.
TEST(RateProfile, CosineCurveIsInterpolatedWithinItsStatedError) {
  DiurnalSpec d;
  d.period = 86400;
  d.peakAt = 14 * 3600;
  d.minFactor = 0.2;
  const double rate = 100;
  const RateProfile p({{"two days", 2 * 86400, rate, std::nullopt}}, {}, d);
  const double amplitude = (1 - d.minFactor) / 2;
  const double bound = (2 * kPi / 96) * (2 * kPi / 96) / 8 * amplitude * rate;
  EXPECT_NEAR(bound / rate, 2.1418e-4, 1e-8);
  double worst = 0;
  for (double t = 0; t < 2 * 86400; t += 37.5) {
    worst = std::max(worst, std::abs(p.rateAt(t) - p.exactRateAt(t)));
  }
  EXPECT_LE(worst, bound * (1 + 1e-9));
  EXPECT_GE(worst, 0.99 * bound);
  // On the knots the interpolant is the curve: the peak, the trough, every 15 minutes.
  EXPECT_DOUBLE_EQ(p.rateAt(14 * 3600), rate);
  EXPECT_NEAR(p.rateAt(2 * 3600), rate * d.minFactor, 1e-9);
  for (double t = 14 * 3600 - 10 * 900; t < 2 * 86400; t += 900) {
    EXPECT_NEAR(p.rateAt(t), p.exactRateAt(t), 1e-9 * rate) << t;
  }
  // Per hour the integral matches the closed form within the trapezoid rule's error,
  // h²/12 · max|f''| relative: (2π/96)²/12 · A of the peak rate.
  const double hourly = (2 * kPi / 96) * (2 * kPi / 96) / 12 * amplitude * rate * 3600;
  for (int hour = 0; hour < 48; ++hour) {
    const double a = hour * 3600.0, b = a + 3600;
    EXPECT_NEAR(p.expectedArrivals(a, b),
                rate * cosineIntegral(a, b, d.period, d.peakAt, d.minFactor), hourly)
        << hour;
  }
}

TEST(RateProfile, PointsCurveIsExactOnConstantPhases) {
  DiurnalSpec d;
  d.period = 4 * 3600;
  d.points = {1.0, 0.5, 0.25, 0.5};  // at 0h, 1h, 2h, 3h, wrapping to 1.0 at 4h
  const RateProfile p({{"flat", 6 * 3600, 20, std::nullopt}}, {}, d);
  EXPECT_DOUBLE_EQ(p.rateAt(0), 20);
  EXPECT_DOUBLE_EQ(p.rateAt(1800), 15);
  EXPECT_DOUBLE_EQ(p.rateAt(2 * 3600), 5);
  EXPECT_DOUBLE_EQ(p.rateAt(3.5 * 3600), 15);
  EXPECT_DOUBLE_EQ(p.rateAt(5 * 3600), 10);
  for (double t = 0; t < 6 * 3600; t += 123.4) {
    EXPECT_NEAR(p.rateAt(t), p.exactRateAt(t), 1e-12 * 20) << t;
  }
  // First period: trapezoids (1+0.5)/2 + (0.5+0.25)/2 + (0.25+0.5)/2 + (0.5+1)/2 = 2.25 hours.
  EXPECT_NEAR(p.expectedArrivals(0, 4 * 3600), 20 * 3600 * 2.25, 1e-6);
}

TEST(RateProfile, ACurveCreatesNoKnotsBeyondThePhases) {
  // A year-long period curve on a 10-minute run: the run ends, the profile with it.
  DiurnalSpec d;
  d.period = 365 * 86400.0;
  d.minFactor = 0.5;
  const RateProfile p({{"short", 600, 10, std::nullopt}}, {}, d);
  EXPECT_DOUBLE_EQ(p.rateAt(601), 0);
  std::size_t hint = 0;
  EXPECT_TRUE(std::isinf(p.advance(0, 1e5, hint)));
  EXPECT_NEAR(p.expectedArrivals(0, 1e12), 6000, 1e-3);
}

}  // namespace
}  // namespace lbsim::models::traffic
