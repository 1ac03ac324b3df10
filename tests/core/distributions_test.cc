#include "core/distributions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/random.h"

namespace lbsim::core {
namespace {

struct Moments {
  double mean = 0.0;
  double cv = 0.0;
  double meanStandardError = 0.0;
  double cvStandardError = 0.0;
};

class DistributionsTest : public ::testing::Test {
 protected:
  static constexpr int kSamples = 1'000'000;
  static constexpr double kStandardErrors = 5.0;

  // Sample mean and cv with their CLT standard errors, from the sample central moments m2, m3,
  // m4: Var(mean) = m2/n, Var(s^2) = (m4 - m2^2)/n, Cov(mean, s^2) = m3/n; the cv = sqrt(v)/m
  // then follows by the delta method with dcv/dm = -sqrt(v)/m^2 and dcv/dv = 1/(2 m sqrt(v)).
  static Moments moments(const std::vector<double>& x) {
    const double n = static_cast<double>(x.size());
    double sum = 0.0;
    for (const double v : x)
      sum += v;
    const double mean = sum / n;
    double m2 = 0.0;
    double m3 = 0.0;
    double m4 = 0.0;
    for (const double v : x) {
      const double d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    const double sd = std::sqrt(m2);
    const double dMean = -sd / (mean * mean);
    const double dVariance = 1.0 / (2.0 * mean * sd);
    const double cvVariance =
        (dMean * dMean * m2 + dVariance * dVariance * (m4 - m2 * m2) + 2 * dMean * dVariance * m3) /
        n;
    return {mean, sd / mean, std::sqrt(m2 / n), std::sqrt(cvVariance)};
  }

  static std::vector<double> draw(const Distribution& d, std::uint64_t seed, int count) {
    RandomStream rng(seed);
    std::vector<double> x(count);
    for (auto& v : x)
      v = d.sample(rng);
    return x;
  }

  static void expectRelativeNear(double actual, double expected, double tolerance) {
    EXPECT_NEAR(actual, expected, tolerance * std::max(std::abs(expected), 1e-300));
  }
};

struct FamilyCase {
  const char* name;
  Distribution distribution;
  double mean;  // closed form, written out per case
  double cv;
};

// Each case's mean and cv are worked out by hand from the family's textbook formulas.
std::vector<FamilyCase> familyCases() {
  const double sqrt12 = std::sqrt(12.0);
  const double lnTwo = std::log(2.0);
  return {
      // exponential: cv 1.
      {"exponential", Distribution::exponential(2.0), 2.0, 1.0},
      // uniform(1, 3): mean 2, sd 2/sqrt(12).
      {"uniform", Distribution::uniform(1.0, 3.0), 2.0, 2.0 / sqrt12 / 2.0},
      // erlang: cv 1/sqrt(k); k = 4 uses the product of uniforms, k = 25 the gamma sampler.
      {"erlang4", Distribution::erlang(4, 1.0), 1.0, 0.5},
      {"erlang25", Distribution::erlang(25, 1.0), 1.0, 0.2},
      // gamma: mean shape*scale, cv 1/sqrt(shape); shape < 1 uses the U^(1/a) boost.
      {"gamma4", Distribution::gamma(4.0, 0.25), 1.0, 0.5},
      {"gamma0.25", Distribution::gamma(0.25, 4.0), 1.0, 2.0},
      // lognormal: mean exp(mu + sigma^2/2), cv sqrt(exp(sigma^2) - 1); sigma^2 = ln 2 gives
      // cv 1 and mu = -ln2/2 gives mean 1; sigma^2 = ln 3.25 gives cv 1.5.
      {"lognormal1", Distribution::lognormal(-lnTwo / 2, std::sqrt(lnTwo)), 1.0, 1.0},
      {"lognormal1.5", Distribution::lognormal(-std::log(3.25) / 2, std::sqrt(std::log(3.25))), 1.0,
       1.5},
      // weibull(k = 2, 1): mean Gamma(1.5) = sqrt(pi)/2, cv sqrt(Gamma(2)/Gamma(1.5)^2 - 1) =
      // sqrt(4/pi - 1). weibull(k = 0.5, 1): mean Gamma(3) = 2, variance Gamma(5) - 4 = 20.
      {"weibull2", Distribution::weibull(2.0, 1.0), std::sqrt(std::numbers::pi) / 2,
       std::sqrt(4.0 / std::numbers::pi - 1.0)},
      {"weibull0.5", Distribution::weibull(0.5, 1.0), 2.0, std::sqrt(20.0) / 2.0},
      // pareto(alpha = 10, x_m = 1): mean alpha/(alpha-1), cv 1/sqrt(alpha(alpha-2)); alpha > 4
      // keeps the fourth moment, and so the CLT for the variance, finite.
      {"pareto10", Distribution::pareto(10.0, 1.0), 10.0 / 9.0, 1.0 / std::sqrt(80.0)},
      // hyperexponential: mean 0.2*4 + 0.8*0.25 = 1, E[X^2] = 0.2*2*16 + 0.8*2*0.0625 = 6.5.
      {"hyperexponential", Distribution::hyperexponential({0.2, 0.8}, {4.0, 0.25}), 1.0,
       std::sqrt(5.5)},
      // empirical {1, 2, 3, 10}: mean 4, population variance (9 + 4 + 1 + 36)/4 = 12.5.
      {"empirical", Distribution::empirical({1.0, 2.0, 3.0, 10.0}), 4.0, std::sqrt(12.5) / 4.0},
      // histogram: bins [0,1) weight 1/4 and [1,3) weight 3/4: mean 0.25*0.5 + 0.75*2 = 1.625,
      // E[X^2] = 0.25*(1/3) + 0.75*(1 + 3 + 9)/3 = 10/3.
      {"histogram", Distribution::empiricalHistogram({0.0, 1.0, 3.0}, {1.0, 3.0}), 1.625,
       std::sqrt(10.0 / 3.0 - 1.625 * 1.625) / 1.625},
  };
}

TEST_F(DistributionsTest, TheoreticalMomentsMatchClosedForms) {
  for (const auto& c : familyCases()) {
    SCOPED_TRACE(c.name);
    expectRelativeNear(c.distribution.mean(), c.mean, 1e-12);
    expectRelativeNear(c.distribution.cv(), c.cv, 1e-12);
  }
}

// 10^6 samples per family: sample mean and cv within 5 CLT standard errors (see moments()).
TEST_F(DistributionsTest, SampleMomentsMatchWithinFiveStandardErrors) {
  std::uint64_t seed = 1000;
  for (const auto& c : familyCases()) {
    SCOPED_TRACE(c.name);
    const auto x = draw(c.distribution, ++seed, kSamples);
    EXPECT_GE(*std::min_element(x.begin(), x.end()), 0.0);
    const Moments m = moments(x);
    EXPECT_NEAR(m.mean, c.mean, kStandardErrors * m.meanStandardError);
    EXPECT_NEAR(m.cv, c.cv, kStandardErrors * m.cvStandardError);
  }
}

TEST_F(DistributionsTest, DeterministicAlwaysReturnsItsValue) {
  const auto d = Distribution::deterministic(0.5);
  RandomStream rng(3);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(d.sample(rng), 0.5);
  EXPECT_EQ(d.cv(), 0.0);
  RandomStream other(3);
  EXPECT_EQ(Distribution().sample(other), 0.0);
  EXPECT_EQ(Distribution().kind(), DistributionKind::kDeterministic);
}

TEST_F(DistributionsTest, EmpiricalOnlyReturnsTableValues) {
  const auto d = Distribution::empirical({0.5, 1.5, 7.0});
  RandomStream rng(11);
  for (int i = 0; i < 1000; ++i) {
    const double x = d.sample(rng);
    EXPECT_TRUE(x == 0.5 || x == 1.5 || x == 7.0) << x;
  }
}

TEST_F(DistributionsTest, HistogramNeverPicksZeroWeightBins) {
  const auto d = Distribution::empiricalHistogram({0.0, 1.0, 2.0, 3.0}, {0.0, 1.0, 0.0});
  RandomStream rng(12);
  for (int i = 0; i < 10000; ++i) {
    const double x = d.sample(rng);
    ASSERT_GE(x, 1.0);
    ASSERT_LT(x, 2.0);
  }
}

struct MeanCvCase {
  DistributionKind kind;
  std::vector<double> cvs;
};

// fromMeanCv must reproduce the requested mean and cv in the theoretical moments (to 1e-9
// relative), for two means and cvs across each family's allowed range.
TEST_F(DistributionsTest, FromMeanCvReproducesMeanAndCv) {
  const std::vector<MeanCvCase> cases = {
      {DistributionKind::kDeterministic, {0.0}},
      {DistributionKind::kExponential, {1.0}},
      {DistributionKind::kUniform, {0.0, 0.3, 1.0 / std::sqrt(3.0)}},
      {DistributionKind::kErlang, {1.0, 0.5, 1.0 / std::sqrt(3.0), 0.1, 1.0 / std::sqrt(40.0)}},
      {DistributionKind::kGamma, {0.1, 0.5, 1.0, 2.0, 10.0}},
      {DistributionKind::kLognormal, {0.0, 0.5, 1.5, 4.0}},
      {DistributionKind::kWeibull, {0.001, 0.1, 0.5, 1.0, 2.0, 10.0, 1000.0}},
      {DistributionKind::kPareto, {0.1, 0.5, 1.0, 3.0}},
      {DistributionKind::kHyperexponential, {1.0, 1.5, 4.0, 20.0, 1e6}},
  };
  for (const auto& c : cases) {
    for (const double mean : {0.04, 3.0}) {
      for (const double cv : c.cvs) {
        SCOPED_TRACE(std::string(kindName(c.kind)) + " mean " + std::to_string(mean) + " cv " +
                     std::to_string(cv));
        const auto d = Distribution::fromMeanCv(c.kind, mean, cv);
        EXPECT_EQ(d.kind(), c.kind);
        expectRelativeNear(d.mean(), mean, 1e-9);
        if (cv == 0.0) {
          EXPECT_NEAR(d.cv(), 0.0, 1e-12);
        } else {
          expectRelativeNear(d.cv(), cv, 1e-9);
        }
      }
    }
  }
}

// A Weibull with cv 1 is the exponential: shape 1, scale = mean.
TEST_F(DistributionsTest, WeibullWithCvOneIsExponential) {
  const auto params = Distribution::fromMeanCv(DistributionKind::kWeibull, 2.0, 1.0).parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[2].first, "shape");
  EXPECT_NEAR(params[2].second, 1.0, 1e-9);
  EXPECT_EQ(params[3].first, "scale");
  EXPECT_NEAR(params[3].second, 2.0, 1e-9);
}

// Balanced means: each phase contributes half of the mean, p_i * mean_i = mean / 2.
TEST_F(DistributionsTest, HyperexponentialFromMeanCvBalancesMeans) {
  const auto params =
      Distribution::fromMeanCv(DistributionKind::kHyperexponential, 1.0, 3.0).parameters();
  ASSERT_EQ(params.size(), 6u);
  EXPECT_EQ(params[2].first, "p1");
  EXPECT_EQ(params[3].first, "mean1");
  EXPECT_NEAR(params[2].second * params[3].second, 0.5, 1e-12);
  EXPECT_NEAR(params[4].second * params[5].second, 0.5, 1e-12);
  // p1 = (1 + sqrt((9 - 1)/(9 + 1)))/2 = (1 + sqrt(0.8))/2.
  EXPECT_NEAR(params[2].second, (1.0 + std::sqrt(0.8)) / 2.0, 1e-12);
}

TEST_F(DistributionsTest, InvalidParametersThrowWithAllowedValues) {
  const std::vector<std::pair<const char*, std::function<void()>>> cases = {
      {"negative deterministic", [] { Distribution::deterministic(-1.0); }},
      {"zero exponential mean", [] { Distribution::exponential(0.0); }},
      {"nan exponential mean", [] { Distribution::exponential(std::nan("")); }},
      {"uniform low above high", [] { Distribution::uniform(2.0, 1.0); }},
      {"uniform negative low", [] { Distribution::uniform(-1.0, 1.0); }},
      {"erlang k 0", [] { Distribution::erlang(0, 1.0); }},
      {"gamma shape 0", [] { Distribution::gamma(0.0, 1.0); }},
      {"gamma scale -1", [] { Distribution::gamma(1.0, -1.0); }},
      {"lognormal sigma -1", [] { Distribution::lognormal(0.0, -1.0); }},
      {"lognormal mu inf", [] { Distribution::lognormal(INFINITY, 1.0); }},
      {"weibull shape 0", [] { Distribution::weibull(0.0, 1.0); }},
      {"pareto scale 0", [] { Distribution::pareto(2.0, 0.0); }},
      {"hyperexponential sizes",
       [] {
         Distribution::hyperexponential({0.5, 0.5}, {1.0});
       }},
      {"hyperexponential empty", [] { Distribution::hyperexponential({}, {}); }},
      {"hyperexponential sum",
       [] {
         Distribution::hyperexponential({0.5, 0.4}, {1.0, 2.0});
       }},
      {"hyperexponential p<0",
       [] {
         Distribution::hyperexponential({1.5, -0.5}, {1.0, 2.0});
       }},
      {"hyperexponential mean 0", [] { Distribution::hyperexponential({1.0}, {0.0}); }},
      {"empirical empty", [] { Distribution::empirical({}); }},
      {"empirical negative",
       [] {
         Distribution::empirical({1.0, -2.0});
       }},
      {"histogram sizes",
       [] {
         Distribution::empiricalHistogram({0.0, 1.0}, {1.0, 1.0});
       }},
      {"histogram edges",
       [] {
         Distribution::empiricalHistogram({0.0, 2.0, 1.0}, {1.0, 1.0});
       }},
      {"histogram weights",
       [] {
         Distribution::empiricalHistogram({0.0, 1.0}, {0.0});
       }},
      {"histogram weight<0",
       [] {
         Distribution::empiricalHistogram({0.0, 1.0, 2.0}, {2, -1});
       }},
      {"mean negative", [] { Distribution::fromMeanCv(DistributionKind::kGamma, -1.0, 1.0); }},
      {"mean zero", [] { Distribution::fromMeanCv(DistributionKind::kLognormal, 0.0, 1.0); }},
      {"cv negative", [] { Distribution::fromMeanCv(DistributionKind::kGamma, 1.0, -1.0); }},
      {"deterministic cv",
       [] { Distribution::fromMeanCv(DistributionKind::kDeterministic, 1, 1); }},
      {"exponential cv", [] { Distribution::fromMeanCv(DistributionKind::kExponential, 1, 2); }},
      {"uniform cv", [] { Distribution::fromMeanCv(DistributionKind::kUniform, 1.0, 0.8); }},
      {"erlang cv", [] { Distribution::fromMeanCv(DistributionKind::kErlang, 1.0, 0.8); }},
      {"erlang cv>1", [] { Distribution::fromMeanCv(DistributionKind::kErlang, 1.0, 2.0); }},
      {"erlang cv 0", [] { Distribution::fromMeanCv(DistributionKind::kErlang, 1.0, 0.0); }},
      {"gamma cv 0", [] { Distribution::fromMeanCv(DistributionKind::kGamma, 1.0, 0.0); }},
      {"weibull cv", [] { Distribution::fromMeanCv(DistributionKind::kWeibull, 1.0, 5000.0); }},
      {"pareto cv 0", [] { Distribution::fromMeanCv(DistributionKind::kPareto, 1.0, 0.0); }},
      {"hyper cv", [] { Distribution::fromMeanCv(DistributionKind::kHyperexponential, 1, 0.5); }},
      {"empirical", [] { Distribution::fromMeanCv(DistributionKind::kEmpirical, 1.0, 1.0); }},
  };
  for (const auto& [name, make] : cases) {
    SCOPED_TRACE(name);
    try {
      make();
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("allowed"), std::string::npos) << message;
      EXPECT_TRUE(std::islower(static_cast<unsigned char>(message.front()))) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

// The example in the scenario documentation: 1/0.8^2 = 1.5625 is no integer, so erlang refuses
// and points at gamma; uniform states its bound 1/sqrt(3) = 0.57735.
TEST_F(DistributionsTest, MessagesNameTheProblemAndTheRange) {
  try {
    Distribution::fromMeanCv(DistributionKind::kUniform, 1.0, 0.8);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "cv 0.8 is not possible for uniform with a non-negative low end; allowed: 0 <= "
                 "cv <= 0.57735");
  }
  try {
    Distribution::fromMeanCv(DistributionKind::kErlang, 1.0, 0.8);
    FAIL();
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("1.5625"), std::string::npos) << message;
    EXPECT_NE(message.find("use gamma"), std::string::npos) << message;
  }
}

TEST_F(DistributionsTest, SameSeedSameSamplesAcrossInstances) {
  for (const auto& c : familyCases()) {
    SCOPED_TRACE(c.name);
    const Distribution copy = c.distribution;
    RandomStream a(2718);
    RandomStream b(2718);
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(c.distribution.sample(a), copy.sample(b));
  }
  const auto first = Distribution::fromMeanCv(DistributionKind::kLognormal, 0.04, 1.5);
  const auto second = Distribution::fromMeanCv(DistributionKind::kLognormal, 0.04, 1.5);
  RandomStream a(5);
  RandomStream b(5);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(first.sample(a), second.sample(b));
}

// Self-consistency down to the bit: the first output of RandomStream(42) is 0xd0764d4f4476689f
// (reference xoshiro256plusplus.c on the splitmix64 state of 42, computed while writing this
// test); uniformOpen01 maps it to ((x >> 12) + 0.5) * 2^-52. The ziggurat takes its low byte,
// 0x9f, as the layer and its top 53 bits as the position: the point is inside the layer's inner
// part, so exponential(1) is (x >> 11) * 2^-53 * x[159] from that one draw.
TEST_F(DistributionsTest, ExponentialFirstSampleIsTheZigguratPointOfTheFirstDraw) {
  constexpr std::uint64_t kFirst = 0xd0764d4f4476689fULL;
  RandomStream raw(42);
  EXPECT_EQ(raw.nextU64(), kFirst);
  RandomStream uniform(42);
  EXPECT_EQ(uniform.uniformOpen01(), (static_cast<double>(kFirst >> 12) + 0.5) * 0x1p-52);
  const double x = static_cast<double>(kFirst >> 11) * 0x1p-53 * kExponentialLayers.x[0x9f];
  ASSERT_LT(x, kExponentialLayers.x[0xa0]);
  RandomStream rng(42);
  EXPECT_EQ(Distribution::exponential(1.0).sample(rng), x);
  RandomStream scaled(42);
  EXPECT_EQ(Distribution::exponential(2.5).sample(scaled), 2.5 * x);
}

TEST_F(DistributionsTest, KindNamesRoundTripAndAreSorted) {
  const auto names = distributionNames();
  ASSERT_EQ(names.size(), 10u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const auto name : names) {
    const auto kind = kindFromName(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(kindName(*kind), name);
  }
  EXPECT_EQ(kindName(DistributionKind::kHyperexponential), "hyperexponential");
  EXPECT_FALSE(kindFromName("Exponential").has_value());
  EXPECT_FALSE(kindFromName("normal").has_value());
}

TEST_F(DistributionsTest, ParametersListMeanAndCvFirst) {
  const auto lognormal = Distribution::fromMeanCv(DistributionKind::kLognormal, 0.04, 1.5);
  const auto params = lognormal.parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0].first, "mean");
  EXPECT_NEAR(params[0].second, 0.04, 1e-15);
  EXPECT_EQ(params[1].first, "cv");
  EXPECT_NEAR(params[1].second, 1.5, 1e-12);
  EXPECT_EQ(params[2].first, "mu");
  EXPECT_EQ(params[3].first, "sigma");
  // sigma^2 = ln(1 + 1.5^2) = ln 3.25.
  EXPECT_NEAR(params[3].second, std::sqrt(std::log(3.25)), 1e-15);

