#include "models/pool/pgbouncer_settings.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::pool {

namespace {

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument("pgbouncer.ini: " + message);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// PgBouncer settings with no bearing on the model (doc/config.md, [pgbouncer] section).
constexpr std::string_view kIgnoredSettings[] = {"logfile",
                                                 "pidfile",
                                                 "listen_addr",
                                                 "listen_port",
                                                 "unix_socket_dir",
                                                 "unix_socket_mode",
                                                 "unix_socket_group",
                                                 "user",
                                                 "max_db_client_connections",
                                                 "max_user_client_connections",
                                                 "server_round_robin",
                                                 "track_extra_parameters",
                                                 "ignore_startup_parameters",
                                                 "peer_id",
                                                 "disable_pqexec",
                                                 "application_name_add_host",
                                                 "conffile",
                                                 "service_name",
                                                 "job_name",
                                                 "stats_period",
                                                 "max_prepared_statements",
                                                 "scram_iterations",
                                                 "auth_type",
                                                 "auth_hba_file",
                                                 "auth_ident_file",
                                                 "auth_file",
                                                 "auth_user",
                                                 "auth_query",
                                                 "auth_dbname",
                                                 "auth_ldap_options",
                                                 "syslog",
                                                 "syslog_ident",
                                                 "syslog_facility",
                                                 "log_connections",
                                                 "log_disconnections",
                                                 "log_pooler_errors",
                                                 "log_stats",
                                                 "verbose",
                                                 "admin_users",
                                                 "stats_users",
                                                 "server_reset_query",
                                                 "server_reset_query_always",
                                                 "server_check_delay",
                                                 "server_check_query",
                                                 "server_fast_close",
                                                 "server_connect_timeout",
                                                 "server_login_retry",
                                                 "client_login_timeout",
                                                 "autodb_idle_timeout",
                                                 "pool_idle_timeout",
                                                 "dns_max_ttl",
                                                 "dns_nxdomain_ttl",
                                                 "dns_zone_check_period",
                                                 "resolv_conf",
                                                 "query_wait_notify",
                                                 "login_notify_message",
                                                 "client_tls_sslmode",
                                                 "client_tls_key_file",
                                                 "client_tls_cert_file",
                                                 "client_tls_ca_file",
                                                 "client_tls_protocols",
                                                 "client_tls_ciphers",
                                                 "client_tls13_ciphers",
                                                 "client_tls_ecdhcurve",
                                                 "client_tls_dheparams",
                                                 "server_tls_sslmode",
                                                 "server_tls_ca_file",
                                                 "server_tls_key_file",
                                                 "server_tls_cert_file",
                                                 "server_tls_protocols",
                                                 "server_tls_ciphers",
                                                 "server_tls13_ciphers",
                                                 "query_timeout",
                                                 "cancel_wait_timeout",
                                                 "client_idle_timeout",
                                                 "idle_transaction_timeout",
                                                 "transaction_timeout",
                                                 "suspend_timeout",
                                                 "pkt_buf",
                                                 "max_packet_size",
                                                 "listen_backlog",
                                                 "sbuf_loopcnt",
                                                 "so_reuseport",
                                                 "tcp_defer_accept",
                                                 "tcp_socket_buffer",
                                                 "tcp_keepalive",
                                                 "tcp_keepcnt",
                                                 "tcp_keepidle",
                                                 "tcp_keepintvl",
                                                 "tcp_user_timeout"};

constexpr std::string_view kModelled =
    "pool_mode, max_client_conn, default_pool_size, min_pool_size, reserve_pool_size, "
    "reserve_pool_timeout, max_db_connections, max_user_connections, query_wait_timeout, "
    "server_idle_timeout, server_lifetime, server_connect_time (lbsim), or another PgBouncer "
    "setting (accepted, no effect)";

std::uint32_t count(std::string_view key, std::string_view value) {
  std::uint32_t v = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (error != std::errc() || end != value.data() + value.size()) {
    fail(std::string(key) + " = " + std::string(value) + ": allowed: a whole number >= 0");
  }
  return v;
}

// PgBouncer times are seconds, possibly fractional ("5.0").
double seconds(std::string_view key, std::string_view value) {
  double v = 0.0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (error != std::errc() || end != value.data() + value.size() || !(v >= 0.0) ||
      !std::isfinite(v)) {
    fail(std::string(key) + " = " + std::string(value) +
         ": allowed: seconds >= 0, such as 5 or "
         "0.5");
  }
  return v;
}

PoolMode mode(std::string_view key, std::string_view value) {
  if (value == "session") return PoolMode::kSession;
  if (value == "transaction") return PoolMode::kTransaction;
  if (value == "statement") return PoolMode::kStatement;
  fail(std::string(key) + " = " + std::string(value) +
       ": allowed: session, transaction, statement");
}

void setting(PgBouncerSettings& s, std::string_view key, std::string_view value) {
  if (key == "pool_mode") {
    s.poolMode = mode(key, value);
  } else if (key == "max_client_conn") {
    s.maxClientConn = count(key, value);
  } else if (key == "default_pool_size") {
    s.defaultPoolSize = count(key, value);
  } else if (key == "min_pool_size") {
    s.minPoolSize = count(key, value);
  } else if (key == "reserve_pool_size") {
    s.reservePoolSize = count(key, value);
  } else if (key == "reserve_pool_timeout") {
    s.reservePoolTimeout = seconds(key, value);
  } else if (key == "max_db_connections") {
    s.maxDbConnections = count(key, value);
  } else if (key == "max_user_connections") {
    s.maxUserConnections = count(key, value);
  } else if (key == "query_wait_timeout") {
    s.queryWaitTimeout = seconds(key, value);
  } else if (key == "server_idle_timeout") {
    s.serverIdleTimeout = seconds(key, value);
  } else if (key == "server_lifetime") {
    s.serverLifetime = seconds(key, value);
  } else if (key == "server_connect_time") {
    s.serverConnectTime = seconds(key, value);
  } else {
    for (std::string_view ignored : kIgnoredSettings) {
      if (key == ignored) return;
    }
    fail("unknown setting '" + std::string(key) + "'; allowed: " + std::string(kModelled));
  }
}

// `host=a port=5432 dbname=x pool_size=10` (values may be single-quoted).
PgBouncerDatabase database(std::string_view name, std::string_view connect) {
  PgBouncerDatabase db;
  db.name = name;
  std::size_t i = 0;
  while (i < connect.size()) {
    while (i < connect.size() && connect[i] == ' ')
      ++i;
    const std::size_t eq = connect.find('=', i);
    if (i >= connect.size()) break;
    if (eq == std::string_view::npos) {
      fail("[databases] " + std::string(name) + ": '" + std::string(connect.substr(i)) +
           "' is not key=value");
    }
    const std::string_view key = trim(connect.substr(i, eq - i));
    i = eq + 1;
    while (i < connect.size() && connect[i] == ' ')
      ++i;
    std::string value;
    if (i < connect.size() && connect[i] == '\'') {
      ++i;
      while (i < connect.size() && connect[i] != '\'')
        value += connect[i++];
      ++i;
    } else {
      while (i < connect.size() && connect[i] != ' ')
        value += connect[i++];
    }
    if (key == "host") {
      db.host = value;
    } else if (key == "dbname") {
      db.dbname = value;
    } else if (key == "user") {
      db.user = value;
    } else if (key == "pool_size") {
      db.poolSize = count(key, value);
    } else if (key == "min_pool_size") {
      db.minPoolSize = count(key, value);
    } else if (key == "reserve_pool_size" || key == "reserve_pool") {
      db.reservePoolSize = count(key, value);
    } else if (key == "max_db_connections") {
      db.maxDbConnections = count(key, value);
    } else if (key == "pool_mode") {
      db.poolMode = mode(key, value);
    } else if (key == "port" || key == "password" || key == "auth_user" || key == "auth_query" ||
               key == "auth_dbname" || key == "connect_query" || key == "query_wait_timeout" ||
               key == "load_balance_hosts" || key == "max_db_client_connections" ||
               key == "server_lifetime" || key == "client_encoding" || key == "datestyle" ||
               key == "timezone") {
      // Connection details, or per-database overrides lbsim keeps global.
    } else {
      fail("[databases] " + std::string(name) + ": unknown parameter '" + std::string(key) +
           "'; allowed: host, port, dbname, user, password, pool_size, min_pool_size, "
           "reserve_pool_size, max_db_connections, pool_mode, connect_query, auth_*, "
           "client_encoding, datestyle, timezone");
    }
  }
  return db;
}

}  // namespace

