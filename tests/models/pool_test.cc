// PgBouncer pool and nginx upstream keep-alive: hand-computed timelines.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "models/pool/connection_pool.h"
#include "models/pool/pgbouncer_settings.h"
#include "models/pool/upstream_keepalive.h"

namespace lbsim::models::pool {
namespace {

PgBouncerSettings base(PoolMode mode, std::uint32_t poolSize, double connect = 0.0) {
  PgBouncerSettings s;
  s.poolMode = mode;
  s.defaultPoolSize = poolSize;
  s.serverConnectTime = connect;
  return s;
}

std::vector<PoolEvent> copy(std::span<const PoolEvent> events) {
  return {events.begin(), events.end()};
}

// Transaction mode, default_pool_size = 2, opening a server takes 0.1 s, one at a time.
TEST(ConnectionPool, TransactionModeTimeline) {
  ConnectionPool pool(base(PoolMode::kTransaction, 2, 0.1));
  // 0: client 0 finds no server; the pool opens one for it, usable at 0.1.
  Acquire a = pool.acquire(0, 0.0);
  EXPECT_EQ(a.status, AcquireStatus::kGranted);
  EXPECT_DOUBLE_EQ(a.setupDelay, 0.1);
  const ServerId s0 = a.server;
  // 0.05: client 1 waits - a connection attempt is already under way.
  EXPECT_EQ(pool.acquire(1, 0.05).status, AcquireStatus::kQueued);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 0.1);
  // 0.1: the attempt ends; the second server is opened for client 1, usable at 0.2.
  auto events = copy(pool.advance(0.1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PoolEventKind::kGranted);
  EXPECT_EQ(events[0].client, 1u);
  EXPECT_DOUBLE_EQ(events[0].setupDelay, 0.1);
  const ServerId s1 = events[0].server;
  EXPECT_NE(s1, s0);
  // 0.3: a statement ends mid-transaction: client 0 keeps its server.
  EXPECT_TRUE(pool.release(0, 0.3, Boundary::kStatement).empty());
  EXPECT_EQ(pool.serverOf(0), s0);
  EXPECT_EQ(pool.acquire(0, 0.35).server, s0);
  // 0.4: the transaction ends: s0 goes back; 0.5: client 2 takes it at once.
  EXPECT_TRUE(pool.release(0, 0.4, Boundary::kTransaction).empty());
  EXPECT_EQ(pool.idleServers(0), 1u);
  a = pool.acquire(2, 0.5);
  EXPECT_EQ(a.status, AcquireStatus::kGranted);
  EXPECT_EQ(a.server, s0);
  EXPECT_DOUBLE_EQ(a.setupDelay, 0.0);
  // 0.6: client 0's next transaction waits: both servers busy, pool full.
  EXPECT_EQ(pool.acquire(0, 0.6).status, AcquireStatus::kQueued);
  // 0.7: client 1 commits; client 0 gets s1 at once.
  events = copy(pool.release(1, 0.7, Boundary::kTransaction));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].client, 0u);
  EXPECT_EQ(events[0].server, s1);
  EXPECT_DOUBLE_EQ(events[0].setupDelay, 0.0);
  const PoolStats& st = pool.stats();
  EXPECT_EQ(st.serversOpened, 2u);
  EXPECT_EQ(st.queued, 2u);
  // Waits: client 0 at 0 (0.1 setup), client 1 (0.05 queued + 0.1 setup), client 0 at 0.6
  // (0.1 queued); the rest immediate.
  EXPECT_EQ(st.waits.count(), 3u);
  EXPECT_NEAR(st.waits.sum(), 0.1 + 0.15 + 0.1, 1e-12);
  EXPECT_EQ(st.immediate, 2u);  // 0.35 (still linked) and 0.5 (idle server)
}

TEST(ConnectionPool, SessionModeHoldsTheServerUntilDisconnect) {
  ConnectionPool pool(base(PoolMode::kSession, 1));
  const ServerId s = pool.acquire(0, 0.0).server;
  EXPECT_TRUE(pool.release(0, 1.0, Boundary::kTransaction).empty());  // still linked
  EXPECT_EQ(pool.acquire(1, 1.5).status, AcquireStatus::kQueued);
  EXPECT_EQ(pool.acquire(0, 2.0).server, s);
  const auto events = copy(pool.release(0, 3.0, Boundary::kSession));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].client, 1u);
  EXPECT_EQ(events[0].server, s);
  EXPECT_EQ(pool.connectedClients(), 1u);  // client 0 disconnected
  EXPECT_EQ(pool.stats().serversOpened, 1u);
  EXPECT_NEAR(pool.stats().waits.sum(), 1.5, 1e-12);
}

