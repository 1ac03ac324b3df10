#pragma once

#include <cstddef>
#include <vector>

#include "core/distributions.h"
#include "core/random.h"
#include "models/spec.h"
#include "models/traffic/rate_profile.h"

namespace lbsim::models::traffic {

// The arrival times of open traffic: the rate profile (phases × spikes × diurnal) and the
// arrival process that spaces arrivals around it. Every process runs in operational time, the
// integral of the profile's rate: the mass between two arrivals is a random variable of mean 1,
// so that the long-run rate is the profile's rate whatever the process.
//
//  - kPoisson: Exp(1) masses, a non-homogeneous Poisson process.
//  - kUniform: mass 1, evenly spaced in operational time (Artillery).
//  - kHyperexponential: masses from the two-phase hyperexponential of mean 1 and cv burstCv
//    with balanced means (core::Distribution::fromMeanCv: p1 = (1 + sqrt((cv²-1)/(cv²+1)))/2,
//    mean_i = 1/(2 p_i); each phase carries half the mean), a renewal process whose count over
//    a long stretch of mass m has variance about m·cv².
//  - kMmpp: a hidden continuous-time Markov chain whose state i lasts Exp(meanSojourn_i) and
//    then jumps to one of the other states uniformly; arrivals are Poisson at
//    normalizedFactor(state) × rate(t). See normalizedMmppFactors for the normalization and
//    next() for how the arrival mass crosses a change of state.
//
// Masses come from the "arrivals" stream; the MMPP's state chain from its own stream, so that
// the chain does not shift the arrival draws.
class ArrivalTimes {
 public:
  ArrivalTimes(const TrafficSpec& spec, core::RandomStream arrivals, core::RandomStream modulation);

  // The first arrival after `from`: call with 0 first, then with each time it returned, in
  // order. +infinity when the phases end first (there are no arrivals after that).
  //
  // MMPP: one Exp(1) mass m is drawn per arrival and spent at rate factor × rate(t). Within a
  // state of factor f the arrival is where the profile's integral reaches m / f, found by the
  // profile's exact inversion. If the state ends first at T, the mass left is
  // m - f · ∫[t, T] rate, and it goes on in the next state at that state's factor: the profile
  // mass still needed scales by f_old / f_new. This is the time change of a unit Poisson
  // process by the integrated intensity, exact given the state path, and needs no redraw (by
  // memorylessness a redraw would be equally right but would use more numbers). A state of
  // factor 0 spends no mass: time moves to its end.
  double next(double from);

  const RateProfile& profile() const { return profile_; }
  // kMmpp: the hidden state now and when it ends (for tests and traces).
  std::size_t mmppState() const { return state_; }
  double mmppStateEnd() const { return stateEnd_; }

 private:
  double nextModulated(double from, double mass);
  void jump();

  RateProfile profile_;
  ArrivalProcess process_;
  core::RandomStream arrivals_;
  core::RandomStream modulation_;
  core::Distribution burstMasses_;  // kHyperexponential
  std::vector<double> factors_;     // kMmpp: normalized
  std::vector<double> sojourns_;
  std::size_t state_ = 0;
  double stateEnd_ = 0.0;
  std::size_t segmentHint_ = 0;
};

// The MMPP factors divided by their time-weighted mean, so that the modulated process has the
// profile's long-run rate. With uniform jumps the embedded jump chain's transition matrix is
// (J - I)/(n - 1), doubly stochastic, so its stationary distribution is uniform; the fraction
// of time in state i is then its share of the mean sojourns, s_i / Σ s_j
// (mmppTimeFractions), and the factors are divided by Σ f_i s_i / Σ s_i. All zero factors stay
// zero (no arrivals).
std::vector<double> normalizedMmppFactors(const std::vector<MmppStateSpec>& states);
// The long-run fraction of time in each state: s_i / Σ s_j.
std::vector<double> mmppTimeFractions(const std::vector<MmppStateSpec>& states);

}  // namespace lbsim::models::traffic
