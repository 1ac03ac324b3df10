#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "models/ratelimit/decision.h"
#include "models/ratelimit/key_table.h"

namespace lbsim::models::ratelimit {

// `limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;`: the shared state of every
// location that names the zone — one node per key with its excess and the time of its last
// accepted request — and the zone's rate. Several locations may use one zone with different
// bursts (the seeds do): they all drain and fill the same excess.
//
// Units are nginx's own (src/http/modules/ngx_http_limit_req_module.c): the rate is in
// milli-requests per second (`rate=10r/s` is 10000, `rate=100r/m` is 100000 / 60 = 1666 by
// integer division, so r/m rates are a little slower than written), excess in
// milli-requests, times in whole milliseconds (ngx_current_msec).
class NginxLimitReqZone {
 public:
  // `rate` in milli-requests per second (> 0).
  NginxLimitReqZone(std::string name, std::uint64_t rate);

  const std::string& name() const { return name_; }
  std::uint64_t rate() const { return rate_; }

  struct Node {
    std::uint64_t excess = 0;  // milli-requests
    std::int64_t last = 0;     // ms of the last accepted request that moved the clock
  };
  // The node of a key, or nullptr when the zone holds none.
  const Node* node(Key key) const;
  void prefetch(Key key) const { nodes_.prefetch(key); }
  std::size_t size() const { return nodes_.size(); }

  // Forgets the keys nginx's ngx_http_limit_req_expire would delete: unused for at least 60 s
  // and fully drained (excess - rate * ms / 1000 <= 0). nginx deletes them lazily, at most
  // two whenever it adds a key; this sweeps them all. Returns how many went.
  std::size_t expire(double now);

 private:
  friend class NginxLimitReq;
  std::string name_;
  std::uint64_t rate_;
  KeyTable<Node> nodes_;
};

// One `limit_req zone=api burst=20 [nodelay | delay=8];` directive of a location.
struct NginxLimitReqRule {
  NginxLimitReqZone* zone = nullptr;
  std::uint64_t burst = 0;  // milli-requests (burst=20 is 20000), default 0
  // milli-requests of excess passed without delay: 0 by default (every request above the
  // rate waits), delay=8 is 8000, nodelay is "infinite" (NGX_MAX_INT_T_VALUE / 1000 * 1000).
  std::uint64_t delay = 0;
};

inline constexpr std::uint64_t kNginxNoDelay =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 1000 * 1000;

// The limit_req directives of one location, applied to each request exactly as
// ngx_http_limit_req_handler does:
//  - For each limit in order: elapsed ms = now - last (negative down to -60 s counts as 0,
//    below that as 1); excess = max(excess - rate * ms / 1000 + 1000, 0) in integers. If
//    excess > burst the request is rejected with limit_req_status (default 503) and no
//    zone changes: a rejected request neither counts nor moves `last`. A key seen for the
//    first time gets excess 0 — its first request is free.
//  - Otherwise every zone stores its new excess (and `last` = now when ms != 0) and the
//    request waits the longest of (excess - delay) * 1000 / rate ms over the limits whose
//    excess is above their delay: 0 with nodelay, so burst + 1 requests pass at once.
//  - Several limits combine strictly: any rejection rejects, the longest delay wins.
//  - limit_req_dry_run: delays and rejections are only counted, the request goes on.
// A request is limited once (r->main->limit_req_status): the delayed request is not
// counted again when it resumes. Memory: one node per key; `expire` drops stale ones.
class NginxLimitReq {
 public:
  NginxLimitReq(std::vector<NginxLimitReqRule> rules, std::uint16_t status = 503,
                bool dryRun = false);

  Decision decide(double now, Key key);
  // Prefetches the zones' nodes of `key` ahead of decide (KeyTable::prefetch).
  void prefetch(Key key) const {
    for (const NginxLimitReqRule& rule : rules_)
      rule.zone->prefetch(key);
  }

  const std::vector<NginxLimitReqRule>& rules() const { return rules_; }
  std::uint16_t status() const { return status_; }
  bool dryRun() const { return dryRun_; }

 private:
  std::vector<NginxLimitReqRule> rules_;
  std::uint16_t status_;
  bool dryRun_;
};

// The directives as written: `limit_req_zone` (http level), then the location's
// `limit_req`, `limit_req_status`, `limit_req_dry_run`.
struct NginxLimitReqSettings {
  struct Zone {
    std::string name;
    std::string key = "$binary_remote_addr";
    std::uint64_t rate = 0;  // milli-requests per second
  };
  struct Limit {
    std::string zone;
    std::uint64_t burst = 0;  // milli-requests
    std::uint64_t delay = 0;  // milli-requests; kNginxNoDelay for nodelay
  };
  std::vector<Zone> zones;
  std::vector<Limit> limits;  // in order; at least one, each naming a zone, no zone twice
  std::uint16_t status = 503;
  bool dryRun = false;
};

// One location with its own zones, built from settings: for `explain` and tests. (A
// simulation with several locations sharing zones builds NginxLimitReqZone objects once and
// gives each location's NginxLimitReq its rules.)
class NginxLimitReqLocation {
 public:
  explicit NginxLimitReqLocation(const NginxLimitReqSettings& settings);
  Decision decide(double now, Key key) { return limiter_.decide(now, key); }
  NginxLimitReqZone& zone(std::size_t i) { return *zones_[i]; }
  std::size_t zoneCount() const { return zones_.size(); }
  const NginxLimitReq& limiter() const { return limiter_; }

 private:
  static std::vector<NginxLimitReqRule> rulesFor(
      const NginxLimitReqSettings& settings,
      std::vector<std::unique_ptr<NginxLimitReqZone>>& zones);

  std::vector<std::unique_ptr<NginxLimitReqZone>> zones_;
  NginxLimitReq limiter_;
};

// Turns a time difference into what nginx drains for: negative elapsed times happen when
// workers' cached clocks differ; down to -60 s they count as 0, below as 1 ms.
std::int64_t nginxElapsed(std::int64_t nowMs, std::int64_t lastMs);

}  // namespace lbsim::models::ratelimit
