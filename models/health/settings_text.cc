#include "models/health/settings_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace lbsim::models::health {

namespace {

bool isSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ';';
}

std::optional<double> parseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// One mechanism's settings text, split into settings. `flags` are keywords without a value.
class SettingsReader {
 public:
  struct Item {
    std::string key;
    std::string value;
  };

  SettingsReader(std::string_view what, std::string_view text,
                 std::initializer_list<std::string_view> flags, std::string allowed)
      : what_(what), allowed_(std::move(allowed)) {
    // `interval = 60` and `interval: 60` read as one setting: drop the blanks around = and :.
    std::string compact;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == ' ' || text[i] == '\t') {
        std::size_t j = i;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
          ++j;
        const bool beforeSign = j < text.size() && (text[j] == '=' || text[j] == ':');
        const bool afterSign = !compact.empty() && (compact.back() == '=' || compact.back() == ':');
        if (!beforeSign && !afterSign) compact += ' ';
        i = j - 1;
        continue;
      }
      compact += text[i];
    }
    text = compact;
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && isSeparator(text[i]))
        ++i;
      const std::size_t start = i;
      while (i < text.size() && !isSeparator(text[i]))
        ++i;
      if (i > start) tokens.emplace_back(text.substr(start, i - start));
    }
    for (std::size_t t = 0; t < tokens.size(); ++t) {
      std::string token = tokens[t];
      while (token.starts_with("-"))
        token.erase(0, 1);  // Docker's --interval
      const std::size_t eq = token.find_first_of("=:");
      if (eq != std::string::npos) {
        std::string value = token.substr(eq + 1);
        token.resize(eq);
        if (value.empty()) {  // `interval: 30`
          if (t + 1 >= tokens.size()) fail("'" + token + "' needs a value");
          value = tokens[++t];
        }
        items_.push_back({token, value});
        continue;
      }
      bool flag = false;
      for (const std::string_view f : flags)
        flag |= token == f;
      if (flag) {
        items_.push_back({token, ""});
        continue;
      }
      if (t + 1 >= tokens.size()) {
        fail("'" + token + "' is not a setting with a value or ends the text without one");
      }
      items_.push_back({token, tokens[++t]});
    }
  }

  const std::vector<Item>& items() const { return items_; }

  [[noreturn]] void fail(const std::string& message) const {
    throw std::invalid_argument(std::string(what_) + ": " + message + "; allowed: " + allowed_);
  }
  [[noreturn]] void unknown(const Item& item) const { fail("unknown setting '" + item.key + "'"); }

  std::uint32_t count(const Item& item, std::uint32_t min, std::uint32_t max) const {
    const auto v = parseNumber(item.value);
    if (!v || *v != std::floor(*v) || *v < min || *v > max) {
      throw std::invalid_argument(std::string(what_) + ": " + item.key + " '" + item.value +
                                  "' is not a whole number from " + std::to_string(min) + " to " +
                                  std::to_string(max));
    }
    return static_cast<std::uint32_t>(*v);
  }

  // Seconds; `bareUnit` as in parseDurationText; `whole` asks for whole seconds.
  double seconds(const Item& item, double bareUnit, double min, double max,
                 bool whole = false) const {
    const auto v = parseDurationText(item.value, bareUnit);
    const char* form = bareUnit == 0.0     ? "a duration with a unit such as 30s or 1m30s"
                       : bareUnit == 0.001 ? "a duration such as 5s, 2000 (ms) or 1m"
                                           : "seconds, such as 30 or 30s";
    if (!v || *v < min || *v > max || (whole && *v != std::floor(*v))) {
      std::string range = " from " + formatSeconds(min) + " to " + formatSeconds(max);
      throw std::invalid_argument(std::string(what_) + ": " + item.key + " '" + item.value +
                                  "' is not " + form + (whole ? ", in whole seconds," : "") +
                                  range);
    }
    return *v;
  }

  bool boolean(const Item& item) const {
    if (item.value == "true" || item.value == "1" || item.value.empty()) return true;
    if (item.value == "false" || item.value == "0") return false;
    throw std::invalid_argument(std::string(what_) + ": " + item.key + " '" + item.value +
                                "' is not true or false");
  }

 private:
  std::string_view what_;
  std::string allowed_;
  std::vector<Item> items_;
};

