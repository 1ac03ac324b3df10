#include "validation/solve.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "models/service_pool.h"
#include "validation/analytic/approximations.h"
#include "validation/analytic/finite.h"
#include "validation/analytic/networks.h"

namespace lbsim::validation {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Bounded queues up to this room (workers + queue limit) are solved as M/M/c/K, whose cost
// grows with it.
constexpr std::uint64_t kMaxFiniteRoom = 1000000;

// The room (workers + queue limit) of a replica solved as M/M/c/K, or 0 for one whose queue
// is unbounded (or too large for it).
std::uint64_t finiteRoom(const models::TargetSpec& target) {
  const auto room = static_cast<std::uint64_t>(target.workers) + target.queueLimit;
  return target.queueLimit != models::kUnboundedQueue && room <= kMaxFiniteRoom ? room : 0;
}

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

std::size_t tierIndex(const models::ScenarioSpec& spec, const std::string& id) {
  return static_cast<std::size_t>(
      std::find_if(spec.tiers.begin(), spec.tiers.end(),
                   [&](const models::TierSpec& x) { return x.id == id; }) -
      spec.tiers.begin());
}

const core::Distribution& serviceOf(const models::TierSpec& tier, const models::ClassSpec& c) {
  const auto demand = c.demands.find(tier.id);
  return demand != c.demands.end() && demand->second.service ? *demand->second.service
                                                             : tier.service;
}

// The work the classes offer every replica at `classRate` requests/s each, and how each
// class's requests at a tier are split over its replicas.
struct Offered {
  std::vector<std::vector<Load>> loads;                                // [tier][replica]
  std::vector<std::map<std::string, std::vector<double>>> classShare;  // [tier][class]
};

Offered offer(const models::ScenarioSpec& spec, const std::map<std::string, double>& classRate) {
  Offered out;
  out.loads.resize(spec.tiers.size());
  out.classShare.resize(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t)
    out.loads[t].resize(spec.tiers[t].targets.size());
  for (const auto& c : spec.classes) {
    const double rate = classRate.at(c.id);
    for (const auto& tierId : c.route) {
      const std::size_t t = tierIndex(spec, tierId);
      const models::TierSpec& tier = spec.tiers[t];
      const auto demand = c.demands.find(tierId);
      const core::Distribution& service = serviceOf(tier, c);
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
        for (auto& x : share)
          x /= sum;
      }
      for (std::size_t r = 0; r < share.size(); ++r) {
        if (share[r] > 0.0) out.loads[t][r].add(rate * share[r], service);
      }
      out.classShare[t][c.id] = share;
    }
  }
  return out;
}

// A class's estimate: its rate, and end to end the wait per visit at each replica it may be
// sent to (by its share there) plus its own service time there.
ClassEstimate classEstimate(
    const models::ScenarioSpec& spec, const models::ClassSpec& c, double rate,
    const std::vector<std::map<std::string, std::vector<double>>>& classShare,
    const std::vector<std::vector<double>>& waitPerVisit) {
  ClassEstimate ce;
  ce.id = c.id;
  ce.arrivalRate = rate;
  for (const auto& tierId : c.route) {
    const std::size_t t = tierIndex(spec, tierId);
    const models::TierSpec& tier = spec.tiers[t];
    const core::Distribution& service = serviceOf(tier, c);
    const auto& share = classShare[t].at(c.id);
    for (std::size_t r = 0; r < share.size(); ++r) {
      if (share[r] > 0.0) {
        ce.meanResponse += share[r] * (waitPerVisit[t][r] + service.mean() / tier.targets[r].speed);
      }
    }
  }
  return ce;
}

