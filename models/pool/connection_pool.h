#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "core/stats/latency_histogram.h"
#include "core/stats/time_weighted.h"
#include "models/pool/pgbouncer_settings.h"

namespace lbsim::models::pool {

using ClientId = std::uint32_t;
using ServerId = std::uint32_t;
inline constexpr ServerId kNoServer = std::numeric_limits<ServerId>::max();
inline constexpr ClientId kNoClient = std::numeric_limits<ClientId>::max();
inline constexpr double kNever = std::numeric_limits<double>::infinity();

// What a client finished: a statement, a transaction, or its session (it disconnects).
enum class Boundary : std::uint8_t { kStatement, kTransaction, kSession };

// One user/database pair: PgBouncer keeps a pool of server connections for each.
struct PoolSpec {
  std::uint32_t database = 0;
  std::uint32_t user = 0;
  std::optional<std::uint32_t> poolSize;         // pool_size; default_pool_size if unset
  std::optional<std::uint32_t> minPoolSize;      // min_pool_size if unset
  std::optional<std::uint32_t> reservePoolSize;  // reserve_pool_size if unset
  std::optional<PoolMode> poolMode;              // pool_mode if unset
  // The [databases] entry sets user=: min_pool_size is kept even with no client connected.
  bool forcedUser = false;
};

enum class AcquireStatus : std::uint8_t { kGranted, kQueued, kRefused };
enum class RefuseReason : std::uint8_t { kNone, kMaxClientConn };

struct Acquire {
  AcquireStatus status = AcquireStatus::kRefused;
  ServerId server = kNoServer;
  // > 0 when the pool opened a new server connection for this client: it is usable after
  // this delay (serverConnectTime); 0 when an idle connection was reused.
  double setupDelay = 0.0;
  bool newServer = false;  // the server was opened for this client (not an idle one reused)
  RefuseReason reason = RefuseReason::kNone;
};

enum class PoolEventKind : std::uint8_t {
  kGranted,           // a queued `client` got `server`, usable after `setupDelay`
  kQueryWaitTimeout,  // a queued `client` waited query_wait_timeout: it is disconnected with
                      // "query_wait_timeout" (an error for the application)
  kReserveOpened,     // `server` was opened from reserve_pool_size (its kGranted follows)
  kServerOpened,      // `server` was opened for min_pool_size, idle after `setupDelay`
  kServerClosed,      // `server` was closed for `closeReason`
};
// kDropped: dropPool() (the PgBouncer process went away).
enum class CloseReason : std::uint8_t { kNone, kIdleTimeout, kLifetime, kEvicted, kDropped };

struct PoolEvent {
  PoolEventKind kind = PoolEventKind::kGranted;
  double time = 0.0;
  std::uint32_t pool = 0;
  ClientId client = kNoClient;
  ServerId server = kNoServer;
  double setupDelay = 0.0;
  bool newServer = false;  // kGranted: the server was opened for this client
  CloseReason closeReason = CloseReason::kNone;
};

struct PoolStats {
  std::uint64_t acquires = 0;   // acquire() calls that were admitted
  std::uint64_t immediate = 0;  // ... served with no wait at all
  std::uint64_t queued = 0;     // ... that had to wait in the FIFO
  std::uint64_t refusedMaxClientConn = 0;
  std::uint64_t queryWaitTimeouts = 0;
  std::uint64_t serversOpened = 0;  // including reserve ones
  std::uint64_t reserveOpened = 0;
  std::uint64_t serversClosed = 0;
  // Time from acquire() to a usable server connection, for the clients that did not get one
  // at once (queued, or a newly opened connection's setup). Zero waits are `immediate`.
  core::LatencyHistogram waits;
  // Time-weighted counts over the whole instance.
  core::TimeWeighted activeServers;     // linked to a client (including while connecting)
  core::TimeWeighted idleServers;       // connected, in the pool
  core::TimeWeighted openingServers;    // being opened for min_pool_size
  core::TimeWeighted waitingClients;    // queued for a server
  core::TimeWeighted connectedClients;  // counted against max_client_conn
};

// A PgBouncer instance (www.pgbouncer.org/config.html; behaviour read in src/objects.c and
// src/janitor.c) as a pure component driven by explicit times:
//  - Clients connect on their first acquire(); more than max_client_conn are refused ("no
//    more connections allowed (max_client_conn)"). A client belongs to one pool (user,
//    database) and counts until it disconnects.
//  - acquire() asks for a server connection for the client's next statement, transaction or
//    session. A client still linked (session mode, or transaction mode mid-transaction) keeps
//    its server. Otherwise it takes an idle server - the most recently released one, as
//    PgBouncer reuses LIFO unless server_round_robin - or, when none is idle, waits FIFO while
//    the pool opens a new one if it may:
//      * fewer than pool_size servers (opening, idle or linked) in the pool, or
//      * reserve: the pool is full, the first waiting client has waited reserve_pool_timeout
//        (both reserve_pool_size and reserve_pool_timeout non-zero) and fewer than pool_size
//        + reserve_pool_size servers exist; reserve servers then stay like any other until an
//        idle timeout closes them (check_pool_size only trims above pool_size + reserve);
//      * and the database stays within max_db_connections and the user within
//        max_user_connections, after closing the oldest idle server of another pool of that
//        database or user if needed (evict_connection);
//      * one connection attempt at a time per pool (launch_new_connection: "Allow only a
//        single connection attempt at a time"), each taking serverConnectTime.
//    The connection opened is given to the first waiting client, which gets it after
//    serverConnectTime: acquire() or the kGranted event reports that as setupDelay.
//  - release() ends a statement, transaction or session: the server goes back to the pool
//    when the boundary reaches the pool_mode's unit, and a waiting client gets it at once.
//  - Timers (nextDeadline()/advance()): query_wait_timeout disconnects a client queued that
//    long; the reserve pool opens once the first client has waited reserve_pool_timeout;
//    min_pool_size servers are opened (one at a time) while the pool has a client or a forced
//    user; an idle server is closed after server_idle_timeout unless that would go below
//    min_pool_size; a server connected for server_lifetime is closed when released or found
//    idle.
// Simplifications: PgBouncer's janitor checks timers a few times a second, here they fire
// at exactly their time; the client bound to a connection being opened keeps it even if
// another server is released meanwhile (PgBouncer would give the released one to the first
// waiting client, so that client may wait up to serverConnectTime longer here);
// server_lifetime's spreading of closes (one every server_lifetime / pool_size) is not
// modelled; connection failures and server_login_retry, cancel requests, PAUSE and
// server_check_query are not modelled. A pool_size of 0 puts no limit on the pool, as in
// launch_new_connection.
//
// Client ids are small dense integers chosen by the caller (an IndexPool index); state is
// kept in flat arrays that grow to the peak number of clients and servers, after which no
// call allocates. Times passed in never decrease.
class ConnectionPool {
 public:
  explicit ConnectionPool(const PgBouncerSettings& settings,
                          std::vector<PoolSpec> pools = {PoolSpec{}}, double startTime = 0.0);

