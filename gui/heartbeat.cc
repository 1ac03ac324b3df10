#include "gui/heartbeat.h"

#include <algorithm>

namespace lbsim::gui {

Heartbeat::Heartbeat(int periodMs, QObject* parent) : QObject(parent) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(periodMs);
  connect(&timer_, &QTimer::timeout, this, [this] {
    const qint64 now = clock_.nsecsElapsed();
    maxGapMs_ = std::max(maxGapMs_, static_cast<double>(now - last_) / 1e6);
    last_ = now;
    ++beats_;
  });
  clock_.start();
  timer_.start();
}

void Heartbeat::reset() {
  last_ = clock_.nsecsElapsed();
  maxGapMs_ = 0.0;
  beats_ = 0;
}

}  // namespace lbsim::gui
