#include "scenarios/units.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "models/spec.h"
#include "models/traffic/rate_profile.h"

namespace lbsim::scenarios {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Splits "12.5ms" into 12.5 and "ms". The number must be complete and finite.
std::optional<std::pair<double, std::string_view>> splitNumber(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::general);
  if (ec != std::errc() || ptr == begin || !std::isfinite(value)) return std::nullopt;
  return std::make_pair(value, trim(std::string_view(ptr, static_cast<std::size_t>(end - ptr))));
}
}  // namespace

std::optional<double> parseNumber(std::string_view text) {
  const auto parts = splitNumber(text);
  if (!parts || !parts->second.empty()) return std::nullopt;
  return parts->first;
}

std::optional<double> parseDuration(std::string_view text) {
  const auto parts = splitNumber(text);
  if (!parts) return std::nullopt;
  const auto [value, unit] = *parts;
  if (unit.empty() || unit == "s" || unit == "sec") return value;
  if (unit == "ms") return value * 1e-3;
  if (unit == "us" || unit == "\xC2\xB5s") return value * 1e-6;
  if (unit == "ns") return value * 1e-9;
  if (unit == "m" || unit == "min") return value * 60.0;
  if (unit == "h") return value * 3600.0;
  if (unit == "d") return value * 86400.0;
  return std::nullopt;
}

std::optional<double> parseRate(std::string_view text) {
  const auto parts = splitNumber(text);
  if (!parts) return std::nullopt;
  const auto [value, unit] = *parts;
  if (unit.empty() || unit == "/s" || unit == "r/s" || unit == "rps" || unit == "/sec") {
    return value;
  }
  if (unit == "/m" || unit == "r/m" || unit == "rpm" || unit == "/min") return value / 60.0;
  if (unit == "/h" || unit == "r/h" || unit == "rph") return value / 3600.0;
  return std::nullopt;
}

std::optional<double> parsePercent(std::string_view text) {
  const auto parts = splitNumber(text);
  if (!parts) return std::nullopt;
  const auto [value, unit] = *parts;
  if (unit == "%") return value / 100.0;
  if (unit.empty()) return value;
  return std::nullopt;
}

std::string formatNumber(double value) {
  char buffer[64];
  // The fewest significant digits (at least 6) with which %g reads back as the same double.
  // No fewer than the shortest round-trip representation's digits can, so the search starts
  // there: one or two formats instead of up to twelve (the trace writes three numbers a row).
  int start = 6;
  if (std::isfinite(value)) {
    const auto shortest =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    int digits = 0;
    for (const char* c = buffer; c < shortest.ptr && *c != 'e'; ++c)
      digits += *c >= '0' && *c <= '9';
    start = std::clamp(digits, 6, 17);
  }
  for (int precision = start; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string formatDuration(double seconds) {
  if (seconds != 0.0 && std::fabs(seconds) < 1.0) {
    const double ms = seconds * 1e3;
    if (ms * 1e-3 == seconds) return formatNumber(ms) + "ms";
  }
  return formatNumber(seconds) + "s";
}

std::string formatRate(double perSecond) {
  return formatNumber(perSecond) + "/s";
}

namespace {
// The smallest of 1, 2 or 5 times a power of ten that is at least x > 0.
double niceStepAtLeast(double x) {
  const double power = std::pow(10.0, std::floor(std::log10(x)));
  for (const double f : {1.0, 2.0, 5.0}) {
    if (f * power >= x) return f * power;
  }
  return 10.0 * power;
}
}  // namespace

std::optional<std::string> timeseriesTooLong(double duration, double interval) {
  if (!(interval > 0.0) || duration / interval <= models::kMaxTimeseriesSamples)
    return std::nullopt;
  char samples[32];
  std::snprintf(samples, sizeof samples, "%.3g", duration / interval);
  return "timeseries_interval " + formatDuration(interval) + " over the duration " +
         formatDuration(duration) + " makes " + samples +
         " time-series samples; allowed: at most 1,000,000 (a timeseries_interval of " +
         formatDuration(niceStepAtLeast(duration / models::kMaxTimeseriesSamples)) + " or more)";
}

std::optional<std::string> tooManyArrivals(const std::string& what, double perSecond,
                                           double duration) {
  if (!(duration > 0.0) || perSecond * duration <= models::kMaxArrivals) return std::nullopt;
  char arrivals[32];
  std::snprintf(arrivals, sizeof arrivals, "%.3g", perSecond * duration);
  // The highest rate allowed, cut (not rounded) to three significant digits.
  const double most = models::kMaxArrivals / duration;
  const double step = std::pow(10.0, std::floor(std::log10(most)) - 2.0);
  char allowed[32];
  std::snprintf(allowed, sizeof allowed, "%.3g/s", std::floor(most / step) * step);
  return what + " " + formatRate(perSecond) + " would make " + arrivals +
         " arrivals over the duration " + formatDuration(duration) +
         "; allowed: at most 1e12 (a rate of at most " + allowed + " over this duration)";
}

std::vector<ArrivalsProblem> tooManyArrivals(const models::TrafficSpec& traffic, double duration) {
  std::vector<ArrivalsProblem> problems;
  for (std::size_t i = 0; i < traffic.phases.size(); ++i) {
    const models::PhaseSpec& p = traffic.phases[i];
    for (const auto& [key, value] :
         {std::pair{"rate", std::optional(p.rate)}, std::pair{"ramp_to", p.rampTo}}) {
      if (!value) continue;
      if (const auto problem = tooManyArrivals(key, *value, duration)) {
        problems.push_back({i, key, "phase " + std::to_string(i + 1) + " " + *problem});
      }
    }
  }
  if (!problems.empty() || traffic.phases.empty() || (traffic.spikes.empty() && !traffic.diurnal))
    return problems;
  // Each phase's rate over the whole run is within the limit, so the phases alone are; their
  // spikes and curve multiply them. The integral of phases x spikes is exact and quick (a
  // few segments); the daily curve's highest factor bounds what it adds (integrating the
  // curve itself would walk its knots, 96 a period, however short the period).
  const models::traffic::RateProfile profile(traffic.phases, traffic.spikes);
  double arrivals = profile.expectedArrivals(0.0, std::min(duration, profile.end()));
  const auto& d = traffic.diurnal;
  if (d && !d->points.empty()) arrivals *= *std::max_element(d->points.begin(), d->points.end());
  if (!(arrivals > models::kMaxArrivals)) return problems;
  const bool spikes = !traffic.spikes.empty();
  char made[32];
  std::snprintf(made, sizeof made, "%.3g", arrivals);
  const std::string key = spikes ? "spikes" : "diurnal";
  problems.push_back({std::nullopt, key,
                      "traffic " + key + ": the phases with their " +
                          (spikes ? (d ? "spikes and diurnal curve" : "spikes") : "diurnal curve") +
                          (d ? " would make up to " : " would make ") + made +
                          " arrivals over the duration " + formatDuration(duration) +
                          "; allowed: at most 1e12 (smaller factors or rates)"});
  return problems;
}

}  // namespace lbsim::scenarios