  // The client asks for a server connection at `now` in `pool` (ignored after the client's
  // first call: a client stays in its pool). Timers due before `now` that advance() was not
  // called for run first; what they did is in events() (the answer for this client is not).
  Acquire acquire(ClientId client, double now, std::uint32_t pool = 0);

  // The client finished a statement, transaction or session at `now`. Returns what followed
  // (a waiting client granted the released server, servers closed or opened).
  std::span<const PoolEvent> release(ClientId client, double now,
                                     Boundary ended = Boundary::kTransaction);

  // The client goes away at `now` (waiting or not); its server, if any, is released.
  std::span<const PoolEvent> disconnect(ClientId client, double now);

  // Every client of `pool` goes away at `now` (waiting, linked or between transactions) and
  // every server of the pool is closed, the one being opened too: what a PgBouncer process
  // that crashed leaves of the pool. The clients are appended to `dropped`; the events are
  // the servers closed and what other pools may now do (a waiting client granted a server
  // under max_db_connections / max_user_connections).
  std::span<const PoolEvent> dropPool(std::uint32_t pool, double now,
                                      std::vector<ClientId>& dropped);

  // The earliest time at which advance() has something to do, kNever if nothing.
  double nextDeadline() const;

  // Runs every timer due by `now` in time order (each event carries its own time).
  std::span<const PoolEvent> advance(double now);

