#include "core/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "core/prefetch.h"

namespace lbsim::core {
namespace {

TEST(LargeAllocator, ABlockOfAHugePageOrMoreIsAlignedToIt) {
  // 3 MiB of 8-byte values: above kHugePage, so aligned to it (and rounded up inside).
  std::vector<std::uint64_t, LargeAllocator<std::uint64_t>> big((3u << 20) / 8);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % kHugePage, 0u);
  std::iota(big.begin(), big.end(), std::uint64_t{0});
  EXPECT_EQ(big.back(), big.size() - 1);
  EXPECT_EQ(big[12345], 12345u);
}

TEST(LargeAllocator, SmallBlocksKeepTheirTypesAlignment) {
  struct alignas(64) Line {
    char bytes[64];
  };
  std::vector<Line, LargeAllocator<Line>> small(3);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(small.data()) % 64, 0u);
}

TEST(LargeAllocator, GrowingAcrossTheThresholdKeepsTheContents) {
  std::vector<std::uint32_t, LargeAllocator<std::uint32_t>> v;
  for (std::uint32_t i = 0; i < (1u << 20); ++i)  // 4 MiB at the end: both kinds of block
    v.push_back(i * 7u);
  for (std::uint32_t i = 0; i < v.size(); i += 4099)
    ASSERT_EQ(v[i], i * 7u);
}

TEST(Prefetch, ChangesNothing) {
  std::vector<int> values{1, 2, 3};
  prefetch(&values[1]);
  EXPECT_EQ(values, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace lbsim::core
