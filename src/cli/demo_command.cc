// evprov demo: the main job. A station on a fresh embedded store provisions a
// batch of simulated chargers end to end over OCPP 2.0.1.
//
// 1. Prepare (cli/demo_setup.h): the catalog, CAs, the station's TLS
//    identity, work orders and the registered units, each step shown as the
//    evprov command an operator would type.
// 2. Run: the station in this process; the simulator fleet (evprov-sim
//    fleet) as its own process, as the chargers are other machines.
// 3. Report: progress while it runs, then a table per unit, the per-step
//    timings and where the records are.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cli/command.h"
#include "cli/demo_setup.h"
#include "cli/serve_config.h"
#include "cli/station_runner.h"
#include "evprov/common/process.h"
#include "evprov/units/units.h"
#include "pipeline/journal.h"

#ifndef EVPROV_SOURCE_DIR
#define EVPROV_SOURCE_DIR "."
#endif

namespace evprov::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::ordered_json;

struct DemoArgs {
  DemoPlan plan;
  int boot_delay_ms = 200;
  int timeout_s = 600;
  bool prepare_only = false;
  std::string sim;  // evprov-sim; default: next to this executable
  std::string summary_json;
  int fleet_threads = 2;
  double ramp_per_second = 200;  // unit starts per second; 0: the whole batch at once
  std::string sim_state_dir;     // the chargers' state; default: <dir>/sim
};

