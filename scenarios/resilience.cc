#include "scenarios/resilience.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "models/fault_injector.h"
#include "models/health/settings_text.h"
#include "models/pool/pgbouncer_settings.h"
#include "models/pool/upstream_keepalive.h"
#include "models/tier_health.h"

namespace lbsim::scenarios {

using yaml::Reader;

namespace {

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : ", ") + i;
  return out;
}

// `{system: "settings", ...}` with exactly one of `systems`: returns the system's name.
std::string oneSystem(const Reader& in, const YAML::Node& node, const std::string& what,
                      const std::vector<std::string>& systems,
                      const std::vector<std::string>& extra) {
  std::vector<std::string> allowed = systems;
  allowed.insert(allowed.end(), extra.begin(), extra.end());
  in.expectMap(node, what, allowed);
  std::string found;
  for (const auto& s : systems) {
    if (!node[s]) continue;
    if (!found.empty()) {
      in.fail(node[s],
              what + " names both " + found + " and " + s + "; allowed: one of " + listed(systems));
    }
    found = s;
  }
  if (found.empty()) in.fail(node, what + " names no system; allowed: one of " + listed(systems));
  return found;
}

models::HealthCheckSpec readCheck(const Reader& in, const YAML::Node& node, const std::string& what,
                                  const std::vector<std::string>& systems,
                                  const std::vector<std::string>& extra) {
  const std::string system = oneSystem(in, node, what, systems, extra);
  models::HealthCheckSpec check;
  using K = models::HealthCheckSpec::Kind;
  check.kind = system == "haproxy"      ? K::kHaproxy
               : system == "alb"        ? K::kAlb
               : system == "cloudflare" ? K::kCloudflare
               : system == "docker"     ? K::kDocker
               : system == "kong"       ? K::kKong
                                        : K::kKubernetes;
  check.settings = in.scalar(node[system], what + " " + system);
  try {
    if (check.kind == K::kKong) {
      models::health::parseKongActive(check.settings);
    } else {
      models::activeCheckSpec(check);
    }
  } catch (const std::invalid_argument& e) {
    in.fail(node[system], what + " " + system + ": " + e.what());
  }
  if (const auto d = node["demand"]) check.demand = in.duration(d, what + " demand", false);
  return check;
}

void parseHealthCheck(const Reader& in, const YAML::Node& node, const std::string& what,
                      models::TierSpec& tier) {
  tier.healthCheck = readCheck(
      in, node, what, {"haproxy", "alb", "cloudflare", "docker", "kubernetes", "kong"}, {"demand"});
  if (tier.healthCheck->kind == models::HealthCheckSpec::Kind::kKubernetes &&
      models::health::parseKubernetesProbe(tier.healthCheck->settings).kind ==
          models::health::KubernetesProbeSettings::Kind::kLiveness) {
    in.fail(node["kubernetes"], what +
                                    " kubernetes is a liveness probe, which restarts the "
                                    "container rather than taking it out of rotation; allowed "
                                    "here: a readiness probe (put the liveness probe under the "
                                    "tier's liveness key)");
  }
}

// `liveness: {kubernetes: "liveness initialDelaySeconds=60 periodSeconds=10", restart: 2s}`
void parseLiveness(const Reader& in, const YAML::Node& node, const std::string& what,
                   models::TierSpec& tier) {
  models::LivenessSpec liveness;
  liveness.probe = readCheck(in, node, what, {"kubernetes"}, {"demand", "restart"});
  // The settings may leave the kind out ("initialDelaySeconds=60 periodSeconds=10"): this
  // key says it is a liveness probe.
  using Kind = models::health::KubernetesProbeSettings::Kind;
  std::string& settings = liveness.probe.settings;
  if (models::health::parseKubernetesProbe(settings).kind != Kind::kLiveness) {
    settings = "liveness " + settings;
    if (models::health::parseKubernetesProbe(settings).kind != Kind::kLiveness) {
      in.fail(node["kubernetes"], what + " kubernetes is a readiness probe; allowed: liveness");
    }
  }
  if (const auto r = node["restart"]) liveness.restart = in.duration(r, what + " restart", true);
  tier.liveness = liveness;
}

