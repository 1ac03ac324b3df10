// ns-3's entry of bench/compare.sh: the network of bench/queue_network.h on ns-3's
// simulator core alone (no nodes, no devices): events are member functions scheduled with
// ns3::Simulator::Schedule on the binary-heap scheduler (ns3::HeapScheduler), and the
// exponential samples come from ns3::ExponentialRandomVariable (MRG32k3a streams, seeded
// through ns3::RngSeedManager). Times are ns3::Time, nanoseconds by default.
//
// Built by bench/compare.sh through bench/ns3/CMakeLists.txt (the ns-3 CMake package of
// Debian's libns3-dev), not by the project's build: ns-3 is an optional dependency.
//
// kernel_events is ns3::Simulator::GetEventCount(); wall_s is the time of Simulator::Run.
#include <chrono>
#include <cstdint>
#include <string>

#include "bench/queue_network.h"
#include "bench/workload_params.h"
#include "ns3/double.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/version-defines.h"

namespace {

// Binds the network of bench/queue_network.h to ns-3's calendar and random variables.
class Engine {
 public:
  explicit Engine(const lbsim::bench::WorkloadParams& p) : network_(p, *this) {
    interarrival_ = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    interarrival_->SetAttribute("Mean", ns3::DoubleValue(1.0 / p.rate));
    interarrival_->SetStream(0);
    service_ = ns3::CreateObject<ns3::ExponentialRandomVariable>();
    service_->SetAttribute("Mean", ns3::DoubleValue(p.meanService));
    service_->SetStream(1);
  }

  void start() {
    ns3::Simulator::Schedule(ns3::Seconds(interarrival_->GetValue()), &Engine::arrive, this);
  }

  // Called by the network when a customer gets a server.
  void startService(std::uint32_t customer) {
    ns3::Simulator::Schedule(ns3::Seconds(service_->GetValue()), &Engine::depart, this, customer);
  }

  const lbsim::bench::QueueNetwork<Engine>& network() const { return network_; }

 private:
  static double now() { return ns3::Simulator::Now().GetSeconds(); }

  void arrive() {
    network_.arrive(now());
    ns3::Simulator::Schedule(ns3::Seconds(interarrival_->GetValue()), &Engine::arrive, this);
  }

  void depart(std::uint32_t customer) { network_.depart(customer, now()); }

  ns3::Ptr<ns3::ExponentialRandomVariable> interarrival_;
  ns3::Ptr<ns3::ExponentialRandomVariable> service_;
  lbsim::bench::QueueNetwork<Engine> network_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto p = lbsim::bench::parseWorkloadParams(argc, argv, "ns3_workloads");
  ns3::ObjectFactory scheduler;
  scheduler.SetTypeId("ns3::HeapScheduler");
  ns3::Simulator::SetScheduler(scheduler);
  ns3::RngSeedManager::SetSeed(1);
  ns3::RngSeedManager::SetRun(p.seed);
  Engine engine(p);
  engine.start();
  ns3::Simulator::Stop(ns3::Seconds(p.horizon()));
  const auto start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  const auto events = static_cast<long long>(ns3::Simulator::GetEventCount());
  ns3::Simulator::Destroy();
  lbsim::bench::printResult(
      "ns3", p, engine.network().completed(), events, wall.count(), engine.network().meanSojourn(),
      "ns-3 " + std::to_string(NS3_VERSION_MAJOR) + "." + std::to_string(NS3_VERSION_MINOR) + "." +
          std::to_string(NS3_VERSION_PATCH) + ", " + lbsim::bench::kCompiler);
  return 0;
}
