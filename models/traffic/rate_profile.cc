#include "models/traffic/rate_profile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lbsim::models::traffic {

namespace {
struct Segment {
  double start, length, rate0, slope;
};
Segment segment(const PhaseSpec& p, double start) {
  const double to = p.rampTo.value_or(p.rate);
  return {start, p.duration, p.rate, p.duration > 0.0 ? (to - p.rate) / p.duration : 0.0};
}
// Integral of the rate over [a, b] inside one segment.
double area(const Segment& s, double a, double b) {
  const double ra = s.rate0 + s.slope * (a - s.start);
  const double len = b - a;
  return ra * len + 0.5 * s.slope * len * len;
}
}  // namespace

RateProfile::RateProfile(std::vector<PhaseSpec> phases) : phases_(std::move(phases)) {
  double t = 0.0;
  for (const auto& p : phases_) {
    starts_.push_back(t);
    t += p.duration;
  }
  end_ = t;
}

std::size_t RateProfile::phaseAt(double t) const {
  if (phases_.empty()) return 0;
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), t);
  return it == starts_.begin() ? 0 : static_cast<std::size_t>(it - starts_.begin() - 1);
}

double RateProfile::rateAt(double t) const {
  if (phases_.empty() || t < 0.0 || t >= end_) return 0.0;
  const std::size_t i = phaseAt(t);
  const Segment s = segment(phases_[i], starts_[i]);
  return s.rate0 + s.slope * (t - s.start);
}

double RateProfile::expectedArrivals(double from, double to) const {
  double total = 0.0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const Segment s = segment(phases_[i], starts_[i]);
    const double a = std::max(from, s.start);
    const double b = std::min(to, s.start + s.length);
    if (b > a) total += area(s, a, b);
  }
  return total;
}

double RateProfile::advance(double from, double mass, std::size_t& phaseHint) const {
  if (mass <= 0.0) return from;
  std::size_t i = std::max(phaseHint, phaseAt(from));
  double t = from;
  for (; i < phases_.size(); ++i) {
    const Segment s = segment(phases_[i], starts_[i]);
    const double phaseEnd = s.start + s.length;
    if (t < s.start) t = s.start;
    if (t >= phaseEnd) continue;
    const double available = area(s, t, phaseEnd);
    if (mass <= available) {
      phaseHint = i;
      const double r0 = s.rate0 + s.slope * (t - s.start);
      double delta;
      if (s.slope == 0.0) {
        delta = mass / r0;
      } else {
        // Root of r0*d + slope*d^2/2 = mass in the form that does not cancel.
        const double disc = std::max(0.0, r0 * r0 + 2.0 * s.slope * mass);
        delta = 2.0 * mass / (r0 + std::sqrt(disc));
      }
      return std::min(t + delta, phaseEnd);
    }
    mass -= available;
    t = phaseEnd;
  }
  phaseHint = phases_.size();
  return std::numeric_limits<double>::infinity();
}

}  // namespace lbsim::models::traffic
