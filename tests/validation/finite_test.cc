#include "validation/analytic/finite.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "validation/analytic/markovian.h"

namespace lbsim::validation {
namespace {

// Relative comparison: |actual - expected| <= tolerance * |expected|.
void expectRelative(double actual, double expected, double tolerance, const char* what) {
  EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << what;
}

// K = c is the Erlang loss system: P_K = B(c, a). Published Erlang B values (standard Erlang B
// tables): B(10 servers, 5 Erlangs) = 0.018385, B(20, 15) = 0.045593. Recomputed exactly with
// rational arithmetic (sum a^k/k!): B(10, 5) = 0.0183845703366481,
// B(20, 15) = 0.0455932155898118, and B(5, 2) = (32/120) / (109/15) = 4/109 in closed form.
TEST(MMcK, CapacityEqualToServersIsErlangB) {
  expectRelative(mmck(10, 10, 5.0, 1.0).blockingProbability, 0.0183845703366481, 1e-12, "B(10,5)");
  EXPECT_NEAR(mmck(10, 10, 5.0, 1.0).blockingProbability, 0.018385, 5e-7);  // table, 5 digits
  expectRelative(mmck(20, 20, 15.0, 1.0).blockingProbability, 0.0455932155898118, 1e-12,
                 "B(20,15)");
  EXPECT_NEAR(mmck(20, 20, 15.0, 1.0).blockingProbability, 0.045593, 5e-7);  // table
  expectRelative(mmck(5, 5, 2.0, 1.0).blockingProbability, 4.0 / 109.0, 1e-12, "B(5,2)");
  // Loss system: nobody waits, W = 1/mu, L = a (1 - B).
  const auto m = mmck(20, 20, 15.0, 2.0);
  EXPECT_DOUBLE_EQ(m.meanWait, 0.0);
  expectRelative(m.meanResponse, 0.5, 1e-12, "W = 1/mu");
  expectRelative(m.meanInSystem, 7.5 * (1.0 - erlangB(20, 7.5)), 1e-12, "L = a (1 - B)");
}

// M/M/1/K (Kleinrock vol. 1, sec. 3.6): p_n = (1 - rho) rho^n / (1 - rho^(K+1)),
//   L = rho / (1 - rho) - (K + 1) rho^(K+1) / (1 - rho^(K+1)).
// rho = 1/2, K = 5: P_K = 1/63, L = 1 - 6/63 = 19/21, Lq = L - (1 - p_0) = 19/21 - 31/63 =
// 26/63, throughput 31/63, W = 57/31, Wq = 26/31 (derived by hand and checked with exact
// rational arithmetic). rho = 2 (overloaded, fine with a finite room): P_K = 32/63,
// L = 86/21, W = 129/31.
TEST(MMcK, SingleServerClosedForm) {
  const auto half = mmck(1, 5, 0.5, 1.0);
  expectRelative(half.blockingProbability, 1.0 / 63.0, 1e-13, "P_K");
  expectRelative(half.meanInSystem, 19.0 / 21.0, 1e-13, "L");
  expectRelative(half.meanQueueLength, 26.0 / 63.0, 1e-13, "Lq");
  expectRelative(half.throughput, 0.5 * 62.0 / 63.0, 1e-13, "X");
  expectRelative(half.meanResponse, 57.0 / 31.0, 1e-13, "W");
  expectRelative(half.meanWait, 26.0 / 31.0, 1e-13, "Wq");
  const double rho = 0.5;
  const int k = 5;
  const double closedL =
      rho / (1 - rho) - (k + 1) * std::pow(rho, k + 1) / (1 - std::pow(rho, k + 1));
  expectRelative(half.meanInSystem, closedL, 1e-13, "Kleinrock L");

  const auto two = mmck(1, 5, 2.0, 1.0);
  expectRelative(two.blockingProbability, 32.0 / 63.0, 1e-13, "P_K at rho 2");
  expectRelative(two.meanInSystem, 86.0 / 21.0, 1e-13, "L at rho 2");
  expectRelative(two.meanResponse, 129.0 / 31.0, 1e-13, "W at rho 2");
  // rho = 1: uniform over 0..K, P_K = 1/(K+1), L = K/2.
  const auto one = mmck(1, 4, 1.0, 1.0);
  expectRelative(one.blockingProbability, 0.2, 1e-13, "P_K at rho 1");
  expectRelative(one.meanInSystem, 2.0, 1e-13, "L at rho 1");
}

// Multi-server cases derived independently (no published table at hand): the product form
// summed in exact rational arithmetic (Python fractions).
//   M/M/3/6, lambda = 5, mu = 2: P_K = 15625/152563, L = 449220/152563,
//     Lq = 106875/152563, X = 684690/152563, W = 14974/22823, Wq = 7125/45646,
//     P(wait | admitted) = 11375/22823, p_0 = 10368/152563.
//   M/M/2/4, lambda = 3, mu = 2 (a common textbook exercise, a take-out with two servers and
//     room for four): P_K = 81/653, L = 1128/653, W = 94/143, Wq = 45/286.
TEST(MMcK, MultiServerExactRationals) {
  const auto m = mmck(3, 6, 5.0, 2.0);
  expectRelative(m.blockingProbability, 15625.0 / 152563.0, 1e-13, "P_K");
  expectRelative(m.meanInSystem, 449220.0 / 152563.0, 1e-13, "L");
  expectRelative(m.meanQueueLength, 106875.0 / 152563.0, 1e-13, "Lq");
  expectRelative(m.throughput, 684690.0 / 152563.0, 1e-13, "X");
  expectRelative(m.meanResponse, 14974.0 / 22823.0, 1e-13, "W");
  expectRelative(m.meanWait, 7125.0 / 45646.0, 1e-13, "Wq");
  expectRelative(m.probabilityOfWait, 11375.0 / 22823.0, 1e-13, "P(wait)");
  expectRelative(m.utilization, 684690.0 / 152563.0 / 6.0, 1e-13, "U");
  expectRelative(mmckStateProbabilities(3, 6, 5.0, 2.0)[0], 10368.0 / 152563.0, 1e-13, "p0");

  const auto f = mmck(2, 4, 3.0, 2.0);
  expectRelative(f.blockingProbability, 81.0 / 653.0, 1e-13, "P_K");
  expectRelative(f.meanInSystem, 1128.0 / 653.0, 1e-13, "L");
  expectRelative(f.meanResponse, 94.0 / 143.0, 1e-13, "W");
  expectRelative(f.meanWait, 45.0 / 286.0, 1e-13, "Wq");
}

// Little's law and flow balance hold for every K: X = lambda (1 - P_K) = mu sum min(n, c) p_n,
// L - Lq = X / mu (mean busy servers).
TEST(MMcK, FlowBalanceAndLittle) {
  const int c = 7;
  const int k = 40;
  const double lambda = 6.3;
  const double mu = 1.1;
  const auto p = mmckStateProbabilities(c, k, lambda, mu);
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-14);
  double departures = 0.0;
  for (int n = 0; n <= k; ++n)
    departures += mu * std::min(n, c) * p[n];
  const auto m = mmck(c, k, lambda, mu);
  expectRelative(m.throughput, departures, 1e-13, "X = departures");
  expectRelative(m.meanInSystem - m.meanQueueLength, m.throughput / mu, 1e-12, "busy servers");
  expectRelative(m.meanResponse, m.meanWait + 1.0 / mu, 1e-13, "W = Wq + 1/mu");
}

// Stability at scale, against the Erlang recursions of markovian.h:
// c = 1000, K = c: P_K = B(1000, a) for a = 1000 and a = 900.
// c = 1000, K = 100000, a = 950 (rho 0.95): the tail beyond K is rho^99000 ~ 1e-2205, so
// M/M/c/K equals M/M/c: Wq = C(c, a) / (c mu - lambda).
// c = 1000, K = 100000, rho = 1.1: nearly all mass sits near K, K - n is geometric with
// ratio 1/rho, so P_K -> 1 - 1/rho and the throughput -> c mu.
TEST(MMcK, StableForThousandServersAndHundredThousandPlaces) {
  expectRelative(mmck(1000, 1000, 1000.0, 1.0).blockingProbability, erlangB(1000, 1000.0), 1e-10,
                 "B(1000, 1000)");
  expectRelative(mmck(1000, 1000, 900.0, 1.0).blockingProbability, erlangB(1000, 900.0), 1e-10,
                 "B(1000, 900)");

  const auto big = mmck(1000, 100000, 950.0, 1.0);
  const auto infinite = mmc(1000, 950.0, 1.0);
  EXPECT_LT(big.blockingProbability, 1e-300);
  expectRelative(big.meanWait, infinite.meanWait, 1e-9, "Wq -> M/M/c");
  expectRelative(big.meanInSystem, infinite.meanInSystem, 1e-10, "L -> M/M/c");
  expectRelative(big.probabilityOfWait, infinite.probabilityOfWait, 1e-10, "C(c, a)");

  const auto over = mmck(1000, 100000, 1100.0, 1.0);
  expectRelative(over.blockingProbability, 1.0 - 1.0 / 1.1, 1e-10, "P_K -> 1 - 1/rho");
  expectRelative(over.throughput, 1000.0, 1e-10, "X -> c mu");
  EXPECT_TRUE(std::isfinite(over.meanResponse));
  EXPECT_GT(over.meanInSystem, 99000.0);
}

TEST(MMcK, RejectsBadInput) {
  EXPECT_THROW(mmck(0, 5, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(mmck(3, 2, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(mmck(1, 5, 0.0, 1.0), std::invalid_argument);
  EXPECT_THROW(mmck(1, 5, 1.0, -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::validation
