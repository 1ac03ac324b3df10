#pragma once

#include "validation/analytic/markovian.h"

namespace lbsim::validation {

// M/G/1 by the Pollaczek-Khinchine mean-value formula (Pollaczek 1930, Khinchine 1932;
// Kleinrock, "Queueing Systems" vol. 1, sec. 5.5): Poisson arrivals at lambda, one FIFO
// server, service times S of rate mu = 1/E[S] and squared coefficient of variation
// Cs^2 = Var[S] / E[S]^2, rho = lambda / mu < 1:
//   Wq = lambda E[S^2] / (2 (1 - rho)) = rho (1 + Cs^2) / (2 mu (1 - rho)),
//   W = Wq + 1/mu, Lq = lambda Wq, L = lambda W (Little), P(wait > 0) = rho (PASTA).
// Cs^2 = 1 gives M/M/1 exactly.
QueueMetrics mg1(double arrivalRate, double serviceRate, double serviceScv);

// M/D/1: deterministic service, Cs^2 = 0, so Wq = rho / (2 mu (1 - rho)), half of M/M/1's.
QueueMetrics md1(double arrivalRate, double serviceRate);

// M/E_k/1: Erlang-k service (k exponential phases of rate k mu), Cs^2 = 1/k, so
// Wq = rho (1 + 1/k) / (2 mu (1 - rho)).
QueueMetrics mek1(int phases, double arrivalRate, double serviceRate);

}  // namespace lbsim::validation
