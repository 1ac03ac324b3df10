#include "validation/analytic/mg1.h"

#include <cmath>
#include <stdexcept>

namespace lbsim::validation {

QueueMetrics mg1(double arrivalRate, double serviceRate, double serviceScv) {
  if (!(arrivalRate > 0.0) || !(serviceRate > 0.0)) {
    throw std::invalid_argument("mg1: rates must be positive");
  }
  if (!(serviceScv >= 0.0) || !std::isfinite(serviceScv)) {
    throw std::invalid_argument("mg1: the service SCV must be finite and >= 0");
  }
  const double rho = arrivalRate / serviceRate;
  if (!(rho < 1.0)) throw std::invalid_argument("mg1: needs rho = lambda/mu < 1");
  QueueMetrics m;
  m.utilization = rho;
  m.probabilityOfWait = rho;
  m.meanWait = rho * (1.0 + serviceScv) / (2.0 * serviceRate * (1.0 - rho));
  m.meanResponse = m.meanWait + 1.0 / serviceRate;
  m.meanQueueLength = arrivalRate * m.meanWait;
  m.meanInSystem = arrivalRate * m.meanResponse;
  return m;
}

QueueMetrics md1(double arrivalRate, double serviceRate) {
  return mg1(arrivalRate, serviceRate, 0.0);
}

QueueMetrics mek1(int phases, double arrivalRate, double serviceRate) {
  if (phases < 1) throw std::invalid_argument("mek1: needs k >= 1 phases");
  return mg1(arrivalRate, serviceRate, 1.0 / phases);
}

}  // namespace lbsim::validation