void parsePassive(const Reader& in, const YAML::Node& node, const std::string& what,
                  models::TierSpec& tier) {
  const std::string system = oneSystem(in, node, what, {"nginx", "envoy", "breaker"}, {});
  models::PassiveHealthSpec passive;
  using K = models::PassiveHealthSpec::Kind;
  passive.settings = in.scalar(node[system], what + " " + system);
  try {
    if (system == "nginx") {
      passive.kind = K::kNginx;
      models::health::parseNginxServer(passive.settings);
    } else if (system == "envoy") {
      passive.kind = K::kEnvoy;
      models::health::parseEnvoyOutlier(passive.settings);
    } else {
      passive.kind = K::kBreaker;
      models::health::parseBreaker(passive.settings);
    }
  } catch (const std::invalid_argument& e) {
    in.fail(node[system], what + " " + system + ": " + e.what());
  }
  tier.passiveHealth = passive;
}

void parseRetries(const Reader& in, const YAML::Node& node, const std::string& what,
                  models::TierSpec& tier) {
  in.expectMap(node, what,
               {"style", "tries", "retries", "on", "redispatch", "budget", "min_concurrency"});
  models::RetrySpec r;
  if (const auto s = node["style"]) {
    const std::string style = in.oneOf(s, what + " style", {"nginx", "haproxy"});
    r.style =
        style == "nginx" ? models::RetrySpec::Style::kNginx : models::RetrySpec::Style::kHaproxy;
  }
  const bool haproxy = r.style == models::RetrySpec::Style::kHaproxy;
  if (node["tries"] && node["retries"]) {
    in.fail(node["retries"], what + " has both tries and retries; allowed: one of them");
  }
  if (const auto t = node["tries"]) {
    r.tries = static_cast<std::uint32_t>(in.unsignedInteger(t, what + " tries", 0, 100));
  } else if (const auto t2 = node["retries"]) {
    r.tries = static_cast<std::uint32_t>(in.unsignedInteger(t2, what + " retries", 0, 99)) + 1;
  } else if (haproxy) {
    r.tries = 4;  // HAProxy `retries` defaults to 3
  }
  if (haproxy && r.tries == 0) {
    in.fail(node["tries"], what +
                               " tries 0 means every server to nginx only; allowed for "
                               "haproxy: 1 or more");
  }
  if (haproxy) {
    r.onError = true;
    r.onTimeout = true;
    r.onConnectTimeoutOnly = true;
  }
  if (const auto on = node["on"]) {
    in.expectSequence(on, what + " on");
    r.onError = r.onTimeout = r.onConnectTimeoutOnly = r.onEmptyResponse = false;
    for (const auto& item : on) {
      const std::string c =
          in.oneOf(item, what + " on",
                   {"error", "timeout", "http_502", "http_503", "http_504", "http_429",
                    "non_idempotent", "conn-failure", "empty-response", "response-timeout", "off"});
      if (c == "error") r.onError = r.onEmptyResponse = true;
      if (c == "empty-response") r.onEmptyResponse = true;
      if (c == "timeout") r.onTimeout = true;
      if (c == "http_502") r.on502 = true;
      if (c == "http_503") r.on503 = true;
      if (c == "http_504") r.on504 = true;
      if (c == "http_429") r.on429 = true;
      if (c == "non_idempotent") r.nonIdempotent = true;
      if (c == "conn-failure") {
        r.onError = true;
        if (!r.onTimeout) r.onConnectTimeoutOnly = true;
        r.onTimeout = true;
      }
      if (c == "response-timeout") {
        r.onTimeout = true;
        r.onConnectTimeoutOnly = false;
      }
      if (c == "off") r.tries = 1;
    }
  }
  if (const auto d = node["redispatch"]) {
    if (!haproxy) {
      in.fail(d, what +
                     " redispatch is HAProxy's; allowed with style: haproxy (nginx always "
                     "passes a request on to another server)");
    }
    r.redispatch = in.boolean(d, what + " redispatch");
  }
  if (const auto b = node["budget"]) {
    r.budget = in.percent(b, what + " budget") / 100.0;
    if (r.budget <= 0.0 || r.budget > 1.0) {
      in.fail(b, what + " budget must be above 0% and at most 100%");
    }
  }
  if (const auto m = node["min_concurrency"]) {
    r.minConcurrency =
        static_cast<std::uint32_t>(in.unsignedInteger(m, what + " min_concurrency", 0, 1000000));
  }
  tier.retries = r;
}

}  // namespace

