// A Scheduler over Asio: one steady timer per timer, run on the unit's strand.
//
// Ownership: timers hold a weak reference to the scheduler's state, so a timer
// that fires after Cancel or after the scheduler is gone does nothing.
// Thread-safety: After/Cancel and the callbacks run on the strand; the
// destructor cancels what is left (call it on the strand, or when nothing runs).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "evprov/sim/scheduler.h"

namespace evprov::sim {

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::any_io_executor strand);
  ~AsioScheduler() override;
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  Clock::time_point Now() const override { return Clock::now(); }
  TimerId After(Clock::duration delay, std::function<void()> fn) override;
  void Cancel(TimerId id) override;
  void CancelAll();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace evprov::sim
