#include "cli/explain_ratelimit.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <queue>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/health/health_event.h"
#include "models/ratelimit/settings_text.h"
#include "scenarios/units.h"

namespace lbsim::cli {

namespace {

using namespace models::ratelimit;

std::string at(double seconds) {
  if (std::fabs(seconds) < 1e5) return models::health::formatSeconds(seconds);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.10gs", seconds);
  return buffer;
}

// --- arrivals ------------------------------------------------------------------------------

struct Arrival {
  double time = 0.0;
  std::string key;
};

double timeOf(std::string_view text, std::string_view where) {
  const auto v = scenarios::parseDuration(text);
  if (!v || *v < 0.0) {
    throw std::invalid_argument(std::string(where) + ": '" + std::string(text) + "' is not " +
                                scenarios::kDurationForms + " (a bare number is seconds)");
  }
  return *v;
}

// Microseconds are plenty; rounding keeps 0.05 * 3 at 0.15.
double tidy(double t) {
  return std::round(t * 1e6) / 1e6;
}

// One item of --arrivals: T, N@T or FROM..TO:STEP.
void addArrivals(std::string_view item, const std::string& key, std::vector<Arrival>& out) {
  constexpr std::string_view kForms = "T, N@T (N requests at T) or FROM..TO:STEP";
  const std::string where = "--arrivals item '" + std::string(item) + "'";
  if (const auto atSign = item.find('@'); atSign != std::string_view::npos) {
    const std::string count(item.substr(0, atSign));
    char* end = nullptr;
    const long n = std::strtol(count.c_str(), &end, 10);
    if (count.empty() || *end != '\0' || n < 1 || n > 1000000) {
      throw std::invalid_argument(
          where + ": the count must be a whole number from 1; allowed: " + std::string(kForms));
    }
    const double t = timeOf(item.substr(atSign + 1), where);
    for (long i = 0; i < n; ++i)
      out.push_back({t, key});
    return;
  }
  if (const auto dots = item.find(".."); dots != std::string_view::npos) {
    const auto colon = item.find(':', dots);
    if (colon == std::string_view::npos) {
      throw std::invalid_argument(where +
                                  ": a range needs a step; allowed: " + std::string(kForms));
    }
    const double from = timeOf(item.substr(0, dots), where);
    const double to = timeOf(item.substr(dots + 2, colon - dots - 2), where);
    const double step = timeOf(item.substr(colon + 1), where);
    if (!(step > 0.0) || to < from || (to - from) / step > 1e6) {
      throw std::invalid_argument(where + ": the range must go up by a positive step");
    }
    for (long i = 0;; ++i) {
      const double t = tidy(from + static_cast<double>(i) * step);
      if (t > to + 1e-9) break;
      out.push_back({t, key});
    }
    return;
  }
  out.push_back({timeOf(item, where), key});
}

std::vector<Arrival> readArrivals(const ExplainRateLimitArgs& args) {
  std::vector<Arrival> out;
  if (!args.arrivals.empty()) {
    std::string text = args.arrivals;
    std::replace(text.begin(), text.end(), ',', ' ');
    std::istringstream items(text);
    std::string item;
    while (items >> item)
      addArrivals(item, args.key, out);
  }
  if (!args.arrivalsFile.empty()) {
    std::ifstream file(args.arrivalsFile);
    if (!file) throw std::invalid_argument(args.arrivalsFile + ": cannot read the arrivals file");
    std::string line;
    int number = 0;
    while (std::getline(file, line)) {
      ++number;
      if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      std::replace(line.begin(), line.end(), ',', ' ');
      std::istringstream words(line);
      std::string time;
      std::string key;
      if (!(words >> time)) continue;
      words >> key;
      std::string extra;
      if (words >> extra) {
        throw std::invalid_argument(args.arrivalsFile + ":" + std::to_string(number) +
                                    ": a line is a time and an optional key, not '" + extra + "'");
      }
      out.push_back({timeOf(time, args.arrivalsFile + ":" + std::to_string(number)),
                     key.empty() ? args.key : key});
    }
  }
  if (out.empty()) {
    throw std::invalid_argument(
        "no requests: give --arrivals \"0,0.01,...\" (also 30@0 and 0.05..1:0.05) or "
        "--arrivals-file FILE");
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Arrival& a, const Arrival& b) { return a.time < b.time; });
  return out;
}

// --- the table -----------------------------------------------------------------------------

std::string fateText(const Decision& d) {
  if (d.dryRun) return "pass (dry run)";
  switch (d.fate) {
    case Fate::kPass:
      return "pass";
    case Fate::kDelay:
      return "delayed " + at(d.delay);
    case Fate::kReject:
      return "rejected " + std::to_string(d.status);
  }
  return "";
}

class Table {
 public:
  Table(bool showKey, bool showNode) : showKey_(showKey), showNode_(showNode) {}

