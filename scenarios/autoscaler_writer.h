#pragma once

#include <string>

#include "models/autoscaling/aws_target_tracking.h"
#include "models/autoscaling/hpa_spec.h"
#include "models/autoscaling/threshold_rule.h"

namespace lbsim::scenarios {

// The autoscaler files as their loaders read them back, for a spec that may have been
// edited (lbsim-gui's what-if) and must be written out whole: loading the text gives the
// same spec again (tests/scenarios/autoscaler_writer_test.cc).

// An autoscaling/v2 HorizontalPodAutoscaler manifest (hpa_manifest.h): the fields as set,
// unset optional ones left out, so the API server's defaults apply again on reading.
std::string hpaManifestYaml(const models::autoscaling::HpaSpec& hpa);

// An Auto Scaling group file with its policies (autoscaler_policies.h): target tracking
// policies first, then step and simple scaling policies with their alarms.
std::string asgPolicyYaml(const models::autoscaling::AsgSpec& group);

// A threshold script's rule (autoscaler_policies.h), every field written.
std::string scalingScriptYaml(const models::autoscaling::ThresholdRule& rule);

}  // namespace lbsim::scenarios
