#include "validation/solve.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "models/service_pool.h"
#include "validation/analytic/approximations.h"

namespace lbsim::validation {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Policies that steer work by load end up splitting it in proportion to capacity; the
// others split it by weight (hashing policies, by weight over many clients).
bool loadAware(const std::string& policy) {
  static const char* kLoadAware[] = {"least_conn",        "leastconn",
                                     "least-connections", "least_outstanding_requests",
                                     "least_request",     "peak_ewma"};
  return std::find(std::begin(kLoadAware), std::end(kLoadAware), policy) != std::end(kLoadAware);
}

std::string format(const char* pattern, double a, double b = 0.0) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, pattern, a, b);
  return buffer;
}

// Work offered to one replica: arrival rate and the first two moments of service time.
struct Load {
  double rate = 0.0;
  double s1 = 0.0;  // sum of rate x E[S]
  double s2 = 0.0;  // sum of rate x E[S^2]
  void add(double r, const core::Distribution& d) {
    const double m = d.mean();
    const double cv = d.cv();
    rate += r;
    s1 += r * m;
    s2 += r * m * m * (1.0 + cv * cv);
  }
};

}  // namespace

SolveResult solveScenario(const models::ScenarioSpec& spec, double userRate) {
  SolveResult out;
  if (userRate < 0.0) {
    std::string peakPhase;
    double peakDuration = 0.0;
    for (const auto& p : spec.traffic.phases) {
      const double top = std::max(p.rate, p.rampTo.value_or(p.rate));
      if (top > userRate) {
        userRate = top;
        peakPhase = p.name;
        peakDuration = p.duration;
      }
    }
    out.caveats.push_back("evaluated at the peak rate of the phases, " +
                          format("%g users/s", userRate) +
                          (peakPhase.empty() ? "" : " (phase '" + peakPhase + "')") +
                          ": a steady-state estimate; a phase of " + format("%g s", peakDuration) +
                          " may end before queues settle, or ramp through the peak");
  }
  if (userRate < 0.0) userRate = 0.0;  // no open phases
  if (spec.traffic.closed.users > 0) {
    out.caveats.push_back(
        "closed-loop users (" + std::to_string(spec.traffic.closed.users) +
        ") are not in this open estimate: their rate depends on response times (use mean "
        "value analysis, validation/analytic/networks.h)");
  }
  out.userRate = userRate;

  // Requests per user of each class: the flows' steps, weighted by the mix.
  std::map<std::string, double> perUser;
  double totalWeight = 0.0;
  for (const auto& f : spec.traffic.mix)
    totalWeight += f.weight;
  for (const auto& f : spec.traffic.mix) {
    for (const auto& step : f.steps)
      perUser[step] += f.weight / totalWeight;
  }

  // Offered load per replica of every tier.
  std::vector<std::vector<Load>> loads(spec.tiers.size());
  std::vector<std::map<std::string, std::vector<double>>> classShare(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t)
    loads[t].resize(spec.tiers[t].targets.size());
  bool anyQueueLimit = false;
  bool anyMaxconn = false;
  bool anySticky = false;
  for (const auto& c : spec.classes) {
    const double rate = userRate * perUser[c.id];
    out.requestRate += rate;
    for (const auto& tierId : c.route) {
      const auto t = static_cast<std::size_t>(
          std::find_if(spec.tiers.begin(), spec.tiers.end(),
                       [&](const models::TierSpec& x) { return x.id == tierId; }) -
          spec.tiers.begin());
      const models::TierSpec& tier = spec.tiers[t];
      const auto demand = c.demands.find(tierId);
      const core::Distribution& service = demand != c.demands.end() && demand->second.service
                                              ? *demand->second.service
                                              : tier.service;
      const bool write = tier.kind == models::TierKind::kDatabase && demand != c.demands.end() &&
                         demand->second.operation == models::DbOperation::kWrite;
      std::vector<double> share(tier.targets.size(), 0.0);
      if (write) {
        share[0] = 1.0;
      } else {
        auto group = models::balancedReplicas(tier);
        std::vector<models::ReplicaIndex> primaries;
        for (const auto r : group) {
          if (!tier.targets[r].backup) primaries.push_back(r);
        }
        if (!primaries.empty()) group = primaries;
        double sum = 0.0;
        for (const auto r : group) {
          const auto& target = tier.targets[r];
          share[r] =
              loadAware(tier.balancer.policy) ? target.workers * target.speed : target.weight;
          sum += share[r];
        }
        for (auto& s : share)
          s /= sum;
      }
      for (std::size_t r = 0; r < share.size(); ++r) {
        if (share[r] > 0.0) loads[t][r].add(rate * share[r], service);
      }
      classShare[t][c.id] = share;
    }
  }

  // Each replica as a G/G/c queue with Poisson arrivals (Ca^2 = 1).
  double worst = 0.0;
  std::vector<std::vector<double>> replicaWait(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const models::TierSpec& tier = spec.tiers[t];
    TierEstimate e;
    e.id = tier.id;
    double total = 0.0, s1 = 0.0, s2 = 0.0, waitSum = 0.0, responseSum = 0.0, capacity = 0.0;
    replicaWait[t].assign(tier.targets.size(), 0.0);
    for (std::size_t r = 0; r < tier.targets.size(); ++r) {
      const auto& target = tier.targets[r];
      anyQueueLimit |= target.queueLimit != models::kUnboundedQueue;
      anyMaxconn |= target.maxConn != 0;
      capacity += target.workers * target.speed;
      const Load& l = loads[t][r];
      total += l.rate;
      s1 += l.s1;
      s2 += l.s2;
      if (l.rate <= 0.0) continue;
      const double meanS = l.s1 / l.rate;  // at speed 1
      // (rounding can leave a constant service a hair below 0)
      const double cs2 = std::max(0.0, l.s2 / l.rate / (meanS * meanS) - 1.0);
      const double mu = target.speed / meanS;  // per worker
      const double rho = l.rate / (target.workers * mu);
      e.utilization = std::max(e.utilization, rho);
      double wq = kInf;
      if (rho < 1.0) wq = allenCunneenWait(static_cast<int>(target.workers), l.rate, mu, 1.0, cs2);
      replicaWait[t][r] = wq;
      waitSum += l.rate * wq;
      responseSum += l.rate * (wq + meanS / target.speed);
    }
    anySticky |= tier.balancer.stickiness.has_value();
    e.arrivalRate = total;
    if (total > 0.0) {
      e.meanService = s1 / total;
      e.serviceCv = std::sqrt(std::max(0.0, s2 / total / (e.meanService * e.meanService) - 1.0));
      e.meanWait = waitSum / total;
      e.meanResponse = responseSum / total;
      const double perReplica = capacity / static_cast<double>(tier.targets.size());
      e.replicasFor70 =
          static_cast<std::uint32_t>(std::ceil(total * e.meanService / (0.7 * perReplica)));
    }
    e.stable = e.utilization < 1.0;
    e.saturation = e.utilization > 0.0 ? 1.0 / e.utilization : kInf;
    if (e.utilization > worst) {
      worst = e.utilization;
      out.bottleneck = tier.id;
    }
    if (!e.stable) {
      out.caveats.push_back("tier '" + tier.id + "' is saturated at this rate (" +
                            format("%.0f%%", 100 * e.utilization) +
                            " on its busiest replica): queues grow without bound; the estimate "
                            "does not hold");
    }
    out.tiers.push_back(e);
  }
  out.saturationUserRate = worst > 0.0 ? userRate / worst : kInf;

  // End to end per class: its tiers' waits where it goes, plus its own service times.
  for (const auto& c : spec.classes) {
    ClassEstimate ce;
    ce.id = c.id;
    ce.arrivalRate = userRate * perUser[c.id];
    for (const auto& tierId : c.route) {
      const auto t = static_cast<std::size_t>(
          std::find_if(spec.tiers.begin(), spec.tiers.end(),
                       [&](const models::TierSpec& x) { return x.id == tierId; }) -
          spec.tiers.begin());
      const models::TierSpec& tier = spec.tiers[t];
      const auto demand = c.demands.find(tierId);
      const core::Distribution& service = demand != c.demands.end() && demand->second.service
                                              ? *demand->second.service
                                              : tier.service;
      const auto& share = classShare[t][c.id];
      for (std::size_t r = 0; r < share.size(); ++r) {
        if (share[r] > 0.0) {
          ce.meanResponse +=
              share[r] * (replicaWait[t][r] + service.mean() / tier.targets[r].speed);
        }
      }
    }
    out.classes.push_back(ce);
  }

  out.caveats.push_back(
      "balancers are assumed to split work by weight, or by capacity for load-aware policies; "
      "hashing is assumed to spread clients evenly");
  if (anyQueueLimit) {
    out.caveats.push_back("queue limits are ignored: refusals (503) are not estimated");
  }
  if (anyMaxconn) out.caveats.push_back("maxconn and the balancer queue are ignored");
  if (anySticky) out.caveats.push_back("stickiness is assumed not to skew the split");
  const auto any = [&](auto predicate) {
    return std::any_of(spec.tiers.begin(), spec.tiers.end(), predicate);
  };
  if (any([](const models::TierSpec& t) { return t.cache.has_value(); })) {
    out.caveats.push_back(
        "caches are ignored: tiers behind a cache are loaded as if every request missed (an "
        "upper bound); hit ratios need the simulation");
  }
  if (any([](const models::TierSpec& t) {
        return !t.rateLimits.empty() || !t.limitReqZones.empty();
      })) {
    out.caveats.push_back("rate limits are ignored: rejections (429/503) are not estimated");
  }
  if (any([](const models::TierSpec& t) { return t.holdWorker; })) {
    out.caveats.push_back(
        "workers held during downstream calls are not counted as busy: tiers with hold_worker "
        "are loaded by their own service time only");
  }
  if (spec.network.any()) {
    out.caveats.push_back("network latency is not added to the response times");
  }
  if (spec.traffic.replay) {
    out.caveats.push_back("a replayed log is not part of the estimate: only phases count");
  }
  return out;
}

}  // namespace lbsim::validation