const std::vector<std::string>& resilienceTierKeys() {
  static const std::vector<std::string> keys = {"health_check", "liveness", "passive_health",
                                                "timeouts",     "retries",  "promote_after"};
  return keys;
}

void parseTierResilience(const Reader& in, const YAML::Node& node, const std::string& what,
                         models::TierSpec& tier) {
  if (const auto h = node["health_check"]) parseHealthCheck(in, h, what + " health_check", tier);
  if (const auto l = node["liveness"]) parseLiveness(in, l, what + " liveness", tier);
  if (const auto p = node["passive_health"]) parsePassive(in, p, what + " passive_health", tier);
  if (const auto t = node["timeouts"]) {
    in.expectMap(t, what + " timeouts", {"connect", "response"});
    if (const auto c = t["connect"]) {
      tier.timeouts.connect = in.duration(c, what + " timeouts connect", true);
    }
    if (const auto r = t["response"]) {
      tier.timeouts.response = in.duration(r, what + " timeouts response", true);
    }
  }
  if (const auto r = node["retries"]) parseRetries(in, r, what + " retries", tier);
  if (const auto p = node["promote_after"]) {
    if (tier.kind != models::TierKind::kDatabase || !node["health_check"]) {
      in.fail(p, what +
                     " promote_after needs kind: database with a health_check (the checks "
                     "find the primary down)");
    }
    tier.promoteAfter = in.duration(p, what + " promote_after", true);
  }
}

