#include "core/distributions.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>

namespace lbsim::core {
namespace {

using Parameters = std::vector<std::pair<std::string, double>>;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Indexed by DistributionKind.
constexpr std::array<std::string_view, 10> kKindNames = {
    "deterministic", "exponential", "uniform", "erlang",           "gamma",
    "lognormal",     "weibull",     "pareto",  "hyperexponential", "empirical",
};

constexpr std::array<std::string_view, 10> kSortedNames = [] {
  auto names = kKindNames;
  std::sort(names.begin(), names.end());
  return names;
}();

// Products of more uniforms than this are replaced by the gamma sampler: the cost grows with k,
// and 16 uniforms >= 2^-53 each cannot underflow a double.
constexpr int kMaxErlangProductPhases = 16;

constexpr double kProbabilitySumTolerance = 1e-9;
constexpr double kErlangIntegerTolerance = 1e-9;

// The Weibull solver's bracket in k, and the cv range it covers with margin.
constexpr double kWeibullMinShape = 0.01;
constexpr double kWeibullMaxShape = 1e4;
constexpr double kWeibullMinCv = 1e-3;
constexpr double kWeibullMaxCv = 1e3;

// The second phase's probability is about 1/(2 cv^2); far beyond this cap it falls below the
// spacing of doubles near 1, p1 = 1 - p2 rounds to 1 and the heavy phase would vanish.
constexpr double kHyperexponentialMaxCv = 1e6;

// Shortest text that reads back as the same double, independent of the C locale (a GUI may set
// one with a decimal comma).
std::string exact(double x) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  return std::string(buffer.data(), result.ptr);
}

// Six significant digits, for derived bounds and human descriptions.
std::string rounded(double x) {
  std::array<char, 32> buffer{};
  const auto result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), x, std::chars_format::general, 6);
  return std::string(buffer.data(), result.ptr);
}

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument(message);
}

void requirePositive(std::string_view what, double value) {
  if (!(std::isfinite(value) && value > 0.0)) {
    fail(std::string(what) + " " + exact(value) + " is not valid; allowed: a finite value > 0");
  }
}

void requireNonNegative(std::string_view what, double value) {
  if (!(std::isfinite(value) && value >= 0.0)) {
    fail(std::string(what) + " " + exact(value) + " is not valid; allowed: a finite value >= 0");
  }
}

// Running sums of already validated non-negative weights with a positive total, normalized; the
// last entry is exactly 1 so that a uniform draw in [0, 1) always finds a bin.
std::vector<double> cumulativeOf(const std::vector<double>& weights) {
  std::vector<double> cumulative(weights.size());
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    total += weights[i];
    cumulative[i] = total;
  }
  for (double& c : cumulative)
    c /= total;
  cumulative.back() = 1.0;
  return cumulative;
}

