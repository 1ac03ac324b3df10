#pragma once

// Internal to the scenarios library: the shape of open traffic in the scenario language, read
// and written for the loader (loader.cc) and the writer of the resolved scenario. Three keys
// of the `traffic` mapping:
//
//   arrivals: poisson | uniform
//           | {process: hyperexponential, cv: 3}
//           | {process: mmpp, states: [{factor: 0.5, mean_sojourn: 60s},
//                                      {factor: 4, mean_sojourn: 5s}]}
//   spikes:  [{at: 10m, duration: 2m, factor: 10}]
//   diurnal: {period: 24h, peak_at: 14h, min_factor: 0.2}
//          | {period: 24h, points: [0.3, 0.25, ..., 1.0]}
//
// Their meaning is models::TrafficSpec's (models/spec.h); docs/scenarios.md, "Traffic shapes".
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "models/spec.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

// The keys parseTrafficShape reads, for the loader's list of allowed `traffic` keys.
std::vector<std::string> trafficShapeKeys();

// Reads `arrivals`, `spikes` and `diurnal` from the `traffic` mapping into `out`, leaving what
// is absent as it is (Poisson, no spikes, no curve) and every other key to the caller. Each
// problem is recorded in `in` (Reader::collect), located, with what is allowed; reading goes on
// with the next key, spike or state, and the caller throws them with the rest of the file's.
void parseTrafficShape(yaml::Reader& in, const YAML::Node& traffic, models::TrafficSpec& out);

// Writes the same keys inside the `traffic` mapping being emitted, so that reading them back
// gives the same values: `arrivals` always, `spikes` and `diurnal` when there are any. MMPP
// factors are written as given, before normalization.
void emitTrafficShape(YAML::Emitter& out, const models::TrafficSpec& t);

}  // namespace lbsim::scenarios
