#include "models/fault_injector.h"

#include <algorithm>
#include <stdexcept>

#include "models/network.h"

namespace lbsim::models {

std::string_view faultKindName(FaultSpec::Kind kind) {
  switch (kind) {
    case FaultSpec::Kind::kCrash:
      return "crash";
    case FaultSpec::Kind::kHang:
      return "hang";
    case FaultSpec::Kind::kUnreachable:
      return "unreachable";
    case FaultSpec::Kind::kSlow:
      return "slow";
    case FaultSpec::Kind::kLink:
      return "link";
  }
  return "fault";
}

std::string faultName(const FaultSpec& fault) {
  if (!fault.name.empty()) return fault.name;
  std::string out(faultKindName(fault.kind));
  if (!fault.tier.empty()) out += " " + fault.tier;
  for (std::size_t i = 0; i < fault.replicas.size(); ++i)
    out += (i == 0 ? " " : ",") + fault.replicas[i];
  if (!fault.zone.empty()) out += " zone " + fault.zone;
  if (!fault.region.empty()) out += " region " + fault.region;
  if (fault.kind == FaultSpec::Kind::kLink) out += " " + fault.linkFrom + " -> " + fault.linkTo;
  return out;
}

std::vector<FaultInjector::Target> faultTargets(const ScenarioSpec& spec, const FaultSpec& fault) {
  // A link fault is about the network between two tiers: one target, the receiving tier.
  if (fault.kind == FaultSpec::Kind::kLink) {
    for (TierIndex t = 0; t < spec.tiers.size(); ++t) {
      if (spec.tiers[t].id == fault.linkTo) return {{t, kNone}};
    }
    throw std::invalid_argument("unknown tier '" + fault.linkTo + "'");
  }
  std::vector<std::string> regionZones;
  if (!fault.region.empty()) {
    const auto r = std::find_if(spec.regions.begin(), spec.regions.end(),
                                [&](const RegionSpec& g) { return g.id == fault.region; });
    if (r == spec.regions.end()) {
      throw std::invalid_argument("unknown region '" + fault.region + "'");
    }
    regionZones = r->zones;
  }
  std::vector<FaultInjector::Target> out;
  bool tierFound = fault.tier.empty();
  for (TierIndex t = 0; t < spec.tiers.size(); ++t) {
    const TierSpec& tier = spec.tiers[t];
    if (!fault.tier.empty() && tier.id != fault.tier) continue;
    tierFound = true;
    for (const std::string& name : fault.replicas) {
      if (std::none_of(tier.targets.begin(), tier.targets.end(),
                       [&](const TargetSpec& target) { return target.name == name; })) {
        throw std::invalid_argument("tier '" + tier.id + "' has no replica '" + name + "'");
      }
    }
    for (ReplicaIndex r = 0; r < tier.targets.size(); ++r) {
      const TargetSpec& target = tier.targets[r];
      if (!fault.replicas.empty() && std::find(fault.replicas.begin(), fault.replicas.end(),
                                               target.name) == fault.replicas.end()) {
        continue;
      }
      if (!fault.zone.empty() && target.zone != fault.zone) continue;
      if (!fault.region.empty() &&
          std::find(regionZones.begin(), regionZones.end(), target.zone) == regionZones.end()) {
        continue;
      }
      out.push_back({t, r});
    }
  }
  if (!tierFound) throw std::invalid_argument("unknown tier '" + fault.tier + "'");
  return out;
}

FaultInjector::FaultInjector(Network& network, std::uint64_t runSeed)
    : network_(network), handler_(network.simulator().addHandler(this)) {
  const ScenarioSpec& spec = network.spec();
  active_.resize(spec.tiers.size());
  for (TierIndex t = 0; t < spec.tiers.size(); ++t)
    active_[t].resize(spec.tiers[t].targets.size());
  for (std::uint32_t i = 0; i < spec.faults.size(); ++i) {
    const FaultSpec& fault = spec.faults[i];
    targets_.push_back(faultTargets(spec, fault));
    names_.push_back(faultName(fault));
    std::vector<core::RandomStream> streams;
    if (fault.timeToFailure) {
      for (const Target& target : targets_.back()) {
        const std::string what = target.replica == kNone
                                     ? std::string("link")
                                     : spec.tiers[target.tier].targets[target.replica].name;
        streams.push_back(core::RandomStream::named(
            runSeed, "fault:" + std::to_string(i) + ":" + spec.tiers[target.tier].id + ":" + what));
      }
    }
    streams_.push_back(std::move(streams));
  }
}

void FaultInjector::start() {
  const ScenarioSpec& spec = network_.spec();
  core::Simulator& sim = network_.simulator();
  for (std::uint32_t i = 0; i < spec.faults.size(); ++i) {
    const FaultSpec& fault = spec.faults[i];
    for (std::uint32_t j = 0; j < targets_[i].size(); ++j) {
      const double at =
          fault.timeToFailure ? fault.at + fault.timeToFailure->sample(streams_[i][j]) : fault.at;
      sim.schedule(at, handler_, kStart, payload(i, j));
    }
  }
}

ImposedFaults FaultInjector::imposedOnNew(TierIndex tier, ReplicaIndex replica,
                                          bool newHost) const {
  ImposedFaults out;
  for (const std::uint32_t i : active_[tier][replica]) {
    const FaultSpec& fault = network_.spec().faults[i];
    switch (fault.kind) {
      case FaultSpec::Kind::kCrash:
        out.crashed = out.crashed || !newHost;
        break;
      case FaultSpec::Kind::kUnreachable:
        out.unreachable = true;
        break;
      case FaultSpec::Kind::kSlow:
        if (!newHost) out.speed = fault.speed;
        break;
      case FaultSpec::Kind::kHang:
      case FaultSpec::Kind::kLink:
        break;
    }
  }
  return out;
}

void FaultInjector::handleEvent(const core::Event& event) {
  const auto fault = static_cast<std::uint32_t>(event.payload >> 32);
  const auto target = static_cast<std::uint32_t>(event.payload & 0xffffffffu);
  if (event.kind == kStart) {
    begin(fault, target);
  } else {
    end(fault, target);
  }
}

void FaultInjector::begin(std::uint32_t i, std::uint32_t j) {
  const FaultSpec& fault = network_.spec().faults[i];
  const Target& target = targets_[i][j];
  if (fault.kind == FaultSpec::Kind::kLink) {
    network_.setLinkFault(i, true);
  } else {
    active_[target.tier][target.replica].push_back(i);
  }
  ServicePool& pool = network_.tier(target.tier);
  switch (fault.kind) {
    case FaultSpec::Kind::kLink:
      break;
    case FaultSpec::Kind::kCrash:
      pool.setCondition(target.replica, ServicePool::Condition::kCrashed, 1.0);
      break;
    case FaultSpec::Kind::kHang:
      pool.setCondition(target.replica, ServicePool::Condition::kHung, 1.0);
      break;
    case FaultSpec::Kind::kUnreachable:
      pool.setCondition(target.replica, ServicePool::Condition::kUnreachable, 1.0);
      break;
    case FaultSpec::Kind::kSlow:
      pool.setCondition(target.replica, pool.replicas()[target.replica].condition, fault.speed);
      break;
  }
  network_.faultChanged(
      {i, names_[i], faultKindName(fault.kind), true, target.tier, target.replica});
  const double now = network_.simulator().now();
  double duration = fault.duration;
  if (fault.timeToRepair) duration = fault.timeToRepair->sample(streams_[i][j]);
  if (duration != std::numeric_limits<double>::infinity()) {
    network_.simulator().schedule(now + duration, handler_, kEnd, payload(i, j));
  }
}

void FaultInjector::end(std::uint32_t i, std::uint32_t j) {
  const FaultSpec& fault = network_.spec().faults[i];
  const Target& target = targets_[i][j];
  if (fault.kind == FaultSpec::Kind::kLink) {
    network_.setLinkFault(i, false);
  } else {
    std::vector<std::uint32_t>& active = active_[target.tier][target.replica];
    const auto it = std::find(active.begin(), active.end(), i);
    if (it != active.end()) active.erase(it);
    if (active.empty()) {
      network_.tier(target.tier).setCondition(target.replica, ServicePool::Condition::kUp, 1.0);
    }
  }
  network_.faultChanged(
      {i, names_[i], faultKindName(fault.kind), false, target.tier, target.replica});
  if (fault.timeToFailure) {
    const double next = network_.simulator().now() + fault.timeToFailure->sample(streams_[i][j]);
    network_.simulator().schedule(next, handler_, kStart, payload(i, j));
  }
}

}  // namespace lbsim::models
