#pragma once

#include <string>
#include <vector>

#include "models/autoscaling/hpa_spec.h"
#include "scenarios/error.h"

namespace lbsim::scenarios {

// Reads Kubernetes HorizontalPodAutoscaler manifests (`autoscaling/v2`, `v2beta2`, and `v1`
// with targetCPUUtilizationPercentage) — the files operators apply with kubectl, one or
// several documents separated by `---`; documents of other kinds are skipped. Checks every
// field as the API server's validation does for the parts lbsim models (metric types
// Resource, Pods, Object, External; behavior policies and windows within their ranges) and
// throws ScenarioError listing each problem as file:line:column with what is allowed.
// Returns the specs as written, without defaults (models::autoscaling::withApiDefaults).
std::vector<models::autoscaling::HpaSpec> loadHpaManifestFile(const std::string& path);
std::vector<models::autoscaling::HpaSpec> loadHpaManifestText(const std::string& text,
                                                              const std::string& fileName);

}  // namespace lbsim::scenarios
