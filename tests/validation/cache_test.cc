#include "validation/analytic/cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace lbsim::validation {
namespace {

// Exact LRU hit ratio under the independent reference model by brute force (W. F. King,
// "Analysis of paging algorithms", IFIP Congress 1971): the cache, ordered from most to least
// recently used, is the list (i_1, ..., i_C) with stationary probability
//   prod_j p_{i_j} / (1 - p_{i_1} - ... - p_{i_{j-1}}),
// and a request hits with probability sum_{j} p_{i_j}. Enumerates the n!/(n-C)! lists.
double exactLruHitRatio(const std::vector<double>& p, int capacity) {
  std::vector<bool> used(p.size(), false);
  auto walk = [&](auto&& self, int depth, double probability, double cached) -> double {
    if (depth == capacity) return probability * cached;
    double hit = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) {
      if (used[k]) continue;
      used[k] = true;
      hit += self(self, depth + 1, probability * p[k] / (1.0 - cached), cached + p[k]);
      used[k] = false;
    }
    return hit;
  };
  return walk(walk, 0, 1.0, 0.0);
}

// Zipf over 3 keys, alpha = 1: H_3 = 11/6, p = (6/11, 3/11, 2/11).
TEST(Zipf, Popularities) {
  const auto p = zipfPopularities(3, 1.0);
  EXPECT_DOUBLE_EQ(p[0], 6.0 / 11.0);  // to 4 ulps
  EXPECT_DOUBLE_EQ(p[1], 3.0 / 11.0);
  EXPECT_DOUBLE_EQ(p[2], 2.0 / 11.0);
  const auto uniform = zipfPopularities(4, 0.0);
  for (double x : uniform)
    EXPECT_DOUBLE_EQ(x, 0.25);
  const auto big = zipfPopularities(1000000, 0.8);
  EXPECT_NEAR(std::accumulate(big.begin(), big.end(), 0.0), 1.0, 1e-12);
}

// Uniform popularity 1/n: sum (1 - e^{-T/n}) = C gives T_C = -n ln(1 - C/n) in closed form,
// and every key's hit ratio is C/n, which is also the exact LRU value (any C of the n keys
// equally likely cached). n = 100, C = 30: T_C = 35.66749439387323789...
TEST(CheApproximation, UniformPopularityClosedForm) {
  const std::vector<double> p(100, 0.01);
  const double t = cheCharacteristicTime(p, 30.0);
  EXPECT_NEAR(t, -100.0 * std::log(0.7), 1e-12 * t);
  EXPECT_NEAR(t, 35.667494393873238, 1e-12 * t);
  const auto r = lruChe(p, 30.0);
  EXPECT_NEAR(r.overall, 0.3, 1e-13);
  EXPECT_NEAR(exactLruHitRatio(std::vector<double>(6, 1.0 / 6.0), 2), 2.0 / 6.0, 1e-14);
}

// The characteristic time solves its equation to 1e-12 relative, against a 40-digit
// reference (Python decimal, bisection to 1e-40) for Zipf(0.8) over 1000 keys, C = 100:
//   T_C = 133.864732735044526224..., overall hit ratio 0.377790221282957892...,
//   h_1 = 0.999825448115748748..., h_10 = 0.746262194846826131..., h_1000 = 0.0338627384141627...
TEST(CheApproximation, ZipfCharacteristicTime) {
  const auto p = zipfPopularities(1000, 0.8);
  const auto r = lruChe(p, 100.0);
  EXPECT_NEAR(r.characteristicTime, 133.86473273504452622, 1e-12 * 133.86473273504452622);
  EXPECT_NEAR(r.overall, 0.37779022128295789219, 1e-12);
  EXPECT_NEAR(r.perKey[0], 0.99982544811574874794, 1e-12);
  EXPECT_NEAR(r.perKey[9], 0.74626219484682613068, 1e-12);
  EXPECT_NEAR(r.perKey[999], 0.033862738414162774134, 1e-13);
  EXPECT_NEAR(r.meanOccupancy, 100.0, 1e-10);  // sum h_k = C by construction
  // A million keys solves as well (the sum stays compensated).
  const auto many = lruChe(zipfPopularities(1000000, 0.8), 10000.0);
  EXPECT_NEAR(many.meanOccupancy, 10000.0, 1e-7);
  EXPECT_GT(many.overall, 0.0);
  EXPECT_LT(many.overall, 1.0);
}

