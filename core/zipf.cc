#include "core/zipf.h"

#include <cmath>
#include <stdexcept>

namespace lbsim::core {

namespace {
// log(1 + x) / x and (exp(x) - 1) / x, accurate near 0 (Taylor series there).
double log1pOverX(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double expm1OverX(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}
}  // namespace

Zipf::Zipf(std::uint64_t n, double exponent) : n_(n), exponent_(exponent) {
  if (n == 0) throw std::invalid_argument("zipf population must be at least 1");
  if (!(exponent >= 0.0) || !std::isfinite(exponent)) {
    throw std::invalid_argument(
        "zipf exponent must be zero or positive; allowed: 0 (uniform) to "
        "about 3");
  }
  hIntegralX1_ = hIntegral(1.5) - 1.0;
  hIntegralN_ = hIntegral(static_cast<double>(n) + 0.5);
  s_ = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
}

// h(x) = x^-exponent, and H its integral with H(1) = 0 written so that it is exact for
// exponent = 1 as well: H(x) = (x^(1 - exponent) - 1) / (1 - exponent) -> log x.
double Zipf::h(double x) const {
  return std::exp(-exponent_ * std::log(x));
}
double Zipf::hIntegral(double x) const {
  const double logX = std::log(x);
  return expm1OverX((1.0 - exponent_) * logX) * logX;
}
double Zipf::hIntegralInverse(double x) const {
  double t = x * (1.0 - exponent_);
  if (t < -1.0) t = -1.0;  // rounding guard at the lower end
  return std::exp(log1pOverX(t) * x);
}

std::uint64_t Zipf::sample(RandomStream& rng) const {
  for (;;) {
    const double u = hIntegralN_ + rng.uniform01() * (hIntegralX1_ - hIntegralN_);
    const double x = hIntegralInverse(u);
    double k = std::floor(x + 0.5);
    if (k < 1.0) k = 1.0;
    if (k > static_cast<double>(n_)) k = static_cast<double>(n_);
    // Accept at once inside the squeeze, else compare with the exact mass of k.
    if (k - x <= s_ || u >= hIntegral(k + 0.5) - h(k)) return static_cast<std::uint64_t>(k);
  }
}

double Zipf::probability(std::uint64_t k) const {
  double norm = 0.0;
  for (std::uint64_t i = 1; i <= n_; ++i)
    norm += h(static_cast<double>(i));
  return h(static_cast<double>(k)) / norm;
}

}  // namespace lbsim::core