// upper_bound skips entries equal to u, so a zero-weight entry is never chosen.
std::size_t pick(const std::vector<double>& cumulative, double u) {
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  return std::min(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

double cvFromMoments(double mean, double secondMoment) {
  if (mean == 0.0) return 0.0;
  const double variance = std::max(0.0, secondMoment - mean * mean);
  return std::sqrt(variance) / mean;
}

// Gamma by Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3),
// 2000: for shape a >= 1, accept d*(1+c*Z)^3 with d = a - 1/3, c = 1/sqrt(9d) by their squeeze
// and log test; for a < 1, sample shape a + 1 and multiply by U^(1/a), as the paper suggests.

detail::StandardGamma standardGamma(double shape) {
  const double boosted = shape < 1.0 ? shape + 1.0 : shape;
  const double d = boosted - 1.0 / 3.0;
  return {shape, d, 1.0 / std::sqrt(9.0 * d)};
}

double sampleStandardGamma(const detail::StandardGamma& g, RandomStream& rng) {
  double v = 0.0;
  for (;;) {
    const double x = rng.standardNormal();
    v = 1.0 + g.c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rng.uniformOpen01();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) break;
    if (std::log(u) < 0.5 * x2 + g.d * (1.0 - v + std::log(v))) break;
  }
  double result = g.d * v;
  if (g.shape < 1.0) result *= std::pow(rng.uniformOpen01(), 1.0 / g.shape);
  return result;
}

// Per-family sampling, moments and parameters, one overload set per family; Distribution's
// methods pick the overload with std::visit.

double sampleFrom(const detail::Deterministic& f, RandomStream&) {
  return f.value;
}
double meanOf(const detail::Deterministic& f) {
  return f.value;
}
double cvOf(const detail::Deterministic&) {
  return 0.0;
}
void addParameters(const detail::Deterministic&, Parameters&) {}

double sampleFrom(const detail::Exponential& f, RandomStream& rng) {
  return rng.exponential(f.mean);
}
double meanOf(const detail::Exponential& f) {
  return f.mean;
}
double cvOf(const detail::Exponential&) {
  return 1.0;
}
void addParameters(const detail::Exponential&, Parameters&) {}

double sampleFrom(const detail::Uniform& f, RandomStream& rng) {
  return f.low + (f.high - f.low) * rng.uniform01();
}
double meanOf(const detail::Uniform& f) {
  return 0.5 * (f.low + f.high);
}
double cvOf(const detail::Uniform& f) {
  const double mean = meanOf(f);
  return mean == 0.0 ? 0.0 : (f.high - f.low) / std::sqrt(12.0) / mean;
}
void addParameters(const detail::Uniform& f, Parameters& out) {
  out.emplace_back("low", f.low);
  out.emplace_back("high", f.high);
}

// The sum of k exponentials of mean m/k is -(m/k) log(U1 ... Uk): one log instead of k.
double sampleFrom(const detail::Erlang& f, RandomStream& rng) {
  const double phaseMean = f.mean / f.phases;
  if (f.phases > kMaxErlangProductPhases) return phaseMean * sampleStandardGamma(f.standard, rng);
  double product = 1.0;
  for (int i = 0; i < f.phases; ++i)
    product *= rng.uniformOpen01();
  return -phaseMean * std::log(product);
}
double meanOf(const detail::Erlang& f) {
  return f.mean;
}
double cvOf(const detail::Erlang& f) {
  return 1.0 / std::sqrt(static_cast<double>(f.phases));
}
void addParameters(const detail::Erlang& f, Parameters& out) {
  out.emplace_back("k", f.phases);
}

double sampleFrom(const detail::Gamma& f, RandomStream& rng) {
  return f.scale * sampleStandardGamma(f.standard, rng);
}
double meanOf(const detail::Gamma& f) {
  return f.shape * f.scale;
}
double cvOf(const detail::Gamma& f) {
  return 1.0 / std::sqrt(f.shape);
}
void addParameters(const detail::Gamma& f, Parameters& out) {
  out.emplace_back("shape", f.shape);
  out.emplace_back("scale", f.scale);
}

double sampleFrom(const detail::Lognormal& f, RandomStream& rng) {
  return std::exp(f.mu + f.sigma * rng.standardNormal());
}
double meanOf(const detail::Lognormal& f) {
  return std::exp(f.mu + 0.5 * f.sigma * f.sigma);
}
double cvOf(const detail::Lognormal& f) {
  return std::sqrt(std::exp(f.sigma * f.sigma) - 1.0);
}
void addParameters(const detail::Lognormal& f, Parameters& out) {
  out.emplace_back("mu", f.mu);
  out.emplace_back("sigma", f.sigma);
}

// Gamma(1+2/k) / Gamma(1+1/k)^2 - 1 through lgamma, which stays finite where Gamma(1+2/k)
// overflows (k < 0.012).
double weibullCvSquared(double shape) {
  return std::exp(std::lgamma(1.0 + 2.0 / shape) - 2.0 * std::lgamma(1.0 + 1.0 / shape)) - 1.0;
}

// Inversion of F(x) = 1 - exp(-(x/scale)^k).
double sampleFrom(const detail::Weibull& f, RandomStream& rng) {
  return f.scale * std::pow(-std::log(rng.uniformOpen01()), 1.0 / f.shape);
}
double meanOf(const detail::Weibull& f) {
  return f.scale * std::tgamma(1.0 + 1.0 / f.shape);
}
double cvOf(const detail::Weibull& f) {
  return std::sqrt(weibullCvSquared(f.shape));
}
void addParameters(const detail::Weibull& f, Parameters& out) {
  out.emplace_back("shape", f.shape);
  out.emplace_back("scale", f.scale);
}

// Inversion of F(x) = 1 - (x_m/x)^alpha.
double sampleFrom(const detail::Pareto& f, RandomStream& rng) {
  return f.scale * std::pow(rng.uniformOpen01(), -1.0 / f.shape);
}
double meanOf(const detail::Pareto& f) {
  return f.shape > 1.0 ? f.shape * f.scale / (f.shape - 1.0) : kInfinity;
}
double cvOf(const detail::Pareto& f) {
  return f.shape > 2.0 ? 1.0 / std::sqrt(f.shape * (f.shape - 2.0)) : kInfinity;
}
void addParameters(const detail::Pareto& f, Parameters& out) {
  out.emplace_back("shape", f.shape);
  out.emplace_back("scale", f.scale);
}

double sampleFrom(const detail::Hyperexponential& f, RandomStream& rng) {
  const std::size_t phase = pick(f.cumulative, rng.uniform01());
  return rng.exponential(f.means[phase]);
}
double meanOf(const detail::Hyperexponential& f) {
  double mean = 0.0;
  for (std::size_t i = 0; i < f.means.size(); ++i)
    mean += f.probabilities[i] * f.means[i];
  return mean;
}
double cvOf(const detail::Hyperexponential& f) {
  double second = 0.0;  // E[X^2] of an exponential of mean m is 2 m^2
  for (std::size_t i = 0; i < f.means.size(); ++i) {
    second += f.probabilities[i] * 2.0 * f.means[i] * f.means[i];
  }
  return cvFromMoments(meanOf(f), second);
}
void addParameters(const detail::Hyperexponential& f, Parameters& out) {
  for (std::size_t i = 0; i < f.means.size(); ++i) {
    const std::string phase = std::to_string(i + 1);
    out.emplace_back("p" + phase, f.probabilities[i]);
    out.emplace_back("mean" + phase, f.means[i]);
  }
}

double sampleFrom(const detail::Empirical& f, RandomStream& rng) {
  return f.values[rng.below(f.values.size())];
}
double meanOf(const detail::Empirical& f) {
  double sum = 0.0;
  for (const double v : f.values)
    sum += v;
  return sum / static_cast<double>(f.values.size());
}
// Of the resampling distribution itself, so the population variance (divide by n).
double cvOf(const detail::Empirical& f) {
  const double mean = meanOf(f);
  if (mean == 0.0) return 0.0;
  double squares = 0.0;
  for (const double v : f.values)
    squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(f.values.size())) / mean;
}
void addParameters(const detail::Empirical& f, Parameters& out) {
  out.emplace_back("values", static_cast<double>(f.values.size()));
}

