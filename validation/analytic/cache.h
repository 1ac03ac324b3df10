#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace lbsim::validation {

// Hit ratios of a cache under the independent reference model: requests form a Poisson
// process, each for key k with probability p_k independently of the past (popularities sum
// to 1).
struct CacheHitRatios {
  double characteristicTime = 0.0;  // Che's T_C (LRU) or the TTL T, in units of 1/lambda for
                                    // LRU (requests per unit time = 1)
  std::vector<double> perKey;       // h_k
  double overall = 0.0;             // sum p_k h_k: the fraction of requests that hit
  double meanOccupancy = 0.0;       // sum h_k: mean number of keys cached (PASTA: h_k is
                                    // also the fraction of time key k is cached)
};

// Zipf popularities over n keys ranked 1..n: p_k = k^-alpha / H_{n,alpha},
// H_{n,alpha} = sum_{j=1..n} j^-alpha. alpha = 0 is uniform; alpha >= 0.
std::vector<double> zipfPopularities(std::size_t keys, double exponent);

// Che's characteristic time of an LRU cache of capacity C (keys) at unit total request
// rate: the T solving
//   sum_k (1 - exp(-p_k T)) = C
// (the characteristic time t_C of H. Che, Y. Tung, Z. Wang, "Hierarchical Web caching
// systems: modeling, design and experimental results", IEEE JSAC 20(7) (2002) 1305-1314:
// a key stays cached for t_C after its last request). Only the product
// lambda T matters, so lambda = 1. The left side rises from 0 to the number of keys of
// positive popularity, concavely, so the root is bracketed (T >= C, since 1 - e^-x <= x, then
// doubling) and found by Newton steps from its left end (which never overshoot the root of a
// concave increasing function), bisecting if rounding sends a step out of the bracket, until
// a step moves T by less than 1e-15 relative. C at or above the number of requested keys
// returns +infinity.
double cheCharacteristicTime(std::span<const double> popularities, double capacity);

// LRU hit ratios by Che's approximation: h_k = 1 - exp(-p_k T_C), overall sum p_k h_k.
// Asymptotically exact as C and n grow with C/n fixed (C. Fricker, P. Robert, J. Roberts, "A
// versatile and accurate approximation for LRU cache performance", ITC 24, 2012), exact for
// uniform popularities (h = C/n), and APPROXIMATE for small caches: against the exact LRU
// (King 1971, see cache_test.cc) it is 3.6% low at n = 3, C = 1 and 1% low at n = 10, C = 3.
CacheHitRatios lruChe(std::span<const double> popularities, double capacity);

// A TTL cache whose entry lives T after the miss that inserted it and is not refreshed by
// hits, key k requested as a Poisson process of rate lambda_k = lambda p_k. Renewal argument:
// a cycle starts with a miss and lasts T plus the wait for the next request after expiry,
// mean T + 1/lambda_k; the requests within the T window, lambda_k T on average (Poisson), all
// hit, and the one ending the cycle misses, so
//   h_k = lambda_k T / (1 + lambda_k T)
// (the "non-reset" TTL cache of N. C. Fofack, P. Nain, G. Neglia, D. Towsley, "Analysis of
// TTL-based cache networks", ValueTools 2012). Overall = sum p_k h_k.
CacheHitRatios ttlCache(std::span<const double> popularities, double requestRate, double ttl);

}  // namespace lbsim::validation