  void add(double time, const std::string& key, int node, const Decision& d, std::string why) {
    std::string line = pad(std::to_string(total_ + 1), 5) + pad(at(time), 10);
    if (showKey_) line += pad(key, 10);
    if (showNode_) line += pad("node " + std::to_string(node + 1), 8);
    line += pad(fateText(d), 16) + why;
    lines_.push_back(line);
    ++total_;
    if (d.dryRun) ++dryRuns_;
    if (d.fate == Fate::kPass) ++passed_;
    if (d.fate == Fate::kDelay) {
      ++delayed_;
      longestDelay_ = std::max(longestDelay_, d.delay);
    }
    if (d.fate == Fate::kReject) ++rejected_[d.status];
  }

  void print() const {
    std::string head = pad("#", 5) + pad("time", 10);
    if (showKey_) head += pad("key", 10);
    if (showNode_) head += pad("node", 8);
    head += pad("fate", 16) + "why";
    std::printf("%s\n", head.c_str());
    for (const std::string& l : lines_)
      std::printf("%s\n", l.c_str());
    std::string summary = "\n" + std::to_string(total_) + " requests: " + std::to_string(passed_) +
                          " passed at once, " + std::to_string(delayed_) + " delayed";
    if (delayed_ > 0) summary += " (longest " + at(longestDelay_) + ")";
    int rejected = 0;
    std::string statuses;
    for (const auto& [status, n] : rejected_) {
      rejected += n;
      statuses +=
          (statuses.empty() ? "" : ", ") + std::to_string(n) + " x " + std::to_string(status);
    }
    summary += ", " + std::to_string(rejected) + " rejected";
    if (rejected > 0) summary += " (" + statuses + ")";
    if (dryRuns_ > 0) summary += "; " + std::to_string(dryRuns_) + " passed in dry run";
    std::printf("%s\n", summary.c_str());
  }

 private:
  static std::string pad(std::string text, std::size_t width) {
    if (text.size() + 1 < width)
      text.resize(width, ' ');
    else
      text += ' ';
    return text;
  }

  bool showKey_;
  bool showNode_;
  std::vector<std::string> lines_;
  int total_ = 0;
  int passed_ = 0;
  int delayed_ = 0;
  int dryRuns_ = 0;
  double longestDelay_ = 0.0;
  std::map<int, int> rejected_;
};

// Requests in turn, with the events they cause later (a limit_conn slot given back, a
// Cloudflare response) run first when they are due.
class Run {
 public:
  explicit Run(const std::vector<Arrival>& arrivals) : arrivals_(arrivals) {
    for (const Arrival& a : arrivals) {
      if (!keys_.contains(a.key)) keys_.emplace(a.key, static_cast<Key>(keys_.size() + 1));
    }
  }
  std::size_t keyCount() const { return keys_.size(); }

  // `decide(time, key, keyName, index)` for each arrival; `later(time, key)` for each event
  // scheduled with `schedule` that is due by then.
  template <typename Decide, typename Later>
  void go(Decide decide, Later later) {
    for (std::size_t i = 0; i < arrivals_.size(); ++i) {
      const Arrival& a = arrivals_[i];
      while (!pending_.empty() && pending_.top().time <= a.time) {
        const Pending p = pending_.top();
        pending_.pop();
        later(p.time, p.key);
      }
      decide(a.time, keys_.at(a.key), a.key, i);
    }
  }
  void schedule(double time, Key key) { pending_.push({time, sequence_++, key}); }

 private:
  struct Pending {
    double time;
    std::uint64_t sequence;
    Key key;
    bool operator<(const Pending& o) const {
      return time != o.time ? time > o.time : sequence > o.sequence;
    }
  };
  const std::vector<Arrival>& arrivals_;
  std::map<std::string, Key> keys_;
  std::priority_queue<Pending> pending_;
  std::uint64_t sequence_ = 0;
};

std::string ratePerSecond(std::uint64_t milli) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%g r/s (%llu milli-requests/s)",
                static_cast<double>(milli) / 1000.0, static_cast<unsigned long long>(milli));
  return buffer;
}

std::string requests(std::uint64_t milli) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", static_cast<double>(milli) / 1000.0);
  return buffer;
}

// --- the limiters --------------------------------------------------------------------------

