#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "models/spec.h"
#include "scenarios/yaml_reader.h"

namespace lbsim::scenarios {

// The resilience keys of a tier, each in its system's own words:
//   health_check: {haproxy: "check inter 5s rise 2 fall 3", demand: 1ms}
//                 (or alb, cloudflare, docker, kubernetes; `demand`: what a check costs)
//   passive_health: {nginx: "max_fails=3 fail_timeout=30s"}   (or envoy, breaker)
//   timeouts: {connect: 5s, response: 60s}
//   retries: {style: nginx, tries: 3, on: [error, timeout, http_503], budget: 20%}
//            {style: haproxy, retries: 3, redispatch: true, on: [conn-failure]}
//   promote_after: 30s   (databases: a read replica takes over a primary down this long)
const std::vector<std::string>& resilienceTierKeys();
void parseTierResilience(const yaml::Reader& in, const YAML::Node& tier, const std::string& what,
                         models::TierSpec& out);

// A connection pool tier in PgBouncer's own settings (pgbouncer.ini lines):
//   pgbouncer: |
//     pool_mode = transaction
//     default_pool_size = 50
//     reserve_pool_size = 10
//     reserve_pool_timeout = 5
//     max_client_conn = 1000
//     query_wait_timeout = 120
// or {ini: TEXT, database: NAME} for the pool of one [databases] entry (its pool_size,
// reserve_pool_size, max_db_connections and pool_mode win over the [pgbouncer] defaults); a
// [databases] section with several entries needs `database` (one tier per database pool),
// and `instance: NAME` makes tiers pools of one PgBouncer (checkPgBouncerInstances). Every
// replica is a PgBouncer process (models::pool::ConnectionPool) that holds a server connection
// for the request's transaction; the pool size is also written as the replicas' workers (the
// denominator of utilization), the request's wait includes opening a server connection
// (server_connect_time, lbsim's own setting).
void parseTierPgBouncer(const yaml::Reader& in, const YAML::Node& tier, const std::string& what,
                        models::TierSpec& out);

// A database's postgresql.conf, as written: `max_connections` (default 100) less
// `superuser_reserved_connections` (default 3) and `reserved_connections` (default 0) is how
// many client connections each server (primary and read replicas) accepts; a request beyond
// them is refused ("sorry, too many clients already": 503_queue_full). So each server's workers
// are at most that many and its queue holds the rest. Other settings are accepted and have no
// effect on the model.
void parseTierPostgresql(const yaml::Reader& in, const YAML::Node& tier, const std::string& what,
                         models::TierSpec& out);

// Tiers whose `pgbouncer` names the same `instance` are pools of one PgBouncer: each must have
// the same ini text and replicas as the first, and a database of its own.
void checkPgBouncerInstances(const yaml::Reader& in, const YAML::Node& tiers,
                             const std::vector<models::TierSpec>& specs);

// A request is one client of a PgBouncer: no class's route may pass two tiers of one instance.
void checkPgBouncerRoutes(const yaml::Reader& in, const YAML::Node& classes,
                          const models::ScenarioSpec& spec);

// nginx upstream keep-alive towards the tier's replicas, in nginx's words (the `keepalive`
// directives of the upstream block that names the tier) or Kong's (kong.conf's
// upstream_keepalive_*), and what opening a connection costs:
//   keepalive: {nginx: "keepalive 32; keepalive_timeout 60s;", connect_time: 1ms}
//   keepalive: {kong: "upstream_keepalive_pool_size = 60", connect_time: 1ms}
void parseTierKeepalive(const yaml::Reader& in, const YAML::Node& tier, const std::string& what,
                        models::TierSpec& out);

// The scenario's fault timeline:
//   faults:
//     - {fault: crash, tier: app, replicas: [app-2], at: 2m, for: 1m}
//     - {name: "zone a down", fault: unreachable, zone: us-east-1a, at: 5m, for: 5m}
//     - {fault: slow, tier: app, replicas: [app-1], speed: 0.2, at: 1m, for: 2m}
//     - {fault: crash, tier: app, mttf: {dist: exponential, mean: 1h}, mttr: 2m}
// Tiers, replicas, zones and regions must exist (the tiers are parsed first).
using LatencyParser = std::function<core::Distribution(const YAML::Node&, const std::string&)>;
std::vector<models::FaultSpec> parseFaults(yaml::Reader& in, const YAML::Node& node,
                                           const models::ScenarioSpec& spec,
                                           const LatencyParser& latency);

}  // namespace lbsim::scenarios
