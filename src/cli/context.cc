#include "cli/command.h"

namespace evprov::cli {

Result<store::Store*> Context::OpenStore() {
  if (!store_) {
    EVPROV_ASSIGN_OR_RETURN(store_, store::OpenStore(store_url));
  }
  return store_.get();
}

Result<store::Store*> Context::OpenMigratedStore() {
  EVPROV_ASSIGN_OR_RETURN(store::Store * s, OpenStore());
  EVPROV_ASSIGN_OR_RETURN(int version, store::SchemaVersion(*s));
  int latest = store::LatestSchemaVersion(s->dialect());
  if (version == 0) {
    return Status::FailedPrecondition("store " + store_url +
                                      ": not initialised; run 'evprov init'");
  }
  if (version != latest) {
    return Status::FailedPrecondition("store " + store_url + ": schema version " +
                                      std::to_string(version) + ", this evprov needs " +
                                      std::to_string(latest) + "; run 'evprov store migrate'");
  }
  return s;
}

Status WithTx(Context& ctx, store::TxMode mode,
              const std::function<Status(store::Transaction&)>& fn) {
  EVPROV_ASSIGN_OR_RETURN(store::Store * s, ctx.OpenMigratedStore());
  return store::InTransaction(*s, mode, fn);
}

Result<nlohmann::ordered_json> FetchJson(Context& ctx, store::TxMode mode, const JsonFetch& fetch) {
  nlohmann::ordered_json out;
  EVPROV_TRY(WithTx(ctx, mode, [&](store::Transaction& tx) -> Status {
    EVPROV_ASSIGN_OR_RETURN(out, fetch(tx));
    return Status::Ok();
  }));
  return out;
}

CLI::App* AddListing(CLI::App* group, Context& ctx, const std::string& name,
                     const std::string& help, std::vector<std::string> columns, JsonFetch fetch) {
  CLI::App* cmd = group->add_subcommand(name, help);
  cmd->callback(
      Run(ctx, [&ctx, columns = std::move(columns), fetch = std::move(fetch)]() -> Status {
        EVPROV_ASSIGN_OR_RETURN(auto out, FetchJson(ctx, store::TxMode::kRead, fetch));
        PrintListing(ctx, columns, out);
        return Status::Ok();
      }));
  return cmd;
}

Status RequireActor(const Context& ctx) {
  if (ctx.actor.empty()) return Status::InvalidArgument("--actor: required (or set $EVPROV_ACTOR)");
  return Status::Ok();
}

}  // namespace evprov::cli
