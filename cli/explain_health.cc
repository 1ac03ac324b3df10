#include "cli/explain_health.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/simulator.h"
#include "models/health/active_check.h"
#include "models/health/circuit_breaker.h"
#include "models/health/envoy_outlier.h"
#include "models/health/kong_active.h"
#include "models/health/nginx_passive.h"
#include "models/health/settings_text.h"
#include "models/spec.h"
#include "scenarios/units.h"

namespace lbsim::cli {

namespace {

using namespace models::health;

std::string at(double seconds) {
  return formatSeconds(seconds);
}

// The target: down in [downAt, upAt), where what reaches it gets `downAs`.
struct Outage {
  double downAt = kNever;
  double upAt = kNever;
  CheckResult downAs = CheckResult::kRefused;
  bool down(double time) const { return time >= downAt && time < upAt; }
  CheckResult resultAt(double time) const { return down(time) ? downAs : CheckResult::kOk; }
};

std::string outageText(CheckResult downAs) {
  switch (downAs) {
    case CheckResult::kRefused:
      return "connections refused";
    case CheckResult::kTimedOut:
      return "no answer: requests time out";
    case CheckResult::kFailed:
      return "answers 500";
    case CheckResult::kOk:
      break;
  }
  return "";
}

// The rows of the timeline. Runs of identical rows without a change print as one.
class Timeline {
 public:
  void add(double time, std::string what, std::string state, std::string why = {}) {
    if (!rows_.empty()) {
      Row& last = rows_.back();
      if (why.empty() && last.why.empty() && last.what == what && last.state == state) {
        last.end = time;
        ++last.count;
        return;
      }
    }
    rows_.push_back({time, time, 1, std::move(what), std::move(state), std::move(why)});
  }

  void print() const {
    printLine("time", "what happened", "state after", "why");
    for (const Row& r : rows_) {
      std::string when = at(r.start);
      std::string what = r.what;
      if (r.count > 1) {
        when += ".." + at(r.end);
        what = std::to_string(r.count) + " x " + what;
      }
      printLine(when, what, r.state, r.why);
    }
  }

 private:
  struct Row {
    double start;
    double end;
    int count;
    std::string what;
    std::string state;
    std::string why;
  };
  static void printLine(const std::string& when, const std::string& what, const std::string& state,
                        const std::string& why) {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "%-14s %-46s %-32s ", when.c_str(), what.c_str(),
                  state.c_str());
    std::string line = buffer + why;
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    std::printf("%s\n", line.c_str());
  }

  std::vector<Row> rows_;
};

// When the mechanism took the target out after it went down, and back after it came back.
class Reaction {
 public:
  explicit Reaction(const Outage& outage) : outage_(outage) {}

  // The text of the `why` column for the event; records what it means for the summary.
  std::string note(const HealthEvent& e, double rowTime) {
    if (e.from != e.to) {
      if (!e.available && !out_ && e.time >= outage_.downAt) out_ = e.time;
      if (e.available && out_ && !back_) back_ = e.time;
    }
    std::string text =
        e.from == e.to ? std::string() : std::string(e.from) + " -> " + std::string(e.to) + ": ";
    if (e.time != rowTime) text = "at " + at(e.time) + ", " + text;
    return text + describe(e);
  }

  void print(double until) const {
    std::printf("\n");
    if (outage_.downAt < kNever) {
      if (out_) {
        std::printf("down at %s: taken out of service at %s, %s later\n",
                    at(outage_.downAt).c_str(), at(*out_).c_str(),
                    at(*out_ - outage_.downAt).c_str());
      } else {
        std::printf("down at %s: still taking traffic at %s\n", at(outage_.downAt).c_str(),
                    at(until).c_str());
      }
    }
    if (back_ && *back_ < outage_.upAt) {
      std::printf("in service again at %s, while still down (back only at %s)\n",
                  at(*back_).c_str(), at(outage_.upAt).c_str());
    } else if (outage_.upAt < kNever && out_) {
      if (back_) {
        std::printf("back at %s: in service again at %s, %s later\n", at(outage_.upAt).c_str(),
                    at(*back_).c_str(), at(*back_ - outage_.upAt).c_str());
      } else {
        std::printf("back at %s: still out of service at %s\n", at(outage_.upAt).c_str(),
                    at(until).c_str());
      }
    }
  }

