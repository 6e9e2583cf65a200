#include "evprov/sim/cli.h"

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <functional>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "evprov/common/hex.h"
#include "evprov/common/log.h"
#include "evprov/sim/fleet.h"
#include "evprov/sim/manifest.h"
#include "evprov/sim/unit.h"
#include "sim/cli_config.h"

namespace evprov::sim::cli {
namespace {

std::atomic<bool> g_signalled{false};
extern "C" void OnSignal(int /*signal*/) {
  g_signalled.store(true);
}

// Installs SIGINT/SIGTERM handlers for its lifetime.
class SignalScope {
 public:
  SignalScope() {
    g_signalled.store(false);
    old_int_ = std::signal(SIGINT, OnSignal);
    old_term_ = std::signal(SIGTERM, OnSignal);
  }
  ~SignalScope() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  void (*old_int_)(int) = nullptr;
  void (*old_term_)(int) = nullptr;
};

struct Common {
  UnitDefaults defaults;
  std::string bootstrap_secret_env;
  std::string bootstrap_secret_file;
  std::string exit_when;
  int timeout_s = 0;
  bool json = false;
};

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--variant", c.defaults.variant_file, "Catalog variant file (YAML)");
  cmd->add_option("--factory-url", c.defaults.factory_url,
                  "The station: ws(s)://host:port/path (the identity is appended)")
      ->required();
  cmd->add_option("--trust", c.defaults.trust_file, "CA bundle that verifies the station (wss)");
  cmd->add_option("--bootstrap-secret-env", c.bootstrap_secret_env,
                  "Name of the environment variable holding the bootstrap secret");
  cmd->add_option("--bootstrap-secret-file", c.bootstrap_secret_file,
                  "File holding the bootstrap secret");
  cmd->add_option("--vendor", c.defaults.vendor_name, "Vendor name (default: the variant's)");
  cmd->add_option("--model", c.defaults.model, "Model (default: the variant's)");
  cmd->add_option("--hardware-revision", c.defaults.hardware_revision, "Hardware revision");
  cmd->add_option("--firmware-version", c.defaults.firmware_version, "Firmware version");
  cmd->add_option("--boot-delay-ms", c.defaults.boot_delay_ms, "Reboot delay")
      ->check(CLI::Range(0, 600000));
  cmd->add_option("--report-part-bytes", c.defaults.report_part_bytes,
                  "Largest NotifyReport part, in bytes (default " +
                      std::to_string(kDefaultReportPartBytes) + ")")
      ->check(CLI::Range(kMinReportPartBytes, std::size_t{16} << 20));
  cmd->add_option("--tpm-tcti", c.defaults.tpm_tcti,
                  "Keep station keys in a TPM (tpm2-openssl TCTI, e.g. swtpm:port=2321)");
  cmd->add_option("--fault", c.defaults.faults, "Fault to inject (repeatable), e.g. drop-at=Reset");
  cmd->add_option("--exit-when", c.exit_when, "Stop when: connected | provisioned");
  cmd->add_option("--timeout", c.timeout_s, "With --exit-when: give up after N seconds")
      ->check(CLI::Range(1, 86400));
  cmd->add_flag("--json", c.json, "Print the result as JSON");
}

// The secret the options name, if any.
Result<std::string> OptionSecret(const Common& c) {
  if (!c.bootstrap_secret_env.empty() && !c.bootstrap_secret_file.empty()) {
    return Status::InvalidArgument(
        "--bootstrap-secret-env and --bootstrap-secret-file: give one, not both");
  }
  if (!c.bootstrap_secret_env.empty()) return SecretFromEnv(c.bootstrap_secret_env);
  if (!c.bootstrap_secret_file.empty()) return SecretFromFile(c.bootstrap_secret_file);
  return std::string();
}

Status CheckCommon(const Common& c) {
  for (const auto& f : c.defaults.faults) {
    auto parsed = ParseFaults({f});
    if (!parsed.ok()) return Status::InvalidArgument("--fault: " + parsed.status().message());
  }
  if (!c.exit_when.empty()) {
    EVPROV_TRY(ParseFleetGoal(c.exit_when).status());
    if (c.timeout_s == 0) return Status::InvalidArgument("--exit-when: needs --timeout");
  }
  if (!c.defaults.tpm_tcti.empty()) EVPROV_TRY(InitTpmKeys(c.defaults.tpm_tcti));
  return Status::Ok();
}

std::chrono::milliseconds Timeout(const Common& c) {
  return c.timeout_s > 0 ? std::chrono::milliseconds(std::int64_t{c.timeout_s} * 1000)
                         : std::chrono::milliseconds::max();
}

nlohmann::json SnapshotJson(const UnitSnapshot& s) {
  nlohmann::json steps = nlohmann::json::object();
  for (const auto& [name, t] : s.step_times) steps[name + "_ms"] = t.count();
  return {{"hardware_id", s.hardware_id},
          {"connected", s.connected},
          {"registration", RegistrationName(s.registration)},
          {"factory_mode", s.factory_mode},
          {"provisioned", s.provisioned},
          {"serial", s.serial},
          {"identity", s.identity},
          {"security_profile", s.security_profile},
          {"slot", s.slot},
          {"boot_count", s.boot_count},
          {"crashes", s.crashes},
          {"connections", s.connections},
          {"steps", steps},
          {"last_error", s.last_error}};
}

std::string ProgressLine(const UnitSnapshot& s) {
  std::ostringstream out;
  out << "evprov-sim: " << s.hardware_id << (s.connected ? " connected" : " not connected")
      << " slot " << s.slot << " registration " << RegistrationName(s.registration)
      << (s.factory_mode ? " factory-mode" : "") << (s.provisioned ? " PROVISIONED" : "")
      << " boots " << s.boot_count;
  if (!s.last_error.empty()) out << " (last error: " << s.last_error << ")";
  return out.str();
}

// Waits for the goal, the timeout or a signal, calling progress about once a
// second and at the end. Returns the exit code.
int WaitForEnd(const Common& c, const std::function<bool()>& reached,
               const std::function<void()>& progress = nullptr) {
  auto deadline = c.timeout_s > 0 ? std::chrono::steady_clock::now() + Timeout(c)
                                  : std::chrono::steady_clock::time_point::max();
  auto next_progress = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  int code = 0;
  while (!g_signalled.load()) {
    if (!c.exit_when.empty() && reached()) break;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      code = 1;
      break;
    }
    if (progress && now >= next_progress) {
      progress();
      next_progress = now + std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (progress) progress();
  return code;
}

// --- run -------------------------------------------------------------------------

struct RunArgs {
  Common common;
  ManifestRow row;
  std::string idevid_cert, idevid_key, state_dir;
};

Status Run(RunArgs& a, int& exit_code) {
  EVPROV_TRY(CheckCommon(a.common));
  EVPROV_ASSIGN_OR_RETURN(a.row.bootstrap_secret, OptionSecret(a.common));
  a.row.idevid_cert = a.idevid_cert;
  a.row.idevid_key = a.idevid_key;
  bool idevid = !a.idevid_cert.empty() || !a.idevid_key.empty();
  if (idevid && (a.idevid_cert.empty() || a.idevid_key.empty())) {
    return Status::InvalidArgument("--idevid-cert and --idevid-key: give both");
  }
  if (idevid == !a.row.bootstrap_secret.empty()) {
    return Status::InvalidArgument(
        "authentication: give --bootstrap-secret-env/--bootstrap-secret-file or --idevid-cert + "
        "--idevid-key (exactly one)");
  }
  VariantCache variants;
  EVPROV_ASSIGN_OR_RETURN(ChargerConfig config, BuildConfig(a.row, a.common.defaults, variants));
  config.state_dir = a.state_dir;
  EVPROV_TRY(ValidateConfig(config));

  UnitOptions options;
  options.on_progress = [](const UnitSnapshot& s) { std::cerr << ProgressLine(s) << "\n"; };
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  SignalScope signals;
  Unit unit(std::move(config), runtime, options);
  EVPROV_TRY(unit.Start());
  FleetGoal goal = FleetGoal::kProvisioned;
  if (!a.common.exit_when.empty()) goal = *ParseFleetGoal(a.common.exit_when);
  exit_code = WaitForEnd(a.common, [&] { return ReachedGoal(unit.snapshot(), goal); });
  unit.Stop();
  UnitSnapshot s = unit.snapshot();
  if (a.common.json) {
    std::cout << SnapshotJson(s).dump(2) << "\n";
  } else {
    std::cout << ProgressLine(s).substr(std::string("evprov-sim: ").size()) << "\n";
  }
  if (exit_code != 0) {
    std::cerr << "evprov-sim: " << a.row.hardware_id << " did not reach '" << a.common.exit_when
              << "' within " << a.common.timeout_s << "s\n";
  }
  return Status::Ok();
}

// --- fleet -----------------------------------------------------------------------

struct FleetArgs {
  Common common;
  int count = 0;
  std::string manifest;
  std::string prefix = "SIM-";
  std::string state_root;
  int threads = 2;
  double ramp = 200;
};

std::string RandomSecret() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string raw(16, '\0');
  for (auto& ch : raw) ch = static_cast<char>(rng() & 0xff);
  return HexEncode(raw);
}

Result<std::vector<ManifestRow>> FleetRows(const FleetArgs& a) {
  if ((a.count > 0) == !a.manifest.empty()) {
    return Status::InvalidArgument("fleet: give --count N or --manifest FILE (exactly one)");
  }
  if (!a.manifest.empty()) return LoadManifest(a.manifest);
  EVPROV_ASSIGN_OR_RETURN(std::string shared, OptionSecret(a.common));
  std::vector<ManifestRow> rows;
  for (int i = 1; i <= a.count; ++i) {
    ManifestRow r;
    std::ostringstream id;
    id << a.prefix << std::setw(5) << std::setfill('0') << i;
    r.hardware_id = id.str();
    // Generated units are for load tests against a server that accepts any
    // secret: without --bootstrap-secret-env each gets a random one.
    r.bootstrap_secret = shared.empty() ? RandomSecret() : shared;
    rows.push_back(std::move(r));
  }
  return rows;
}

Status RunFleet(FleetArgs& a, int& exit_code) {
  EVPROV_TRY(CheckCommon(a.common));
  EVPROV_ASSIGN_OR_RETURN(auto rows, FleetRows(a));
  VariantCache variants;
  std::vector<ChargerConfig> configs;
  for (const auto& row : rows) {
    auto config = BuildConfig(row, a.common.defaults, variants);
    if (!config.ok()) {
      std::string where = a.manifest.empty() ? "" : a.manifest + " ";
      return Status::InvalidArgument(where + config.status().message());
    }
    config->state_dir = a.state_root + "/" + row.hardware_id;
    if (Status s = ValidateConfig(*config); !s.ok()) {
      return Status::InvalidArgument(a.manifest + " row " + std::to_string(row.row) + ": " +
                                     s.message());
    }
    configs.push_back(std::move(*config));
  }
  FleetGoal goal = FleetGoal::kProvisioned;
  if (!a.common.exit_when.empty()) goal = *ParseFleetGoal(a.common.exit_when);
  FleetOptions options;
  options.threads = a.threads;
  options.ramp_per_second = a.ramp;
  SignalScope signals;
  Fleet fleet(std::move(configs), options);
  EVPROV_TRY(fleet.Start());
  auto reached = [&] {
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      if (!ReachedGoal(fleet.snapshot(i), goal)) return false;
    }
    return true;
  };
  auto progress = [&] {
    FleetSummary s = fleet.Summary(goal);
    std::cerr << "evprov-sim: " << s.connected << "/" << s.units << " connected, " << s.provisioned
              << " provisioned, " << s.elapsed.count() / 1000 << "s\n";
  };
  exit_code = WaitForEnd(a.common, reached, progress);
  FleetSummary summary = fleet.Summary(goal);
  fleet.Stop();
  std::cout << (a.common.json ? summary.ToJson().dump(2) + "\n" : summary.ToText());
  return Status::Ok();
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"evprov-sim: OCPP 2.0.1 charging station simulator (one unit or a fleet)",
               "evprov-sim"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "debug|info|warn|error (JSON lines on stderr)");

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run one charger");
  AddCommon(run_cmd, run.common);
  run_cmd->add_option("--hardware-id", run.row.hardware_id, "The controller's hardware ID")
      ->required();
  run_cmd->add_option("--idevid-cert", run.idevid_cert, "IDevID certificate (PEM) for mTLS");
  run_cmd->add_option("--idevid-key", run.idevid_key, "IDevID private key (PEM)");
  run_cmd->add_option("--state-dir", run.state_dir, "The unit's state directory")->required();
  run_cmd->add_option("--serial", run.row.serial, "Pre-set serial number");
  run_cmd->add_option("--iccid", run.row.iccid, "Modem ICCID");
  run_cmd->add_option("--imsi", run.row.imsi, "Modem IMSI");

  FleetArgs fleet;
  CLI::App* fleet_cmd = app.add_subcommand("fleet", "Run many chargers in one process");
  AddCommon(fleet_cmd, fleet.common);
  fleet_cmd->add_option("--count", fleet.count, "Generate N units")->check(CLI::Range(1, 100000));
  fleet_cmd->add_option("--manifest", fleet.manifest, "Units from a CSV or JSON manifest");
  fleet_cmd->add_option("--hardware-id-prefix", fleet.prefix, "Prefix of generated IDs");
  fleet_cmd->add_option("--state-root", fleet.state_root, "Per-unit state dirs go under it")
      ->required();
  fleet_cmd->add_option("--threads", fleet.threads, "Runtime threads")->check(CLI::Range(1, 64));
  fleet_cmd->add_option("--ramp-per-second", fleet.ramp, "Unit starts per second (0: all at once)")
      ->check(CLI::Range(0.0, 100000.0));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "evprov-sim: " << e.what() << " (see --help)\n";
    return 2;
  }
  log::Level level;
  if (!log::ParseLevel(log_level, &level)) {
    std::cerr << "evprov-sim: --log-level: must be debug, info, warn or error\n";
    return 2;
  }
  log::SetLevel(level);

  int exit_code = 0;
  Status s = run_cmd->parsed() ? Run(run, exit_code) : RunFleet(fleet, exit_code);
  if (!s.ok()) {
    std::cerr << "evprov-sim: " << s.message() << "\n";
    return s.code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  return exit_code;
}

}  // namespace evprov::sim::cli
