// lbsim's entry of bench/compare.sh: the workload of bench/workload_params.h built as a
// ScenarioSpec and run as one replication of an experiment (models::runReplication), the
// path `lbsim run` takes: the statistics Collector attached and its time series sampled,
// without writing the results folder. wall_s covers the whole replication: building the
// network, the run and the summary figures.
//
// The scenario: one request class whose route visits the tiers in order; tier t has
// `replicas` targets of `servers` workers each, an unbounded queue, exponential service
// and the round_robin balancer (with equal weights: 0, 1, ..., R-1, 0, ...) or --policy; tiers are
// proxies (holdWorker off), so a replica frees its worker when it passes a request on,
// and no network latency is modelled.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "bench/workload_params.h"
#include "models/experiment.h"

namespace lbsim::models {
namespace {

ScenarioSpec scenario(const bench::WorkloadParams& p) {
  ScenarioSpec spec;
  spec.name = p.workload;
  spec.seed = p.seed;
  spec.duration = p.horizon();
  spec.traffic.phases = {{"steady", spec.duration, p.rate, std::nullopt}};
  spec.traffic.mix = {{"job", 1.0, {"job"}}};
  ClassSpec job;
  job.id = "job";
  for (std::uint32_t t = 0; t < p.tiers; ++t) {
    TierSpec tier;
    tier.id = "tier-" + std::to_string(t + 1);
    tier.service = core::Distribution::exponential(p.meanService);
    for (std::uint32_t r = 0; r < p.replicas; ++r) {
      TargetSpec target;
      target.name = tier.id + "-" + std::to_string(r + 1);
      target.workers = p.servers;
      tier.targets.push_back(target);
    }
    tier.balancer.policy = p.policy;
    job.route.push_back(tier.id);
    spec.tiers.push_back(tier);
  }
  spec.classes = {job};
  return spec;
}

double figure(const Figures& figures, const std::string& path) {
  for (const Figure& f : figures) {
    if (f.path == path) return f.value;
  }
  std::fprintf(stderr, "lbsim_workloads: no figure %s\n", path.c_str());
  std::exit(1);
}

}  // namespace
}  // namespace lbsim::models

int main(int argc, char** argv) {
  using namespace lbsim::models;
  const auto p = lbsim::bench::parseWorkloadParams(argc, argv, "lbsim_workloads", true);
  if (!lbsim::models::balancing::PolicyRegistry::withBuiltins().contains(p.policy)) {
    lbsim::bench::workloadUsage("lbsim_workloads", "unknown --policy");
  }
  const ScenarioSpec spec = scenario(p);
  const auto policies = balancing::PolicyRegistry::withBuiltins();
  const auto start = std::chrono::steady_clock::now();
  const ReplicationResult result = runReplication(spec, 0, policies);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  const double completed = figure(result.figures, "end_to_end/all/completed");
  lbsim::bench::printResult("lbsim", p, static_cast<std::uint64_t>(std::llround(completed)),
                            static_cast<long long>(result.events), wall.count(),
                            figure(result.figures, "end_to_end/all/latency_s/mean"),
                            std::string("lbsim, ") + lbsim::bench::kCompiler);
  return 0;
}