// Schweitzer's approximate MVA (P. J. Schweitzer, "Approximate analysis of multiclass closed
// networks of queues", 1979; Lazowska et al., "Quantitative System Performance", sec. 6.4.2):
// an arrival sees each queue at (N - 1)/N of its length, so the recursion over n becomes a
// fixed point at N alone. Seidmann's split of a c-server station (a server of D/c and a delay
// of D (c - 1)/c) as in meanValueAnalysisSeidmann.
ClosedNetworkResult schweitzerSeidmann(const std::vector<ClosedStation>& stations, double think,
                                       int users) {
  const std::size_t k = stations.size();
  const double n = users;
  ClosedNetworkResult r;
  r.customers = users;
  r.residenceTimes.assign(k, 0.0);
  std::vector<double> queued(k, n / static_cast<double>(k));  // the single-server parts
  for (int iteration = 0; iteration < 10000; ++iteration) {
    double total = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double c = stations[i].servers;
      const double d = stations[i].demand;
      r.residenceTimes[i] = d / c * (1.0 + (n - 1.0) / n * queued[i]) + d * (c - 1.0) / c;
      total += r.residenceTimes[i];
    }
    r.throughput = n / (think + total);
    double change = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double c = stations[i].servers;
      const double next = r.throughput * stations[i].demand / c * (1.0 + (n - 1.0) / n * queued[i]);
      change = std::max(change, std::abs(next - queued[i]) / std::max(1.0, next));
      queued[i] = next;
    }
    if (change < 1e-12) break;
  }
  r.responseTime = 0.0;
  r.queueLengths.assign(k, 0.0);
  r.utilizations.assign(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    r.responseTime += r.residenceTimes[i];
    r.queueLengths[i] = r.throughput * r.residenceTimes[i];
    r.utilizations[i] = r.throughput * stations[i].demand / stations[i].servers;
  }
  return r;
}

