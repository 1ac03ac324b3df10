#include "validation/suite.h"

#include "validation/analytic/cache.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/stats/confidence.h"
#include "models/experiment.h"
#include "validation/analytic/finite.h"
#include "validation/analytic/markovian.h"
#include "validation/analytic/mg1.h"
#include "validation/analytic/networks.h"
#include "validation/analytic/supermarket.h"

namespace lbsim::validation {

namespace {

std::string fmt(const char* pattern, double a, double b = 0.0, double c = 0.0) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, pattern, a, b, c);
  return buffer;
}

// Single-class scenario skeleton: Poisson arrivals at `rate` for `duration`, 10 replications,
// 5% warm-up, one time-series sample (the suite does not need series).
models::ScenarioSpec base(const std::string& name, double rate, double duration) {
  models::ScenarioSpec s;
  s.name = name;
  s.seed = 20261123;
  s.duration = duration;
  s.warmup = 0.05 * duration;
  s.replications = 10;
  s.timeseriesInterval = duration;
  s.traffic.phases = {{"steady", duration, rate, std::nullopt}};
  return s;
}

models::TierSpec station(const std::string& id, std::uint32_t workers, core::Distribution service,
                         std::uint32_t queueLimit = models::kUnboundedQueue) {
  models::TierSpec t;
  t.id = id;
  t.service = std::move(service);
  models::TargetSpec target;
  target.name = id + "-1";
  target.workers = workers;
  target.queueLimit = queueLimit;
  t.targets = {target};
  return t;
}

ValidationCase singleStation(const std::string& name, const std::string& model, double load,
                             int servers, double lambda, core::Distribution service,
                             double duration, std::uint32_t queueLimit = models::kUnboundedQueue) {
  ValidationCase c;
  c.name = name;
  c.model = model;
  c.load = load;
  c.spec = base(name, lambda, duration);
  c.spec.traffic.mix = {{"job", 1.0, {"job"}}};
  c.spec.classes = {{"job", {"station"}, {}}};
  c.spec.tiers = {
      station("station", static_cast<std::uint32_t>(servers), std::move(service), queueLimit)};
  c.figure = "end_to_end/all/latency_s/mean";
  c.quantity = "mean response time W (s)";
  return c;
}

ValidationCase mmcCase(int servers, double rho, double scale) {
  const double lambda = rho * servers;  // mu = 1
  const auto m = mmc(servers, lambda, 1.0);
  const std::string model = servers == 1 ? "M/M/1" : "M/M/" + std::to_string(servers);
  // Runs grow with the relaxation time, ~ 1/(1 - sqrt(rho))^2 for M/M/1.
  const double duration = scale * 2000.0 / std::pow(1.0 - std::sqrt(rho), 2.0) / servers;
  ValidationCase c = singleStation(model + " rho=" + fmt("%.2g", rho), model, rho, servers, lambda,
                                   core::Distribution::exponential(1.0), duration);
  c.exact = m.meanResponse;
  c.formula = servers == 1 ? "W = 1/(mu - lambda)"
                           : "W = C(c, a)/(c mu - lambda) + 1/mu, Erlang C (Kleinrock vol. 1, 3.5)";
  return c;
}

}  // namespace

