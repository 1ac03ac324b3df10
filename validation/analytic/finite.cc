#include "validation/analytic/finite.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "validation/analytic/compensated_sum.h"

namespace lbsim::validation {
namespace {

void checkInput(int servers, int capacity, double arrivalRate, double serviceRate) {
  if (servers < 1) throw std::invalid_argument("mmck: needs at least one server");
  if (capacity < servers) throw std::invalid_argument("mmck: needs capacity K >= servers c");
  if (!(arrivalRate > 0.0) || !(serviceRate > 0.0) || !std::isfinite(arrivalRate) ||
      !std::isfinite(serviceRate)) {
    throw std::invalid_argument("mmck: rates must be positive and finite");
  }
}

}  // namespace

std::vector<double> mmckStateProbabilities(int servers, int capacity, double arrivalRate,
                                           double serviceRate) {
  checkInput(servers, capacity, arrivalRate, serviceRate);
  const double logA = std::log(arrivalRate / serviceRate);
  const double logRho = std::log(arrivalRate / (serviceRate * servers));
  std::vector<double> p(static_cast<std::size_t>(capacity) + 1);
  CompensatedSum logFactorial;  // log n!, not lgamma, which writes the global signgam
  for (int n = 0; n <= servers; ++n) {
    if (n > 0) logFactorial.add(std::log(static_cast<double>(n)));
    p[n] = n * logA - logFactorial.value();
  }
  const double logPc = p[servers];
  for (int n = servers + 1; n <= capacity; ++n)
    p[n] = logPc + (n - servers) * logRho;

  const double logMax = *std::max_element(p.begin(), p.end());
  CompensatedSum total;
  for (double& x : p) {
    x = std::exp(x - logMax);
    total.add(x);
  }
  const double norm = total.value();
  for (double& x : p)
    x /= norm;
  return p;
}

FiniteQueueMetrics mmck(int servers, int capacity, double arrivalRate, double serviceRate) {
  const std::vector<double> p = mmckStateProbabilities(servers, capacity, arrivalRate, serviceRate);
  // 1 - P_K is summed, not subtracted, so that a heavily overloaded queue (P_K near 1) keeps
  // the digits of its throughput.
  CompensatedSum admitted, inSystem, inQueue, waits;
  for (int n = 0; n <= capacity; ++n) {
    if (n < capacity) admitted.add(p[n]);
    inSystem.add(n * p[n]);
    if (n > servers) inQueue.add((n - servers) * p[n]);
    if (n >= servers && n < capacity) waits.add(p[n]);
  }
  FiniteQueueMetrics m;
  m.blockingProbability = p[capacity];
  m.throughput = arrivalRate * admitted.value();
  m.utilization = m.throughput / (servers * serviceRate);
  m.meanInSystem = inSystem.value();
  m.meanQueueLength = inQueue.value();
  m.meanResponse = m.meanInSystem / m.throughput;
  m.meanWait = m.meanQueueLength / m.throughput;
  m.probabilityOfWait = waits.value() / admitted.value();
  return m;
}

}  // namespace lbsim::validation
