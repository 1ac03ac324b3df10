#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "models/spec.h"
#include "scenarios/resilience.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

// A tier's `autoscaling:` mapping: the autoscaler from the operators' own file, the replica
// lifecycle and what a replica uses.
//   autoscaling:
//     hpa: autoscaling/user-service-hpa.yaml     # or asg: FILE, or script: FILE
//     initial: 3                    # replicas at the start (default: the autoscaler's own)
//     startup: {dist: lognormal, mean: 40s, cv: 0.3}   # created -> ready (default 30s)
//     drain: 30s                    # deregistration delay (default 300s)
//     warmup: {for: 60s, speed: 0.5}
//     resources: {cpu: 500m, cpu_per_busy_worker: 1, memory: 512Mi, memory_base: 256Mi,
//                 memory_per_request: 1Mi}
//     metrics_resolution: 15s       # how often the metrics pipeline samples (default 15s)
//     sync_period: 15s              # HPA: --horizontal-pod-autoscaler-sync-period
// The tier gets targets up to the autoscaler's maximum (copies of its last replica, spread
// over its zones like the others); `replicas` is how many it may have at most before that.
void parseTierAutoscaling(const yaml::Reader& in, const YAML::Node& node, const std::string& what,
                          models::TierSpec& tier, const LatencyParser& latency);

}  // namespace lbsim::scenarios
