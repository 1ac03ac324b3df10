#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/spec.h"

namespace lbsim::scenarios {

// Quantities written the way operators write them. Each parser returns the value in base
// units (seconds, events per second, a fraction) or nullopt when the text is not of that
// form; the sign is not checked here, callers say which values are allowed.

// `250ms`, `30s`, `5m`, `1h`, `2d`, `100us`, `1.5s`; a bare number is seconds.
std::optional<double> parseDuration(std::string_view text);
inline constexpr const char* kDurationForms = "a duration such as 250ms, 30s, 5m, 1h";

// `100/s`, `10r/m`, `3600/h`, `100rps`, `6000rpm`, `5/min`; a bare number is per second.
std::optional<double> parseRate(std::string_view text);
inline constexpr const char* kRateForms = "a rate such as 100/s, 10r/m, 3600/h";

// `70%`, or a bare fraction `0.7`.
std::optional<double> parsePercent(std::string_view text);
inline constexpr const char* kPercentForms = "a percentage such as 70% (or a fraction 0.7)";

// A plain decimal number (no unit), as yaml would read it.
std::optional<double> parseNumber(std::string_view text);

// Shortest text that reads back as the same value: `30s`, `250ms`, `0.1s`, `100/s`.
std::string formatDuration(double seconds);
std::string formatRate(double perSecond);
std::string formatNumber(double value);  // round-trip exact ("%.17g" shortened)

// Why a replication of `duration` seconds, sampled every `interval` seconds, would keep more
// time-series rows than models::kMaxTimeseriesSamples, with a readable interval that would
// do (1, 2 or 5 times a power of ten); nothing when it would not.
std::optional<std::string> timeseriesTooLong(double duration, double interval);

// Why `perSecond` over `duration` seconds would make more arrivals than models::kMaxArrivals,
// with the highest rate that would do; nothing when it would not. `what` names the rate
// ("rate", "ramp_to").
std::optional<std::string> tooManyArrivals(const std::string& what, double perSecond,
                                           double duration);

// The same limit for a scenario's open traffic over `duration`: each phase's `rate` and
// `ramp_to` as above (a problem of each, with `phase` its index and `key` the key), and when
// they are all within it, the arrivals the phases make with their spikes and daily curve,
// which multiply the rate (`key` "spikes" or "diurnal", whichever the traffic has first;
// the curve counted at its highest factor). Each message names the phase or the key.
// Empty when the traffic is within the limit.
struct ArrivalsProblem {
  std::optional<std::size_t> phase;
  std::string key;
  std::string message;
};
std::vector<ArrivalsProblem> tooManyArrivals(const models::TrafficSpec& traffic, double duration);

}  // namespace lbsim::scenarios
