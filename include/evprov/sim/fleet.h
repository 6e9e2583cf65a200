// Many simulated chargers in one process (evprov-sim fleet): N independent
// Units on one shared ocpp::Runtime (a few threads), each with its own state
// directory, started at a bounded rate, with a summary of how far they got.
//
// Units of the same EVSE layout share one DeviceModelSchema (the per-unit
// cost is then the values, the state and the connection).
//
// Ownership: a Fleet owns its Units and the Runtime. Destroying it stops them.
// Thread-safety: Start/WaitUntil/Summary/Stop from one thread that is not a
// runtime thread; snapshot() from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/sim/charger.h"
#include "evprov/sim/unit.h"

namespace evprov::sim {

enum class FleetGoal {
  kConnected,    // connected with BootNotification Accepted (factory or not)
  kProvisioned,  // UnitSnapshot::provisioned, now or earlier (a sealed unit
                 // that later cannot reach its field CSMS stays counted)
};
Result<FleetGoal> ParseFleetGoal(std::string_view name);
std::string_view FleetGoalName(FleetGoal goal);
bool ReachedGoal(const UnitSnapshot& s, FleetGoal goal);

struct StepStats {
  std::size_t count = 0;  // units that reached the step
  std::chrono::milliseconds p50{0}, p95{0}, p99{0}, max{0};
};

struct FleetSummary {
  FleetGoal goal = FleetGoal::kConnected;
  std::size_t units = 0;
  std::size_t connected = 0;    // connected now, registration Accepted
  std::size_t provisioned = 0;  // units that reached kProvisioned
  std::size_t failed = 0;       // did not reach the goal (before the timeout, or could not start)
  std::map<std::string, StepStats> steps;      // by step name (unit.h kStep*)
  std::chrono::milliseconds elapsed{0};        // since Start
  std::size_t approximate_bytes_per_unit = 0;  // mean Charger::ApproximateBytes
  std::vector<std::string> failures;  // "<hardware_id>: <last error or state>", the first 20

  nlohmann::json ToJson() const;
  std::string ToText() const;
};

// Nearest-rank percentiles of the durations (empty: zeros).
StepStats ComputeStepStats(std::vector<std::chrono::milliseconds> durations);

struct FleetOptions {
  int threads = 2;               // Runtime threads
  double ramp_per_second = 200;  // unit starts per second; <= 0: all at once
  UnitOptions unit;              // on_progress is ignored (the fleet reports)
  std::chrono::milliseconds progress_interval{1000};
  std::function<void(const FleetSummary&)> on_progress;  // on the waiting thread
  int stop_threads = 64;  // Stop closes up to this many units at once
};

class Fleet {
 public:
  Fleet(std::vector<ChargerConfig> configs, FleetOptions options);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // Starts the units at ramp_per_second (blocks for the ramp). A unit whose
  // config is invalid fails the whole start, naming the unit.
  Status Start();
  // Waits until every unit reached goal (true) or the timeout passed (false),
  // reporting progress every progress_interval.
  bool WaitUntil(FleetGoal goal, std::chrono::milliseconds timeout);
  FleetSummary Summary(FleetGoal goal) const;
  // Stops every unit, up to stop_threads at once (each Unit::Stop is bounded),
  // and returns when all of them are down: connections closed, no handler of
  // theirs pending. The units stay (snapshots) until the Fleet is destroyed.
  // Idempotent; the destructor calls it.
  void Stop();

  std::size_t size() const { return units_.size(); }
  UnitSnapshot snapshot(std::size_t i) const { return units_.at(i)->snapshot(); }

 private:
  std::vector<ChargerConfig> configs_;
  FleetOptions options_;
  std::shared_ptr<ocpp::Runtime> runtime_;
  std::vector<std::unique_ptr<Unit>> units_;
  std::chrono::steady_clock::time_point start_;
  bool stopped_ = false;
};

}  // namespace evprov::sim
