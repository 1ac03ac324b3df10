#include "cli/output/results.h"

#include "models/fault_injector.h"

#include <algorithm>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "scenarios/units.h"

namespace lbsim::output {

namespace {

nlohmann::ordered_json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

nlohmann::ordered_json estimateJson(const models::FigureEstimate& f) {
  nlohmann::ordered_json leaf;
  leaf["mean"] = number(f.estimate.mean);
  if (std::isfinite(f.estimate.halfWidth)) {
    leaf["ci95"] = {f.estimate.low(), f.estimate.high()};
    leaf["half_width"] = f.estimate.halfWidth;
  } else {
    leaf["ci95"] = nullptr;
    leaf["half_width"] = nullptr;
  }
  return leaf;
}

const models::FigureEstimate* find(const models::ExperimentResult& r, const std::string& path) {
  for (const auto& f : r.figures) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

// "123.4 ±5.6" in the given scale (1000 for ms, 100 for %).
std::string withCi(const models::FigureEstimate* f, double scale, int decimals) {
  if (f == nullptr) return "-";
  std::string s = fixed(f->estimate.mean * scale, decimals);
  if (std::isfinite(f->estimate.halfWidth) && std::isfinite(f->estimate.mean)) {
    s += " \u00b1" + fixed(f->estimate.halfWidth * scale, decimals);
  }
  return s;
}

std::string pad(const std::string& s, std::size_t width) {
  // Width in characters on screen; "±" is two bytes in UTF-8.
  std::size_t shown = 0;
  for (const unsigned char c : s)
    shown += (c & 0xC0) != 0x80;
  return shown >= width ? s + " " : s + std::string(width - shown, ' ');
}

}  // namespace

std::string csvNumber(double value) {
  if (!std::isfinite(value)) return "";
  return scenarios::formatNumber(value);
}

nlohmann::ordered_json summaryJson(const models::ScenarioSpec& spec,
                                   const models::ExperimentResult& result) {
  nlohmann::ordered_json j;
  j["schema"] = "lbsim.summary/1";
  j["scenario"] = spec.name;
  j["seed"] = spec.seed;
  j["replications"] = spec.replications;
  j["replication_seeds"] = result.seeds;
  j["duration_s"] = spec.duration;
  j["warmup_s"] = spec.warmup;
  j["confidence_level"] = 0.95;
  j["events"] = result.events;
  nlohmann::ordered_json figures = nlohmann::ordered_json::object();
  for (const auto& f : result.figures) {
    nlohmann::ordered_json* node = &figures;
    std::size_t start = 0;
    for (;;) {
      const std::size_t slash = f.path.find('/', start);
      const std::string part = f.path.substr(start, slash - start);
      if (slash == std::string::npos) {
        (*node)[part] = estimateJson(f);
        break;
      }
      node = &(*node)[part];
      start = slash + 1;
    }
  }
  j["figures"] = std::move(figures);
  return j;
}

std::string timeseriesCsv(const core::TimeSeriesTable& series) {
  std::string out = "time,metric,node,class,value\n";
  for (std::size_t i = 0; i < series.sampleCount(); ++i) {
    const std::string time = csvNumber(series.times()[i]);
    for (std::size_t k = 0; k < series.seriesCount(); ++k) {
      const auto& key = series.key(k);
      out += time + ',' + key.metric + ',' + key.node + ',' + key.cls + ',' +
             csvNumber(series.values(k)[i]) + '\n';
    }
  }
  return out;
}

std::string eventsCsv(const std::vector<models::LogRecord>& log) {
  // RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
  auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (const char c : s)
      out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string out = "replication,time,tier,replica,source,change,reason\n";
  for (const auto& l : log) {
    out += std::to_string(l.replication) + ',' + csvNumber(l.time) + ',' + field(l.tier) + ',' +
           field(l.replica) + ',' + field(l.source) + ',' + field(l.change) + ',' +
           field(l.reason) + '\n';
  }
  return out;
}

std::string overloadWarnings(const models::ScenarioSpec& spec,
                             const models::ExperimentResult& result) {
  std::ostringstream out;
  const auto mean = [&](const std::string& path) {
    const auto* f = find(result, path);
    return f != nullptr && std::isfinite(f->estimate.mean) ? f->estimate.mean : 0.0;
  };
  // Requests made after the warm-up, less those that ended (completed or failed) after it:
  // in a system that keeps up, as many end as are made, give or take those in flight. (The
  // requests left unfinished at the end are more: those in flight at the warm-up's end that
  // ended after it count among the ended.)
  const double made = mean("end_to_end/all/requests");
  double ended = mean("end_to_end/all/completed");
  for (std::size_t k = 0; k < models::kErrorCauseCount; ++k) {
    ended += mean("end_to_end/all/errors/" +
                  std::string(models::errorCauseName(static_cast<models::ErrorCause>(k))));
  }
  const double unfinished = made - ended;
  if (made > 0.0 && unfinished > std::max(0.05 * made, 10.0)) {
    const double span = spec.duration - spec.warmup;
    out << "\nwarning: the system did not keep up: after the warm-up " << fixed(unfinished, 0)
        << " more requests were made than ended (" << fixed(100.0 * unfinished / made, 1)
        << "% of the " << fixed(made, 0) << " made; "
        << fixed(mean("end_to_end/all/throughput_rps"), 1) << " req/s completed of "
        << fixed(made / span, 1)
        << " made). At least that many had not ended when the run did: they are in no latency "
           "percentile and no error count, so both understate what users would see; `lbsim "
           "solve` names the saturated tier.\n";
  }
  // Open arrivals whose phases end before the run does leave an idle tail in every figure.
  double phases = 0.0;
  for (const auto& p : spec.traffic.phases)
    phases += p.duration;
  if (!spec.traffic.phases.empty() && spec.traffic.closed.users == 0 && !spec.traffic.replay &&
      phases < spec.duration) {
    out << "\nnote: the traffic's phases end at " << scenarios::formatDuration(phases) << " of the "
        << scenarios::formatDuration(spec.duration)
        << " run: no requests arrive after that, and throughput and utilization are over the "
           "whole run.\n";
  }
  // A replayed log that ends before the run does: the same idle tail.
  if (const auto& replay = spec.traffic.replay; replay && replay->requests &&
                                                !replay->requests->empty() &&
                                                replay->requests->back().time < spec.duration) {
    out << "\nnote: the replayed log's last request is at "
        << fixed(replay->requests->back().time, 1) << "s of the "
        << scenarios::formatDuration(spec.duration)
        << " run: no requests arrive after that, and throughput and utilization are over the "
           "whole run.\n";
  }
  return out.str();
}

std::string textReport(const models::ScenarioSpec& spec, const models::ExperimentResult& result) {
  std::ostringstream out;
  out << "lbsim: " << spec.name << " — " << spec.replications << " replication"
      << (spec.replications == 1 ? "" : "s") << " of " << scenarios::formatDuration(spec.duration)
      << " (warm-up " << scenarios::formatDuration(spec.warmup) << " deleted), seed " << spec.seed
      << "\n";
  if (spec.replications > 1)
    out << "figures are means over replications \u00b1 95% CI half-width\n";
  out << overloadWarnings(spec, result);
  // The name column fits the longest row label ("tier @ zone" rows included).
  std::size_t nameWidth = 22;
  for (const auto& t : spec.tiers) {
    for (const auto& target : t.targets)
      nameWidth = std::max(nameWidth, t.id.size() + target.zone.size() + 5);
  }
  for (const auto& c : spec.classes)
    nameWidth = std::max(nameWidth, c.id.size() + 2);
  const std::vector<std::pair<std::string, std::size_t>> columns = {
      {"", nameWidth}, {"p50 ms", 17}, {"p95 ms", 17}, {"p99 ms", 17},
      {"req/s", 17},   {"util %", 14}, {"errors", 10}};
  auto header = [&](const std::string& title) {
    out << "\n" << pad(title, columns[0].second);
    for (std::size_t c = 1; c < columns.size(); ++c)
      out << pad(columns[c].first, columns[c].second);
    out << "\n";
  };
  auto row = [&](const std::string& name, const std::string& prefix, bool tier) {
    out << pad(name, columns[0].second);
    out << pad(withCi(find(result, prefix + "latency_s/p50"), 1e3, 1), columns[1].second);
    out << pad(withCi(find(result, prefix + "latency_s/p95"), 1e3, 1), columns[2].second);
    out << pad(withCi(find(result, prefix + "latency_s/p99"), 1e3, 1), columns[3].second);
    out << pad(withCi(find(result, prefix + "throughput_rps"), 1.0, 1), columns[4].second);
    out << pad(tier ? withCi(find(result, prefix + "utilization"), 100.0, 1) : "",
               columns[5].second);
    double errors = 0.0;
    for (std::size_t k = 0; k < models::kErrorCauseCount; ++k) {
      const auto* f =
          find(result, prefix + "errors/" +
                           std::string(models::errorCauseName(static_cast<models::ErrorCause>(k))));
      if (f != nullptr) errors += f->estimate.mean;
    }
    out << fixed(errors, 0) << "\n";
  };
  header("end to end");
  row("all", "end_to_end/all/", false);
  for (const auto& c : spec.classes)
    row(c.id, "end_to_end/classes/" + c.id + "/", false);
  for (const auto& r : spec.regions) {
    if (find(result, "end_to_end/regions/" + r.id + "/requests") != nullptr) {
      row("region " + r.id, "end_to_end/regions/" + r.id + "/", false);
    }
  }
  for (const auto& l : spec.traffic.locations)
    row("clients in " + l.id, "end_to_end/locations/" + l.id + "/", false);
  header("tier");
  for (const auto& t : spec.tiers)
    row(t.id, "tiers/" + t.id + "/", true);
  // Per zone, for the tiers whose replicas run in zones.
  bool zones = false;
  for (const auto& t : spec.tiers) {
    std::vector<std::string> seen;
    for (const auto& target : t.targets) {
      if (target.zone.empty() || std::find(seen.begin(), seen.end(), target.zone) != seen.end()) {
        continue;
      }
      seen.push_back(target.zone);
      if (!zones) header("tier @ zone");
      zones = true;
      row(t.id + " @ " + target.zone, "tiers/" + t.id + "/zones/" + target.zone + "/", true);
    }
  }
  // The mechanisms: caches, rate limits, connection waits and replication lag.
  std::ostringstream more;
  for (const auto& t : spec.tiers) {
    const std::string p = "tiers/" + t.id + "/";
    if (t.cache) {
      more << "  " << pad(t.id + " cache hit ratio", nameWidth + 16)
           << withCi(find(result, p + "cache/hit_ratio"), 100.0, 1) << " %\n";
    }
    if (t.holdWorker) {
      more << "  " << pad(t.id + " wait for a worker/connection", nameWidth + 16)
           << withCi(find(result, p + "wait_s/mean"), 1e3, 2) << " ms (mean)\n";
    }
    if (t.pgbouncer) {
      more << "  " << pad(t.id + " server connections opened", nameWidth + 16)
           << withCi(find(result, p + "pgbouncer/servers_opened"), 1.0, 0) << " per replication\n";
    }
    if (t.replicationLag) {
      more << "  " << pad(t.id + " stale reads", nameWidth + 16)
           << withCi(find(result, p + "stale_reads"), 1.0, 0) << " per replication\n";
    }
    if (t.retries) {
      more << "  " << pad(t.id + " retries", nameWidth + 16)
           << withCi(find(result, p + "retries"), 1.0, 0) << " per replication\n";
    }
    if (t.healthCheck || t.passiveHealth) {
      more << "  " << pad(t.id + " health changes", nameWidth + 16)
           << withCi(find(result, p + "health_changes"), 1.0, 0) << " per replication\n";
    }
    const std::string limits = p + "rate_limits/";
    for (const auto& f : result.figures) {
      if (f.path.rfind(limits, 0) != 0) continue;
      const std::string rest = f.path.substr(limits.size());  // NAME/rejected
      more << "  " << pad(t.id + " " + rest, nameWidth + 16) << withCi(&f, 1.0, 0)
           << " per replication\n";
    }
  }
  if (!more.str().empty()) out << "\nmechanisms\n" << more.str();
  // Errors by cause, end to end, when there are any.
  {
    std::ostringstream causes;
    for (std::size_t k = 0; k < models::kErrorCauseCount; ++k) {
      const std::string name(models::errorCauseName(static_cast<models::ErrorCause>(k)));
      const auto* f = find(result, "end_to_end/all/errors/" + name);
      if (f == nullptr || !(f->estimate.mean > 0.0)) continue;
      causes << "  " << pad(name, nameWidth + 16) << withCi(f, 1.0, 0) << "\n";
    }
    if (!causes.str().empty()) {
      out << "\nclient errors by cause (per replication)\n" << causes.str();
      out << "  " << pad("availability", nameWidth + 16)
          << withCi(find(result, "end_to_end/all/availability"), 100.0, 3) << " %\n";
    }
  }
  // Autoscaled tiers: how far they scaled and what it cost.
  {
    std::ostringstream scaling;
    for (const auto& t : spec.tiers) {
      if (!t.autoscaler) continue;
      const std::string p = "tiers/" + t.id + "/autoscaler/";
      scaling << "  " << pad(t.id, nameWidth)
              << pad(withCi(find(result, p + "scale_changes"), 1.0, 1), 14)
              << pad(withCi(find(result, p + "max_desired"), 1.0, 1), 14)
              << pad(withCi(find(result, p + "final_desired"), 1.0, 1), 14)
              << withCi(find(result, p + "replica_hours"), 1.0, 2) << "\n";
    }
    if (!scaling.str().empty()) {
      out << "\nautoscaling (whole run)\n  " << pad("", nameWidth) << pad("changes", 14)
          << pad("max desired", 14) << pad("final", 14) << "replica-hours\n"
          << scaling.str();
    }
  }
  // Each fault of the timeline: how long until health checks took it out, what users saw.
  if (!spec.faults.empty()) {
    out << "\nfaults (seconds from the fault's start; back in rotation: from its end)\n";
    auto seconds = [&](const std::string& path) {
      const auto* f = find(result, path);
      if (f == nullptr || !std::isfinite(f->estimate.mean)) return std::string("never");
      return withCi(f, 1.0, 1) + " s";
    };
    for (std::size_t i = 0; i < spec.faults.size(); ++i) {
      const std::string p = "faults/" + std::to_string(i + 1) + "/";
      out << "  " << i + 1 << ". " << models::faultName(spec.faults[i]) << " at "
          << scenarios::formatDuration(spec.faults[i].at) << " ("
          << withCi(find(result, p + "replicas"), 1.0, 0)
          << (find(result, p + "replicas") != nullptr &&
                      find(result, p + "replicas")->estimate.mean == 1.0
                  ? " replica)\n"
                  : " replicas)\n");
      out << "     " << pad("first out of rotation", 31) << seconds(p + "first_out_s") << "\n";
      out << "     " << pad("all out of rotation", 31) << seconds(p + "all_out_s") << "\n";
      out << "     " << pad("client errors until then", 31)
          << withCi(find(result, p + "errors_until_all_out"), 1.0, 0) << "\n";
      out << "     " << pad("client errors while it lasted", 31)
          << withCi(find(result, p + "errors_during"), 1.0, 0) << "\n";
      out << "     " << pad("last client error", 31) << seconds(p + "last_error_s") << "\n";
      out << "     " << pad("back in rotation", 31) << seconds(p + "back_in_rotation_s") << "\n";
    }
  }
  out << "\nerrors are counts per replication after warm-up; causes in summary.json\n";
  return out.str();
}

void writeResultsFolder(const std::filesystem::path& folder, const models::ScenarioSpec& spec,
                        const models::ExperimentResult& result, const std::string& resolvedYaml) {
  std::filesystem::create_directories(folder);
  writeFileAtomically(folder / "scenario.resolved.yaml", resolvedYaml);
  writeFileAtomically(folder / "timeseries.csv", timeseriesCsv(result.series));
  writeFileAtomically(folder / "events.csv", eventsCsv(result.log));
  writeFileAtomically(folder / "summary.json", summaryJson(spec, result).dump(2) + "\n");
}

TraceCsvWriter::TraceCsvWriter(const std::filesystem::path& path) : file_(path) {
  file_.stream() << "replication,request,class,client,hop,tier,replica,arrived,started,departed,"
                    "outcome\n";
}

void TraceCsvWriter::write(const models::TraceRecord& r) {
  std::ostream& s = file_.stream();
  s << r.replication << ',' << r.request << ',' << *r.cls << ',' << r.client << ',';
  if (r.hop >= 0) s << r.hop;
  s << ',' << *r.tier << ',' << (r.replica != nullptr ? *r.replica : std::string()) << ','
    << csvNumber(r.arrived) << ',' << csvNumber(r.started) << ',' << csvNumber(r.departed) << ','
    << r.outcome << '\n';
  ++rows_;
}

}  // namespace lbsim::output
