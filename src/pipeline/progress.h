// The station's counters: units per state and per step, step outcomes and
// durations (for p50/p95/p99). Fed by the runners, read by Station::progress.
//
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/stats.h"
#include "evprov/pipeline/station.h"

namespace evprov::pipeline {

class ProgressTracker {
 public:
  void UnitState(std::int64_t unit_id, std::string_view state, std::string_view step);
  void StepDone(std::string_view step, std::chrono::milliseconds took);
  void StepFailed(std::string_view step, bool retried);
  Progress Snapshot(std::int64_t connections) const;
  // The time the tracker first saw the unit (now if never).
  std::chrono::steady_clock::time_point FirstSeen(std::int64_t unit_id);

 private:
  struct UnitEntry {
    std::string state;
    std::string step;
    std::chrono::steady_clock::time_point first_seen;
  };
  struct StepEntry {
    StepStats stats;
    std::vector<double> durations_ms;
  };
  mutable std::mutex mu_;
  std::map<std::int64_t, UnitEntry> units_;
  std::map<std::string, StepEntry, std::less<>> steps_;
};

}  // namespace evprov::pipeline
