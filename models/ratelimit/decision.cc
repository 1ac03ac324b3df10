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
        text =
            format("excess %.3f <= burst %.10g in zone \"%.*s\"", d.measure, d.limit, SV(d.scope));
      } else if (d.limiter == "limit_conn") {
        text = format("%.10g of %.10g requests in progress in zone \"%.*s\"", d.measure, d.limit,
                      SV(d.scope));
      } else if (d.limiter == "rate-limiting") {
        text = format("%.*s usage %.10g < limit %.10g", SV(d.scope), d.measure, d.limit);
      } else if (d.limiter == "http_req_rate") {
        text = format("http_req_rate %.10g, not %.*s %.10g", d.measure, SV(d.scope), d.limit);
      } else if (d.limiter == "cloudflare") {
        text = format("rate %.4g <= %.10g requests per period", d.measure, d.limit);
      } else {
        text = format("a token taken, %.4g of %.10g left", d.measure, d.limit);
      }
      break;
    case Why::kDelayed:
      text = format("excess %.3f above the undelayed part of the burst in zone \"%.*s\"", d.measure,
                    SV(d.scope));
      if (d.dryRun) text += " (dry run: would wait " + seconds(d.delay) + ", passes)";
      break;
    case Why::kBurstExceeded:
      text = format("excess %.3f > burst %.10g in zone \"%.*s\"%s", d.measure, d.limit, SV(d.scope),
                    dry.c_str());
      break;
    case Why::kTooManyConnections:
      text = format("%.10g requests of this key in progress, limit_conn %.*s %.10g%s", d.measure,
                    SV(d.scope), d.limit, dry.c_str());
      break;
    case Why::kWindowFull:
      text = format("%.*s usage %.10g reached the limit %.10g", SV(d.scope), d.measure, d.limit);
      break;
    case Why::kRateAboveThreshold:
      if (d.limiter == "http_req_rate") {
        text = format("http_req_rate %.10g %.*s %.10g", d.measure, SV(d.scope), d.limit);
      } else {
        text =
            format("rate %.4g > %.10g requests per period: %.*s", d.measure, d.limit, SV(d.scope));
        if (d.until > 0.0) text += " until " + seconds(d.until);
        text += dry;
      }
      break;
    case Why::kMitigation:
      text = format("%.*s until %s (mitigation timeout), rate now %.4g", SV(d.scope),
                    seconds(d.until).c_str(), d.measure);
      break;
    case Why::kNoTokens:
      text = format("no token: %.4g of %.10g left", d.measure, d.limit);
      break;
  }
  if (d.remaining >= 0) {
    text += format("; RateLimit-Remaining %lld, RateLimit-Reset %.10g",
                   static_cast<long long>(d.remaining), d.retryAfter);
    if (d.fate == Fate::kReject) text += format(", Retry-After %.10g", d.retryAfter);
  }
  return text;
}

}  // namespace lbsim::models::ratelimit
