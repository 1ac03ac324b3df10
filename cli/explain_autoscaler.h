#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace lbsim::cli {

// `lbsim explain autoscaler`: a recorded metric trace replayed through an autoscaler — a
// Kubernetes HPA (its real manifest), EC2 Auto Scaling target tracking, or a threshold
// script — decision by decision, with the controller's reason for each.
struct ExplainAutoscalerArgs {
  std::string hpa;      // --hpa manifest.yaml (autoscaling/v2 HorizontalPodAutoscaler)
  std::string hpaName;  // --hpa-name: which HPA of a multi-document manifest
  std::string asg;      // --asg group.yaml (target tracking policies)
  std::string script;   // --script rule.yaml (threshold script)
  std::string metrics;  // --metrics trace.csv

  std::string replicas;               // initial replicas / capacity / instances
  std::vector<std::string> requests;  // per-pod requests: cpu=500m,memory=512Mi
  std::string syncPeriod = "15s";
  std::string tolerance = "0.1";
  std::string downscaleStabilization = "5m";
  std::string cpuInitializationPeriod = "5m";
  std::string initialReadinessDelay = "30s";
  std::string metricWindow = "30s";
  std::string podStartup = "30s";
  std::string launchTime = "60s";
  bool openLoop = false;
  bool all = false;      // print every decision, not only changes
  bool verbose = false;  // each metric's arithmetic and the conditions
};

// Adds the `autoscaler` subcommand to `explain`; the options fill `args`.
CLI::App* addExplainAutoscalerCommand(CLI::App& explain, ExplainAutoscalerArgs& args);

// Prints the replay to stdout. Throws std::invalid_argument on bad arguments and
// scenarios::ScenarioError on a bad file.
void explainAutoscaler(const ExplainAutoscalerArgs& args);

}  // namespace lbsim::cli
