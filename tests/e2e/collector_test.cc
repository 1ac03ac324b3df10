// The statistics Collector's bookkeeping shortcuts against the figures they stand for:
// a tier that only one class passes shares its histogram with that class, a run of one
// class shares the end-to-end one, and utilization and queue lengths come from the pools'
// integrals. Each figure is checked against an independent value: the same run's other
// figure it must equal, or the M/M/1 formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/experiment.h"
#include "scenarios/loader.h"
#include "tests/support/figures.h"

namespace lbsim {
namespace {

class CollectorTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();

  models::ReplicationResult run(const std::string& yaml) {
    const auto spec = scenarios::loadScenarioText(yaml, "collector.yaml", policies_);
    return models::runReplication(spec, 0, policies_);
  }
  static double value(const models::ReplicationResult& r, const std::string& path) {
    return test::figureValue(r.figures, path);
  }
  static bool has(const models::ReplicationResult& r, const std::string& path) {
    return test::hasFigure(r.figures, path);
  }
};

// Two classes: `read` visits web then db, `write` only db. At web, `read` is the only class,
// so its figures are the tier's; at db both pass, and the tier's count is the sum of the
// classes' (their histograms are separate). End to end, the classes add up to `all`.
TEST_F(CollectorTest, SoleClassFiguresAreTheTiers) {
  const auto r = run(R"(name: classes
duration: 600s
warmup: 60s
traffic:
  phases: [{duration: 600s, rate: 50/s}]
  mix: [{class: read, weight: 3}, {class: write, weight: 1}]
classes: [{id: read, route: [web, db]}, {id: write, route: [db]}]
tiers:
  - {id: web, service: {dist: exponential, mean: 10ms}, replicas: 2}
  - {id: db, service: {dist: lognormal, mean: 20ms, cv: 1.5}, replicas: 3, replica: {workers: 2}}
)");
  for (const char* f :
       {"completed", "latency_s/mean", "latency_s/p50", "latency_s/p95", "latency_s/p99"}) {
    EXPECT_EQ(value(r, std::string("tiers/web/classes/read/") + f),
              value(r, std::string("tiers/web/") + f))
        << f;
  }
  EXPECT_FALSE(has(r, "tiers/web/classes/write/completed"));
  const double reads = value(r, "tiers/db/classes/read/completed");
  const double writes = value(r, "tiers/db/classes/write/completed");
  EXPECT_GT(writes, 0.2 * reads);  // 1:3 mix
  EXPECT_EQ(reads + writes, value(r, "tiers/db/completed"));
  EXPECT_NE(value(r, "tiers/db/classes/read/latency_s/p99"),
            value(r, "tiers/db/classes/write/latency_s/p99"));
  EXPECT_EQ(value(r, "end_to_end/classes/read/completed") +
                value(r, "end_to_end/classes/write/completed"),
            value(r, "end_to_end/all/completed"));
  // After the warm-up reset: 540 s at 50/s, within 5 % (Poisson: the sd is 0.7 %).
  EXPECT_NEAR(value(r, "end_to_end/all/completed"), 540 * 50, 0.05 * 540 * 50);
}

// One class: its end-to-end figures are `all`'s. The tier is an M/M/1 at rho = 0.8 with a
// warm-up cut: utilization rho, mean queue length rho^2 / (1 - rho) = 3.2 and mean time in
// system 1 / (mu - lambda) = 50 ms (Kleinrock, Queueing Systems vol. 1, sec. 3.2), within
// the run's sampling error.
TEST_F(CollectorTest, OneClassAndMm1Integrals) {
  const auto r = run(R"(name: mm1
duration: 20000s
warmup: 200s
traffic:
  phases: [{duration: 20000s, rate: 80/s}]
  mix: [{class: job}]
classes: [{id: job, route: [server]}]
tiers:
  - {id: server, service: {dist: exponential, mean: 10ms}, replicas: 1}
)");
  for (const char* f : {"requests", "completed", "latency_s/mean", "latency_s/p50", "latency_s/p99",
                        "latency_s/max"}) {
    EXPECT_EQ(value(r, std::string("end_to_end/classes/job/") + f),
              value(r, std::string("end_to_end/all/") + f))
        << f;
  }
  EXPECT_NEAR(value(r, "tiers/server/utilization"), 0.8, 0.01);
  EXPECT_EQ(value(r, "tiers/server/replicas/server-1/utilization"),
            value(r, "tiers/server/utilization"));
  EXPECT_NEAR(value(r, "tiers/server/queue_length"), 3.2, 0.3);
  EXPECT_NEAR(value(r, "end_to_end/all/latency_s/mean"), 0.050, 0.004);
  // Little's law over the same window: L = lambda W, with L = queue + busy.
  const double inSystem =
      value(r, "tiers/server/queue_length") + value(r, "tiers/server/busy_workers");
  EXPECT_NEAR(inSystem,
              value(r, "tiers/server/throughput_rps") * value(r, "tiers/server/latency_s/mean"),
              0.02 * inSystem);
}

}  // namespace
}  // namespace lbsim
