#pragma once

#include <cstdint>
#include <string_view>

namespace lbsim::models::balancing {

// XXH64, Yann Collet's 64-bit xxHash, written from the public specification
// (github.com/Cyan4973/xxHash, doc/xxhash_spec.md): four accumulators over 32-byte
// stripes, a merge, then the tail in 8-, 4- and 1-byte steps and a final avalanche.
// Input bytes are read little-endian whatever the host, so results match the reference on
// every platform. Envoy hashes everything for ring hash and Maglev with it
// (HashUtil::xxHash64, seed 0 unless given).
std::uint64_t xxHash64(std::string_view input, std::uint64_t seed = 0);

}  // namespace lbsim::models::balancing
