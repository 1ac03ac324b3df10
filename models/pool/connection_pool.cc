#include "models/pool/connection_pool.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

namespace lbsim::models::pool {

namespace {

Boundary unitOf(PoolMode mode) {
  switch (mode) {
    case PoolMode::kSession:
      return Boundary::kSession;
    case PoolMode::kTransaction:
      return Boundary::kTransaction;
    case PoolMode::kStatement:
      return Boundary::kStatement;
  }
  return Boundary::kSession;
}

}  // namespace

ConnectionPool::ConnectionPool(const PgBouncerSettings& settings, std::vector<PoolSpec> pools,
                               double startTime)
    : settings_(settings), lastNow_(startTime) {
  if (pools.empty()) throw std::invalid_argument("pgbouncer: at least one pool is needed");
  for (double t :
       {settings.reservePoolTimeout, settings.queryWaitTimeout, settings.serverIdleTimeout,
        settings.serverLifetime, settings.serverConnectTime}) {
    if (!(t >= 0.0) || std::isnan(t)) {
      throw std::invalid_argument("pgbouncer: times must be >= 0 seconds");
    }
  }
  std::uint32_t databases = 0;
  std::uint32_t users = 0;
  for (const PoolSpec& spec : pools) {
    Pool p;
    p.database = spec.database;
    p.user = spec.user;
    p.poolSize = spec.poolSize.value_or(settings.defaultPoolSize);
    p.minPoolSize = spec.minPoolSize.value_or(settings.minPoolSize);
    p.reservePoolSize = spec.reservePoolSize.value_or(settings.reservePoolSize);
    p.mode = spec.poolMode.value_or(settings.poolMode);
    p.forcedUser = spec.forcedUser;
    pools_.push_back(p);
    databases = std::max(databases, spec.database + 1);
    users = std::max(users, spec.user + 1);
  }
  databaseServers_.assign(databases, 0);
  userServers_.assign(users, 0);
  events_.reserve(16);
  stats_.activeServers = core::TimeWeighted(startTime);
  stats_.idleServers = core::TimeWeighted(startTime);
  stats_.openingServers = core::TimeWeighted(startTime);
  stats_.waitingClients = core::TimeWeighted(startTime);
  stats_.connectedClients = core::TimeWeighted(startTime);
  // A forced user's pool keeps min_pool_size from the start.
  for (std::uint32_t p = 0; p < pools_.size(); ++p)
    fillMinPool(p, startTime);
  sample(startTime);
}

ServerId ConnectionPool::serverOf(ClientId client) const {
  if (client >= clients_.size() || clients_[client].state != ClientState::kLinked) {
    return kNoServer;
  }
  return clients_[client].server;
}

void ConnectionPool::resetStats(double now) {
  catchUp(now);
  stats_.acquires = stats_.immediate = stats_.queued = 0;
  stats_.refusedMaxClientConn = stats_.queryWaitTimeouts = 0;
  stats_.serversOpened = stats_.reserveOpened = stats_.serversClosed = 0;
  stats_.waits.reset();
  sample(now);
  stats_.activeServers.reset(now);
  stats_.idleServers.reset(now);
  stats_.openingServers.reset(now);
  stats_.waitingClients.reset(now);
  stats_.connectedClients.reset(now);
}

void ConnectionPool::sample(double now) {
  stats_.activeServers.set(now, activeTotal_);
  stats_.idleServers.set(now, idleTotal_);
  stats_.openingServers.set(now, openingTotal_);
  stats_.waitingClients.set(now, waitingTotal_);
  stats_.connectedClients.set(now, connectedClients_);
}

void ConnectionPool::recordWait(double wait) {
  if (wait > 0.0) {
    stats_.waits.record(wait);
  } else {
    ++stats_.immediate;
  }
}

void ConnectionPool::enqueue(ClientId c) {
  Client& client = clients_[c];
  Pool& pool = pools_[client.pool];
  client.state = ClientState::kWaiting;
  client.prev = pool.waitTail;
  client.next = kNoClient;
  if (pool.waitTail != kNoClient) {
    clients_[pool.waitTail].next = c;
  } else {
    pool.waitHead = c;
  }
  pool.waitTail = c;
  ++pool.waiting;
  ++waitingTotal_;
}

void ConnectionPool::dequeue(ClientId c) {
  Client& client = clients_[c];
  Pool& pool = pools_[client.pool];
  assert(client.state == ClientState::kWaiting);
  if (client.prev != kNoClient) {
    clients_[client.prev].next = client.next;
  } else {
    pool.waitHead = client.next;
  }
  if (client.next != kNoClient) {
    clients_[client.next].prev = client.prev;
  } else {
    pool.waitTail = client.prev;
  }
  client.prev = client.next = kNoClient;
  client.state = ClientState::kConnected;
  --pool.waiting;
  --waitingTotal_;
}

void ConnectionPool::pushIdle(ServerId s, double now) {
  Server& server = servers_[s];
  Pool& pool = pools_[server.pool];
  server.state = ServerState::kIdle;
  server.client = kNoClient;
  server.lastUsed = now;
  server.prev = kNoServer;
  server.next = pool.idleHead;
  if (pool.idleHead != kNoServer) {
    servers_[pool.idleHead].prev = s;
  } else {
    pool.idleTail = s;
  }
  pool.idleHead = s;
  ++pool.idle;
  ++idleTotal_;
}

void ConnectionPool::unlinkIdle(ServerId s) {
  Server& server = servers_[s];
  Pool& pool = pools_[server.pool];
  assert(server.state == ServerState::kIdle);
  if (server.prev != kNoServer) {
    servers_[server.prev].next = server.next;
  } else {
    pool.idleHead = server.next;
  }
  if (server.next != kNoServer) {
    servers_[server.next].prev = server.prev;
  } else {
    pool.idleTail = server.prev;
  }
  server.prev = server.next = kNoServer;
  server.state = ServerState::kDetached;
  --pool.idle;
  --idleTotal_;
}

void ConnectionPool::closeServer(ServerId s, double now, CloseReason reason) {
  Server& server = servers_[s];
  Pool& pool = pools_[server.pool];
  if (server.state == ServerState::kIdle) unlinkIdle(s);
  assert(server.state != ServerState::kActive);
  --pool.servers;
  --databaseServers_[pool.database];
  --userServers_[pool.user];
  ++stats_.serversClosed;
  PoolEvent e;
  e.kind = PoolEventKind::kServerClosed;
  e.time = now;
  e.pool = server.pool;
  e.server = s;
  e.closeReason = reason;
  events_.push_back(e);
  server = Server{};
  server.next = freeServers_;
  freeServers_ = s;
}

ServerId ConnectionPool::takeIdle(std::uint32_t p, double now) {
  Pool& pool = pools_[p];
  while (pool.idleHead != kNoServer) {
    const ServerId s = pool.idleHead;
    // An unused server past server_lifetime is closed rather than reused.
    if (servers_[s].openedAt + settings_.serverLifetime <= now) {
      closeServer(s, now, CloseReason::kLifetime);
      continue;
    }
    unlinkIdle(s);
    return s;
  }
  return kNoServer;
}

void ConnectionPool::link(ServerId s, ClientId c, double /*now*/) {
  Server& server = servers_[s];
  Client& client = clients_[c];
  Pool& pool = pools_[server.pool];
  server.state = ServerState::kActive;
  server.client = c;
  client.state = ClientState::kLinked;
  client.server = s;
  ++pool.active;
  ++activeTotal_;
}

bool ConnectionPool::reserveAllowed(const Pool& pool, double now) const {
  if (settings_.reservePoolTimeout <= 0.0 || pool.reservePoolSize == 0) return false;
  if (pool.waitHead == kNoClient) return false;
  if (clients_[pool.waitHead].waitStart + settings_.reservePoolTimeout > now) return false;
  return pool.servers < pool.poolSize + pool.reservePoolSize;
}

bool ConnectionPool::evictOldestIdle(std::uint32_t p, bool sameDatabase, double now) {
  ServerId oldest = kNoServer;
  for (const Pool& q : pools_) {
    const bool shares = sameDatabase ? q.database == pools_[p].database : q.user == pools_[p].user;
    if (!shares || q.idleTail == kNoServer) continue;
    if (oldest == kNoServer || servers_[q.idleTail].lastUsed < servers_[oldest].lastUsed) {
      oldest = q.idleTail;
    }
  }
  if (oldest == kNoServer) return false;
  closeServer(oldest, now, CloseReason::kEvicted);
  return true;
}

ServerId ConnectionPool::launch(std::uint32_t p, double now, bool evictIfNeeded) {
  Pool& pool = pools_[p];
  if (pool.openingUntil > now) return kNoServer;  // one connection attempt at a time
  bool reserve = false;
  if (pool.poolSize > 0 && pool.servers >= pool.poolSize) {
    if (!reserveAllowed(pool, now)) return kNoServer;
    reserve = true;
  }
  if (settings_.maxDbConnections > 0) {
    while (evictIfNeeded && databaseServers_[pool.database] >= settings_.maxDbConnections) {
      if (!evictOldestIdle(p, true, now)) break;
    }
    if (databaseServers_[pool.database] >= settings_.maxDbConnections) return kNoServer;
  }
  if (settings_.maxUserConnections > 0) {
    while (evictIfNeeded && userServers_[pool.user] >= settings_.maxUserConnections) {
      if (!evictOldestIdle(p, false, now)) break;
    }
    if (userServers_[pool.user] >= settings_.maxUserConnections) return kNoServer;
  }
  ServerId s;
  if (freeServers_ != kNoServer) {
    s = freeServers_;
    freeServers_ = servers_[s].next;
  } else {
    s = static_cast<ServerId>(servers_.size());
    servers_.emplace_back();
  }
  Server& server = servers_[s];
  server = Server{};
  server.state = ServerState::kOpening;
  server.pool = p;
  server.openedAt = now;
  server.readyAt = now + settings_.serverConnectTime;
  pool.openingUntil = server.readyAt;
  ++pool.servers;
  ++databaseServers_[pool.database];
  ++userServers_[pool.user];
  ++stats_.serversOpened;
  if (reserve) {
    ++stats_.reserveOpened;
    PoolEvent e;
    e.kind = PoolEventKind::kReserveOpened;
    e.time = now;
    e.pool = p;
    e.server = s;
    e.setupDelay = settings_.serverConnectTime;
    events_.push_back(e);
  }
  return s;
}

void ConnectionPool::fillMinPool(std::uint32_t p, double now) {
  Pool& pool = pools_[p];
  const std::uint32_t target =
      pool.poolSize > 0 ? std::min(pool.minPoolSize, pool.poolSize) : pool.minPoolSize;
  while (pool.servers < target && (pool.clients > 0 || pool.forcedUser) &&
         pool.unboundOpening == kNoServer) {
    const ServerId s = launch(p, now, false);
    if (s == kNoServer) return;
    ++openingTotal_;
    PoolEvent e;
    e.kind = PoolEventKind::kServerOpened;
    e.time = now;
    e.pool = p;
    e.server = s;
    e.setupDelay = settings_.serverConnectTime;
    events_.push_back(e);
    if (servers_[s].readyAt > now) {
      pool.unboundOpening = s;
      return;
    }
    --openingTotal_;
    pushIdle(s, now);
  }
}

void ConnectionPool::activate(std::uint32_t p, double now) {
  Pool& pool = pools_[p];
  while (pool.waitHead != kNoClient) {
    ServerId s = takeIdle(p, now);
    // An idle server is ready; a new one is usable after the connect time.
    double setup = 0.0;
    const bool opened = s == kNoServer;
    if (opened) {
      s = launch(p, now, true);
      if (s == kNoServer) break;
      setup = settings_.serverConnectTime;
    }
    const ClientId c = pool.waitHead;
    dequeue(c);
    link(s, c, now);
    recordWait(now - clients_[c].waitStart + setup);
    PoolEvent e;
    e.kind = PoolEventKind::kGranted;
    e.time = now;
    e.pool = p;
    e.client = c;
    e.server = s;
    e.setupDelay = setup;
    e.newServer = opened;
    events_.push_back(e);
  }
  fillMinPool(p, now);
}

void ConnectionPool::processAt(double t) {
  assert(t >= lastNow_);
  lastNow_ = t;
  for (std::uint32_t p = 0; p < pools_.size(); ++p) {
    Pool& pool = pools_[p];
    // A min_pool_size connection finished opening.
    if (pool.unboundOpening != kNoServer && servers_[pool.unboundOpening].readyAt <= t) {
      const ServerId s = pool.unboundOpening;
      pool.unboundOpening = kNoServer;
      --openingTotal_;
      pushIdle(s, servers_[s].readyAt);
    }
    // query_wait_timeout: the FIFO's head has waited longest.
    if (settings_.queryWaitTimeout > 0.0) {
      while (pool.waitHead != kNoClient &&
             clients_[pool.waitHead].waitStart + settings_.queryWaitTimeout <= t) {
        const ClientId c = pool.waitHead;
        dequeue(c);
        ++stats_.queryWaitTimeouts;
        PoolEvent e;
        e.kind = PoolEventKind::kQueryWaitTimeout;
        e.time = t;
        e.pool = p;
        e.client = c;
        events_.push_back(e);
        forgetClient(c);
      }
    }
    // server_idle_timeout, from the longest idle, keeping min_pool_size.
    if (settings_.serverIdleTimeout > 0.0) {
      while (pool.idleTail != kNoServer &&
             servers_[pool.idleTail].lastUsed + settings_.serverIdleTimeout <= t &&
             (pool.minPoolSize == 0 || pool.servers > pool.minPoolSize)) {
        closeServer(pool.idleTail, t, CloseReason::kIdleTimeout);
      }
    }
  }
  for (std::uint32_t p = 0; p < pools_.size(); ++p)
    activate(p, t);
  sample(t);
}

double ConnectionPool::nextDeadline() const {
  double next = kNever;
  auto consider = [&](double t) {
    if (t > lastNow_ && t < next) next = t;
  };
  for (const Pool& pool : pools_) {
    if (pool.unboundOpening != kNoServer) consider(servers_[pool.unboundOpening].readyAt);
    // min_pool_size waits for the connection attempt in progress to end.
    const std::uint32_t minTarget =
        pool.poolSize > 0 ? std::min(pool.minPoolSize, pool.poolSize) : pool.minPoolSize;
    if (pool.servers < minTarget && (pool.clients > 0 || pool.forcedUser)) {
      consider(pool.openingUntil);
    }
    if (pool.waitHead != kNoClient) {
      const double since = clients_[pool.waitHead].waitStart;
      consider(pool.openingUntil);  // the next connection attempt may start then
      if (settings_.queryWaitTimeout > 0.0) consider(since + settings_.queryWaitTimeout);
      if (settings_.reservePoolTimeout > 0.0 && pool.reservePoolSize > 0 && pool.poolSize > 0 &&
          pool.servers >= pool.poolSize && pool.servers < pool.poolSize + pool.reservePoolSize) {
        consider(since + settings_.reservePoolTimeout);
      }
    }
    if (settings_.serverIdleTimeout > 0.0 && pool.idleTail != kNoServer &&
        (pool.minPoolSize == 0 || pool.servers > pool.minPoolSize)) {
      consider(servers_[pool.idleTail].lastUsed + settings_.serverIdleTimeout);
    }
  }
  return next;
}

void ConnectionPool::catchUp(double now) {
  assert(now >= lastNow_);
  for (double t = nextDeadline(); t <= now; t = nextDeadline())
    processAt(t);
  lastNow_ = now;
}

std::span<const PoolEvent> ConnectionPool::advance(double now) {
  events_.clear();
  catchUp(now);
  sample(now);
  return events_;
}

void ConnectionPool::forgetClient(ClientId c) {
  Client& client = clients_[c];
  assert(client.state == ClientState::kConnected);
  --pools_[client.pool].clients;
  --connectedClients_;
  client = Client{};
}

Acquire ConnectionPool::acquire(ClientId client, double now, std::uint32_t poolIndex) {
  events_.clear();
  catchUp(now);
  if (client >= clients_.size()) clients_.resize(static_cast<std::size_t>(client) + 1);
  Acquire result;
  Client& c = clients_[client];
  assert(c.state != ClientState::kWaiting);
  if (c.state == ClientState::kLinked) {
    ++stats_.acquires;
    ++stats_.immediate;
    result.status = AcquireStatus::kGranted;
    result.server = c.server;
    return result;
  }
  if (c.state == ClientState::kAbsent) {
    if (poolIndex >= pools_.size()) throw std::out_of_range("pgbouncer: no such pool");
    if (connectedClients_ >= settings_.maxClientConn) {
      ++stats_.refusedMaxClientConn;
      result.reason = RefuseReason::kMaxClientConn;
      return result;
    }
    c.state = ClientState::kConnected;
    c.pool = poolIndex;
    ++pools_[poolIndex].clients;
    ++connectedClients_;
  }
  ++stats_.acquires;
  const std::uint32_t p = c.pool;
  c.waitStart = now;
  enqueue(client);
  activate(p, now);
  Client& after = clients_[client];
  if (after.state == ClientState::kLinked) {
    // Granted within this call: report it as the answer rather than as an event.
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].kind == PoolEventKind::kGranted && events_[i].client == client) {
        result.setupDelay = events_[i].setupDelay;
        result.newServer = events_[i].newServer;
        events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    result.status = AcquireStatus::kGranted;
    result.server = after.server;
  } else {
    ++stats_.queued;
    result.status = AcquireStatus::kQueued;
  }
  sample(now);
  return result;
}

