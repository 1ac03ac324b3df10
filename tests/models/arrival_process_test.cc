// The open arrival processes run through ArrivalTimes directly (no network): counts per phase,
// ramps linear in rate, a 10x spike, a diurnal day, the hyperexponential's cv and the MMPP's
// normalization and burstiness. Tolerances are 4 standard deviations of the count under the
// process, plus 1 for the count's granularity at a window's edges (evenly spaced arrivals are
// never more than 1 off their mass).
#include "models/traffic/arrival_process.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace lbsim::models::traffic {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct ProcessCase {
  std::string name;
  ArrivalProcess process;
  double cv = 1.0;
  std::vector<MmppStateSpec> states;
};

// Variance of the count of a two-state MMPP over a window w at a constant base rate λ, started
// in its stationary distribution (Fischer & Meier-Hellstern, "The Markov-modulated Poisson
// process (MMPP) cookbook", Performance Evaluation 18, 1993, §4):
//   Var N(w) = λw + 2 λ² V [w/γ - (1 - e^{-γw})/γ²],
// V = Var of the normalized factor in time, γ = 1/s1 + 1/s2 (the intensity's autocovariance is
// λ² V e^{-γu}). The covariance term is positive, so λ = the window's largest rate bounds it
// when the rate varies.
double mmppCountVariance(const std::vector<MmppStateSpec>& states, double mean, double window,
                         double maxRate) {
  const auto factors = normalizedMmppFactors(states);
  const auto fractions = mmppTimeFractions(states);
  double secondMoment = 0;
  for (std::size_t i = 0; i < factors.size(); ++i)
    secondMoment += fractions[i] * factors[i] * factors[i];
  const double v = secondMoment - 1;
  const double gamma = 1 / states[0].meanSojourn + 1 / states[1].meanSojourn;
  return mean + 2 * maxRate * maxRate * v *
                    (window / gamma - (1 - std::exp(-gamma * window)) / (gamma * gamma));
}

// The standard deviation of a count of `mean` over `window` seconds at rates up to maxRate:
// Poisson var = mean; evenly spaced: 0; a renewal process with mass cv c: mean·c² (the renewal
// central limit theorem, N(t) ~ Normal(t/μ, tσ²/μ³) with μ = 1, σ = c); MMPP as above.
double countSd(const ProcessCase& c, double mean, double window, double maxRate) {
  switch (c.process) {
    case ArrivalProcess::kPoisson:
      return std::sqrt(mean);
    case ArrivalProcess::kUniform:
      return 0;
    case ArrivalProcess::kHyperexponential:
      return std::sqrt(mean) * c.cv;
    case ArrivalProcess::kMmpp:
      return std::sqrt(mmppCountVariance(c.states, mean, window, maxRate));
  }
  return 0;
}

// 4 standard deviations, plus 1 for the count's granularity at the window's edges.
double tolerance(const ProcessCase& c, double mean, double window, double maxRate) {
  return 4 * countSd(c, mean, window, maxRate) + 1;
}

TrafficSpec trafficOf(const ProcessCase& c, std::vector<PhaseSpec> phases) {
  TrafficSpec t;
  t.phases = std::move(phases);
  t.process = c.process;
  t.burstCv = c.cv;
  t.mmppStates = c.states;
  return t;
}

std::vector<double> arrivalsOf(const TrafficSpec& t, std::uint64_t seed = 7) {
  ArrivalTimes times(t, core::RandomStream::named(seed, "arrivals"),
                     core::RandomStream::named(seed, "arrivals:modulation"));
  std::vector<double> out;
  for (double at = times.next(0.0); std::isfinite(at); at = times.next(at))
    out.push_back(at);
  return out;
}

double countIn(const std::vector<double>& times, double a, double b) {
  return static_cast<double>(std::lower_bound(times.begin(), times.end(), b) -
                             std::lower_bound(times.begin(), times.end(), a));
}

class ArrivalProcessTest : public ::testing::TestWithParam<ProcessCase> {};

// Short sojourns (0.6 s at half the rate, 0.05 s at 4x before normalization) so that a phase
// of 2,000 s averages over many state changes.
const std::vector<MmppStateSpec> kFastMmpp = {{0.5, 0.6}, {4, 0.05}};