bool is(const SettingsReader::Item& item, std::initializer_list<std::string_view> names) {
  for (const std::string_view n : names) {
    if (item.key == n) return true;
  }
  return false;
}

// A pasted `server ...` line: drops `server` and the `words` after it (nginx: the address;
// HAProxy: the name and the address).
std::string_view withoutServerPrefix(std::string_view text, int words) {
  std::size_t i = 0;
  auto skipWord = [&] {
    while (i < text.size() && isSeparator(text[i]))
      ++i;
    const std::size_t start = i;
    while (i < text.size() && !isSeparator(text[i]))
      ++i;
    return text.substr(start, i - start);
  };
  if (skipWord() != "server") return text;
  for (int w = 0; w < words; ++w)
    skipWord();
  return text.substr(i);
}

constexpr double kDay = 86400.0;
constexpr std::uint32_t kManyCount = 1000000;

}  // namespace

std::optional<double> parseDurationText(std::string_view text, double bareUnit) {
  if (text.empty()) return std::nullopt;
  if (const auto bare = parseNumber(text)) {
    if (bareUnit == 0.0 && *bare != 0.0) return std::nullopt;
    return *bare * (bareUnit == 0.0 ? 1.0 : bareUnit);
  }
  double total = 0.0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t numberStart = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    const auto number = parseNumber(text.substr(numberStart, i - numberStart));
    const std::size_t unitStart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
      ++i;
    const std::string_view unit = text.substr(unitStart, i - unitStart);
    double scale = 0.0;
    if (unit == "us") scale = 1e-6;
    if (unit == "ms") scale = 1e-3;
    if (unit == "s") scale = 1.0;
    if (unit == "m") scale = 60.0;
    if (unit == "h") scale = 3600.0;
    if (unit == "d") scale = kDay;
    if (!number || scale == 0.0) return std::nullopt;
    total += *number * scale;
  }
  return total;
}

HaproxyCheckSettings parseHaproxyCheck(std::string_view text) {
  using InitState = HaproxyCheckSettings::InitState;
  // `timeout check 3s` and `timeout connect 5s` are backend directives; read them as one
  // word each. A bare `timeout 3s` is `timeout check`.
  std::string joined(withoutServerPrefix(text, 2));
  for (const char* word : {"check", "connect"}) {
    const std::string spaced = std::string("timeout ") + word;
    for (std::size_t at = joined.find(spaced); at != std::string::npos;
         at = joined.find(spaced, at)) {
      joined[at + 7] = '-';
    }
  }
  const SettingsReader r("HAProxy check", joined, {"check", "backup"},
                         "check, inter, fastinter, downinter, rise, fall, init-state "
                         "{fully-up|up|down|fully-down}, timeout check, timeout connect; times "
                         "in ms unless a unit is given (us, ms, s, m, h, d); weight, maxconn, "
                         "backup are read and ignored");
  HaproxyCheckSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"check", "backup", "weight", "maxconn"})) continue;  // not health settings
    if (is(item, {"inter"})) {
      s.inter = r.seconds(item, 0.001, 0.001, kDay);
    } else if (is(item, {"fastinter"})) {
      s.fastinter = r.seconds(item, 0.001, 0.001, kDay);
    } else if (is(item, {"downinter"})) {
      s.downinter = r.seconds(item, 0.001, 0.001, kDay);
    } else if (is(item, {"timeout", "timeout-check"})) {
      s.timeoutCheck = r.seconds(item, 0.001, 0.001, kDay);
    } else if (is(item, {"timeout-connect"})) {
      s.timeoutConnect = r.seconds(item, 0.001, 0.001, kDay);
    } else if (is(item, {"rise"})) {
      s.rise = r.count(item, 1, kManyCount);
    } else if (is(item, {"fall"})) {
      s.fall = r.count(item, 1, kManyCount);
    } else if (is(item, {"init-state"})) {
      if (item.value == "fully-up") {
        s.initState = InitState::kFullyUp;
      } else if (item.value == "up") {
        s.initState = InitState::kUp;
      } else if (item.value == "down") {
        s.initState = InitState::kDown;
      } else if (item.value == "fully-down") {
        s.initState = InitState::kFullyDown;
      } else if (item.value == "none") {
        s.initState = InitState::kNone;
      } else {
        r.fail("init-state '" + item.value + "' is not a state");
      }
    } else {
      r.unknown(item);
    }
  }
  return s;
}

