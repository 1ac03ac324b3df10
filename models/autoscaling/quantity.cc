#include "models/autoscaling/quantity.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace lbsim::models::autoscaling {

std::optional<std::int64_t> parseQuantityMilli(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  // The digits as an exact integer and the number of them after the point.
  long double mantissa = 0.0L;
  int fractionDigits = 0;
  int digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (digits >= 18) return std::nullopt;  // beyond what a long double holds exactly
      mantissa = mantissa * 10.0L + (c - '0');
      ++digits;
      if (point) ++fractionDigits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return std::nullopt;
  const std::string_view suffix = text.substr(i);
  long double multiplier = 1.0L;  // of the value, in base units
  int exponent10 = 0;
  if (suffix.empty()) {
  } else if (suffix == "n") {
    exponent10 = -9;
  } else if (suffix == "u") {
    exponent10 = -6;
  } else if (suffix == "m") {
    exponent10 = -3;
  } else if (suffix == "k") {
    exponent10 = 3;
  } else if (suffix == "M") {
    exponent10 = 6;
  } else if (suffix == "G") {
    exponent10 = 9;
  } else if (suffix == "T") {
    exponent10 = 12;
  } else if (suffix == "P") {
    exponent10 = 15;
  } else if (suffix == "E") {
    exponent10 = 18;
  } else if (suffix.size() == 2 && suffix[1] == 'i') {
    const std::string_view binary = "KMGTPE";
    const auto k = binary.find(suffix[0]);
    if (k == std::string_view::npos) return std::nullopt;
    multiplier = std::ldexp(1.0L, 10 * static_cast<int>(k + 1));
  } else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::size_t j = 1;
    bool minus = false;
    if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) minus = suffix[j++] == '-';
    if (j >= suffix.size()) return std::nullopt;
    int e = 0;
    for (; j < suffix.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(suffix[j])) || e > 100) return std::nullopt;
      e = e * 10 + (suffix[j] - '0');
    }
    exponent10 = minus ? -e : e;
  } else {
    return std::nullopt;
  }
  // milli = mantissa * multiplier * 10^(exponent10 + 3 - fractionDigits), rounded up.
  long double numerator = mantissa * multiplier;
  int scale = exponent10 + 3 - fractionDigits;
  for (; scale > 0; --scale)
    numerator *= 10.0L;
  long double denominator = 1.0L;
  for (; scale < 0; ++scale)
    denominator *= 10.0L;
  long double milli = numerator / denominator;
  if (std::fmod(numerator, denominator) != 0.0L) milli = std::ceil(milli);
  if (negative) milli = -milli;
  if (!(std::fabs(milli) < 9.2e18L)) return std::nullopt;
  return static_cast<std::int64_t>(milli);
}

std::int64_t toMilli(double value) {
  const double m = value * 1000.0;
  const double nearest = std::round(m);
  // 0.1 * 1000 is 100.00000000000001 in binary: a representation error, not a fraction.
  if (std::fabs(m - nearest) <= 1e-6 * std::max(1.0, std::fabs(m))) {
    return static_cast<std::int64_t>(nearest);
  }
  return static_cast<std::int64_t>(std::ceil(m));
}

std::string formatMilli(std::int64_t milli) {
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  return std::to_string(milli) + "m";
}

std::string formatMetricValue(std::int64_t milli, const std::string& metric) {
  char buffer[48];
  if (metric == "cpu") return formatMilli(milli);
  if (metric == "memory") {
    const double bytes = static_cast<double>(milli) / 1000.0;
    const char* units[] = {"Ki", "Mi", "Gi", "Ti"};
    double scaled = bytes;
    int unit = -1;
    while (unit < 3 && std::fabs(scaled) >= 1024.0) {
      scaled /= 1024.0;
      ++unit;
    }
    if (unit < 0) {
      std::snprintf(buffer, sizeof buffer, "%.0f", bytes);
    } else {
      std::snprintf(buffer, sizeof buffer, scaled == std::round(scaled) ? "%.0f%s" : "%.1f%s",
                    scaled, units[unit]);
    }
    return buffer;
  }
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(milli) / 1000.0);
  std::string s = buffer;
  while (s.back() == '0')
    s.pop_back();
  return s;
}

}  // namespace lbsim::models::autoscaling
