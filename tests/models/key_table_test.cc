#include "models/ratelimit/key_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_map>

#include "core/random.h"

namespace lbsim::models::ratelimit {
namespace {

struct Value {
  std::uint64_t count = 0;
  double last = -1.0;  // a member initializer: a new entry must get it
};

// The table must behave exactly as a std::unordered_map under any mix of lookups,
// insertions and sweeps; the reference here is std::unordered_map itself.
void checkSame(const KeyTable<Value>& table, const std::unordered_map<Key, Value>& reference) {
  ASSERT_EQ(table.size(), reference.size());
  for (const auto& [key, value] : reference) {
    const Value* v = table.find(key);
    ASSERT_NE(v, nullptr) << "key " << key;
    EXPECT_EQ(v->count, value.count);
  }
  std::size_t seen = 0;
  table.forEach([&](Key key, const Value& value) {
    ++seen;
    const auto it = reference.find(key);
    ASSERT_NE(it, reference.end()) << "key " << key;
    EXPECT_EQ(value.count, it->second.count);
  });
  EXPECT_EQ(seen, reference.size());
}

// keyOf maps a draw to a key: consecutive ids, sparse 32-bit addresses, or keys sharing
// their low bits (which a weak hash would pile into few slots).
template <typename KeyOf>
void randomWorkload(KeyOf keyOf, std::uint64_t seed) {
  core::RandomStream rng(seed);
  KeyTable<Value> table;
  std::unordered_map<Key, Value> reference;
  std::uint64_t next = 0;
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 2000; ++i) {
      // Mostly recent keys, some new ones, as clients arrive.
      const std::uint64_t id =
          rng.below(4) == 0 || next == 0 ? next++ : next - 1 - rng.below(next < 500 ? next : 500);
      const Key key = keyOf(id);
      auto [v, added] = table.tryEmplace(key);
      const auto [it, refAdded] = reference.try_emplace(key);
      ASSERT_EQ(added, refAdded);
      if (added) {
        EXPECT_EQ(v->last, -1.0);
      }
      ++v->count;
      ++it->second.count;
      v->last = static_cast<double>(round);
      it->second.last = static_cast<double>(round);
    }
    // Sweep the keys untouched for a while, or at random.
    const auto stale = [&](Key key, const Value& v) {
      return v.last < round - 2 || (key % 7 == static_cast<Key>(round % 7) && v.count < 3);
    };
    const std::size_t erased = table.eraseIf(stale);
    const std::size_t refErased = std::erase_if(
        reference, [&](const auto& entry) { return stale(entry.first, entry.second); });
    ASSERT_EQ(erased, refErased);
    checkSame(table, reference);
    for (std::uint64_t probe = 0; probe < next; probe += 97)
      EXPECT_EQ(table.find(keyOf(probe)) != nullptr, reference.count(keyOf(probe)) == 1);
  }
  EXPECT_GT(reference.size(), 0u);
}

TEST(KeyTable, MatchesAnUnorderedMapWithConsecutiveKeys) {
  randomWorkload([](std::uint64_t id) { return id; }, 1);
}

TEST(KeyTable, MatchesAnUnorderedMapWithScatteredKeys) {
  randomWorkload([](std::uint64_t id) { return (id * 0x9e3779b97f4a7c15ULL) >> 32; }, 2);
}

TEST(KeyTable, MatchesAnUnorderedMapWithKeysSharingTheirLowBits) {
  randomWorkload([](std::uint64_t id) { return id << 6; }, 3);
}

TEST(KeyTable, MemoryFollowsTheKeysAlive) {
  KeyTable<Value> table;
  for (Key k = 0; k < 100000; ++k)
    table.tryEmplace(k);
  EXPECT_EQ(table.size(), 100000u);
  EXPECT_GE(table.capacity(), 200000u);  // at most half full
  EXPECT_EQ(table.eraseIf([](Key k, const Value&) { return k >= 10; }), 99990u);
  EXPECT_EQ(table.size(), 10u);
  EXPECT_LE(table.capacity(), 128u);  // shrunk back towards its minimum of 64
  for (Key k = 0; k < 10; ++k)
    EXPECT_NE(table.find(k), nullptr);
  EXPECT_EQ(table.find(10), nullptr);
}

}  // namespace
}  // namespace lbsim::models::ratelimit
