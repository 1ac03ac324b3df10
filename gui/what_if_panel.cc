#include "gui/what_if_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "gui/scenario_document.h"

namespace lbsim::gui {

WhatIfPanel::WhatIfPanel(ScenarioDocument& document, QWidget* parent)
    : QWidget(parent), document_(document) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* title = new QLabel(tr("<b>What if</b> — edit, then Run what-if; the run before "
                              "becomes baseline A. An autoscaled tier's count is its "
                              "autoscaler's (its settings are not editable here)."),
                           this);
  title->setWordWrap(true);
  layout->addWidget(title);
  table_ = new QTableWidget(this);
  table_->setObjectName("whatIfTable");
  table_->setColumnCount(3);
  table_->setHorizontalHeaderLabels({tr("tier"), tr("replicas"), tr("policy")});
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layout->addWidget(table_, 1);
  auto* buttons = new QHBoxLayout;
  auto* reset = new QPushButton(tr("Reset edits"), this);
  auto* run = new QPushButton(tr("Run what-if"), this);
  run->setObjectName("runWhatIf");
  buttons->addWidget(reset);
  buttons->addStretch(1);
  buttons->addWidget(run);
  layout->addLayout(buttons);
  connect(reset, &QPushButton::clicked, this, [this] {
    document_.resetEdits();
    reload();
    emit edited();
  });
  connect(run, &QPushButton::clicked, this, &WhatIfPanel::runRequested);
  connect(&document_, &ScenarioDocument::loaded, this, &WhatIfPanel::reload);
}

void WhatIfPanel::reload() {
  table_->setRowCount(0);
  if (!document_.valid()) return;
  const models::ScenarioSpec& spec = document_.editedSpec();
  table_->setRowCount(static_cast<int>(spec.tiers.size()));
  QStringList policies;
  for (const std::string& n : document_.policies().names())
    policies << QString::fromStdString(n);
  for (int t = 0; t < static_cast<int>(spec.tiers.size()); ++t) {
    const models::TierSpec& tier = spec.tiers[static_cast<std::size_t>(t)];
    table_->setItem(t, 0, new QTableWidgetItem(QString::fromStdString(tier.id)));
    auto* replicas = new QSpinBox(table_);
    replicas->setRange(1, 512);
    replicas->setValue(static_cast<int>(tier.targets.size()));
    if (tier.autoscaler) {
      // Its targets are the autoscaler's maximum; the autoscaler decides how many run.
      replicas->setEnabled(false);
      replicas->setToolTip(tr("Autoscaled: the autoscaler sets the count"));
    }
    table_->setCellWidget(t, 1, replicas);
    auto* policy = new QComboBox(table_);
    policy->addItems(policies);
    policy->setCurrentText(QString::fromStdString(tier.balancer.policy));
    table_->setCellWidget(t, 2, policy);
    connect(replicas, &QSpinBox::valueChanged, this, [this, t](int n) {
      gui::setReplicas(document_.edited().tiers[static_cast<std::size_t>(t)],
                       static_cast<std::uint32_t>(n));
      emit edited();
    });
    connect(policy, &QComboBox::currentTextChanged, this, [this, t](const QString& name) {
      gui::setPolicy(document_.edited().tiers[static_cast<std::size_t>(t)], name.toStdString());
      emit edited();
    });
  }
  table_->resizeColumnsToContents();
}

void WhatIfPanel::setReplicas(int tier, int count) {
  if (auto* box = qobject_cast<QSpinBox*>(table_->cellWidget(tier, 1))) box->setValue(count);
}

void WhatIfPanel::setPolicy(int tier, const QString& policy) {
  if (auto* box = qobject_cast<QComboBox*>(table_->cellWidget(tier, 2)))
    box->setCurrentText(policy);
}

QString WhatIfPanel::describeEdits() const {
  if (!document_.valid()) return {};
  QStringList parts;
  const auto& before = document_.spec().tiers;
  const auto& after = document_.editedSpec().tiers;
  for (std::size_t t = 0; t < before.size() && t < after.size(); ++t) {
    const QString id = QString::fromStdString(before[t].id);
    if (before[t].targets.size() != after[t].targets.size()) {
      parts << tr("%1 replicas %2→%3")
                   .arg(id)
                   .arg(before[t].targets.size())
                   .arg(after[t].targets.size());
    }
    if (before[t].balancer.policy != after[t].balancer.policy) {
      parts << tr("%1 policy %2").arg(id, QString::fromStdString(after[t].balancer.policy));
    }
  }
  return parts.join(", ");
}

}  // namespace lbsim::gui
