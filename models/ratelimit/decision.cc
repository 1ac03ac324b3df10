#include "models/ratelimit/decision.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "models/health/health_event.h"

namespace lbsim::models::ratelimit {

namespace {

__attribute__((format(printf, 1, 2))) std::string format(const char* pattern, ...) {
  char buffer[400];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

// The string_views of a decision are literals or settings, not necessarily null-terminated.
#define SV(view) static_cast<int>((view).size()), (view).data()

std::string seconds(double s) {
  return health::formatSeconds(s);
}

}  // namespace

std::string_view fateName(Fate fate) {
  switch (fate) {
    case Fate::kPass:
      return "pass";
    case Fate::kDelay:
      return "delay";
    case Fate::kReject:
      return "reject";
  }
  return {};
}

std::int64_t wholeMilliseconds(double seconds) {
  return static_cast<std::int64_t>(std::floor(seconds * 1000.0 + 1e-6));
}

std::string describe(const Decision& d) {
  std::string text;
  const std::string dry = d.dryRun ? " (dry run: passes)" : "";
  switch (d.why) {
    case Why::kWithinLimit:
      if (d.limiter == "limit_req") {
        text = format("excess %.3f <= burst %g in zone \"%.*s\"", d.measure, d.limit, SV(d.scope));
      } else if (d.limiter == "limit_conn") {
        text = format("%g of %g requests in progress in zone \"%.*s\"", d.measure, d.limit,
                      SV(d.scope));
      } else if (d.limiter == "rate-limiting") {
        text = format("%.*s usage %g < limit %g", SV(d.scope), d.measure, d.limit);
      } else if (d.limiter == "http_req_rate") {
        text = format("http_req_rate %g, not %.*s %g", d.measure, SV(d.scope), d.limit);
      } else if (d.limiter == "cloudflare") {
        text = format("rate %.4g <= %g requests per period", d.measure, d.limit);
      } else {
        text = format("a token taken, %.4g of %g left", d.measure, d.limit);
      }
      break;
    case Why::kDelayed:
      text = format("excess %.3f over the rate in zone \"%.*s\": delayed %s%s", d.measure,
                    SV(d.scope), seconds(d.delay).c_str(), dry.c_str());
      break;
    case Why::kBurstExceeded:
      text = format("excess %.3f > burst %g in zone \"%.*s\"%s", d.measure, d.limit, SV(d.scope),
                    dry.c_str());
      break;
    case Why::kTooManyConnections:
      text = format("%g requests of this key in progress, limit_conn %.*s %g%s", d.measure,
                    SV(d.scope), d.limit, dry.c_str());
      break;
    case Why::kWindowFull:
      text = format("%.*s usage %g reached the limit %g", SV(d.scope), d.measure, d.limit);
      break;
    case Why::kRateAboveThreshold:
      if (d.limiter == "http_req_rate") {
        text = format("http_req_rate %g %.*s %g", d.measure, SV(d.scope), d.limit);
      } else {
        text = format("rate %.4g > %g requests per period: %.*s", d.measure, d.limit, SV(d.scope));
        if (d.until > 0.0) text += " until " + seconds(d.until);
        text += dry;
      }
      break;
    case Why::kMitigation:
      text = format("%.*s until %s (mitigation timeout), rate now %.4g", SV(d.scope),
                    seconds(d.until).c_str(), d.measure);
      break;
    case Why::kNoTokens:
      text = format("no token: %.4g of %g left", d.measure, d.limit);
      break;
  }
  if (d.remaining >= 0) {
    text += format("; RateLimit-Remaining %lld, RateLimit-Reset %g",
                   static_cast<long long>(d.remaining), d.retryAfter);
  }
  return text;
}

}  // namespace lbsim::models::ratelimit
