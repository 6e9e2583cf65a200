// evprov serve: run a station (factory and validation endpoints) until
// SIGINT/SIGTERM. Configuration: cli/serve_config.h, docs/operations.md.
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/serve_config.h"
#include "cli/station_runner.h"
#include "evprov/common/log.h"

namespace evprov::cli {
namespace {

struct ServeArgs {
  std::string config;
  std::string host;
  std::string listen;
  int bootstrap_port = -1;
  std::string ports_file;
};

// Written to a temporary name and renamed, so a reader never sees half a file.
Status WritePortsFile(const std::string& path, const pipeline::Station& station,
                      const ServeConfig& c) {
  nlohmann::json ports = {{"factory", station.factory_port()},
                          {"idevid", station.idevid_port()},
                          {"factory_url", station.factory_url()},
                          {"pid", static_cast<long>(getpid())}};
  for (const auto& v : c.validation) {
    ports["validation"][v.environment] = station.validation_port(v.environment);
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    f << ports.dump() << "\n";
    if (!f.flush()) return Status::Unavailable("--ports-file: cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("--ports-file: " + path + ": " + ec.message());
  return Status::Ok();
}

Status Serve(Context& ctx, const ServeArgs& a) {
  EVPROV_ASSIGN_OR_RETURN(ServeConfig config, LoadServeConfigFile(a.config));
  if (!a.host.empty()) config.host_name = a.host;
  if (!a.listen.empty()) config.listen_address = a.listen;
  if (a.bootstrap_port >= 0) config.factory_bootstrap_port = a.bootstrap_port;
  if (!a.ports_file.empty()) config.ports_file = a.ports_file;
  if (ctx.store_explicit || config.store.empty()) config.store = ctx.store_url;
  ctx.store_url = config.store;
  EVPROV_TRY(CheckServeConfig(config));
  EVPROV_ASSIGN_OR_RETURN(store::Store * store, ctx.OpenMigratedStore());

  // Block the stop signals before any thread exists, so every thread inherits
  // the mask and only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  EVPROV_ASSIGN_OR_RETURN(RunningStation running, StartStation(config, *store));
  pipeline::Station& station = *running.station;
  if (!config.ports_file.empty()) EVPROV_TRY(WritePortsFile(config.ports_file, station, config));
  log::Info("station.serving", {{"factory_url", station.factory_url()},
                                {"store", config.store},
                                {"environments", config.validation.size()}});
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::Info("station.stopping", {{"signal", signal_number}});
  station.Stop();
  return Status::Ok();
}

}  // namespace

void RegisterServeCommand(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand(
      "serve", "Run a station: the factory and validation endpoints, until SIGINT/SIGTERM");
  serve->add_option("--config", a->config, "Station configuration file (YAML)")->required();
  serve->add_option("--host", a->host, "Host name chargers are given (overrides host_name)");
  serve->add_option("--listen", a->listen, "Listen address (overrides listen_address)");
  serve
      ->add_option("--bootstrap-port", a->bootstrap_port,
                   "Factory bootstrap port (overrides factory.bootstrap_port; 0: ephemeral)")
      ->check(CLI::Range(0, 65535));
  serve->add_option("--ports-file", a->ports_file, "Write the bound ports there as JSON");
  serve->callback(Run(ctx, [&ctx, a] { return Serve(ctx, *a); }));
}

}  // namespace evprov::cli