TEST(ConnectionPool, StatementModeReleasesAfterEachStatement) {
  ConnectionPool pool(base(PoolMode::kStatement, 1));
  pool.acquire(0, 0.0);
  EXPECT_EQ(pool.acquire(1, 0.1).status, AcquireStatus::kQueued);
  const auto events = copy(pool.release(0, 0.2, Boundary::kStatement));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].client, 1u);
  EXPECT_EQ(pool.serverOf(0), kNoServer);
}

// default_pool_size = 1, reserve_pool_size = 2, reserve_pool_timeout = 5 (the seed's): the
// reserve opens when the FIRST waiting client has waited 5 s, one server per such client.
TEST(ConnectionPool, ReservePoolAfterTheTimeout) {
  PgBouncerSettings s = base(PoolMode::kTransaction, 1);
  s.reservePoolSize = 2;
  s.reservePoolTimeout = 5.0;
  ConnectionPool pool(s);
  pool.acquire(0, 0.0);  // the one regular server
  EXPECT_EQ(pool.acquire(1, 1.0).status, AcquireStatus::kQueued);
  EXPECT_EQ(pool.acquire(2, 3.0).status, AcquireStatus::kQueued);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 6.0);
  EXPECT_TRUE(pool.advance(5.99).empty());
  auto events = copy(pool.advance(6.0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PoolEventKind::kReserveOpened);
  EXPECT_EQ(events[1].kind, PoolEventKind::kGranted);
  EXPECT_EQ(events[1].client, 1u);
  // Client 2 has waited 3 s at 6: its reserve server comes at 8.
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 8.0);
  events = copy(pool.advance(8.0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].client, 2u);
  EXPECT_EQ(pool.servers(0), 3u);
  // Pool and reserve are full: client 3 waits for a release (next deadline: its
  // query_wait_timeout, 9 + 120).
  EXPECT_EQ(pool.acquire(3, 9.0).status, AcquireStatus::kQueued);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 129.0);
  events = copy(pool.release(0, 10.0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].client, 3u);
  EXPECT_EQ(pool.stats().reserveOpened, 2u);
  // Reserve servers are kept like the others until server_idle_timeout (600 s) closes them.
  pool.release(1, 11.0);
  pool.release(2, 12.0);
  pool.release(3, 13.0);
  EXPECT_EQ(pool.servers(0), 3u);
  // The longest idle is client 1's server, back at 11 (s0 went to client 3 at 10 and came
  // back at 13).
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 611.0);
  events = copy(pool.advance(613.0));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_DOUBLE_EQ(events[0].time, 611.0);
  EXPECT_EQ(events[0].closeReason, CloseReason::kIdleTimeout);
  EXPECT_DOUBLE_EQ(events[2].time, 613.0);
  EXPECT_EQ(pool.servers(0), 0u);
}

TEST(ConnectionPool, MaxClientConnRefuses) {
  PgBouncerSettings s = base(PoolMode::kTransaction, 5);
  s.maxClientConn = 2;
  ConnectionPool pool(s);
  EXPECT_EQ(pool.acquire(0, 0.0).status, AcquireStatus::kGranted);
  pool.release(0, 0.5);  // transaction over, client 0 stays connected
  EXPECT_EQ(pool.acquire(1, 1.0).status, AcquireStatus::kGranted);
  const Acquire refused = pool.acquire(2, 2.0);
  EXPECT_EQ(refused.status, AcquireStatus::kRefused);
  EXPECT_EQ(refused.reason, RefuseReason::kMaxClientConn);
  pool.disconnect(0, 3.0);
  EXPECT_EQ(pool.acquire(2, 4.0).status, AcquireStatus::kGranted);
  EXPECT_EQ(pool.stats().refusedMaxClientConn, 1u);
}

