#pragma once

// The state of the comparison's queueing network (bench/workload_params.h) for the C++
// engines that are not lbsim: the hand-written loop and the ns-3 program both drive this
// one class, so they simulate exactly the same model and differ only in their event
// calendar and random numbers. Header-only, standard library only.
//
// The engine owns time and the calendar. It calls arrive(now) for each arrival from outside
// (and schedules the next one itself) and depart(customer, now) for each departure event;
// the network calls engine.startService(customer) when a customer gets a server, and the
// engine schedules that customer's departure after a service time it samples.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "bench/workload_params.h"

namespace lbsim::bench {

template <class Engine>
class QueueNetwork {
 public:
  QueueNetwork(const WorkloadParams& p, Engine& engine)
      : p_(p),
        engine_(engine),
        stations_(std::size_t{p.tiers} * p.replicas),
        nextReplica_(p.tiers, 0) {}

  void arrive(double now) {
    std::uint32_t c;
    if (free_.empty()) {
      c = static_cast<std::uint32_t>(customers_.size());
      customers_.emplace_back();
    } else {
      c = free_.back();
      free_.pop_back();
    }
    customers_[c] = Customer{now, 0, 0};
    enter(c, 0);
  }

  // The customer's service ends: the replica takes its next waiting customer, and the
  // customer enters the next tier or, after the last, leaves the network.
  void depart(std::uint32_t c, double now) {
    const Customer done = customers_[c];
    Station& s = stations_[done.replica];
    if (s.waiting.empty()) {
      --s.busy;
    } else {
      const std::uint32_t next = s.waiting.front();
      s.waiting.pop_front();
      engine_.startService(next);
    }
    if (done.tier + 1 < p_.tiers) {
      enter(c, done.tier + 1);
    } else {
      ++completed_;
      sojournSum_ += now - done.created;
      free_.push_back(c);
    }
  }

  std::uint64_t completed() const { return completed_; }
  double meanSojourn() const { return sojournSum_ / static_cast<double>(completed_); }

 private:
  struct Customer {
    double created = 0.0;
    std::uint32_t tier = 0;
    std::uint32_t replica = 0;  // global index: tier * replicas + replica in the tier
  };
  struct Station {
    std::uint32_t busy = 0;
    std::deque<std::uint32_t> waiting;  // customers, first come first served
  };

  // Round robin within the tier: replica 0, 1, ..., R-1, 0, ...
  void enter(std::uint32_t c, std::uint32_t tier) {
    std::uint32_t& next = nextReplica_[tier];
    const std::uint32_t r = tier * p_.replicas + next;
    next = next + 1 == p_.replicas ? 0 : next + 1;
    customers_[c].tier = tier;
    customers_[c].replica = r;
    Station& s = stations_[r];
    if (s.busy < p_.servers) {
      ++s.busy;
      engine_.startService(c);
    } else {
      s.waiting.push_back(c);
    }
  }

  const WorkloadParams& p_;
  Engine& engine_;
  std::vector<Station> stations_;
  std::vector<std::uint32_t> nextReplica_;
  std::vector<Customer> customers_;
  std::vector<std::uint32_t> free_;  // indices of customers_ to reuse
  std::uint64_t completed_ = 0;
  double sojournSum_ = 0.0;
};

}  // namespace lbsim::bench
