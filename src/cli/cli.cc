#include "evprov/cli/cli.h"

#include <cstdlib>
#include <iostream>

#include "cli/command.h"
#include "evprov/common/log.h"

namespace evprov::cli {
namespace {

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

}  // namespace

int Main(int argc, char** argv) {
  Context ctx;
  ctx.store_url = EnvOr("EVPROV_STORE", "evprov.db");
  ctx.actor = EnvOr("EVPROV_ACTOR", EnvOr("USER", ""));

  CLI::App app{"evprov: factory provisioning of EV chargers over OCPP 2.0.1", "evprov"};
  app.require_subcommand(1);
  app.fallthrough();
  auto* store_option =
      app.add_option("--store", ctx.store_url, "Store: sqlite:PATH or PATH ($EVPROV_STORE)");
  app.add_option("--actor", ctx.actor, "Who is acting, for the audit log ($EVPROV_ACTOR, $USER)");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "debug|info|warn|error (JSON lines on stderr)");
  app.parse_complete_callback([&] {
    ctx.store_explicit = store_option->count() > 0 || std::getenv("EVPROV_STORE") != nullptr;
    log::Level level;
    if (!log::ParseLevel(log_level, &level)) {
      throw CLI::ValidationError("--log-level", "must be debug, info, warn or error");
    }
    log::SetLevel(level);
  });

  RegisterStoreCommands(app, ctx);
  RegisterCatalogCommands(app, ctx);
  RegisterUnitCommands(app, ctx);
  RegisterCaCommands(app, ctx);
  RegisterDemoCommand(app, ctx);
  RegisterAuditCommands(app, ctx);
  RegisterServeCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "evprov: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (!ctx.result.ok()) {
    std::cerr << "evprov: " << ctx.result.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace evprov::cli
