#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace lbsim::scenarios {

// One problem in a scenario, located as editors and compilers do: 1-based line and column
// (0 when the problem is the file as a whole, e.g. it cannot be read).
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;  // what is wrong; allowed: what would be right

  // "file:line:column: message", or "file: message" without a position.
  std::string format() const;
};

// A scenario that did not validate: every problem found, in file order. Nothing is
// simulated from it. `what()` is the formatted list, one diagnostic per line.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace lbsim::scenarios
