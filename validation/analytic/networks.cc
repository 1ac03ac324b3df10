#include "validation/analytic/networks.h"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lbsim::validation {
namespace {

bool finiteNonNegative(double x) {
  return std::isfinite(x) && x >= 0.0;
}

}  // namespace

Eigen::VectorXd solveTrafficEquations(const Eigen::VectorXd& externalArrivalRates,
                                      const Eigen::MatrixXd& routing) {
  const Eigen::Index n = externalArrivalRates.size();
  if (n == 0) throw std::invalid_argument("traffic equations: no stations");
  if (routing.rows() != n || routing.cols() != n) {
    throw std::invalid_argument("traffic equations: the routing matrix must be " +
                                std::to_string(n) + " x " + std::to_string(n));
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!finiteNonNegative(externalArrivalRates(i))) {
      throw std::invalid_argument("traffic equations: external rate of station " +
                                  std::to_string(i) + " must be finite and >= 0");
    }
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!finiteNonNegative(routing(i, j))) {
        throw std::invalid_argument("traffic equations: routing(" + std::to_string(i) + ", " +
                                    std::to_string(j) + ") must be a probability");
      }
    }
    if (routing.row(i).sum() > 1.0 + 1e-12) {
      throw std::invalid_argument("traffic equations: row " + std::to_string(i) +
                                  " of the routing matrix sums to more than 1");
    }
  }
  // Every customer leaves eventually iff P^k -> 0 iff the spectral radius of P is below 1.
  const double spectralRadius =
      Eigen::EigenSolver<Eigen::MatrixXd>(routing, false).eigenvalues().cwiseAbs().maxCoeff();
  if (!(spectralRadius < 1.0 - 1e-12)) {
    throw std::invalid_argument(
        "traffic equations: the routing matrix has spectral radius " +
        std::to_string(spectralRadius) +
        " (customers never leave some set of stations); I - P^T is singular");
  }
  const Eigen::MatrixXd system = Eigen::MatrixXd::Identity(n, n) - routing.transpose();
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(system);
  if (!lu.isInvertible()) throw std::invalid_argument("traffic equations: I - P^T is singular");
  Eigen::VectorXd rates = lu.solve(externalArrivalRates);
  // The exact solution is sum_k (P^T)^k gamma >= 0: a negative entry is rounding of a zero.
  rates = rates.cwiseMax(0.0);
  return rates;
}

JacksonResult jacksonNetwork(const JacksonNetwork& network) {
  const Eigen::Index n = network.externalArrivalRates.size();
  if (network.serviceRates.size() != n || static_cast<Eigen::Index>(network.servers.size()) != n) {
    throw std::invalid_argument("jacksonNetwork: " + std::to_string(n) +
                                " stations need as many service rates and server counts");
  }
  const double entering = network.externalArrivalRates.sum();
  if (!(entering > 0.0)) throw std::invalid_argument("jacksonNetwork: no external arrivals");
  const Eigen::VectorXd lambda =
      solveTrafficEquations(network.externalArrivalRates, network.routing);

  JacksonResult result;
  result.throughput = entering;
  result.stations.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double mu = network.serviceRates(i);
    const int c = network.servers[static_cast<std::size_t>(i)];
    const std::string station = "jacksonNetwork: station " + std::to_string(i);
    if (!(mu > 0.0) || !std::isfinite(mu)) {
      throw std::invalid_argument(station + " needs a positive service rate");
    }
    if (c < 1) throw std::invalid_argument(station + " needs at least one server");
    // lambda_i carries the rounding of the solve: within 1e-12 of c mu counts as saturated.
    if (!(lambda(i) < c * mu * (1.0 - 1e-12))) {
      throw std::invalid_argument(station + " is unstable: arrival rate " +
                                  std::to_string(lambda(i)) +
                                  " >= c mu = " + std::to_string(c * mu));
    }
    JacksonStation& s = result.stations[static_cast<std::size_t>(i)];
    s.arrivalRate = lambda(i);
    s.visitRatio = lambda(i) / entering;
    if (lambda(i) > 0.0) {
      s.metrics = mmc(c, lambda(i), mu);
    } else {
      s.metrics.meanResponse = 1.0 / mu;
    }
    result.meanInSystem += s.metrics.meanInSystem;
  }
  result.meanSojourn = result.meanInSystem / entering;
  return result;
}

ClosedNetworkResult meanValueAnalysisSeidmann(const std::vector<ClosedStation>& stations,
                                              double thinkTime, int customers) {
  if (customers < 1) throw std::invalid_argument("mva: needs at least one customer");
  if (!finiteNonNegative(thinkTime)) {
    throw std::invalid_argument("mva: think time must be finite and >= 0");
  }
  for (std::size_t i = 0; i < stations.size(); ++i) {
    if (!finiteNonNegative(stations[i].demand) || stations[i].servers < 1) {
      throw std::invalid_argument("mva: station " + std::to_string(i) +
                                  " needs a finite demand >= 0 and at least one server");
    }
  }
  const std::size_t k = stations.size();
  ClosedNetworkResult r;
  r.customers = customers;
  r.residenceTimes.assign(k, 0.0);
  std::vector<double> queued(k, 0.0);  // Qq_i(n - 1), the single-server part; 0 at n = 1
  std::vector<double> queueingPart(k, 0.0);
  for (int n = 1; n <= customers; ++n) {
    double total = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double c = stations[i].servers;
      const double d = stations[i].demand;
      queueingPart[i] = d / c * (1.0 + queued[i]);
      r.residenceTimes[i] = queueingPart[i] + d * (c - 1.0) / c;
      total += r.residenceTimes[i];
    }
    if (!(thinkTime + total > 0.0)) {
      throw std::invalid_argument("mva: zero think time and zero demands: no cycle time");
    }
    r.responseTime = total;
    r.throughput = n / (thinkTime + total);
    for (std::size_t i = 0; i < k; ++i)
      queued[i] = r.throughput * queueingPart[i];
  }
  r.queueLengths.resize(k);
  for (std::size_t i = 0; i < k; ++i)
    r.queueLengths[i] = r.throughput * r.residenceTimes[i];
  r.utilizations.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    r.utilizations[i] = r.throughput * stations[i].demand / stations[i].servers;
  }
  return r;
}

ClosedNetworkResult meanValueAnalysis(const std::vector<double>& demands, double thinkTime,
                                      int customers) {
  std::vector<ClosedStation> stations;
  stations.reserve(demands.size());
  for (double d : demands)
    stations.push_back({d, 1});
  return meanValueAnalysisSeidmann(stations, thinkTime, customers);
}

}  // namespace lbsim::validation
