#pragma once

#include <string>
#include <vector>

#include "models/spec.h"

namespace lbsim::validation {

// The instant analytic estimate of a scenario (`lbsim solve`): the traffic equations over
// its classes and routes give each tier's arrival rate; every replica is approximated as a
// G/G/c queue (Allen–Cunneen, Poisson arrivals) fed its share of the tier's traffic.
struct TierEstimate {
  std::string id;
  double arrivalRate = 0.0;         // requests/s reaching the tier
  double meanService = 0.0;         // mean service time at the tier (s, at speed 1, all classes)
  double serviceCv = 0.0;           // its coefficient of variation
  double utilization = 0.0;         // of the tier's busiest replica
  double meanWait = 0.0;            // mean queueing delay at the tier (request-weighted), s
  double meanResponse = 0.0;        // mean time at the tier, s
  double saturation = 0.0;          // traffic multiplier at which the busiest replica reaches 100%
  std::uint32_t replicasFor70 = 0;  // replicas (of the average one) for 70% utilization
  bool stable = true;
};

struct ClassEstimate {
  std::string id;
  double arrivalRate = 0.0;   // requests/s of this class
  double meanResponse = 0.0;  // end to end, sum of its tiers' times, s
};

struct SolveResult {
  double userRate = 0.0;     // users/s the estimate is for
  double requestRate = 0.0;  // requests/s entering the system
  std::vector<TierEstimate> tiers;
  std::vector<ClassEstimate> classes;
  std::string bottleneck;            // the tier that saturates first
  double saturationUserRate = 0.0;   // users/s at which the bottleneck reaches 100%
  std::vector<std::string> caveats;  // where the approximation does not hold
  // Closed-loop users only: the estimate is for this population (userRate is it too, and
  // saturationUserRate the population at which the bottleneck saturates), by mean value
  // analysis; 0: an open estimate.
  std::uint32_t closedUsers = 0;
  double thinkTime = 0.0;
};

// Estimates the scenario at `userRate` users/s (a negative value: the peak rate of its
// phases; a scenario of closed-loop users only: its population, by mean value analysis).
// Pure arithmetic: no simulation, microseconds to milliseconds.
SolveResult solveScenario(const models::ScenarioSpec& spec, double userRate = -1.0);

}  // namespace lbsim::validation
