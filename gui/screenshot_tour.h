#pragma once

#include <QObject>
#include <QString>

namespace lbsim::gui {

class MainWindow;

// Drives the real application through every view and saves a screenshot of each into
// `dir` as gui-*.png (the images of docs/gui.md): a scenario with problems and its error
// list; the topology and the charts of a paced run paused half-way with a tier inspected;
// the what-if edit, its run, the A/B charts and the comparison table; then, from the same
// folder as the scenario, the replicas chart of spike-10x-hpa.yaml, a what-if of its HPA's
// cpu target and the replicas chart of that run against it, and failover.yaml paused with
// its primary database down (skipped when the files are not there). It prints the
// event loop's longest stall for each run and quits when done.
class ScreenshotTour : public QObject {
  Q_OBJECT
 public:
  ScreenshotTour(MainWindow& window, QString scenario, QString dir, QObject* parent = nullptr);
  void start();

 private:
  void grab(const QString& name);
  QString sibling(const QString& name) const;  // a file next to the scenario; empty: none
  void step();

  MainWindow& window_;
  QString scenario_;
  QString dir_;
  int step_ = 0;
  double progress_ = 0.0;
};

}  // namespace lbsim::gui