// Closed-loop users only (Locust's users, no open phases): N users, each request followed by
// a think time of mean Z, so an interaction is one request and its think time. Every
// replica is a station of the closed network with its demand per interaction (visits x
// service time / speed) and its workers as servers, solved by mean value analysis (exact
// for one worker, Seidmann's approximation for more: validation/analytic/networks.h).
void solveClosed(const models::ScenarioSpec& spec, const std::map<std::string, double>& perUser,
                 SolveResult& out) {
  const auto users = static_cast<int>(spec.traffic.closed.users);
  const double think = spec.traffic.closed.think.mean();
  double perFlow = 0.0;  // requests per flow
  for (const auto& [id, n] : perUser)
    perFlow += n;
  std::map<std::string, double> fraction;  // of the requests, by class
  for (const auto& c : spec.classes) {
    const auto it = perUser.find(c.id);
    fraction[c.id] = perFlow > 0.0 && it != perUser.end() ? it->second / perFlow : 0.0;
  }
  const Offered offered = offer(spec, fraction);  // rates per interaction
  std::vector<ClosedStation> stations;
  std::vector<std::pair<std::size_t, std::size_t>> where;  // station -> (tier, replica)
  double demandSum = 0.0;
  double worstPerServer = 0.0;
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    for (std::size_t r = 0; r < spec.tiers[t].targets.size(); ++r) {
      const Load& l = offered.loads[t][r];
      if (l.rate <= 0.0) continue;
      const auto& target = spec.tiers[t].targets[r];
      const double demand = l.s1 / target.speed;
      stations.push_back({demand, static_cast<int>(target.workers)});
      where.emplace_back(t, r);
      demandSum += demand;
      if (demand / target.workers > worstPerServer) {
        worstPerServer = demand / target.workers;
        out.bottleneck = spec.tiers[t].id;
      }
    }
  }
  if (stations.empty() || !(demandSum + think > 0.0)) {
    out.userRate = users;
    out.closedUsers = users;
    out.thinkTime = think;
    out.caveats.push_back(
        "the closed-loop users' requests take no time anywhere and they do not think: no "
        "finite estimate");
    return;
  }
  // Exact recursion (Seidmann for several workers) up to this many steps; beyond, Schweitzer's
  // fixed point, whose work does not grow with the population.
  constexpr double kExactWork = 5e7;
  const bool exact =
      static_cast<double>(users) * static_cast<double>(stations.size()) <= kExactWork;
  const ClosedNetworkResult mva = exact ? meanValueAnalysisSeidmann(stations, think, users)
                                        : schweitzerSeidmann(stations, think, users);
  const double x = mva.throughput;
  out.userRate = users;
  out.requestRate = x;
  out.closedUsers = users;
  out.thinkTime = think;
  // Kleinrock's saturation point: the users beyond which the bottleneck is the limit.
  out.saturationUserRate = worstPerServer > 0.0 ? (demandSum + think) / worstPerServer : kInf;
  std::vector<std::vector<double>> waitPerVisit(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t)
    waitPerVisit[t].assign(spec.tiers[t].targets.size(), 0.0);
  std::vector<double> waitSum(spec.tiers.size(), 0.0);
  std::vector<double> residenceSum(spec.tiers.size(), 0.0);
  std::vector<double> utilization(spec.tiers.size(), 0.0);
  for (std::size_t i = 0; i < stations.size(); ++i) {
    const auto [t, r] = where[i];
    const double visits = offered.loads[t][r].rate;
    const double wait = std::max(0.0, mva.residenceTimes[i] - stations[i].demand);
    waitPerVisit[t][r] = wait / visits;
    waitSum[t] += wait;
    residenceSum[t] += mva.residenceTimes[i];
    utilization[t] = std::max(utilization[t], mva.utilizations[i]);
  }
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const models::TierSpec& tier = spec.tiers[t];
    TierEstimate e;
    e.id = tier.id;
    double visits = 0.0, s1 = 0.0, s2 = 0.0, capacity = 0.0;
    for (std::size_t r = 0; r < tier.targets.size(); ++r) {
      visits += offered.loads[t][r].rate;
      s1 += offered.loads[t][r].s1;
      s2 += offered.loads[t][r].s2;
      capacity += tier.targets[r].workers * tier.targets[r].speed;
    }
    e.arrivalRate = x * visits;
    e.utilization = utilization[t];
    if (visits > 0.0) {
      e.meanService = s1 / visits;
      e.serviceCv = std::sqrt(std::max(0.0, s2 / visits / (e.meanService * e.meanService) - 1.0));
      e.meanWait = waitSum[t] / visits;
      e.meanResponse = residenceSum[t] / visits;
      const double perReplica = capacity / static_cast<double>(tier.targets.size());
      e.replicasFor70 =
          static_cast<std::uint32_t>(std::ceil(e.arrivalRate * e.meanService / (0.7 * perReplica)));
    }
    e.saturation = e.utilization > 0.0 ? 1.0 / e.utilization : kInf;
    out.tiers.push_back(e);
  }
  for (const auto& c : spec.classes)
    out.classes.push_back(
        classEstimate(spec, c, x * fraction[c.id], offered.classShare, waitPerVisit));
  out.caveats.push_back(
      std::to_string(users) + " closed-loop users with a mean think time of " +
      format("%g s", think) + " after every response, in steady state (the spawn is left out): " +
      (exact ? "mean value analysis, exact for one-worker replicas, Seidmann's approximation "
               "for more"
             : "Schweitzer's approximate mean value analysis (the population times the "
               "replicas is too large for the exact recursion), with Seidmann's for "
               "multi-worker replicas") +
      "; utilization and saturates are of the busiest replica at this population, which "
      "cannot exceed 100%");
}
// The caveats that do not depend on the kind of traffic.
void addCommonCaveats(const models::ScenarioSpec& spec, SolveResult& out) {
  bool anyQueueLimit = false;
  bool anyMaxconn = false;
  bool anySticky = false;
  for (const auto& tier : spec.tiers) {
    anySticky |= tier.balancer.stickiness.has_value();
    for (const auto& target : tier.targets) {
      anyQueueLimit |= target.queueLimit != models::kUnboundedQueue;
      anyMaxconn |= target.maxConn != 0;
    }
  }
  out.caveats.push_back(
      "balancers are assumed to split work by weight, or by capacity for load-aware policies; "
      "hashing is assumed to spread clients evenly");
  if (std::any_of(spec.tiers.begin(), spec.tiers.end(),
                  [](const models::TierSpec& t) { return t.targets.size() > 1; })) {
    out.caveats.push_back(
        "where a tier's replicas are alike, a least-loaded policy (least_conn, least_request, "
        "...) is estimated as one queue for the whole tier (a little optimistic: requests are "
        "not moved once queued) and round robin as each replica taking every n-th arrival; "
        "other policies, and tiers of unlike replicas, as replicas fed at random (Poisson), "
        "which waits longer than any of them");
  }
  if (anyQueueLimit) {
    out.caveats.push_back(
        "replicas with a queue limit are M/M/c/K queues: exact for exponential service, the "
        "wait scaled by (1 + cv^2)/2 otherwise; refusals are estimated per tier");
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
        "are loaded by their own service time only, so one of them may saturate before the "
        "bottleneck named");
  }
  const models::TrafficSpec& traffic = spec.traffic;
  if (!traffic.spikes.empty()) {
    double top = 1.0;
    for (const auto& k : traffic.spikes)
      top = std::max(top, k.factor);
    out.caveats.push_back(
        format("spikes are not in the estimate: the largest multiplies the "
               "rate by %g (lbsim solve --rate gives the estimate there)",
               top));
  }
  if (traffic.diurnal) {
    const auto& points = traffic.diurnal->points;
    const double top = points.empty() ? 1.0 : *std::max_element(points.begin(), points.end());
    out.caveats.push_back(
        format("the diurnal curve is not in the estimate: it multiplies the "
               "rate by up to %g",
               top));
  }
  if (traffic.process == models::ArrivalProcess::kHyperexponential ||
      traffic.process == models::ArrivalProcess::kMmpp) {
    // The states' factors are scaled so that the long-run rate is the phases': the top
    // state against the mean, with each state's share of time taken by its mean sojourn.
    double top = 0.0;
    double weighted = 0.0;
    double time = 0.0;
    for (const auto& m : traffic.mmppStates) {
      top = std::max(top, m.factor);
      weighted += m.factor * m.meanSojourn;
      time += m.meanSojourn;
    }
    if (weighted > 0.0) top /= weighted / time;
    out.caveats.push_back(
        traffic.process == models::ArrivalProcess::kMmpp
            ? format("arrivals are taken as Poisson: the MMPP's bursts (about %.3g times the "
                     "mean rate in its busiest state) make queues and waits longer, and "
                     "saturate tiers the mean rate does not",
                     top)
            : format("arrivals are taken as Poisson: gaps with a cv of %g make waits longer "
                     "(about (1 + cv^2)/2 times, Kingman)",
                     traffic.burstCv));
  }
  if (spec.network.any()) {
    out.caveats.push_back("network latency is not added to the response times");
  }
  if (spec.traffic.replay) {
    out.caveats.push_back("a replayed log is not part of the estimate: only phases count");
  }
}

}  // namespace

