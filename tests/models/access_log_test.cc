// nginx access logs read back as requests: formats, lines, times, addresses and errors.
// The lines are written by hand in the shape nginx writes them (ngx_http_log_module: fixed
// $time_local and $msec forms, '"' in values as \x22, "-" for a missing value).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/traffic/access_log.h"

namespace lbsim::models::traffic {
namespace {

// The seed's directive as it stands in nginx.conf (000_ed1a8df81786f13a.txt, lines 66-73).
constexpr const char* kSeedMainExt =
    R"(log_format main_ext '$remote_addr - $remote_user [$time_local] "$request" '
                        '$status $body_bytes_sent "$http_referer" '
                        '"$http_user_agent" "$http_x_forwarded_for" '
                        '"$host" sn="$server_name" '
                        'rt=$request_time '
                        'ua="$upstream_addr" us="$upstream_status" '
                        'ut="$upstream_response_time" ul="$upstream_response_length" '
                        'cs=$upstream_cache_status';)";

// 10/Oct/2000:13:55:36 -0700 is 2000-10-10 20:55:36 UTC (Python: calendar.timegm).
constexpr double kOct10 = 971211336.0;

LogLineError lineError(std::string_view line, const LogFormat& format) {
  try {
    parseLogLine(line, format);
  } catch (const LogLineError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << line;
  return LogLineError(0, "");
}

LogFormatError formatError(std::string_view text) {
  try {
    LogFormat::compile(text);
  } catch (const LogFormatError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return LogFormatError(0, "");
}

TEST(AccessLogFormat, PresetsAreNginxsFormats) {
  // combined is nginx's built-in format (ngx_http_log_module, ngx_http_combined_fmt).
  EXPECT_EQ(LogFormat::preset("combined").text(),
            "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
            "\"$http_referer\" \"$http_user_agent\"");
  EXPECT_EQ(LogFormat::preset("combined_request_time").text(),
            LogFormat::preset("combined").text() + " $request_time");
  EXPECT_EQ(LogFormat::preset("main").text(),
            LogFormat::preset("combined").text() + " \"$http_x_forwarded_for\"");
  // main_ext is the seed's directive with its pieces joined.
  const LogFormat seed = LogFormat::fromDirective(kSeedMainExt);
  EXPECT_EQ(seed.name(), "main_ext");
  EXPECT_EQ(LogFormat::preset("main_ext").text(), seed.text());
  EXPECT_EQ(LogFormat::presetNames(),
            (std::vector<std::string>{"combined", "combined_request_time", "main", "main_ext"}));
  try {
    LogFormat::preset("common");
    ADD_FAILURE();
  } catch (const LogFormatError& e) {
    EXPECT_STREQ(e.what(),
                 "log_format: unknown log format 'common'; allowed: combined, "
                 "combined_request_time, main, main_ext, or a format string with $variables");
  }
}

TEST(AccessLogFormat, TokensAsNginxSplitsThem) {
  const LogFormat f = LogFormat::compile("${remote_addr}x[$time_local]$status-");
  ASSERT_EQ(f.tokens().size(), 6u);
  EXPECT_TRUE(f.tokens()[0].variable);
  EXPECT_EQ(f.tokens()[0].text, "remote_addr");
  EXPECT_EQ(f.tokens()[1].text, "x[");
  EXPECT_EQ(f.tokens()[1].column, 15);
  EXPECT_EQ(f.tokens()[2].text, "time_local");
  EXPECT_EQ(f.tokens()[3].text, "]");
  EXPECT_EQ(f.tokens()[4].text, "status");
  EXPECT_EQ(f.tokens()[5].text, "-");
  EXPECT_TRUE(f.has("status"));
  EXPECT_FALSE(f.has("msec"));
  // A name ends at the first character that is not a letter, digit or '_'.
  EXPECT_EQ(LogFormat::compile("$status.ok").tokens()[1].text, ".ok");
  // The fixed-width times may be followed directly by a variable.
  EXPECT_NO_THROW(LogFormat::compile("$time_local$status"));
}

TEST(AccessLogFormat, FormatErrors) {
  EXPECT_EQ(formatError("$status $").column(), 9);
  EXPECT_EQ(std::string(formatError("$status $").what()),
            "log_format column 9: '$' must be followed by a variable name (letters, digits, "
            "'_'); a log_format cannot write a literal '$'");
  // nginx: "the closing bracket in ... variable is missing".
  EXPECT_EQ(formatError("a ${request_time b").column(), 3);
  EXPECT_NE(std::string(formatError("a ${request_time b").what())
                .find("the closing bracket in \"${request_time\" is missing"),
            std::string::npos);
  EXPECT_EQ(formatError("${}").column(), 1);
  EXPECT_EQ(formatError("$-").column(), 1);
  EXPECT_EQ(formatError("$status$body_bytes_sent").column(), 8);
  EXPECT_NE(std::string(formatError("$status$body_bytes_sent").what())
                .find("$body_bytes_sent follows $status with no text between them"),
            std::string::npos);
  EXPECT_EQ(formatError("").column(), 0);
  EXPECT_THROW(LogFormat::fromDirective("log_format x '$status"), LogFormatError);
  EXPECT_THROW(LogFormat::fromDirective("log_format x escape=yaml '$status'"), LogFormatError);
  EXPECT_THROW(LogFormat::fromDirective("log_format x;"), LogFormatError);
}

TEST(AccessLogFormat, DirectiveEscapesAndOptions) {
  // ngx_conf_read_token: \" \' \\ \t are unescaped, quoted pieces are joined, '#' comments
  // outside quotes are skipped.
  const LogFormat f = LogFormat::fromDirective(
      "# a comment\nlog_format tsv escape=json '$msec\\t$status' \"\\t\\\"$request\\\"\";");
  EXPECT_EQ(f.name(), "tsv");
  EXPECT_EQ(f.escape(), LogEscape::kJson);
  EXPECT_EQ(f.text(), "$msec\t$status\t\"$request\"");
  // Without `log_format NAME` the words are the format.
  EXPECT_EQ(LogFormat::fromDirective("'$msec ' '$status'").text(), "$msec $status");
}

TEST(AccessLog, CombinedLine) {
  // The combined example of the Apache HTTP Server log documentation, whose format nginx's
  // combined repeats, with a documentation address (RFC 5737).
  const LogRecord r = parseLogLine(
      "203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 "
      "2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
      LogFormat::preset("combined"));
  EXPECT_DOUBLE_EQ(r.logTime, kOct10);
  EXPECT_DOUBLE_EQ(r.time, kOct10);  // no $request_time: the arrival is the log time
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/apache_pb.gif");
  EXPECT_EQ(r.query, "");
  EXPECT_EQ(r.clientAddress, 0xCB007107u);  // 203.0.113.7
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.requestTime);
  EXPECT_FALSE(r.upstreamResponseTime);
}

TEST(AccessLog, CombinedRequestTimeGivesTheArrival) {
  const LogFormat f = LogFormat::preset("combined_request_time");
  const std::string line =
      "198.51.100.4 - - [14/Nov/2023:22:13:20 +0000] \"GET /api/courses?page=2&limit=20 "
      "HTTP/1.1\" 200 512 \"-\" \"Artillery Load Test\" 0.045";
  const LogRecord r = parseLogLine(line, f);
  EXPECT_DOUBLE_EQ(r.logTime, 1700000000.0);  // 2023-11-14 22:13:20 UTC
  EXPECT_NEAR(r.time, 1700000000.0 - 0.045, 1e-9);
  EXPECT_EQ(r.path, "/api/courses");
  EXPECT_EQ(r.query, "page=2&limit=20");
  ASSERT_TRUE(r.requestTime);
  EXPECT_DOUBLE_EQ(*r.requestTime, 0.045);
  // arrivalFromLogTime = false replays the log time itself.
  LogParseOptions asLogged;
  asLogged.arrivalFromLogTime = false;
  EXPECT_DOUBLE_EQ(parseLogLine(line, f, asLogged).time, 1700000000.0);
}

TEST(AccessLog, MainWithForwardedFor) {
  const LogFormat f = LogFormat::preset("main");
  const std::string line =
      "172.70.4.9 - - [14/Nov/2023:22:13:20 +0000] \"POST /api/auth/login HTTP/1.1\" 200 91 "
      "\"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" \"198.51.100.23, 10.0.0.5\"";
  EXPECT_EQ(parseLogLine(line, f).clientAddress, 0xAC460409u);  // $remote_addr: the CDN edge
  LogParseOptions realIp;
  realIp.clientFromForwardedFor = true;
  const LogRecord r = parseLogLine(line, f, realIp);
  EXPECT_EQ(r.clientAddress, 0xC6336417u);  // 198.51.100.23, the first forwarded address
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/api/auth/login");
  // A "-" (no header) keeps $remote_addr.
  const std::string direct =
      "172.70.4.9 - - [14/Nov/2023:22:13:20 +0000] \"GET / HTTP/1.1\" 200 91 \"-\" \"-\" \"-\"";
  EXPECT_EQ(parseLogLine(direct, f, realIp).clientAddress, 0xAC460409u);
}

TEST(AccessLog, MainExtLine) {
  const LogFormat f = LogFormat::preset("main_ext");
  // Two upstream servers tried in turn (proxy_next_upstream after a 502).
  const LogRecord r = parseLogLine(
      "198.51.100.23 - - [14/Nov/2023:22:13:20 +0530] \"GET "
      "/api/assessments/questions/random?count=10&difficulty=medium HTTP/2.0\" 200 1840 \"-\" "
      "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15\" \"-\" "
      "\"api.cerebrumbiologyacademy.com\" sn=\"api.cerebrumbiologyacademy.com\" rt=0.050 "
      "ua=\"10.0.1.12:3000, 10.0.1.13:3000\" us=\"502, 200\" ut=\"0.012, 0.034\" ul=\"0, 1840\" "
      "cs=MISS",
      f);
  EXPECT_DOUBLE_EQ(r.logTime, 1700000000.0 - 5.5 * 3600);  // +0530 is ahead of UTC
  EXPECT_NEAR(r.time, r.logTime - 0.050, 1e-9);
  EXPECT_EQ(r.path, "/api/assessments/questions/random");
  EXPECT_EQ(r.query, "count=10&difficulty=medium");
  EXPECT_EQ(r.host, "api.cerebrumbiologyacademy.com");
  ASSERT_TRUE(r.upstreamResponseTime);
  EXPECT_NEAR(*r.upstreamResponseTime, 0.046, 1e-12);  // 0.012 + 0.034
  EXPECT_EQ(r.status, 200);
  // "-": no upstream (a cache hit, a static file); " : " joins groups of a redirect.
  const std::string head =
      "198.51.100.23 - - [14/Nov/2023:22:13:20 +0000] \"GET /static/css/app.css HTTP/1.1\" 200 "
      "10 \"-\" \"curl/8.4.0\" \"-\" \"static.cerebrumbiologyacademy.com\" sn=\"s\" rt=0.001 "
      "ua=\"-\" us=\"-\" ";
  EXPECT_FALSE(parseLogLine(head + "ut=\"-\" ul=\"-\" cs=HIT", f).upstreamResponseTime);
  EXPECT_NEAR(
      *parseLogLine(head + "ut=\"0.010, 0.020 : 0.005\" ul=\"-\" cs=-", f).upstreamResponseTime,
      0.035, 1e-12);
  EXPECT_NEAR(*parseLogLine(head + "ut=\"-, 0.500\" ul=\"-\" cs=-", f).upstreamResponseTime, 0.5,
              1e-12);
}

TEST(AccessLog, MsecKeepsMilliseconds) {
  const LogFormat f = LogFormat::compile("$msec $request_time \"$request\" $status $remote_addr");
  const LogRecord r =
      parseLogLine("1700000000.123 0.023 \"GET /api/users/profile HTTP/1.1\" 200 10.1.2.3", f);
  EXPECT_EQ(std::llround(r.logTime * 1000), 1700000000123LL);
  EXPECT_EQ(std::llround(r.time * 1000), 1700000000100LL);
  EXPECT_EQ(r.clientAddress, 0x0A010203u);
  // $msec wins over $time_local when both are logged: it has the milliseconds.
  const LogFormat both = LogFormat::compile("[$time_local] $msec $status");
  EXPECT_EQ(
      std::llround(parseLogLine("[14/Nov/2023:22:13:21 +0000] 1700000000.999 200", both).logTime *
                   1000),
      1700000000999LL);
  EXPECT_EQ(parseDecimalSeconds("0.000"), 0.0);
  EXPECT_FALSE(parseDecimalSeconds("-1.5"));
  EXPECT_FALSE(parseDecimalSeconds(".5"));
  EXPECT_FALSE(parseDecimalSeconds("1."));
  EXPECT_FALSE(parseDecimalSeconds("1e3"));
}

TEST(AccessLog, TimeZones) {
  // The same instant written in four zones; the offset is subtracted to get UTC.
  EXPECT_DOUBLE_EQ(parseTimeLocal("10/Oct/2000:20:55:36 +0000"), kOct10);
  EXPECT_DOUBLE_EQ(parseTimeLocal("10/Oct/2000:13:55:36 -0700"), kOct10);
  EXPECT_DOUBLE_EQ(parseTimeLocal("11/Oct/2000:02:25:36 +0530"), kOct10);
  EXPECT_DOUBLE_EQ(parseTimeLocal("11/Oct/2000:10:55:36 +1400"), kOct10);  // Kiribati
  EXPECT_DOUBLE_EQ(parseTimeIso8601("2000-10-10T13:55:36-07:00"), kOct10);
  EXPECT_DOUBLE_EQ(parseTimeIso8601("2000-10-11T02:25:36+05:30"), kOct10);
  // A leap day, and the epoch itself.
  EXPECT_DOUBLE_EQ(parseTimeLocal("29/Feb/2024:00:00:00 +0000"), 1709164800.0);
  EXPECT_DOUBLE_EQ(parseTimeLocal("01/Jan/1970:01:00:00 +0100"), 0.0);
  EXPECT_EQ(daysSinceEpoch(1970, 1, 1), 0);
  EXPECT_EQ(daysSinceEpoch(2000, 3, 1), 11017);  // Python: date(2000,3,1) - date(1970,1,1)
  EXPECT_EQ(daysSinceEpoch(1969, 12, 31), -1);
}

TEST(AccessLog, TimeErrors) {
  const auto column = [](std::string_view text, bool iso = false) {
    try {
      iso ? parseTimeIso8601(text) : parseTimeLocal(text);
    } catch (const LogLineError& e) {
      return std::pair<int, std::string>(e.column(), e.what());
    }
    return std::pair<int, std::string>(0, "");
  };
  EXPECT_EQ(column("30/Feb/2023:00:00:00 +0000"),
            (std::pair<int, std::string>(1, "day 30 is not in Feb 2023")));
  EXPECT_EQ(column("29/Feb/2023:00:00:00 +0000").first, 1);  // 2023 is no leap year
  EXPECT_EQ(column("10/Okt/2000:13:55:36 -0700").first, 4);
  EXPECT_NE(column("10/Okt/2000:13:55:36 -0700").second.find("unknown month 'Okt'"),
            std::string::npos);
  EXPECT_EQ(column("10/Oct/2000:24:00:00 -0700").first, 13);
  EXPECT_EQ(column("10/Oct/2000:13:60:00 -0700").first, 16);
  EXPECT_EQ(column("10/Oct/2000:13:55:60 -0700").first, 19);
  EXPECT_EQ(column("10/Oct/2000:13:55:36 *0700"),
            (std::pair<int, std::string>(
                22, "expected '+' or '-' as in 10/Oct/2000:13:55:36 -0700, found '*'")));
  EXPECT_EQ(column("10/Oct/2000:13:55:36 -0760").first, 22);
  EXPECT_EQ(column("10/Oct/2000:13:55").first, 18);  // found end of text
  EXPECT_EQ(column("2000-13-10T13:55:36-07:00", true).first, 6);
  EXPECT_EQ(column("2000-10-10 13:55:36-07:00", true).first, 11);  // 'T' expected
}

TEST(AccessLog, ClientAddresses) {
  EXPECT_EQ(parseClientAddress("192.168.1.10"), 0xC0A8010Au);
  EXPECT_EQ(parseClientAddress("0.0.0.0"), 0u);
  EXPECT_EQ(parseClientAddress("255.255.255.255"), 0xFFFFFFFFu);
  EXPECT_FALSE(parseClientAddress("256.1.1.1"));
  EXPECT_FALSE(parseClientAddress("1.2.3"));
  EXPECT_FALSE(parseClientAddress("1.2.3.4.5"));
  EXPECT_FALSE(parseClientAddress("1234.1.1.1"));
  EXPECT_FALSE(parseClientAddress("-"));
  // An IPv4-mapped IPv6 address is its IPv4 address.
  EXPECT_EQ(parseClientAddress("::ffff:192.0.2.1"), 0xC0000201u);
  // Other IPv6 addresses: FNV-1a 32 of the 16 bytes (Python: the FNV-1a loop over
  // ipaddress.IPv6Address(a).packed).
  EXPECT_EQ(parseClientAddress("2001:db8::1"), 0x6E5B04F4u);
  EXPECT_EQ(parseClientAddress("2001:0db8:0000:0000:0000:0000:0000:0001"), 0x6E5B04F4u);
  EXPECT_EQ(parseClientAddress("::1"), 0x68691772u);
  EXPECT_FALSE(parseClientAddress("1::2::3"));
  EXPECT_FALSE(parseClientAddress("1:2:3:4:5:6:7"));
  EXPECT_FALSE(parseClientAddress("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(parseClientAddress("2001:db8::g"));
  EXPECT_FALSE(parseClientAddress("2001:db8:"));
  EXPECT_EQ(parseClientAddress("unix:"), 0u);  // a UNIX-domain socket
}

TEST(AccessLog, RequestLines) {
  const LogFormat f = LogFormat::compile("$msec \"$request\" $status");
  // Absolute form keeps the path; HTTP/0.9 has no version; escaped bytes are decoded.
  LogRecord r = parseLogLine("1.000 \"GET http://api.example.com/a/b?x=1 HTTP/1.1\" 200", f);
  EXPECT_EQ(r.path, "/a/b");
  EXPECT_EQ(r.query, "x=1");
  r = parseLogLine("1.000 \"GET /old\" 200", f);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/old");
  r = parseLogLine("1.000 \"GET /q\\x22uote HTTP/1.1\" 200", f);
  EXPECT_EQ(r.path, "/q\"uote");
  // What a TLS client sends to a plain port: logged with 400, no method or path.
  r = parseLogLine("1.000 \"\\x16\\x03\\x01\\x00\\xA5\" 400", f);
  EXPECT_EQ(r.method, "");
  EXPECT_EQ(r.path, "");
  EXPECT_EQ(r.status, 400);
  // $request_uri and $request_method take precedence over $request.
  const LogFormat g = LogFormat::compile("$msec $request_method $request_uri \"$request\" $status");
  r = parseLogLine("1.000 HEAD /x?y \"GET /z HTTP/1.1\" 200", g);
  EXPECT_EQ(r.method, "HEAD");
  EXPECT_EQ(r.path, "/x");
  EXPECT_EQ(r.query, "y");
  // ... unless they were logged as "-".
  r = parseLogLine("1.000 - - \"GET /z?q HTTP/1.1\" 200", g);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/z");
  EXPECT_EQ(r.query, "q");
}

TEST(AccessLog, JsonEscaping) {
  const LogFormat f = LogFormat::fromDirective(
      "log_format j escape=json '{\"t\":\"$msec\",\"r\":\"$request\",\"a\":\"$remote_addr\","
      "\"u\":\"$upstream_response_time\",\"s\":$status}';");
  const LogRecord r = parseLogLine(
      R"({"t":"1700000000.500","r":"GET /say\"hi\"?q=a\\b HTTP/1.1","a":"10.0.0.1","u":"","s":200})",
      f);
  EXPECT_EQ(r.path, "/say\"hi\"");
  EXPECT_EQ(r.query, "q=a\\b");
  EXPECT_FALSE(r.upstreamResponseTime);  // json writes nothing for a missing value
  EXPECT_EQ(r.status, 200);
}

TEST(AccessLog, LineErrorsWithColumns) {
  const LogFormat combined = LogFormat::preset("combined");
  const std::string good =
      "203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"";
  EXPECT_NO_THROW(parseLogLine(good, combined));

  // Columns are 1-based bytes; each case states where it points.
  // The address: column 1.
  LogLineError e = lineError(
      "203.0.113.700 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 5 \"-\" \"c\"",
      combined);
  EXPECT_EQ(e.column(), 1);
  EXPECT_STREQ(e.what(),
               "expected an IPv4 or IPv6 address for $remote_addr, found '203.0.113.700 - ...'");

  // The request's closing quote is missing: the value may not run past the next '"' (column
  // 69, the opening quote of the referer), where '" ' is expected.
  e = lineError(
      "203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1 200 5 \"-\" \"curl/8\"",
      combined);
  EXPECT_EQ(e.column(), 69);
  EXPECT_STREQ(e.what(), "expected '\" ' after $request, found '\"-\" \"curl/8\"'");

  // A status that is not three digits: column 64, where it starts.
  e = lineError(
      "203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 2x0 5 \"-\" \"curl/8\"",
      combined);
  EXPECT_EQ(e.column(), 64);
  EXPECT_STREQ(e.what(),
               "expected a three-digit status for $status, found '2x0 5 \"-\" \"curl/...'");

  // A bad month: column 21 (the 'O' of "Okt", 4th character of the time at column 18).
  e = lineError(
      "203.0.113.7 - - [10/Okt/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"",
      combined);
  EXPECT_EQ(e.column(), 21);
  EXPECT_NE(std::string(e.what()).find("$time_local: unknown month 'Okt'"), std::string::npos);

  // The '[' before the time is missing. $remote_user may hold spaces, so the miss shows where
  // its value can reach no further: the request's opening '"' at column 45 (a value holds no
  // raw '"').
  e = lineError(
      "203.0.113.7 - - 10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200 5 \"-\" \"curl/8\"",
      combined);
  EXPECT_EQ(e.column(), 45);
  EXPECT_STREQ(e.what(), "expected ' [' after $remote_user, found '\"GET /a HTTP/1.1...'");

  // A line cut after the status: the ' ' after $status is expected at the end (column 67).
  e = lineError("203.0.113.7 - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 200", combined);
  EXPECT_EQ(e.column(), 67);
  EXPECT_STREQ(e.what(), "expected ' ' after $status, found end of line");

  // Text after the end of the format: column 82, after the user agent's closing quote.
  e = lineError(good + " extra", combined);
  EXPECT_EQ(e.column(), 82);
  EXPECT_STREQ(e.what(), "unexpected text after the end of the format, found ' extra'");

  // A format starting with a literal.
  const LogFormat bracketed = LogFormat::compile("[$time_local] $status");
  e = lineError("10/Oct/2000:13:55:36 -0700] 200", bracketed);
  EXPECT_EQ(e.column(), 1);
  EXPECT_STREQ(e.what(), "expected '[' at the start of the line, found '10/Oct/2000:13:5...'");

  // $msec and $request_time must be numbers.
  const LogFormat msec = LogFormat::compile("$msec $request_time $status");
  e = lineError("1700000000,123 0.1 200", msec);
  EXPECT_EQ(e.column(), 1);
  e = lineError("1700000000.123 fast 200", msec);
  EXPECT_EQ(e.column(), 16);
  EXPECT_STREQ(e.what(), "expected seconds such as 0.045 for $request_time, found 'fast 200'");

  // $upstream_response_time separators are ", " and " : ": column 16, the ','.
  const LogFormat ut = LogFormat::compile("$msec ut=\"$upstream_response_time\" $status");
  e = lineError("1.000 ut=\"0.012,0.034\" 200", ut);
  EXPECT_EQ(e.column(), 16);
  EXPECT_NE(std::string(e.what()).find("in $upstream_response_time, found ',0.034\" 200'"),
            std::string::npos);

  // A raw '"' cannot be inside the last value under escape=default.
  const LogFormat last = LogFormat::compile("$msec $http_user_agent");
  e = lineError("1.000 a\"b", last);
  EXPECT_EQ(e.column(), 8);

  // No time variable: the format cannot be replayed.
  EXPECT_THROW(parseLogLine("200", LogFormat::compile("$status")), std::invalid_argument);
}

TEST(AccessLog, WholeLogsReportEveryBadLine) {
  const LogFormat f = LogFormat::compile("$msec $status $request_time");
  const std::string text =
      "1700000000.300 200 0.100\r\n"
      "\n"
      "   \n"
      "1700000000.100 abc 0.050\n"
      "1700000000.200 200 0.300\n"
      "oops\n";
  const ParsedLog parsed = parseAccessLog(text, "access.log", f);
  ASSERT_EQ(parsed.records.size(), 2u);
  EXPECT_EQ(parsed.records[0].line, 1u);  // the CR of a CRLF line is dropped
  EXPECT_EQ(parsed.records[1].line, 5u);
  EXPECT_EQ(parsed.badLines, 2u);
  ASSERT_EQ(parsed.problems.size(), 2u);
  EXPECT_EQ(parsed.problems[0].format(),
            "access.log:4:16: expected a three-digit status for $status, found 'abc 0.050'");
  EXPECT_EQ(parsed.problems[1].format(),
            "access.log:6:1: expected seconds since the epoch such as 1700000000.123 for $msec, "
            "found 'oops'");

  LogParseOptions few;
  few.maxProblems = 1;
  const ParsedLog capped = parseAccessLog(text, "access.log", f, few);
  ASSERT_EQ(capped.problems.size(), 2u);
  EXPECT_EQ(capped.problems[1].format(),
            "access.log: 1 more lines do not match the log format (2 in all)");

  const ParsedLog noTime = parseAccessLog(text, "access.log", LogFormat::compile("$status"));
  ASSERT_EQ(noTime.problems.size(), 1u);
  EXPECT_EQ(noTime.problems[0].line, 0);
}

TEST(AccessLog, SortByArrivalIsStable) {
  // Logged in end order: .250, .375, .500; arrivals (log time - request time) .125, .000,
  // .125 (binary fractions, so the two .125 are equal doubles).
  const LogFormat f = LogFormat::compile("$msec $request_time $status");
  std::vector<LogRecord> records = parseAccessLog(
                                       "1700000000.250 0.125 200\n"
                                       "1700000000.375 0.375 201\n"
                                       "1700000000.500 0.375 202\n",
                                       "a.log", f)
                                       .records;
  ASSERT_EQ(records.size(), 3u);
  ASSERT_EQ(records[0].time, records[2].time);
  sortByArrival(records);
  EXPECT_EQ(records[0].status, 201);  // arrived at .000
  EXPECT_EQ(records[1].status, 200);  // arrived at .125, logged first
  EXPECT_EQ(records[2].status, 202);  // arrived at .125, logged second
}

// $time_local is whole seconds: the three lines stamped 10:00:00 ended within that second,
// in log order, so they are spread to .1667, .5 and .8333 of it; the one line of 10:00:01 to
// its middle. The arrival (log time - request time) moves with its line.
TEST(AccessLog, WholeSecondStampsAreSpreadWithinTheirSecond) {
  const LogFormat f = LogFormat::compile("[$time_local] $request_time $status");
  std::vector<LogRecord> records = parseAccessLog(
                                       "[14/Nov/2023:10:00:00 +0000] 0.100 200\n"
                                       "[14/Nov/2023:10:00:00 +0000] 0.200 201\n"
                                       "[14/Nov/2023:10:00:01 +0000] 0.300 202\n"
                                       "[14/Nov/2023:10:00:00 +0000] 0.400 203\n",
                                       "a.log", f)
                                       .records;
  ASSERT_EQ(records.size(), 4u);
  const double second = records[0].logTime;
  spreadWithinSeconds(records);
  // Seconds since 1970 as doubles are exact to about 2.4e-7 s.
  const double ulp = 1e-6;
  EXPECT_NEAR(records[0].logTime - second, 1.0 / 6.0, ulp);
  EXPECT_NEAR(records[1].logTime - second, 3.0 / 6.0, ulp);
  EXPECT_NEAR(records[2].logTime - second, 1.5, ulp);
  EXPECT_NEAR(records[3].logTime - second, 5.0 / 6.0, ulp);
  EXPECT_NEAR(records[1].time - second, 0.5 - 0.2, ulp);
  EXPECT_NEAR(records[3].time - second, 5.0 / 6.0 - 0.4, ulp);
}

}  // namespace
}  // namespace lbsim::models::traffic