 private:
  Outage outage_;
  std::optional<double> out_;
  std::optional<double> back_;
};

std::string resultText(CheckResult r, double ended) {
  std::string text(checkResultName(r));
  if (r == CheckResult::kTimedOut) text += " at " + at(ended);
  return text;
}

void printTarget(const Outage& o, double until) {
  std::printf("target: ");
  if (o.downAt < kNever) {
    std::printf("down at %s (%s)", at(o.downAt).c_str(), outageText(o.downAs).c_str());
    if (o.upAt < kNever) std::printf(", back at %s", at(o.upAt).c_str());
  } else {
    std::printf("up throughout");
  }
  std::printf("; timeline to %s\n\n", at(until).c_str());
}

// --- active checks ---------------------------------------------------------------------

std::string activeState(const ActiveChecker& c) {
  const ActiveCheckSpec& s = c.spec();
  std::string text(c.stateName());
  char buffer[64];
  if (c.state() == ActiveState::kUp && c.failureStreak() > 0) {
    std::snprintf(buffer, sizeof buffer, " (failed %u/%u)", c.failureStreak(), s.failuresToDown);
    text += buffer;
  } else if (c.state() == ActiveState::kDown && c.successStreak() > 0) {
    std::snprintf(buffer, sizeof buffer, " (passed %u/%u)", c.successStreak(), s.successesToUp);
    text += buffer;
  } else if (c.state() == ActiveState::kInitial && c.failureStreak() > 0) {
    std::snprintf(buffer, sizeof buffer, " (failed %u/%u)", c.failureStreak(), s.failuresToDown);
    text += buffer;
  }
  return text;
}

void printActiveSpec(const ActiveCheckSpec& s, const ActiveChecker& c) {
  std::printf("%.*s active checks of one target\n", static_cast<int>(s.system.size()),
              s.system.data());
  std::string timing = "  interval " + at(s.interval);
  if (s.fastInterval > 0.0) timing += ", fastinter " + at(s.fastInterval);
  if (s.downInterval > 0.0) timing += ", downinter " + at(s.downInterval);
  timing += ", timeout " + at(s.timeout);
  timing += s.schedule == Schedule::kFixedRate
                ? "; a check starts every interval, whatever the last one took"
                : "; the next check starts one interval after the last one ended";
  std::printf("%s\n", timing.c_str());
  std::string thresholds = "  " + std::string(s.downName) + " after " +
                           std::to_string(s.failuresToDown) + " consecutive failed checks (" +
                           std::string(s.failuresSetting) + "), " + std::string(s.upName) +
                           " after " + std::to_string(s.successesToUp) + " passed";
  if (!s.successesSetting.empty()) thresholds += " (" + std::string(s.successesSetting) + ")";
  std::printf("%s\n", thresholds.c_str());
  std::string start = "  at the start: " + std::string(c.stateName());
  if (s.startFailures > 0) start += ", one failed check from " + std::string(s.downName);
  if (s.startSuccesses > 0) start += ", one passed check from " + std::string(s.upName);
  if (s.start == ActiveState::kInitial) {
    start +=
        ", taking no traffic until " + std::to_string(s.successesFromInitial) + " check passes";
  }
  if (s.timeoutRetries > 0) {
    start +=
        "; a timed-out check is retried at once, " + std::to_string(s.timeoutRetries) + " times";
  }
  if (s.startPeriod > 0.0) {
    start += "; failures within start_period " + at(s.startPeriod) +
             " do not count, probes every " + at(s.startInterval) + " then";
  }
  if (s.initialDelay > 0.0) start += "; no probe before " + at(s.initialDelay);
  std::printf("%s; first check at %s\n", start.c_str(), at(c.nextCheckAt()).c_str());
}

void runActive(const ActiveCheckSpec& spec, const Outage& outage, double until) {
  ActiveChecker checker(spec, 0.0);
  printActiveSpec(spec, checker);
  printTarget(outage, until);
  models::health::CrashLoop crashLoop;
  const double restartTime = models::LivenessSpec{}.restart;
  Timeline timeline;
  Reaction reaction(outage);
  while (checker.nextCheckAt() <= until) {
    const double start = checker.nextCheckAt();
    const CheckResult result = outage.resultAt(start);
    const double end = result == CheckResult::kTimedOut ? start + checker.timeout() : start;
    const auto event = checker.onCheckResult(start, end, result);
    std::string what = "check " + resultText(result, end);
    if (checker.lastWasRetried()) {
      what += ", retried at once";
    } else if (!checker.lastCounted()) {
      what += ", not counted (start_period)";
    }
    timeline.add(start, what, activeState(checker), event ? reaction.note(*event, start) : "");
    if (checker.state() == ActiveState::kRestarting) {
      // The kubelet starts the replacement after its crash-loop back-off (none the first
      // time) and the container's start (`restart`, as `lbsim run` has it); it is down while
      // the fault lasts.
      const double started = event->time + crashLoop.restartAt(event->time) + restartTime;
      const auto restarted = checker.containerRestarted(started);
      if (started <= until) {
        timeline.add(started, "new container started", activeState(checker),
                     reaction.note(*restarted, started));
      }
    }
  }
  timeline.print();
  reaction.print(until);
}

std::string kongState(const KongActiveChecker& c) {
  std::string text(kongHealthName(c.health()));
  const KongActiveSettings& s = c.settings();
  std::string counters;
  auto add = [&](const char* name, std::uint32_t value, std::uint32_t limit) {
    if (value == 0) return;
    counters += (counters.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(value) +
                "/" + std::to_string(limit);
  };
  add("successes", c.successCount(), s.successes);
  add("http", c.httpCount(), s.httpFailures);
  add("tcp", c.tcpCount(), s.tcpFailures);
  add("timeouts", c.timeoutCount(), s.timeouts);
  return counters.empty() ? text : text + " (" + counters + ")";
}

void runKong(const KongActiveSettings& s, const Outage& outage, double until) {
  KongActiveChecker checker(s, 0.0);
  std::printf("Kong active healthchecks of one target (lua-resty-healthcheck)\n");
  std::printf("  healthy.interval %s, unhealthy.interval %s, timeout %s (0: that timer is off)\n",
              at(s.healthyInterval).c_str(), at(s.unhealthyInterval).c_str(),
              at(s.timeout).c_str());
  std::printf(
      "  healthy.successes %u; unhealthy.http_failures %u, tcp_failures %u, timeouts %u (0: "
      "that result is ignored)\n",
      s.successes, s.httpFailures, s.tcpFailures, s.timeouts);
  std::printf("  at the start: healthy; first check at %s\n", at(checker.nextCheckAt()).c_str());
  printTarget(outage, until);
  Timeline timeline;
  Reaction reaction(outage);
  while (checker.nextCheckAt() <= until) {
    const double start = checker.nextCheckAt();
    const CheckResult result = outage.resultAt(start);
    const double end = result == CheckResult::kTimedOut ? start + checker.timeout() : start;
    const auto event = checker.onCheckResult(start, end, result);
    std::string what = "check " + resultText(result, end);
    if (!checker.lastCounted()) what += ", not counted";
    timeline.add(start, what, kongState(checker), event ? reaction.note(*event, start) : "");
  }
  timeline.print();
  reaction.print(until);
}

// --- passive checks and the breaker ----------------------------------------------------

void runNginx(const NginxFailSettings& s, const Outage& outage, double until, double every,
              double requestTimeout) {
  NginxPeerHealth peer(s);
  std::printf("nginx passive health of one upstream server (ngx_http_upstream_round_robin.c)\n");
  std::printf(
      "  max_fails %u, fail_timeout %s: after max_fails failed attempts the server is skipped "
      "while now - checked <= fail_timeout (whole seconds), then one request is let through\n",
      s.maxFails, at(s.failTimeout).c_str());
  std::printf("  one request every %s is offered to it; it goes elsewhere while skipped\n",
              at(every).c_str());
  printTarget(outage, until);
  core::Simulator sim;
  Timeline timeline;
  Reaction reaction(outage);
  auto state = [&](double now) {
    if (peer.trialOut()) return std::string("trial request out");
    if (s.maxFails != 0 && peer.fails() >= s.maxFails) {
      return peer.eligible(now) ? std::string("skipped no more")
                                : "skipped until " + at(peer.eligibleAgainAt());
    }
    return peer.fails() == 0 ? std::string("up")
                             : "up (fails " + std::to_string(peer.fails()) + "/" +
                                   std::to_string(s.maxFails) + ")";
  };
  auto finish = [&](double started, CheckResult result) {
    return [&, started, result](double now) {
      const auto e = peer.onResult(now, result);
      std::string what = "request of " + at(started) + " " + std::string(checkResultName(result));
      if (now == started) what = "request " + std::string(checkResultName(result));
      if (peer.countsAsFailure(result)) {
        what += ": failed attempt";
      } else if (result == CheckResult::kFailed) {
        what = "request answered 500: not counted (no http_500)";
      }
      timeline.add(now, what, state(now), e ? reaction.note(*e, now) : "");
    };
  };
  sim.every(every, 0.0, [&](double now) {
    if (!peer.eligible(now)) {
      timeline.add(now, "request sent to another server", state(now));
      return;
    }
    const auto chosen = peer.onChosen(now);
    const CheckResult result = outage.resultAt(now);
    if (chosen) timeline.add(now, "request let through", state(now), reaction.note(*chosen, now));
    if (result == CheckResult::kTimedOut) {
      timeline.add(now, "request sent, no answer", state(now));
      sim.at(now + requestTimeout, finish(now, result));
    } else {
      finish(now, result)(now);
    }
  });
  sim.stopAt(until + 1e-6);
  sim.run();
  timeline.print();
  reaction.print(until);
}

void runEnvoy(const EnvoyOutlierSettings& s, std::uint32_t hosts, const Outage& outage,
              double until, double every, double requestTimeout) {
  if (hosts < 1) throw std::invalid_argument("--hosts must be 1 or more");
  EnvoyOutlierDetector detector(s, hosts, 0.0);
  std::printf("Envoy outlier detection (outlier_detection_impl.cc), watching host 1 of %u\n",
              hosts);
  std::printf(
      "  consecutive_5xx %u, consecutive_gateway_failure %u (enforcing %u%%), interval %s, "
      "base_ejection_time %s, max_ejection_time %s, max_ejection_percent %u%s\n",
      s.consecutive5xx, s.consecutiveGatewayFailure, s.enforcingConsecutiveGatewayFailure,
      at(s.interval).c_str(), at(s.baseEjectionTime).c_str(),
      at(detector.maxEjectionTime()).c_str(), s.maxEjectionPercent,
      s.alwaysEjectOneHost ? ", always_eject_one_host" : "");
  std::printf(
      "  one request every %s goes to host 1 while it is not ejected (a refusal is a 503, a "
      "timeout a 504)\n",
      at(every).c_str());
  printTarget(outage, until);
  core::Simulator sim;
  Timeline timeline;
  Reaction reaction(outage);
  std::vector<HealthEvent> events;
  auto state = [&] {
    if (detector.ejected(0)) return "ejected (backoff " + std::to_string(detector.backoff(0)) + ")";
    const std::uint32_t c = detector.consecutive5xx(0);
    return c == 0
               ? std::string("healthy")
               : "healthy (5xx " + std::to_string(c) + "/" + std::to_string(s.consecutive5xx) + ")";
  };
  auto report = [&](double now, const std::string& what) {
    if (events.empty()) {
      timeline.add(now, what, state());
      return;
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].target != 0) continue;
      timeline.add(now, what, i + 1 == events.size() ? state() : "", reaction.note(events[i], now));
    }
    events.clear();
  };
  sim.every(s.interval, s.interval, [&](double now) {
    detector.onInterval(now, events);
    if (!events.empty()) report(now, "interval tick");
  });
  sim.every(every, 0.0, [&](double now) {
    if (detector.ejected(0)) {
      timeline.add(now, "request sent to another host", state());
      return;
    }
    const CheckResult result = outage.resultAt(now);
    const int status = EnvoyOutlierDetector::statusOf(result);
    auto finish = [&, now, status](double end) {
      detector.onResponse(0, status, end, events);
      report(end,
             (end == now ? "request " : "request of " + at(now) + " ") + std::to_string(status));
    };
    if (result == CheckResult::kTimedOut) {
      timeline.add(now, "request sent, no answer", state());
      sim.at(now + requestTimeout, finish);
    } else {
      finish(now);
    }
  });
  sim.stopAt(until + 1e-6);
  sim.run();
  timeline.print();
  reaction.print(until);
}

