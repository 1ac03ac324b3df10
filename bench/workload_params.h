#pragma once

// The command line and the result line shared by the C++ engines of bench/compare.sh (the
// hand-written loop, lbsim's driver and the ns-3 program), so that they read the same
// workload description and print the same fields. Header-only and free of lbsim: the hand
// loop and the ns-3 program link nothing of the project.
//
// The workload: Poisson arrivals at `--rate`; `--tiers` tiers in series; each tier has
// `--replicas` replicas picked in round robin (0, 1, ..., R-1, 0, ...); each replica is a
// FIFO queue with `--servers` servers and exponential service of mean `--mean-service`.
// A customer leaving a tier enters the next at once. A run covers [0, customers / rate] of
// simulated time from an empty network.
//
// The result line, key=value separated by spaces: engine, workload, customers (those that
// left the last tier within the run), kernel_events (what the engine's own calendar
// executed, or -1 if it does not say), wall_s, mean_sojourn (over the counted customers)
// and, last, version (what ran it: compiler, library versions; may contain spaces).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lbsim::bench {

struct WorkloadParams {
  std::string workload = "custom";
  std::uint32_t tiers = 1;
  std::uint32_t replicas = 1;
  std::uint32_t servers = 1;
  double rate = 0.9;
  double meanService = 1.0;
  double customers = 1e6;  // expected arrivals: the run lasts customers / rate
  std::uint64_t seed = 1;
  // The balancing policy of every tier. Only lbsim's driver takes another than round
  // robin (the scale benchmarks of bench/scale.sh); the other engines refuse it.
  std::string policy = "round_robin";

  double horizon() const { return customers / rate; }
};

[[noreturn]] inline void workloadUsage(const char* program, const char* why) {
  std::fprintf(stderr,
               "%s: %s\nusage: %s [--workload NAME] [--tiers K] [--replicas R] [--servers C] "
               "[--rate LAMBDA] [--mean-service S] [--customers N] [--seed N] [--policy NAME]\n",
               program, why, program);
  std::exit(2);
}

// `policies`: whether the program balances with other policies than round robin.
inline WorkloadParams parseWorkloadParams(int argc, char** argv, const char* program,
                                          bool policies = false) {
  WorkloadParams p;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view key = argv[i];
      if (i + 1 >= argc) workloadUsage(program, "every option takes a value");
      const std::string value = argv[++i];
      if (key == "--workload") {
        p.workload = value;
      } else if (key == "--tiers") {
        p.tiers = static_cast<std::uint32_t>(std::stoul(value));
      } else if (key == "--replicas") {
        p.replicas = static_cast<std::uint32_t>(std::stoul(value));
      } else if (key == "--servers") {
        p.servers = static_cast<std::uint32_t>(std::stoul(value));
      } else if (key == "--rate") {
        p.rate = std::stod(value);
      } else if (key == "--mean-service") {
        p.meanService = std::stod(value);
      } else if (key == "--customers") {
        p.customers = std::stod(value);
      } else if (key == "--seed") {
        p.seed = std::stoull(value);
      } else if (key == "--policy") {
        if (!policies && value != "round_robin") {
          workloadUsage(program, "only round_robin here; lbsim_workloads takes other policies");
        }
        p.policy = value;
      } else {
        workloadUsage(program, "unknown option");
      }
    }
  } catch (const std::exception&) {
    workloadUsage(program, "a value is not a number");
  }
  if (p.tiers == 0 || p.replicas == 0 || p.servers == 0 || !(p.rate > 0.0) ||
      !(p.meanService > 0.0) || !(p.customers > 0.0)) {
    workloadUsage(program, "tiers, replicas, servers, rate, mean-service, customers must be > 0");
  }
  return p;
}

// The compiler that built the program, for the result line's version.
#if defined(__clang__)
inline constexpr const char* kCompiler = "clang " __clang_version__;
#elif defined(__GNUC__)
inline constexpr const char* kCompiler = "g++ " __VERSION__;
#else
inline constexpr const char* kCompiler = "unknown compiler";
#endif

inline void printResult(const char* engine, const WorkloadParams& p, std::uint64_t customers,
                        long long kernelEvents, double wallSeconds, double meanSojourn,
                        const std::string& version) {
  std::printf(
      "engine=%s workload=%s customers=%llu kernel_events=%lld wall_s=%.6f mean_sojourn=%.6f "
      "version=%s\n",
      engine, p.workload.c_str(), static_cast<unsigned long long>(customers), kernelEvents,
      wallSeconds, meanSojourn, version.c_str());
}

}  // namespace lbsim::bench
