#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace lbsim::gui {

// Measures how long the event loop goes without turning: a timer asks to fire every
// `period` ms and records the longest gap between two firings. A gap well above the period
// is time the GUI thread was blocked (or starved) and could not repaint or take input.
class Heartbeat : public QObject {
  Q_OBJECT
 public:
  explicit Heartbeat(int periodMs = 10, QObject* parent = nullptr);
  void reset();
  double maxGapMs() const { return maxGapMs_; }
  long long beats() const { return beats_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = 0;
  double maxGapMs_ = 0.0;
  long long beats_ = 0;
};

}  // namespace lbsim::gui
