#include "models/balancing/envoy_hash_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "models/balancing/xxhash64.h"
#include "models/traffic/clients.h"

namespace lbsim::models::balancing {

HashKey parseHashKey(std::string_view policy, std::string_view text) {
  if (text == "client") return HashKey::kClient;
  if (text == "session") return HashKey::kSession;
  throw std::invalid_argument(std::string(policy) + " key '" + std::string(text) +
                              "' is not known; allowed: client, session");
}

std::string_view hashKeyName(HashKey key) {
  return key == HashKey::kClient ? "client" : "session";
}

OptionSpec hashKeyOptionSpec() {
  return {"key", OptionKind::kText,
          "what a request hashes: client (its IPv4 address, Envoy hash_policy source_ip; "
          "default) or session (its session cookie, Envoy hash_policy cookie)"};
}

std::vector<std::string> hashedTargetNames(const PolicyContext& context) {
  std::vector<std::string> names = context.targetNames;
  const std::size_t count = std::max(context.targetCount, names.size());
  for (std::size_t i = names.size(); i < count; ++i)
    names.push_back("target-" + std::to_string(i));
  return names;
}

std::uint64_t wholeNumberOption(const PolicyOptions& options, std::string_view policy,
                                std::string_view name, std::uint64_t fallback,
                                std::uint64_t minimum, std::uint64_t maximum) {
  const double value = options.number(name, static_cast<double>(fallback));
  if (!(value >= static_cast<double>(minimum) && value <= static_cast<double>(maximum)) ||
      value != std::floor(value)) {
    char written[32];
    std::snprintf(written, sizeof written, "%.15g", value);
    throw std::invalid_argument(std::string(policy) + " " + std::string(name) + " " + written +
                                " is not allowed; allowed: a whole number from " +
                                std::to_string(minimum) + " to " + std::to_string(maximum) +
                                " (default " + std::to_string(fallback) + ")");
  }
  return static_cast<std::uint64_t>(value);
}

std::string_view sessionCookieText(std::uint64_t sessionKey, HashKeyText& buffer) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  for (int i = 0; i < 16; ++i)
    buffer[static_cast<std::size_t>(i)] = kDigits[(sessionKey >> (60 - 4 * i)) & 0xFu];
  return {buffer.data(), 16};
}

std::uint64_t requestHash(const Request& request, HashKey key, HashKeyText& buffer,
                          std::string_view* hashed) {
  const std::string_view text = key == HashKey::kClient
                                    ? traffic::addressText(request.clientAddress, buffer)
                                    : sessionCookieText(request.sessionKey, buffer);
  if (hashed != nullptr) *hashed = text;
  return xxHash64(text);
}

}  // namespace lbsim::models::balancing
