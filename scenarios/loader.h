#pragma once

#include <string>

#include "models/balancing/policy.h"
#include "models/spec.h"
#include "scenarios/error.h"

namespace lbsim::scenarios {

// Reads a scenario file and checks it completely: every key known, every value of the
// right form and range, every id it refers to defined, every policy registered. Throws
// ScenarioError listing each problem as file:line:column; returns a spec with every
// default filled in otherwise.
models::ScenarioSpec loadScenarioFile(const std::string& path,
                                      const models::balancing::PolicyRegistry& policies);

// The same for scenario text; `fileName` is used in diagnostics.
models::ScenarioSpec loadScenarioText(const std::string& text, const std::string& fileName,
                                      const models::balancing::PolicyRegistry& policies);

}  // namespace lbsim::scenarios
