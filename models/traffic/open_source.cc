#include "models/traffic/open_source.h"

#include <cmath>

#include "models/network.h"

namespace lbsim::models::traffic {

OpenSource::OpenSource(Network& network, const TrafficSpec& spec, core::RandomStream stream)
    : network_(network),
      profile_(spec.phases),
      process_(spec.process),
      stream_(stream),
      handler_(network.simulator().addHandler(this)) {}

void OpenSource::start() {
  scheduleNext(0.0);
}

void OpenSource::handleEvent(const core::Event&) {
  network_.startSession();
  scheduleNext(network_.simulator().now());
}

void OpenSource::scheduleNext(double from) {
  const double mass = process_ == ArrivalProcess::kPoisson ? stream_.exponential(1.0) : 1.0;
  const double at = profile_.advance(from, mass, phaseHint_);
  if (std::isfinite(at)) network_.simulator().schedule(at, handler_);
}

}  // namespace lbsim::models::traffic