TEST(ConnectionPool, QueryWaitTimeoutDisconnectsTheWaitingClient) {
  PgBouncerSettings s = base(PoolMode::kTransaction, 1);
  s.queryWaitTimeout = 10.0;
  ConnectionPool pool(s);
  pool.acquire(0, 0.0);
  EXPECT_EQ(pool.acquire(1, 2.0).status, AcquireStatus::kQueued);
  EXPECT_EQ(pool.acquire(2, 4.0).status, AcquireStatus::kQueued);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 12.0);
  // Called late: both timeouts run, each at its own time.
  const auto events = copy(pool.advance(20.0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PoolEventKind::kQueryWaitTimeout);
  EXPECT_EQ(events[0].client, 1u);
  EXPECT_DOUBLE_EQ(events[0].time, 12.0);
  EXPECT_DOUBLE_EQ(events[1].time, 14.0);
  EXPECT_EQ(pool.connectedClients(), 1u);
  EXPECT_EQ(pool.waitingClients(0), 0u);
  EXPECT_EQ(pool.stats().queryWaitTimeouts, 2u);
  // The default is 120 s.
  EXPECT_DOUBLE_EQ(PgBouncerSettings{}.queryWaitTimeout, 120.0);
}

// min_pool_size = 2 with connections taking 0.5 s: nothing opens before a client connects;
// then the pool opens servers one at a time up to 2, and idle timeout never goes below 2.
TEST(ConnectionPool, MinPoolSize) {
  PgBouncerSettings s = base(PoolMode::kTransaction, 5, 0.5);
  s.minPoolSize = 2;
  s.serverIdleTimeout = 10.0;
  ConnectionPool pool(s);
  EXPECT_EQ(pool.servers(0), 0u);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), kNever);
  const Acquire a = pool.acquire(0, 0.0);
  EXPECT_DOUBLE_EQ(a.setupDelay, 0.5);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 0.5);  // the attempt ends: min_pool_size continues
  auto events = copy(pool.advance(0.5));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, PoolEventKind::kServerOpened);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 1.0);
  pool.advance(1.0);
  EXPECT_EQ(pool.servers(0), 2u);
  EXPECT_EQ(pool.idleServers(0), 1u);
  pool.release(0, 2.0);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), kNever);  // 2 servers = min_pool_size: none closes
  pool.advance(100.0);
  EXPECT_EQ(pool.servers(0), 2u);
}

// server_idle_timeout closes an idle server; the next client pays the setup again. With
// server_lifetime = 0 a server is used once.
TEST(ConnectionPool, IdleTimeoutAndLifetime) {
  PgBouncerSettings s = base(PoolMode::kSession, 1, 0.2);
  s.serverIdleTimeout = 10.0;
  ConnectionPool pool(s);
  EXPECT_DOUBLE_EQ(pool.acquire(0, 0.0).setupDelay, 0.2);
  pool.release(0, 1.0, Boundary::kSession);
  EXPECT_DOUBLE_EQ(pool.nextDeadline(), 11.0);
  const auto events = copy(pool.advance(11.0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].closeReason, CloseReason::kIdleTimeout);
  EXPECT_DOUBLE_EQ(pool.acquire(1, 12.0).setupDelay, 0.2);
  EXPECT_EQ(pool.stats().serversOpened, 2u);

  PgBouncerSettings once = base(PoolMode::kTransaction, 1, 0.2);
  once.serverLifetime = 0.0;
  ConnectionPool single(once);
  single.acquire(0, 0.0);
  const auto closed = copy(single.release(0, 1.0));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].closeReason, CloseReason::kLifetime);
  EXPECT_DOUBLE_EQ(single.acquire(0, 2.0).setupDelay, 0.2);
}

// max_db_connections = 2 over two users' pools of one database: user 1 evicts user 0's
// oldest idle server to open its own (evict_connection).
TEST(ConnectionPool, MaxDbConnectionsEvictsAnotherPoolsIdleServer) {
  PgBouncerSettings s = base(PoolMode::kTransaction, 2);
  s.maxDbConnections = 2;
  PoolSpec user0;
  PoolSpec user1;
  user1.user = 1;
  ConnectionPool pool(s, {user0, user1});
  pool.acquire(0, 0.0, 0);
  pool.acquire(1, 0.0, 0);
  EXPECT_EQ(pool.acquire(2, 1.0, 1).status, AcquireStatus::kQueued);  // database full
  const auto events = copy(pool.release(0, 2.0));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, PoolEventKind::kServerClosed);
  EXPECT_EQ(events[0].closeReason, CloseReason::kEvicted);
  EXPECT_EQ(events[0].pool, 0u);
  EXPECT_EQ(events[1].kind, PoolEventKind::kGranted);
  EXPECT_EQ(events[1].client, 2u);
  EXPECT_EQ(events[1].pool, 1u);
  EXPECT_EQ(pool.servers(0), 1u);
  EXPECT_EQ(pool.servers(1), 1u);
}

