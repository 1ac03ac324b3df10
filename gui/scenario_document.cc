#include "gui/scenario_document.h"

#include <QFile>
#include <exception>

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
  models::setReplicaCount(tier, count);
}

void setPolicy(models::TierSpec& tier, const std::string& policy) {
  if (tier.balancer.policy == policy) return;
  tier.balancer.policy = policy;
  tier.balancer.options = {};
}

}  // namespace lbsim::gui
