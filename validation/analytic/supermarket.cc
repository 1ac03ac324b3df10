#include "validation/analytic/supermarket.h"

#include <cmath>
#include <stdexcept>

namespace lbsim::validation {

double supermarketMeanTime(int choices, double lambda) {
  if (!(lambda > 0.0 && lambda < 1.0)) throw std::invalid_argument("needs 0 < lambda < 1");
  if (choices < 1) throw std::invalid_argument("needs d >= 1");
  if (choices == 1) return 1.0 / (1.0 - lambda);
  const double d = choices;
  double sum = 0.0;
  double power = d;  // d^i, from i = 1
  for (int i = 1; i < 64; ++i, power *= d) {
    const double term = std::pow(lambda, (power - d) / (d - 1.0));
    sum += term;
    if (term < 1e-16 * sum) break;
  }
  return sum;
}

}  // namespace lbsim::validation
