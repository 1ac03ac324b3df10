// The PgBouncer pool against queueing theory: with Poisson clients and exponential holding
// times, a pool of C server connections is an M/M/C/C loss system when clients beyond C are
// refused, and an M/M/C queue when they wait FIFO.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "core/event_queue.h"
#include "core/random.h"
#include "models/pool/connection_pool.h"
#include "validation/analytic/markovian.h"

namespace lbsim::models::pool {
namespace {

struct Batches {
  std::vector<double> refused;  // fraction of arrivals refused, per batch
  std::vector<double> queued;   // fraction that waited
  std::vector<double> wait;     // mean wait per arrival
};

struct MeanAndError {
  double mean = 0.0;
  double standardError = 0.0;  // of the mean, from the spread of the batch means
};

MeanAndError batchMeans(const std::vector<double>& xs) {
  MeanAndError r;
  for (double x : xs)
    r.mean += x / static_cast<double>(xs.size());
  double var = 0.0;
  for (double x : xs)
    var += (x - r.mean) * (x - r.mean) / static_cast<double>(xs.size() - 1);
  r.standardError = std::sqrt(var / static_cast<double>(xs.size()));
  return r;
}

// A tiny event loop: Poisson arrivals at `lambda`, each a new client that acquires a server,
// holds it for Exp(mean 1/mu) once it is usable, then disconnects (release at the session's
// end). The pool's own timers run at pool.nextDeadline(). The first `warmup` arrivals are not
// counted; the next batches x perBatch are, by arrival.
Batches drive(ConnectionPool& pool, double lambda, double mu, int warmup, int batches, int perBatch,
              std::uint64_t seed) {
  core::RandomStream arrivals = core::RandomStream::named(seed, "arrivals");
  core::RandomStream service = core::RandomStream::named(seed, "service");
  core::EventQueue calendar;
  std::uint64_t sequence = 0;
  auto schedule = [&](double time, std::uint32_t kind, std::uint64_t payload) {
    calendar.push({time, sequence++, 0, kind, payload});
  };
  constexpr std::uint32_t kArrival = 0;
  constexpr std::uint32_t kDeparture = 1;
  const int total = warmup + batches * perBatch;
  Batches out;
  out.refused.assign(batches, 0.0);
  out.queued.assign(batches, 0.0);
  out.wait.assign(batches, 0.0);
  std::vector<ClientId> freeIds;
  std::vector<double> arrivedAt;
  std::vector<int> arrivalIndex;
  ClientId nextId = 0;
  int arrived = 0;
  auto batchOf = [&](int index) { return index < warmup ? -1 : (index - warmup) / perBatch; };
  auto granted = [&](ClientId c, double usableAt) {
    const int b = batchOf(arrivalIndex[c]);
    if (b >= 0) out.wait[b] += (usableAt - arrivedAt[c]) / perBatch;
    schedule(usableAt + service.exponential(1.0 / mu), kDeparture, c);
  };
  auto handle = [&](std::span<const PoolEvent> events) {
    for (const PoolEvent& e : events) {
      if (e.kind == PoolEventKind::kGranted) granted(e.client, e.time + e.setupDelay);
    }
  };
  schedule(arrivals.exponential(1.0 / lambda), kArrival, 0);
  while (!calendar.empty()) {
    const double deadline = pool.nextDeadline();
    if (deadline <= calendar.top().time) {
      handle(pool.advance(deadline));
      continue;
    }
    const core::Event e = calendar.pop();
    if (e.kind == kDeparture) {
      const auto c = static_cast<ClientId>(e.payload);
      handle(pool.release(c, e.time, Boundary::kSession));
      freeIds.push_back(c);
      continue;
    }
    ClientId c;
    if (!freeIds.empty()) {
      c = freeIds.back();
      freeIds.pop_back();
    } else {
      c = nextId++;
      arrivedAt.push_back(0.0);
      arrivalIndex.push_back(0);
    }
    arrivedAt[c] = e.time;
    arrivalIndex[c] = arrived;
    const int b = batchOf(arrived);
    ++arrived;
    const Acquire a = pool.acquire(c, e.time);
    handle(pool.events());  // timers that fell due, if any (none here: advance() ran first)
    if (a.status == AcquireStatus::kRefused) {
      if (b >= 0) out.refused[b] += 1.0 / perBatch;
      freeIds.push_back(c);
    } else if (a.status == AcquireStatus::kGranted) {
      granted(c, e.time + a.setupDelay);
    } else if (b >= 0) {
      out.queued[b] += 1.0 / perBatch;
    }
    if (arrived < total) schedule(e.time + arrivals.exponential(1.0 / lambda), kArrival, 0);
  }
  return out;
}

constexpr int kServers = 10;
constexpr double kLambda = 7.0;  // offered load a = lambda / mu = 7 Erlangs on 10 servers
constexpr double kMu = 1.0;
constexpr int kWarmup = 20000;
constexpr int kBatches = 20;
constexpr int kPerBatch = 20000;

// M/M/C/C: session mode, default_pool_size = max_client_conn = C, so a client arriving when
// C clients hold the C servers is refused. Blocking = Erlang B(C, a) (validation::erlangB,
// the recursion B(k) = a B(k-1) / (k + a B(k-1))): B(10, 7) = 0.078741. 400,000 counted
// arrivals: the binomial standard error is 4.3e-4; the batch-means error (20 batches of
// 20,000, which also covers the correlation between arrivals) is asserted below 1.5e-3, and
// the estimate within 4 of it of the exact value.
TEST(PoolQueueing, BlockingIsErlangB) {
  PgBouncerSettings s;
  s.poolMode = PoolMode::kSession;
  s.defaultPoolSize = kServers;
  s.maxClientConn = kServers;
  s.serverIdleTimeout = 0.0;  // keep the servers, to count how many were ever opened
  s.serverLifetime = kNever;
  ConnectionPool pool(s);
  const Batches b = drive(pool, kLambda, kMu, kWarmup, kBatches, kPerBatch, 11);
  const MeanAndError blocked = batchMeans(b.refused);
  const double exact = validation::erlangB(kServers, kLambda / kMu);
  std::printf("M/M/10/10, a = 7: blocking %.5f +- %.5f (s.e.), Erlang B %.5f\n", blocked.mean,
              blocked.standardError, exact);
  EXPECT_NEAR(exact, 0.078741, 1e-6);
  EXPECT_LT(blocked.standardError, 1.5e-3);
  EXPECT_NEAR(blocked.mean, exact, 4.0 * blocked.standardError);
  EXPECT_EQ(batchMeans(b.queued).mean, 0.0);  // nobody waits in a loss system
  EXPECT_EQ(pool.stats().serversOpened, static_cast<std::uint64_t>(kServers));
}

// M/M/C: max_client_conn far above the load, query_wait_timeout off, no reserve, so clients
// wait FIFO. P(wait) = Erlang C(C, a) = B / (1 - rho (1 - B)) = 0.221731 and the mean wait
// Wq = C(C, a) / (C mu - lambda) = 0.073910 s (validation::erlangC, validation::mmc).
// Binomial error of P(wait) over 400,000 arrivals: 6.6e-4; batch-means error asserted below
// 3e-3, estimates within 4 of it. The mean wait is checked the same way.
TEST(PoolQueueing, WaitingIsErlangC) {
  PgBouncerSettings s;
  s.poolMode = PoolMode::kSession;
  s.defaultPoolSize = kServers;
  s.maxClientConn = 1000000;
  s.queryWaitTimeout = 0.0;
  ConnectionPool pool(s);
  const Batches b = drive(pool, kLambda, kMu, kWarmup, kBatches, kPerBatch, 12);
  const MeanAndError waited = batchMeans(b.queued);
  const MeanAndError wait = batchMeans(b.wait);
  const double exact = validation::erlangC(kServers, kLambda / kMu);
  const double exactWait = validation::mmc(kServers, kLambda, kMu).meanWait;
  std::printf("M/M/10, a = 7: P(wait) %.5f +- %.5f, Erlang C %.5f; Wq %.5f +- %.5f, exact %.5f\n",
              waited.mean, waited.standardError, exact, wait.mean, wait.standardError, exactWait);
  EXPECT_NEAR(exact, 0.221731, 1e-6);
  EXPECT_NEAR(exactWait, 0.073910, 1e-6);
  EXPECT_LT(waited.standardError, 3e-3);
  EXPECT_NEAR(waited.mean, exact, 4.0 * waited.standardError);
  EXPECT_LT(wait.standardError, 0.1 * exactWait);
  EXPECT_NEAR(wait.mean, exactWait, 4.0 * wait.standardError);
  EXPECT_EQ(batchMeans(b.refused).mean, 0.0);
}

}  // namespace
}  // namespace lbsim::models::pool