void parseTierPgBouncer(const Reader& in, const YAML::Node& node, const std::string& what,
                        models::TierSpec& tier) {
  const YAML::Node p = node["pgbouncer"];
  if (!p) return;
  const std::string pwhat = what + " pgbouncer";
  // The ini text alone, or {ini: TEXT, database: NAME}: the pool of one [databases] entry.
  // (A YAML::Node is a handle: assigning to one would rewrite the node it refers to.)
  if (p.IsMap()) in.expectMap(p, pwhat, {"ini", "database", "instance", "clients_per_caller"});
  const YAML::Node ini = p.IsMap() ? in.required(p, "ini", pwhat) : p;
  std::string database;
  if (p.IsMap() && p["database"]) database = in.scalar(p["database"], pwhat + " database");
  models::PgBouncerTierSpec out;
  out.ini = in.scalar(ini, pwhat);
  out.database = database;
  if (p.IsMap() && p["instance"]) {
    out.instance = in.identifier(p["instance"], pwhat + " instance");
  }
  if (p.IsMap() && p["clients_per_caller"]) {
    const YAML::Node c = p["clients_per_caller"];
    out.clientsPerCaller =
        static_cast<std::uint32_t>(in.integer(c, pwhat + " clients_per_caller", 1, 100000));
    // A request's attempt holds its connection until its response is back; a caller giving
    // up on it, or passing it to another replica, would need the connection's own lifecycle.
    for (const char* key : {"timeouts", "retries"}) {
      if (node[key]) {
        in.fail(node[key], what + " " + key +
                               " with pgbouncer clients_per_caller is not "
                               "modelled; allowed: one of them");
      }
    }
  }
  models::pool::PgBouncerConfig config;
  try {
    config = models::pool::parsePgBouncerIni(in.scalar(ini, pwhat));
  } catch (const std::invalid_argument& e) {
    in.fail(ini, pwhat + ": " + e.what());
  }
  const auto& s = config.settings;
  std::string names;
  for (const auto& d : config.databases)
    names += (names.empty() ? "" : ", ") + d.name;
  const models::pool::PgBouncerDatabase* entry = nullptr;
  if (!database.empty()) {
    for (const auto& d : config.databases) {
      if (d.name == database) entry = &d;
    }
    if (entry == nullptr) {
      in.fail(p["database"],
              pwhat + " database '" + database + "' is not in [databases]; allowed: " +
                  (names.empty() ? std::string("none (no [databases] section)") : names));
    }
  } else if (config.databases.size() == 1) {
    entry = &config.databases.front();
  } else if (config.databases.size() > 1) {
    // Each [databases] entry is a pool of its own: one tier stands for one of them.
    in.fail(p, pwhat + ": [databases] has several entries (" + names +
                   "), each with a pool of its own; allowed: {ini: ..., database: NAME} naming "
                   "the one this tier pools (one tier per database)");
  }
  const models::pool::PoolMode mode =
      entry != nullptr && entry->poolMode ? *entry->poolMode : s.poolMode;
  std::uint32_t poolSize = s.defaultPoolSize;
  std::uint32_t reserve = s.reservePoolSize;
  std::uint32_t maxDb = s.maxDbConnections;
  if (entry != nullptr) {
    poolSize = entry->poolSize.value_or(poolSize);
    reserve = entry->reservePoolSize.value_or(reserve);
    maxDb = entry->maxDbConnections.value_or(maxDb);
  }
  if (maxDb != 0) poolSize = std::min(poolSize, maxDb);
  if (maxDb != 0) reserve = std::min(reserve, maxDb - poolSize);
  if (poolSize == 0) in.fail(p, pwhat + ": a pool of 0 server connections serves nothing");
  // The pool: its database is the entry's place in [databases]; its user the entry's forced
  // user (one index per name, in order), or 0 for the clients' own.
  out.settings = s;
  if (entry != nullptr) {
    out.pool.database = static_cast<std::uint32_t>(entry - config.databases.data());
    std::vector<std::string> users;
    for (const auto& d : config.databases) {
      if (!d.user.empty() && std::find(users.begin(), users.end(), d.user) == users.end()) {
        users.push_back(d.user);
      }
    }
    if (!entry->user.empty()) {
      out.pool.user = static_cast<std::uint32_t>(
          std::find(users.begin(), users.end(), entry->user) - users.begin() + 1);
      out.pool.forcedUser = true;
    }
    out.pool.minPoolSize = entry->minPoolSize;
  }
  out.pool.poolSize = poolSize;
  out.pool.reservePoolSize = reserve;
  out.pool.poolMode = mode;
  tier.pgbouncer = std::move(out);
  tier.holdWorker = true;
  for (models::TargetSpec& t : tier.targets) {
    t.workers = poolSize;
    t.reserveWorkers = reserve;
    t.reserveAfter = s.reservePoolTimeout;
    t.queueTimeout = s.queryWaitTimeout;
    t.queueLimit = s.maxClientConn > poolSize ? s.maxClientConn - poolSize : 0;
  }
}

