#pragma once

#include "validation/analytic/markovian.h"

namespace lbsim::validation {

// Approximations for queues whose arrivals are not Poisson: renewal arrivals at rate lambda
// with interarrival squared coefficient of variation Ca^2, FIFO servers of rate mu with
// service SCV Cs^2. Both are exact in the Markovian case Ca^2 = Cs^2 = 1, and both are
// heavy-traffic approximations: good as rho -> 1, rough at low load when Ca^2 != 1.

// G/G/1, Kingman's heavy-traffic formula (J. F. C. Kingman, "The single server queue in
// heavy traffic", Proc. Cambridge Philos. Soc. 57 (1961) 902-904):
//   Wq ~ (rho / (1 - rho)) ((Ca^2 + Cs^2) / 2) E[S],   E[S] = 1/mu, rho = lambda/mu < 1.
// Exact for M/M/1, and for M/G/1 (Ca^2 = 1) it is the Pollaczek-Khinchine formula.
// probabilityOfWait is rho, the waiting probability the formula implicitly assumes (it is
// Allen-Cunneen with c = 1, C(1, a) = rho).
QueueMetrics gg1Kingman(double arrivalRate, double serviceRate, double arrivalScv,
                        double serviceScv);

// G/G/c, the Allen-Cunneen approximation (A. O. Allen, "Probability, Statistics, and Queueing
// Theory with Computer Science Applications", 2nd ed., Academic Press 1990; also Bolch,
// Greiner, de Meer, Trivedi, "Queueing Networks and Markov Chains", 2nd ed. 2006, ch. 6):
//   Wq ~ (C(c, a) / (c mu - lambda)) ((Ca^2 + Cs^2) / 2),   a = lambda/mu, rho = a/c < 1,
// the M/M/c wait scaled by the mean SCV, with C the Erlang C probability (markovian.h), which
// is also reported as probabilityOfWait. c = 1 is Kingman's formula.
QueueMetrics ggcAllenCunneen(int servers, double arrivalRate, double serviceRate, double arrivalScv,
                             double serviceScv);

// The waits alone, Wq, of the two approximations above (same arguments, same checks).
double kingmanWait(double arrivalRate, double serviceRate, double arrivalScv, double serviceScv);
double allenCunneenWait(int servers, double arrivalRate, double serviceRate, double arrivalScv,
                        double serviceScv);

}  // namespace lbsim::validation
