#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace lbsim::models {

// Why a request failed, named by the status a client sees and its cause. The set grows
// with the model (rate limiting, timeouts); outputs use `errorCauseName`.
enum class ErrorCause : std::uint8_t {
  kQueueFull,          // 503: every worker busy and the replica's queue at queue_limit
  kNoHealthyUpstream,  // 502: no available target in the pool (nginx "no live upstreams")
  kNotFound,           // 404: a gateway's routing rules have no place for the path
  kFixedResponse,      // another 4xx/5xx a gateway answers itself (ALB fixed-response, return)
  kRateLimited429,     // 429: a rate limiter rejected it (Kong, Cloudflare, limit_req_status 429)
  kRateLimited503,     // 503: nginx limit_req / limit_conn with the default status
  kDenied,             // 403: HAProxy `deny`, a Cloudflare challenge or block status
  kBadGateway,         // 502: the replica refused the connection or reset it (crashed)
  kGatewayTimeout,     // 504: no answer within the caller's connect or response timeout
  kQueueTimeout,       // 503: waited longer than the replica's queue_timeout (HAProxy timeout
                       // queue, PgBouncer query_wait_timeout)
  kCount
};

inline constexpr std::size_t kErrorCauseCount = static_cast<std::size_t>(ErrorCause::kCount);

inline std::string_view errorCauseName(ErrorCause cause) {
  constexpr std::array<std::string_view, kErrorCauseCount> kNames = {
      "503_queue_full",      "502_no_healthy_upstream", "404_not_found", "fixed_response",
      "429_rate_limited",    "503_rate_limited",        "403_denied",    "502_bad_gateway",
      "504_gateway_timeout", "503_queue_timeout"};
  return kNames[static_cast<std::size_t>(cause)];
}

// The HTTP status a client sees for `cause`; kFixedResponse has no status of its own (the
// request carries the one answered), 500 stands for it here.
inline int errorCauseStatus(ErrorCause cause) {
  switch (cause) {
    case ErrorCause::kQueueFull:
    case ErrorCause::kRateLimited503:
    case ErrorCause::kQueueTimeout:
      return 503;
    case ErrorCause::kNoHealthyUpstream:
    case ErrorCause::kBadGateway:
      return 502;
    case ErrorCause::kGatewayTimeout:
      return 504;
    case ErrorCause::kNotFound:
      return 404;
    case ErrorCause::kRateLimited429:
      return 429;
    case ErrorCause::kDenied:
      return 403;
    case ErrorCause::kFixedResponse:
    case ErrorCause::kCount:
      break;
  }
  return 500;
}

}  // namespace lbsim::models
