#pragma once

namespace lbsim::validation {

// Mean time in system of the supermarket model (Mitzenmacher 1996, "The power of two
// choices in randomized load balancing", Theorem 3.4 and the corollary for the expected
// time): N -> infinity FIFO servers of rate 1, Poisson arrivals of rate lambda*N, each
// customer joining the shortest of d queues chosen uniformly at random:
//   T_d(lambda) = sum_{i >= 1} lambda^((d^i - d) / (d - 1))      for d >= 2,
//   T_1(lambda) = 1 / (1 - lambda)                               (independent M/M/1).
// The series is summed until its terms fall below 1e-16 of the sum.
double supermarketMeanTime(int choices, double lambda);

}  // namespace lbsim::validation
