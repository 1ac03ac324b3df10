#include "core/random.h"

#include <cassert>
#include <cmath>

namespace lbsim::core {
namespace {

constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15;
// Keeps replication seeds apart from the seeds RandomStream(baseSeed) expands itself, which are
// the same SplitMix64 sequence unsalted.
constexpr std::uint64_t kReplicationSalt = 0x5851f42d4c957f2d;

struct Product128 {
  std::uint64_t high;
  std::uint64_t low;
};

// Full 64 x 64 -> 128-bit product from 32-bit halves: portable C++ (no __int128, which
// -Wpedantic rejects and MSVC lacks), with the same result on every compiler.
Product128 multiply(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t aLow = a & 0xffffffff;
  const std::uint64_t aHigh = a >> 32;
  const std::uint64_t bLow = b & 0xffffffff;
  const std::uint64_t bHigh = b >> 32;
  const std::uint64_t lowLow = aLow * bLow;
  const std::uint64_t highLow = aHigh * bLow;
  const std::uint64_t lowHigh = aLow * bHigh;
  const std::uint64_t highHigh = aHigh * bHigh;
  const std::uint64_t middle = (lowLow >> 32) + (highLow & 0xffffffff) + lowHigh;
  return {highHigh + (highLow >> 32) + (middle >> 32), (middle << 32) | (lowLow & 0xffffffff)};
}

}  // namespace

std::uint64_t hashName(std::string_view name) {
  std::uint64_t hash = 0xcbf29ce484222325;
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3;
  }
  return hash;
}

std::uint64_t replicationSeed(std::uint64_t baseSeed, std::uint32_t replication) {
  // SplitMix64's state after r steps is seed + r * gamma, so output r costs one step.
  std::uint64_t state = (baseSeed ^ kReplicationSalt) + kGoldenGamma * replication;
  return splitmix64(state);
}

RandomStream::RandomStream() : RandomStream(0) {}

RandomStream RandomStream::named(std::uint64_t runSeed, std::string_view name) {
  std::uint64_t state = splitmix64(runSeed) ^ hashName(name);
  return RandomStream(splitmix64(state));
}

RandomStream RandomStream::fromState(const std::array<std::uint64_t, 4>& state) {
  assert((state[0] | state[1] | state[2] | state[3]) != 0 && "xoshiro256++ state all zero");
  RandomStream stream;
  stream.state_ = state;
  return stream;
}

std::uint64_t RandomStream::below(std::uint64_t n) {
  assert(n > 0);
  Product128 product = multiply(nextU64(), n);
  if (product.low < n) {
    // 2^64 mod n, computed in 64 bits as (2^64 - n) mod n.
    const std::uint64_t threshold = (0 - n) % n;
    while (product.low < threshold)
      product = multiply(nextU64(), n);
  }
  return product.high;
}

double RandomStream::exponentialBeyond(ZigguratPoint p) {
  const ZigguratLayers& z = kExponentialLayers;
  for (;;) {
    // The base layer's part beyond R stands for the tail, and the exponential forgets: the
    // tail beyond R is R plus a fresh exponential.
    if (p.layer == 0) return z.r + standardExponential();
    // A wedge: the point (x, y), y uniform over the layer's height, is kept under the density.
    const double y = z.f[p.layer] + uniform01() * (z.f[p.layer + 1] - z.f[p.layer]);
    if (y < std::exp(-p.x)) return p.x;
    p = zigguratPoint(nextU64(), z);
    if (p.x < z.x[p.layer + 1]) return p.x;
  }
}

double RandomStream::normalBeyond(ZigguratPoint p) {
  const ZigguratLayers& z = kNormalLayers;
  for (;;) {
    if (p.layer == 0) {
      // The tail beyond R by Marsaglia's method ("Generating a variable from the tail of the
      // normal distribution", Technometrics 6, 1964): a = E1/R, b = E2 until 2b >= a^2; then
      // R + a has the tail's density.
      double a = 0.0;
      double b = 0.0;
      do {
        a = -std::log(uniformOpen01()) / z.r;
        b = -std::log(uniformOpen01());
      } while (b + b < a * a);
      p.x = z.r + a;
      return p.withSign();
    }
    const double y = z.f[p.layer] + uniform01() * (z.f[p.layer + 1] - z.f[p.layer]);
    if (y < std::exp(-0.5 * p.x * p.x)) return p.withSign();
    p = zigguratPoint(nextU64(), z);
    if (p.x < z.x[p.layer + 1]) return p.withSign();
  }
}

}  // namespace lbsim::core
