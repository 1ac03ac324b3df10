#include "cli/explain.h"

#include <cstdio>
#include <deque>
#include <iostream>
#include <stdexcept>

#include "core/simulator.h"
#include "models/balancing/balancer.h"
#include "models/traffic/clients.h"
#include "scenarios/units.h"

namespace lbsim::cli {

namespace {
using namespace models::balancing;

std::uint32_t targetNumber(const std::string& text, std::size_t count) {
  const auto v = scenarios::parseNumber(text);
  if (!v || *v < 1 || *v > static_cast<double>(count) || *v != static_cast<std::uint32_t>(*v)) {
    throw std::invalid_argument("target '" + text + "' is not a target number; allowed: 1 to " +
                                std::to_string(count));
  }
  return static_cast<std::uint32_t>(*v) - 1;
}
}  // namespace

void explainBalancer(const ExplainBalancerArgs& args) {
  const PolicyRegistry registry = PolicyRegistry::withBuiltins();
  const PolicyInfo& info = registry.get(args.policy);
  const std::size_t n = args.weights.size();
  if (n == 0) throw std::invalid_argument("--weights needs at least one target");

  PolicyContext context;
  core::RandomStream rng = core::RandomStream::named(args.seed, "policy:explain");
  core::Simulator sim;
  context.rng = &rng;
  context.clock = &sim.clock();
  context.targetCount = n;
  for (std::size_t i = 0; i < n; ++i) {
    char name[24];
    std::snprintf(name, sizeof name, "t%zu", i + 1);
    context.targetNames.emplace_back(name);
  }
  for (const std::string& option : args.options) {
    const auto eq = option.find('=');
    const std::string key = option.substr(0, eq);
    const OptionSpec* spec = nullptr;
    for (const auto& o : info.options) {
      if (o.name == key) spec = &o;
    }
    if (spec == nullptr || eq == std::string::npos) {
      std::string allowed;
      for (const auto& o : info.options) {
        if (!allowed.empty()) allowed += ", ";
        allowed += o.name;
        allowed += "=...";
      }
      throw std::invalid_argument("option '" + option + "' is not an option of " + args.policy +
                                  "; allowed: " + (allowed.empty() ? "none" : allowed));
    }
    const std::string value = option.substr(eq + 1);
    if (spec->kind == OptionKind::kText) {
      context.options.setText(key, value);
    } else {
      const auto v = spec->kind == OptionKind::kDuration ? scenarios::parseDuration(value)
                                                         : scenarios::parseNumber(value);
      if (!v) throw std::invalid_argument("option " + key + ": '" + value + "' is not a value");
      context.options.setNumber(key, *v);
    }
  }

  std::vector<TargetState> targets(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(args.weights[i] > 0.0)) throw std::invalid_argument("weights must be positive");
    targets[i].weight = args.weights[i];
  }
  for (const auto& b : args.backups)
    targets[targetNumber(b, n)].backup = true;
  for (const auto& d : args.down)
    targets[targetNumber(d, n)].available = false;
  Balancer balancer(registry.create(args.policy, context), targets);
  // The backups the system uses (HAProxy: the first alone, unless allbackups=1).
  balancer.setRules(info.rules.queueWhenFull,
                    info.rules.firstBackupOnly && context.options.number("allbackups", 0.0) == 0.0);
  if (args.sticky > 0.0) balancer.enableStickiness(args.sticky, true, &sim.clock());

  std::cout << "policy " << args.policy << ": " << info.summary << "\n";
  std::cout << "targets:";
  for (std::size_t i = 0; i < n; ++i) {
    std::cout << " t" << i + 1 << "(weight " << scenarios::formatNumber(targets[i].weight)
              << (targets[i].backup ? ", backup" : "") << (targets[i].available ? "" : ", down")
              << ")";
  }
  std::cout << "\n\n";
  std::printf("%6s  %-16s %-7s %-22s %s\n", "pick", "client", "target", "active before", "why");

  std::deque<std::uint32_t> outstanding;
  std::vector<std::uint32_t> counts(n, 0);
  for (std::uint32_t k = 0; k < args.requests; ++k) {
    models::Request request;
    request.client = args.clients == 0 ? k : k % args.clients;
    request.clientAddress = models::traffic::clientAddress(request.client);
    request.sessionKey = 0x5eed0000ULL + request.client;
    request.id = k;
    std::string before;
    for (const auto& t : balancer.targets())
      before += std::to_string(t.active) + " ";
    const Decision d = balancer.choose(request);
    if (d.choice != Choice::kChosen) {
      std::printf("%6u  %-16s %-7s %-22s %s\n", k + 1,
                  models::traffic::addressText(request.clientAddress).c_str(), "-", before.c_str(),
                  d.choice == Choice::kQueued ? "queued: every target at maxconn"
                                              : "502: no target available");
      continue;
    }
    ++counts[d.target];
    std::printf("%6u  %-16s t%-6u %-22s %s\n", k + 1,
                models::traffic::addressText(request.clientAddress).c_str(), d.target + 1,
                before.c_str(),
                balancer.lastWasSticky() ? "sticky: the client's cookie names this target"
                                         : balancer.policy().explainLastPick().c_str());
    outstanding.push_back(d.target);
    while (outstanding.size() > args.inFlight) {
      balancer.finished(outstanding.front(), 0.0);
      outstanding.pop_front();
    }
  }
  std::cout << "\nshares:";
  for (std::size_t i = 0; i < n; ++i) {
    std::printf(" t%zu %.1f%%", i + 1,
                100.0 * counts[i] / std::max<std::uint32_t>(1, args.requests));
  }
  std::cout << "\n";
}

}  // namespace lbsim::cli
