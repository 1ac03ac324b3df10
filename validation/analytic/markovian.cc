#include "validation/analytic/markovian.h"

#include <stdexcept>

namespace lbsim::validation {

double erlangB(int servers, double offeredLoad) {
  if (servers < 0 || offeredLoad < 0.0) throw std::invalid_argument("erlangB: negative input");
  double b = 1.0;
  for (int k = 1; k <= servers; ++k)
    b = offeredLoad * b / (k + offeredLoad * b);
  return b;
}

double erlangC(int servers, double offeredLoad) {
  const double rho = offeredLoad / servers;
  if (servers < 1 || !(rho < 1.0)) throw std::invalid_argument("erlangC: needs rho < 1");
  const double b = erlangB(servers, offeredLoad);
  return b / (1.0 - rho * (1.0 - b));
}

QueueMetrics mm1(double arrivalRate, double serviceRate) {
  return mmc(1, arrivalRate, serviceRate);
}

QueueMetrics mmc(int servers, double arrivalRate, double serviceRate) {
  if (!(arrivalRate > 0.0) || !(serviceRate > 0.0)) {
    throw std::invalid_argument("mmc: rates must be positive");
  }
  const double a = arrivalRate / serviceRate;
  QueueMetrics m;
  m.utilization = a / servers;
  m.probabilityOfWait = erlangC(servers, a);
  m.meanWait = m.probabilityOfWait / (servers * serviceRate - arrivalRate);
  m.meanResponse = m.meanWait + 1.0 / serviceRate;
  m.meanQueueLength = arrivalRate * m.meanWait;
  m.meanInSystem = arrivalRate * m.meanResponse;
  return m;
}

}  // namespace lbsim::validation
