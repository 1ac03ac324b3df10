#pragma once

#include <cstdint>

namespace lbsim::models::traffic {

// The IPv4 address of client `client` (host byte order): a fixed pseudo-random spread
// over the public address space, the same in every run, so that address-hashing policies
// (nginx ip_hash, HAProxy balance source) see realistic, stable client addresses.
// Consecutive client ids land in unrelated /24 networks.
inline std::uint32_t clientAddress(std::uint32_t client) {
  std::uint64_t z = (static_cast<std::uint64_t>(client) + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  // Keep the first octet in 1..223 (unicast), as real client addresses are.
  const std::uint32_t first = 1 + static_cast<std::uint32_t>((z >> 32) % 223);
  return (first << 24) | static_cast<std::uint32_t>(z & 0xFFFFFF);
}

}  // namespace lbsim::models::traffic