  // The events of the last call (acquire, release, disconnect or advance).
  std::span<const PoolEvent> events() const { return events_; }

  std::uint32_t pools() const { return static_cast<std::uint32_t>(pools_.size()); }
  std::uint32_t servers(std::uint32_t pool) const { return pools_[pool].servers; }
  std::uint32_t idleServers(std::uint32_t pool) const { return pools_[pool].idle; }
  std::uint32_t waitingClients(std::uint32_t pool) const { return pools_[pool].waiting; }
  std::uint32_t connectedClients() const { return connectedClients_; }
  // The server linked to `client`, or kNoServer.
  ServerId serverOf(ClientId client) const;
  PoolMode modeOf(std::uint32_t pool) const { return pools_[pool].mode; }
  const PgBouncerSettings& settings() const { return settings_; }

  const PoolStats& stats() const { return stats_; }
  // Forgets statistics before `now` (warm-up deletion); the state is kept.
  void resetStats(double now);

 private:
  enum class ClientState : std::uint8_t { kAbsent, kConnected, kWaiting, kLinked };
  // kDetached: just released, neither linked nor in the idle list yet.
  enum class ServerState : std::uint8_t { kFree, kOpening, kIdle, kActive, kDetached };

  struct Client {
    ClientState state = ClientState::kAbsent;
    std::uint32_t pool = 0;
    ServerId server = kNoServer;
    double waitStart = 0.0;
    ClientId prev = kNoClient;  // FIFO links while waiting
    ClientId next = kNoClient;
  };

  struct Server {
    ServerState state = ServerState::kFree;
    std::uint32_t pool = 0;
    ClientId client = kNoClient;
    double openedAt = 0.0;
    double readyAt = 0.0;
    double lastUsed = 0.0;
    ServerId prev = kNoServer;  // idle list links (head: most recently released); free list
    ServerId next = kNoServer;
  };

  struct Pool {
    std::uint32_t database = 0;
    std::uint32_t user = 0;
    std::uint32_t poolSize = 0;
    std::uint32_t minPoolSize = 0;
    std::uint32_t reservePoolSize = 0;
    PoolMode mode = PoolMode::kSession;
    bool forcedUser = false;
    ClientId waitHead = kNoClient;
    ClientId waitTail = kNoClient;
    std::uint32_t waiting = 0;
    ServerId idleHead = kNoServer;
    ServerId idleTail = kNoServer;
    std::uint32_t idle = 0;
    std::uint32_t servers = 0;  // opening, idle or linked
    std::uint32_t active = 0;
    ServerId unboundOpening = kNoServer;  // a min_pool_size server being opened
    double openingUntil = -kNever;        // the connection attempt in progress ends then
    std::uint32_t clients = 0;
  };

  void catchUp(double now);
  void processAt(double t);
  void activate(std::uint32_t p, double now);
  void fillMinPool(std::uint32_t p, double now);
  ServerId launch(std::uint32_t p, double now, bool evictIfNeeded);
  bool evictOldestIdle(std::uint32_t p, bool sameDatabase, double now);
  ServerId takeIdle(std::uint32_t p, double now);
  void pushIdle(ServerId s, double now);
  void unlinkIdle(ServerId s);
  void closeServer(ServerId s, double now, CloseReason reason);
  void link(ServerId s, ClientId c, double now);
  void enqueue(ClientId c);
  void dequeue(ClientId c);
  void releaseServer(ClientId c, double now);
  void forgetClient(ClientId c);
  void recordWait(double wait);
  void sample(double now);
  bool reserveAllowed(const Pool& pool, double now) const;

  PgBouncerSettings settings_;
  std::vector<Pool> pools_;
  std::vector<Client> clients_;
  std::vector<Server> servers_;
  ServerId freeServers_ = kNoServer;
  std::vector<std::uint32_t> databaseServers_;
  std::vector<std::uint32_t> userServers_;
  std::uint32_t connectedClients_ = 0;
  std::uint32_t activeTotal_ = 0;
  std::uint32_t idleTotal_ = 0;
  std::uint32_t openingTotal_ = 0;
  std::uint32_t waitingTotal_ = 0;
  double lastNow_;
  std::vector<PoolEvent> events_;
  PoolStats stats_;
};

}  // namespace lbsim::models::pool
