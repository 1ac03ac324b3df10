#pragma once

#include <QObject>
#include <QString>

namespace lbsim::gui {

class MainWindow;

// Drives the real application through every view and saves a screenshot of each into
// `dir` as gui-*.png (the images of docs/gui.md): a scenario with problems and its error
// list; the topology and the charts of a paced run paused half-way with a tier inspected;
// the what-if edit, its run, the A/B charts and the comparison table. It prints the
// event loop's longest stall for each run and quits when done.
class ScreenshotTour : public QObject {
  Q_OBJECT
 public:
  ScreenshotTour(MainWindow& window, QString scenario, QString dir, QObject* parent = nullptr);
  void start();

 private:
  void grab(const QString& name);
  void step();

  MainWindow& window_;
  QString scenario_;
  QString dir_;
  int step_ = 0;
  double progress_ = 0.0;
};

}  // namespace lbsim::gui