AlbHealthCheckSettings parseAlbHealthCheck(std::string_view text) {
  const SettingsReader r("ALB health check", text, {},
                         "interval (HealthCheckIntervalSeconds, 5-300), timeout "
                         "(HealthCheckTimeoutSeconds, 2-120), healthy (HealthyThresholdCount, "
                         "2-10), unhealthy (UnhealthyThresholdCount, 2-10)");
  AlbHealthCheckSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"interval", "HealthCheckIntervalSeconds"})) {
      s.interval = r.seconds(item, 1.0, 5.0, 300.0, true);
    } else if (is(item, {"timeout", "HealthCheckTimeoutSeconds"})) {
      s.timeout = r.seconds(item, 1.0, 2.0, 120.0, true);
    } else if (is(item, {"healthy", "HealthyThresholdCount"})) {
      s.healthyThreshold = r.count(item, 2, 10);
    } else if (is(item, {"unhealthy", "UnhealthyThresholdCount"})) {
      s.unhealthyThreshold = r.count(item, 2, 10);
    } else {
      r.unknown(item);
    }
  }
  if (s.timeout >= s.interval) {
    r.fail("the timeout (" + formatSeconds(s.timeout) + ") must be smaller than the interval (" +
           formatSeconds(s.interval) + ")");
  }
  return s;
}

CloudflareMonitorSettings parseCloudflareMonitor(std::string_view text) {
  const SettingsReader r("Cloudflare monitor", text, {},
                         "interval (seconds), timeout (seconds), retries, consecutive_up, "
                         "consecutive_down");
  CloudflareMonitorSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"interval"})) {
      s.interval = r.seconds(item, 1.0, 5.0, 3600.0, true);
    } else if (is(item, {"timeout"})) {
      s.timeout = r.seconds(item, 1.0, 1.0, 10.0, true);
    } else if (is(item, {"retries"})) {
      s.retries = r.count(item, 0, 5);
    } else if (is(item, {"consecutive_up"})) {
      s.consecutiveUp = r.count(item, 0, kManyCount);
    } else if (is(item, {"consecutive_down"})) {
      s.consecutiveDown = r.count(item, 0, kManyCount);
    } else {
      r.unknown(item);
    }
  }
  return s;
}

DockerHealthcheckSettings parseDockerHealthcheck(std::string_view text) {
  const SettingsReader r("Docker healthcheck", text, {},
                         "interval, timeout, start_period, start_interval (durations with a "
                         "unit, such as 30s), retries");
  DockerHealthcheckSettings s;
  for (const auto& item : r.items()) {
    // A zero duration means the default (timeoutWithDefault).
    if (is(item, {"interval", "health-interval"})) {
      const double v = r.seconds(item, 0.0, 0.0, kDay);
      s.interval = v == 0.0 ? 30.0 : v;
    } else if (is(item, {"timeout", "health-timeout"})) {
      const double v = r.seconds(item, 0.0, 0.0, kDay);
      s.timeout = v == 0.0 ? 30.0 : v;
    } else if (is(item, {"start_period", "start-period", "health-start-period"})) {
      s.startPeriod = r.seconds(item, 0.0, 0.0, kDay);
    } else if (is(item, {"start_interval", "start-interval", "health-start-interval"})) {
      const double v = r.seconds(item, 0.0, 0.0, kDay);
      s.startInterval = v == 0.0 ? 5.0 : v;
    } else if (is(item, {"retries", "health-retries"})) {
      s.retries = r.count(item, 0, kManyCount);
    } else {
      r.unknown(item);
    }
  }
  return s;
}

