#pragma once

#include <cstdint>
#include <string_view>

#include "core/random.h"
#include "core/zipf.h"

namespace lbsim::models::cache {

// What one request class asks a cache for.
struct KeyPopularitySpec {
  std::uint64_t catalogue = 10000;  // N: distinct objects the class requests
  double zipfExponent = 0.8;        // s: P(rank k) proportional to k^-s; 0 is uniform
  // The cache key includes the user ($http_authorization, $cookie_..., $remote_user in
  // proxy_cache_key): every user has a private copy of each object, key = hash(user, object),
  // so the cache sees users x N keys.
  bool perUser = false;
  // Distinct query strings per object, drawn uniformly (1: none). They are part of the key
  // unless the cache ignores query strings (Cloudflare cache_level simplified).
  std::uint32_t queryVariants = 1;
};

// Key popularity of one request class under the independent reference model: each request
// draws its object's rank from Zipf(N, s) (core::Zipf, rejection-inversion) on the given
// stream, independently of the past, which is the model validation::lruChe and ttlCache
// assume.
//
// Keys are 64-bit hashes standing for the MD5 nginx takes of proxy_cache_key: the class
// name's FNV-1a hash (core::hashName) salts them, so classes never share keys, and they are
// built with the SplitMix64 finalizer, a bijection, so within one user and variant distinct
// ranks give distinct keys. Across users or variants two keys collide with probability
// about 2^-64 per pair, which is ignored.
class KeyPopularity {
 public:
  KeyPopularity(std::string_view requestClass, const KeyPopularitySpec& spec);

  // A request's cache key: its rank from the stream, its query variant (when there are
  // several) from the same stream, then the key. `user` matters only when perUser.
  // `queryInKey` false folds all query variants of an object into one key.
  std::uint64_t draw(core::RandomStream& rng, std::uint64_t user = 0, bool queryInKey = true) const;

  // The key of object `rank` (1..N) for `user`, query variant `variant`.
  std::uint64_t keyOf(std::uint64_t rank, std::uint64_t user = 0, std::uint32_t variant = 0,
                      bool queryInKey = true) const;

  // Probability of rank k (exact; O(N) the first time it is asked per object, for tests).
  double probability(std::uint64_t rank) const { return zipf_.probability(rank); }

  const KeyPopularitySpec& spec() const { return spec_; }

 private:
  KeyPopularitySpec spec_;
  core::Zipf zipf_;
  std::uint64_t salt_;
};

}  // namespace lbsim::models::cache
