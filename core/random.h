#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/ziggurat_tables.h"

namespace lbsim::core {

// Vigna's SplitMix64 (https://prng.di.unimi.it/splitmix64.c, after Steele, Lea and Flood 2014):
// adds the golden-ratio increment to `state` and returns the mixed result. Used only to expand
// and decorrelate seeds, never as the simulation generator.
// Inline, with the generator's draws below: they run several times per simulated request.
inline constexpr std::uint64_t kSplitMixGamma = 0x9e3779b97f4a7c15;
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += kSplitMixGamma);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

// FNV-1a, 64-bit (Fowler, Noll, Vo): a fixed, documented hash so that a stream name maps to the
// same number on every machine and standard library, which std::hash does not promise.
std::uint64_t hashName(std::string_view name);

// The seed of replication `replication` of a run with base seed `baseSeed`: output number
// `replication` of a SplitMix64 generator seeded with `baseSeed` (salted), computed in O(1).
// Consecutive SplitMix64 outputs are how Vigna recommends seeding independent generators.
std::uint64_t replicationSeed(std::uint64_t baseSeed, std::uint32_t replication);

// xoshiro256++ 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021;
// reference code https://prng.di.unimi.it/xoshiro256plusplus.c). The 256-bit state is filled
// with four consecutive SplitMix64 outputs of the seed, as the authors suggest; those four are
// never all zero because SplitMix64's output function is a bijection of distinct states.
//
// Every derived draw is written out here instead of using std::*_distribution, whose results
// differ between standard libraries: the same seed gives the same bytes everywhere.
class RandomStream {
 public:
  RandomStream();
  explicit RandomStream(std::uint64_t seed) {
    for (auto& word : state_)
      word = splitmix64(seed);
  }

  // An independent stream per name ("arrivals:web", "policy:course"): adding or removing a
  // consumer does not shift the numbers any other consumer sees. The seed is
  // splitmix64(splitmix64(runSeed) ^ hashName(name)), so for one run seed distinct name hashes
  // give distinct seeds.
  static RandomStream named(std::uint64_t runSeed, std::string_view name);

  // Sets the generator state verbatim; for checking against the published reference vectors
  // and for restoring a saved stream. The state must not be all zero.
  static RandomStream fromState(const std::array<std::uint64_t, 4>& state);

  std::uint64_t nextU64() {
    auto& s = state_;
    const std::uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }

  // [0, 1) with 53 random bits: (x >> 11) * 2^-53.
  double uniform01() { return static_cast<double>(nextU64() >> 11) * 0x1p-53; }

  // (0, 1), safe for log(): ((x >> 12) + 0.5) * 2^-52. It uses 52 bits rather than 53 because
  // (2^53 - 1) + 0.5 is not representable and rounds up to 2^53, which would return exactly 1;
  // with 52 bits every value is exact and the range is [2^-53, 1 - 2^-53].
  double uniformOpen01() { return (static_cast<double>(nextU64() >> 12) + 0.5) * 0x1p-52; }

  // Uniform in [0, n) without bias, n > 0: Lemire's multiply-shift ("Fast random integer
  // generation in an interval", ACM TOMACS 2019) with his rejection step, which draws again
  // with probability (2^64 mod n) / 2^64.
  std::uint64_t below(std::uint64_t n);

  // Exponential and normal variates by the ziggurat method (Marsaglia & Tsang, "The Ziggurat
  // Method for Generating Random Variables", J. Statistical Software 5(8), 2000) with 256
  // layers of equal area, tables in ziggurat_tables.h. One 64-bit draw gives the layer (its
  // low 8 bits), the normal's sign (bit 8) and the position in the layer (the top 53 bits);
  // the draw is accepted at once when the point lies in the layer's part wholly under the
  // density: 97.8 % of draws for the exponential, 98.5 % for the normal (the mean of
  // x[i+1]/x[i] over the layers). The rest take a wedge test against the density or, in the
  // base layer, a tail sample, and draw again when rejected: the number of draws per call is
  // random, and no spare is kept, so a copy of a stream continues exactly like the original.
  // The fast path has no logarithm: inversion (-log U) cost a libm call per variate.
  // Results are >= 0 for the exponential (exactly 0 with probability 2^-53).
  double standardExponential() {
    const ZigguratPoint p = zigguratPoint(nextU64(), kExponentialLayers);
    if (p.x < kExponentialLayers.x[p.layer + 1]) [[likely]]
      return p.x;
    return exponentialBeyond(p);
  }
  double exponential(double mean) { return mean * standardExponential(); }

  double standardNormal() {
    const ZigguratPoint p = zigguratPoint(nextU64(), kNormalLayers);
    if (p.x < kNormalLayers.x[p.layer + 1]) [[likely]]
      return p.withSign();
    return normalBeyond(p);
  }

  const std::array<std::uint64_t, 4>& state() const { return state_; }

 private:
  // A ziggurat draw: the layer (the low 8 bits), the position in it (the top 53 bits
  // scaled to the layer's width) and the bits, whose bit 8 is the normal's sign.
  struct ZigguratPoint {
    std::uint64_t bits;
    unsigned layer;
    double x;
    double withSign() const { return (bits & 0x100) != 0 ? -x : x; }
  };
  static ZigguratPoint zigguratPoint(std::uint64_t bits, const ZigguratLayers& z) {
    const auto layer = static_cast<unsigned>(bits & 0xff);
    return {bits, layer, static_cast<double>(bits >> 11) * 0x1p-53 * z.x[layer]};
  }
  // The ziggurat's slow paths: a point outside its layer's inner part.
  double exponentialBeyond(ZigguratPoint p);
  double normalBeyond(ZigguratPoint p);

  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::array<std::uint64_t, 4> state_{};
};

}  // namespace lbsim::core
