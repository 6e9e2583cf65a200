#include "evprov/sim/fleet.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <thread>

#include "evprov/common/log.h"
#include "evprov/common/stats.h"

namespace evprov::sim {
namespace {

constexpr std::size_t kMaxFailuresListed = 20;

// One schema per distinct layout, shared by the units that have it.
void ShareSchemas(std::vector<ChargerConfig>& configs) {
  std::vector<std::pair<std::vector<catalog::Evse>, std::shared_ptr<const DeviceModelSchema>>>
      cache;
  for (auto& c : configs) {
    if (c.schema || c.faults.mismatched_layout) continue;
    auto it = std::find_if(cache.begin(), cache.end(),
                           [&](const auto& entry) { return entry.first == c.layout; });
    if (it == cache.end()) {
      auto schema = DeviceModelSchema::Build(c.layout);
      if (!schema.ok()) continue;  // the unit reports it when it opens
      cache.emplace_back(c.layout, *schema);
      it = std::prev(cache.end());
    }
    c.schema = it->second;
  }
}

std::string Ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

}  // namespace

Result<FleetGoal> ParseFleetGoal(std::string_view name) {
  if (name == "connected") return FleetGoal::kConnected;
  if (name == "provisioned") return FleetGoal::kProvisioned;
  return Status::InvalidArgument("--exit-when: must be 'connected' or 'provisioned', not '" +
                                 std::string(name) + "'");
}

std::string_view FleetGoalName(FleetGoal goal) {
  switch (goal) {
    case FleetGoal::kConnected:
      return "connected";
    case FleetGoal::kProvisioned:
      return "provisioned";
  }
  return "connected";
}

bool ReachedGoal(const UnitSnapshot& s, FleetGoal goal) {
  switch (goal) {
    case FleetGoal::kConnected:
      return s.connected && s.registration == Registration::kAccepted;
    case FleetGoal::kProvisioned:
      return s.provisioned || s.step_times.contains(kStepProvisioned);
  }
  return false;
}

StepStats ComputeStepStats(std::vector<std::chrono::milliseconds> durations) {
  StepStats out;
  out.count = durations.size();
  if (durations.empty()) return out;
  out.p50 = Percentile(durations, 0.50);
  out.p95 = Percentile(durations, 0.95);
  out.p99 = Percentile(durations, 0.99);
  out.max = *std::max_element(durations.begin(), durations.end());
  return out;
}

nlohmann::json FleetSummary::ToJson() const {
  nlohmann::json steps_json = nlohmann::json::object();
  for (const auto& [name, s] : steps) {
    steps_json[name] = {{"count", s.count},
                        {"p50_ms", s.p50.count()},
                        {"p95_ms", s.p95.count()},
                        {"p99_ms", s.p99.count()},
                        {"max_ms", s.max.count()}};
  }
  return {{"goal", FleetGoalName(goal)},
          {"units", units},
          {"connected", connected},
          {"provisioned", provisioned},
          {"failed", failed},
          {"elapsed_ms", elapsed.count()},
          {"approximate_bytes_per_unit", approximate_bytes_per_unit},
          {"steps", steps_json},
          {"failures", failures}};
}

std::string FleetSummary::ToText() const {
  std::ostringstream out;
  out << "units: " << units << "  connected: " << connected << "  provisioned: " << provisioned
      << "  failed: " << failed << "  (goal " << FleetGoalName(goal) << ", " << Ms(elapsed)
      << ")\n";
  for (const auto& [name, s] : steps) {
    out << "  " << name << ": " << s.count << " units, p50 " << Ms(s.p50) << ", p95 " << Ms(s.p95)
        << ", p99 " << Ms(s.p99) << ", max " << Ms(s.max) << "\n";
  }
  for (const auto& f : failures) out << "  failed " << f << "\n";
  return out.str();
}

Fleet::Fleet(std::vector<ChargerConfig> configs, FleetOptions options)
    : configs_(std::move(configs)),
      options_(std::move(options)),
      runtime_(std::make_shared<ocpp::Runtime>(std::max(1, options_.threads))) {
  options_.unit.on_progress = nullptr;
  ShareSchemas(configs_);
}

Fleet::~Fleet() {
  Stop();
}

Status Fleet::Start() {
  for (const auto& c : configs_) {
    if (Status s = ValidateConfig(c); !s.ok()) {
      return Status::InvalidArgument("unit '" + c.hardware_id + "': " + s.message());
    }
  }
  start_ = std::chrono::steady_clock::now();
  std::chrono::duration<double> gap{0};
  if (options_.ramp_per_second > 0)
    gap = std::chrono::duration<double>(1.0 / options_.ramp_per_second);
  units_.reserve(configs_.size());
  for (std::size_t i = 0; i < configs_.size(); ++i) {
    if (gap.count() > 0) {
      std::this_thread::sleep_until(start_ +
                                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        gap * static_cast<double>(i)));
    }
    units_.push_back(std::make_unique<Unit>(configs_[i], runtime_, options_.unit));
    EVPROV_TRY(units_.back()->Start());
  }
  log::Info("sim.fleet.started", {{"units", units_.size()}});
  return Status::Ok();
}