void runNginx(const NginxLimitReqSettings& s, const std::vector<Arrival>& arrivals) {
  NginxLimitReqLocation location(s);
  std::printf("nginx limit_req (ngx_http_limit_req_module), limit_req_status %u%s\n", s.status,
              s.dryRun ? ", limit_req_dry_run on" : "");
  for (const auto& z : s.zones) {
    std::printf("  zone \"%s\": key %s, rate %s\n", z.name.c_str(), z.key.c_str(),
                ratePerSecond(z.rate).c_str());
  }
  for (const auto& l : s.limits) {
    std::string delay = l.delay == kNginxNoDelay ? "nodelay"
                        : l.delay == 0           ? "every request above the rate waits"
                                                 : "delay=" + requests(l.delay);
    std::printf("  limit_req zone=%s burst=%s, %s\n", l.zone.c_str(), requests(l.burst).c_str(),
                delay.c_str());
  }
  std::printf(
      "  per request: excess = max(excess - rate x elapsed ms / 1000 + 1000, 0) in "
      "milli-requests,\n  elapsed since the key's last accepted request in whole ms; excess > "
      "burst: rejected,\n  nothing stored; otherwise it waits (excess - delay) / rate\n\n");
  Run run(arrivals);
  Table table(run.keyCount() > 1, false);
  run.go(
      [&](double t, Key key, const std::string& name, std::size_t) {
        const Decision d = location.decide(t, key);
        table.add(t, name, 0, d, describe(d));
      },
      [](double, Key) {});
  table.print();
}

void runConn(const NginxLimitConnSettings& s, const std::vector<Arrival>& arrivals, double hold) {
  NginxLimitConnLocation location(s);
  std::printf("nginx limit_conn (ngx_http_limit_conn_module), limit_conn_status %u%s\n", s.status,
              s.dryRun ? ", limit_conn_dry_run on" : "");
  for (const auto& l : s.limits)
    std::printf("  limit_conn %s %u: at most %u requests per key in progress\n", l.zone.c_str(),
                l.connections, l.connections);
  std::printf("  each request that passes holds its slot for %s (--hold)\n\n", at(hold).c_str());
  Run run(arrivals);
  Table table(run.keyCount() > 1, false);
  run.go(
      [&](double t, Key key, const std::string& name, std::size_t) {
        const Decision d = location.acquire(t, key);
        if (d.holdsSlot) run.schedule(t + hold, key);
        table.add(t, name, 0, d, describe(d));
      },
      [&](double, Key key) { location.release(key); });
  table.print();
}

void runKong(const KongRateLimitingSettings& s, const std::vector<Arrival>& arrivals,
             std::uint32_t nodeCount, double epoch) {
  if (nodeCount < 1) throw std::invalid_argument("--nodes must be 1 or more");
  const bool shared = s.policy != KongPolicy::kLocal;
  std::vector<std::unique_ptr<KongCounters>> stores;
  for (std::uint32_t i = 0; i < (shared ? 1u : nodeCount); ++i)
    stores.push_back(std::make_unique<KongCounters>());
  std::vector<KongRateLimiting> nodes;
  for (std::uint32_t i = 0; i < nodeCount; ++i)
    nodes.emplace_back(s, *stores[shared ? 0 : i], epoch);
  std::string limits;
  for (std::size_t i = 0; i < kKongPeriodCount; ++i) {
    if (s.limits[i] <= 0.0) continue;
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s%s %g", limits.empty() ? "" : ", ",
                  std::string(kongPeriodName(static_cast<KongPeriod>(i))).c_str(), s.limits[i]);
    limits += buffer;
  }
  std::printf("Kong rate-limiting plugin: %s per %s; policy %s; error_code %u\n", limits.c_str(),
              s.limitBy.c_str(), std::string(kongPolicyName(s.policy)).c_str(), s.errorCode);
  std::printf(
      "  fixed windows on whole seconds (UTC calendar; t = 0 is Unix time %g); a request is "
      "rejected\n  when a window's usage >= its limit; %s\n",
      epoch,
      s.policy == KongPolicy::kRedis ? "redis counts every request, rejected ones too"
                                     : "only accepted requests count");
  if (nodeCount > 1) {
    std::printf("  %u Kong nodes take the requests in turn, %s\n", nodeCount,
                shared ? "sharing one counter per window" : "each with its own counters");
  }
  std::printf("\n");
  Run run(arrivals);
  Table table(run.keyCount() > 1, nodeCount > 1);
  run.go(
      [&](double t, Key key, const std::string& name, std::size_t i) {
        const int node = static_cast<int>(i % nodeCount);
        const Decision d = nodes[static_cast<std::size_t>(node)].decide(t, key);
        table.add(t, name, node, d, describe(d));
      },
      [](double, Key) {});
  table.print();
}

