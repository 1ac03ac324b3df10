// Replay of a recorded access log: one request per line at the logged arrival time, of the
// class its path maps to, from the logged client, optionally with the logged time as a
// tier's demand; and the shipped sample log (scenarios/logs/) through a whole chain.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "models/experiment.h"
#include "scenarios/loader.h"

namespace lbsim {
namespace {

// Log lines in a format with $msec (the log time, to the millisecond) and $request_time:
// the arrival is $msec - $request_time (nginx writes the line when the request ends).
const std::string kLog =
    "1700000000.250 192.0.2.1 \"GET /api/auth/login HTTP/1.1\" 200 0.050\n"
    "1700000000.900 192.0.2.2 \"GET /api/courses/7 HTTP/1.1\" 200 0.100\n"
    "1700000001.000 192.0.2.1 \"GET /static/app.js HTTP/1.1\" 200 0.001\n"
    "\n"
    "1700000002.500 192.0.2.3 \"GET /api/courses/8 HTTP/1.1\" 200 0.500\n"
    "1700000003.000 192.0.2.2 \"GET /api/auth/login HTTP/1.1\" 200 0.020\n"
    "1700000003.010 192.0.2.4 \"GET /favicon.ico HTTP/1.1\" 404 0.000\n"
    "1700000004.200 192.0.2.1 \"GET /api/courses/9 HTTP/1.1\" 200 0.200\n";
// Arrivals: 0.200, 0.800, 0.999, 2.000, 2.980, 3.010, 4.000; relative to the first (0.200):
const std::vector<double> kArrivals = {0.0, 0.6, 0.799, 1.8, 2.78, 2.81, 3.8};

// The end-to-end trace rows, copied (the trace's strings belong to the run).
struct Row {
  std::uint64_t request = 0;
  std::string cls;
  double arrived = 0.0;
  double departed = 0.0;
};
struct Captured : models::TraceSink {
  std::vector<Row> rows;
  void write(const models::TraceRecord& r) override {
    if (r.hop < 0) rows.push_back({r.request, *r.cls, r.arrived, r.departed});
  }
};

class ReplayTest : public ::testing::Test {
 protected:
  models::balancing::PolicyRegistry policies_ = models::balancing::PolicyRegistry::withBuiltins();
  std::filesystem::path dir_;

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lbsim-replay-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "access.log") << kLog;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string scenario(const std::string& replayExtra) {
    return R"(name: replay
duration: 10s
traffic:
  replay:
    file: access.log
    format: '$msec $remote_addr "$request" $status $request_time'
    classes:
      - {location: /api/auth/, class: login}
      - {location: "~ ^/api/courses/[0-9]+$", class: course}
)" + replayExtra +
           R"(
classes:
  - {id: login, route: [web]}
  - {id: course, route: [web]}
  - {id: other, route: [web]}
tiers:
  - {id: web, service: {dist: deterministic, value: 1ms}, replicas: 1, replica: {workers: 8}}
)";
  }
  models::ScenarioSpec load(const std::string& text) {
    const auto file = dir_ / "replay.yaml";
    std::ofstream(file) << text;
    return scenarios::loadScenarioFile(file.string(), policies_);
  }
  Captured run(const models::ScenarioSpec& spec) {
    Captured sink;
    models::RunHooks hooks;
    hooks.trace = &sink;
    hooks.traceFraction = 1.0;
    models::runReplication(spec, 0, policies_, hooks);
    return sink;
  }
  static std::vector<Row> endToEnd(Captured c) {
    std::sort(c.rows.begin(), c.rows.end(),
              [](const Row& a, const Row& b) { return a.request < b.request; });
    return c.rows;
  }
};

// K = 7 logged lines (the blank one is skipped) give exactly 7 requests, created at the
// logged arrivals, in arrival order, of the class their path maps to.
TEST_F(ReplayTest, OneRequestPerLineAtTheLoggedTimes) {
  const auto spec = load(scenario("    default_class: other"));
  ASSERT_EQ(spec.traffic.replay->requests->size(), 7u);
  const auto c = run(spec);
  const auto rows = endToEnd(c);
  ASSERT_EQ(rows.size(), 7u);
  const std::vector<std::string> classes = {"login", "course", "other", "course",
                                            "login", "other",  "course"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_NEAR(rows[i].arrived, kArrivals[i], 1e-9) << i;
    EXPECT_EQ(rows[i].cls, classes[i]) << i;
  }
}

// speed: 10x replays the same lines ten times faster.
TEST_F(ReplayTest, SpeedScalesTheTimes) {
  const auto spec = load(scenario("    default_class: other\n    speed: 10x"));
  const auto rows = endToEnd(run(spec));
  ASSERT_EQ(rows.size(), 7u);
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_NEAR(rows[i].arrived, kArrivals[i] / 10.0, 1e-9) << i;
}

// With the logged $request_time as the web tier's demand, each request is served exactly
// as long as it was recorded (no queueing: 8 workers).
TEST_F(ReplayTest, LoggedTimeAsTheDemand) {
  const auto spec =
      load(scenario("    default_class: other\n    demand: {tier: web, from: request_time}"));
  const std::vector<double> recorded = {0.050, 0.100, 0.001, 0.500, 0.020, 0.000, 0.200};
  const auto rows = endToEnd(run(spec));
  ASSERT_EQ(rows.size(), 7u);
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_NEAR(rows[i].departed - rows[i].arrived, recorded[i], 1e-9) << i;
}

// Without default_class, a path no rule takes is an error located in the log.
TEST_F(ReplayTest, UnmappedPathIsLocatedInTheLog) {
  try {
    load(scenario(""));
    FAIL() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    const std::string log = (dir_ / "access.log").lexically_normal().generic_string();
    EXPECT_EQ(std::string(e.what()),
              log +
                  ":3:1: path /static/app.js matches no replay class rule; allowed: add a rule "
                  "for it, or set default_class\n" +
                  log +
                  ":7:1: path /favicon.ico matches no replay class rule; allowed: add a "
                  "rule for it, or set default_class");
  }
}

TEST_F(ReplayTest, MissingLogIsNamed) {
  std::string text = scenario("    default_class: other");
  text.replace(text.find("access.log"), 10, "nothere.log");
  try {
    load(text);
    FAIL() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    // At the scenario's `file:` value (line 5, column 11), naming the file as written
    // (looked for beside the scenario, then in the working directory).
    EXPECT_EQ(std::string(e.what()),
              (dir_ / "replay.yaml").string() +
                  ":5:11: nothere.log: cannot read the access log: No such file or directory");
  }
}

TEST_F(ReplayTest, UnknownClassInARule) {
  std::string text = scenario("    default_class: other");
  text.replace(text.find("class: login}"), 12, "class: logon");
  try {
    load(text);
    FAIL() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).substr(std::string(e.what()).find(":8:")),
              ":8:39: unknown class 'logon' in traffic replay; allowed: login, course, other");
  }
}

// A demand taken from a variable the format does not log is one error, at the scenario's
// `from`, not one per line of the log.
TEST_F(ReplayTest, DemandFromAVariableTheFormatLacks) {
  try {
    load(scenario(
        "    default_class: other\n    demand: {tier: web, from: upstream_response_time}"));
    FAIL() << "loaded";
  } catch (const scenarios::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir_ / "replay.yaml").string() +
                  ":11:31: traffic replay demand takes the requests' demand at 'web' from "
                  "$upstream_response_time, which the log format does not have; allowed: a "
                  "format with $upstream_response_time (combined_request_time and main_ext log "
                  "$request_time, main_ext also $upstream_response_time), or no demand key");
  }
}

}  // namespace
}  // namespace lbsim