double sampleFrom(const detail::EmpiricalHistogram& f, RandomStream& rng) {
  const std::size_t bin = pick(f.cumulative, rng.uniform01());
  const double low = f.edges[bin];
  return low + (f.edges[bin + 1] - low) * rng.uniform01();
}
double meanOf(const detail::EmpiricalHistogram& f) {
  double mean = 0.0;
  for (std::size_t i = 0; i < f.weights.size(); ++i) {
    mean += f.weights[i] * 0.5 * (f.edges[i] + f.edges[i + 1]);
  }
  return mean;
}
double cvOf(const detail::EmpiricalHistogram& f) {
  double second = 0.0;  // E[X^2] of a uniform on [a, b] is (a^2 + ab + b^2) / 3
  for (std::size_t i = 0; i < f.weights.size(); ++i) {
    const double a = f.edges[i];
    const double b = f.edges[i + 1];
    second += f.weights[i] * (a * a + a * b + b * b) / 3.0;
  }
  return cvFromMoments(meanOf(f), second);
}
void addParameters(const detail::EmpiricalHistogram& f, Parameters& out) {
  out.emplace_back("bins", static_cast<double>(f.weights.size()));
}

constexpr DistributionKind kindOf(const detail::Deterministic&) {
  return DistributionKind::kDeterministic;
}
constexpr DistributionKind kindOf(const detail::Exponential&) {
  return DistributionKind::kExponential;
}
constexpr DistributionKind kindOf(const detail::Uniform&) {
  return DistributionKind::kUniform;
}
constexpr DistributionKind kindOf(const detail::Erlang&) {
  return DistributionKind::kErlang;
}
constexpr DistributionKind kindOf(const detail::Gamma&) {
  return DistributionKind::kGamma;
}
constexpr DistributionKind kindOf(const detail::Lognormal&) {
  return DistributionKind::kLognormal;
}
constexpr DistributionKind kindOf(const detail::Weibull&) {
  return DistributionKind::kWeibull;
}
constexpr DistributionKind kindOf(const detail::Pareto&) {
  return DistributionKind::kPareto;
}
constexpr DistributionKind kindOf(const detail::Hyperexponential&) {
  return DistributionKind::kHyperexponential;
}
constexpr DistributionKind kindOf(const detail::Empirical&) {
  return DistributionKind::kEmpirical;
}
constexpr DistributionKind kindOf(const detail::EmpiricalHistogram&) {
  return DistributionKind::kEmpirical;
}

