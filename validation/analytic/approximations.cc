#include "validation/analytic/approximations.h"

#include <cmath>
#include <stdexcept>

namespace lbsim::validation {

QueueMetrics gg1Kingman(double arrivalRate, double serviceRate, double arrivalScv,
                        double serviceScv) {
  return ggcAllenCunneen(1, arrivalRate, serviceRate, arrivalScv, serviceScv);
}

QueueMetrics ggcAllenCunneen(int servers, double arrivalRate, double serviceRate, double arrivalScv,
                             double serviceScv) {
  if (!(arrivalScv >= 0.0) || !(serviceScv >= 0.0) || !std::isfinite(arrivalScv) ||
      !std::isfinite(serviceScv)) {
    throw std::invalid_argument("ggcAllenCunneen: the SCVs must be finite and >= 0");
  }
  QueueMetrics m = mmc(servers, arrivalRate, serviceRate);  // checks rates and rho < 1
  m.meanWait *= (arrivalScv + serviceScv) / 2.0;
  m.meanResponse = m.meanWait + 1.0 / serviceRate;
  m.meanQueueLength = arrivalRate * m.meanWait;
  m.meanInSystem = arrivalRate * m.meanResponse;
  return m;
}

double kingmanWait(double arrivalRate, double serviceRate, double arrivalScv, double serviceScv) {
  return gg1Kingman(arrivalRate, serviceRate, arrivalScv, serviceScv).meanWait;
}

double allenCunneenWait(int servers, double arrivalRate, double serviceRate, double arrivalScv,
                        double serviceScv) {
  return ggcAllenCunneen(servers, arrivalRate, serviceRate, arrivalScv, serviceScv).meanWait;
}

}  // namespace lbsim::validation
