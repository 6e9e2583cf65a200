#include "pipeline/progress.h"

#include <algorithm>
#include <cmath>

namespace evprov::pipeline {

void ProgressTracker::UnitState(std::int64_t unit_id, std::string_view state,
                                std::string_view step) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = units_.try_emplace(unit_id);
  if (inserted) it->second.first_seen = std::chrono::steady_clock::now();
  it->second.state = state;
  it->second.step = step;
}

std::chrono::steady_clock::time_point ProgressTracker::FirstSeen(std::int64_t unit_id) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = units_.try_emplace(unit_id);
  if (inserted) it->second.first_seen = std::chrono::steady_clock::now();
  return it->second.first_seen;
}

void ProgressTracker::StepDone(std::string_view step, std::chrono::milliseconds took) {
  std::lock_guard lock(mu_);
  auto& e = steps_[std::string(step)];
  ++e.stats.done;
  e.durations_ms.push_back(static_cast<double>(took.count()));
}

void ProgressTracker::StepFailed(std::string_view step, bool retried) {
  std::lock_guard lock(mu_);
  auto& e = steps_[std::string(step)];
  if (retried) {
    ++e.stats.retried;
  } else {
    ++e.stats.failed;
  }
}

Progress ProgressTracker::Snapshot(std::int64_t connections) const {
  std::lock_guard lock(mu_);
  Progress p;
  p.connections = connections;
  for (const auto& [id, u] : units_) {
    if (u.state.empty()) continue;
    ++p.units_by_state[u.state];
    if (u.state == "provisioning") ++p.units_by_step[u.step];
  }
  for (const auto& [name, e] : steps_) {
    StepStats s = e.stats;
    s.p50_ms = Percentile(e.durations_ms, 0.50);
    s.p95_ms = Percentile(e.durations_ms, 0.95);
    s.p99_ms = Percentile(e.durations_ms, 0.99);
    p.steps[name] = s;
  }
  return p;
}

}  // namespace evprov::pipeline