// Che against the exact LRU (the brute force above):
// n = 3, C = 1, Zipf(1): exact = sum p_k^2 = 49/121 = 0.40495867768595...; Che gives
//   T_C = 1.27209386467576404, overall 0.390417489812240484 (Python decimal), 3.6% low:
//   the approximation is coarse for a one-key cache.
// n = 10, C = 3, Zipf(0.8): exact 0.407836786652141041 (Python decimal enumeration), Che
//   0.403627181386295953, 1.03% low. Tolerances are those stated gaps plus a margin.
TEST(CheApproximation, AgainstExactLru) {
  const std::vector<double> p = {6.0 / 11.0, 3.0 / 11.0, 2.0 / 11.0};
  const double exact1 = exactLruHitRatio(p, 1);
  EXPECT_NEAR(exact1, 49.0 / 121.0, 1e-15);
  const auto che1 = lruChe(p, 1.0);
  EXPECT_NEAR(che1.characteristicTime, 1.27209386467576404, 1e-14);
  EXPECT_NEAR(che1.overall, 0.390417489812240484, 1e-14);
  EXPECT_NEAR(che1.overall, exact1, 0.04 * exact1);

  const auto z = zipfPopularities(10, 0.8);
  const double exact3 = exactLruHitRatio(z, 3);
  EXPECT_NEAR(exact3, 0.407836786652141041, 1e-14);
  const auto che3 = lruChe(z, 3.0);
  EXPECT_NEAR(che3.overall, 0.403627181386295953, 1e-14);
  EXPECT_NEAR(che3.overall, exact3, 0.0125 * exact3);
}

TEST(CheApproximation, EdgeCases) {
  const std::vector<double> p = {0.5, 0.5, 0.0};
  EXPECT_TRUE(std::isinf(cheCharacteristicTime(p, 2.0)));  // every requested key fits
  const auto r = lruChe(p, 2.0);
  EXPECT_DOUBLE_EQ(r.overall, 1.0);
  EXPECT_DOUBLE_EQ(r.perKey[2], 0.0);
  EXPECT_THROW(cheCharacteristicTime(p, 0.0), std::invalid_argument);
  EXPECT_THROW(cheCharacteristicTime(std::vector<double>{0.5, 0.4}, 1.0), std::invalid_argument);
  EXPECT_THROW(zipfPopularities(0, 1.0), std::invalid_argument);
}

// TTL without refresh on hits, Poisson requests at lambda_k: h_k = lambda_k T / (1 + lambda_k T)
// (renewal: a miss, then lambda_k T hits on average during T, then the next miss).
// lambda = 10, p = (0.5, 0.3, 0.2), T = 1: lambda_k T = (5, 3, 2), h = (5/6, 3/4, 2/3),
// overall = 0.5 * 5/6 + 0.3 * 3/4 + 0.2 * 2/3 = 0.775, occupancy 5/6 + 3/4 + 2/3 = 9/4.
TEST(TtlCache, RenewalHitRatio) {
  const std::vector<double> p = {0.5, 0.3, 0.2};
  const auto r = ttlCache(p, 10.0, 1.0);
  EXPECT_NEAR(r.perKey[0], 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(r.perKey[1], 0.75, 1e-15);
  EXPECT_NEAR(r.perKey[2], 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(r.overall, 0.775, 1e-15);
  EXPECT_NEAR(r.meanOccupancy, 2.25, 1e-15);
  EXPECT_DOUBLE_EQ(ttlCache(p, 10.0, 0.0).overall, 0.0);
  EXPECT_THROW(ttlCache(p, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(ttlCache(p, 1.0, -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::validation
