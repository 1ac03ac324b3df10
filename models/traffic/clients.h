#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

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

// The longest dotted quad, "255.255.255.255".
inline constexpr std::size_t kAddressTextSize = 15;

// "192.168.1.10": the dotted-quad text of an IPv4 address in host byte order, without
// leading zeros, as nginx's $remote_addr and Envoy's Ip::addressAsString() write it (the
// text the nginx `hash` and Envoy ring hash and Maglev policies hash). This form writes
// into `buffer`, at least kAddressTextSize characters, and the view points into it, so
// that a policy formats an address on the pick path without allocating.
inline std::string_view addressText(std::uint32_t address, std::span<char> buffer) {
  assert(buffer.size() >= kAddressTextSize);
  std::size_t n = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned octet = (address >> shift) & 0xFFu;
    if (octet >= 100) buffer[n++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) buffer[n++] = static_cast<char>('0' + octet / 10 % 10);
    buffer[n++] = static_cast<char>('0' + octet % 10);
    if (shift != 0) buffer[n++] = '.';
  }
  return {buffer.data(), n};
}

inline std::string addressText(std::uint32_t address) {
  std::array<char, kAddressTextSize> buffer;
  return std::string(addressText(address, buffer));
}

}  // namespace lbsim::models::traffic