// Bisection in log k: the cv of a Weibull falls monotonically as k grows.
double weibullShapeForCv(double cv) {
  const double target = cv * cv;
  double low = std::log(kWeibullMinShape);
  double high = std::log(kWeibullMaxShape);
  for (int i = 0; i < 200 && high - low > 1e-13; ++i) {
    const double middle = 0.5 * (low + high);
    if (weibullCvSquared(std::exp(middle)) > target) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return std::exp(0.5 * (low + high));
}

[[noreturn]] void failCv(double cv, std::string_view family, std::string_view allowed) {
  fail("cv " + exact(cv) + " is not possible for " + std::string(family) +
       "; allowed: " + std::string(allowed));
}

}  // namespace

std::string_view kindName(DistributionKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  assert(index < kKindNames.size());
  return kKindNames[index];
}

std::optional<DistributionKind> kindFromName(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<DistributionKind>(i);
  }
  return std::nullopt;
}

std::span<const std::string_view> distributionNames() {
  return kSortedNames;
}

Distribution::Distribution() : Distribution(detail::Deterministic{0.0}) {}

Distribution Distribution::deterministic(double value) {
  requireNonNegative("deterministic value", value);
  return Distribution(detail::Deterministic{value});
}

Distribution Distribution::exponential(double mean) {
  requirePositive("exponential mean", mean);
  return Distribution(detail::Exponential{mean});
}

Distribution Distribution::uniform(double low, double high) {
  if (!(std::isfinite(low) && std::isfinite(high) && 0.0 <= low && low <= high)) {
    fail("uniform low " + exact(low) + " and high " + exact(high) +
         " are not valid; allowed: finite 0 <= low <= high");
  }
  return Distribution(detail::Uniform{low, high});
}

Distribution Distribution::erlang(int k, double mean) {
  if (k < 1) fail("erlang k " + std::to_string(k) + " is not valid; allowed: an integer k >= 1");
  requirePositive("erlang mean", mean);
  return Distribution(detail::Erlang{k, mean, standardGamma(k)});
}

Distribution Distribution::gamma(double shape, double scale) {
  requirePositive("gamma shape", shape);
  requirePositive("gamma scale", scale);
  return Distribution(detail::Gamma{shape, scale, standardGamma(shape)});
}

Distribution Distribution::lognormal(double mu, double sigma) {
  if (!std::isfinite(mu)) {
    fail("lognormal mu " + exact(mu) + " is not valid; allowed: a finite value");
  }
  requireNonNegative("lognormal sigma", sigma);
  return Distribution(detail::Lognormal{mu, sigma});
}

Distribution Distribution::weibull(double shape, double scale) {
  requirePositive("weibull shape", shape);
  requirePositive("weibull scale", scale);
  return Distribution(detail::Weibull{shape, scale});
}

Distribution Distribution::pareto(double shape, double scale) {
  requirePositive("pareto shape", shape);
  requirePositive("pareto scale", scale);
  return Distribution(detail::Pareto{shape, scale});
}