void runBreaker(const BreakerSettings& s, const Outage& outage, double until, double every,
                double requestTimeout) {
  CircuitBreaker breaker(s);
  std::printf("circuit breaker in front of one service (fabfuel/circuitbreaker semantics)\n");
  const std::string halfOpen =
      s.halfOpenTrials == 0
          ? "every request passes (half_open_trials 0)"
          : "at most " + std::to_string(s.halfOpenTrials) + " trial request(s) at once";
  std::printf("  failure_threshold %u, recovery_timeout %s; while half-open %s\n",
              s.failureThreshold, at(s.recoveryTimeout).c_str(), halfOpen.c_str());
  std::printf("  one request every %s\n", at(every).c_str());
  printTarget(outage, until);
  core::Simulator sim;
  Timeline timeline;
  Reaction reaction(outage);
  auto state = [&] {
    std::string text(breakerStateName(breaker.state()));
    if (breaker.state() == BreakerState::kClosed && breaker.failureCount() > 0) {
      text += " (failures " + std::to_string(breaker.failureCount()) + "/" +
              std::to_string(s.failureThreshold) + ")";
    }
    if (breaker.state() == BreakerState::kOpen) text += " until " + at(breaker.halfOpenAt());
    return text;
  };
  sim.every(every, 0.0, [&](double now) {
    const auto admission = breaker.admit(now);
    if (!admission.allowed) {
      timeline.add(now,
                   breaker.state() == BreakerState::kOpen ? "request failed fast (circuit open)"
                                                          : "request failed fast (trial out)",
                   state(), admission.event ? reaction.note(*admission.event, now) : "");
      return;
    }
    if (admission.event) {
      timeline.add(now, "request let through as a trial", state(),
                   reaction.note(*admission.event, now));
    }
    const CheckResult result = outage.resultAt(now);
    auto finish = [&, now, result](double end) {
      const auto e = breaker.onResult(end, result);
      std::string what = end == now ? "request " : "request of " + at(now) + " ";
      timeline.add(end, what + std::string(checkResultName(result)), state(),
                   e ? reaction.note(*e, end) : "");
    };
    if (result == CheckResult::kTimedOut) {
      timeline.add(now, "request sent, no answer", state());
      sim.at(now + requestTimeout, finish);
    } else {
      finish(now);
    }
  });
  sim.stopAt(until + 1e-6);
  sim.run();
  timeline.print();
  reaction.print(until);
}

