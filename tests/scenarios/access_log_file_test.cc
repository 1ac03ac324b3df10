// Access logs read from disk for a replay: presets or custom formats, located problems, the
// shipped sample, and the order of the records.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include "scenarios/access_log_file.h"

namespace lbsim::scenarios {
namespace {

using models::traffic::LogParseOptions;
using models::traffic::LogRecord;

const std::string kSource = LBSIM_SOURCE_DIR;

std::vector<Diagnostic> diagnosticsOf(const std::function<void()>& body) {
  try {
    body();
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "no ScenarioError";
  return {};
}

TEST(AccessLogFile, TheShippedSampleParsesLineForLine) {
  const std::string path = kSource + "/scenarios/logs/sample-access.log";
  std::ifstream file(path);
  ASSERT_TRUE(file) << path;
  std::size_t lines = 0;
  for (std::string line; std::getline(file, line);)
    lines += line.empty() ? 0 : 1;
  const std::vector<LogRecord> records = loadAccessLog(path, "main_ext");
  EXPECT_EQ(records.size(), lines);
  EXPECT_GE(records.size(), 300u);
  // Sorted by arrival; the sample spans about five minutes from 2023-11-14 04:30 UTC.
  EXPECT_TRUE(
      std::is_sorted(records.begin(), records.end(),
                     [](const LogRecord& a, const LogRecord& b) { return a.time < b.time; }));
  EXPECT_GE(records.front().time, 1699936200.0 - 1.0);
  EXPECT_LE(records.back().time, 1699936200.0 + 330.0);
  // The seed's paths and several clients are there.
  std::set<std::string> prefixes;
  std::set<std::uint32_t> clients;
  for (const LogRecord& r : records) {
    prefixes.insert(r.path.substr(0, r.path.find('/', 5) + 1));
    clients.insert(r.clientAddress);
    EXPECT_TRUE(r.requestTime.has_value());
  }
  for (const char* p : {"/api/auth/", "/api/users/", "/api/courses", "/api/enrollments",
                        "/api/assessments/", "/api/analytics/", "/static/", "/socket.io/"}) {
    EXPECT_TRUE(std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& s) {
      return s.rfind(p, 0) == 0;
    })) << p;
  }
  EXPECT_GE(clients.size(), 10u);
}

TEST(AccessLogFile, ArrivalsAreSortedStably) {
  // Logged at 10, 11, 12 (end order); request times 0.5, 3.0, 0.25 give arrivals 9.5, 8.0,
  // 11.75; the fourth line arrives at 9.5 too and stays after the first.
  const std::string text =
      "1700000010.000 0.500 \"GET /a HTTP/1.1\" 200\n"
      "1700000011.000 3.000 \"GET /b HTTP/1.1\" 200\n"
      "1700000012.000 0.250 \"GET /c HTTP/1.1\" 200\n"
      "1700000012.000 2.500 \"GET /d HTTP/1.1\" 200\n";
  const auto records = loadAccessLogText(text, "x.log", "$msec $request_time \"$request\" $status");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].path, "/b");
  EXPECT_EQ(records[1].path, "/a");
  EXPECT_EQ(records[2].path, "/d");
  EXPECT_EQ(records[3].path, "/c");
  EXPECT_DOUBLE_EQ(records[0].time, 1700000008.0);
  // With arrivalFromLogTime off, the log order is already the order.
  LogParseOptions asLogged;
  asLogged.arrivalFromLogTime = false;
  const auto logged =
      loadAccessLogText(text, "x.log", "$msec $request_time \"$request\" $status", asLogged);
  EXPECT_EQ(logged[0].path, "/a");
  EXPECT_EQ(logged[3].path, "/d");
}

TEST(AccessLogFile, FormatsByNameStringOrDirective) {
  const std::string line =
      "203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /x HTTP/1.1\" 200 5 \"-\" \"c\"\n";
  EXPECT_EQ(loadAccessLogText(line, "a.log", "combined").size(), 1u);
  EXPECT_EQ(loadAccessLogText(line, "a.log",
                              "$remote_addr - $remote_user [$time_local] \"$request\" $status "
                              "$body_bytes_sent \"$http_referer\" \"$http_user_agent\"")
                .size(),
            1u);
  EXPECT_EQ(loadAccessLogText(line, "a.log",
                              "log_format c '$remote_addr - $remote_user [$time_local] ' "
                              "'\"$request\" $status $body_bytes_sent \"$http_referer\" "
                              "\"$http_user_agent\"';")
                .size(),
            1u);
  const auto d = diagnosticsOf([&] { loadAccessLogText(line, "a.log", "apache"); });
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].format(),
            "a.log: log_format: unknown log format 'apache'; allowed: combined, "
            "combined_request_time, main, main_ext, or a format string with $variables");
  const auto bad = diagnosticsOf([&] { loadAccessLogText(line, "a.log", "$status ${oops"); });
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].message.find("log_format column 9: the closing bracket"), std::string::npos);
}

TEST(AccessLogFile, ProblemsAreLocated) {
  const std::string text =
      "203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /x HTTP/1.1\" 200 5 \"-\" \"c\"\n"
      "\n"
      "203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /x HTTP/1.1\" OK 5 \"-\" \"c\"\n";
  const auto d = diagnosticsOf([&] { loadAccessLogText(text, "cdn.log", "combined"); });
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].format(),
            "cdn.log:3:64: expected a three-digit status for $status, found 'OK 5 \"-\" \"c\"'");
  const auto empty = diagnosticsOf([&] { loadAccessLogText("\n\n", "empty.log", "combined"); });
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_NE(empty[0].format().find("empty.log: the access log has no requests"), std::string::npos);
}

TEST(AccessLogFile, MissingFileIsNamed) {
  const auto d = diagnosticsOf([&] { loadAccessLog("/nonexistent/dir/access.log", "combined"); });
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].format(),
            "/nonexistent/dir/access.log: cannot read the access log: No such file or directory");
}

}  // namespace
}  // namespace lbsim::scenarios