bool Fleet::WaitUntil(FleetGoal goal, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto next_progress = std::chrono::steady_clock::now() + options_.progress_interval;
  while (true) {
    bool all = std::all_of(units_.begin(), units_.end(),
                           [&](const auto& u) { return ReachedGoal(u->snapshot(), goal); });
    auto now = std::chrono::steady_clock::now();
    if (all || now >= deadline) {
      if (options_.on_progress) options_.on_progress(Summary(goal));
      return all;
    }
    if (options_.on_progress && now >= next_progress) {
      options_.on_progress(Summary(goal));
      next_progress = now + options_.progress_interval;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(50), deadline - now));
  }
}

FleetSummary Fleet::Summary(FleetGoal goal) const {
  FleetSummary out;
  out.goal = goal;
  out.units = configs_.size();
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start_);
  std::map<std::string, std::vector<std::chrono::milliseconds>> times;
  std::size_t bytes = 0;
  for (const auto& u : units_) {
    UnitSnapshot s = u->snapshot();
    out.connected += ReachedGoal(s, FleetGoal::kConnected) ? 1 : 0;
    out.provisioned += ReachedGoal(s, FleetGoal::kProvisioned) ? 1 : 0;
    bytes += s.approximate_bytes;
    for (const auto& [step, t] : s.step_times) times[step].push_back(t);
    if (!ReachedGoal(s, goal)) {
      ++out.failed;
      if (out.failures.size() < kMaxFailuresListed) {
        out.failures.push_back(s.hardware_id + ": " +
                               (s.last_error.empty()
                                    ? "registration " +
                                          std::string(RegistrationName(s.registration)) +
                                          (s.connected ? ", connected" : ", not connected")
                                    : s.last_error));
      }
    }
  }
  out.failed += configs_.size() - units_.size();  // never started
  if (!units_.empty()) out.approximate_bytes_per_unit = bytes / units_.size();
  for (auto& [step, list] : times) out.steps[step] = ComputeStepStats(std::move(list));
  return out;
}

void Fleet::Stop() {
  if (stopped_ || units_.empty()) return;
  stopped_ = true;
  const auto begin = std::chrono::steady_clock::now();
  // Unit::Stop blocks until that unit is down (its strand drained, its
  // connection closed; bounded). Workers take units from a shared index, so up
  // to stop_threads units close at once and every one is down when all workers
  // are joined. The units themselves stay alive until the Fleet goes.
  std::atomic<std::size_t> next{0};
  auto worker = [this, &next] {
    for (std::size_t i = next.fetch_add(1); i < units_.size(); i = next.fetch_add(1)) {
      units_[i]->Stop();
    }
  };
  const std::size_t wanted =
      std::min(units_.size(), static_cast<std::size_t>(std::max(1, options_.stop_threads)));
  std::vector<std::thread> workers;
  workers.reserve(wanted - 1);
  for (std::size_t k = 1; k < wanted; ++k) {
    try {
      workers.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // fewer threads: the ones there (and this one) take all units
    }
  }
  worker();
  for (auto& t : workers) t.join();
  log::Info("sim.fleet.stopped",
            {{"units", units_.size()},
             {"threads", workers.size() + 1},
             {"elapsed_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - begin)
                                .count()}});
}

}  // namespace evprov::sim