void runHaproxy(const HaproxyReqRateSettings& s, const std::vector<Arrival>& arrivals) {
  HaproxyReqRateLimit limiter(s);
  std::printf(
      "HAProxy: stick-table store http_req_rate(%s)%s; http-request deny (deny_status %u) "
      "if { sc_http_req_rate(0) %s %llu }\n",
      at(static_cast<double>(s.period) / 1000.0).c_str(),
      s.expire > 0 ? (" expire " + at(static_cast<double>(s.expire) / 1000.0)).c_str() : "",
      s.denyStatus, std::string(haproxyOperatorName(s.op)).c_str(),
      static_cast<unsigned long long>(s.threshold));
  std::printf(
      "  track-sc0 counts the request first; rate = (prev x remain + curr x period) / period in "
      "whole ms,\n  remain = the part of the previous period still inside the window\n\n");
  Run run(arrivals);
  Table table(run.keyCount() > 1, false);
  run.go(
      [&](double t, Key key, const std::string& name, std::size_t) {
        const Decision d = limiter.decide(t, key);
        const HaproxyFreqCtr& c = *limiter.counter(key);
        const std::int64_t remain = c.currTick + s.period - wholeMilliseconds(t);
        char details[128];
        std::snprintf(details, sizeof details, " (curr %llu, prev %llu x %s/%s)",
                      static_cast<unsigned long long>(c.currCtr),
                      static_cast<unsigned long long>(c.prevCtr),
                      at(static_cast<double>(remain) / 1000.0).c_str(),
                      at(static_cast<double>(s.period) / 1000.0).c_str());
        table.add(t, name, 0, d, describe(d) + details);
      },
      [](double, Key) {});
  table.print();
}

void runCloudflare(const CloudflareRateLimitSettings& s, const std::vector<Arrival>& arrivals,
                   double hold, std::uint16_t status) {
  CloudflareRateLimit rule(s);
  const std::string actionName(cloudflareActionName(s.action));
  const std::string answer = s.action == CloudflareAction::kBlock ? std::to_string(s.blockStatus)
                             : s.action == CloudflareAction::kLog ? "nothing"
                                                                  : "403 (challenge page)";
  std::printf(
      "Cloudflare rate limiting rule: %llu requests per %s per key; action %s (%s); %s\n",
      static_cast<unsigned long long>(s.threshold), at(s.period).c_str(), actionName.c_str(),
      answer.c_str(),
      s.timeout > 0.0 ? ("mitigation timeout " + at(s.timeout)).c_str() : "throttling (timeout 0)");
  std::printf(
      "  rate = previous window x (period - elapsed) / period + current window; acted on when "
      "rate > %llu\n",
      static_cast<unsigned long long>(s.threshold));
  if (!s.countStatuses.empty()) {
    std::printf("  counting on the response: responses come back %s later with status %u\n",
                at(hold).c_str(), status);
  }
  std::printf("\n");
  Run run(arrivals);
  Table table(run.keyCount() > 1, false);
  run.go(
      [&](double t, Key key, const std::string& name, std::size_t) {
        const Decision d = rule.decide(t, key);
        if (!s.countStatuses.empty() && d.fate == Fate::kPass) run.schedule(t + hold, key);
        table.add(t, name, 0, d, describe(d));
      },
      [&](double t, Key key) { rule.onResponse(t, key, status); });
  table.print();
}

void runBucket(const TokenBucketSettings& s, const std::vector<Arrival>& arrivals,
               const char* title) {
  TokenBucketLimiter bucket(s);
  std::printf(
      "%s: %g tokens, %g added every %s (%s); a request takes one, %u when none is left\n\n", title,
      s.maxTokens, s.tokensPerFill, at(s.fillInterval).c_str(),
      s.timerFill ? "at each fill of the timer" : "continuously", s.status);
  Run run(arrivals);
  Table table(run.keyCount() > 1, false);
  run.go(
      [&](double t, Key key, const std::string& name, std::size_t) {
        const Decision d = bucket.decide(t, key);
        table.add(t, name, 0, d, describe(d));
      },
      [](double, Key) {});
  table.print();
}

}  // namespace

