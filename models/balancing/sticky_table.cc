#include "models/balancing/sticky_table.h"

namespace lbsim::models::balancing {

namespace {
std::size_t hashClient(std::uint32_t client) {
  std::uint64_t z = (client + 1ULL) * 0x9e3779b97f4a7c15ULL;
  return static_cast<std::size_t>(z ^ (z >> 29));
}
}  // namespace

std::size_t StickyTable::slotOf(std::uint32_t client) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hashClient(client) & mask;
  while (slots_[i].client != kNone && slots_[i].client != client)
    i = (i + 1) & mask;
  return i;
}

StickyTable::Binding StickyTable::find(std::uint32_t client, double now) const {
  if (slots_.empty()) return {};
  const Slot& s = slots_[slotOf(client)];
  if (s.client != client || s.expires <= now) return {};
  return {s.target, s.expires};
}

void StickyTable::bind(std::uint32_t client, std::uint32_t target, double expires, double now) {
  if ((live_ + 1) * 2 > slots_.size()) rebuild(now);
  Slot& s = slots_[slotOf(client)];
  if (s.client == kNone) ++live_;
  s = {client, target, expires};
}

// Keeps the unexpired bindings, in a table at least four times their number.
void StickyTable::rebuild(double now) {
  std::vector<Slot> old;
  old.swap(slots_);
  std::size_t keep = 0;
  for (const Slot& s : old)
    keep += s.client != kNone && s.expires > now;
  std::size_t capacity = 16;
  while (capacity < 4 * (keep + 1))
    capacity <<= 1;
  slots_.assign(capacity, Slot{});
  live_ = 0;
  for (const Slot& s : old) {
    if (s.client == kNone || s.expires <= now) continue;
    slots_[slotOf(s.client)] = s;
    ++live_;
  }
}

}  // namespace lbsim::models::balancing
