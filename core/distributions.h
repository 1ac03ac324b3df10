#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/random.h"

namespace lbsim::core {

enum class DistributionKind {
  kDeterministic,
  kExponential,
  kUniform,
  kErlang,
  kGamma,
  kLognormal,
  kWeibull,
  kPareto,
  kHyperexponential,
  kEmpirical,
};

std::string_view kindName(DistributionKind kind);
std::optional<DistributionKind> kindFromName(std::string_view name);
// Sorted, for "allowed: ..." messages.
std::span<const std::string_view> distributionNames();

namespace detail {

// Parameters of each family as Distribution holds them; build them through Distribution's
// factories, which validate them and precompute what sampling needs.
struct Deterministic {
  double value = 0.0;
};
struct Exponential {
  double mean = 1.0;
};
struct Uniform {
  double low = 0.0;
  double high = 1.0;
};
// Marsaglia-Tsang constants for a unit-scale gamma; shape < 1 samples shape + 1 and boosts.
struct StandardGamma {
  double shape = 1.0;
  double d = 2.0 / 3.0;            // shape - 1/3
  double c = 0.40824829046386302;  // 1 / sqrt(9 d)
};
struct Erlang {
  int phases = 1;
  double mean = 1.0;
  StandardGamma standard;
};
struct Gamma {
  double shape = 1.0;
  double scale = 1.0;
  StandardGamma standard;
};
struct Lognormal {
  double mu = 0.0;
  double sigma = 0.0;
};
struct Weibull {
  double shape = 1.0;
  double scale = 1.0;
};
struct Pareto {
  double shape = 1.0;
  double scale = 1.0;
};
struct Hyperexponential {
  std::vector<double> probabilities;
  std::vector<double> means;
  std::vector<double> cumulative;  // running sums of probabilities, the last forced to 1
};
struct Empirical {
  std::vector<double> values;
};
struct EmpiricalHistogram {
  std::vector<double> edges;
  std::vector<double> weights;     // normalized to sum to 1
  std::vector<double> cumulative;  // running sums of weights, the last forced to 1
};

using Family = std::variant<Deterministic, Exponential, Uniform, Erlang, Gamma, Lognormal, Weibull,
                            Pareto, Hyperexponential, Empirical, EmpiricalHistogram>;

}  // namespace detail

// A probability distribution over non-negative reals (interarrival and service times), as a
// value type. Sampling never allocates: tables are built at construction. Every sampler is
// written out here from its published method (see distributions.cc) on top of RandomStream, so a
// seed gives the same numbers on every machine.
//
// Invalid parameters throw std::invalid_argument whose message is one lowercase sentence saying
// what is wrong and what is allowed, without a location (the scenario loader adds file:line:col).
class Distribution {
 public:
  Distribution();  // deterministic 0

  static Distribution deterministic(double value);
  static Distribution exponential(double mean);
  static Distribution uniform(double low, double high);
  static Distribution erlang(int k, double mean);  // k phases, total mean
  static Distribution gamma(double shape, double scale);
  static Distribution lognormal(double mu, double sigma);  // of the underlying normal
  static Distribution weibull(double shape, double scale);
  static Distribution pareto(double shape, double scale);  // type I, scale = minimum x_m
  static Distribution hyperexponential(std::vector<double> probabilities,
                                       std::vector<double> means);
  // Resamples the given values uniformly.
  static Distribution empirical(std::vector<double> samples);
  // Picks a bin by weight (weights need not sum to 1), then a uniform point within it.
  static Distribution empiricalHistogram(std::vector<double> binEdges, std::vector<double> weights);

  // Every family except empirical given by mean and coefficient of variation:
  //  deterministic: cv = 0; exponential: cv = 1; uniform: cv <= 1/sqrt(3) so that low >= 0;
  //  erlang: 1/cv^2 an integer within 1e-9 relative; gamma: shape 1/cv^2, scale mean*cv^2;
  //  lognormal: sigma^2 = ln(1+cv^2), mu = ln(mean) - sigma^2/2;
  //  weibull: k solving Gamma(1+2/k)/Gamma(1+1/k)^2 - 1 = cv^2 by bisection in log k,
  //    scale = mean/Gamma(1+1/k), for 0.001 <= cv <= 1000;
  //  pareto: alpha = 1 + sqrt(1 + 1/cv^2), x_m = mean*(alpha-1)/alpha;
  //  hyperexponential: cv >= 1, two phases with balanced means (each phase carries half the
  //    mean): p1 = (1 + sqrt((cv^2-1)/(cv^2+1)))/2, mean_i = mean/(2 p_i).
  static Distribution fromMeanCv(DistributionKind kind, double mean, double cv);

  double sample(RandomStream& rng) const;  // >= 0

  double mean() const;  // theoretical (empirical: of the table); infinity for pareto alpha <= 1
  double cv() const;    // theoretical; infinity where undefined (pareto alpha <= 2)
  DistributionKind kind() const;

  // (name, value) pairs in a fixed order for writing the resolved scenario: "mean" and "cv"
  // first when finite, then the family's own parameters, e.g. {"shape", ..}, {"scale", ..}.
  std::vector<std::pair<std::string, double>> parameters() const;
  // Short human text, e.g. "lognormal(mean=0.04, cv=1.5)".
  std::string describe() const;
  // The family and its parameters, for code that writes a distribution back out.
  const detail::Family& family() const { return family_; }

 private:
  // Constructs the alternative in place rather than moving a whole variant in, which also keeps
  // GCC 12's -Wmaybe-uninitialized false positive on variant moves at bay under sanitizers.
  template <typename FamilyParameters>
  explicit Distribution(FamilyParameters family)
      : family_(std::in_place_type<FamilyParameters>, std::move(family)) {}

  detail::Family family_;
};

}  // namespace lbsim::core
