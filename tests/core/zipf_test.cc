#include "core/zipf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace lbsim::core {
namespace {

class ZipfTest : public ::testing::TestWithParam<double> {};

TEST_P(ZipfTest, FrequenciesMatchTheExactLaw) {
  // 400,000 draws over 1,000 ranks; for each of the 10 most popular ranks the observed
  // frequency must be within 5 binomial standard errors of k^-s / sum_i i^-s.
  const double s = GetParam();
  const Zipf zipf(1000, s);
  RandomStream rng(77);
  const int n = 400000;
  std::vector<int> counts(1001, 0);
  for (int i = 0; i < n; ++i) {
    const auto k = zipf.sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, 1000u);
    ++counts[k];
  }
  for (std::uint64_t k = 1; k <= 10; ++k) {
    const double p = zipf.probability(k);
    const double se = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(counts[k] / double(n), p, 5 * se) << "rank " << k << " s " << s;
  }
}

INSTANTIATE_TEST_SUITE_P(Exponents, ZipfTest, ::testing::Values(0.0, 0.5, 0.99, 1.0, 1.2, 2.0));

TEST(Zipf, SingleRankAndBadInput) {
  RandomStream rng(1);
  EXPECT_EQ(Zipf(1, 1.0).sample(rng), 1u);
  EXPECT_THROW(Zipf(0, 1.0), std::invalid_argument);
  EXPECT_THROW(Zipf(10, -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::core