void ConnectionPool::releaseServer(ClientId c, double now) {
  Client& client = clients_[c];
  assert(client.state == ClientState::kLinked);
  const ServerId s = client.server;
  Server& server = servers_[s];
  Pool& pool = pools_[server.pool];
  --pool.active;
  --activeTotal_;
  client.state = ClientState::kConnected;
  client.server = kNoServer;
  server.client = kNoClient;
  server.state = ServerState::kDetached;
  if (server.openedAt + settings_.serverLifetime <= now) {
    closeServer(s, now, CloseReason::kLifetime);
    return;
  }
  pushIdle(s, now);
}

std::span<const PoolEvent> ConnectionPool::release(ClientId client, double now, Boundary ended) {
  events_.clear();
  catchUp(now);
  assert(client < clients_.size());
  Client& c = clients_[client];
  if (c.state != ClientState::kLinked) {
    if (ended == Boundary::kSession && c.state == ClientState::kConnected) forgetClient(client);
    sample(now);
    return events_;
  }
  const std::uint32_t p = c.pool;
  if (static_cast<int>(ended) < static_cast<int>(unitOf(pools_[p].mode))) return events_;
  releaseServer(client, now);
  if (ended == Boundary::kSession) forgetClient(client);
  activate(p, now);
  // Another pool of the same database or user may be waiting for room under
  // max_db_connections / max_user_connections: it can now evict the idle server.
  for (std::uint32_t q = 0; q < pools_.size(); ++q) {
    if (q != p && pools_[q].waiting > 0) activate(q, now);
  }
  sample(now);
  return events_;
}

