#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "models/experiment.h"

namespace lbsim::test {

// Two replications gave the same results to the bit: the same events, every summary figure
// (path and value) and every time-series value (NaN, an interval's undefined percentile,
// equals itself here).
inline void expectSameBits(const models::ReplicationResult& a, const models::ReplicationResult& b) {
  EXPECT_EQ(a.events, b.events);
  ASSERT_EQ(a.figures.size(), b.figures.size());
  for (std::size_t i = 0; i < a.figures.size(); ++i) {
    EXPECT_EQ(a.figures[i].path, b.figures[i].path);
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.figures[i].value),
              std::bit_cast<std::uint64_t>(b.figures[i].value))
        << a.figures[i].path << ": " << a.figures[i].value << " vs " << b.figures[i].value;
  }
  ASSERT_EQ(a.series.seriesCount(), b.series.seriesCount());
  EXPECT_EQ(a.series.times(), b.series.times());
  for (std::size_t k = 0; k < a.series.seriesCount(); ++k) {
    const auto& x = a.series.values(k);
    const auto& y = b.series.values(k);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(x[i]), std::bit_cast<std::uint64_t>(y[i]))
          << a.series.key(k).node << " " << a.series.key(k).metric << " sample " << i;
    }
  }
}

}  // namespace lbsim::test
