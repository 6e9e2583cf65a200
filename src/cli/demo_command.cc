// evprov demo: the main job, end to end on a temporary embedded store.
//
// Today (before the provisioning pipeline exists) it runs the foundation's
// flow: create a store, import the example catalog, approve the variants with
// a second person, create the example work orders, register a batch of units
// and list them. The pipeline issue turns this into a station provisioning a
// simulated fleet.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "evprov/catalog/loader.h"
#include "evprov/catalog/repository.h"
#include "evprov/identity/allocator.h"
#include "evprov/identity/connectors.h"
#include "evprov/units/units.h"

#ifndef EVPROV_SOURCE_DIR
#define EVPROV_SOURCE_DIR "."
#endif

namespace evprov::cli {
namespace {

namespace fs = std::filesystem;

struct DemoArgs {
  int units = 12;
  std::string dir;
  std::string catalog = std::string(EVPROV_SOURCE_DIR) + "/examples/catalog";
};

std::vector<std::string> YamlFiles(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr std::string_view kEngineer = "eva.engineer";
constexpr std::string_view kApprover = "otto.approver";
constexpr std::string_view kOperator = "lina.operator";

Status ImportCatalog(store::Transaction& tx, const fs::path& catalog_dir) {
  for (const auto& f : YamlFiles(catalog_dir / "environments")) {
    EVPROV_ASSIGN_OR_RETURN(auto env, catalog::LoadEnvironmentFile(f));
    EVPROV_TRY(catalog::ImportEnvironment(tx, env, f, kEngineer).status());
  }
  for (const auto& f : YamlFiles(catalog_dir / "variants")) {
    EVPROV_ASSIGN_OR_RETURN(auto variant, catalog::LoadVariantFile(f));
    EVPROV_ASSIGN_OR_RETURN(int version, catalog::ImportVariant(tx, variant, f, kEngineer));
    EVPROV_TRY(catalog::ApproveVariant(tx, variant.name, version, kApprover));
  }
  for (const auto& f : YamlFiles(catalog_dir / "orders")) {
    EVPROV_ASSIGN_OR_RETURN(auto order, catalog::LoadWorkOrderFile(f));
    EVPROV_TRY(catalog::CreateWorkOrder(tx, order, kOperator));
  }
  return Status::Ok();
}

// Gives a registered unit its identities as the pipeline's identity step
// will: a serial from the naming convention, the charger ID, connector labels.
Status AssignIdentities(store::Transaction& tx, std::int64_t unit_id,
                        const catalog::Variant& variant, const catalog::Environment& env) {
  auto now = std::chrono::system_clock::now();
  EVPROV_ASSIGN_OR_RETURN(auto serial,
                          identity::AllocateSerial(tx, unit_id, variant.naming, now, kOperator));
  EVPROV_ASSIGN_OR_RETURN(
      auto charger_id,
      identity::AllocateChargerId(tx, unit_id, variant.naming, serial.value, now, kOperator));
  EVPROV_ASSIGN_OR_RETURN(auto plan,
                          identity::PlanConnectors(variant, env, {charger_id.value, serial.value}));
  return identity::AssignConnectors(tx, unit_id, plan, kOperator);
}

// Registers `count` units round-robin over the open work orders.
Status RegisterUnits(store::Transaction& tx, int count) {
  EVPROV_ASSIGN_OR_RETURN(auto orders, catalog::ListWorkOrders(tx));
  if (orders.empty())
    return Status::FailedPrecondition("demo: the example catalog has no work orders");
  for (int i = 0; i < count; ++i) {
    const auto& rec = orders[static_cast<std::size_t>(i) % orders.size()];
    EVPROV_ASSIGN_OR_RETURN(
        auto variant, catalog::GetVariant(tx, rec.order.variant_name, rec.order.variant_version));
    units::NewUnit unit;
    char hw[32];
    std::snprintf(hw, sizeof hw, "HW-DEMO-%05d", i + 1);
    unit.hardware_id = hw;
    unit.hardware_revision = variant.hardware_revisions.front();
    unit.work_order_id = rec.order.id;
    EVPROV_ASSIGN_OR_RETURN(auto unit_id, units::RegisterUnit(tx, unit, kOperator));
    EVPROV_ASSIGN_OR_RETURN(auto env, catalog::GetEnvironment(tx, rec.order.environment));
    EVPROV_TRY(AssignIdentities(tx, unit_id, variant, env));
  }
  return Status::Ok();
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<DemoArgs>();
  auto* demo =
      app.add_subcommand("demo", "Run the main job on a temporary store and print a summary");
  demo->add_option("--units", args->units, "How many units to register")
      ->check(CLI::Range(1, 10000));
  demo->add_option("--dir", args->dir,
                   "Where to keep the records (default: a new temporary directory)");
  demo->add_option("--catalog", args->catalog, "The catalog to import")
      ->check(CLI::ExistingDirectory);
  demo->callback(Run(ctx, [&ctx, args]() -> Status {
    std::string dir = args->dir;
    if (dir.empty()) {
      std::string tmpl = (fs::temp_directory_path() / "evprov-demo-XXXXXX").string();
      if (mkdtemp(tmpl.data()) == nullptr)
        return Status::Internal("demo: cannot create a temporary directory");
      dir = tmpl;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    ctx.store_url = "sqlite:" + dir + "/evprov.db";
    EVPROV_ASSIGN_OR_RETURN(store::Store * s, ctx.OpenStore());
    EVPROV_TRY(store::MigrateToLatest(*s));
    std::cout << "evprov demo: store " << s->description() << "\n";
    EVPROV_TRY(store::InTransaction(*s, store::TxMode::kWrite, [&](store::Transaction& tx) {
      return ImportCatalog(tx, args->catalog);
    }));
    std::cout << "imported and approved the example catalog from " << args->catalog << "\n";
    EVPROV_TRY(store::InTransaction(*s, store::TxMode::kWrite, [&](store::Transaction& tx) {
      return RegisterUnits(tx, args->units);
    }));
    std::cout << "registered " << args->units
              << " units and allocated their serials, charger IDs and connector labels\n\n";
    EVPROV_ASSIGN_OR_RETURN(
        auto out, FetchJson(ctx, store::TxMode::kRead,
                            [](store::Transaction& tx) -> Result<nlohmann::ordered_json> {
                              EVPROV_ASSIGN_OR_RETURN(auto all, units::ListUnits(tx, {}, 10000));
                              return RowsOf(all, UnitRow);
                            }));
    PrintListing(ctx, {"hardware_id", "work_order", "serial", "charger_id", "state"}, out);
    std::cout
        << "\nrecords: " << dir << "/evprov.db (evprov --store " << dir
        << "/evprov.db variant list | order list | unit list)\n"
        << "not yet: the provisioning pipeline (OCPP station + simulator) is still being built\n";
    return Status::Ok();
  }));
}

}  // namespace evprov::cli