SolveResult solveScenario(const models::ScenarioSpec& spec, double userRate) {
  SolveResult out;
  // Requests per user of each class: the flows' steps, weighted by the mix.
  std::map<std::string, double> perUser;
  double totalWeight = 0.0;
  for (const auto& f : spec.traffic.mix)
    totalWeight += f.weight;
  for (const auto& f : spec.traffic.mix) {
    for (const auto& step : f.steps)
      perUser[step] += f.weight / totalWeight;
  }
  if (spec.traffic.closed.users > 0 && spec.traffic.phases.empty() && userRate < 0.0) {
    solveClosed(spec, perUser, out);
    addCommonCaveats(spec, out);
    return out;
  }
  if (userRate < 0.0 && !spec.traffic.phases.empty()) {
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
        ") are not in this open estimate: their rate depends on response times (a scenario "
        "of closed-loop users alone is solved by mean value analysis)");
  }
  out.userRate = userRate;

  // Offered load per replica of every tier.
  std::map<std::string, double> classRate;
  for (const auto& c : spec.classes) {
    classRate[c.id] = userRate * perUser[c.id];
    out.requestRate += classRate[c.id];
  }
  Offered offered = offer(spec, classRate);
  auto& loads = offered.loads;
  auto& classShare = offered.classShare;
  // Each replica as a G/G/c queue with Poisson arrivals (Ca^2 = 1).
  double worst = 0.0;
  std::vector<std::vector<double>> replicaWait(spec.tiers.size());
  for (std::size_t t = 0; t < spec.tiers.size(); ++t) {
    const models::TierSpec& tier = spec.tiers[t];
    TierEstimate e;
    e.id = tier.id;
    double total = 0.0, s1 = 0.0, s2 = 0.0, waitSum = 0.0, responseSum = 0.0, capacity = 0.0;
    double refused = 0.0;  // by full queues
    replicaWait[t].assign(tier.targets.size(), 0.0);
    // How the balancer feeds the replicas, where they are alike (same workers, speed and
    // weight, unbounded queues, no backups, stickiness, steering or locality): a least-loaded
    // policy is taken as one queue for the whole tier (join-the-shortest-queue comes close
    // to pooling; an optimistic bound), round robin as every n-th arrival for each replica
    // (Erlang-n gaps, SCV 1/n); otherwise each replica is fed at random (Poisson).
    const std::string& policy = tier.balancer.policy;
    const std::size_t n = tier.targets.size();
    const bool alike =
        n > 1 && tier.kind == models::TierKind::kServicePool && !tier.balancer.stickiness &&
        !tier.balancer.steering && tier.balancer.prefer == models::BalancerSpec::Prefer::kNone &&
        std::all_of(tier.targets.begin(), tier.targets.end(), [&](const models::TargetSpec& x) {
          const models::TargetSpec& a = tier.targets.front();
          return !x.backup && x.priority == a.priority && x.workers == a.workers &&
                 x.speed == a.speed && x.weight == a.weight && x.queueLimit == a.queueLimit;
        });
    const bool pooled = alike && loadAware(policy);
    const double arrivalScv = alike && policy == "round_robin" ? 1.0 / static_cast<double>(n) : 1.0;
    double pooledWait = kInf;
    double pooledBlocking = 0.0;
    if (pooled) {
      double rate = 0.0, m1 = 0.0, m2 = 0.0;
      for (const Load& l : loads[t]) {
        rate += l.rate;
        m1 += l.s1;
        m2 += l.s2;
      }
      if (rate > 0.0) {
        const double meanS = m1 / rate;
        const double cs2 = std::max(0.0, m2 / rate / (meanS * meanS) - 1.0);
        const auto& a = tier.targets.front();
        const double mu = a.speed / meanS;
        const std::uint64_t room = n * (static_cast<std::uint64_t>(a.workers) + a.queueLimit);
        if (a.queueLimit != models::kUnboundedQueue && room <= kMaxFiniteRoom) {
          // The tier's queues together, as one M/M/c/K with all their room.
          const FiniteQueueMetrics m =
              mmck(static_cast<int>(n * a.workers), static_cast<int>(room), rate, mu);
          pooledWait = m.meanWait * (1.0 + cs2) / 2.0;
          pooledBlocking = m.blockingProbability;
        } else if (rate < static_cast<double>(n) * a.workers * mu) {
          pooledWait = allenCunneenWait(static_cast<int>(n * a.workers), rate, mu, 1.0, cs2);
        }
      }
    }
    for (std::size_t r = 0; r < tier.targets.size(); ++r) {
      const auto& target = tier.targets[r];
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
      const std::uint64_t room = finiteRoom(target);
      if (pooled) {
        wq = pooledWait;
        refused += l.rate * pooledBlocking;
      } else if (room != 0) {
        // A bounded queue: M/M/c/K, whose wait is that of the admitted requests, at any load;
        // other arrival and service variability scales it as in Allen-Cunneen.
        const FiniteQueueMetrics m =
            mmck(static_cast<int>(target.workers), static_cast<int>(room), l.rate, mu);
        wq = m.meanWait * (arrivalScv + cs2) / 2.0;
        refused += l.rate * m.blockingProbability;
      } else if (rho < 1.0) {
        wq = allenCunneenWait(static_cast<int>(target.workers), l.rate, mu, arrivalScv, cs2);
      }
      replicaWait[t][r] = wq;
      waitSum += l.rate * wq;
      responseSum += l.rate * (wq + meanS / target.speed);
    }
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
    const bool bounded =
        std::all_of(tier.targets.begin(), tier.targets.end(),
                    [](const models::TargetSpec& x) { return finiteRoom(x) != 0; });
    e.stable = e.utilization < 1.0 || bounded;
    if (refused > 0.005 * total && total > 0.0) {
      out.caveats.push_back(
          "tier '" + tier.id + "' refuses about " +
          format("%.3g requests/s (%.2g%% of its arrivals)", refused, 100.0 * refused / total) +
          " at full queues (M/M/c/K per replica); its waits are those of the "
          "requests admitted, and the tiers after it are loaded as if none "
          "were refused");
    }
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
  for (const auto& c : spec.classes)
    out.classes.push_back(
        classEstimate(spec, c, userRate * perUser[c.id], classShare, replicaWait));

  addCommonCaveats(spec, out);
  return out;
}

}  // namespace lbsim::validation