// --- arguments ---------------------------------------------------------------------------

double durationArg(const std::string& name, const std::string& text, double fallback) {
  if (text.empty()) return fallback;
  const auto v = scenarios::parseDuration(text);
  if (!v || *v < 0.0) {
    throw std::invalid_argument(name + " '" + text + "' is not " + scenarios::kDurationForms);
  }
  return *v;
}

// Long enough to see the target taken out and brought back.
double defaultUntil(const Outage& o, double span) {
  double last = 0.0;
  if (o.downAt < kNever) last = o.downAt;
  if (o.upAt < kNever) last = std::max(last, o.upAt);
  return std::max(60.0, last + span);
}

}  // namespace

CLI::App* addExplainHealthCommand(CLI::App& explain, ExplainHealthArgs& args) {
  CLI::App* cmd = explain.add_subcommand(
      "health", "a health check or circuit breaker watching a target that fails and recovers");
  cmd->add_option("--check", args.haproxy,
                  "HAProxy server check, e.g. \"inter 5s rise 2 fall 3\" (fastinter, downinter, "
                  "init-state, timeout check, timeout connect)");
  cmd->add_option("--alb", args.alb,
                  "AWS ALB target group, e.g. \"interval 30 timeout 5 healthy 2 unhealthy 3\"");
  cmd->add_option("--cloudflare", args.cloudflare,
                  "Cloudflare monitor, e.g. \"interval 60 retries 2 timeout 5\"");
  cmd->add_option("--docker", args.docker,
                  "Docker HEALTHCHECK, e.g. \"interval=30s timeout=10s retries=3 "
                  "start_period=60s\"");
  cmd->add_option("--k8s", args.kubernetes,
                  "Kubernetes probe, e.g. \"readiness initialDelaySeconds=30 periodSeconds=5\"");
  cmd->add_option("--kong", args.kong,
                  "Kong healthchecks.active, e.g. \"healthy.interval=10 healthy.successes=3 "
                  "unhealthy.interval=10 unhealthy.timeouts=3\"");
  cmd->add_option("--nginx", args.nginx, "nginx server, e.g. \"max_fails=3 fail_timeout=30s\"");
  cmd->add_option("--envoy", args.envoy,
                  "Envoy outlier_detection, e.g. \"consecutive_5xx=5 interval=10s "
                  "base_ejection_time=30s max_ejection_percent=10\"");
  cmd->add_option("--breaker", args.breaker,
                  "circuit breaker, e.g. \"failure_threshold=5 recovery_timeout=300s\"");
  cmd->add_option("--down-at", args.downAt, "when the target goes down, e.g. 12s (default never)");
  cmd->add_option("--up-at", args.upAt, "when it is back, e.g. 60s (default never)");
  cmd->add_option("--down-as", args.downAs,
                  "what reaches it while down: refused (a crashed process, default), timeout "
                  "(a host that is gone), error (answers 500)");
  cmd->add_option("--until", args.until, "end of the timeline (default: long enough)");
  cmd->add_option("--requests-every", args.requestsEvery,
                  "nginx, Envoy, breaker: one request every ... (default 1s)");
  cmd->add_option("--request-timeout", args.requestTimeout,
                  "nginx, Envoy, breaker: how long a request to an unreachable target takes to "
                  "fail (default 60s, nginx's proxy_read_timeout)");
  cmd->add_option("--hosts", args.hosts, "Envoy: hosts in the cluster (default 10)");
  return cmd;
}

