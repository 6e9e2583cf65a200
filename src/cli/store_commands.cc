// evprov init | store version | store migrate
#include <filesystem>
#include <iostream>

#include "cli/command.h"

namespace evprov::cli {

void RegisterStoreCommands(CLI::App& app, Context& ctx) {
  auto* init = app.add_subcommand("init", "Create the store (or bring it to the current schema)");
  init->callback(Run(ctx, [&ctx]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(store::Store * s, ctx.OpenStore());
    EVPROV_ASSIGN_OR_RETURN(int before, store::SchemaVersion(*s));
    EVPROV_TRY(store::MigrateToLatest(*s));
    int after = store::LatestSchemaVersion(s->dialect());
    PrintObject(ctx,
                {{"store", s->description()}, {"schema_version", after}, {"created", before == 0}});
    return Status::Ok();
  }));

  auto* group = app.add_subcommand("store", "Inspect or migrate the store's schema");
  group->require_subcommand(1);
  auto* version = group->add_subcommand("version", "Print the schema version");
  version->callback(Run(ctx, [&ctx]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(store::Store * s, ctx.OpenStore());
    EVPROV_ASSIGN_OR_RETURN(int v, store::SchemaVersion(*s));
    PrintObject(ctx, {{"store", s->description()},
                      {"schema_version", v},
                      {"latest", store::LatestSchemaVersion(s->dialect())}});
    return Status::Ok();
  }));
  auto* migrate = group->add_subcommand("migrate", "Migrate up (default: latest) or down");
  auto target = std::make_shared<int>(-1);
  migrate->add_option("--to", *target, "Target schema version (0 = empty)");
  migrate->callback(Run(ctx, [&ctx, target]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(store::Store * s, ctx.OpenStore());
    int to = *target < 0 ? store::LatestSchemaVersion(s->dialect()) : *target;
    EVPROV_TRY(store::MigrateTo(*s, to));
    PrintObject(ctx, {{"store", s->description()}, {"schema_version", to}});
    return Status::Ok();
  }));
}

}  // namespace evprov::cli
