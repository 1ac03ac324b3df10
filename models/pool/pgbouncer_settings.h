#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lbsim::models::pool {

// pool_mode: when a server connection goes back to the pool (www.pgbouncer.org/config.html).
enum class PoolMode : std::uint8_t {
  kSession,      // after the client disconnects (the default)
  kTransaction,  // after each transaction
  kStatement,    // after each statement; multi-statement transactions are disallowed
};
std::string_view poolModeName(PoolMode mode);

// The [pgbouncer] settings lbsim models, with PgBouncer's defaults (doc/config.md). Times are
// seconds; 0 disables where PgBouncer says so.
struct PgBouncerSettings {
  PoolMode poolMode = PoolMode::kSession;  // pool_mode
  std::uint32_t maxClientConn = 100;       // max_client_conn: client connections, in total
  std::uint32_t defaultPoolSize = 20;      // default_pool_size: servers per user/database pair
  std::uint32_t minPoolSize = 0;           // min_pool_size (capped at the pool size)
  std::uint32_t reservePoolSize = 0;       // reserve_pool_size: extra servers per pool
  double reservePoolTimeout = 5.0;         // reserve_pool_timeout
  std::uint32_t maxDbConnections = 0;      // max_db_connections: servers per database; 0 = no cap
  std::uint32_t maxUserConnections = 0;    // max_user_connections: servers per user; 0 = no cap
  double queryWaitTimeout = 120.0;         // query_wait_timeout
  double serverIdleTimeout = 600.0;        // server_idle_timeout
  double serverLifetime = 3600.0;          // server_lifetime (0: a server is used once)
  // Not a PgBouncer setting: how long opening a server connection takes (TCP, TLS,
  // authentication, and PostgreSQL forking a backend), paid by the client that waits for it.
  double serverConnectTime = 0.0;
};

// A [databases] entry: `name = host=... port=... dbname=... [user=...] [pool_size=...] ...`.
struct PgBouncerDatabase {
  std::string name;
  std::string host;
  std::string dbname;
  std::string user;                               // forced user: one pool for the database
  std::optional<std::uint32_t> poolSize;          // pool_size
  std::optional<std::uint32_t> minPoolSize;       // min_pool_size
  std::optional<std::uint32_t> reservePoolSize;   // reserve_pool_size (alias reserve_pool)
  std::optional<std::uint32_t> maxDbConnections;  // max_db_connections
  std::optional<PoolMode> poolMode;               // pool_mode
};

struct PgBouncerConfig {
  PgBouncerSettings settings;
  std::vector<PgBouncerDatabase> databases;
};

// Reads a pgbouncer.ini: `key = value` lines under [pgbouncer] and [databases]; ';' and '#'
// start comments at the beginning of a line (PgBouncer recognizes them nowhere else). The
// settings above are parsed; PgBouncer's other settings (listen_addr, auth_*, log_*,
// server_reset_query, tcp_*, ...) are accepted and have no effect on the model; [users] and
// [peers] sections are accepted and ignored. Text without a section header is read as
// [pgbouncer]. An unknown setting or a bad value throws std::invalid_argument saying what is
// allowed. `server_connect_time` (lbsim's own) may be given too.
PgBouncerConfig parsePgBouncerIni(std::string_view text);

}  // namespace lbsim::models::pool
