#include "gui/scenario_document.h"

#include <QFile>
#include <algorithm>
#include <exception>
#include <set>

#include "scenarios/loader.h"

namespace lbsim::gui {

ScenarioDocument::ScenarioDocument(const models::balancing::PolicyRegistry& policies,
                                   QObject* parent)
    : QObject(parent), policies_(policies) {}

bool ScenarioDocument::load(const QString& path) {
  path_ = path;
  spec_.reset();
  edited_.reset();
  diagnostics_.clear();
  QFile file(path);
  text_ = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
  try {
    spec_ = scenarios::loadScenarioFile(path.toStdString(), policies_);
    edited_ = spec_;
  } catch (const scenarios::ScenarioError& e) {
    diagnostics_ = e.diagnostics();
  } catch (const std::exception& e) {
    diagnostics_.push_back({path.toStdString(), 0, 0, e.what()});
  }
  emit loaded();
  return valid();
}

void ScenarioDocument::resetEdits() {
  if (spec_) edited_ = spec_;
}

void setReplicas(models::TierSpec& tier, std::uint32_t count) {
  count = std::max<std::uint32_t>(count, 1);
  auto& targets = tier.targets;
  while (targets.size() > count)
    targets.pop_back();
  if (targets.size() < count) {
    auto model = std::find_if(targets.rbegin(), targets.rend(),
                              [](const models::TargetSpec& t) { return !t.backup; });
    const models::TargetSpec base = model != targets.rend() ? *model : targets.back();
    std::set<std::string> names;
    for (const auto& t : targets)
      names.insert(t.name);
    for (std::size_t n = 1; targets.size() < count; ++n) {
      std::string name = tier.id + "-" + std::to_string(n);
      if (names.count(name) != 0) continue;
      models::TargetSpec t = base;
      t.name = name;
      t.backup = false;
      targets.push_back(t);
      names.insert(name);
    }
  }
}

void setPolicy(models::TierSpec& tier, const std::string& policy) {
  if (tier.balancer.policy == policy) return;
  tier.balancer.policy = policy;
  tier.balancer.options = {};
}

}  // namespace lbsim::gui