INSTANTIATE_TEST_SUITE_P(
    Processes, ArrivalProcessTest,
    ::testing::Values(ProcessCase{"poisson", ArrivalProcess::kPoisson, 1.0, {}},
                      ProcessCase{"uniform", ArrivalProcess::kUniform, 1.0, {}},
                      ProcessCase{"hyperexponential", ArrivalProcess::kHyperexponential, 3.0, {}},
                      ProcessCase{"mmpp", ArrivalProcess::kMmpp, 1.0, kFastMmpp}),
    [](const auto& info) { return info.param.name; });

// 10/s for 2,000 s (20,000 expected), a ramp 10 -> 30/s over 2,000 s (40,000), 500 s idle.
TEST_P(ArrivalProcessTest, CountsPerPhaseFollowTheRate) {
  const ProcessCase& c = GetParam();
  const auto times = arrivalsOf(trafficOf(
      c,
      {{"flat", 2000, 10, std::nullopt}, {"ramp", 2000, 10, 30}, {"idle", 500, 0, std::nullopt}}));
  EXPECT_NEAR(countIn(times, 0, 2000), 20000, tolerance(c, 20000, 2000, 10));
  EXPECT_NEAR(countIn(times, 2000, 4000), 40000, tolerance(c, 40000, 2000, 30));
  EXPECT_EQ(countIn(times, 4000, 1e9), 0);
}

// The ramp's ten windows of 200 s expect 200 (11 + 2k) arrivals, k = 0..9: 2,200 to 5,800,
// 400 more per window. The least-squares slope of the counts against k has variance
// Σ (k - 4.5)² Var_k / (Σ (k - 4.5)²)²; each window also stays within its own tolerance, so a
// curved ramp would show.
TEST_P(ArrivalProcessTest, RampsAreLinearInRate) {
  const ProcessCase& c = GetParam();
  const auto times = arrivalsOf(trafficOf(c, {{"ramp", 2000, 10, 30}}));
  double sxx = 0, sxy = 0, slopeVariance = 0, granularity = 0;
  for (int k = 0; k < 10; ++k) {
    const double expected = 200.0 * (11 + 2 * k);
    const double count = countIn(times, 200.0 * k, 200.0 * (k + 1));
    const double maxRate = 10 + 2 * (k + 1);
    EXPECT_NEAR(count, expected, tolerance(c, expected, 200, maxRate)) << "window " << k;
    const double x = k - 4.5;
    sxx += x * x;
    sxy += x * count;
    slopeVariance += x * x * std::pow(countSd(c, expected, 200, maxRate), 2);
    granularity += std::abs(x);  // each count may be 1 off its mass
  }
  const double slopeSd = std::sqrt(slopeVariance) / sxx;
  EXPECT_NEAR(sxy / sxx, 400, 4 * slopeSd + granularity / sxx) << "sd " << slopeSd;
}

// 10/s for 3,000 s with a 10x spike on [1000, 1500): 5,000 expected in the 500 s before it,
// 50,000 in it, 5,000 after it.
TEST_P(ArrivalProcessTest, ATenfoldSpikeMultipliesTheCountTenfold) {
  const ProcessCase& c = GetParam();
  TrafficSpec t = trafficOf(c, {{"flat", 3000, 10, std::nullopt}});
  t.spikes = {{1000, 500, 10}};
  const auto times = arrivalsOf(t);
  const double before = countIn(times, 500, 1000);
  const double during = countIn(times, 1000, 1500);
  const double after = countIn(times, 1500, 2000);
  EXPECT_NEAR(before, 5000, tolerance(c, 5000, 500, 10));
  EXPECT_NEAR(during, 50000, tolerance(c, 50000, 500, 100));
  EXPECT_NEAR(after, 5000, tolerance(c, 5000, 500, 10));
  // The ratio's relative error is at most the sum of the two counts' relative tolerances.
  const double relative =
      tolerance(c, 5000, 500, 10) / 5000 + tolerance(c, 50000, 500, 100) / 50000;
  EXPECT_NEAR(during / before, 10, 10 * relative);
}

