#pragma once

#include <cstdint>
#include <string>

#include "models/network.h"
#include "models/observer.h"

namespace lbsim::models {

// One row of the per-request trace: a hop of a sampled request (tier = the tier's id), an
// attempt there that failed and was tried again (outcome its cause, started NaN), or its
// end-to-end outcome (tier = "end_to_end", arrived = when the client sent it).
struct TraceRecord {
  std::uint32_t replication = 0;
  std::uint64_t request = 0;
  const std::string* cls = nullptr;
  std::uint32_t client = 0;
  std::int32_t hop = -1;  // -1 for the end-to-end row
  const std::string* tier = nullptr;
  const std::string* replica = nullptr;  // null when no replica was reached
  double arrived = 0.0;
  double started = 0.0;  // NaN when the request was never served there
  double departed = 0.0;
  std::string_view outcome;  // "ok" or an error cause
};

// Where trace rows go (the CLI writes them to a file). Never called for unsampled requests.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceRecord& record) = 0;
};

// Turns the network's signals for sampled requests into trace rows.
class TraceObserver final : public NetworkObserver {
 public:
  TraceObserver(const Network& network, TraceSink& sink, std::uint32_t replication);
  void onHopFinished(const Request& request, TierIndex tier, ReplicaIndex replica,
                     double now) override;
  void onAttemptFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                       ErrorCause cause, bool retried, double now) override;
  void onRequestCompleted(const Request& request, double now) override;
  void onRequestFailed(const Request& request, TierIndex tier, ReplicaIndex replica,
                       ErrorCause cause, double now) override;

 private:
  TraceRecord base(const Request& request) const;
  // The row of an attempt at `tier` that ended with `cause` at `now`.
  TraceRecord failedAttempt(const Request& request, TierIndex tier, ReplicaIndex replica,
                            ErrorCause cause, double now) const;

  const Network& network_;
  TraceSink& sink_;
  std::uint32_t replication_;
  std::string endToEnd_ = "end_to_end";
};

}  // namespace lbsim::models
