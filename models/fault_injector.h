#pragma once

#include <string>
#include <vector>

#include "core/random.h"
#include "core/simulator.h"
#include "models/request.h"
#include "models/spec.h"

namespace lbsim::models {

class Network;

// What the faults under way do to a new process on a replica: a container restarted in
// place keeps crashing under a crash fault and stays slow and unreachable (host and network
// faults); a new instance (`newHost`) is only unreachable (a zone or network outage). A hang
// ends with the process that hung. `speed`: the speed factor left.
struct ImposedFaults {
  bool crashed = false;
  bool unreachable = false;
  double speed = 1.0;
};

// Plays the scenario's fault timeline on the network's replicas: each fault starts at its
// time (or, for random failures, after a time to failure drawn per replica from a stream of
// its own) and ends after its duration (or time to repair). A replica under two faults at
// once is back only when both have ended.
class FaultInjector final : public core::EventHandler {
 public:
  FaultInjector(Network& network, std::uint64_t runSeed);
  void start();
  void handleEvent(const core::Event& event) override;

  struct Target {
    TierIndex tier = 0;
    ReplicaIndex replica = 0;  // kNone for a link fault (the receiving tier)
  };

  // What the faults under way do to a replica that starts a new process now.
  ImposedFaults imposedOnNew(TierIndex tier, ReplicaIndex replica, bool newHost) const;

 private:
  enum EventKind : std::uint32_t { kStart, kEnd };
  void begin(std::uint32_t fault, std::uint32_t target);
  void end(std::uint32_t fault, std::uint32_t target);
  std::uint64_t payload(std::uint32_t fault, std::uint32_t target) const {
    return (static_cast<std::uint64_t>(fault) << 32) | target;
  }

  Network& network_;
  core::HandlerId handler_;
  std::vector<std::vector<Target>> targets_;              // [fault]
  std::vector<std::vector<core::RandomStream>> streams_;  // [fault][target], random faults
  std::vector<std::string> names_;
  std::vector<std::vector<std::vector<std::uint32_t>>>
      active_;  // [tier][replica]: faults under way
};

// The replicas a fault names (throws std::invalid_argument for names that do not exist).
std::vector<FaultInjector::Target> faultTargets(const ScenarioSpec& spec, const FaultSpec& fault);
// A short description of the fault for reports ("crash api-2", "unreachable zone us-east-1a").
std::string faultName(const FaultSpec& fault);
std::string_view faultKindName(FaultSpec::Kind kind);

}  // namespace lbsim::models
