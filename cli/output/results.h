#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/output/atomic_file.h"
#include "models/experiment.h"
#include "models/spec.h"

namespace lbsim::output {

// The contents of summary.json (schema in docs/outputs.md): run metadata and every
// figure with its 95% confidence interval, nested by the figure's path.
nlohmann::ordered_json summaryJson(const models::ScenarioSpec& spec,
                                   const models::ExperimentResult& result);

// timeseries.csv: tidy rows `time,metric,node,class,value`; an undefined value is empty.
std::string timeseriesCsv(const core::TimeSeriesTable& series);

// events.csv: the event log, `replication,time,tier,replica,source,change,reason`: every
// decision of a health mechanism or an autoscaler and every fault, in time order per
// replication.
std::string eventsCsv(const std::vector<models::LogRecord>& log);

// The short report printed after a run: per class end to end, then per tier.
std::string textReport(const models::ScenarioSpec& spec, const models::ExperimentResult& result);

// Writes summary.json, timeseries.csv, events.csv and scenario.resolved.yaml into `folder`
// (created if needed), each atomically.
void writeResultsFolder(const std::filesystem::path& folder, const models::ScenarioSpec& spec,
                        const models::ExperimentResult& result, const std::string& resolvedYaml);

// Streams sampled trace rows to trace.csv (atomically: committed by `finish`).
class TraceCsvWriter final : public models::TraceSink {
 public:
  explicit TraceCsvWriter(const std::filesystem::path& path);
  void write(const models::TraceRecord& record) override;
  void finish() { file_.commit(); }
  std::uint64_t rows() const { return rows_; }

 private:
  AtomicFile file_;
  std::uint64_t rows_ = 0;
};

// A number as the shortest text that reads back to the same double; empty for NaN.
std::string csvNumber(double value);

}  // namespace lbsim::output
