#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/experiment.h"
#include "models/metrics/figures.h"

// A figure of a run looked up by its summary path ("tiers/web/latency_s/mean"), for tests.
namespace lbsim::test {

// The entry at `path` of a replication's figures (models::Figure) or of an experiment's
// estimates (models::FigureEstimate); std::runtime_error naming the path when there is none,
// which a test reports as its failure.
template <typename Entry>
const Entry& findFigure(const std::vector<Entry>& figures, const std::string& path) {
  for (const Entry& f : figures) {
    if (f.path == path) return f;
  }
  throw std::runtime_error("no figure " + path);
}

template <typename Entry>
bool hasFigure(const std::vector<Entry>& figures, const std::string& path) {
  for (const Entry& f : figures) {
    if (f.path == path) return true;
  }
  return false;
}

// A replication's value at `path`.
inline double figureValue(const models::Figures& figures, const std::string& path) {
  return findFigure(figures, path).value;
}

// The mean over an experiment's replications at `path`.
inline double figureMean(const std::vector<models::FigureEstimate>& figures,
                         const std::string& path) {
  return findFigure(figures, path).estimate.mean;
}

}  // namespace lbsim::test
