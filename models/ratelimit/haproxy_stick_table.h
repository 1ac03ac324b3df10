#pragma once

#include <cstdint>
#include <string_view>

#include "models/ratelimit/decision.h"
#include "models/ratelimit/key_table.h"

namespace lbsim::models::ratelimit {

// HAProxy's frequency counter over a period (include/haproxy/freq_ctr.h, src/freq_ctr.c):
// the events of the current period and of the previous one. Times are whole milliseconds
// (now_ms); the period's start tick is kept even (its lowest bit is HAProxy's lock bit).
struct HaproxyFreqCtr {
  std::int64_t currTick = 0;  // ms: when the current period started
  std::uint64_t currCtr = 0;  // events in the current period
  std::uint64_t prevCtr = 0;  // events in the previous period

  // update_freq_ctr_period: inside the period, curr += inc. Past it, the current period
  // becomes the previous one and the start moves on by one period; when two or more periods
  // went by, the previous count is 0 and the period restarts now. A zeroed counter (a new
  // stick-table entry) thus starts its first period at its first event.
  void update(std::int64_t nowMs, std::int64_t period, std::uint64_t inc = 1);
  // read_freq_ctr_period: events per period, the previous period weighted by the part of it
  // still inside the sliding window, in integers:
  //   remain = currTick + period - now
  //   rate = (prev * remain + curr * period) / period      (integer division)
  // once past the period, the current count becomes the previous one (or 0 two periods on).
  // When nothing happened in the current period and the previous count is 0 or 1, the
  // previous count is reported whole (HAProxy's anti-flapping correction).
  std::uint64_t read(std::int64_t nowMs, std::int64_t period) const;
};

enum class HaproxyOperator : std::uint8_t { kGt, kGe, kEq, kLe, kLt };
std::string_view haproxyOperatorName(HaproxyOperator op);  // "gt", "ge", ...

struct HaproxyReqRateSettings {
  std::int64_t period = 10000;  // ms: `store http_req_rate(10s)`
  HaproxyOperator op = HaproxyOperator::kGt;
  std::uint64_t threshold = 100;   // `sc_http_req_rate(0) gt 100`
  std::uint16_t denyStatus = 403;  // `http-request deny [deny_status N]`
  // ms: `stick-table ... expire 30s`: an entry untouched that long is purged; 0 = never.
  std::int64_t expire = 0;
};

// The seeds' HAProxy rate limit:
//     stick-table type ip size 100k expire 30s store http_req_rate(10s)
//     http-request track-sc0 src
//     http-request deny if { sc_http_req_rate(0) gt 100 }
// `track-sc0` counts the request in its entry's http_req_rate before the deny rule reads it
// (http_action_track_sc in src/http_act.c), so the rate includes the request itself, and
// denied requests count too. The deny answers deny_status (default 403). An entry expires
// `expire` after its last update and a new one starts from zero. Not modelled: the table's
// `size` (the oldest unused entries are evicted when it is full).
class HaproxyReqRateLimit {
 public:
  explicit HaproxyReqRateLimit(const HaproxyReqRateSettings& settings);

  Decision decide(double now, Key key);
  void prefetch(Key key) const { entries_.prefetch(key); }  // KeyTable::prefetch
  // sc_http_req_rate without counting a request, 0 for an unknown or expired key.
  std::uint64_t rate(double now, Key key) const;
  const HaproxyFreqCtr* counter(Key key) const;

  const HaproxyReqRateSettings& settings() const { return settings_; }
  std::size_t size() const { return entries_.size(); }
  // Drops entries that expired, and (without `expire`) entries two periods old, whose
  // counters read 0 and restart exactly as a new entry would.
  std::size_t expire(double now);

 private:
  struct Entry {
    HaproxyFreqCtr ctr;
    std::int64_t expiresAt = 0;  // ms
  };
  bool expired(const Entry& e, std::int64_t nowMs) const;

  HaproxyReqRateSettings settings_;
  KeyTable<Entry> entries_;
};

}  // namespace lbsim::models::ratelimit
