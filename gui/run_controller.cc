#include "gui/run_controller.h"

#include <exception>

namespace lbsim::gui {

RunController::RunController(const models::balancing::PolicyRegistry& policies, QObject* parent)
    : QObject(parent), policies_(policies) {
  qRegisterMetaType<LiveBatch>();
  qRegisterMetaType<std::shared_ptr<const RunResult>>();
}

RunController::~RunController() {
  stop();
  wait();
  delete thread_;  // not reaped yet: its `finished` is never delivered now
}

void RunController::start(const models::ScenarioSpec& spec, const QString& label) {
  if (running()) return;
  if (thread_ != nullptr) thread_->wait();  // the last run's thread, about to end
  run_ = std::make_unique<LiveRun>();
  run_->setSpeed(speed_);
  LiveRun* run = run_.get();
  // The worker posts to this object's thread; `this` outlives the worker (see ~).
  thread_ = QThread::create([this, run, spec, label] {
    LiveRun::Callbacks callbacks;
    callbacks.batch = [this](LiveBatch&& b) {
      QMetaObject::invokeMethod(
          this, [this, b = std::move(b)] { emit batch(b); }, Qt::QueuedConnection);
    };
    try {
      auto result = std::make_shared<RunResult>(run->run(spec, policies_, callbacks));
      result->label = label.toStdString();
      std::shared_ptr<const RunResult> done = std::move(result);
      QMetaObject::invokeMethod(
          this,
          [this, done] {
            active_ = false;
            emit finished(done);
          },
          Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      QMetaObject::invokeMethod(
          this,
          [this, message] {
            active_ = false;
            emit failed(message);
          },
          Qt::QueuedConnection);
    }
  });
  thread_->setObjectName("lbsim-simulation");
  // `finished`/`failed` are queued by the worker before it returns, so they arrive before
  // the thread's own `finished`, which reaps it.
  QThread* thread = thread_;
  connect(thread, &QThread::finished, this, [this, thread] {
    thread->deleteLater();
    if (thread_ == thread) thread_ = nullptr;
  });
  active_ = true;
  thread_->start();
  emit started();
}

void RunController::pause() {
  if (!run_ || !running() || run_->paused()) return;
  run_->pause();
  emit pausedChanged(true);
}

void RunController::resume() {
  if (!run_ || !run_->paused()) return;
  run_->resume();
  emit pausedChanged(false);
}

void RunController::stop() {
  if (!run_) return;
  run_->stop();
  if (run_->paused()) emit pausedChanged(false);
}

void RunController::setSpeed(double factor) {
  speed_ = factor;
  if (run_) run_->setSpeed(factor);
}

bool RunController::wait(unsigned long milliseconds) {
  return thread_ == nullptr || thread_->wait(milliseconds);
}

}  // namespace lbsim::gui
