// Shared plumbing for the `evprov` subcommands (private to src/cli).
//
// Each command group lives in its own file and registers itself with
// Register*Commands(app, ctx). A command's callback returns a Status; Main
// turns it into the exit code (0 ok, 1 failure) and one stderr line.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/pki/ca.h"
#include "evprov/store/store.h"

namespace evprov::units {
struct Unit;
}  // namespace evprov::units

namespace evprov::cli {

// Options shared by every command, filled by CLI11 before a callback runs.
struct Context {
  std::string store_url;        // --store / $EVPROV_STORE / ./evprov.db
  bool store_explicit = false;  // --store or $EVPROV_STORE was given
  std::string actor;            // --actor / $EVPROV_ACTOR / $USER
  bool json = false;            // --json: machine-readable output

  // The store, opened on first use; does not migrate. `Init` creates it.
  Result<store::Store*> OpenStore();
  // Opens the store and checks that its schema is the one this binary expects.
  Result<store::Store*> OpenMigratedStore();

  // Set by the command that ran; Main returns its exit code.
  Status result;

 private:
  std::unique_ptr<store::Store> store_;
};

// Wraps a command body so that its Status lands in ctx.result.
inline std::function<void()> Run(Context& ctx, std::function<Status()> body) {
  return [&ctx, body = std::move(body)] { ctx.result = body(); };
}

// Runs fn in a write (or read) transaction on the migrated store.
Status WithTx(Context& ctx, store::TxMode mode,
              const std::function<Status(store::Transaction&)>& fn);

// Runs fetch in a transaction of `mode` and returns what it built.
using JsonFetch = std::function<Result<nlohmann::ordered_json>(store::Transaction&)>;
Result<nlohmann::ordered_json> FetchJson(Context& ctx, store::TxMode mode, const JsonFetch& fetch);

// Adds subcommand `name` to group: runs fetch in a read transaction and prints
// what it returns as a listing with these columns.
CLI::App* AddListing(CLI::App* group, Context& ctx, const std::string& name,
                     const std::string& help, std::vector<std::string> columns, JsonFetch fetch);

// A JSON array with row(item) for each item.
template <typename T, typename F>
nlohmann::ordered_json RowsOf(const std::vector<T>& items, F row) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& item : items) out.push_back(row(item));
  return out;
}

// Commands that change something need a named actor for the audit log.
Status RequireActor(const Context& ctx);

// Output helpers: a listing prints as an aligned text table, or as a JSON
// array of objects with --json. Keys of `columns` pick and order the fields.
void PrintListing(const Context& ctx, const std::vector<std::string>& columns,
                  const nlohmann::ordered_json& rows);
// A single object: "key: value" lines, or JSON with --json.
void PrintObject(const Context& ctx, const nlohmann::ordered_json& object);

// A unit as a listing row (shared by `unit list|show` and `demo`).
nlohmann::ordered_json UnitRow(const units::Unit& u);
// A unit by hardware ID, or by its numeric id.
Result<units::Unit> FindUnit(store::Transaction& tx, const std::string& key);

void RegisterStoreCommands(CLI::App& app, Context& ctx);
void RegisterCatalogCommands(CLI::App& app, Context& ctx);
void RegisterUnitCommands(CLI::App& app, Context& ctx);
void RegisterCaCommands(CLI::App& app, Context& ctx);
void RegisterDemoCommand(CLI::App& app, Context& ctx);
void RegisterAuditCommands(CLI::App& app, Context& ctx);
// Added to the `unit` group: register-batch, reprovision, scrap.
void RegisterUnitLifecycleCommands(CLI::App* unit_group, Context& ctx);
// The key options of a CA pair (`ca init`, `ca init-station`).
struct CaKeyArgs {
  std::string secret, root_key, issuing_key, key_dir, algorithm = "ec-p256";
};
void AddCaKeyOptions(CLI::App* cmd, CaKeyArgs& args);
// The root and issuing keys of CAs named NAME-root / NAME-issuing: the given
// locators, or new files in --key-dir (default "ca-keys" beside the store;
// created when a file key is used).
Status ResolveCaKeys(const Context& ctx, const CaKeyArgs& args, const std::string& name,
                     pki::CaKeyOptions* root, pki::CaKeyOptions* issuing);
// A CA as a listing row.
nlohmann::ordered_json CaRow(const pki::CaInfo& ca);
// Added to the `ca` group: init-station, server-cert.
void RegisterStationCaCommands(CLI::App* ca_group, Context& ctx);
void RegisterServeCommand(CLI::App& app, Context& ctx);

}  // namespace evprov::cli
