#include "validation/analytic/networks.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "validation/analytic/markovian.h"

namespace lbsim::validation {
namespace {

// Hillier & Lieberman, "Introduction to Operations Research", the Jackson network example of
// the queueing-networks section (also worked in health-data-science-OR/stochastic_systems,
// jackson_networks.ipynb): three facilities with s = (1, 2, 1) servers of rate mu = 10,
// external arrivals a = (1, 4, 3), and
//   lambda_1 = 1 + 0.1 lambda_2 + 0.4 lambda_3
//   lambda_2 = 4 + 0.6 lambda_1 + 0.4 lambda_3
//   lambda_3 = 3 + 0.3 lambda_1 + 0.3 lambda_2,
// i.e. P(1,2) = 0.6, P(1,3) = 0.3, P(2,1) = 0.1, P(2,3) = 0.3, P(3,1) = 0.4, P(3,2) = 0.4.
// Published: lambda = (5, 10, 7.5), rho = (0.5, 0.5, 0.75), L = (1, 4/3, 3), L = 5 1/3 in
// all, W = L / (1 + 4 + 3) = 2/3. Exact, so compared to 1e-12.
JacksonNetwork hillierLieberman() {
  JacksonNetwork net;
  net.externalArrivalRates = Eigen::Vector3d(1.0, 4.0, 3.0);
  net.routing.resize(3, 3);
  net.routing << 0.0, 0.6, 0.3,  //
      0.1, 0.0, 0.3,             //
      0.4, 0.4, 0.0;
  net.serviceRates = Eigen::Vector3d(10.0, 10.0, 10.0);
  net.servers = {1, 2, 1};
  return net;
}

TEST(JacksonNetwork, HillierLiebermanExample) {
  const auto r = jacksonNetwork(hillierLieberman());
  ASSERT_EQ(r.stations.size(), 3u);
  const double lambda[] = {5.0, 10.0, 7.5};
  const double rho[] = {0.5, 0.5, 0.75};
  const double l[] = {1.0, 4.0 / 3.0, 3.0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.stations[i].arrivalRate, lambda[i], 1e-12) << i;
    EXPECT_NEAR(r.stations[i].metrics.utilization, rho[i], 1e-12) << i;
    EXPECT_NEAR(r.stations[i].metrics.meanInSystem, l[i], 1e-12) << i;
    EXPECT_NEAR(r.stations[i].visitRatio, lambda[i] / 8.0, 1e-12) << i;
  }
  EXPECT_NEAR(r.throughput, 8.0, 1e-15);
  EXPECT_NEAR(r.meanInSystem, 16.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.meanSojourn, 2.0 / 3.0, 1e-12);
  // The same W through the visit ratios: W = sum v_i W_i.
  double byVisits = 0.0;
  for (const auto& s : r.stations)
    byVisits += s.visitRatio * s.metrics.meanResponse;
  EXPECT_NEAR(byVisits, 2.0 / 3.0, 1e-12);
}

// A tandem of two M/M/1 (Burke): no routing back, each station sees lambda. lambda = 1,
// mu = (2, 4): W = 1/(2-1) + 1/(4-1) = 4/3. With feedback probability q at one station of
// rate mu: lambda_eff = lambda / (1 - q), visit ratio 1 / (1 - q).
TEST(JacksonNetwork, TandemAndFeedback) {
  JacksonNetwork tandem;
  tandem.externalArrivalRates = Eigen::Vector2d(1.0, 0.0);
  tandem.routing = Eigen::Matrix2d{{0.0, 1.0}, {0.0, 0.0}};
  tandem.serviceRates = Eigen::Vector2d(2.0, 4.0);
  tandem.servers = {1, 1};
  EXPECT_NEAR(jacksonNetwork(tandem).meanSojourn, 4.0 / 3.0, 1e-13);

  JacksonNetwork loop;
  loop.externalArrivalRates = Eigen::VectorXd::Constant(1, 1.0);
  loop.routing = Eigen::MatrixXd::Constant(1, 1, 0.75);
  loop.serviceRates = Eigen::VectorXd::Constant(1, 5.0);
  loop.servers = {1};
  const auto r = jacksonNetwork(loop);
  EXPECT_NEAR(r.stations[0].arrivalRate, 4.0, 1e-13);
  EXPECT_NEAR(r.stations[0].visitRatio, 4.0, 1e-13);
  EXPECT_NEAR(r.meanSojourn, 4.0 * (1.0 / (5.0 - 4.0)), 1e-12);  // 4 visits of W = 1 each
}

TEST(JacksonNetwork, RejectsClosedLoopsAndOverload) {
  // Station 1 and 2 pass every customer to each other: nobody leaves (spectral radius 1).
  JacksonNetwork trap = hillierLieberman();
  trap.routing << 0.0, 1.0, 0.0,  //
      1.0, 0.0, 0.0,              //
      0.4, 0.4, 0.0;
  EXPECT_THROW(jacksonNetwork(trap), std::invalid_argument);
  EXPECT_THROW(solveTrafficEquations(trap.externalArrivalRates, trap.routing),
               std::invalid_argument);
  JacksonNetwork overloaded = hillierLieberman();
  overloaded.serviceRates(2) = 7.5;  // lambda_3 = 7.5 = mu_3, up to the rounding of the solve
  EXPECT_THROW(jacksonNetwork(overloaded), std::invalid_argument);
  overloaded.serviceRates(2) = 7.0;
  EXPECT_THROW(jacksonNetwork(overloaded), std::invalid_argument);
  JacksonNetwork badRow = hillierLieberman();
  badRow.routing(0, 0) = 0.2;  // row sums to 1.1
  EXPECT_THROW(jacksonNetwork(badRow), std::invalid_argument);
  JacksonNetwork badShape = hillierLieberman();
  badShape.servers = {1, 2};
  EXPECT_THROW(jacksonNetwork(badShape), std::invalid_argument);
}

// Jain, "The Art of Computer Systems Performance Analysis" (1991), Example 34.2 and its
// Table 34.1 (MVA results): a timesharing system, think time Z = 4 s, CPU S = 0.125 s x 16
// visits, disk A S = 0.3 s x 10 visits, disk B S = 0.2 s x 5 visits (demands 2, 3, 1 s).
// The table gives, per N, the response time per visit of each device, the system response
// time, the throughput and the queue lengths, to 3 decimals; below are its rows N = 1, 2, 3
// and 20. The exact values come from the same recursion in rational arithmetic (Python
// fractions), e.g. N = 20: R = 56.0156318718..., X = 0.3332465122..., Q_A = 16.1766511217...
TEST(MeanValueAnalysis, JainExample34_2) {
  const std::vector<double> demands = {0.125 * 16, 0.3 * 10, 0.2 * 5};
  const double visits[] = {16, 10, 5};
  struct Row {
    int n;
    double perVisit[3];
    double response;
    double throughput;
    double queue[3];
  };
  const Row table[] = {
      {1, {0.125, 0.300, 0.200}, 6.000, 0.100, {0.200, 0.300, 0.100}},
      {2, {0.150, 0.390, 0.220}, 7.400, 0.175, {0.421, 0.684, 0.193}},
      {3, {0.178, 0.505, 0.239}, 9.088, 0.229, {0.651, 1.158, 0.273}},
      {20, {0.373, 4.854, 0.300}, 56.016, 0.333, {1.991, 16.177, 0.500}},
  };
  for (const Row& row : table) {
    const auto r = meanValueAnalysis(demands, 4.0, row.n);
    EXPECT_NEAR(r.responseTime, row.response, 5e-4) << row.n;
    EXPECT_NEAR(r.throughput, row.throughput, 5e-4) << row.n;
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(r.residenceTimes[i] / visits[i], row.perVisit[i], 5e-4) << row.n << " " << i;
      EXPECT_NEAR(r.queueLengths[i], row.queue[i], 5e-4) << row.n << " " << i;
    }
  }
  // Exact rationals: N = 2: R = 7.4, X = 2/11.4 = 10/57; N = 20 to 12 digits.
  const auto two = meanValueAnalysis(demands, 4.0, 2);
  EXPECT_NEAR(two.responseTime, 7.4, 1e-13);
  EXPECT_NEAR(two.throughput, 10.0 / 57.0, 1e-15);
  const auto twenty = meanValueAnalysis(demands, 4.0, 20);
  EXPECT_NEAR(twenty.responseTime, 56.0156318718, 1e-9);
  EXPECT_NEAR(twenty.throughput, 0.3332465122, 1e-10);
  EXPECT_NEAR(twenty.queueLengths[0], 1.9906232849, 1e-10);
  EXPECT_NEAR(twenty.queueLengths[1], 16.1766511217, 1e-9);
  EXPECT_NEAR(twenty.queueLengths[2], 0.4997395445, 1e-10);
  EXPECT_NEAR(twenty.utilizations[1], 3.0 * 0.3332465122, 1e-9);  // U = X D
}

