#pragma once

#include <QString>

#include "gui/live/live_sample.h"

namespace lbsim::gui {

// The details of one tier as HTML: its parameters, its figures (the last live interval, or
// the run's summary with 95% intervals once it is over) and, from the latest snapshot (what
// a paused run lets you inspect), each replica's busy workers, queue, condition, lifecycle
// and rotation, the autoscaler's last decision with its reason, and each replica's last
// health change with its reason. Any of `latest`, `state` and `result` may be null.
QString tierDetailsHtml(const models::ScenarioSpec& spec, int tier, const TierSample* latest,
                        const LiveState* state, const RunResult* result);

}  // namespace lbsim::gui
