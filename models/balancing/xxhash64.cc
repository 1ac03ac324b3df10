#include "models/balancing/xxhash64.h"

#include <cstddef>

namespace lbsim::models::balancing {

namespace {

constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

constexpr std::uint64_t rotateLeft(std::uint64_t x, int bits) {
  return (x << bits) | (x >> (64 - bits));
}

// Assembled byte by byte so that the result does not depend on the host's byte order.
std::uint64_t readLittleEndian(const unsigned char* p, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i)
    value = (value << 8) | p[i];
  return value;
}

constexpr std::uint64_t mixLane(std::uint64_t accumulator, std::uint64_t lane) {
  accumulator += lane * kPrime2;
  accumulator = rotateLeft(accumulator, 31);
  return accumulator * kPrime1;
}

constexpr std::uint64_t mergeAccumulator(std::uint64_t accumulator, std::uint64_t lane) {
  accumulator ^= mixLane(0, lane);
  return accumulator * kPrime1 + kPrime4;
}

}  // namespace

std::uint64_t xxHash64(std::string_view input, std::uint64_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(input.data());
  const std::size_t length = input.size();
  const unsigned char* const end = p + length;

  std::uint64_t acc;
  if (length >= 32) {
    std::uint64_t v1 = seed + kPrime1 + kPrime2;
    std::uint64_t v2 = seed + kPrime2;
    std::uint64_t v3 = seed;
    std::uint64_t v4 = seed - kPrime1;
    for (; end - p >= 32; p += 32) {
      v1 = mixLane(v1, readLittleEndian(p, 8));
      v2 = mixLane(v2, readLittleEndian(p + 8, 8));
      v3 = mixLane(v3, readLittleEndian(p + 16, 8));
      v4 = mixLane(v4, readLittleEndian(p + 24, 8));
    }
    acc = rotateLeft(v1, 1) + rotateLeft(v2, 7) + rotateLeft(v3, 12) + rotateLeft(v4, 18);
    acc = mergeAccumulator(acc, v1);
    acc = mergeAccumulator(acc, v2);
    acc = mergeAccumulator(acc, v3);
    acc = mergeAccumulator(acc, v4);
  } else {
    acc = seed + kPrime5;
  }
  acc += static_cast<std::uint64_t>(length);

  for (; end - p >= 8; p += 8) {
    acc ^= mixLane(0, readLittleEndian(p, 8));
    acc = rotateLeft(acc, 27) * kPrime1 + kPrime4;
  }
  if (end - p >= 4) {
    acc ^= readLittleEndian(p, 4) * kPrime1;
    acc = rotateLeft(acc, 23) * kPrime2 + kPrime3;
    p += 4;
  }
  for (; p < end; ++p) {
    acc ^= static_cast<std::uint64_t>(*p) * kPrime5;
    acc = rotateLeft(acc, 11) * kPrime1;
  }

  acc ^= acc >> 33;
  acc *= kPrime2;
  acc ^= acc >> 29;
  acc *= kPrime3;
  acc ^= acc >> 32;
  return acc;
}

}  // namespace lbsim::models::balancing
