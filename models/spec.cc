#include "models/spec.h"

namespace lbsim::models {

double defaultTimeseriesInterval(double duration) {
  constexpr double kSteps[] = {0.1, 0.2, 0.5, 1,   2,   5,   10,   15,
                               30,  60,  120, 300, 600, 900, 1800, 3600};
  const double wanted = duration / 500.0;
  for (const double step : kSteps) {
    if (step >= wanted) return step;
  }
  return 3600.0 * static_cast<double>(static_cast<long long>(wanted / 3600.0) + 1);
}

}  // namespace lbsim::models
