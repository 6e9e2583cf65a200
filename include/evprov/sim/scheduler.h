// The simulated charger's clock and timers, behind one narrow interface.
//
// The charger's brain never sleeps or reads the system clock directly: it asks
// a Scheduler for the time and for "call me back after d". The transport wires
// a real scheduler (an Asio strand) later; tests use ManualScheduler, whose
// time moves only when the test advances it.
//
// Thread-safety: a Scheduler and everything it calls back run on one thread
// (the charger's strand). ManualScheduler is not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace evprov::sim {

using Clock = std::chrono::system_clock;
using TimerId = std::uint64_t;

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual Clock::time_point Now() const = 0;
  // Runs fn once, no earlier than `delay` from now (0 = after the current
  // handler returns). Returns an id for Cancel.
  virtual TimerId After(Clock::duration delay, std::function<void()> fn) = 0;
  // Cancelling a timer that already ran or never existed is a no-op.
  virtual void Cancel(TimerId id) = 0;
};

// In-memory twin: time starts at `start` and moves only through Advance/RunDue.
class ManualScheduler final : public Scheduler {
 public:
  explicit ManualScheduler(Clock::time_point start = Clock::now()) : now_(start) {}

  Clock::time_point Now() const override { return now_; }
  TimerId After(Clock::duration delay, std::function<void()> fn) override;
  void Cancel(TimerId id) override;

  // Runs every timer due at the current time (including those that due timers
  // schedule with zero delay). Returns how many ran. Bounded: stops after
  // max_runs callbacks so a timer that re-arms itself with delay 0 cannot spin.
  int RunDue(int max_runs = 10000);
  // Moves time forward by `d`, running each timer at its due time, in order.
  int Advance(Clock::duration d, int max_runs = 10000);
  std::size_t pending() const { return timers_.size(); }

 private:
  Clock::time_point now_;
  TimerId next_id_ = 1;
  // (due, id) -> callback; id breaks ties in scheduling order.
  std::map<std::pair<Clock::time_point, TimerId>, std::function<void()>> timers_;
};

}  // namespace evprov::sim
