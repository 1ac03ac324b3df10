#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "models/spec.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

// `traffic.replay`: a recorded nginx access log replayed as the traffic.
//   replay:
//     file: logs/sample-access.log    # relative to the scenario file (else to the working
//                                     # directory)
//     format: main_ext                # a preset, a log_format string or a pasted directive
//     speed: 10x                      # 10 times faster than recorded (default 1x)
//     classes:                        # the logged path -> class, in nginx location syntax
//       - {location: /api/auth/, class: auth-login}
//       - {location: "~ ^/api/courses/[0-9]+$", class: course-get}
//     default_class: static           # paths no rule takes (else such a line is an error)
//     demand: {tier: app, from: request_time}   # the logged time as that tier's demand
// Reads the log (errors located in it), maps every line to a class and fills `requests`.
// A file named in a scenario (a log, an HPA manifest): a relative path is looked up next to
// the scenario file first (and made absolute when found there, so that a resolved scenario
// written elsewhere finds it), then from the working directory.
std::string resolveLogPath(const std::string& file, const std::string& scenarioFile);

models::ReplaySpec parseReplay(const yaml::Reader& in, const YAML::Node& node,
                               const std::string& scenarioFile,
                               const std::vector<models::ClassSpec>& classes);

}  // namespace lbsim::scenarios
