#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/balancing/policy.h"
#include "models/request.h"

namespace lbsim::models::balancing {

// What Envoy's route `hash_policy` hashes for the consistent-hashing balancers (ring hash,
// Maglev), as the `key` option of those policies:
//  - kClient: `connection_properties: {source_ip: true}`, xxHash64 of the client's address
//    as text ("203.0.113.7", Envoy's Ip::addressAsString, without the port);
//  - kSession: a `cookie` hash policy, xxHash64 of the cookie's value; the session cookie is
//    the session key as 16 lower-case hex digits, the form of the cookies Envoy itself
//    generates (Hex::uint64ToHex).
enum class HashKey { kClient, kSession };

// Parses the `key` option of `policy`; throws std::invalid_argument naming the allowed
// values.
HashKey parseHashKey(std::string_view policy, std::string_view text);
std::string_view hashKeyName(HashKey key);
OptionSpec hashKeyOptionSpec();

// The names the policy hashes for its targets: the context's target names; a target
// without one (a context built by hand) is called "target-<index>".
std::vector<std::string> hashedTargetNames(const PolicyContext& context);

// A whole-number option of `policy` in [minimum, maximum]; throws std::invalid_argument
// saying what is allowed.
std::uint64_t wholeNumberOption(const PolicyOptions& options, std::string_view policy,
                                std::string_view name, std::uint64_t fallback,
                                std::uint64_t minimum, std::uint64_t maximum);

// The text Envoy hashes, written into `buffer` (no allocation on the pick path): the client
// address as traffic::addressText writes it, or the session cookie.
using HashKeyText = std::array<char, 20>;
std::string_view sessionCookieText(std::uint64_t sessionKey, HashKeyText& buffer);

// The request's hash under `key`, and the text it hashed (into `buffer`).
std::uint64_t requestHash(const Request& request, HashKey key, HashKeyText& buffer,
                          std::string_view* hashed = nullptr);

// The tables a hashing policy built for the last few candidate sets, by candidate
// signature. When a target flaps (at its maxconn, then below it) the policy switches back
// and forth between two sets; keeping both avoids rebuilding a 65537-slot table each time,
// and once warm a switch allocates nothing.
template <typename Table>
class RecentTables {
 public:
  // The table for `signature`, built by `build(Table&)` if it is not among the kept ones
  // (the least recently used one is rebuilt in place).
  template <typename Build>
  const Table& get(std::uint64_t signature, Build&& build) {
    Slot* slot = nullptr;
    for (Slot& s : slots_) {
      if (s.used && s.signature == signature) slot = &s;
    }
    if (slot == nullptr) {
      slot = &slots_[0];
      for (Slot& s : slots_) {
        if (!s.used || s.lastUse < slot->lastUse) slot = &s;
        if (!s.used) break;
      }
      slot->used = false;
      std::forward<Build>(build)(slot->table);
      slot->used = true;
      slot->signature = signature;
    }
    slot->lastUse = ++clock_;
    return slot->table;
  }

 private:
  struct Slot {
    bool used = false;
    std::uint64_t signature = 0;
    std::uint64_t lastUse = 0;
    Table table;
  };
  std::array<Slot, 4> slots_;
  std::uint64_t clock_ = 0;
};

}  // namespace lbsim::models::balancing
