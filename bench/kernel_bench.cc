// The ceiling to compare against: a minimal hand-written M/M/1 loop (binary heap of
// (time, kind) pairs, exponential samples, a FIFO count) with the same random engine,
// compiled with the same flags. Events counted as in BM_MM1_Model: one arrival and one
// departure per customer.
#include <benchmark/benchmark.h>

#include <queue>
#include <vector>

#include "core/calendar_queue.h"
#include "core/event_queue.h"
#include "core/random.h"

namespace {

struct Ev {
  double time;
  int kind;  // 0 arrival, 1 departure
  bool operator>(const Ev& o) const { return time > o.time; }
};

void BM_MM1_HandWrittenLoop(benchmark::State& state) {
  std::uint64_t events = 0;
  for (auto _ : state) {
    lbsim::core::RandomStream rng(42);
    std::priority_queue<Ev, std::vector<Ev>, std::greater<>> heap;
    double now = 0.0;
    std::uint64_t inSystem = 0;
    double busyArea = 0.0;  // a statistic, so the loop is not optimised away
    heap.push({rng.exponential(1.0 / 0.9), 0});
    while (now < 1e6) {
      const Ev e = heap.top();
      heap.pop();
      busyArea += (inSystem > 0 ? 1.0 : 0.0) * (e.time - now);
      now = e.time;
      ++events;
      if (e.kind == 0) {
        if (inSystem++ == 0) heap.push({now + rng.exponential(1.0), 1});
        heap.push({now + rng.exponential(1.0 / 0.9), 0});
      } else if (--inSystem > 0) {
        heap.push({now + rng.exponential(1.0), 1});
      }
    }
    benchmark::DoNotOptimize(busyArea);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MM1_HandWrittenLoop)->Unit(benchmark::kMillisecond)->UseRealTime();

// The calendar alone: hold model with a constant population of pending events.
template <typename Queue>
void BM_Hold(benchmark::State& state) {
  Queue queue;
  lbsim::core::RandomStream rng(1);
  std::uint64_t seq = 0;
  for (int i = 0; i < state.range(0); ++i)
    queue.push({rng.exponential(1.0), seq++, 0, 0, 0});
  for (auto _ : state) {
    const auto e = queue.pop();
    queue.push({e.time + rng.exponential(1.0), seq++, 0, 0, 0});
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_EventQueueHold(benchmark::State& state) {
  BM_Hold<lbsim::core::EventQueue>(state);
}
BENCHMARK(BM_EventQueueHold)->Arg(16)->Arg(1024)->Arg(65536);
void BM_CalendarQueueHold(benchmark::State& state) {
  BM_Hold<lbsim::core::CalendarQueue>(state);
}
BENCHMARK(BM_CalendarQueueHold)->Arg(16)->Arg(1024)->Arg(65536);
// The simulator's calendar: the heap below EventCalendar::kToHeap events, the calendar
// queue above kToCalendar.
void BM_EventCalendarHold(benchmark::State& state) {
  BM_Hold<lbsim::core::EventCalendar>(state);
}
BENCHMARK(BM_EventCalendarHold)->Arg(16)->Arg(1024)->Arg(65536);

}  // namespace
