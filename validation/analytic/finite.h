#pragma once

#include <vector>

namespace lbsim::validation {

// Steady-state figures of a queue that turns arrivals away when full, in seconds and
// customers. Times are those of admitted customers.
struct FiniteQueueMetrics {
  double blockingProbability = 0.0;  // P_K: an arrival finds the system full (PASTA)
  double throughput = 0.0;           // admitted rate lambda (1 - P_K)
  double utilization = 0.0;          // throughput / (c mu): busy fraction of each server
  double meanInSystem = 0.0;         // L = sum n p_n
  double meanQueueLength = 0.0;      // Lq = sum (n - c)+ p_n
  double meanResponse = 0.0;         // W = L / throughput (Little, admitted customers)
  double meanWait = 0.0;             // Wq = Lq / throughput
  double probabilityOfWait = 0.0;    // P(an admitted customer waits) = sum_{c<=n<K} p_n / (1 - P_K)
};

// State probabilities p_0..p_K of M/M/c/K: c servers of rate mu, room for K >= c customers in
// all (in service and waiting), Poisson arrivals at lambda. Birth-death product form (Gross,
// Shortle, Thompson, Harris, "Fundamentals of Queueing Theory", 4th ed., ch. 2, "Queues with
// truncation (M/M/c/K)"; Kleinrock, "Queueing Systems" vol. 1, sec. 3.6 for c = 1):
//   p_n = p_0 a^n / n!                  for 0 <= n <= c,   a = lambda / mu,
//   p_n = p_0 a^c / c! rho^(n - c)      for c <  n <= K,   rho = a / c,
// with p_0 fixed by sum p_n = 1. Any rho is allowed (the queue is finite). The terms are
// formed as logarithms (n log a - log n!, then log p_c + (n - c) log rho, never a running
// product), shifted by their maximum before exponentiating and summed with compensation, so
// c up to thousands and K up to millions neither overflow nor lose digits (relative error
// about 1e-12 at c = 1000); the cost is O(K) time and memory.
std::vector<double> mmckStateProbabilities(int servers, int capacity, double arrivalRate,
                                           double serviceRate);

// M/M/c/K figures from the state probabilities above: P_K, throughput lambda (1 - P_K),
// L, Lq, and by Little's law over admitted customers W = L / (lambda (1 - P_K)),
// Wq = Lq / (lambda (1 - P_K)). K = c is the Erlang loss system (P_K = Erlang B); K -> infinity
// with rho < 1 tends to M/M/c.
FiniteQueueMetrics mmck(int servers, int capacity, double arrivalRate, double serviceRate);

}  // namespace lbsim::validation
