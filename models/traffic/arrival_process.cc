#include "models/traffic/arrival_process.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace lbsim::models::traffic {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}  // namespace

std::vector<double> mmppTimeFractions(const std::vector<MmppStateSpec>& states) {
  double total = 0.0;
  for (const auto& s : states)
    total += s.meanSojourn;
  std::vector<double> fractions;
  for (const auto& s : states)
    fractions.push_back(s.meanSojourn / total);
  return fractions;
}

std::vector<double> normalizedMmppFactors(const std::vector<MmppStateSpec>& states) {
  const std::vector<double> fractions = mmppTimeFractions(states);
  double mean = 0.0;
  for (std::size_t i = 0; i < states.size(); ++i)
    mean += states[i].factor * fractions[i];
  std::vector<double> factors;
  for (const auto& s : states)
    factors.push_back(mean > 0.0 ? s.factor / mean : 0.0);
  return factors;
}

ArrivalTimes::ArrivalTimes(const TrafficSpec& spec, core::RandomStream arrivals,
                           core::RandomStream modulation)
    : profile_(spec.phases, spec.spikes, spec.diurnal),
      process_(spec.process),
      arrivals_(arrivals),
      modulation_(modulation) {
  if (process_ == ArrivalProcess::kHyperexponential) {
    burstMasses_ = core::Distribution::fromMeanCv(core::DistributionKind::kHyperexponential, 1.0,
                                                  spec.burstCv);
  }
  if (process_ == ArrivalProcess::kMmpp) {
    assert(!spec.mmppStates.empty());
    factors_ = normalizedMmppFactors(spec.mmppStates);
    for (const auto& s : spec.mmppStates) {
      assert(s.meanSojourn > 0.0 && s.factor >= 0.0);
      sojourns_.push_back(s.meanSojourn);
    }
    // The chain starts in its time-stationary distribution; by memorylessness the time left in
    // the first state is Exp(meanSojourn) as well.
    const std::vector<double> fractions = mmppTimeFractions(spec.mmppStates);
    const double u = modulation_.uniform01();
    double cumulative = 0.0;
    state_ = fractions.size() - 1;
    for (std::size_t i = 0; i < fractions.size(); ++i) {
      cumulative += fractions[i];
      if (u < cumulative) {
        state_ = i;
        break;
      }
    }
    stateEnd_ = sojourns_.size() > 1 ? modulation_.exponential(sojourns_[state_]) : kInfinity;
  }
}

void ArrivalTimes::jump() {
  const std::size_t n = sojourns_.size();
  auto next = static_cast<std::size_t>(modulation_.below(n - 1));
  if (next >= state_) ++next;
  state_ = next;
  stateEnd_ += modulation_.exponential(sojourns_[state_]);
}

double ArrivalTimes::next(double from) {
  switch (process_) {
    case ArrivalProcess::kPoisson:
      return profile_.advance(from, arrivals_.exponential(1.0), segmentHint_);
    case ArrivalProcess::kUniform:
      return profile_.advance(from, 1.0, segmentHint_);
    case ArrivalProcess::kHyperexponential:
      return profile_.advance(from, burstMasses_.sample(arrivals_), segmentHint_);
    case ArrivalProcess::kMmpp:
      return nextModulated(from, arrivals_.exponential(1.0));
  }
  return kInfinity;
}

double ArrivalTimes::nextModulated(double from, double mass) {
  const double end = profile_.end();
  double t = from;
  while (stateEnd_ <= t)
    jump();
  for (;;) {
    if (t >= end) return kInfinity;
    const double factor = factors_[state_];
    if (factor > 0.0) {
      const double at = profile_.advance(t, mass / factor, segmentHint_);
      if (at <= stateEnd_) return at;  // +infinity is not: the phases ended in this state
      if (stateEnd_ >= end) return kInfinity;
      mass = std::max(0.0, mass - factor * profile_.expectedArrivals(t, stateEnd_));
    } else if (stateEnd_ >= end) {
      return kInfinity;
    }
    t = stateEnd_;
    jump();
  }
}

}  // namespace lbsim::models::traffic
