#include "validation/analytic/cache.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "validation/analytic/compensated_sum.h"

namespace lbsim::validation {
namespace {

void checkPopularities(std::span<const double> popularities, const char* who) {
  if (popularities.empty()) throw std::invalid_argument(std::string(who) + ": no keys");
  CompensatedSum total;
  for (double p : popularities) {
    if (!(p >= 0.0) || !std::isfinite(p)) {
      throw std::invalid_argument(std::string(who) + ": popularities must be finite and >= 0");
    }
    total.add(p);
  }
  if (std::abs(total.value() - 1.0) > 1e-9) {
    throw std::invalid_argument(std::string(who) + ": popularities must sum to 1");
  }
}

// Expected number of cached keys at characteristic time t, sum (1 - e^{-p_k t}), and its
// derivative sum p_k e^{-p_k t}.
struct Occupancy {
  double value;
  double slope;
};

Occupancy occupancy(std::span<const double> popularities, double t) {
  CompensatedSum value, slope;
  for (double p : popularities) {
    value.add(-std::expm1(-p * t));
    slope.add(p * std::exp(-p * t));
  }
  return {value.value(), slope.value()};
}

}  // namespace

std::vector<double> zipfPopularities(std::size_t keys, double exponent) {
  if (keys == 0) throw std::invalid_argument("zipfPopularities: needs at least one key");
  if (!(exponent >= 0.0) || !std::isfinite(exponent)) {
    throw std::invalid_argument("zipfPopularities: exponent must be finite and >= 0");
  }
  std::vector<double> p(keys);
  CompensatedSum harmonic;  // H_{n,alpha}
  for (std::size_t k = 0; k < keys; ++k) {
    p[k] = std::pow(static_cast<double>(k + 1), -exponent);
    harmonic.add(p[k]);
  }
  const double h = harmonic.value();
  for (double& x : p)
    x /= h;
  return p;
}

double cheCharacteristicTime(std::span<const double> popularities, double capacity) {
  checkPopularities(popularities, "cheCharacteristicTime");
  if (!(capacity > 0.0)) throw std::invalid_argument("cheCharacteristicTime: needs capacity > 0");
  std::size_t requested = 0;
  for (double p : popularities)
    requested += p > 0.0 ? 1 : 0;
  if (capacity >= static_cast<double>(requested)) return std::numeric_limits<double>::infinity();

  // f(t) = occupancy(t) - C is increasing and concave with f(0) = -C, and f(t) <= t - C.
  double lo = capacity;
  double hi = 2.0 * capacity;
  while (occupancy(popularities, hi).value < capacity) {
    lo = hi;
    hi *= 2.0;
    if (!std::isfinite(hi)) throw std::runtime_error("cheCharacteristicTime: no bracket");
  }
  // From the left, Newton on a concave increasing function never overshoots the root.
  double t = lo;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const Occupancy f = occupancy(popularities, t);
    const double excess = f.value - capacity;
    if (excess == 0.0) return t;
    if (excess < 0.0) {
      lo = t;
    } else {
      hi = t;
    }
    double next = t - excess / f.slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - t) <= 1e-15 * next || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;  // the bracket is then below rounding of f: t is as good as double allows
}

CacheHitRatios lruChe(std::span<const double> popularities, double capacity) {
  CacheHitRatios r;
  r.characteristicTime = cheCharacteristicTime(popularities, capacity);
  r.perKey.resize(popularities.size());
  CompensatedSum overall, occupied;
  for (std::size_t k = 0; k < popularities.size(); ++k) {
    const double p = popularities[k];
    const double h = std::isinf(r.characteristicTime) ? (p > 0.0 ? 1.0 : 0.0)
                                                      : -std::expm1(-p * r.characteristicTime);
    r.perKey[k] = h;
    overall.add(p * h);
    occupied.add(h);
  }
  r.overall = overall.value();
  r.meanOccupancy = occupied.value();
  return r;
}

CacheHitRatios ttlCache(std::span<const double> popularities, double requestRate, double ttl) {
  checkPopularities(popularities, "ttlCache");
  if (!(requestRate > 0.0) || !std::isfinite(requestRate)) {
    throw std::invalid_argument("ttlCache: request rate must be positive and finite");
  }
  if (!(ttl >= 0.0) || !std::isfinite(ttl)) {
    throw std::invalid_argument("ttlCache: TTL must be finite and >= 0");
  }
  CacheHitRatios r;
  r.characteristicTime = ttl;
  r.perKey.resize(popularities.size());
  CompensatedSum overall, occupied;
  for (std::size_t k = 0; k < popularities.size(); ++k) {
    const double x = requestRate * popularities[k] * ttl;  // lambda_k T
    const double h = x / (1.0 + x);
    r.perKey[k] = h;
    overall.add(popularities[k] * h);
    occupied.add(h);
  }
  r.overall = overall.value();
  r.meanOccupancy = occupied.value();
  return r;
}

}  // namespace lbsim::validation