CLI::App* addExplainRateLimitCommand(CLI::App& explain, ExplainRateLimitArgs& args) {
  CLI::App* cmd = explain.add_subcommand(
      "ratelimit", "a rate limiter's decision on each request of an arrival sequence");
  cmd->add_option("--nginx", args.nginx,
                  "nginx limit_req, e.g. \"rate=10r/s burst=20 nodelay\" or its directives "
                  "(limit_req_zone ...; limit_req ...; limit_req_status 429)");
  cmd->add_option("--conn", args.conn,
                  "nginx limit_conn, e.g. \"limit_conn conn 2\" (limit_conn_zone, "
                  "limit_conn_status)");
  cmd->add_option("--kong", args.kong,
                  "Kong rate-limiting, e.g. \"minute=5 hour=100 policy=local\"");
  cmd->add_option("--haproxy", args.haproxy,
                  "HAProxy, e.g. \"http_req_rate(10s) gt 100 [deny_status 429] [expire 30s]\"");
  cmd->add_option("--cloudflare", args.cloudflare,
                  "Cloudflare rule, e.g. \"threshold=100 period=60 timeout=600 action=block\"");
  cmd->add_option("--envoy", args.envoy,
                  "Envoy local_ratelimit token_bucket, e.g. \"max_tokens=10 tokens_per_fill=1 "
                  "fill_interval=1s [timer]\"");
  cmd->add_option("--bucket", args.bucket, "token bucket, e.g. \"rate=10/s capacity=20\"");
  cmd->add_option("--arrivals", args.arrivals,
                  "arrival times: \"0,0.01,0.02\", 30@0 (30 at 0 s), 0.05..1:0.05 (every 50 ms)");
  cmd->add_option("--arrivals-file", args.arrivalsFile,
                  "file: one arrival time a line, optionally followed by the request's key");
  cmd->add_option("--key", args.key, "key of the requests (default \"client\")");
  cmd->add_option("--nodes", args.nodes, "Kong: nodes taking the requests in turn (default 1)");
  cmd->add_option("--hold", args.hold,
                  "limit_conn: how long a request holds its slot; Cloudflare: when its response "
                  "comes back (default 1s)");
  cmd->add_option("--status", args.status,
                  "Cloudflare: the status of the responses when counting by response (default "
                  "200)");
  cmd->add_option("--epoch", args.epoch, "Kong: the Unix time of t = 0 in seconds (default 0)");
  return cmd;
}

void explainRateLimit(const ExplainRateLimitArgs& args) {
  const std::vector<std::pair<const char*, const std::string*>> limiters = {
      {"--nginx", &args.nginx},
      {"--conn", &args.conn},
      {"--kong", &args.kong},
      {"--haproxy", &args.haproxy},
      {"--cloudflare", &args.cloudflare},
      {"--envoy", &args.envoy},
      {"--bucket", &args.bucket}};
  std::string chosen;
  std::string allowed;
  for (const auto& [name, text] : limiters) {
    allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    if (text->empty()) continue;
    if (!chosen.empty()) {
      throw std::invalid_argument("give one limiter at a time, not both " + chosen + " and " +
                                  name);
    }
    chosen = name;
  }
  if (chosen.empty()) throw std::invalid_argument("which limiter? give one of " + allowed);
  const std::vector<Arrival> arrivals = readArrivals(args);
  const double hold = timeOf(args.hold, "--hold");
  if (!args.nginx.empty()) return runNginx(parseNginxLimitReq(args.nginx), arrivals);
  if (!args.conn.empty()) return runConn(parseNginxLimitConn(args.conn), arrivals, hold);
  if (!args.kong.empty()) {
    const auto epoch = scenarios::parseNumber(args.epoch);
    if (!epoch) {
      throw std::invalid_argument("--epoch '" + args.epoch + "' is not a number of seconds");
    }
    return runKong(parseKongRateLimiting(args.kong), arrivals, args.nodes, *epoch);
  }
  if (!args.haproxy.empty()) return runHaproxy(parseHaproxyReqRate(args.haproxy), arrivals);
  if (!args.cloudflare.empty()) {
    if (args.status < 100 || args.status > 599) {
      throw std::invalid_argument("--status must be an HTTP status (100 to 599)");
    }
    return runCloudflare(parseCloudflareRateLimit(args.cloudflare), arrivals, hold,
                         static_cast<std::uint16_t>(args.status));
  }
  if (!args.envoy.empty()) {
    return runBucket(parseEnvoyTokenBucket(args.envoy), arrivals, "Envoy local rate limit");
  }
  runBucket(parseTokenBucket(args.bucket), arrivals, "token bucket");
}

}  // namespace lbsim::cli
