#include "gui/what_if_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "gui/autoscaler_settings.h"
#include "gui/scenario_document.h"

namespace lbsim::gui {

namespace {
// A setting's value as describeEdits writes it: 70, 0.5, 100.
QString number(double v) {
  return QString::number(v, 'g', 12);
}
}  // namespace

WhatIfPanel::WhatIfPanel(ScenarioDocument& document, QWidget* parent)
    : QWidget(parent), document_(document) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* title = new QLabel(tr("<b>What if</b> — edit, then Run what-if; the run before "
                              "becomes baseline A. An autoscaled tier's count is its "
                              "autoscaler's: edit its range and targets in the rows below it."),
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
  rows_.clear();
  autoscalers_.clear();
  if (!document_.valid()) return;
  const models::ScenarioSpec& spec = document_.editedSpec();
  QStringList policies;
  for (const std::string& n : document_.policies().names())
    policies << QString::fromStdString(n);
  for (int t = 0; t < static_cast<int>(spec.tiers.size()); ++t) {
    const models::TierSpec& tier = spec.tiers[static_cast<std::size_t>(t)];
    const int row = table_->rowCount();
    table_->insertRow(row);
    rows_.push_back(row);
    autoscalers_.emplace_back();
    table_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(tier.id)));
    if (tier.autoscaler) {
      // Its targets are the autoscaler's maximum; the autoscaler decides how many run.
      auto* count = new QTableWidgetItem(tr("autoscaled"));
      count->setToolTip(
          tr("Autoscaled: the autoscaler sets the count; its range and "
             "targets are the rows below"));
      table_->setItem(row, 1, count);
    } else {
      auto* replicas = new QSpinBox(table_);
      replicas->setRange(1, kMostReplicas);
      replicas->setValue(static_cast<int>(tier.targets.size()));
      table_->setCellWidget(row, 1, replicas);
      connect(replicas, &QSpinBox::valueChanged, this, [this, t](int n) {
        gui::setReplicas(document_.edited().tiers[static_cast<std::size_t>(t)],
                         static_cast<std::uint32_t>(n));
        emit edited();
      });
    }
    auto* policy = new QComboBox(table_);
    policy->addItems(policies);
    policy->setCurrentText(QString::fromStdString(tier.balancer.policy));
    table_->setCellWidget(row, 2, policy);
    connect(policy, &QComboBox::currentTextChanged, this, [this, t](const QString& name) {
      gui::setPolicy(document_.edited().tiers[static_cast<std::size_t>(t)], name.toStdString());
      emit edited();
    });
    if (tier.autoscaler) addAutoscalerRows(t);
  }
  table_->resizeColumnsToContents();
}

void WhatIfPanel::addAutoscalerRows(int t) {
  const models::TierSpec& tier = document_.editedSpec().tiers[static_cast<std::size_t>(t)];
  const models::AutoscalerSpec& a = *tier.autoscaler;
  const QString kind = QString::fromStdString(autoscalerShortName(a));
  const auto settings = autoscalerSettings(a);
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const AutoscalerSetting& s = settings[i];
    const QString name = QString::fromStdString(s.name);
    const int row = table_->rowCount();
    table_->insertRow(row);
    auto* label = new QTableWidgetItem(QString("    %1 %2").arg(kind, name));
    label->setToolTip(tr("%1 in %2 (the file is not changed)")
                          .arg(QString::fromStdString(s.field), QString::fromStdString(a.source)));
    table_->setItem(row, 0, label);
    auto* box = new QDoubleSpinBox(table_);
    box->setObjectName(QString("autoscaler:%1:%2").arg(QString::fromStdString(tier.id), name));
    box->setDecimals(s.decimals);
    box->setRange(s.lowest, s.highest);
    box->setValue(s.value);
    if (!s.unit.empty()) box->setSuffix(" " + QString::fromStdString(s.unit));
    table_->setCellWidget(row, 1, box);
    autoscalers_[static_cast<std::size_t>(t)].push_back(box);
    connect(box, &QDoubleSpinBox::valueChanged, this, [this, t, i](double v) {
      const auto k = static_cast<std::size_t>(t);
      gui::setAutoscalerSetting(document_.edited().tiers[k], document_.spec().tiers[k], i, v);
      updateAutoscalerRanges(t);
      emit edited();
    });
  }
}

void WhatIfPanel::updateAutoscalerRanges(int t) {
  const auto k = static_cast<std::size_t>(t);
  const auto settings = autoscalerSettings(*document_.editedSpec().tiers[k].autoscaler);
  const auto& boxes = autoscalers_[k];
  for (std::size_t i = 0; i < boxes.size() && i < settings.size(); ++i) {
    const QSignalBlocker block(boxes[i]);
    boxes[i]->setRange(settings[i].lowest, settings[i].highest);
    boxes[i]->setValue(settings[i].value);
  }
}

void WhatIfPanel::setReplicas(int tier, int count) {
  if (tier < 0 || tier >= static_cast<int>(rows_.size())) return;
  const int row = rows_[static_cast<std::size_t>(tier)];
  if (auto* box = qobject_cast<QSpinBox*>(table_->cellWidget(row, 1))) box->setValue(count);
}

void WhatIfPanel::setPolicy(int tier, const QString& policy) {
  if (tier < 0 || tier >= static_cast<int>(rows_.size())) return;
  const int row = rows_[static_cast<std::size_t>(tier)];
  if (auto* box = qobject_cast<QComboBox*>(table_->cellWidget(row, 2))) box->setCurrentText(policy);
}

void WhatIfPanel::setAutoscalerSetting(int tier, std::size_t setting, double value) {
  if (tier < 0 || tier >= static_cast<int>(autoscalers_.size())) return;
  const auto& boxes = autoscalers_[static_cast<std::size_t>(tier)];
  if (setting < boxes.size()) boxes[setting]->setValue(value);
}

QString WhatIfPanel::describeEdits() const {
  if (!document_.valid()) return {};
  QStringList parts;
  const auto& before = document_.spec().tiers;
  const auto& after = document_.editedSpec().tiers;
  for (std::size_t t = 0; t < before.size() && t < after.size(); ++t) {
    const QString id = QString::fromStdString(before[t].id);
    // An autoscaled tier's targets follow its maximum, named below.
    if (!after[t].autoscaler && before[t].targets.size() != after[t].targets.size()) {
      parts << tr("%1 replicas %2→%3")
                   .arg(id)
                   .arg(before[t].targets.size())
                   .arg(after[t].targets.size());
    }
    if (before[t].balancer.policy != after[t].balancer.policy) {
      parts << tr("%1 policy %2").arg(id, QString::fromStdString(after[t].balancer.policy));
    }
    if (!before[t].autoscaler || !after[t].autoscaler) continue;
    const QString kind = QString::fromStdString(autoscalerShortName(*before[t].autoscaler));
    const auto was = autoscalerSettings(*before[t].autoscaler);
    const auto now = autoscalerSettings(*after[t].autoscaler);
    for (std::size_t i = 0; i < was.size() && i < now.size(); ++i) {
      if (number(was[i].value) == number(now[i].value)) continue;
      const QString unit =
          now[i].unit.empty() ? QString() : " " + QString::fromStdString(now[i].unit);
      parts << tr("%1 %2 %3 %4→%5%6")
                   .arg(id, kind, QString::fromStdString(now[i].name), number(was[i].value),
                        number(now[i].value), unit);
    }
  }
  return parts.join(", ");
}

}  // namespace lbsim::gui
