#include "scenarios/units.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lbsim::scenarios {
namespace {

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(*parseDuration("30s"), 30);
  EXPECT_DOUBLE_EQ(*parseDuration("5m"), 300);
  EXPECT_DOUBLE_EQ(*parseDuration("1h"), 3600);
  EXPECT_DOUBLE_EQ(*parseDuration("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parseDuration("100us"), 1e-4);
  EXPECT_DOUBLE_EQ(*parseDuration("1.5"), 1.5);
  EXPECT_DOUBLE_EQ(*parseDuration("2d"), 172800);
  EXPECT_FALSE(parseDuration("10 parsecs"));
  EXPECT_FALSE(parseDuration("ms"));
  EXPECT_FALSE(parseDuration(""));
  EXPECT_DOUBLE_EQ(*parseDuration("-5s"), -5);  // sign is the caller's to check
}

TEST(Units, Rates) {
  EXPECT_DOUBLE_EQ(*parseRate("100/s"), 100);
  EXPECT_DOUBLE_EQ(*parseRate("10r/m"), 10.0 / 60);  // nginx limit_req rate=10r/m
  EXPECT_DOUBLE_EQ(*parseRate("10r/s"), 10);
  EXPECT_DOUBLE_EQ(*parseRate("3600/h"), 1);
  EXPECT_DOUBLE_EQ(*parseRate("120rpm"), 2);
  EXPECT_DOUBLE_EQ(*parseRate("7"), 7);
  EXPECT_FALSE(parseRate("100/fortnight"));
}

TEST(Units, Percentages) {
  EXPECT_DOUBLE_EQ(*parsePercent("70%"), 0.7);
  EXPECT_DOUBLE_EQ(*parsePercent("0.7"), 0.7);
  EXPECT_FALSE(parsePercent("70 percent"));
}

TEST(Units, FormattingReadsBackExactly) {
  for (const double v : {0.25, 30.0, 0.1, 1.0 / 3, 1e-4, 1620.0}) {
    EXPECT_EQ(*parseDuration(formatDuration(v)), v) << formatDuration(v);
    EXPECT_EQ(*parseRate(formatRate(v)), v);
  }
  EXPECT_EQ(formatDuration(0.25), "250ms");
  EXPECT_EQ(formatDuration(30), "30s");
  EXPECT_EQ(formatRate(100), "100/s");
}

// formatNumber starts its search at the shortest round-trip digits; it must give exactly
// what the plain search from 6 digits gives (every file lbsim writes depends on it): checked
// on doubles of every magnitude and bit pattern, and on the cases %g switches notation at.
TEST(Units, FormattedNumbersAreTheFewestDigitsFromSix) {
  auto reference = [](double v) {
    char buffer[64];
    for (int precision = 6; precision <= 17; ++precision) {
      std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
      if (std::strtod(buffer, nullptr) == v) break;
    }
    return std::string(buffer);
  };
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const double v = std::bit_cast<double>(x);
    const double w = static_cast<double>(x >> 11) * 0x1p-40;  // times and rates, 0 to 8e6
    ASSERT_EQ(formatNumber(v), reference(v)) << v;
    ASSERT_EQ(formatNumber(w), reference(w)) << w;
  }
  for (const double v : {0.0, -0.0, 1e-5, 1e-4, 123456.0, 1234567.0, 100000.0, 1e16, 0.1, 1.0 / 3,
                         5e-324, 1.7976931348623157e308, -2.5}) {
    EXPECT_EQ(formatNumber(v), reference(v)) << v;
  }
}

}  // namespace
}  // namespace lbsim::scenarios