  // pareto alpha 1.5: mean alpha x_m/(alpha - 1) = 3, cv undefined (alpha <= 2).
  const auto heavy = Distribution::pareto(1.5, 1.0);
  EXPECT_EQ(heavy.cv(), INFINITY);
  const auto heavyParams = heavy.parameters();
  ASSERT_EQ(heavyParams.size(), 3u);
  EXPECT_EQ(heavyParams[0].first, "mean");
  EXPECT_EQ(heavyParams[1].first, "shape");
  EXPECT_EQ(Distribution::pareto(0.8, 1.0).mean(), INFINITY);
}

TEST_F(DistributionsTest, DescribeIsShortAndReadable) {
  EXPECT_EQ(Distribution::fromMeanCv(DistributionKind::kLognormal, 0.04, 1.5).describe(),
            "lognormal(mean=0.04, cv=1.5)");
  EXPECT_EQ(Distribution::exponential(0.25).describe(), "exponential(mean=0.25, cv=1)");
  EXPECT_EQ(Distribution::deterministic(0.1).describe(), "deterministic(value=0.1)");
  EXPECT_EQ(Distribution::pareto(1.5, 1.0).describe(), "pareto(mean=3, shape=1.5, scale=1)");
  EXPECT_EQ(Distribution::fromMeanCv(DistributionKind::kHyperexponential, 1.0, 1.0).describe(),
            "hyperexponential(mean=1, cv=1, phases=2)");
  EXPECT_EQ(Distribution::empirical({1.0, 3.0}).describe(), "empirical(mean=2, cv=0.5, values=2)");
}

}  // namespace
}  // namespace lbsim::core
