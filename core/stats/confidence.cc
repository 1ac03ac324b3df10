#include "core/stats/confidence.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace lbsim::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The continued fraction of the incomplete beta function (DLMF 8.17.22),
//   1 / (1 + d1 / (1 + d2 / (1 + ...))),
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)),
// evaluated by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986), which keeps
// running ratios instead of numerators and denominators that over- or underflow. It converges
// fast for x < (a+1)/(a+b+2).
double betaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kTolerance = 1e-16;
  constexpr int kMaxTerms = 1'000'000;
  double value = 1.0;
  double c = 1.0;
  double d = 0.0;
  for (int j = 1; j <= kMaxTerms; ++j) {
    const int m = j / 2;
    const double term = (j % 2 == 1) ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                     : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1.0 + term * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + term / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = c * d;
    value *= delta;
    if (std::abs(delta - 1.0) <= kTolerance) break;
  }
  return 1.0 / value;
}

// Regularized incomplete beta I_x(a, b), with y = 1 - x passed in exactly by the caller so that
// neither tail loses digits to the subtraction:
//   I_x(a, b) = x^a y^b / (a B(a, b)) * CF(a, b, x), and I_x(a, b) = 1 - I_y(b, a)
// used on whichever side the continued fraction converges.
double regularizedIncompleteBeta(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log(y));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * betaContinuedFraction(a, b, x) / a;
  return 1.0 - front * betaContinuedFraction(b, a, y) / b;
}

// P(T > t) for t >= 0: half of I_{df/(df+t^2)}(df/2, 1/2), the standard relation between
// Student's t and the incomplete beta function. x and 1 - x are formed from t separately.
double upperTail(double t, double df) {
  const double tt = t * t;
  return 0.5 * regularizedIncompleteBeta(0.5 * df, 0.5, df / (df + tt), tt / (df + tt));
}

// Shortest round-trip text, independent of the C locale (std::to_string is not).
std::string text(double x) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  return std::string(buffer.data(), result.ptr);
}

}  // namespace

// By symmetry only upper tails are solved: t > 0 with upperTail(t) = min(p, 1 - p) (1 - p is
// exact for p >= 0.5). The root is bracketed by doubling and then bisected to the last bits of
// t; bisection on a monotone tail cannot fail to converge, and the cost (some 100 evaluations)
// does not matter for a function called once per reported interval.
double studentTQuantile(double p, double degreesOfFreedom) {
  if (!(p > 0.0 && p < 1.0)) {
    throw std::invalid_argument("probability " + text(p) + " is not valid; allowed: 0 < p < 1");
  }
  const double df = degreesOfFreedom;
  if (!(df > 0.0 && std::isfinite(df))) {
    throw std::invalid_argument("degrees of freedom " + text(df) +
                                " are not valid; allowed: finite df > 0");
  }
  if (p == 0.5) return 0.0;
  const double tail = p < 0.5 ? p : 1.0 - p;
  constexpr double kLargest = 1e150;  // t^2 stays finite
  double low = 0.0;
  double high = 1.0;
  while (upperTail(high, df) > tail && high < kLargest) {
    low = high;
    high *= 2.0;
  }
  for (int i = 0; i < 2000 && high - low > 1e-16 * high; ++i) {
    const double middle = 0.5 * (low + high);
    if (middle <= low || middle >= high) break;
    if (upperTail(middle, df) > tail) {
      low = middle;
    } else {
      high = middle;
    }
  }
  const double t = 0.5 * (low + high);
  return p < 0.5 ? -t : t;
}

void RunningStats::add(double x) {
  ++count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(count_);
  squaredDeviations_ += delta * (x - mean_);
}

double RunningStats::mean() const {
  return count_ == 0 ? kNaN : mean_;
}

double RunningStats::variance() const {
  return count_ < 2 ? kNaN : squaredDeviations_ / static_cast<double>(count_ - 1);
}

double RunningStats::stddev() const {
  return std::sqrt(variance());
}

Estimate estimate(std::span<const double> replicationValues, double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("confidence " + text(confidence) +
                                " is not valid; allowed: 0 < confidence < 1");
  }
  Estimate result;
  result.n = static_cast<std::uint32_t>(replicationValues.size());
  RunningStats stats;
  for (const double x : replicationValues) {
    if (std::isnan(x)) return result;
    stats.add(x);
  }
  result.mean = stats.mean();
  if (stats.count() >= 2) {
    const double t =
        studentTQuantile(0.5 * (1.0 + confidence), static_cast<double>(stats.count() - 1));
    result.halfWidth = t * stats.stddev() / std::sqrt(static_cast<double>(stats.count()));
  }
  return result;
}

}  // namespace lbsim::core
