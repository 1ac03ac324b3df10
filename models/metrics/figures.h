#pragma once

#include <string>
#include <vector>

namespace lbsim::models {

// The summary figures of one replication, in a fixed order. A path names where the figure
// goes in summary.json: "tiers/course/latency_s/p99". Every replication of a scenario
// yields the same paths in the same order, so replications line up figure by figure.
struct Figure {
  std::string path;
  double value = 0.0;
};
using Figures = std::vector<Figure>;

}  // namespace lbsim::models
