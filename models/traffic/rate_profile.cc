#include "models/traffic/rate_profile.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>

namespace lbsim::models::traffic {

double RateProfile::area(const Segment& s, double a, double b) {
  const double ra = rateIn(s, a);
  const double len = b - a;
  return ra * len + 0.5 * s.slope * len * len;
}

RateProfile::RateProfile(std::vector<PhaseSpec> phases, std::vector<SpikeSpec> spikes,
                         std::optional<DiurnalSpec> diurnal)
    : phases_(std::move(phases)), diurnal_(std::move(diurnal)) {
  // Every edge where the rate may jump or change slope: phase and spike edges within the
  // phases. Between two consecutive edges the rate is one phase's line times one constant.
  std::vector<double> edges{0.0};
  double t = 0.0;
  for (const auto& p : phases_) {
    assert(p.duration >= 0.0);
    starts_.push_back(t);
    t += p.duration;
    edges.push_back(t);
  }
  end_ = t;
  for (const auto& s : spikes) {
    assert(s.at >= 0.0 && s.duration >= 0.0 && s.factor >= 0.0);
    for (const double e : {s.at, s.at + s.duration}) {
      if (e > 0.0 && e < end_) edges.push_back(e);
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    const double a = edges[k];
    const double b = edges[k + 1];
    const double middle = a + 0.5 * (b - a);
    const std::size_t i = phaseAt(middle);
    const PhaseSpec& p = phases_[i];
    const double slope = p.duration > 0.0 ? (p.rampTo.value_or(p.rate) - p.rate) / p.duration : 0.0;
    double factor = 1.0;
    for (const auto& s : spikes) {
      if (s.at <= middle && middle < s.at + s.duration) factor *= s.factor;
    }
    // At a phase's start the rate is p.rate exactly, so without spikes the segments are the
    // phases themselves, to the last bit.
    const double rate0 = a == starts_[i] ? p.rate : p.rate + slope * (a - starts_[i]);
    segments_.push_back({a, b, rate0 * factor, slope * factor});
  }

  if (diurnal_) {
    const DiurnalSpec& d = *diurnal_;
    assert(d.period > 0.0);
    if (d.points.empty()) {
      knotStep_ = d.period / kDiurnalCosineKnots;
      knotOrigin_ = std::fmod(d.peakAt, knotStep_);  // the peak is a knot
    } else {
      knotStep_ = d.period / static_cast<double>(d.points.size());
      knotOrigin_ = 0.0;  // points[i] at i * period / n
    }
  }
}

std::size_t RateProfile::phaseAt(double t) const {
  if (phases_.empty()) return 0;
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), t);
  return it == starts_.begin() ? 0 : static_cast<std::size_t>(it - starts_.begin() - 1);
}

double RateProfile::diurnalFactor(double t) const {
  if (!diurnal_) return 1.0;
  const DiurnalSpec& d = *diurnal_;
  if (d.points.empty()) {
    // 1 at peakAt, minFactor half a period later.
    const double phase = 2.0 * std::numbers::pi * (t - d.peakAt) / d.period;
    return d.minFactor + (1.0 - d.minFactor) * 0.5 * (1.0 + std::cos(phase));
  }
  const std::size_t n = d.points.size();
  double u = t / d.period;
  u -= std::floor(u);
  const double x = u * static_cast<double>(n);
  const std::size_t i = std::min(static_cast<std::size_t>(x), n - 1);
  const double fraction = x - static_cast<double>(i);
  return d.points[i] + (d.points[(i + 1) % n] - d.points[i]) * fraction;
}

std::size_t RateProfile::segmentAt(double t, std::size_t hint) const {
  // Monotone use stays in the hinted segment or moves to the next one; anything else searches.
  for (std::size_t i = hint; i < segments_.size() && i <= hint + 1; ++i) {
    if (segments_[i].start <= t && t < segments_[i].end) return i;
  }
  const auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                                   [](double x, const Segment& s) { return x < s.start; });
  if (it == segments_.begin()) return 0;
  const auto i = static_cast<std::size_t>(it - segments_.begin() - 1);
  return t < segments_[i].end ? i : i + 1;
}

RateProfile::Segment RateProfile::pieceAt(std::size_t i, double t) const {
  const Segment& s = segments_[i];
  if (!diurnal_) return s;
  // The knot cell [knot(j), knot(j+1)) holding t; the division only guesses j, the loops make
  // it exact whatever the rounding, so that a piece always ends after t.
  auto j = static_cast<std::int64_t>(std::floor((t - knotOrigin_) / knotStep_));
  while (knot(j + 1) <= t)
    ++j;
  while (knot(j) > t)
    --j;
  const double a = std::max(s.start, knot(j));
  const double b = std::min(s.end, knot(j + 1));
  const double ra = rateIn(s, a) * diurnalFactor(a);
  const double rb = rateIn(s, b) * diurnalFactor(b);
  return {a, b, ra, (rb - ra) / (b - a)};
}

double RateProfile::rateAt(double t) const {
  if (segments_.empty() || t < 0.0 || t >= end_) return 0.0;
  const std::size_t i = segmentAt(t, 0);
  return rateIn(pieceAt(i, t), t);
}

double RateProfile::exactRateAt(double t) const {
  if (segments_.empty() || t < 0.0 || t >= end_) return 0.0;
  return rateIn(segments_[segmentAt(t, 0)], t) * diurnalFactor(t);
}

double RateProfile::expectedArrivals(double from, double to) const {
  double total = 0.0;
  for (std::size_t i = segmentAt(std::max(from, 0.0), 0); i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.start >= to) break;
    double t = std::max(from, s.start);
    const double stop = std::min(to, s.end);
    while (t < stop) {
      const Segment piece = pieceAt(i, t);
      const double b = std::min(stop, piece.end);
      total += area(piece, t, b);
      t = piece.end;
    }
  }
  return total;
}

double RateProfile::advanceSearch(double from, double mass, std::size_t& segmentHint) const {
  if (mass <= 0.0) return from;
  double t = from;
  for (std::size_t i = segmentAt(from, segmentHint); i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (t < s.start) t = s.start;
    while (t < s.end) {
      const Segment piece = pieceAt(i, t);
      const double available = area(piece, t, piece.end);
      if (mass <= available) {
        segmentHint = i;
        const double r0 = rateIn(piece, t);
        double delta;
        if (piece.slope == 0.0) {
          delta = mass / r0;
        } else {
          // Root of r0*d + slope*d^2/2 = mass in the form that does not cancel.
          const double disc = std::max(0.0, r0 * r0 + 2.0 * piece.slope * mass);
          delta = 2.0 * mass / (r0 + std::sqrt(disc));
        }
        return std::min(t + delta, piece.end);
      }
      mass -= available;
      t = piece.end;
    }
  }
  segmentHint = segments_.size();
  return std::numeric_limits<double>::infinity();
}

}  // namespace lbsim::models::traffic