Distribution Distribution::hyperexponential(std::vector<double> probabilities,
                                            std::vector<double> means) {
  if (probabilities.empty() || probabilities.size() != means.size()) {
    fail("hyperexponential has " + std::to_string(probabilities.size()) + " probabilities and " +
         std::to_string(means.size()) + " means; allowed: one mean per probability, at least one");
  }
  double sum = 0.0;
  for (const double p : probabilities) {
    if (!(p >= 0.0 && p <= 1.0)) {
      fail("hyperexponential probability " + exact(p) +
           " is not valid; allowed: probabilities in [0, 1] that sum to 1");
    }
    sum += p;
  }
  if (std::abs(sum - 1.0) > kProbabilitySumTolerance) {
    fail("hyperexponential probabilities sum to " + exact(sum) +
         "; allowed: a sum of 1 within 1e-9");
  }
  for (const double m : means)
    requirePositive("hyperexponential mean", m);
  std::vector<double> cumulative = cumulativeOf(probabilities);
  return Distribution(
      detail::Hyperexponential{std::move(probabilities), std::move(means), std::move(cumulative)});
}

Distribution Distribution::empirical(std::vector<double> samples) {
  if (samples.empty()) fail("empirical table is empty; allowed: at least one value");
  for (const double v : samples)
    requireNonNegative("empirical value", v);
  return Distribution(detail::Empirical{std::move(samples)});
}

Distribution Distribution::empiricalHistogram(std::vector<double> binEdges,
                                              std::vector<double> weights) {
  if (weights.empty() || binEdges.size() != weights.size() + 1) {
    fail("empirical histogram has " + std::to_string(binEdges.size()) + " edges and " +
         std::to_string(weights.size()) +
         " weights; allowed: one more edge than weights, at least one bin");
  }
  for (const double e : binEdges)
    requireNonNegative("empirical histogram edge", e);
  for (std::size_t i = 0; i + 1 < binEdges.size(); ++i) {
    if (!(binEdges[i] < binEdges[i + 1])) {
      fail("empirical histogram edges " + exact(binEdges[i]) + " then " + exact(binEdges[i + 1]) +
           " do not increase; allowed: strictly increasing edges");
    }
  }
  double total = 0.0;
  for (const double w : weights) {
    requireNonNegative("empirical histogram weight", w);
    total += w;
  }
  if (!(total > 0.0 && std::isfinite(total))) {
    fail("empirical histogram weights sum to " + exact(total) +
         "; allowed: non-negative weights with a finite positive sum");
  }
  std::vector<double> cumulative = cumulativeOf(weights);
  for (double& w : weights)
    w /= total;
  return Distribution(
      detail::EmpiricalHistogram{std::move(binEdges), std::move(weights), std::move(cumulative)});
}

