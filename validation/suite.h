#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/balancing/policy.h"
#include "models/spec.h"

namespace lbsim::validation {

// One canonical case of the validation suite: a scenario the simulator runs, the summary
// figure that is compared, and its exact analytic value with the formula it comes from.
struct ValidationCase {
  std::string name;      // e.g. "M/M/1 rho=0.9"
  std::string model;     // e.g. "M/M/1", for grouping and the figure
  double load = 0.0;     // offered load per server (rho), for the figure's x axis
  std::string quantity;  // what is compared, in words: "mean response time W (s)"
  std::string formula;   // the exact value's formula and source
  models::ScenarioSpec spec;
  std::string figure;  // summary path: "end_to_end/all/latency_s/mean"
  double exact = 0.0;
  // A limit rather than an exact value for this finite system (the supermarket model's
  // N -> infinity): compared within `tolerance` (relative) instead of the CI.
  bool limit = false;
  double tolerance = 0.0;
};

struct CaseResult {
  const ValidationCase* c = nullptr;
  double mean = 0.0;
  double halfWidth = 0.0;          // of the ordinary 95% confidence interval
  double judgedHalfWidth = 0.0;    // of the interval the case is judged by (see runCase)
  bool inCi95 = false;             // exact inside the ordinary 95% interval
  double relativeError = 0.0;      // (mean - exact) / exact
  double relativeHalfWidth = 0.0;  // halfWidth / exact
  bool passed = false;             // exact inside the judged interval (or near a limit)
};

// Number of cases a run judges by confidence interval.
std::size_t intervalCases(const std::vector<ValidationCase>& cases);

// The canonical cases. `quick` shortens the runs (CI half-widths of a few percent); the
// full suite runs until half-widths are below about 2% of the exact values.
std::vector<ValidationCase> canonicalCases(bool quick);

// Also a utilization sweep of M/M/1 and M/M/8 (rho 0.3 .. 0.9), for the figure.
std::vector<ValidationCase> utilizationSweep(bool quick);

// Runs a case. It passes when the exact value lies in the Student-t interval of level
// `confidence` over the replications. A suite of m cases judged at 95% each would report
// about m/20 failures per run by chance alone (0.95^21 = 34% for none in 21), so the
// suite judges each case at the Bonferroni level 1 - 0.05/m: the chance of any false
// failure in a whole run stays at 5%. The ordinary 95% interval is reported as well.
CaseResult runCase(const ValidationCase& c, const models::balancing::PolicyRegistry& policies,
                   double confidence = 0.95);

// The suite's report as Markdown (docs/validation.md is generated from it).
std::string markdownReport(const std::vector<CaseResult>& results,
                           const std::vector<CaseResult>& sweep, bool quick);

}  // namespace lbsim::validation
