#pragma once

#include "core/random.h"
#include "core/simulator.h"
#include "models/spec.h"
#include "models/traffic/rate_profile.h"

namespace lbsim::models {
class Network;
}

namespace lbsim::models::traffic {

// Open arrivals of users following the phases: each arrival starts a session in the
// network. Poisson arrivals draw a unit exponential per gap from the "arrivals" stream;
// uniform arrivals are evenly spaced in the integrated rate, as Artillery emits them.
class OpenSource final : public core::EventHandler {
 public:
  OpenSource(Network& network, const TrafficSpec& spec, core::RandomStream stream);
  void start();
  void handleEvent(const core::Event& event) override;
  const RateProfile& profile() const { return profile_; }

 private:
  void scheduleNext(double from);

  Network& network_;
  RateProfile profile_;
  ArrivalProcess process_;
  core::RandomStream stream_;
  core::HandlerId handler_;
  std::size_t phaseHint_ = 0;
};

}  // namespace lbsim::models::traffic
