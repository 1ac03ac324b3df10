#include "validation/analytic/approximations.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "validation/analytic/markovian.h"
#include "validation/analytic/mg1.h"

namespace lbsim::validation {
namespace {

// Kingman, Wq ~ (rho / (1 - rho)) ((Ca^2 + Cs^2) / 2) E[S]. With Poisson arrivals (Ca^2 = 1)
// it is the Pollaczek-Khinchine formula exactly, for any Cs^2 (M/M/1, M/D/1, M/E_k/1).
TEST(Kingman, PoissonArrivalsGivePollaczekKhinchine) {
  for (double cs2 : {0.0, 0.25, 1.0, 4.0}) {
    const auto k = gg1Kingman(0.7, 1.0, 1.0, cs2);
    const auto pk = mg1(0.7, 1.0, cs2);
    EXPECT_NEAR(k.meanWait, pk.meanWait, 1e-13 * pk.meanWait) << cs2;
    EXPECT_NEAR(k.meanInSystem, pk.meanInSystem, 1e-13 * pk.meanInSystem) << cs2;
  }
}

// D/D/1 (Ca^2 = Cs^2 = 0): nobody waits. rho = 0.9, E[S] = 1, Ca^2 = 0.5, Cs^2 = 1.5:
// Wq ~ 9 * 1 * 1 = 9, the M/M/1 value.
TEST(Kingman, ByHand) {
  EXPECT_DOUBLE_EQ(gg1Kingman(0.9, 1.0, 0.0, 0.0).meanWait, 0.0);
  EXPECT_NEAR(gg1Kingman(0.9, 1.0, 0.5, 1.5).meanWait, 9.0, 1e-12);
  // rho = 0.8, mu = 2 (E[S] = 0.5), Ca^2 = 2, Cs^2 = 0: Wq ~ 4 * 1 * 0.5 = 2.
  EXPECT_NEAR(gg1Kingman(1.6, 2.0, 2.0, 0.0).meanWait, 2.0, 1e-12);
}

// Allen-Cunneen, Wq ~ (C(c, a) / (c mu - lambda)) ((Ca^2 + Cs^2) / 2): the M/M/c wait when
// Ca^2 = Cs^2 = 1, scaled linearly by the mean SCV, and Kingman at c = 1.
TEST(AllenCunneen, MarkovianCaseIsMMc) {
  const auto ac = ggcAllenCunneen(8, 7.2, 1.0, 1.0, 1.0);
  const auto m = mmc(8, 7.2, 1.0);
  EXPECT_NEAR(ac.meanWait, m.meanWait, 1e-14 * m.meanWait);
  EXPECT_NEAR(ac.probabilityOfWait, erlangC(8, 7.2), 1e-15);
  EXPECT_NEAR(ggcAllenCunneen(8, 7.2, 1.0, 0.0, 1.0).meanWait, 0.5 * m.meanWait,
              1e-14 * m.meanWait);
  EXPECT_NEAR(ggcAllenCunneen(8, 7.2, 1.0, 2.0, 3.0).meanWait, 2.5 * m.meanWait,
              1e-14 * m.meanWait);
  EXPECT_NEAR(ggcAllenCunneen(1, 0.9, 1.0, 0.5, 0.2).meanWait,
              gg1Kingman(0.9, 1.0, 0.5, 0.2).meanWait, 1e-14);
}

// M/M/2 by hand (Kleinrock vol. 1, M/M/m with m = 2): C(2, a) = 2 rho^2 / (1 + rho). At
// lambda = 1, mu = 1 (rho = 0.5): C = 1/3, Wq = (1/3) / (2 - 1) = 1/3; with
// (Ca^2 + Cs^2)/2 = 0.75 the approximation gives 0.25, W = 1.25.
TEST(AllenCunneen, TwoServersByHand) {
  const auto ac = ggcAllenCunneen(2, 1.0, 1.0, 0.5, 1.0);
  EXPECT_NEAR(ac.meanWait, 0.25, 1e-14);
  EXPECT_NEAR(ac.meanResponse, 1.25, 1e-14);
  EXPECT_NEAR(ac.meanInSystem, 1.25, 1e-14);
  EXPECT_DOUBLE_EQ(allenCunneenWait(2, 1.0, 1.0, 0.5, 1.0), ac.meanWait);
  EXPECT_DOUBLE_EQ(kingmanWait(0.9, 1.0, 0.5, 1.5), gg1Kingman(0.9, 1.0, 0.5, 1.5).meanWait);
}

TEST(AllenCunneen, RejectsBadInput) {
  EXPECT_THROW(ggcAllenCunneen(2, 2.0, 1.0, 1.0, 1.0), std::invalid_argument);  // rho = 1
  EXPECT_THROW(ggcAllenCunneen(2, 1.0, 1.0, -1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(gg1Kingman(0.5, 1.0, 1.0, -0.1), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::validation
