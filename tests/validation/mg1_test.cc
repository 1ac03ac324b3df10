#include "validation/analytic/mg1.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "validation/analytic/markovian.h"

namespace lbsim::validation {
namespace {

// Pollaczek-Khinchine, Wq = rho (1 + Cs^2) / (2 mu (1 - rho)):
// exponential service (Cs^2 = 1) is M/M/1, Wq = rho / (mu - lambda).
TEST(PollaczekKhinchine, ExponentialServiceIsMM1) {
  for (double rho : {0.1, 0.5, 0.9, 0.99}) {
    const auto g = mg1(rho * 2.0, 2.0, 1.0);
    const auto m = mm1(rho * 2.0, 2.0);
    EXPECT_NEAR(g.meanWait, m.meanWait, 1e-12 * m.meanWait) << rho;
    EXPECT_NEAR(g.meanResponse, m.meanResponse, 1e-12 * m.meanResponse) << rho;
    EXPECT_NEAR(g.meanInSystem, m.meanInSystem, 1e-12 * m.meanInSystem) << rho;
  }
}

// M/D/1 at rho = 0.5, mu = 1: Wq = 0.5 / (2 * 0.5) = 0.5, half of M/M/1's rho/(mu - lambda) = 1
// (the classic "deterministic service halves the wait", e.g. Kleinrock vol. 1, sec. 5.5).
// W = 1.5, Lq = 0.25, L = 0.75.
TEST(PollaczekKhinchine, DeterministicServiceHalvesTheWait) {
  const auto d = md1(0.5, 1.0);
  EXPECT_NEAR(d.meanWait, 0.5, 1e-15);
  EXPECT_NEAR(d.meanWait, 0.5 * mm1(0.5, 1.0).meanWait, 1e-15);
  EXPECT_NEAR(d.meanResponse, 1.5, 1e-15);
  EXPECT_NEAR(d.meanQueueLength, 0.25, 1e-15);
  EXPECT_NEAR(d.meanInSystem, 0.75, 1e-15);
  EXPECT_NEAR(d.probabilityOfWait, 0.5, 1e-15);
  // rho = 0.9, mu = 10: Wq = 0.9 / (2 * 10 * 0.1) = 0.45.
  EXPECT_NEAR(md1(9.0, 10.0).meanWait, 0.45, 1e-14);
}

// M/E_k/1: Cs^2 = 1/k, Wq = rho (1 + 1/k) / (2 mu (1 - rho)). k = 1 is M/M/1; k = 4 at
// rho = 0.8, mu = 1: Wq = 0.8 * 1.25 / 0.4 = 2.5; k -> infinity tends to M/D/1.
TEST(PollaczekKhinchine, ErlangService) {
  EXPECT_NEAR(mek1(1, 0.8, 1.0).meanWait, mm1(0.8, 1.0).meanWait, 1e-13);
  EXPECT_NEAR(mek1(4, 0.8, 1.0).meanWait, 2.5, 1e-13);
  EXPECT_NEAR(mek1(1000000, 0.8, 1.0).meanWait, md1(0.8, 1.0).meanWait, 1e-5);
}

// The second-moment form lambda E[S^2] / (2 (1 - rho)): service uniform on [0, 2] has
// E[S] = 1, E[S^2] = 4/3, Cs^2 = 1/3; at lambda = 0.6: Wq = 0.6 * (4/3) / 0.8 = 1.
TEST(PollaczekKhinchine, SecondMomentForm) {
  EXPECT_NEAR(mg1(0.6, 1.0, 1.0 / 3.0).meanWait, 1.0, 1e-14);
}

TEST(PollaczekKhinchine, RejectsBadInput) {
  EXPECT_THROW(mg1(1.0, 1.0, 1.0), std::invalid_argument);   // rho = 1
  EXPECT_THROW(mg1(0.5, 1.0, -1.0), std::invalid_argument);  // negative SCV
  EXPECT_THROW(mek1(0, 0.5, 1.0), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::validation