std::vector<ValidationCase> canonicalCases(bool quick) {
  const double scale = quick ? 1.0 : 6.0;
  std::vector<ValidationCase> cases;
  cases.push_back(mmcCase(1, 0.5, scale));
  cases.push_back(mmcCase(1, 0.9, scale));
  cases.push_back(mmcCase(8, 0.9, scale));

  {  // M/M/2/10: 2 servers, room for 10 in all (8 waiting), lambda = 2.5, mu = 1.
    const auto m = mmck(2, 10, 2.5, 1.0);
    ValidationCase w = singleStation("M/M/2/10 rho=1.25", "M/M/c/K", 1.25, 2, 2.5,
                                     core::Distribution::exponential(1.0), scale * 40000.0, 8);
    w.exact = m.meanResponse;
    w.formula = "W = L / (lambda (1 - P_K)), birth-death product form (Gross et al., M/M/c/K)";
    cases.push_back(w);
    ValidationCase b = w;
    b.name = "M/M/2/10 blocking";
    b.figure = "end_to_end/all/error_ratio";
    b.quantity = "blocking probability P_K (503 share)";
    b.exact = m.blockingProbability;
    b.formula = "P_K of the product form; arrivals see time averages (PASTA)";
    cases.push_back(b);
  }
  {  // M/D/1 at rho 0.7 (mu = 1): Wq = rho / (2 mu (1 - rho)).
    ValidationCase c = singleStation("M/D/1 rho=0.7", "M/G/1", 0.7, 1, 0.7,
                                     core::Distribution::deterministic(1.0), scale * 20000.0);
    c.exact = md1(0.7, 1.0).meanResponse;
    c.formula = "Pollaczek-Khinchine: W = rho (1 + Cs^2) / (2 mu (1 - rho)) + 1/mu, Cs^2 = 0";
    cases.push_back(c);
  }
  {  // M/G/1 with high variability: hyperexponential service, cv 2 (Cs^2 = 4), rho 0.6.
    ValidationCase c = singleStation(
        "M/H2/1 cv=2 rho=0.6", "M/G/1", 0.6, 1, 0.6,
        core::Distribution::fromMeanCv(core::DistributionKind::kHyperexponential, 1.0, 2.0),
        scale * 60000.0);
    c.exact = mg1(0.6, 1.0, 4.0).meanResponse;
    c.formula = "Pollaczek-Khinchine with Cs^2 = 4";
    cases.push_back(c);
  }
  {  // Erlang B: 5 servers, no waiting room, offered load 4 Erlangs.
    ValidationCase c = singleStation("M/M/5/5 a=4", "Erlang B", 0.8, 5, 4.0,
                                     core::Distribution::exponential(1.0), scale * 20000.0, 0);
    c.figure = "end_to_end/all/error_ratio";
    c.quantity = "blocking probability B(5, 4)";
    c.exact = erlangB(5, 4.0);
    c.formula = "Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1))";
    cases.push_back(c);
  }
  {  // Open Jackson network with feedback: a -> b -> c, back to a with probability 1/2.
    // External arrivals 1/s; traffic equations lambda_i = 1 / (1 - 1/2) = 2 at every station;
    // service rates 3, 4, 5. One pass a, b, c takes sum 1/(mu_i - lambda_i) = 1 + 1/2 + 1/3.
    // A user's number of passes is geometric (P(k) = 2^-k), as Markov routing gives; a flow
    // of k passes carries weight 2^-k (truncated at 40 passes: weight below 1e-12).
    const double duration = scale * 20000.0;
    ValidationCase c;
    c.name = "Jackson 3 stations, feedback 1/2";
    c.model = "Jackson";
    c.load = 2.0 / 3.0;
    c.spec = base(c.name, 1.0, duration);
    c.spec.classes = {{"pass", {"a", "b", "c"}, {}}};
    for (int k = 1; k <= 40; ++k) {
      models::FlowSpec f;
      f.name = std::to_string(k) + " passes";
      f.weight = std::ldexp(1.0, -k);
      f.steps.assign(static_cast<std::size_t>(k), "pass");
      c.spec.traffic.mix.push_back(f);
    }
    c.spec.tiers = {station("a", 1, core::Distribution::exponential(1.0 / 3.0)),
                    station("b", 1, core::Distribution::exponential(1.0 / 4.0)),
                    station("c", 1, core::Distribution::exponential(1.0 / 5.0))};
    c.figure = "end_to_end/all/latency_s/mean";
    c.quantity = "mean time of one pass through a, b, c (s)";
    c.exact = 1.0 + 0.5 + 1.0 / 3.0;
    c.formula = "traffic equations lambda = gamma + P^T lambda; each station M/M/1 (Jackson)";
    cases.push_back(c);
  }
  {  // Open tandem of three M/M/1 tiers, Poisson arrivals at 0.5/s, mean service 1, 0.8 and
    // 1.5 s (loads 0.5, 0.4, 0.75): by Jackson's theorem (Burke's output theorem for a
    // tandem) each tier is an independent M/M/1, so the mean time through the chain is
    // sum S_i / (1 - rho_i) = 2 + 4/3 + 6.
    const double duration = scale * 40000.0;
    ValidationCase c;
    c.name = "tandem of 3 M/M/1, lambda=0.5";
    c.model = "Jackson";
    c.load = 0.75;
    c.spec = base(c.name, 0.5, duration);
    c.spec.traffic.mix = {{"job", 1.0, {"job"}}};
    c.spec.classes = {{"job", {"a", "b", "c"}, {}}};
    c.spec.tiers = {station("a", 1, core::Distribution::exponential(1.0)),
                    station("b", 1, core::Distribution::exponential(0.8)),
                    station("c", 1, core::Distribution::exponential(1.5))};
    c.figure = "end_to_end/all/latency_s/mean";
    c.quantity = "mean time through the chain (s)";
    c.exact = 2.0 + 0.8 / 0.6 + 6.0;
    c.formula = "Jackson network (a tandem): sum of M/M/1 times S_i / (1 - lambda S_i)";
    cases.push_back(c);
  }
  {  // Closed network: 20 users thinking 5 s (exponential) between requests, which visit two
    // single-server stations with exponential demands 0.2 s and 0.15 s. Exact MVA gives
    // the response time R(20) and throughput X(20) (Reiser and Lavenberg 1980).
    const auto mva = meanValueAnalysis({0.2, 0.15}, 5.0, 20);
    const double duration = scale * 20000.0;
    ValidationCase r;
    r.name = "closed N=20, Z=5, two stations";
    r.model = "MVA";
    r.load = mva.utilizations[0];
    r.spec = base(r.name, 0.0, duration);
    r.spec.traffic.phases.clear();
    r.spec.traffic.closed.users = 20;
    r.spec.traffic.closed.think = core::Distribution::exponential(5.0);
    r.spec.traffic.mix = {{"job", 1.0, {"job"}}};
    r.spec.classes = {{"job", {"cpu", "disk"}, {}}};
    r.spec.tiers = {station("cpu", 1, core::Distribution::exponential(0.2)),
                    station("disk", 1, core::Distribution::exponential(0.15))};
    r.figure = "end_to_end/all/latency_s/mean";
    r.quantity = "response time R(N) (s)";
    r.exact = mva.responseTime;
    r.formula = "exact MVA: R_i(n) = D_i (1 + Q_i(n-1)), X(n) = n / (Z + sum R_i(n))";
    cases.push_back(r);
    ValidationCase x = r;
    x.name = "closed N=20 throughput";
    x.figure = "end_to_end/all/throughput_rps";
    x.quantity = "throughput X(N) (1/s)";
    x.exact = mva.throughput;
    x.formula = "exact MVA, X(N) = N / (Z + R(N))";
    cases.push_back(x);
  }
  for (const int d : {1, 2}) {  // supermarket model: 100 servers at 0.9, d choices
    // Each server starts empty, and one M/M/1 queue at 0.9 relaxes in 1/(1 - sqrt(0.9))^2 =
    // 380 s: a warm-up of 5% of the run (100 s in the quick suite) left its mean about 4%
    // low. 2,000 s of warm-up leave e^(-2000/380) = 0.5% of the initial deficit.
    constexpr double kWarmup = 2000.0;
    const double duration = kWarmup + scale * 2000.0;
    ValidationCase c;
    c.name = "supermarket d=" + std::to_string(d) + ", N=100, lambda=0.9";
    c.model = "supermarket";
    c.load = 0.9;
    c.spec = base(c.name, 90.0, duration);
    c.spec.warmup = kWarmup;
    c.spec.traffic.mix = {{"job", 1.0, {"job"}}};
    c.spec.classes = {{"job", {"pool"}, {}}};
    models::TierSpec pool;
    pool.id = "pool";
    pool.service = core::Distribution::exponential(1.0);
    for (int i = 0; i < 100; ++i) {
      models::TargetSpec t;
      t.name = "s" + std::to_string(i);
      pool.targets.push_back(t);
    }
    pool.balancer.policy = d == 1 ? "random" : "least_request";
    c.spec.tiers = {pool};
    c.figure = "end_to_end/all/latency_s/mean";
    c.quantity = "mean response time (s)";
    c.exact = supermarketMeanTime(d, 0.9);
    if (d == 1) {
      c.formula = "random split of Poisson arrivals: 100 independent M/M/1 queues, W = 1/(1 - 0.9)";
    } else {
      c.formula =
          "Mitzenmacher's N -> infinity limit sum_i lambda^((2^i - 2)/(2 - 1)); N = 100 "
          "is within 5% of it";
      c.limit = true;
      c.tolerance = 0.05;
    }
    cases.push_back(c);
  }
  // Caches: a cache tier in front of an origin, Poisson requests for Zipf(0.8) objects out of
  // 1,000. Lookup and origin times are a microsecond, so a response is stored right after
  // its miss, as the analytic models assume.
  const auto cacheCase = [&](const std::string& name, const models::CacheSpec& cache) {
    const double duration = scale * 1000.0;
    ValidationCase c;
    c.name = name;
    c.model = "cache";
    c.spec = base(name, 100.0, duration);
    c.spec.traffic.mix = {{"get", 1.0, {"get"}}};
    models::ClassSpec get;
    get.id = "get";
    get.route = {"cache", "origin"};
    c.spec.classes = {get};
    models::TierSpec front = station("cache", 1000000, core::Distribution::deterministic(1e-6));
    front.cache = cache;
    c.spec.tiers = {front, station("origin", 1000000, core::Distribution::deterministic(1e-6))};
    c.figure = "tiers/cache/cache/hit_ratio";
    c.quantity = "hit ratio";
    return c;
  };
  const std::vector<double> zipf = zipfPopularities(1000, 0.8);
  {
    models::CacheSpec lru;
    lru.maxEntries = 100;
    lru.ttl = 1e9;
    lru.inactive = 1e9;
    lru.catalogue = 1000;
    lru.zipfExponent = 0.8;
    ValidationCase c = cacheCase("LRU C=100, Zipf(0.8) over 1000", lru);
    c.load = 0.1;  // C / N
    c.exact = lruChe(zipf, 100.0).overall;
    c.formula =
        "Che's approximation h = sum p_k (1 - exp(-p_k T_C)), sum_k (1 - exp(-p_k T_C)) = C; "
        "an approximation (within about 1% here), so judged within 2%";
    c.limit = true;
    c.tolerance = 0.02;
    cases.push_back(c);
  }
  {
    models::CacheSpec ttl;
    ttl.maxEntries = 1000000;  // never full: only the TTL removes entries
    ttl.ttl = 10.0;
    ttl.inactive = 1e9;
    ttl.catalogue = 1000;
    ttl.zipfExponent = 0.8;
    ValidationCase c = cacheCase("TTL T=10s, Zipf(0.8) over 1000, 100/s", ttl);
    c.load = 0.0;
    c.exact = ttlCache(zipf, 100.0, 10.0).overall;
    c.formula = "non-reset TTL under Poisson requests: h = sum p_k lambda_k T / (1 + lambda_k T)";
    cases.push_back(c);
  }
  return cases;
}

