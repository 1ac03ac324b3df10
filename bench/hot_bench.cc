// The hot parts the simulator calls per request, each alone: a latency histogram's record,
// and each rate limiter's decision (nginx limit_req, Cloudflare, Kong, HAProxy) as the
// seeds configure them. Requests come from a pool of client keys in a random order at
// 10,000 requests per simulated second, so a limiter sees many keys, as a tier does;
// `keys` is the number of distinct clients (1,000 or 100,000: a table that fits in the
// caches or one that does not). The keys and times are prepared before timing. Every
// 65,536 requests the limiter's idle keys are expired, as the tier does it.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "core/random.h"
#include "core/stats/latency_histogram.h"
#include "models/ratelimit/cloudflare_rate_limit.h"
#include "models/ratelimit/haproxy_stick_table.h"
#include "models/ratelimit/kong_rate_limiting.h"
#include "models/ratelimit/nginx_limit_req.h"
#include "models/ratelimit/settings_text.h"

namespace lbsim::models::ratelimit {
namespace {

constexpr std::size_t kPrepared = 1 << 16;
constexpr double kRequestsPerSecond = 10000.0;

void BM_HistogramRecord(benchmark::State& state) {
  core::RandomStream rng(7);
  std::vector<double> values(kPrepared);
  for (double& v : values)
    v = rng.exponential(0.05);  // latencies around 50 ms
  core::LatencyHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i]);
    i = (i + 1) & (kPrepared - 1);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_HistogramRecord);

// Records spread over many histograms, as a simulation's Collector makes them (a tier's, its
// class's and its zone's per hop, then the run's and the class's per request): 96
// histograms of 51 KiB do not stay in the core's caches. Arg 0 records directly, arg 1
// through DeferredCounts (the Collector's way), whose prefetch hides the bucket's miss.
void BM_HistogramRecordMany(benchmark::State& state) {
  constexpr std::size_t kHistograms = 96;
  core::RandomStream rng(7);
  std::vector<double> values(kPrepared);
  std::vector<std::uint32_t> which(kPrepared);
  for (std::size_t i = 0; i < kPrepared; ++i) {
    values[i] = rng.exponential(0.05);
    which[i] = static_cast<std::uint32_t>(rng.below(kHistograms));
  }
  std::vector<core::LatencyHistogram> hs(kHistograms);
  core::DeferredCounts deferred;
  const bool defer = state.range(0) != 0;
  std::size_t i = 0;
  for (auto _ : state) {
    if (defer) {
      hs[which[i]].record(values[i], deferred);
    } else {
      hs[which[i]].record(values[i]);
    }
    i = (i + 1) & (kPrepared - 1);
  }
  deferred.flush();
  benchmark::DoNotOptimize(hs[0].count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_HistogramRecordMany)->Arg(0)->Arg(1);

struct Traffic {
  std::vector<Key> keys;
  std::vector<double> gaps;  // seconds between requests
};

Traffic traffic(std::uint64_t keyCount) {
  core::RandomStream rng(11);
  Traffic t;
  for (std::size_t i = 0; i < kPrepared; ++i) {
    t.keys.push_back(0x0a000000u + rng.below(keyCount));  // IPv4 addresses 10.x.x.x
    t.gaps.push_back(rng.exponential(1.0 / kRequestsPerSecond));
  }
  return t;
}

// Times `decide(now, key)` for each prepared request in turn, the clock moving on.
template <typename Decide, typename Expire>
void decisions(benchmark::State& state, Decide decide, Expire expire) {
  const Traffic t = traffic(static_cast<std::uint64_t>(state.range(0)));
  double now = 0.0;
  std::size_t i = 0;
  std::uint64_t rejected = 0;
  for (auto _ : state) {
    now += t.gaps[i];
    const Decision d = decide(now, t.keys[i]);
    rejected += d.fate == Fate::kReject ? 1u : 0u;
    i = (i + 1) & (kPrepared - 1);
    if (i == 0) expire(now);
  }
  benchmark::DoNotOptimize(rejected);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_NginxLimitReq(benchmark::State& state) {
  // The seed's API location: limit_req_zone ... rate=100r/s; limit_req zone=api burst=20.
  NginxLimitReqLocation location(parseNginxLimitReq("rate=100r/s burst=20 nodelay"));
  decisions(
      state, [&](double now, Key key) { return location.decide(now, key); },
      [&](double now) { location.zone(0).expire(now); });
}
BENCHMARK(BM_NginxLimitReq)->Arg(1000)->Arg(100000);

void BM_CloudflareRateLimit(benchmark::State& state) {
  CloudflareRateLimit limit(
      parseCloudflareRateLimit("threshold=200 period=60 timeout=600 action=challenge"));
  decisions(
      state, [&](double now, Key key) { return limit.decide(now, key); },
      [&](double now) { limit.expire(now); });
}
BENCHMARK(BM_CloudflareRateLimit)->Arg(1000)->Arg(100000);

void BM_KongRateLimiting(benchmark::State& state) {
  KongCounters counters;
  KongRateLimiting limit(parseKongRateLimiting("minute=1000 hour=10000 policy=local"), counters);
  decisions(
      state, [&](double now, Key key) { return limit.decide(now, key); },
      [&](double now) { counters.expire(now); });
}
BENCHMARK(BM_KongRateLimiting)->Arg(1000)->Arg(100000);

void BM_HaproxyReqRate(benchmark::State& state) {
  HaproxyReqRateLimit limit(
      parseHaproxyReqRate("http_req_rate(10s) gt 100 deny_status 429 expire 30s"));
  decisions(
      state, [&](double now, Key key) { return limit.decide(now, key); },
      [&](double now) { limit.expire(now); });
}
BENCHMARK(BM_HaproxyReqRate)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace lbsim::models::ratelimit