// A crashed PgBouncer loses a pool's clients and servers. Pool 0 (user 0) has both servers
// max_db_connections = 2 allows the database, linked to clients 0 and 3; client 1 is between
// transactions and client 4 waits; pool 1 (user 1, same database) has client 2 waiting for
// room. Dropping pool 0 closes its two servers and forgets its four clients; pool 1's client
// gets a new server at once.
TEST(ConnectionPool, DropPoolClosesItsServersAndForgetsItsClients) {
  PgBouncerSettings s = base(PoolMode::kTransaction, 2, 0.5);
  s.maxDbConnections = 2;
  PoolSpec user0;
  PoolSpec user1;
  user1.user = 1;
  ConnectionPool pool(s, {user0, user1});
  EXPECT_TRUE(pool.acquire(0, 0.0, 0).newServer);                     // s0, usable at 0.5
  EXPECT_EQ(pool.acquire(1, 0.1, 0).status, AcquireStatus::kQueued);  // one attempt at a time
  pool.advance(0.5);                                                  // s1 opened for client 1
  pool.release(1, 1.6);                                               // s1 idle
  EXPECT_FALSE(pool.acquire(3, 1.7, 0).newServer);                    // s1 reused
  EXPECT_FALSE(pool.acquire(4, 1.8, 0).newServer);                    // waits: pool full
  EXPECT_EQ(pool.acquire(2, 2.0, 1).status, AcquireStatus::kQueued);  // database full
  EXPECT_EQ(pool.connectedClients(), 5u);
  std::vector<ClientId> dropped;
  const auto events = copy(pool.dropPool(0, 3.0, dropped));
  EXPECT_EQ(dropped, (std::vector<ClientId>{0, 1, 3, 4}));
  EXPECT_EQ(pool.servers(0), 0u);
  EXPECT_EQ(pool.waitingClients(0), 0u);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, PoolEventKind::kServerClosed);
  EXPECT_EQ(events[0].closeReason, CloseReason::kDropped);
  EXPECT_EQ(events[1].kind, PoolEventKind::kServerClosed);
  EXPECT_EQ(events[2].kind, PoolEventKind::kGranted);
  EXPECT_EQ(events[2].client, 2u);
  EXPECT_TRUE(events[2].newServer);
  EXPECT_DOUBLE_EQ(events[2].setupDelay, 0.5);
  EXPECT_EQ(pool.connectedClients(), 1u);
  EXPECT_EQ(pool.serverOf(0), kNoServer);
  // A dropped client may come back as a new one: pool 0 may open the database's second one.
  const Acquire again = pool.acquire(0, 3.1, 0);
  EXPECT_EQ(again.status, AcquireStatus::kGranted);
  EXPECT_TRUE(again.newServer);
}

TEST(ConnectionPool, TimeWeightedCounts) {
  // One server busy from 0 to 4 and idle from 4 to 10; a client waits from 1 to 4.
  ConnectionPool pool(base(PoolMode::kTransaction, 1));
  pool.acquire(0, 0.0);
  pool.acquire(1, 1.0);
  pool.release(0, 4.0);  // client 1 takes it
  pool.release(1, 6.0);
  pool.advance(10.0);
  const PoolStats& st = pool.stats();
  EXPECT_NEAR(st.activeServers.mean(10.0), 0.6, 1e-12);  // busy 0..6
  EXPECT_NEAR(st.idleServers.mean(10.0), 0.4, 1e-12);
  EXPECT_NEAR(st.waitingClients.mean(10.0), 0.3, 1e-12);
  EXPECT_NEAR(st.connectedClients.mean(10.0), (10.0 + 9.0) / 10.0, 1e-12);
}