// Menasce, Almeida, Dowdy, "Performance by Design" (2004), sec. 12.2: the database server of
// ch. 11 with N = 2 customers, no think time, CPU, fast disk and slow disk. The published
// Markov solution has state probabilities P(2,0,0) = 16/115, P(1,1,0) = 12/115,
// P(1,0,1) = 24/115 (so demands in the ratio 4 : 3 : 6; here 10, 7.5, 15 s) and mean queue
// lengths 0.5913, 0.4174, 0.9913 = 68/115, 48/115, 114/115; MVA must reproduce them exactly.
// CPU utilization = 52/115 (the states with a customer at the CPU).
TEST(MeanValueAnalysis, MenasceDatabaseServer) {
  const auto r = meanValueAnalysis({10.0, 7.5, 15.0}, 0.0, 2);
  EXPECT_NEAR(r.queueLengths[0], 68.0 / 115.0, 1e-14);
  EXPECT_NEAR(r.queueLengths[1], 48.0 / 115.0, 1e-14);
  EXPECT_NEAR(r.queueLengths[2], 114.0 / 115.0, 1e-14);
  EXPECT_NEAR(r.queueLengths[0], 0.5913, 5e-5);  // as printed
  EXPECT_NEAR(r.utilizations[0], 52.0 / 115.0, 1e-14);
  EXPECT_NEAR(r.throughput * r.responseTime, 2.0, 1e-14);  // Little, Z = 0
}