Distribution Distribution::fromMeanCv(DistributionKind kind, double mean, double cv) {
  const std::string family(kindName(kind));
  if (kind == DistributionKind::kEmpirical) {
    fail("empirical cannot be given by mean and cv; allowed: a table of values or a histogram");
  }
  if (kind == DistributionKind::kDeterministic) {
    requireNonNegative("deterministic mean", mean);
  } else {
    requirePositive(family + " mean", mean);
  }
  if (!(std::isfinite(cv) && cv >= 0.0)) {
    fail("cv " + exact(cv) + " is not valid; allowed: a finite cv >= 0");
  }
  switch (kind) {
    case DistributionKind::kDeterministic:
      if (cv != 0.0) failCv(cv, family, "cv = 0");
      return deterministic(mean);
    case DistributionKind::kExponential:
      if (std::abs(cv - 1.0) > 1e-9) failCv(cv, family, "cv = 1");
      return exponential(mean);
    case DistributionKind::kUniform: {
      const double maxCv = 1.0 / std::sqrt(3.0);
      if (cv > maxCv * (1.0 + 1e-12)) {
        fail("cv " + exact(cv) +
             " is not possible for uniform with a non-negative low end; allowed: 0 <= cv <= " +
             rounded(maxCv));
      }
      const double halfWidth = std::sqrt(3.0) * cv * mean;
      return uniform(std::max(0.0, mean - halfWidth), mean + halfWidth);
    }
    case DistributionKind::kErlang: {
      const double phases = cv > 0.0 ? 1.0 / (cv * cv) : kInfinity;
      const double k = std::round(phases);
      if (!(k >= 1.0 && k <= std::numeric_limits<int>::max() &&
            std::abs(phases - k) <= kErlangIntegerTolerance * k)) {
        fail("cv " + exact(cv) + " is not possible for erlang because 1/cv^2 = " + rounded(phases) +
             " is not an integer; allowed: cv = 1/sqrt(k) for an integer k >= 1 (use gamma for "
             "other values)");
      }
      return erlang(static_cast<int>(k), mean);
    }
    case DistributionKind::kGamma:
      if (cv == 0.0) failCv(cv, family, "cv > 0 (use deterministic for cv = 0)");
      return gamma(1.0 / (cv * cv), mean * cv * cv);
    case DistributionKind::kLognormal: {
      const double sigmaSquared = std::log(1.0 + cv * cv);
      return lognormal(std::log(mean) - 0.5 * sigmaSquared, std::sqrt(sigmaSquared));
    }
    case DistributionKind::kWeibull: {
      if (cv < kWeibullMinCv || cv > kWeibullMaxCv) {
        failCv(cv, family, rounded(kWeibullMinCv) + " <= cv <= " + rounded(kWeibullMaxCv));
      }
      const double shape = weibullShapeForCv(cv);
      return weibull(shape, mean / std::tgamma(1.0 + 1.0 / shape));
    }
    case DistributionKind::kPareto: {
      if (cv == 0.0) failCv(cv, family, "cv > 0");
      const double alpha = 1.0 + std::sqrt(1.0 + 1.0 / (cv * cv));
      return pareto(alpha, mean * (alpha - 1.0) / alpha);
    }
    case DistributionKind::kHyperexponential: {
      if (cv < 1.0 || cv > kHyperexponentialMaxCv) {
        failCv(cv, family, "1 <= cv <= " + rounded(kHyperexponentialMaxCv));
      }
      // p2 = (1 - sqrt(r))/2 with r = (cv^2-1)/(cv^2+1), rewritten without the cancellation
      // that would round it to 0 for a large cv.
      const double cv2 = cv * cv;
      const double root = std::sqrt((cv2 - 1.0) / (cv2 + 1.0));
      const double p2 = 1.0 / ((cv2 + 1.0) * (1.0 + root));
      const double p1 = 1.0 - p2;
      return hyperexponential({p1, p2}, {mean / (2.0 * p1), mean / (2.0 * p2)});
    }
    case DistributionKind::kEmpirical:
      break;
  }
  fail("distribution kind " + std::to_string(static_cast<int>(kind)) + " is unknown");
}

double Distribution::sample(RandomStream& rng) const {
  return std::visit([&rng](const auto& f) { return sampleFrom(f, rng); }, family_);
}

double Distribution::mean() const {
  return std::visit([](const auto& f) { return meanOf(f); }, family_);
}

double Distribution::cv() const {
  return std::visit([](const auto& f) { return cvOf(f); }, family_);
}

DistributionKind Distribution::kind() const {
  return std::visit([](const auto& f) { return kindOf(f); }, family_);
}

std::vector<std::pair<std::string, double>> Distribution::parameters() const {
  Parameters out;
  const double m = mean();
  const double c = cv();
  if (std::isfinite(m)) out.emplace_back("mean", m);
  if (std::isfinite(c)) out.emplace_back("cv", c);
  std::visit([&out](const auto& f) { addParameters(f, out); }, family_);
  return out;
}

// Mean and cv where they pin the distribution down; otherwise also what they leave open (a
// hyperexponential's number of phases, a table's size, a pareto's shape and scale).
std::string Distribution::describe() const {
  const std::string name(kindName(kind()));
  if (std::holds_alternative<detail::Deterministic>(family_)) {
    return name + "(value=" + rounded(mean()) + ")";
  }
  Parameters shown;
  if (std::isfinite(mean())) shown.emplace_back("mean", mean());
  if (std::isfinite(cv())) shown.emplace_back("cv", cv());
  if (const auto* h = std::get_if<detail::Hyperexponential>(&family_)) {
    shown.emplace_back("phases", static_cast<double>(h->means.size()));
  } else if (!std::isfinite(cv()) || kind() == DistributionKind::kEmpirical) {
    std::visit([&shown](const auto& f) { addParameters(f, shown); }, family_);
  }
  std::string text = name + "(";
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (i > 0) text += ", ";
    text += shown[i].first + "=" + rounded(shown[i].second);
  }
  return text + ")";
}

}  // namespace lbsim::core