void parseTierPostgresql(const Reader& in, const YAML::Node& node, const std::string& what,
                         models::TierSpec& tier) {
  const YAML::Node p = node["postgresql"];
  if (!p) return;
  const std::string pwhat = what + " postgresql";
  if (tier.kind != models::TierKind::kDatabase) {
    in.fail(p, pwhat + ": postgresql.conf belongs to kind: database");
  }
  tier.postgresql = in.scalar(p, pwhat);
  // PostgreSQL's defaults.
  std::int64_t maxConnections = 100;
  std::int64_t superuser = 3;
  std::int64_t others = 0;
  std::size_t i = 0;
  int lineNumber = 0;
  const std::string& text = tier.postgresql;
  while (i <= text.size()) {
    std::size_t end = text.find('\n', i);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(i, end - i);
    i = end + 1;
    ++lineNumber;
    line = line.substr(0, line.find('#'));
    const std::size_t eq = line.find('=');
    const auto trim = [](std::string s) {
      const auto b = s.find_first_not_of(" \t\r");
      const auto e = s.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    if (trim(line).empty()) continue;
    if (eq == std::string::npos) {
      in.fail(p, pwhat + ": line " + std::to_string(lineNumber) + " '" + trim(line) +
                     "' is not name = value");
    }
    const std::string key = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (key != "max_connections" && key != "superuser_reserved_connections" &&
        key != "reserved_connections") {
      continue;  // a setting with no effect on the model
    }
    std::int64_t v = -1;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || ptr != value.data() + value.size() || v < 0) {
      in.fail(p, pwhat + ": line " + std::to_string(lineNumber) + " " + key + " = " + value +
                     ": allowed: a whole number >= 0");
    }
    if (key == "max_connections") maxConnections = v;
    if (key == "superuser_reserved_connections") superuser = v;
    if (key == "reserved_connections") others = v;
  }
  const std::int64_t reserved = superuser + others;
  if (maxConnections <= reserved) {
    in.fail(p, pwhat + ": max_connections " + std::to_string(maxConnections) +
                   " leaves no connection beyond the " + std::to_string(reserved) +
                   " reserved ones; allowed: more than superuser_reserved_connections + "
                   "reserved_connections");
  }
  const auto capacity = static_cast<std::uint32_t>(maxConnections - reserved);
  for (models::TargetSpec& t : tier.targets) {
    t.workers = std::min(t.workers, capacity);
    t.queueLimit = capacity - t.workers;
  }
}

void checkPgBouncerInstances(const Reader& in, const YAML::Node& nodes,
                             const std::vector<models::TierSpec>& tiers) {
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    const auto& a = tiers[i].pgbouncer;
    if (!a || a->instance.empty()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& b = tiers[j].pgbouncer;
      if (!b || b->instance != a->instance) continue;
      const YAML::Node at = nodes[i]["pgbouncer"]["instance"];
      const std::string what = "tier '" + tiers[i].id + "' pgbouncer instance '" + a->instance +
                               "' (shared with tier '" + tiers[j].id + "')";
      if (a->ini != b->ini) {
        in.fail(at, what +
                        ": the ini texts differ; allowed: the same pgbouncer.ini (one "
                        "process), for instance through a YAML anchor");
      }
      if (tiers[i].targets.size() != tiers[j].targets.size()) {
        in.fail(at, what + ": " + std::to_string(tiers[i].targets.size()) + " replicas against " +
                        std::to_string(tiers[j].targets.size()) +
                        "; allowed: the same replicas (replica r of each is one process)");
      }
      if ((a->clientsPerCaller > 0) != (b->clientsPerCaller > 0)) {
        in.fail(at, what +
                        ": one has clients_per_caller and the other not; allowed: both or "
                        "neither (a client is a request, or a persistent connection)");
      }
      if (a->pool.database == b->pool.database && a->pool.user == b->pool.user) {
        in.fail(at, what + ": both pool database '" + a->database +
                        "'; allowed: one tier per [databases] entry");
      }
      break;
    }
  }
}

void checkPgBouncerRoutes(const Reader& in, const YAML::Node& classes,
                          const models::ScenarioSpec& spec) {
  for (std::size_t c = 0; c < spec.classes.size(); ++c) {
    std::vector<std::pair<std::string, std::string>> seen;  // instance, tier
    for (const std::string& id : spec.classes[c].route) {
      const models::TierSpec* tier = nullptr;
      for (const auto& t : spec.tiers) {
        if (t.id == id) tier = &t;
      }
      if (tier != nullptr && tier->pgbouncer && tier->pgbouncer->clientsPerCaller > 0 &&
          id == spec.classes[c].route.front()) {
        const YAML::Node node = classes[c]["route"] ? classes[c]["route"] : classes[c]["id"];
        in.fail(node, "route of class '" + spec.classes[c].id + "' starts at '" + id +
                          "', whose clients_per_caller are its callers' connections; allowed: "
                          "a route that reaches it from another tier");
      }
      if (tier == nullptr || !tier->pgbouncer || tier->pgbouncer->instance.empty()) continue;
      for (const auto& [instance, other] : seen) {
        if (instance != tier->pgbouncer->instance) continue;
        const YAML::Node node = classes[c]["route"] ? classes[c]["route"] : classes[c]["id"];
        in.fail(node, "route of class '" + spec.classes[c].id + "' passes '" + other + "' and '" +
                          id + "', two pools of pgbouncer instance '" + instance +
                          "'; allowed: one pool of an instance per route (a request is one "
                          "client connection)");
      }
      seen.emplace_back(tier->pgbouncer->instance, id);
    }
  }
}

