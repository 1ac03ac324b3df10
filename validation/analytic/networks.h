#pragma once

#include <Eigen/Dense>
#include <vector>

#include "validation/analytic/markovian.h"

namespace lbsim::validation {

// An open Jackson network: stations i = 0..n-1, each c_i exponential FIFO servers of rate mu_i,
// Poisson external arrivals at gamma_i, and Markov routing: a customer leaving i goes to j
// with probability routing(i, j) and leaves the network with 1 - sum_j routing(i, j).
struct JacksonNetwork {
  Eigen::VectorXd externalArrivalRates;  // gamma_i >= 0, not all zero
  Eigen::MatrixXd routing;               // P(i, j) >= 0, rows summing to <= 1
  Eigen::VectorXd serviceRates;          // mu_i > 0
  std::vector<int> servers;              // c_i >= 1
};

struct JacksonStation {
  double arrivalRate = 0.0;  // lambda_i, external plus routed
  double visitRatio = 0.0;   // v_i = lambda_i / sum gamma: visits per customer
  QueueMetrics metrics;      // the station as an isolated M/M/c_i at lambda_i (markovian.h)
};

struct JacksonResult {
  std::vector<JacksonStation> stations;
  double throughput = 0.0;    // sum gamma: what enters leaves
  double meanInSystem = 0.0;  // L = sum L_i
  double meanSojourn = 0.0;   // W = L / sum gamma (Little) = sum v_i W_i
};

// The traffic equations lambda = gamma + P^T lambda, solved as (I - P^T) lambda = gamma by a
// fully pivoted LU (Eigen). Every customer must eventually leave: the spectral radius of P must
// be below 1 (for a substochastic P, equivalent to I - P^T being invertible), else
// std::invalid_argument, as for negative or malformed input.
Eigen::VectorXd solveTrafficEquations(const Eigen::VectorXd& externalArrivalRates,
                                      const Eigen::MatrixXd& routing);

// Jackson's theorem (J. R. Jackson, "Networks of waiting lines", Oper. Res. 5 (1957) 518-521;
// "Jobshop-like queueing systems", Manage. Sci. 10 (1963) 131-142, for c_i servers): the joint
// stationary distribution is the product of the stations' M/M/c_i marginals at the rates
// lambda_i of the traffic equations, so each station is solved alone (utilization
// lambda_i / (c_i mu_i), L_i, W_i by Erlang C) and the network's mean sojourn time is
// W = sum L_i / sum gamma_i by Little's law; visit ratios v_i = lambda_i / sum gamma_i.
// A station with lambda_i >= c_i mu_i (1 - 1e-12) is unstable: std::invalid_argument naming it. A
// station no customer reaches (lambda_i = 0) reports zeros and W_i = 1/mu_i.
JacksonResult jacksonNetwork(const JacksonNetwork& network);

// A queueing station of a closed network: its service demand D_i = V_i S_i (visits per
// interaction times service time per visit) and its number of identical servers.
struct ClosedStation {
  double demand = 0.0;
  int servers = 1;
};

struct ClosedNetworkResult {
  int customers = 0;                   // N
  double throughput = 0.0;             // X(N), interactions per unit time
  double responseTime = 0.0;           // R(N) = sum R_i(N), think time excluded
  std::vector<double> residenceTimes;  // R_i(N): time per interaction at station i
  std::vector<double> queueLengths;    // Q_i(N) = X(N) R_i(N), in service included
  std::vector<double> utilizations;    // U_i = X(N) D_i / c_i, per server
};

// Exact Mean Value Analysis of a closed, single-class, separable network (M. Reiser,
// S. S. Lavenberg, "Mean-value analysis of closed multichain queuing networks", JACM 27 (1980)
// 313-322; Lazowska, Zahorjan, Graham, Sevcik, "Quantitative System Performance", 1984, ch. 6):
// N customers cycle between a delay of think time Z (infinite server) and load-independent
// single-server stations of demands D_i. From Q_i(0) = 0, for n = 1..N:
//   R_i(n) = D_i (1 + Q_i(n - 1))   (arrival theorem: an arrival sees the network with n - 1),
//   X(n) = n / (Z + sum_i R_i(n)),   Q_i(n) = X(n) R_i(n).
// O(N x stations). Single-server stations; see meanValueAnalysisSeidmann for c_i > 1.
ClosedNetworkResult meanValueAnalysis(const std::vector<double>& demands, double thinkTime,
                                      int customers);

// The same recursion with multi-server stations by Seidmann's approximation (A. Seidmann,
// P. J. Schweitzer, S. Shalev-Oren, "Computerized closed queueing network models of flexible
// manufacturing systems", Large Scale Systems 12 (1987) 91-107): a station of c servers and
// demand D becomes a single server of demand D/c in tandem with a delay of D (c - 1)/c, so
//   R_i(n) = (D_i / c_i) (1 + Qq_i(n - 1)) + D_i (c_i - 1) / c_i,
//   Qq_i(n) = X(n) (D_i / c_i) (1 + Qq_i(n - 1)),
// Qq_i being the queue of the single-server part; the reported Q_i = X R_i counts both parts.
// APPROXIMATE for c_i > 1 (exact at N = 1, and X -> min_i c_i / D_i as N -> infinity);
// exact MVA when every c_i = 1.
ClosedNetworkResult meanValueAnalysisSeidmann(const std::vector<ClosedStation>& stations,
                                              double thinkTime, int customers);

}  // namespace lbsim::validation
