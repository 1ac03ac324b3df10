#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/ratelimit/decision.h"

namespace lbsim::models::ratelimit {

// `limit_conn_zone $binary_remote_addr zone=conn:10m;`: how many requests each key has in
// progress. A key's node is created by its first request and deleted when its count drops
// back to 0 (ngx_http_limit_conn_cleanup), so the zone holds only keys with requests in
// progress and never needs expiring.
class NginxLimitConnZone {
 public:
  explicit NginxLimitConnZone(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  std::uint32_t connections(Key key) const;
  std::size_t size() const { return counts_.size(); }
  // Requests in progress over all keys.
  std::uint64_t held() const;
  // Forgets every key (a new nginx process starts with empty shared memory).
  void clear() { counts_.clear(); }

 private:
  friend class NginxLimitConn;
  std::string name_;
  std::unordered_map<Key, std::uint32_t> counts_;
};

// One `limit_conn conn 50;` directive: at most `connections` requests per key at once.
struct NginxLimitConnRule {
  NginxLimitConnZone* zone = nullptr;
  std::uint32_t connections = 1;  // 1..65535
};

// The limit_conn directives of one location (src/http/modules/ngx_http_limit_conn_module.c,
// ngx_http_limit_conn_handler). nginx counts a request — not a TCP connection — once its
// header has been read, so HTTP/2 streams count one by one; the count is released when the
// request ends (the request pool's cleanup).
//  - acquire: for each limit in order, a key already holding `connections` requests is
//    rejected with limit_conn_status (default 503) and the slots taken by earlier limits for
//    this request are given back (ngx_http_limit_conn_cleanup_all); otherwise the count
//    goes up by one.
//  - limit_conn_dry_run: a request over the limit goes on uncounted.
// Only a decision with `holdsSlot` must be released.
class NginxLimitConn {
 public:
  NginxLimitConn(std::vector<NginxLimitConnRule> rules, std::uint16_t status = 503,
                 bool dryRun = false);

  Decision acquire(double now, Key key);
  // The request that acquired a slot for `key` ended.
  void release(Key key);

  const std::vector<NginxLimitConnRule>& rules() const { return rules_; }

 private:
  std::vector<NginxLimitConnRule> rules_;
  std::uint16_t status_;
  bool dryRun_;
};

struct NginxLimitConnSettings {
  struct Zone {
    std::string name;
    std::string key = "$binary_remote_addr";
  };
  struct Limit {
    std::string zone;
    std::uint32_t connections = 1;
  };
  std::vector<Zone> zones;
  std::vector<Limit> limits;
  std::uint16_t status = 503;
  bool dryRun = false;
};

// One location with its own zones, built from settings (explain, tests).
class NginxLimitConnLocation {
 public:
  explicit NginxLimitConnLocation(const NginxLimitConnSettings& settings);
  Decision acquire(double now, Key key) { return limiter_.acquire(now, key); }
  void release(Key key) { limiter_.release(key); }
  NginxLimitConnZone& zone(std::size_t i) { return *zones_[i]; }

 private:
  static std::vector<NginxLimitConnRule> rulesFor(
      const NginxLimitConnSettings& settings,
      std::vector<std::unique_ptr<NginxLimitConnZone>>& zones);

  std::vector<std::unique_ptr<NginxLimitConnZone>> zones_;
  NginxLimitConn limiter_;
};

}  // namespace lbsim::models::ratelimit
