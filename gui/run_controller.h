#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <memory>

#include "gui/live/live_run.h"
#include "models/balancing/policy.h"
#include "models/spec.h"

namespace lbsim::gui {

// Runs a scenario in a worker thread (a LiveRun) and reports to the GUI thread through
// queued signals: `started`, then `batch` at most every LiveRun::publishPeriod (live
// samples, the network's state and the progress), then `finished` with the results. Pause,
// resume, stop and the speed act on the running simulation directly (thread-safe).
class RunController : public QObject {
  Q_OBJECT
 public:
  explicit RunController(const models::balancing::PolicyRegistry& policies,
                         QObject* parent = nullptr);
  ~RunController() override;  // stops a run still going and waits for its thread

  bool running() const { return active_; }
  bool paused() const { return run_ && run_->paused(); }
  double speed() const { return speed_; }

  // Ignored while a run is going.
  void start(const models::ScenarioSpec& spec, const QString& label);
  void pause();
  void resume();
  void stop();
  // Simulated seconds per wall second; 0 (the default) runs as fast as possible.
  void setSpeed(double factor);
  // Waits for the worker to end (for tests and shutdown); true if it ended in time.
  bool wait(unsigned long milliseconds = ULONG_MAX);

 signals:
  void started();
  void batch(const lbsim::gui::LiveBatch& batch);
  void pausedChanged(bool paused);
  void finished(std::shared_ptr<const lbsim::gui::RunResult> result);
  void failed(const QString& message);

 private:
  const models::balancing::PolicyRegistry& policies_;
  std::unique_ptr<LiveRun> run_;
  QThread* thread_ = nullptr;
  bool active_ = false;  // from start until `finished` or `failed` is emitted
  double speed_ = 0.0;
};

}  // namespace lbsim::gui

Q_DECLARE_METATYPE(lbsim::gui::LiveBatch)
Q_DECLARE_METATYPE(std::shared_ptr<const lbsim::gui::RunResult>)