// Finished units as the station reports them (any thread).
class Outcomes {
 public:
  void Add(const pipeline::UnitOutcome& o) {
    {
      std::lock_guard lock(mu_);
      by_hardware_id_[o.hardware_id] = o;
    }
    added_.notify_all();
  }
  // Waits until there are at least n outcomes or the timeout passed; the
  // batch's end is then seen when it happens, not at the next poll.
  void WaitFor(std::size_t n, Clock::duration timeout) const {
    std::unique_lock lock(mu_);
    added_.wait_for(lock, timeout, [&] { return by_hardware_id_.size() >= n; });
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return by_hardware_id_.size();
  }
  std::map<std::string, pipeline::UnitOutcome> Copy() const {
    std::lock_guard lock(mu_);
    return by_hardware_id_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable added_;
  std::map<std::string, pipeline::UnitOutcome> by_hardware_id_;
};

// CPU time (user + system) of this process (RUSAGE_SELF) or of its waited-for
// children (RUSAGE_CHILDREN), in milliseconds.
double CpuMs(int who) {
  rusage u{};
  getrusage(who, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

std::string Seconds(Clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
  return buf;
}

// One line: elapsed, ready/failed counts, and where the others are.
std::string ProgressLine(const pipeline::Progress& p, int total, Clock::duration elapsed) {
  auto count = [&](const char* state) {
    auto it = p.units_by_state.find(state);
    return it == p.units_by_state.end() ? std::int64_t{0} : it->second;
  };
  std::string line = "[" + Seconds(elapsed) + "] ready " + std::to_string(count("ready")) + "/" +
                     std::to_string(total) + ", failed " + std::to_string(count("failed"));
  std::string steps;
  for (const auto& [step, n] : p.units_by_step) {
    if (n > 0) steps += " " + step + ":" + std::to_string(n);
  }
  if (!steps.empty()) line += " | in progress" + steps;
  return line;
}

Result<ordered_json> UnitTable(Context& ctx,
                               const std::map<std::string, pipeline::UnitOutcome>& done) {
  return FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
    EVPROV_ASSIGN_OR_RETURN(auto all, units::ListUnits(tx, {}, 10000));
    ordered_json rows = ordered_json::array();
    for (const auto& u : all) {
      auto it = done.find(u.hardware_id);
      std::string time = it == done.end() ? "" : Seconds(it->second.elapsed);
      std::string result = std::string(units::UnitStateName(u.state));
      if (u.failure_reason) result += " (" + u.step.value_or("") + ": " + *u.failure_reason + ")";
      rows.push_back({{"unit", u.hardware_id},
                      {"order", u.work_order_id.value_or("")},
                      {"serial", u.serial.value_or("")},
                      {"charger_id", u.charger_id.value_or("")},
                      {"result", result},
                      {"time", time}});
    }
    return rows;
  });
}

ordered_json StepTable(const pipeline::Progress& p) {
  ordered_json rows = ordered_json::array();
  for (const auto& [step, s] : p.steps) {
    char p50[16], p95[16], p99[16];
    std::snprintf(p50, sizeof p50, "%.1f", s.p50_ms);
    std::snprintf(p95, sizeof p95, "%.1f", s.p95_ms);
    std::snprintf(p99, sizeof p99, "%.1f", s.p99_ms);
    rows.push_back({{"step", step},
                    {"done", s.done},
                    {"retried", s.retried},
                    {"failed", s.failed},
                    {"p50_ms", p50},
                    {"p95_ms", p95},
                    {"p99_ms", p99}});
  }
  return rows;
}

std::int64_t ReadyCount(const std::map<std::string, pipeline::UnitOutcome>& done) {
  return std::count_if(done.begin(), done.end(),
                       [](const auto& kv) { return kv.second.state == "ready"; });
}

// Units whose seal is journaled.
std::int64_t SealedCount(Context& ctx) {
  auto n = FetchJson(ctx, store::TxMode::kRead, [](store::Transaction& tx) -> Result<ordered_json> {
    EVPROV_ASSIGN_OR_RETURN(std::int64_t sealed, pipeline::CountSealedUnits(tx));
    return ordered_json(sealed);
  });
  return n.ok() ? n->get<std::int64_t>() : 0;
}

// Where the simulated chargers keep their state.
std::string SimStateDir(const DemoArgs& a, const DemoFiles& f) {
  return a.sim_state_dir.empty() ? f.dir + "/sim" : a.sim_state_dir;
}

Result<ChildProcess> StartFleet(const DemoArgs& a, const DemoFiles& f) {
  std::string sim = a.sim.empty() ? ExecutableDir() + "/evprov-sim" : a.sim;
  if (!fs::exists(sim)) {
    return Status::NotFound("demo: the simulator '" + sim +
                            "' was not found (build it: ninja -C build evprov-sim, or --sim PATH)");
  }
  return ChildProcess::Start(
      {sim, "fleet", "--manifest", f.manifest_file, "--factory-url", f.factory_url, "--trust",
       f.trust_file, "--state-root", SimStateDir(a, f), "--boot-delay-ms",
       std::to_string(a.boot_delay_ms), "--threads", std::to_string(a.fleet_threads),
       "--ramp-per-second", std::to_string(a.ramp_per_second), "--json"},
      {.stdout_file = f.dir + "/fleet-summary.json", .stderr_file = f.dir + "/fleet.log"});
}

Status RunDemo(Context& ctx, DemoArgs& a) {
  if (a.plan.dir.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "evprov-demo-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return Status::Internal("demo: cannot create a temporary directory");
    }
    a.plan.dir = tmpl;
  }
  std::cout << "evprov demo: preparing the factory in " << a.plan.dir << "\n";
  EVPROV_ASSIGN_OR_RETURN(DemoFiles f, PrepareDemo(a.plan, [](const std::string& line) {
                            std::cout << "  " << line << "\n" << std::flush;
                          }));
  if (a.prepare_only) {
    PrintObject(ctx, {{"dir", f.dir},
                      {"store", f.store_url},
                      {"config", f.config_file},
                      {"manifest", f.manifest_file},
                      {"trust", f.trust_file},
                      {"factory_url", f.factory_url},
                      {"softhsm_conf", f.softhsm_conf},
                      {"staging_units", f.staging_units},
                      {"production_units", f.production_units}});
    return Status::Ok();
  }
  const int total = f.staging_units + f.production_units;
  EVPROV_ASSIGN_OR_RETURN(ServeConfig config, LoadServeConfigFile(f.config_file));
  ctx.store_url = config.store;
  EVPROV_ASSIGN_OR_RETURN(store::Store * store, ctx.OpenMigratedStore());
  Outcomes outcomes;
  EVPROV_ASSIGN_OR_RETURN(
      RunningStation running,
      StartStation(config, *store, [&](const pipeline::UnitOutcome& o) { outcomes.Add(o); }));
  std::cout << "\nstation: factory endpoint " << running.station->factory_url() << "\n"
            << "fleet:   " << total
            << " simulated chargers (evprov-sim fleet, its own process)\n\n";
  const auto start = Clock::now();
  const double station_cpu_start = CpuMs(RUSAGE_SELF);
  const double children_cpu_start = CpuMs(RUSAGE_CHILDREN);
  EVPROV_ASSIGN_OR_RETURN(ChildProcess fleet, StartFleet(a, f));
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last_line = Clock::time_point{};
  const auto deadline = start + std::chrono::seconds(a.timeout_s);
  while (static_cast<int>(outcomes.size()) < total && Clock::now() < deadline && fleet.running()) {
    outcomes.WaitFor(static_cast<std::size_t>(total), std::chrono::milliseconds(250));
    auto now = Clock::now();
    if (tty || now - last_line >= std::chrono::seconds(2)) {
      std::cerr << (tty ? "\r" : "")
                << ProgressLine(running.station->progress(), total, now - start)
                << (tty ? "\033[K" : "\n") << std::flush;
      last_line = now;
    }
  }
  const auto elapsed = Clock::now() - start;
  std::cerr << (tty ? "\r" : "") << ProgressLine(running.station->progress(), total, elapsed)
            << (tty ? "\033[K\n" : "\n");
  // The seal (the validation profile and root removed) follows `ready`: let
  // it reach every ready unit before the chargers go away.
  for (int i = 0; i < 100 && SealedCount(ctx) < ReadyCount(outcomes.Copy()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  fleet.Signal(SIGTERM);
  if (!fleet.Wait(std::chrono::seconds(10))) fleet.Signal(SIGKILL);
  fleet.Wait(std::chrono::seconds(5));
  const pipeline::Progress progress = running.station->progress();
  running.station->Stop();
  // Per unit, from the fleet's start: what the station (this process) and the
  // fleet (a child, waited for above) spent.
  const double station_cpu_ms = CpuMs(RUSAGE_SELF) - station_cpu_start;
  const double fleet_cpu_ms = CpuMs(RUSAGE_CHILDREN) - children_cpu_start;

  auto done = outcomes.Copy();
  EVPROV_ASSIGN_OR_RETURN(ordered_json units, UnitTable(ctx, done));
  const auto ready = ReadyCount(done);
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::cout << "\n";
  if (total <= 200 || ctx.json) {
    PrintListing(ctx, {"unit", "order", "serial", "charger_id", "result", "time"}, units);
  }
  std::cout << "\nper step (successful attempts, milliseconds):\n";
  ordered_json steps = StepTable(progress);
  PrintListing(ctx, {"step", "done", "retried", "failed", "p50_ms", "p95_ms", "p99_ms"}, steps);
  char rate[96];
  std::snprintf(rate, sizeof rate, "%.1f units/s", seconds > 0 ? ready / seconds : 0.0);
  std::cout << "\n"
            << ready << " of " << total << " units ready in " << Seconds(elapsed) << " (" << rate
            << ")\n";
  std::snprintf(rate, sizeof rate, "%.1f ms station + %.1f ms fleet", station_cpu_ms / total,
                fleet_cpu_ms / total);
  std::cout << "CPU per unit: " << rate << "\n"
            << "records:  " << f.dir << "/evprov.db\n"
            << "  evprov --store " << f.dir << "/evprov.db unit list | unit show HW-S-000001"
            << " | audit verify\n"
            << "fleet:    " << f.dir << "/fleet-summary.json, " << f.dir << "/fleet.log\n"
            << "chargers: " << SimStateDir(a, f) << " (each one's state)\n";
  if (!a.summary_json.empty()) {
    ordered_json summary = {{"units", total},
                            {"ready", ready},
                            {"seconds", seconds},
                            {"units_per_second", seconds > 0 ? ready / seconds : 0.0},
                            {"steps", steps},
                            {"dir", f.dir},
                            {"station_cpu_ms_per_unit", station_cpu_ms / total},
                            {"fleet_cpu_ms_per_unit", fleet_cpu_ms / total}};
    std::ofstream(a.summary_json) << summary.dump(2) << "\n";
  }
  if (ready != total) {
    return Status::FailedPrecondition("demo: " + std::to_string(total - ready) + " of " +
                                      std::to_string(total) + " units did not end ready");
  }
  return Status::Ok();
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<DemoArgs>();
  a->plan.catalog = std::string(EVPROV_SOURCE_DIR) + "/examples/catalog";
  auto* demo = app.add_subcommand(
      "demo", "Provision a batch of simulated chargers end to end on a temporary store");
  demo->add_option("--units", a->plan.units, "How many chargers")->check(CLI::Range(1, 10000));
  demo->add_option("--env", a->plan.environments, "staging | production | both (alternating)");
  demo->add_option("--dir", a->plan.dir, "Where to keep everything (default: a new temp dir)");
  demo->add_option("--catalog", a->plan.catalog, "The catalog to import")
      ->check(CLI::ExistingDirectory);
  demo->add_option("--boot-delay-ms", a->boot_delay_ms, "Simulated reboot time of a charger")
      ->check(CLI::Range(0, 60000));
  demo->add_option("--timeout", a->timeout_s, "Give up after N seconds")
      ->check(CLI::Range(1, 86400));
  demo->add_option("--fault", a->plan.faults,
                   "Simulator fault flags for every unit (';'-separated)");
  demo->add_option("--sim", a->sim, "The evprov-sim executable (default: next to evprov)");
  demo->add_option("--fleet-threads", a->fleet_threads, "Threads of the simulator fleet")
      ->check(CLI::Range(1, 64));
  demo->add_option("--ramp-per-second", a->ramp_per_second,
                   "Charger starts per second (0: the whole batch at once)")
      ->check(CLI::Range(0.0, 100000.0));
  demo->add_option("--sim-state-dir", a->sim_state_dir,
                   "Where the simulated chargers keep their state (default: <dir>/sim)");
  demo->add_option("--summary-json", a->summary_json, "Also write the summary there as JSON");
  demo->add_flag("--prepare-only", a->prepare_only,
                 "Only prepare the directory (store, CAs, units, station.yaml, manifest)");
  demo->callback(Run(ctx, [&ctx, a] { return RunDemo(ctx, *a); }));
}

}  // namespace evprov::cli