std::vector<ValidationCase> utilizationSweep(bool quick) {
  const double scale = quick ? 0.5 : 3.0;
  std::vector<ValidationCase> sweep;
  for (const int servers : {1, 8}) {
    for (const double rho : {0.3, 0.5, 0.7, 0.8, 0.9})
      sweep.push_back(mmcCase(servers, rho, scale));
  }
  return sweep;
}

std::size_t intervalCases(const std::vector<ValidationCase>& cases) {
  std::size_t n = 0;
  for (const auto& c : cases)
    n += !c.limit;
  return n;
}

CaseResult runCase(const ValidationCase& c, const models::balancing::PolicyRegistry& policies,
                   double confidence) {
  CaseResult r;
  r.c = &c;
  const auto result = models::runExperiment(c.spec, policies);
  for (const auto& f : result.figures) {
    if (f.path != c.figure) continue;
    r.mean = f.estimate.mean;
    r.halfWidth = f.estimate.halfWidth;
    r.inCi95 = f.estimate.contains(c.exact);
    const core::Estimate judged = core::estimate(f.values, confidence);
    r.judgedHalfWidth = judged.halfWidth;
    r.relativeError = (r.mean - c.exact) / c.exact;
    r.relativeHalfWidth = r.halfWidth / c.exact;
    r.passed = c.limit ? std::fabs(r.relativeError) <= c.tolerance : judged.contains(c.exact);
  }
  return r;
}