void explainHealth(const ExplainHealthArgs& args) {
  const std::vector<std::pair<const char*, const std::string*>> mechanisms = {
      {"--check", &args.haproxy}, {"--alb", &args.alb},        {"--cloudflare", &args.cloudflare},
      {"--docker", &args.docker}, {"--k8s", &args.kubernetes}, {"--kong", &args.kong},
      {"--nginx", &args.nginx},   {"--envoy", &args.envoy},    {"--breaker", &args.breaker}};
  std::string chosen;
  std::string allowed;
  for (const auto& [name, text] : mechanisms) {
    allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    if (text->empty()) continue;
    if (!chosen.empty()) {
      throw std::invalid_argument("give one mechanism at a time, not both " + chosen + " and " +
                                  name);
    }
    chosen = name;
  }
  if (chosen.empty()) {
    throw std::invalid_argument("which mechanism? give one of " + allowed);
  }

  Outage outage;
  outage.downAt = durationArg("--down-at", args.downAt, kNever);
  outage.upAt = durationArg("--up-at", args.upAt, kNever);
  if (outage.upAt < kNever && outage.downAt == kNever) {
    throw std::invalid_argument("--up-at needs --down-at");
  }
  if (outage.upAt < kNever && outage.upAt <= outage.downAt) {
    throw std::invalid_argument("--up-at (" + args.upAt + ") must be after --down-at (" +
                                args.downAt + ")");
  }
  if (args.downAs == "refused") {
    outage.downAs = CheckResult::kRefused;
  } else if (args.downAs == "timeout") {
    outage.downAs = CheckResult::kTimedOut;
  } else if (args.downAs == "error") {
    outage.downAs = CheckResult::kFailed;
  } else {
    throw std::invalid_argument("--down-as '" + args.downAs +
                                "' is not a failure; allowed: refused, timeout, error");
  }
  const double every = durationArg("--requests-every", args.requestsEvery, 1.0);
  if (!(every > 0.0)) throw std::invalid_argument("--requests-every must be positive");
  const double requestTimeout = durationArg("--request-timeout", args.requestTimeout, 60.0);
  if (!(requestTimeout > 0.0)) throw std::invalid_argument("--request-timeout must be positive");
  auto untilFor = [&](double span) {
    const double until = durationArg("--until", args.until, defaultUntil(outage, span));
    if (!(until > 0.0)) throw std::invalid_argument("--until must be positive");
    return until;
  };

  auto active = [&](const ActiveCheckSpec& spec) {
    const double span = spec.interval * (std::max(spec.failuresToDown, spec.successesToUp) + 2) +
                        spec.timeout * (spec.timeoutRetries + 1) + spec.startPeriod +
                        spec.initialDelay;
    runActive(spec, outage, untilFor(span));
  };
  if (!args.haproxy.empty()) return active(haproxyCheck(parseHaproxyCheck(args.haproxy)));
  if (!args.alb.empty()) return active(albHealthCheck(parseAlbHealthCheck(args.alb)));
  if (!args.cloudflare.empty()) {
    return active(cloudflareMonitor(parseCloudflareMonitor(args.cloudflare)));
  }
  if (!args.docker.empty()) return active(dockerHealthcheck(parseDockerHealthcheck(args.docker)));
  if (!args.kubernetes.empty()) {
    return active(kubernetesProbe(parseKubernetesProbe(args.kubernetes)));
  }
  if (!args.kong.empty()) {
    const KongActiveSettings s = parseKongActive(args.kong);
    const double interval = std::max({s.healthyInterval, s.unhealthyInterval, 1.0});
    const std::uint32_t most = std::max({s.successes, s.httpFailures, s.tcpFailures, s.timeouts});
    return runKong(s, outage, untilFor(interval * (2 * most + 3)));
  }
  if (!args.nginx.empty()) {
    const NginxFailSettings s = parseNginxServer(args.nginx);
    return runNginx(s, outage, untilFor(2 * (s.failTimeout + 1) + 10), every, requestTimeout);
  }
  if (!args.envoy.empty()) {
    const EnvoyOutlierSettings s = parseEnvoyOutlier(args.envoy);
    return runEnvoy(s, args.hosts, outage, untilFor(4 * s.baseEjectionTime + 2 * s.interval), every,
                    requestTimeout);
  }
  const BreakerSettings s = parseBreaker(args.breaker);
  runBreaker(s, outage, untilFor(2 * s.recoveryTimeout + 10), every, requestTimeout);
}

}  // namespace lbsim::cli