KubernetesProbeSettings parseKubernetesProbe(std::string_view text) {
  using Kind = KubernetesProbeSettings::Kind;
  const SettingsReader r("Kubernetes probe", text,
                         {"readiness", "liveness", "readinessProbe", "livenessProbe"},
                         "readiness or liveness, initialDelaySeconds, periodSeconds, "
                         "timeoutSeconds, successThreshold, failureThreshold (whole seconds)");
  KubernetesProbeSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"readiness", "readinessProbe"})) {
      s.kind = Kind::kReadiness;
    } else if (is(item, {"liveness", "livenessProbe"})) {
      s.kind = Kind::kLiveness;
    } else if (is(item, {"probe", "kind"})) {
      if (item.value == "readiness") {
        s.kind = Kind::kReadiness;
      } else if (item.value == "liveness") {
        s.kind = Kind::kLiveness;
      } else {
        r.fail("probe '" + item.value + "' is not readiness or liveness");
      }
    } else if (is(item, {"initialDelaySeconds"})) {
      s.initialDelaySeconds = r.seconds(item, 1.0, 0.0, kDay, true);
    } else if (is(item, {"periodSeconds"})) {
      s.periodSeconds = r.seconds(item, 1.0, 1.0, kDay, true);
    } else if (is(item, {"timeoutSeconds"})) {
      s.timeoutSeconds = r.seconds(item, 1.0, 1.0, kDay, true);
    } else if (is(item, {"successThreshold"})) {
      s.successThreshold = r.count(item, 1, kManyCount);
    } else if (is(item, {"failureThreshold"})) {
      s.failureThreshold = r.count(item, 1, kManyCount);
    } else {
      r.unknown(item);
    }
  }
  if (s.kind == Kind::kLiveness && s.successThreshold != 1) {
    r.fail("successThreshold must be 1 for a liveness probe");
  }
  return s;
}

KongActiveSettings parseKongActive(std::string_view text) {
  const SettingsReader r("Kong active healthchecks", text, {},
                         "healthy.interval, healthy.successes, unhealthy.interval, "
                         "unhealthy.http_failures, unhealthy.tcp_failures, unhealthy.timeouts, "
                         "timeout (seconds; 0 turns a counter or a timer off)");
  KongActiveSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"healthy.interval"})) {
      s.healthyInterval = r.seconds(item, 1.0, 0.0, 65535.0);
    } else if (is(item, {"unhealthy.interval"})) {
      s.unhealthyInterval = r.seconds(item, 1.0, 0.0, 65535.0);
    } else if (is(item, {"timeout"})) {
      s.timeout = r.seconds(item, 1.0, 0.001, 65535.0);
    } else if (is(item, {"healthy.successes"})) {
      s.successes = r.count(item, 0, 255);
    } else if (is(item, {"unhealthy.http_failures"})) {
      s.httpFailures = r.count(item, 0, 255);
    } else if (is(item, {"unhealthy.tcp_failures"})) {
      s.tcpFailures = r.count(item, 0, 255);
    } else if (is(item, {"unhealthy.timeouts"})) {
      s.timeouts = r.count(item, 0, 255);
    } else {
      r.unknown(item);
    }
  }
  return s;
}

NginxFailSettings parseNginxServer(std::string_view text) {
  const SettingsReader r("nginx server", withoutServerPrefix(text, 1),
                         {"http_5xx", "backup", "down"},
                         "max_fails (0 turns it off), fail_timeout (whole seconds: 30, 30s, "
                         "1m), http_5xx (5xx answers count, as with proxy_next_upstream "
                         "http_500..http_504); weight, max_conns, backup are read and ignored");
  NginxFailSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"weight", "max_conns", "backup"})) continue;  // not health settings
    if (is(item, {"down"})) r.fail("a server marked `down` takes no requests at all");
    if (is(item, {"max_fails"})) {
      s.maxFails = r.count(item, 0, kManyCount);
    } else if (is(item, {"fail_timeout"})) {
      s.failTimeout = r.seconds(item, 1.0, 0.0, 365 * kDay, true);
    } else if (is(item, {"http_5xx"})) {
      s.countHttp5xx = true;
    } else {
      r.unknown(item);
    }
  }
  return s;
}