// The seed's pgbouncer.ini, verbatim.
TEST(PgBouncerIni, SeedParses) {
  const PgBouncerConfig c = parsePgBouncerIni(R"(# /etc/pgbouncer/pgbouncer.ini
[databases]
cerebrum_user_db = host=user-db-primary.cerebrum.com port=5432 dbname=cerebrum_users
cerebrum_course_db = host=course-db-primary.cerebrum.com port=5432 dbname=cerebrum_courses
cerebrum_enrollment_db = host=enrollment-db-primary.cerebrum.com port=5432 dbname=cerebrum_enrollments
cerebrum_payment_db = host=payment-db-primary.cerebrum.com port=5432 dbname=cerebrum_payments
cerebrum_analytics_db = host=analytics-db-primary.cerebrum.com port=5432 dbname=cerebrum_analytics

# Read replicas
cerebrum_user_db_read = host=user-db-replica-1.cerebrum.com port=5432 dbname=cerebrum_users
cerebrum_course_db_read = host=course-db-replica-1.cerebrum.com port=5432 dbname=cerebrum_courses
cerebrum_enrollment_db_read = host=enrollment-db-replica-1.cerebrum.com port=5432 dbname=cerebrum_enrollments

[pgbouncer]
# Connection settings
listen_addr = 0.0.0.0
listen_port = 6432
auth_type = md5
auth_file = /etc/pgbouncer/userlist.txt

# Pool settings for high concurrency
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 50
min_pool_size = 10
reserve_pool_size = 10
reserve_pool_timeout = 5
max_db_connections = 100
max_user_connections = 100

# Performance tuning
server_reset_query = DISCARD ALL
server_check_delay = 30
server_check_query = SELECT 1
server_lifetime = 3600
server_idle_timeout = 600
client_idle_timeout = 0

# Logging
log_connections = 1
log_disconnections = 1
log_pooler_errors = 1
syslog = 1
syslog_facility = local0
syslog_ident = pgbouncer

# Buffer settings
listen_backlog = 128
sbuf_loopcnt = 5
so_reuseport = 1
tcp_keepalive = 1
tcp_keepcnt = 3
tcp_keepidle = 600
tcp_keepintvl = 30
)");
  const PgBouncerSettings& s = c.settings;
  EXPECT_EQ(s.poolMode, PoolMode::kTransaction);
  EXPECT_EQ(s.maxClientConn, 1000u);
  EXPECT_EQ(s.defaultPoolSize, 50u);
  EXPECT_EQ(s.minPoolSize, 10u);
  EXPECT_EQ(s.reservePoolSize, 10u);
  EXPECT_DOUBLE_EQ(s.reservePoolTimeout, 5.0);
  EXPECT_EQ(s.maxDbConnections, 100u);
  EXPECT_EQ(s.maxUserConnections, 100u);
  EXPECT_DOUBLE_EQ(s.serverLifetime, 3600.0);
  EXPECT_DOUBLE_EQ(s.serverIdleTimeout, 600.0);
  EXPECT_DOUBLE_EQ(s.queryWaitTimeout, 120.0);  // not set: PgBouncer's default
  ASSERT_EQ(c.databases.size(), 8u);
  EXPECT_EQ(c.databases[0].name, "cerebrum_user_db");
  EXPECT_EQ(c.databases[5].host, "user-db-replica-1.cerebrum.com");
  EXPECT_EQ(c.databases[5].dbname, "cerebrum_users");

  const PgBouncerSettings defaults = parsePgBouncerIni("").settings;
  EXPECT_EQ(defaults.poolMode, PoolMode::kSession);
  EXPECT_EQ(defaults.maxClientConn, 100u);
  EXPECT_EQ(defaults.defaultPoolSize, 20u);

  auto error = [](const char* text) {
    try {
      parsePgBouncerIni(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("pool_mode = batch").find("allowed: session, transaction, statement"),
            std::string::npos);
  EXPECT_NE(error("pool_size_default = 5")
                .find("unknown setting 'pool_size_default'; allowed: "
                      "pool_mode, max_client_conn"),
            std::string::npos);
  EXPECT_NE(error("default_pool_size = -1").find("allowed: a whole number"), std::string::npos);
  EXPECT_EQ(parsePgBouncerIni("[databases]\nx = host=h pool_size=7 pool_mode=statement")
                .databases[0]
                .poolSize,
            7u);
}

TEST(UpstreamKeepalive, ReuseLimitsAndLru) {
  KeepaliveSettings s;
  s.connections = 2;
  s.requests = 3;
  s.connectTime = 0.05;
  UpstreamKeepalive ka(s);
  KeepaliveLease a = ka.acquire(0, 0.0);
  EXPECT_FALSE(a.reused);
  EXPECT_DOUBLE_EQ(a.setupDelay, 0.05);
  ka.release(a.connection, 1.0);
  KeepaliveLease b = ka.acquire(0, 2.0);  // request 2 on the same connection
  EXPECT_TRUE(b.reused);
  EXPECT_EQ(b.connection, a.connection);
  EXPECT_DOUBLE_EQ(b.setupDelay, 0.0);
  KeepaliveLease c = ka.acquire(1, 2.0);  // another peer: nothing cached for it
  EXPECT_FALSE(c.reused);
  ka.release(b.connection, 3.0);
  ka.release(c.connection, 3.0);
  EXPECT_EQ(ka.cached(), 2u);
  KeepaliveLease d = ka.acquire(0, 4.0);  // request 3: the last keepalive_requests allows
  EXPECT_TRUE(d.reused);
  ka.release(d.connection, 5.0);
  EXPECT_EQ(ka.stats().closedRequests, 1u);
  EXPECT_EQ(ka.cached(), 1u);
  // Three new connections released into a cache of 2: the least recently saved goes.
  const KeepaliveLease x = ka.acquire(2, 6.0);
  const KeepaliveLease y = ka.acquire(3, 6.0);
  ka.release(x.connection, 7.0);
  ka.release(y.connection, 8.0);
  EXPECT_EQ(ka.stats().closedOverflow, 1u);  // peer 1's, saved at 3
  EXPECT_FALSE(ka.acquire(1, 9.0).reused);
  // Idle for keepalive_timeout (60 s): closed.
  EXPECT_FALSE(ka.acquire(3, 68.0).reused);  // saved at 8: 8 + 60 <= 68
  EXPECT_EQ(ka.stats().closedTimeout, 2u);   // peers 2 and 3
  // A failed request's connection is not kept.
  KeepaliveSettings none;
  UpstreamKeepalive off(none);  // no `keepalive`: every request opens a connection
  const KeepaliveLease o = off.acquire(0, 0.0);
  off.release(o.connection, 1.0);
  EXPECT_FALSE(off.acquire(0, 2.0).reused);
}

TEST(UpstreamKeepalive, ParsesNginxAndKong) {
  // Seed 000's upstream block, verbatim.
  const KeepaliveSettings nginx = parseKeepalive(R"(
    upstream enrollment_service {
        least_conn;
        server enrollment-service-1:3000 max_fails=2 fail_timeout=20s weight=4;
        server enrollment-service-6:3000 max_fails=2 fail_timeout=20s weight=2 backup;
        keepalive 64;
    })");
  EXPECT_EQ(nginx.connections, 64u);
  EXPECT_EQ(nginx.requests, 1000u);
  EXPECT_DOUBLE_EQ(nginx.timeout, 60.0);
  EXPECT_DOUBLE_EQ(nginx.time, 3600.0);
  const KeepaliveSettings tuned = parseKeepalive(
      "keepalive 16; keepalive_requests 100; keepalive_timeout 30s; "
      "keepalive_time 10m;");
  EXPECT_EQ(tuned.requests, 100u);
  EXPECT_DOUBLE_EQ(tuned.timeout, 30.0);
  EXPECT_DOUBLE_EQ(tuned.time, 600.0);
  // Seed 000's kong.conf lines.
  const KeepaliveSettings kong = parseKeepalive(R"(
    upstream_keepalive_pool_size = 60
    upstream_keepalive_max_requests = 100
    upstream_keepalive_idle_timeout = 60)");
  EXPECT_EQ(kong.connections, 60u);
  EXPECT_EQ(kong.requests, 100u);
  EXPECT_DOUBLE_EQ(kong.timeout, 60.0);
  EXPECT_THROW(parseKeepalive("keepalive 0;"), std::invalid_argument);
  EXPECT_THROW(parseKeepalive("keepalive_timeout 1x;"), std::invalid_argument);
  EXPECT_THROW(parseKeepalive("keepalive_connections 5;"), std::invalid_argument);
}

}  // namespace
}  // namespace lbsim::models::pool
