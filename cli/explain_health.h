#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace lbsim::cli {

// `lbsim explain health`: one health mechanism watching one target that goes down at a
// time and comes back at another, check by check (or request by request), with the reason
// for every change of state.
struct ExplainHealthArgs {
  // Exactly one mechanism, in its own configuration's words.
  std::string haproxy;     // --check "inter 5s rise 2 fall 3"
  std::string alb;         // --alb "interval 30 timeout 5 healthy 2 unhealthy 3"
  std::string cloudflare;  // --cloudflare "interval 60 retries 2 timeout 5"
  std::string docker;      // --docker "interval=30s timeout=10s retries=3 start_period=60s"
  std::string kubernetes;  // --k8s "readiness initialDelaySeconds=30 periodSeconds=5"
  std::string kong;        // --kong "healthy.interval=10 ... unhealthy.timeouts=3"
  std::string nginx;       // --nginx "max_fails=3 fail_timeout=30s"
  std::string envoy;       // --envoy "consecutive_5xx=5 interval=10s base_ejection_time=30s"
  std::string breaker;     // --breaker "failure_threshold=5 recovery_timeout=300s"

  std::string downAt;                  // when the target goes down (empty: never)
  std::string upAt;                    // when it is back (empty: never)
  std::string downAs = "refused";      // refused | timeout | error: what reaches it while down
  std::string until;                   // end of the timeline (empty: long enough to see it all)
  std::string requestsEvery = "1s";    // passive mechanisms and the breaker
  std::string requestTimeout = "60s";  // how long a request to an unreachable target waits
  std::uint32_t hosts = 10;            // Envoy: hosts in the cluster
};

// Adds the `health` subcommand to `explain`; the options fill `args`.
CLI::App* addExplainHealthCommand(CLI::App& explain, ExplainHealthArgs& args);

// Prints the timeline to stdout; throws std::invalid_argument on bad arguments.
void explainHealth(const ExplainHealthArgs& args);

}  // namespace lbsim::cli
