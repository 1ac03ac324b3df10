#pragma once

#include <cstdint>
#include <vector>

#include "models/request.h"

namespace lbsim::models::balancing {

// Which target each client is bound to, and until when: the state behind a stickiness
// cookie. An open-addressing hash table with linear probing keyed by client id; expired
// bindings are dropped whenever the table grows, so memory follows the number of clients
// seen within one cookie lifetime, and lookups and updates allocate nothing.
class StickyTable {
 public:
  struct Binding {
    std::uint32_t target = kNone;
    double expires = 0.0;
  };

  // The binding of `client` if it has not expired at `now`, or a binding with target kNone.
  Binding find(std::uint32_t client, double now) const;
  void bind(std::uint32_t client, std::uint32_t target, double expires, double now);
  std::size_t size() const { return live_; }

 private:
  struct Slot {
    std::uint32_t client = kNone;
    std::uint32_t target = kNone;
    double expires = 0.0;
  };
  std::size_t slotOf(std::uint32_t client) const;
  void rebuild(double now);

  std::vector<Slot> slots_;
  std::size_t live_ = 0;
};

}  // namespace lbsim::models::balancing
