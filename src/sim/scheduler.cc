#include "evprov/sim/scheduler.h"

#include <algorithm>

namespace evprov::sim {

TimerId ManualScheduler::After(Clock::duration delay, std::function<void()> fn) {
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(now_ + std::max(delay, Clock::duration::zero()), id),
                  std::move(fn));
  return id;
}

void ManualScheduler::Cancel(TimerId id) {
  std::erase_if(timers_, [id](const auto& entry) { return entry.first.second == id; });
}

int ManualScheduler::RunDue(int max_runs) {
  return Advance(Clock::duration::zero(), max_runs);
}

int ManualScheduler::Advance(Clock::duration d, int max_runs) {
  const Clock::time_point until = now_ + d;
  int runs = 0;
  while (runs < max_runs && !timers_.empty() && timers_.begin()->first.first <= until) {
    auto node = timers_.extract(timers_.begin());
    now_ = std::max(now_, node.key().first);
    ++runs;
    node.mapped()();
  }
  if (runs < max_runs) now_ = until;
  return runs;
}

}  // namespace evprov::sim
