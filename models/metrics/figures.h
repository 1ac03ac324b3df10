#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lbsim::models {

// One line of a run's event log: a decision of a health mechanism or an autoscaler, or a
// fault starting or ending, with its reason in the system's words.
struct LogRecord {
  std::uint32_t replication = 0;
  double time = 0.0;
  std::string tier;
  std::string replica;  // empty for a decision about the whole tier
  std::string source;   // "active check", "nginx max_fails", "autoscaler", "fault", ...
  std::string change;   // "UP -> DOWN", "desired 3 -> 6 (ready 3)", "crash starts"
  std::string reason;
};

// The summary figures of one replication, in a fixed order. A path names where the figure
// goes in summary.json: "tiers/course/latency_s/p99". Every replication of a scenario
// yields the same paths in the same order, so replications line up figure by figure.
struct Figure {
  std::string path;
  double value = 0.0;
};
using Figures = std::vector<Figure>;

}  // namespace lbsim::models
