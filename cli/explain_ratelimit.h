#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace lbsim::cli {

// `lbsim explain ratelimit`: one rate limiter, in its own configuration's words, fed a
// list of arrival times; one line per request with its fate (pass, delayed by, rejected
// with) and the figures behind it (nginx's excess, Kong's window count, HAProxy's and
// Cloudflare's rate estimates, the tokens left).
struct ExplainRateLimitArgs {
  // Exactly one limiter.
  std::string nginx;       // --nginx "rate=10r/s burst=20 nodelay" (or limit_req directives)
  std::string conn;        // --conn "limit_conn conn 2" (nginx limit_conn)
  std::string kong;        // --kong "minute=5 hour=100 policy=local"
  std::string haproxy;     // --haproxy "http_req_rate(10s) gt 100"
  std::string cloudflare;  // --cloudflare "threshold=100 period=60 timeout=600 action=block"
  std::string envoy;       // --envoy "max_tokens=10 tokens_per_fill=1 fill_interval=1s"
  std::string bucket;      // --bucket "rate=10/s capacity=20"

  // Arrival times: "0,0.01,0.02", "30@0" (30 requests at 0), "0.05..1:0.05" (every 50 ms
  // from 0.05 s to 1 s); times with a unit too (250ms). Or a file: one time per line,
  // optionally followed by the request's key.
  std::string arrivals;
  std::string arrivalsFile;
  std::string key = "client";  // the key of requests that name none
  std::uint32_t nodes = 1;     // Kong: nodes the requests go to in turn
  std::string hold = "1s";     // limit_conn: how long a request holds its slot; Cloudflare:
                               // when its response comes back
  std::uint32_t status = 200;  // Cloudflare: the status of responses (counting by response)
  std::string epoch = "0";     // Kong: the Unix time of t = 0, in seconds
};

// Adds the `ratelimit` subcommand to `explain`; the options fill `args`.
CLI::App* addExplainRateLimitCommand(CLI::App& explain, ExplainRateLimitArgs& args);

// Prints the requests' fates to stdout; throws std::invalid_argument on bad arguments.
void explainRateLimit(const ExplainRateLimitArgs& args);

}  // namespace lbsim::cli