std::string markdownReport(const std::vector<CaseResult>& results,
                           const std::vector<CaseResult>& sweep, bool quick) {
  std::ostringstream out;
  out << "# Validation report\n\n"
      << "Generated by `lbsim validate" << (quick ? " --quick" : "")
      << " --markdown docs/validation.md`. Each canonical queueing model is simulated with 10\n"
      << "independent replications (5% of each deleted as warm-up; 2,000 s for the supermarket\n"
      << "model, whose servers start empty and relax slowly); the table gives the exact\n"
      << "value, the simulated mean with its Student-t 95% confidence interval, whether the\n"
      << "exact value lies inside it, and the relative error. A case that fails is a bug to\n"
      << "fix, not a tolerance to loosen. The analytic functions themselves are tested against\n"
      << "published values in `tests/validation/`.\n\n";
  const std::size_t m = [&] {
    std::size_t n = 0;
    for (const auto* list : {&results, &sweep}) {
      for (const auto& r : *list)
        n += !r.c->limit;
    }
    return n;
  }();
  out << "**Judging " << m << " cases at once.** At 95% each, about one exact value in twenty\n"
      << "falls outside its interval by chance alone, so a run of " << m << " cases would fail\n"
      << "most of the time even with a perfect simulator. Each case is therefore judged at the\n"
      << "Bonferroni level 1 - 0.05/" << m << " ("
      << fmt("%.4g", 100 * (1 - 0.05 / static_cast<double>(m)))
      << "%), which keeps the chance of any false failure in a whole run at 5%; the tables\n"
      << "show the ordinary 95% interval, and whether the exact value lies in it, too.\n\n";
  out << "| case | quantity | exact | simulated | 95% CI | in 95% CI | passes | rel. error | CI "
         "half-width |\n"
      << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : results) {
    out << "| " << r.c->name << " | " << r.c->quantity << " | " << fmt("%.6g", r.c->exact) << " | "
        << fmt("%.6g", r.mean) << " | "
        << fmt("[%.6g, %.6g]", r.mean - r.halfWidth, r.mean + r.halfWidth) << " | "
        << (r.c->limit ? std::string("-") : std::string(r.inCi95 ? "yes" : "no")) << " | "
        << (r.c->limit ? fmt("within %.0f%% of the limit", 100 * r.c->tolerance)
                       : std::string(r.passed ? "yes" : "**no**"))
        << " | " << fmt("%+.2f%%", 100 * r.relativeError) << " | "
        << fmt("%.2f%%", 100 * r.relativeHalfWidth) << " |\n";
  }
  out << "\nFormulas:\n\n";
  for (const auto& r : results)
    out << "- **" << r.c->name << "**: " << r.c->formula << "\n";
  out << "\n## Across utilizations\n\n"
      << "![simulated vs exact mean response time](images/validation.png)\n\n"
      << "| model | rho | exact W | simulated W | 95% CI | in 95% CI | passes |\n"
      << "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : sweep) {
    out << "| " << r.c->model << " | " << fmt("%.1f", r.c->load) << " | " << fmt("%.5g", r.c->exact)
        << " | " << fmt("%.5g", r.mean) << " | "
        << fmt("[%.5g, %.5g]", r.mean - r.halfWidth, r.mean + r.halfWidth) << " | "
        << (r.inCi95 ? "yes" : "no") << " | " << (r.passed ? "yes" : "**no**") << " |\n";
  }
  out << "\nCaches: a cache tier (per-replica LRU, models/cache/lru_cache.h) in front of an\n"
      << "origin, driven through the simulator like every other case. Che's approximation is\n"
      << "not exact for a finite LRU cache, so that case is judged within 2% of it; the\n"
      << "non-reset TTL cache's formula is exact under Poisson requests and is judged by the\n"
      << "interval.\n";
  return out.str();
}

}  // namespace lbsim::validation