// Seidmann's multi-server approximation: c = 1 is exact MVA; at N = 1 a station's residence
// time is its demand; as N grows, X tends to the bottleneck's c / D. A single c-server
// station with no think time: N <= c customers never queue in reality, and Seidmann gives
// R = D/c (1 + Q) + D (c - 1)/c, which at N = 1 is D.
TEST(MeanValueAnalysis, SeidmannMultiServer) {
  const std::vector<ClosedStation> single = {{2.0, 1}, {3.0, 1}, {1.0, 1}};
  const auto exact = meanValueAnalysis({2.0, 3.0, 1.0}, 4.0, 7);
  const auto seidmann = meanValueAnalysisSeidmann(single, 4.0, 7);
  EXPECT_DOUBLE_EQ(seidmann.throughput, exact.throughput);

  const std::vector<ClosedStation> multi = {{2.0, 1}, {3.0, 4}, {1.0, 1}};
  const auto one = meanValueAnalysisSeidmann(multi, 4.0, 1);
  EXPECT_NEAR(one.residenceTimes[1], 3.0, 1e-15);
  EXPECT_NEAR(one.throughput, 1.0 / (4.0 + 6.0), 1e-15);
  // The transformation itself: the delay parts add to the think time, so Seidmann's network
  // is exact MVA over demands (2, 3/4, 1) with Z = 4 + 3 * 3/4, its R larger by 9/4.
  for (int n : {2, 5, 30}) {
    const auto approx = meanValueAnalysisSeidmann(multi, 4.0, n);
    const auto transformed = meanValueAnalysis({2.0, 0.75, 1.0}, 4.0 + 2.25, n);
    EXPECT_NEAR(approx.throughput, transformed.throughput, 1e-14) << n;
    EXPECT_NEAR(approx.responseTime, transformed.responseTime + 2.25, 1e-12) << n;
    EXPECT_NEAR(approx.queueLengths[1], transformed.queueLengths[1] + transformed.throughput * 2.25,
                1e-12)
        << n;
  }
  // Bottleneck: the CPU, 1/D = 0.5 per second (disk A can do 4/3).
  const auto many = meanValueAnalysisSeidmann(multi, 4.0, 400);
  EXPECT_NEAR(many.throughput, 0.5, 1e-9);
  EXPECT_NEAR(many.utilizations[1], 0.5 * 3.0 / 4.0, 1e-9);
}

TEST(MeanValueAnalysis, RejectsBadInput) {
  EXPECT_THROW(meanValueAnalysis({1.0}, 1.0, 0), std::invalid_argument);
  EXPECT_THROW(meanValueAnalysis({-1.0}, 1.0, 3), std::invalid_argument);
  EXPECT_THROW(meanValueAnalysis({1.0}, -1.0, 3), std::invalid_argument);
  EXPECT_THROW(meanValueAnalysis({}, 0.0, 3), std::invalid_argument);
  EXPECT_THROW(meanValueAnalysisSeidmann({{1.0, 0}}, 1.0, 3), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::validation