std::span<const PoolEvent> ConnectionPool::dropPool(std::uint32_t p, double now,
                                                    std::vector<ClientId>& dropped) {
  events_.clear();
  catchUp(now);
  for (ClientId c = 0; c < clients_.size(); ++c) {
    Client& client = clients_[c];
    if (client.state == ClientState::kAbsent || client.pool != p) continue;
    if (client.state == ClientState::kWaiting) dequeue(c);
    if (client.state == ClientState::kLinked) {
      const ServerId s = client.server;
      releaseServer(c, now);
      if (servers_[s].state == ServerState::kIdle) closeServer(s, now, CloseReason::kDropped);
    }
    forgetClient(c);
    dropped.push_back(c);
  }
  Pool& pool = pools_[p];
  while (pool.idleHead != kNoServer)
    closeServer(pool.idleHead, now, CloseReason::kDropped);
  if (pool.unboundOpening != kNoServer) {
    const ServerId s = pool.unboundOpening;
    pool.unboundOpening = kNoServer;
    --openingTotal_;
    servers_[s].state = ServerState::kDetached;
    closeServer(s, now, CloseReason::kDropped);
  }
  pool.openingUntil = -kNever;
  // Room under max_db_connections / max_user_connections for the other pools.
  for (std::uint32_t q = 0; q < pools_.size(); ++q) {
    if (q != p && pools_[q].waiting > 0) activate(q, now);
  }
  sample(now);
  return events_;
}

std::span<const PoolEvent> ConnectionPool::disconnect(ClientId client, double now) {
  events_.clear();
  catchUp(now);
  if (client >= clients_.size()) return events_;
  Client& c = clients_[client];
  switch (c.state) {
    case ClientState::kAbsent:
      break;
    case ClientState::kWaiting:
      dequeue(client);
      forgetClient(client);
      break;
    case ClientState::kConnected:
      forgetClient(client);
      break;
    case ClientState::kLinked: {
      const std::uint32_t p = c.pool;
      releaseServer(client, now);
      forgetClient(client);
      activate(p, now);
      for (std::uint32_t q = 0; q < pools_.size(); ++q) {
        if (q != p && pools_[q].waiting > 0) activate(q, now);
      }
      break;
    }
  }
  sample(now);
  return events_;
}

}  // namespace lbsim::models::pool
