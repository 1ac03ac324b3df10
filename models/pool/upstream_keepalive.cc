#include "models/pool/upstream_keepalive.h"

#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/cache/cache_rules.h"

namespace lbsim::models::pool {

UpstreamKeepalive::UpstreamKeepalive(const KeepaliveSettings& settings) : settings_(settings) {
  if (settings.requests == 0) {
    throw std::invalid_argument("keepalive_requests must be at least 1");
  }
  if (!(settings.timeout >= 0.0) || !(settings.time >= 0.0) || !(settings.connectTime >= 0.0)) {
    throw std::invalid_argument("keepalive times must be >= 0 seconds");
  }
  connections_.reserve(settings.connections + 16);
}

void UpstreamKeepalive::uncache(std::uint32_t c) {
  Connection& conn = connections_[c];
  assert(conn.cached);
  if (conn.prev != kNil) {
    connections_[conn.prev].next = conn.next;
  } else {
    head_ = conn.next;
  }
  if (conn.next != kNil) {
    connections_[conn.next].prev = conn.prev;
  } else {
    tail_ = conn.prev;
  }
  conn.prev = conn.next = kNil;
  conn.cached = false;
  --cachedCount_;
}

void UpstreamKeepalive::close(std::uint32_t c) {
  Connection& conn = connections_[c];
  if (conn.cached) uncache(c);
  conn = Connection{};
  conn.next = free_;
  free_ = c;
}

void UpstreamKeepalive::expire(double now) {
  // Saved in time order, so the idle-expired ones are a tail run.
  while (tail_ != kNil && connections_[tail_].savedAt + settings_.timeout <= now) {
    close(tail_);
    ++stats_.closedTimeout;
  }
}

KeepaliveLease UpstreamKeepalive::acquire(std::uint32_t peer, double now) {
  expire(now);
  KeepaliveLease lease;
  for (std::uint32_t c = head_; c != kNil; c = connections_[c].next) {
    if (connections_[c].peer != peer) continue;
    uncache(c);
    Connection& conn = connections_[c];
    conn.inUse = true;
    ++conn.requests;
    ++inUse_;
    ++stats_.reused;
    lease.connection = c;
    lease.reused = true;
    return lease;
  }
  std::uint32_t c;
  if (free_ != kNil) {
    c = free_;
    free_ = connections_[c].next;
  } else {
    c = static_cast<std::uint32_t>(connections_.size());
    connections_.emplace_back();
  }
  Connection& conn = connections_[c];
  conn = Connection{};
  conn.peer = peer;
  conn.openedAt = now;
  conn.requests = 1;
  conn.inUse = true;
  ++inUse_;
  ++stats_.opened;
  lease.connection = c;
  lease.setupDelay = settings_.connectTime;
  return lease;
}

void UpstreamKeepalive::release(std::uint32_t c, double now, bool reusable) {
  assert(c < connections_.size() && connections_[c].inUse);
  Connection& conn = connections_[c];
  conn.inUse = false;
  --inUse_;
  if (settings_.connections == 0 || !reusable) {
    ++stats_.closedInvalid;
    close(c);
    return;
  }
  if (conn.requests >= settings_.requests) {
    ++stats_.closedRequests;
    close(c);
    return;
  }
  if (now - conn.openedAt > settings_.time) {
    ++stats_.closedTime;
    close(c);
    return;
  }
  expire(now);
  if (cachedCount_ >= settings_.connections) {
    close(tail_);
    ++stats_.closedOverflow;
  }
  Connection& saved = connections_[c];
  saved.cached = true;
  saved.savedAt = now;
  saved.prev = kNil;
  saved.next = head_;
  if (head_ != kNil) connections_[head_].prev = c;
  head_ = c;
  if (tail_ == kNil) tail_ = c;
  ++cachedCount_;
}

namespace {

std::uint32_t wholeCount(std::string_view key, std::string_view value, std::uint32_t min) {
  std::uint64_t v = 0;
  bool ok = !value.empty() && value.size() <= 9;
  for (char ch : value) {
    ok = ok && ch >= '0' && ch <= '9';
    if (ok) v = v * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  if (!ok || v < min) {
    throw std::invalid_argument(std::string(key) + " \"" + std::string(value) +
                                "\": allowed: a whole number >= " + std::to_string(min));
  }
  return static_cast<std::uint32_t>(v);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

KeepaliveSettings parseKeepalive(std::string_view text) {
  KeepaliveSettings s;
  // Statements end at ';' (nginx) or at a line end (kong.conf); '#' starts a comment.
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != ';' && text[end] != '\n')
      ++end;
    std::string_view statement = text.substr(i, end - i);
    i = end + 1;
    const std::size_t hash = statement.find('#');
    if (hash != std::string_view::npos) statement = statement.substr(0, hash);
    statement = trim(statement);
    if (statement.empty()) continue;
    // `name value` (nginx) or `name = value` (kong.conf).
    const std::size_t split = statement.find_first_of(" \t=");
    const std::string_view key = statement.substr(0, split);
    std::string_view value =
        split == std::string_view::npos ? std::string_view() : trim(statement.substr(split));
    if (!value.empty() && value.front() == '=') value = trim(value.substr(1));
    if (key == "keepalive") {
      s.connections = wholeCount(key, value, 1);
    } else if (key == "keepalive_requests") {
      s.requests = wholeCount(key, value, 1);
    } else if (key == "keepalive_timeout") {
      s.timeout = cache::parseNginxTime(value, key, true);
    } else if (key == "keepalive_time") {
      s.time = cache::parseNginxTime(value, key, true);
    } else if (key == "upstream_keepalive_pool_size") {
      s.connections = wholeCount(key, value, 0);
    } else if (key == "upstream_keepalive_max_requests") {
      s.requests = wholeCount(key, value, 1);
    } else if (key == "upstream_keepalive_idle_timeout") {
      s.timeout = static_cast<double>(wholeCount(key, value, 0));
    } else if (key.starts_with("keepalive") || key.starts_with("upstream_keepalive")) {
      throw std::invalid_argument(
          "unknown keep-alive setting '" + std::string(key) +
          "'; allowed: keepalive, keepalive_requests, keepalive_timeout, keepalive_time, "
          "upstream_keepalive_pool_size, upstream_keepalive_max_requests, "
          "upstream_keepalive_idle_timeout");
    }
    // Anything else in the block (server lines, the balancing method) is not ours.
  }
  return s;
}

}  // namespace lbsim::models::pool
