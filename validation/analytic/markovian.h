#pragma once

namespace lbsim::validation {

// Steady-state figures of a queue, in seconds and customers.
struct QueueMetrics {
  double utilization = 0.0;        // rho: offered load per server
  double meanWait = 0.0;           // Wq: time in queue before service
  double meanResponse = 0.0;       // W = Wq + 1/mu
  double meanQueueLength = 0.0;    // Lq = lambda * Wq (Little)
  double meanInSystem = 0.0;       // L = lambda * W
  double probabilityOfWait = 0.0;  // P(wait > 0)
};

// Erlang B: blocking probability of c servers with offered load a = lambda/mu Erlangs and
// no queue (M/M/c/c), by the stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
double erlangB(int servers, double offeredLoad);

// Erlang C: probability that an arrival waits in M/M/c, from Erlang B:
// C = B / (1 - rho (1 - B)), rho = a / c < 1.
double erlangC(int servers, double offeredLoad);

// M/M/1 with arrival rate lambda and service rate mu (lambda < mu):
// rho = lambda/mu, W = 1/(mu - lambda), Wq = rho/(mu - lambda).
QueueMetrics mm1(double arrivalRate, double serviceRate);

// M/M/c: Wq = C(c, a) / (c mu - lambda), W = Wq + 1/mu.
QueueMetrics mmc(int servers, double arrivalRate, double serviceRate);

}  // namespace lbsim::validation
