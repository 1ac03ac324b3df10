#pragma once

#include <string>
#include <vector>

#include "models/spec.h"

namespace lbsim::scenarios {

// A problem with the shape of a scenario's chain, found on the graph whose nodes are tiers
// and whose edges are the hops of the classes' routes and the tiers' declared `next` tiers.
struct TopologyProblem {
  enum class At { kTier, kRouteHop, kNext };
  At at = At::kTier;
  std::size_t tier = 0;  // index in spec.tiers (kTier, kNext)
  std::size_t next = 0;  // position in that tier's `next` list (kNext)
  std::size_t cls = 0;   // index in spec.classes (kRouteHop)
  std::size_t hop = 0;   // position in that class's route (kRouteHop)
  std::string message;   // what is wrong; allowed: ...
};

// Checks, with Boost.Graph: every route follows the tiers' `next` declarations (a route may
// not skip a hop a tier requires), the chain has no cycle, and every tier is on a route.
std::vector<TopologyProblem> checkTopology(const models::ScenarioSpec& spec);

}  // namespace lbsim::scenarios
