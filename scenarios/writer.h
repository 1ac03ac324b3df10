#pragma once

#include <string>

#include "models/spec.h"

namespace lbsim::scenarios {

// The scenario as lbsim resolved it, in the scenario language itself: every default
// filled in, every replica listed. Loading it gives the same spec (and so the same run).
std::string resolvedScenarioYaml(const models::ScenarioSpec& spec);

}  // namespace lbsim::scenarios
