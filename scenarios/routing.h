#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "models/spec.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

// A gateway tier's `routing:` mapping:
//   routing:
//     nginx:                                  # the locations of its server block
//       - {location: /api/auth/, to: user-service}
//       - {location: "~* \.(css|js)$", to: static}
//       - {location: = /health, status: 200}  # answered by the gateway itself
//     default: {status: 404}                  # no location matches (nginx: 404)
// or
//   routing:
//     alb:                                    # listener rules, lowest priority first
//       - {priority: 10, path: [/api/auth/*], to: user-service}
//       - {priority: 20, host: [admin.*], method: [GET], to: admin}
//     default: {status: 404}                  # fixed-response, or {to: TIER} to forward
// Rule problems are reported at the rule; unknown target tiers list the tiers.
models::RoutingSpec parseRouting(const yaml::Reader& in, const YAML::Node& node,
                                 const std::string& what, const std::vector<std::string>& tierIds);

// The class's route through the gateways. With a `route`, each routing tier on it must send
// the class's request line to the next tier of the route (or, as the route's last tier,
// answer it itself); without one, the route is derived from `path` starting at `entry`
// (the first tier by default): a routing tier's rules decide the next tier, a tier with a
// single `next` goes on to it, and the route ends elsewhere. Sets `fixedStatus` when a
// gateway answers the request itself.
void resolveRoute(const yaml::Reader& in, const YAML::Node& classNode, models::ClassSpec& c,
                  const std::vector<models::TierSpec>& tiers);

}  // namespace lbsim::scenarios
