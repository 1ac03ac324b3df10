#pragma once

#include "core/random.h"
#include "core/simulator.h"
#include "models/spec.h"
#include "models/traffic/arrival_process.h"
#include "models/traffic/rate_profile.h"

namespace lbsim::models {
class Network;
}

namespace lbsim::models::traffic {

// Open arrivals of users following the traffic's rate profile and arrival process
// (ArrivalTimes): each arrival starts a session in the network. Arrival masses come from the
// "arrivals" stream, an MMPP's hidden state chain from "arrivals:modulation".
class OpenSource final : public core::EventHandler {
 public:
  OpenSource(Network& network, const TrafficSpec& spec, core::RandomStream arrivals,
             core::RandomStream modulation);
  void start();
  void handleEvent(const core::Event& event) override;
  const RateProfile& profile() const { return arrivals_.profile(); }

 private:
  void scheduleNext(double from);

  Network& network_;
  ArrivalTimes arrivals_;
  core::HandlerId handler_;
};

}  // namespace lbsim::models::traffic
