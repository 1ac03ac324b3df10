#include "models/traffic/open_source.h"

#include <cmath>

#include "models/network.h"

namespace lbsim::models::traffic {

OpenSource::OpenSource(Network& network, const TrafficSpec& spec, core::RandomStream arrivals,
                       core::RandomStream modulation)
    : network_(network),
      arrivals_(spec, arrivals, modulation),
      handler_(network.simulator().addHandler(this)) {}

void OpenSource::start() {
  scheduleNext(0.0);
}

void OpenSource::handleEvent(const core::Event&) {
  network_.startSession();
  scheduleNext(network_.simulator().now());
}

void OpenSource::scheduleNext(double from) {
  const double at = arrivals_.next(from);
  if (std::isfinite(at)) network_.simulator().schedule(at, handler_);
}

}  // namespace lbsim::models::traffic
