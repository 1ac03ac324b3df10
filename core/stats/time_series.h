#pragma once

#include <cassert>
#include <cstddef>
#include <string>
#include <vector>

namespace lbsim::core {

// Names one series of a tidy time-series table: metric, node and class.
struct SeriesKey {
  std::string metric;
  std::string node;
  std::string cls;
};

// Samples of several series taken together at a fixed interval. Series are declared up
// front; each sample appends one value to every series (NaN where a value is undefined,
// e.g. a percentile of an interval without completions). Memory is samples x series.
class TimeSeriesTable {
 public:
  std::size_t addSeries(SeriesKey key) {
    assert(times_.empty() && "declare every series before the first sample");
    keys_.push_back(std::move(key));
    values_.emplace_back();
    return keys_.size() - 1;
  }
  // Starts a sample at `time`; every series then gets exactly one `set`.
  void beginSample(double time) {
    times_.push_back(time);
    for (auto& v : values_)
      v.push_back(0.0);
  }
  void set(std::size_t series, double value) { values_[series].back() = value; }

  std::size_t seriesCount() const { return keys_.size(); }
  std::size_t sampleCount() const { return times_.size(); }
  const SeriesKey& key(std::size_t series) const { return keys_[series]; }
  const std::vector<double>& times() const { return times_; }
  const std::vector<double>& values(std::size_t series) const { return values_[series]; }

 private:
  std::vector<SeriesKey> keys_;
  std::vector<double> times_;
  std::vector<std::vector<double>> values_;
};

}  // namespace lbsim::core