void parseTierKeepalive(const Reader& in, const YAML::Node& node, const std::string& what,
                        models::TierSpec& tier) {
  const YAML::Node k = node["keepalive"];
  if (!k) return;
  const std::string kwhat = what + " keepalive";
  const std::string system = oneSystem(in, k, kwhat, {"nginx", "kong"}, {"connect_time"});
  models::KeepaliveSpec spec;
  spec.kind =
      system == "kong" ? models::KeepaliveSpec::Kind::kKong : models::KeepaliveSpec::Kind::kNginx;
  spec.settings = in.scalar(k[system], kwhat + " " + system);
  try {
    models::pool::parseKeepalive(spec.settings);
  } catch (const std::invalid_argument& e) {
    in.fail(k[system], kwhat + " " + system + ": " + e.what());
  }
  // Not in any configuration file: what a new connection costs here (TCP, TLS handshakes).
  spec.connectTime =
      in.duration(in.required(k, "connect_time", kwhat), kwhat + " connect_time", true);
  tier.keepalive = spec;
}

std::vector<models::FaultSpec> parseFaults(Reader& in, const YAML::Node& node,
                                           const models::ScenarioSpec& spec,
                                           const LatencyParser& latency) {
  std::vector<models::FaultSpec> out;
  in.expectSequence(node, "faults");
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node f = node[i];
    in.collect([&] {
      const std::string what = "fault " + std::to_string(i + 1);
      in.expectMap(f, what,
                   {"name", "fault", "tier", "replicas", "zone", "region", "at", "for", "speed",
                    "mttf", "mttr", "from", "to", "latency", "errors"});
      models::FaultSpec fault;
      const std::string kind = in.oneOf(in.required(f, "fault", what), what + " fault",
                                        {"crash", "hang", "unreachable", "slow", "link"});
      using K = models::FaultSpec::Kind;
      fault.kind = kind == "crash"  ? K::kCrash
                   : kind == "hang" ? K::kHang
                   : kind == "slow" ? K::kSlow
                   : kind == "link" ? K::kLink
                                    : K::kUnreachable;
      const bool link = fault.kind == K::kLink;
      for (const char* k : {"from", "to", "latency", "errors"}) {
        if (f[k] && !link) in.fail(f[k], what + " " + k + " is for fault: link");
      }
      if (link) {
        for (const char* k : {"tier", "replicas", "zone", "region"}) {
          if (f[k]) {
            in.fail(f[k], what + " fault: link takes from and to, not " + std::string(k));
          }
        }
        std::vector<std::string> ids;
        for (const auto& tier : spec.tiers)
          ids.push_back(tier.id);
        const auto known = [&](const std::string& id) {
          return std::find(ids.begin(), ids.end(), id) != ids.end();
        };
        fault.linkFrom = in.scalar(in.required(f, "from", what), what + " from");
        fault.linkTo = in.scalar(in.required(f, "to", what), what + " to");
        if (fault.linkFrom != "client" && !known(fault.linkFrom)) {
          in.fail(f["from"], what + ": unknown tier '" + fault.linkFrom + "'; allowed: client, " +
                                 listed(ids));
        }
        if (!known(fault.linkTo)) {
          in.fail(f["to"], what + ": unknown tier '" + fault.linkTo + "'; allowed: " + listed(ids));
        }
        if (const auto l = f["latency"]) fault.extraLatency = latency(l, what + " latency");
        if (const auto e = f["errors"]) {
          fault.errorRate = in.percent(e, what + " errors") / 100.0;
          if (fault.errorRate < 0.0 || fault.errorRate > 1.0) {
            in.fail(e, what + " errors must be from 0% to 100%");
          }
        }
        if (!fault.extraLatency && fault.errorRate == 0.0) {
          in.fail(f, what + " fault: link needs latency or errors (or both)");
        }
      }
      if (const auto n = f["name"]) fault.name = in.scalar(n, what + " name");
      if (const auto t = f["tier"]) {
        fault.tier = in.scalar(t, what + " tier");
        if (std::none_of(spec.tiers.begin(), spec.tiers.end(),
                         [&](const models::TierSpec& tier) { return tier.id == fault.tier; })) {
          std::vector<std::string> ids;
          for (const auto& tier : spec.tiers)
            ids.push_back(tier.id);
          in.fail(t, what + ": unknown tier '" + fault.tier + "'; allowed: " + listed(ids));
        }
      }
      if (const auto r = f["replicas"]) {
        if (fault.tier.empty()) in.fail(r, what + " replicas need a tier; allowed: set tier");
        in.expectSequence(r, what + " replicas");
        const auto& tier = *std::find_if(spec.tiers.begin(), spec.tiers.end(),
                                         [&](const auto& t) { return t.id == fault.tier; });
        for (const auto& item : r) {
          const std::string name = in.scalar(item, what + " replicas");
          if (std::none_of(tier.targets.begin(), tier.targets.end(),
                           [&](const models::TargetSpec& t) { return t.name == name; })) {
            std::vector<std::string> names;
            for (const auto& t : tier.targets)
              names.push_back(t.name);
            in.fail(item, what + ": tier '" + fault.tier + "' has no replica '" + name +
                              "'; allowed: " + listed(names));
          }
          fault.replicas.push_back(name);
        }
      }
      if (const auto z = f["zone"]) fault.zone = in.scalar(z, what + " zone");
      if (const auto g = f["region"]) fault.region = in.scalar(g, what + " region");
      if (!fault.zone.empty() && !fault.region.empty()) {
        in.fail(f["region"], what + " names a zone and a region; allowed: one of them");
      }
      if (!link && fault.tier.empty() && fault.zone.empty() && fault.region.empty()) {
        in.fail(f, what + " names no place; allowed: tier (with replicas), zone or region");
      }
      if (!fault.zone.empty()) {
        bool known = false;
        for (const auto& r : spec.regions)
          known = known || std::find(r.zones.begin(), r.zones.end(), fault.zone) != r.zones.end();
        for (const auto& t : spec.tiers) {
          for (const auto& target : t.targets)
            known = known || target.zone == fault.zone;
        }
        if (!known) in.fail(f["zone"], what + ": no replica runs in zone '" + fault.zone + "'");
      }
      if (!fault.region.empty() &&
          std::none_of(spec.regions.begin(), spec.regions.end(),
                       [&](const models::RegionSpec& r) { return r.id == fault.region; })) {
        in.fail(f["region"], what + ": unknown region '" + fault.region + "'");
      }
      if (const auto a = f["at"]) fault.at = in.duration(a, what + " at", false);
      if (const auto d = f["for"]) fault.duration = in.duration(d, what + " for", true);
      if (const auto s = f["speed"]) {
        if (fault.kind != K::kSlow) {
          in.fail(s, what + " speed is for fault: slow; allowed here: no speed");
        }
        fault.speed = in.number(s, what + " speed", 0.0);
        if (fault.speed <= 0.0) {
          in.fail(s, what + " speed must be above 0 (0.2: five times slower)");
        }
      } else if (fault.kind == K::kSlow) {
        in.fail(f, what + " fault: slow needs speed (0.2: five times slower)");
      }
      if (f["mttf"] || f["mttr"]) {
        if (!f["mttf"] || !f["mttr"]) {
          in.fail(f, what + " random failures need both mttf and mttr");
        }
        if (f["for"]) in.fail(f["for"], what + " has mttr; allowed: for or mttr, not both");
        fault.timeToFailure = latency(f["mttf"], what + " mttf");
        fault.timeToRepair = latency(f["mttr"], what + " mttr");
      }
      if (models::faultTargets(spec, fault).empty()) {
        in.fail(f, what + " applies to no replica");
      }
      out.push_back(fault);
    });
  }
  return out;
}

}  // namespace lbsim::scenarios
