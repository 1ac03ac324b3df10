#pragma once

#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader.h"

namespace lbsim::testing {

// A fixture for tests of the scenario language: loads scenario text as file `fileName_`
// (set by the derived fixture) and gives its diagnostics as the loader formats them.
class ScenarioTextTest : public ::testing::Test {
 protected:
  explicit ScenarioTextTest(std::string fileName) : fileName_(std::move(fileName)) {}

  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  models::ScenarioSpec load(const std::string& text) {
    return scenarios::loadScenarioText(text, fileName_, policies_);
  }
  // The diagnostics of a scenario that must not load, one formatted line each.
  std::string errors(const std::string& text) {
    try {
      load(text);
    } catch (const scenarios::ScenarioError& e) {
      return e.what();
    }
    return "(loaded without error)";
  }

 private:
  std::string fileName_;
};

}  // namespace lbsim::testing
