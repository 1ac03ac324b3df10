#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::cli {

// `lbsim explain balancer`: a policy's picks, one by one, with the reason for each — a
// teaching tool and the way to check a policy by hand.
struct ExplainBalancerArgs {
  std::string policy;
  std::vector<double> weights = {1, 1, 1};
  std::vector<std::string> backups;  // 1-based target numbers marked backup
  std::vector<std::string> down;     // 1-based target numbers marked unavailable
  std::vector<std::string> options;  // key=value
  std::uint32_t requests = 10;
  std::uint32_t inFlight = 0;  // requests kept outstanding (the oldest finishes first)
  std::uint32_t clients = 0;   // distinct clients cycled through (0: a new one each request)
  std::uint64_t seed = 1;
  double sticky = 0.0;  // cookie stickiness duration in seconds, 0 for none
};

// Prints the picks to stdout; throws std::invalid_argument on bad arguments.
void explainBalancer(const ExplainBalancerArgs& args);

}  // namespace lbsim::cli
