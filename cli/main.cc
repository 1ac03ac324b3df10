// lbsim: the command line. `lbsim run SCENARIO` simulates and writes a results folder;
// `lbsim check SCENARIO` only validates. Exit codes: 0 ok, 2 bad input, 1 internal error,
// 130 interrupted (Ctrl-C).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/explain.h"
#include "cli/explain_autoscaler.h"
#include "cli/explain_health.h"
#include "cli/explain_ratelimit.h"
#include "cli/output/results.h"
#include "models/balancing/policy.h"
#include "models/experiment.h"
#include "scenarios/loader.h"
#include "scenarios/units.h"
#include "scenarios/writer.h"
#include "validation/solve.h"
#include "validation/suite.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> gInterrupted{false};
extern "C" void onInterrupt(int) {
  gInterrupted.store(true);
}

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> replications;
  std::string duration;
  std::string out;
  bool trace = false;
  double traceFraction = 0.01;
  std::string traceFractionText;  // as typed: 0.05 or 5%
  bool quiet = false;
  std::vector<std::string> policies;  // TIER=POLICY overrides
  int jobs = 1;                       // replications run at once
  std::vector<std::string> replicas;  // TIER=N overrides
  std::string rate;                   // one constant phase at this rate
};

// A progress bar on stderr, redrawn at most every 100 ms of wall time, when stderr is a
// terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::uint32_t replications)
      : enabled_(::isatty(STDERR_FILENO) == 1),
        replications_(replications),
        fractions_(replications, 0.0) {}
  // Replications may run at once (--jobs): each reports its own fraction.
  void update(std::uint32_t replication, double fraction) {
    if (!enabled_) return;
    fractions_[replication] = fraction;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && fraction < 1.0) return;
    last_ = now;
    double sum = 0.0;
    std::uint32_t done = 0;
    for (const double f : fractions_) {
      sum += f;
      if (f >= 1.0) ++done;
    }
    const double overall = sum / replications_;
    const int width = 40;
    const int filled = static_cast<int>(overall * width);
    std::fprintf(stderr, "\r[%-*s] %3d%%  replications done %u/%u", width,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 static_cast<int>(overall * 100.0), done, replications_);
    std::fflush(stderr);
    shown_ = true;
  }
  void finish() {
    if (shown_) std::fprintf(stderr, "\r%*s\r", 70, "");
  }

 private:
  bool enabled_;
  std::uint32_t replications_;
  std::vector<double> fractions_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

lbsim::models::ScenarioSpec load(const std::string& path,
                                 const lbsim::models::balancing::PolicyRegistry& policies) {
  return lbsim::scenarios::loadScenarioFile(path, policies);
}

