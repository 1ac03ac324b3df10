#include "models/cache/key_popularity.h"

#include <stdexcept>

namespace lbsim::models::cache {

namespace {

// SplitMix64's output function: a bijection on 64-bit words with full avalanche.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

}  // namespace

KeyPopularity::KeyPopularity(std::string_view requestClass, const KeyPopularitySpec& spec)
    : spec_(spec), zipf_(spec.catalogue, spec.zipfExponent), salt_(core::hashName(requestClass)) {
  if (spec.queryVariants == 0) {
    throw std::invalid_argument("key popularity: query_variants must be at least 1");
  }
}

std::uint64_t KeyPopularity::keyOf(std::uint64_t rank, std::uint64_t user, std::uint32_t variant,
                                   bool queryInKey) const {
  // Each component enters through a bijection of the running value, so for fixed other
  // components the map from rank to key is one-to-one.
  std::uint64_t h = mix(salt_);
  if (spec_.perUser) h = mix(h ^ mix(user + kGolden));
  if (queryInKey && spec_.queryVariants > 1) h = mix(h ^ mix(variant + 2 * kGolden));
  return mix(h + rank);
}

std::uint64_t KeyPopularity::draw(core::RandomStream& rng, std::uint64_t user,
                                  bool queryInKey) const {
  const std::uint64_t rank = zipf_.sample(rng);
  std::uint32_t variant = 0;
  if (spec_.queryVariants > 1) variant = static_cast<std::uint32_t>(rng.below(spec_.queryVariants));
  return keyOf(rank, user, variant, queryInKey);
}

}  // namespace lbsim::models::cache