// One day at a peak of 5/s with a cosine curve (peak at 14h, trough 0.2 at 2h): the count of
// every hour is 5 ∫ m + (1-m)(1 + cos(2π(t - 14h)/24h))/2 dt over the hour, in closed form.
// The profile's interpolation moves it by at most (2π/96)²/12 · 0.4 of the peak rate times
// the hour (1.4e-4 · 18,000 = 2.6 arrivals), added to the tolerance: evenly spaced arrivals
// are exact to 1 and show it.
TEST_P(ArrivalProcessTest, ADiurnalCosineGivesTheIntendedCountPerHour) {
  const ProcessCase& c = GetParam();
  TrafficSpec t = trafficOf(c, {{"day", 86400, 5, std::nullopt}});
  t.diurnal = DiurnalSpec{86400, 14 * 3600, 0.2, {}};
  const auto times = arrivalsOf(t);
  const double w = 2 * kPi / 86400, peak = 14 * 3600, m = 0.2;
  const double interpolation = (2 * kPi / 96) * (2 * kPi / 96) / 12 * (1 - m) / 2 * 5 * 3600;
  for (int hour = 0; hour < 24; ++hour) {
    const double a = hour * 3600.0, b = a + 3600;
    const double expected =
        5 * ((1 + m) / 2 * 3600 +
             (1 - m) / 2 * (std::sin(w * (b - peak)) - std::sin(w * (a - peak))) / w);
    EXPECT_NEAR(countIn(times, a, b), expected, tolerance(c, expected, 3600, 5) + interpolation)
        << "hour " << hour;
  }
}

// Gaps at a constant 1/s are the masses themselves. For the balanced-means H2 of mean 1 and
// cv 3 (p1 = (1 + sqrt(0.8))/2, mean_i = 1/(2 p_i)) the moments E[X^k] = Σ p_i k! mean_i^k are
// 1, 10, 270 and 10,200. By the delta method on cv² = E[X²]/E[X]² - 1 the sample cv² over n
// gaps has variance (4·E2²·Var X + Var X² - 4·E2·Cov(X, X²))/n = (3600 + 10100 - 10400)/n
// = 3300/n: sd 0.182 for n = 10^5, so the cv's sd is 0.182/(2·3) = 0.030 and 4 sd = 0.12.
TEST(ArrivalProcess, HyperexponentialGapsHaveTheRequestedCv) {
  TrafficSpec t;
  t.phases = {{"flat", 1e9, 1.0, std::nullopt}};
  t.process = ArrivalProcess::kHyperexponential;
  t.burstCv = 3.0;
  ArrivalTimes times(t, core::RandomStream::named(11, "arrivals"),
                     core::RandomStream::named(11, "arrivals:modulation"));
  const int n = 100000;
  double previous = 0, sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    const double at = times.next(previous);
    const double gap = at - previous;
    sum += gap;
    squares += gap * gap;
    previous = at;
  }
  const double mean = sum / n;
  const double cv = std::sqrt(squares / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 1.0, 4 * 3.0 / std::sqrt(double(n)));
  EXPECT_NEAR(cv, 3.0, 0.12);
  RecordProperty("measured_cv", std::to_string(cv));
}

// {0.5, 60 s} and {4, 5 s}: the chain spends 60/65 of the time in the first state, so the
// time-weighted mean factor is (0.5·60 + 4·5)/65 = 10/13 and the normalized factors are 0.65
// and 5.2.
TEST(ArrivalProcess, MmppFactorsAreNormalizedByTimeInState) {
  const std::vector<MmppStateSpec> states = {{0.5, 60}, {4, 5}};
  const auto fractions = mmppTimeFractions(states);
  const auto factors = normalizedMmppFactors(states);
  EXPECT_DOUBLE_EQ(fractions[0], 60.0 / 65);
  EXPECT_DOUBLE_EQ(factors[0], 0.65);
  EXPECT_DOUBLE_EQ(factors[1], 5.2);
  EXPECT_NEAR(fractions[0] * factors[0] + fractions[1] * factors[1], 1.0, 1e-15);
  // Three states with uneven sojourns: the mean over time is 1 as well.
  const std::vector<MmppStateSpec> three = {{1, 1}, {0, 3}, {7, 0.5}};
  const auto f3 = normalizedMmppFactors(three);
  const auto p3 = mmppTimeFractions(three);
  EXPECT_NEAR(p3[0] * f3[0] + p3[1] * f3[1] + p3[2] * f3[2], 1.0, 1e-15);
}

