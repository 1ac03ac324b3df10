// The ceiling of bench/compare.sh: the workloads as a minimal hand-written event loop, with
// no framework. A binary heap (std::priority_queue) of (time, sequence, kind, payload)
// events, a SplitMix64 generator with inversion for the exponential samples, and the
// FIFO multi-server stations of bench/queue_network.h, whose options and result line are
// bench/workload_params.h's. Standard library only: it links nothing of lbsim, and is
// built with the project's compiler flags (bench/CMakeLists.txt).
//
// A customer leaving a tier enters the next one within the departure event, so the heap
// executes one arrival per customer plus one departure per customer and tier. wall_s is
// the time of the event loop alone.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

#include "bench/queue_network.h"
#include "bench/workload_params.h"

namespace {

// SplitMix64 (Steele, Lea and Flood 2014) as the generator itself: one add and three
// xor-shift-multiply steps per draw.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  double exponential(double mean) {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const double u = (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1)
    return -mean * std::log(u);
  }

 private:
  std::uint64_t state_;
};

struct Event {
  double time;
  std::uint64_t sequence;  // ties at equal times run in scheduling order
  std::uint32_t kind;
  std::uint32_t payload;  // the customer of a departure
};

struct RunsLater {
  bool operator()(const Event& a, const Event& b) const {
    return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
  }
};

class Loop {
 public:
  explicit Loop(const lbsim::bench::WorkloadParams& p)
      : meanGap_(1.0 / p.rate), meanService_(p.meanService), rng_(p.seed), network_(p, *this) {}

  void run(double horizon) {
    schedule(rng_.exponential(meanGap_), kArrival, 0);
    while (!heap_.empty() && heap_.top().time <= horizon) {
      const Event e = heap_.top();
      heap_.pop();
      ++executed_;
      now_ = e.time;
      if (e.kind == kArrival) {
        network_.arrive(now_);
        schedule(now_ + rng_.exponential(meanGap_), kArrival, 0);
      } else {
        network_.depart(e.payload, now_);
      }
    }
  }

  // Called by the network when a customer gets a server.
  void startService(std::uint32_t customer) {
    schedule(now_ + rng_.exponential(meanService_), kDeparture, customer);
  }

  std::uint64_t executed() const { return executed_; }
  const lbsim::bench::QueueNetwork<Loop>& network() const { return network_; }

 private:
  enum Kind : std::uint32_t { kArrival, kDeparture };

  void schedule(double at, std::uint32_t kind, std::uint32_t payload) {
    heap_.push(Event{at, sequence_++, kind, payload});
  }

  double meanGap_;
  double meanService_;
  Rng rng_;
  std::priority_queue<Event, std::vector<Event>, RunsLater> heap_;
  std::uint64_t sequence_ = 0;
  std::uint64_t executed_ = 0;
  double now_ = 0.0;
  lbsim::bench::QueueNetwork<Loop> network_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto p = lbsim::bench::parseWorkloadParams(argc, argv, "lbsim_handloop");
  Loop loop(p);
  const auto start = std::chrono::steady_clock::now();
  loop.run(p.horizon());
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  lbsim::bench::printResult("handloop", p, loop.network().completed(),
                            static_cast<long long>(loop.executed()), wall.count(),
                            loop.network().meanSojourn(), lbsim::bench::kCompiler);
  return 0;
}
