#pragma once

#include <QObject>
#include <QString>
#include <optional>
#include <vector>

#include "models/balancing/policy.h"
#include "models/spec.h"
#include "scenarios/error.h"

namespace lbsim::gui {

// The open scenario: its file, its text, and either the validated spec or the located
// problems that stopped it from validating (nothing is run from a scenario with problems).
// What-if edits apply to a copy, `edited`, which the run uses; the file is never changed.
class ScenarioDocument : public QObject {
  Q_OBJECT
 public:
  explicit ScenarioDocument(const models::balancing::PolicyRegistry& policies,
                            QObject* parent = nullptr);

  // Reads and validates the file; emits `loaded` either way. Returns whether it validated.
  bool load(const QString& path);

  const QString& path() const { return path_; }
  const QString& text() const { return text_; }
  bool valid() const { return spec_.has_value(); }
  const models::ScenarioSpec& spec() const { return *spec_; }
  const std::vector<scenarios::Diagnostic>& diagnostics() const { return diagnostics_; }
  const models::balancing::PolicyRegistry& policies() const { return policies_; }

  // What-if edits, kept until the next load.
  models::ScenarioSpec& edited() { return *edited_; }
  const models::ScenarioSpec& editedSpec() const { return *edited_; }
  void resetEdits();

 signals:
  void loaded();

 private:
  const models::balancing::PolicyRegistry& policies_;
  QString path_;
  QString text_;
  std::optional<models::ScenarioSpec> spec_;
  std::optional<models::ScenarioSpec> edited_;
  std::vector<scenarios::Diagnostic> diagnostics_;
};

// Sets a tier's replica count: new replicas copy the last non-backup replica (named
// <tier>-<n>); removal takes replicas off the end of the list. At least one replica stays,
// so a database keeps its primary, targets[0].
void setReplicas(models::TierSpec& tier, std::uint32_t count);
// Sets a tier's balancing policy; options written for the old policy are dropped (as the
// CLI's --policy does).
void setPolicy(models::TierSpec& tier, const std::string& policy);

}  // namespace lbsim::gui
