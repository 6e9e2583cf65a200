#include "sim/asio_scheduler.h"

#include <boost/asio/steady_timer.hpp>
#include <map>

namespace evprov::sim {

struct AsioScheduler::State {
  boost::asio::any_io_executor strand;
  TimerId next_id = 1;
  std::map<TimerId, std::shared_ptr<boost::asio::steady_timer>> timers;
};

AsioScheduler::AsioScheduler(boost::asio::any_io_executor strand)
    : state_(std::make_shared<State>()) {
  state_->strand = std::move(strand);
}

AsioScheduler::~AsioScheduler() {
  CancelAll();
}

TimerId AsioScheduler::After(Clock::duration delay, std::function<void()> fn) {
  TimerId id = state_->next_id++;
  auto timer = std::make_shared<boost::asio::steady_timer>(state_->strand);
  timer->expires_after(std::max(delay, Clock::duration::zero()));
  state_->timers.emplace(id, timer);
  std::weak_ptr<State> weak = state_;
  timer->async_wait([weak, id, f = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;
    auto state = weak.lock();
    if (!state) return;
    // Cancelled after it expired but before it ran: the entry is gone.
    if (state->timers.erase(id) == 0) return;
    f();
  });
  return id;
}

void AsioScheduler::Cancel(TimerId id) {
  auto it = state_->timers.find(id);
  if (it == state_->timers.end()) return;
  it->second->cancel();
  state_->timers.erase(it);
}

void AsioScheduler::CancelAll() {
  for (auto& [id, timer] : state_->timers) timer->cancel();
  state_->timers.clear();
}

}  // namespace evprov::sim
