#pragma once

#include <cstdint>

#include "core/random.h"

namespace lbsim::core {

// Zipf's law over ranks 1..n: P(k) proportional to k^-exponent (exponent >= 0). Sampled by
// rejection-inversion (Hormann and Derflinger, "Rejection-inversion to generate variates
// from monotone discrete distributions", ACM TOMACS 1996): constant memory and expected
// time whatever n, so a population of millions of clients or keys costs nothing to hold.
class Zipf {
 public:
  Zipf(std::uint64_t n, double exponent);
  std::uint64_t sample(RandomStream& rng) const;  // a rank in 1..n
  std::uint64_t size() const { return n_; }
  double exponent() const { return exponent_; }
  // Exact probability of rank k (sums the normalising constant; O(n), for tests).
  double probability(std::uint64_t k) const;

 private:
  double h(double x) const;
  double hIntegral(double x) const;
  double hIntegralInverse(double x) const;

  std::uint64_t n_;
  double exponent_;
  double hIntegralX1_;
  double hIntegralN_;
  double s_;
};

}  // namespace lbsim::core