EnvoyOutlierSettings parseEnvoyOutlier(std::string_view text) {
  const SettingsReader r(
      "Envoy outlier_detection", text, {"always_eject_one_host"},
      "consecutive_5xx, consecutive_gateway_failure, enforcing_consecutive_5xx, "
      "enforcing_consecutive_gateway_failure, enforcing_success_rate (percent), interval, "
      "base_ejection_time, max_ejection_time, max_ejection_time_jitter (durations, bare "
      "numbers in seconds), max_ejection_percent, always_eject_one_host, "
      "success_rate_minimum_hosts, success_rate_request_volume, success_rate_stdev_factor");
  EnvoyOutlierSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"consecutive_5xx"})) {
      s.consecutive5xx = r.count(item, 1, kManyCount);
    } else if (is(item, {"consecutive_gateway_failure"})) {
      s.consecutiveGatewayFailure = r.count(item, 1, kManyCount);
    } else if (is(item, {"enforcing_consecutive_5xx"})) {
      s.enforcingConsecutive5xx = r.count(item, 0, 100);
    } else if (is(item, {"enforcing_consecutive_gateway_failure"})) {
      s.enforcingConsecutiveGatewayFailure = r.count(item, 0, 100);
    } else if (is(item, {"enforcing_success_rate"})) {
      s.enforcingSuccessRate = r.count(item, 0, 100);
    } else if (is(item, {"interval"})) {
      s.interval = r.seconds(item, 1.0, 0.001, kDay);
    } else if (is(item, {"base_ejection_time"})) {
      s.baseEjectionTime = r.seconds(item, 1.0, 0.0, kDay);
    } else if (is(item, {"max_ejection_time"})) {
      s.maxEjectionTime = r.seconds(item, 1.0, 0.001, kDay);
    } else if (is(item, {"max_ejection_time_jitter"})) {
      s.maxEjectionTimeJitter = r.seconds(item, 1.0, 0.0, kDay);
    } else if (is(item, {"max_ejection_percent"})) {
      s.maxEjectionPercent = r.count(item, 0, 100);
    } else if (is(item, {"always_eject_one_host"})) {
      s.alwaysEjectOneHost = r.boolean(item);
    } else if (is(item, {"success_rate_minimum_hosts"})) {
      s.successRateMinimumHosts = r.count(item, 0, kManyCount);
    } else if (is(item, {"success_rate_request_volume"})) {
      s.successRateRequestVolume = r.count(item, 0, kManyCount);
    } else if (is(item, {"success_rate_stdev_factor"})) {
      s.successRateStdevFactor = r.count(item, 0, kManyCount);
    } else {
      r.unknown(item);
    }
  }
  const double max =
      s.maxEjectionTime > 0.0 ? s.maxEjectionTime : std::max(300.0, s.baseEjectionTime);
  if (max < s.baseEjectionTime) {
    r.fail("max_ejection_time cannot be smaller than base_ejection_time");
  }
  return s;
}

BreakerSettings parseBreaker(std::string_view text) {
  const SettingsReader r("circuit breaker", text, {},
                         "failure_threshold, recovery_timeout (seconds, or a duration such as "
                         "5m), half_open_trials (0: every request passes while half-open)");
  BreakerSettings s;
  for (const auto& item : r.items()) {
    if (is(item, {"failure_threshold"})) {
      s.failureThreshold = r.count(item, 1, kManyCount);
    } else if (is(item, {"recovery_timeout"})) {
      s.recoveryTimeout = r.seconds(item, 1.0, 0.0, 365 * kDay);
    } else if (is(item, {"half_open_trials"})) {
      s.halfOpenTrials = r.count(item, 0, kManyCount);
    } else {
      r.unknown(item);
    }
  }
  return s;
}

}  // namespace lbsim::models::health
