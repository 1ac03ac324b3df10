#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace lbsim::models::pool {

// nginx upstream keep-alive (ngx_http_upstream_keepalive_module): the settings of one
// `upstream` block, with nginx's defaults.
struct KeepaliveSettings {
  std::uint32_t connections = 0;  // `keepalive N`: idle connections cached per worker; 0 = none
  std::uint32_t requests = 1000;  // keepalive_requests: requests per connection (1000 since
                                  // 1.19.10, 100 before)
  double timeout = 60.0;          // keepalive_timeout: idle time in the cache before closing
  double time = 3600.0;           // keepalive_time: a connection's whole lifetime
  // Not an nginx setting: what opening a connection to the upstream costs (TCP, TLS).
  double connectTime = 0.0;
};

struct KeepaliveLease {
  std::uint32_t connection = 0;
  bool reused = false;
  double setupDelay = 0.0;  // connectTime for a new connection, 0 for a cached one
};

struct KeepaliveStats {
  std::uint64_t reused = 0;
  std::uint64_t opened = 0;
  std::uint64_t closedRequests = 0;  // served keepalive_requests requests
  std::uint64_t closedTime = 0;      // older than keepalive_time at release
  std::uint64_t closedTimeout = 0;   // idle in the cache for keepalive_timeout
  std::uint64_t closedOverflow = 0;  // the least recently cached, pushed out by a newer one
  std::uint64_t closedInvalid = 0;   // released after an error, or the upstream closed it
};

// The idle keep-alive connections of one nginx worker for one upstream block, after
// src/http/modules/ngx_http_upstream_keepalive_module.c:
//  - The balancer picks a peer first; then the cache is searched from its most recently saved
//    entry for a connection to that peer (ngx_http_upstream_get_keepalive_peer). Found: it
//    leaves the cache and is reused at no cost. Not found: a new connection is opened, which
//    costs connectTime.
//  - At the end of the request the connection is saved at the head of the cache unless the
//    request failed, it has served keepalive_requests requests, or it is older than
//    keepalive_time; a full cache closes its least recently saved entry to make room
//    (ngx_http_upstream_free_keepalive_peer).
//  - A cached connection idle for keepalive_timeout is closed.
// `keepalive N` does not limit how many connections a worker opens, only how many idle ones
// it keeps. nginx's workers each have their own cache: use one instance per worker. The
// search is linear in the cache size, as nginx's (N is tens).
class UpstreamKeepalive {
 public:
  explicit UpstreamKeepalive(const KeepaliveSettings& settings);

  // A request to `peer` (the upstream server's index) at `now`.
  KeepaliveLease acquire(std::uint32_t peer, double now);

  // The request on `connection` ended at `now`; `reusable` is false after an error or a
  // timeout, or when the upstream did not keep the connection alive.
  void release(std::uint32_t connection, double now, bool reusable = true);

  // Closes cached connections idle for keepalive_timeout by `now` (acquire does it too).
  void expire(double now);

  std::uint32_t cached() const { return cachedCount_; }
  std::uint32_t inUse() const { return inUse_; }
  const KeepaliveStats& stats() const { return stats_; }
  const KeepaliveSettings& settings() const { return settings_; }

 private:
  static constexpr std::uint32_t kNil = std::numeric_limits<std::uint32_t>::max();

  struct Connection {
    std::uint32_t peer = 0;
    std::uint32_t requests = 0;
    double openedAt = 0.0;
    double savedAt = 0.0;
    bool cached = false;
    bool inUse = false;
    std::uint32_t prev = kNil;  // cache links (head: most recently saved); free list
    std::uint32_t next = kNil;
  };

  void uncache(std::uint32_t c);
  void close(std::uint32_t c);

  KeepaliveSettings settings_;
  std::vector<Connection> connections_;
  std::uint32_t head_ = kNil;
  std::uint32_t tail_ = kNil;
  std::uint32_t free_ = kNil;
  std::uint32_t cachedCount_ = 0;
  std::uint32_t inUse_ = 0;
  KeepaliveStats stats_;
};

// Parses the keep-alive directives of an nginx `upstream` block - "keepalive 32;",
// "keepalive_requests 100;", "keepalive_timeout 60s;", "keepalive_time 1h;" - or Kong's
// equivalents from kong.conf - "upstream_keepalive_pool_size = 60",
// "upstream_keepalive_max_requests = 100", "upstream_keepalive_idle_timeout = 60" (seconds).
// Other directives of the block (server, least_conn, ...) are skipped. Throws
// std::invalid_argument on a bad value, saying what is allowed.
KeepaliveSettings parseKeepalive(std::string_view text);

}  // namespace lbsim::models::pool