// The brief's states at 2/s for 200,000 s: 400,000 expected. V = 0.65²·60/65 + 5.2²·5/65 - 1
// = 1.47, γ = 1/60 + 1/5: Var N = 4e5 + 2·4·1.47·(2e5/γ - ...) = 1.13e7, sd 3,350 (0.8 %).
// Counts in 60 s windows have the index of dispersion
//   IDC(w) = 1 + 2 λ V [1/γ - (1 - e^{-γw})/(γ² w)] = 26.0,
// measured over 3,333 windows (the windows are 13 correlation times long, so nearly
// independent); a Poisson process of the same rate measures about 1.
TEST(ArrivalProcess, MmppKeepsTheLongRunRateAndIsOverdispersed) {
  const std::vector<MmppStateSpec> states = {{0.5, 60}, {4, 5}};
  TrafficSpec t;
  const double rate = 2, horizon = 200000, window = 60;
  t.phases = {{"flat", horizon, rate, std::nullopt}};
  t.process = ArrivalProcess::kMmpp;
  t.mmppStates = states;
  const auto times = arrivalsOf(t);
  const double total = static_cast<double>(times.size());
  EXPECT_NEAR(total, rate * horizon,
              4 * std::sqrt(mmppCountVariance(states, rate * horizon, horizon, rate)));

  auto indexOfDispersion = [&](const std::vector<double>& arrivals) {
    const int windows = static_cast<int>(horizon / window);
    std::vector<double> counts;
    for (int k = 0; k < windows; ++k)
      counts.push_back(countIn(arrivals, k * window, (k + 1) * window));
    const double mean = std::accumulate(counts.begin(), counts.end(), 0.0) / windows;
    double variance = 0;
    for (const double x : counts)
      variance += (x - mean) * (x - mean);
    return variance / (windows - 1) / mean;
  };
  const double v = 0.65 * 0.65 * 60 / 65 + 5.2 * 5.2 * 5 / 65 - 1;
  const double gamma = 1.0 / 60 + 1.0 / 5;
  const double idcTheory =
      1 + 2 * rate * v * (1 / gamma - (1 - std::exp(-gamma * window)) / (gamma * gamma * window));
  EXPECT_NEAR(idcTheory, 26.0, 0.1);
  const double idc = indexOfDispersion(times);
  EXPECT_GT(idc, 1.0);
  EXPECT_NEAR(idc, idcTheory, 0.15 * idcTheory);
  RecordProperty("measured_idc", std::to_string(idc));

  t.process = ArrivalProcess::kPoisson;
  EXPECT_NEAR(indexOfDispersion(arrivalsOf(t)), 1.0, 4 * std::sqrt(2.0 / (horizon / window)));
}

// A state of factor 0 is an off period: no arrival happens in it, and the others make up for
// it (factors 0 and 2 after normalization with equal sojourns).
TEST(ArrivalProcess, MmppOffStatesHaveNoArrivals) {
  TrafficSpec t;
  t.phases = {{"flat", 20000, 5, std::nullopt}};
  t.process = ArrivalProcess::kMmpp;
  t.mmppStates = {{0, 1}, {3, 1}};
  ArrivalTimes times(t, core::RandomStream::named(3, "arrivals"),
                     core::RandomStream::named(3, "arrivals:modulation"));
  int count = 0, inOffState = 0;
  for (double at = times.next(0); std::isfinite(at); at = times.next(at)) {
    ++count;
    if (times.mmppState() == 0) ++inOffState;
  }
  EXPECT_EQ(inOffState, 0);
  EXPECT_NEAR(count, 100000, 4 * std::sqrt(mmppCountVariance(t.mmppStates, 1e5, 20000, 5)));
}

// The state chain draws from its own stream: with equal factors the MMPP is the Poisson process
// itself, arrival for arrival (the mass carried across a state change only splits the same
// integral in two).
TEST(ArrivalProcess, MmppStateChainDoesNotShiftTheArrivalDraws) {
  TrafficSpec t;
  t.phases = {{"flat", 500, 10, std::nullopt}, {"ramp", 500, 10, 40}};
  t.spikes = {{300, 100, 5}};
  const auto poisson = arrivalsOf(t);
  t.process = ArrivalProcess::kMmpp;
  t.mmppStates = {{2, 0.7}, {2, 0.3}, {2, 1.1}};
  const auto mmpp = arrivalsOf(t);
  ASSERT_EQ(poisson.size(), mmpp.size());
  for (std::size_t i = 0; i < poisson.size(); ++i)
    ASSERT_NEAR(mmpp[i], poisson[i], 1e-9 * (1 + poisson[i])) << i;
}

}  // namespace
}  // namespace lbsim::models::traffic