int runCommand(const RunArgs& args) {
  using namespace lbsim;
  // First of all, so that Ctrl-C at any later point ends the run through the cleanup below
  // rather than killing the process between creating the folder and writing to it.
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  models::ScenarioSpec spec = load(args.scenario, policies);
  if (args.seed) spec.seed = *args.seed;
  if (args.replications) {
    if (*args.replications < 1) throw BadInput("--replications must be 1 or more");
    spec.replications = *args.replications;
  }
  if (!args.duration.empty()) {
    const auto d = scenarios::parseDuration(args.duration);
    if (!d || *d <= 0.0) {
      throw BadInput("--duration '" + args.duration +
                     "' is not a positive duration; allowed: " + scenarios::kDurationForms);
    }
    if (*d <= spec.warmup) {
      throw BadInput("--duration " + args.duration + " is not longer than the warm-up " +
                     scenarios::formatDuration(spec.warmup));
    }
    spec.duration = *d;
    if (const auto problem = scenarios::timeseriesTooLong(spec.duration, spec.timeseriesInterval)) {
      throw BadInput("--duration " + args.duration + ": the scenario's " + *problem);
    }
    // (--rate replaces the phases; it is checked below.)
    if (args.rate.empty()) {
      const auto problems = scenarios::tooManyArrivals(spec.traffic, spec.duration);
      if (!problems.empty()) {
        throw BadInput("--duration " + args.duration + ": the scenario's " +
                       problems.front().message);
      }
    }
  }
  // TIER=VALUE of --policy and --replicas: the tier, and the value (empty when missing).
  auto tierOption = [&spec](const std::string& option, const std::string& o,
                            const char* form) -> std::pair<models::TierSpec*, std::string> {
    const auto eq = o.find('=');
    const std::string tier = o.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : o.substr(eq + 1);
    auto it = std::find_if(spec.tiers.begin(), spec.tiers.end(),
                           [&](const models::TierSpec& t) { return t.id == tier; });
    if (it == spec.tiers.end() || value.empty()) {
      std::string tiers;
      for (const auto& t : spec.tiers)
        tiers += (tiers.empty() ? "" : ", ") + t.id;
      throw BadInput(option + " '" + o + "' must be " + form + " with a tier of the scenario; " +
                     "tiers: " + tiers);
    }
    return {&*it, value};
  };
  for (const std::string& o : args.replicas) {
    const auto [tier, value] = tierOption("--replicas", o, "TIER=N");
    std::size_t used = 0;
    unsigned long n = 0;
    try {
      n = std::stoul(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || n < 1 || n > 10000) {
      throw BadInput("--replicas '" + o + "': the count must be a whole number from 1 to 10000");
    }
    if (tier->autoscaler) {
      throw BadInput("--replicas '" + o + "': tier " + tier->id +
                     " is autoscaled; its replica count comes from its autoscaler");
    }
    models::setReplicaCount(*tier, static_cast<std::uint32_t>(n));
  }
  if (!args.rate.empty()) {
    const auto r = scenarios::parseRate(args.rate);
    if (!r || *r <= 0.0) {
      throw BadInput("--rate '" + args.rate +
                     "' is not a positive rate; allowed: " + scenarios::kRateForms);
    }
    if (const auto problem = scenarios::tooManyArrivals("--rate", *r, spec.duration)) {
      throw BadInput(*problem);
    }
    if (spec.traffic.phases.empty()) {
      throw BadInput("--rate needs open traffic (phases); this scenario's traffic is " +
                     std::string(spec.traffic.replay ? "a replay" : "closed users"));
    }
    // One constant phase for the whole run, in place of the phases, spikes and daily cycle.
    spec.traffic.phases = {{"constant " + args.rate, spec.duration, *r, std::nullopt}};
    spec.traffic.spikes.clear();
    spec.traffic.diurnal.reset();
  }
  for (const std::string& o : args.policies) {
    const auto [it, policy] = tierOption("--policy", o, "TIER=POLICY");
    if (!policies.contains(policy)) {
      std::string names;
      for (const auto& n : policies.names())
        names += (names.empty() ? "" : ", ") + n;
      throw BadInput("--policy: unknown balancing policy '" + policy + "'; allowed: " + names);
    }
    it->balancer.policy = policy;
    it->balancer.options = {};  // options belong to the policy they were written for
  }
  if (args.jobs < 1) throw BadInput("--jobs must be 1 or more");
  double traceFraction = args.traceFraction;
  if (!args.traceFractionText.empty()) {
    std::string text = args.traceFractionText;
    const bool percent = text.back() == '%';
    if (percent) text.pop_back();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    const double fraction = percent ? v / 100.0 : v;
    if (text.empty() || end != text.c_str() + text.size() || !(fraction > 0.0 && fraction <= 1.0)) {
      throw BadInput("--trace-fraction '" + args.traceFractionText +
                     "' is not a fraction of the requests; allowed: a number in (0, 1] such as "
                     "0.05, or a percentage such as 5%");
    }
    traceFraction = fraction;
  }
  const std::filesystem::path folder = args.out.empty()
                                           ? std::filesystem::path("results") / spec.name
                                           : std::filesystem::path(args.out);
  const bool folderExisted = std::filesystem::exists(folder);
  std::filesystem::create_directories(folder);
  // A trace from an earlier run in this folder would not belong to these results.
  if (!args.trace) std::filesystem::remove(folder / "trace.csv");

  ProgressBar bar(spec.replications);
  std::unique_ptr<output::TraceCsvWriter> trace;
  if (args.trace) trace = std::make_unique<output::TraceCsvWriter>(folder / "trace.csv");
  models::RunHooks hooks;
  hooks.progress = [&](std::uint32_t r, double f) { bar.update(r, f); };
  hooks.interrupted = [] { return gInterrupted.load(); };
  hooks.trace = trace.get();
  hooks.traceFraction = traceFraction;

  const auto started = std::chrono::steady_clock::now();
  models::ExperimentResult result;
  try {
    result = models::runExperiment(spec, policies, hooks, static_cast<unsigned>(args.jobs));
  } catch (const models::RunError& e) {
    // The scenario's doing, as bad input is: nothing written, the folder as it was.
    bar.finish();
    trace.reset();  // removes the trace's partial file
    std::error_code ignored;
    if (!folderExisted) std::filesystem::remove(folder, ignored);  // only if left empty
    throw BadInput(std::string(e.what()) + "; no results written");
  }
  bar.finish();
  if (result.interrupted) {
    std::cerr << "lbsim: interrupted; no results written\n";
    trace.reset();  // removes the trace's partial file
    std::error_code ignored;
    if (!folderExisted) std::filesystem::remove(folder, ignored);  // only if left empty
    return kExitInterrupted;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  output::writeResultsFolder(folder, spec, result, scenarios::resolvedScenarioYaml(spec));
  if (trace) trace->finish();
  if (!args.quiet) std::cout << output::textReport(spec, result);
  std::cerr << "lbsim: " << result.events << " events in " << wall << " s wall time ("
            << static_cast<long long>(static_cast<double>(result.events) / std::max(wall, 1e-9))
            << " events/s); results in " << folder.string() << "/\n";
  return kExitOk;
}

int solveCommand(const std::string& path, const std::string& rateText) {
  using namespace lbsim;
  double rate = -1.0;  // the peak of the phases
  if (!rateText.empty()) {
    const auto r = scenarios::parseRate(rateText);
    if (!r || *r <= 0.0) {
      throw BadInput("--rate '" + rateText + "' is not a positive rate of users; allowed: " +
                     scenarios::kRateForms + " (a plain number is per second)");
    }
    rate = *r;
  }
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  const models::ScenarioSpec spec = load(path, policies);
  if (rate > 0.0 && spec.traffic.mix.empty()) {
    throw BadInput("--rate: " + path +
                   " has no traffic mix (its traffic is a replayed log), so a rate of users "
                   "makes no requests; allowed: --rate with a scenario that has a mix");
  }
  const auto r = validation::solveScenario(spec, rate);
  if (r.closedUsers > 0) {
    std::printf(
        "lbsim solve: %s with %u closed-loop users, think time %g s = %.1f requests/s (analytic "
        "estimate, no simulation)\n\n",
        spec.name.c_str(), r.closedUsers, r.thinkTime, r.requestRate);
  } else {
    std::printf(
        "lbsim solve: %s at %g users/s = %.1f requests/s (analytic estimate, no simulation)\n\n",
        spec.name.c_str(), r.userRate, r.requestRate);
  }
  std::printf("%-22s %10s %8s %10s %10s %8s %10s %9s\n", "tier", "req/s", "util %", "wait ms",
              "time ms", "cv(S)", "saturates", "repl@70%");
  for (const auto& t : r.tiers) {
    char saturates[32] = "-";  // a tier no request reaches
    if (std::isfinite(t.saturation))
      std::snprintf(saturates, sizeof saturates, "%.2fx", t.saturation);
    std::printf("%-22s %10.1f %8.1f %10.3f %10.3f %8.2f %10s %9u\n", t.id.c_str(), t.arrivalRate,
                100 * t.utilization, 1e3 * t.meanWait, 1e3 * t.meanResponse, t.serviceCv, saturates,
                t.replicasFor70);
  }
  std::printf("\n%-22s %10s %12s\n", "class", "req/s", "mean ms");
  for (const auto& c : r.classes) {
    std::printf("%-22s %10.1f %12.3f\n", c.id.c_str(), c.arrivalRate, 1e3 * c.meanResponse);
  }
  if (r.bottleneck.empty()) {
    std::printf(
        "\nbottleneck: none (no request reaches a tier at this rate; --rate N/s estimates the "
        "scenario at an open rate of N users/s)\n");
  } else if (r.closedUsers > 0) {
    std::printf(
        "\nbottleneck: %s; beyond about %.4g users (%.2fx these) it limits the throughput, and "
        "more users wait longer (Kleinrock's saturation point)\n",
        r.bottleneck.c_str(), r.saturationUserRate, r.saturationUserRate / r.userRate);
  } else {
    std::printf("\nbottleneck: %s; it reaches 100%% at %.4g users/s (%.2fx the evaluated rate)\n",
                r.bottleneck.c_str(), r.saturationUserRate, r.saturationUserRate / r.userRate);
  }
  std::printf(
      "(utilization and saturation are of each tier's busiest replica; repl@70%% is the\n"
      " number of average replicas that keeps the tier at 70%% at this rate)\n");
  if (r.closedUsers > 0) {
    std::printf(
        "(with closed-loop users, saturates is the busiest replica's throughput headroom,\n"
        " 1 / utilization; the bottleneck line counts users instead, whose waits grow too)\n");
  }
  std::printf("\nwhere the approximation does not hold:\n");
  for (const auto& c : r.caveats)
    std::printf("  - %s\n", c.c_str());
  return kExitOk;
}

int validateCommand(bool quick, bool sweep, const std::string& markdown, const std::string& csv) {
  using namespace lbsim;
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  const auto cases = validation::canonicalCases(quick);
  const auto sweepCases = sweep ? validation::utilizationSweep(quick) : decltype(cases){};
  std::vector<validation::CaseResult> results;
  std::vector<validation::CaseResult> sweepResults;
  bool allPassed = true;
  std::printf("%-34s %12s %12s %22s %6s %6s %9s\n", "case", "exact", "simulated", "95% CI", "in95",
              "pass", "rel.err");
  const std::size_t judged =
      validation::intervalCases(cases) + validation::intervalCases(sweepCases);
  const double confidence = 1.0 - 0.05 / static_cast<double>(judged);
  std::printf(
      "(each case judged at the Bonferroni level %.4g%% for %zu cases; the interval shown "
      "is the 95%% one)\n",
      100 * confidence, judged);
  auto run = [&](const validation::ValidationCase& c, std::vector<validation::CaseResult>& into) {
    const auto r = validation::runCase(c, policies, confidence);
    into.push_back(r);
    allPassed &= r.passed;
    char ci[64];
    std::snprintf(ci, sizeof ci, "[%.5g, %.5g]", r.mean - r.halfWidth, r.mean + r.halfWidth);
    std::printf("%-34s %12.6g %12.6g %22s %6s %6s %+8.2f%%\n", c.name.c_str(), c.exact, r.mean, ci,
                c.limit ? "-" : (r.inCi95 ? "yes" : "no"), r.passed ? "yes" : "NO",
                100 * r.relativeError);
    std::fflush(stdout);
  };
  for (const auto& c : cases)
    run(c, results);
  for (const auto& c : sweepCases)
    run(c, sweepResults);
  if (!markdown.empty()) {
    output::writeFileAtomically(markdown, validation::markdownReport(results, sweepResults, quick));
  }
  if (!csv.empty()) {
    std::string text = "model,load,exact,mean,half_width\n";
    for (const auto& r : sweepResults) {
      text += r.c->model + "," + output::csvNumber(r.c->load) + "," +
              output::csvNumber(r.c->exact) + "," + output::csvNumber(r.mean) + "," +
              output::csvNumber(r.halfWidth) + "\n";
    }
    output::writeFileAtomically(csv, text);
  }
  std::printf("%s\n", allPassed ? "validation: every case passed"
                                : "validation: FAILED (see the rows marked NO)");
  return allPassed ? kExitOk : kExitInternal;
}

int checkCommand(const std::string& path) {
  using namespace lbsim;
  const auto policies = models::balancing::PolicyRegistry::withBuiltins();
  const models::ScenarioSpec spec = load(path, policies);
  std::size_t replicas = 0;
  for (const auto& t : spec.tiers)
    replicas += t.targets.size();
  const auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::cout << path << ": ok — " << count(spec.tiers.size(), "tier", "tiers") << ", "
            << count(replicas, "replica", "replicas") << ", "
            << count(spec.classes.size(), "class", "classes") << ", "
            << count(spec.traffic.mix.size(), "mix entry", "mix entries") << ", "
            << count(spec.traffic.phases.size(), "phase", "phases") << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lbsim: a discrete-event simulator for load-balancing architectures"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lbsim 0.1.0");

  RunArgs run;
  CLI::App* runCmd = app.add_subcommand("run", "simulate a scenario and write its results folder");
  runCmd->add_option("scenario", run.scenario, "scenario file (YAML)")->required();
  runCmd->add_option("--seed", run.seed, "override the scenario's seed")
      ->check(
          [](const std::string& text) -> std::string {
            // The scenario's own seed key allows the same range, so that the resolved
            // scenario written with the results reads back.
            const bool digits = !text.empty() && text.size() <= 16 &&
                                text.find_first_not_of("0123456789") == std::string::npos;
            if (digits && std::stoull(text) <= (1ULL << 53)) return "";
            return "must be a whole number from 0 to 9007199254740992, not '" + text + "'";
          },
          "0 to 2^53");
  runCmd->add_option("--replications", run.replications, "override the number of replications");
  runCmd->add_option("--duration", run.duration, "override the simulated duration (e.g. 10m)");
  runCmd->add_option("--out", run.out, "results folder (default results/<scenario name>)");
  runCmd->add_flag("--trace", run.trace, "also write trace.csv: sampled per-request records");
  runCmd->add_option("--trace-fraction", run.traceFractionText,
                     "fraction of requests traced: 0.05 or 5% (default 0.01)");
  runCmd->add_flag("--quiet", run.quiet, "do not print the report");
  runCmd->add_option("--policy", run.policies,
                     "TIER=POLICY: balance TIER with POLICY instead (repeatable)");
  runCmd->add_option("--replicas", run.replicas,
                     "TIER=N: run TIER with N replicas instead (repeatable)");
  runCmd->add_option("--rate", run.rate,
                     "one constant arrival rate (e.g. 4000/s) for the whole run, in place of the "
                     "scenario's phases, spikes and daily cycle");
  runCmd->add_option("--jobs", run.jobs,
                     "replications run at once, one per core (default 1); the results are the "
                     "same for any number");

  std::string checkPath;
  CLI::App* checkCmd = app.add_subcommand("check", "validate a scenario without simulating");
  checkCmd->add_option("scenario", checkPath, "scenario file (YAML)")->required();

  std::string solvePath;
  std::string solveRate;
  CLI::App* solveCmd = app.add_subcommand(
      "solve", "instant analytic estimate: utilization, waits, saturation point");
  solveCmd->add_option("scenario", solvePath, "scenario file (YAML)")->required();
  solveCmd->add_option("--rate", solveRate,
                       "users to evaluate, e.g. 4000 or 4000/s (default: the peak of the phases)");

  bool validateQuick = false;
  bool validateNoSweep = false;
  std::string validateMarkdown;
  std::string validateCsv;
  CLI::App* validateCmd = app.add_subcommand(
      "validate", "run the simulator on canonical queueing models and compare with exact values");
  validateCmd->add_flag("--quick", validateQuick, "shorter runs (wider intervals), as in CI");
  validateCmd->add_flag("--no-sweep", validateNoSweep, "skip the utilization sweep");
  validateCmd->add_option("--markdown", validateMarkdown, "write the report as Markdown to FILE");
  validateCmd->add_option("--csv", validateCsv, "write the sweep (for the figure) as CSV to FILE");

  lbsim::cli::ExplainBalancerArgs explain;
  CLI::App* explainCmd =
      app.add_subcommand("explain", "show how a mechanism decides, step by step");
  explainCmd->require_subcommand(1);
  CLI::App* explainBalancer =
      explainCmd->add_subcommand("balancer", "each pick of a balancing policy, with its reason");
  explainBalancer->add_option("--policy", explain.policy, "policy name")->required();
  explainBalancer->add_option("--weights", explain.weights, "target weights, e.g. 5,1,1")
      ->delimiter(',');
  explainBalancer->add_option("--backup", explain.backups, "backup targets (1-based), e.g. 3")
      ->delimiter(',');
  explainBalancer->add_option("--down", explain.down, "unavailable targets (1-based)")
      ->delimiter(',');
  explainBalancer->add_option("--option", explain.options, "policy option key=value");
  explainBalancer->add_option("--requests", explain.requests, "number of picks (default 10)");
  explainBalancer->add_option("--in-flight", explain.inFlight,
                              "requests kept outstanding, the oldest finishing first (default 0)");
  explainBalancer->add_option("--clients", explain.clients,
                              "distinct clients cycled through (default: a new one per request)");
  explainBalancer->add_option("--seed", explain.seed, "seed of the policy's random stream");
  explainBalancer->add_option("--sticky", explain.sticky,
                              "cookie stickiness lifetime in seconds (default: none)");
  lbsim::cli::ExplainAutoscalerArgs explainAutoscalerArgs;
  CLI::App* explainAutoscalerCmd =
      lbsim::cli::addExplainAutoscalerCommand(*explainCmd, explainAutoscalerArgs);
  lbsim::cli::ExplainHealthArgs explainHealthArgs;
  CLI::App* explainHealthCmd = lbsim::cli::addExplainHealthCommand(*explainCmd, explainHealthArgs);
  lbsim::cli::ExplainRateLimitArgs explainRateLimitArgs;
  CLI::App* explainRateLimitCmd =
      lbsim::cli::addExplainRateLimitCommand(*explainCmd, explainRateLimitArgs);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (*runCmd) return runCommand(run);
    if (*checkCmd) return checkCommand(checkPath);
    if (*solveCmd) return solveCommand(solvePath, solveRate);
    if (*validateCmd) {
      return validateCommand(validateQuick, !validateNoSweep, validateMarkdown, validateCsv);
    }
    if (*explainAutoscalerCmd) {
      try {
        lbsim::cli::explainAutoscaler(explainAutoscalerArgs);
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());  // a bad option, or a trace that cannot drive the autoscaler
      }
      return kExitOk;
    }
    if (*explainHealthCmd) {
      try {
        lbsim::cli::explainHealth(explainHealthArgs);
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());  // a bad mechanism setting, time or failure kind
      }
      return kExitOk;
    }
    if (*explainRateLimitCmd) {
      try {
        lbsim::cli::explainRateLimit(explainRateLimitArgs);
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());  // a bad limiter setting or arrival time
      }
      return kExitOk;
    }
    if (*explainBalancer) {
      try {
        lbsim::cli::explainBalancer(explain);
      } catch (const std::invalid_argument& e) {
        throw BadInput(e.what());  // a bad policy name, weight or option
      }
      return kExitOk;
    }
  } catch (const lbsim::scenarios::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const BadInput& e) {
    std::cerr << "lbsim: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "lbsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitInternal;
}