std::string_view poolModeName(PoolMode mode) {
  switch (mode) {
    case PoolMode::kSession:
      return "session";
    case PoolMode::kTransaction:
      return "transaction";
    case PoolMode::kStatement:
      return "statement";
  }
  return {};
}

PgBouncerConfig parsePgBouncerIni(std::string_view text) {
  PgBouncerConfig config;
  std::string section = "pgbouncer";
  std::size_t i = 0;
  int lineNumber = 0;
  while (i <= text.size()) {
    std::size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(i, end - i));
    i = end + 1;
    ++lineNumber;
    if (line.empty() || line.front() == ';' || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']') fail("line " + std::to_string(lineNumber) + ": unclosed section");
      section = std::string(trim(line.substr(1, line.size() - 2)));
      if (section != "pgbouncer" && section != "databases" && section != "users" &&
          section != "peers") {
        fail("line " + std::to_string(lineNumber) + ": unknown section [" + section +
             "]; allowed: [databases], [pgbouncer], [users], [peers]");
      }
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      fail("line " + std::to_string(lineNumber) + ": '" + std::string(line) +
           "' is not key = value");
    }
    const std::string_view key = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (section == "pgbouncer") {
      setting(config.settings, key, value);
    } else if (section == "databases") {
      config.databases.push_back(database(key, value));
    }
  }
  return config;
}

}  // namespace lbsim::models::pool
