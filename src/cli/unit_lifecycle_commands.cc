// evprov unit register-batch | reprovision | scrap (docs/admission.md)
#include <cstdio>
#include <filesystem>
#include <vector>

#include "cli/command.h"
#include "cli/secret_files.h"
#include "evprov/common/csv.h"
#include "evprov/pipeline/admission.h"
#include "evprov/units/units.h"

namespace evprov::cli {
namespace {

using nlohmann::ordered_json;

// The simulator's fleet manifest (docs/admission.md); the order is the contract.
constexpr std::string_view kManifestHeader =
    "hardware_id,hardware_revision,serial,bootstrap_secret,idevid_cert,idevid_key,variant,faults\n";

struct BatchArgs {
  std::string order, revision, prefix, manifest, idevid_dir, variant_file, faults, station_secret;
  int count = 0;
  int start = 1;
};

std::string HardwareId(const BatchArgs& a, int index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%06d", a.start + index);
  return a.prefix + digits;
}

Status CheckIdevidFiles(const BatchArgs& a) {
  if (a.idevid_dir.empty()) return Status::Ok();
  for (int i = 0; i < a.count; ++i) {
    std::string base = a.idevid_dir + "/" + HardwareId(a, i);
    for (const char* ext : {".cert.pem", ".key.pem"}) {
      if (!std::filesystem::exists(base + ext)) {
        return Status::NotFound("--idevid-dir: '" + base + ext + "' does not exist");
      }
    }
  }
  return Status::Ok();
}

void AddRegisterBatch(CLI::App* group, Context& ctx) {
  auto a = std::make_shared<BatchArgs>();
  auto* cmd = group->add_subcommand(
      "register-batch",
      "Register N units of a work order in one transaction and write the fleet manifest");
  cmd->add_option("--order", a->order, "Work order id")->required();
  cmd->add_option("--count", a->count, "How many units")->required()->check(CLI::Range(1, 100000));
  cmd->add_option("--revision", a->revision, "Hardware revision")->required();
  cmd->add_option("--hardware-id-prefix", a->prefix, "Hardware IDs: PREFIX + 6 digits")->required();
  cmd->add_option("--start", a->start, "First number of the hardware IDs (default 1)")
      ->check(CLI::Range(0, 99999999));
  cmd->add_option("--manifest", a->manifest, "Write the fleet manifest (CSV, new file, 0600)")
      ->required();
  cmd->add_option("--idevid-dir", a->idevid_dir,
                  "Units have IDevIDs DIR/<hardware_id>.{cert,key}.pem (no bootstrap secrets)");
  cmd->add_option("--variant-file", a->variant_file, "Variant YAML path for the manifest");
  cmd->add_option("--faults", a->faults, "Simulator fault flags for every unit (manifest)");
  AddStationSecretOption(cmd, a->station_secret);
  cmd->callback(Run(ctx, [&ctx, a]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    EVPROV_TRY(CheckIdevidFiles(*a));
    std::shared_ptr<const pki::StationSecret> secret;
    if (a->idevid_dir.empty()) {
      EVPROV_ASSIGN_OR_RETURN(secret, OpenStationSecret(ctx, a->station_secret));
    }
    auto opened = SecretFile::Create(a->manifest);
    if (!opened.ok()) return opened.status().WithContext("--manifest");
    std::unique_ptr<SecretFile> manifest = std::move(opened).value();
    pki::SecretString contents;
    ordered_json out;
    EVPROV_TRY(WithTx(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Status {
      std::string text(kManifestHeader);
      std::int64_t first = 0, last = 0;
      for (int i = 0; i < a->count; ++i) {
        units::NewUnit unit;
        unit.hardware_id = HardwareId(*a, i);
        unit.hardware_revision = a->revision;
        unit.work_order_id = a->order;
        EVPROV_ASSIGN_OR_RETURN(std::int64_t id, units::RegisterUnit(tx, unit, ctx.actor));
        if (i == 0) first = id;
        last = id;
        std::string bootstrap, cert, key;
        if (secret) {
          EVPROV_ASSIGN_OR_RETURN(auto value,
                                  pipeline::IssueBootstrapSecret(tx, *secret, id, ctx.actor));
          bootstrap = value.reveal();
        } else {
          std::string base = a->idevid_dir + "/" + unit.hardware_id;
          cert = base + ".cert.pem";
          key = base + ".key.pem";
        }
        csv::AppendRecord(text, {unit.hardware_id, a->revision, "", bootstrap, cert, key,
                                 a->variant_file, a->faults});
        std::fill(bootstrap.begin(), bootstrap.end(), '\0');
      }
      contents = pki::SecretString(std::move(text));
      out = {{"order", a->order},
             {"registered", a->count},
             {"first_unit_id", first},
             {"last_unit_id", last},
             {"admission", secret ? "bootstrap" : "idevid"},
             {"manifest", a->manifest}};
      return Status::Ok();
    }));
    EVPROV_TRY(manifest->Finish(contents.reveal()));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}

void AddReprovision(CLI::App* group, Context& ctx) {
  struct Args {
    std::string unit, reason = "reprovision";
    BootstrapDelivery boot;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = group->add_subcommand(
      "reprovision",
      "Revoke a unit's credentials and start its provisioning over (keeps serial and charger ID)");
  cmd->add_option("unit", a->unit, "Hardware ID or id")->required();
  cmd->add_option("--reason", a->reason, "Why (audited)");
  AddBootstrapOptions(cmd, a->boot);
  cmd->callback(Run(ctx, [&ctx, a]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    EVPROV_ASSIGN_OR_RETURN(auto secret, OpenStationSecret(ctx, a->boot.station_secret));
    EVPROV_ASSIGN_OR_RETURN(auto file, OpenDeliveryFile(a->boot));
    std::optional<pki::SecretString> bootstrap;
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(units::Unit u, FindUnit(tx, a->unit));
          EVPROV_ASSIGN_OR_RETURN(
              auto done, pipeline::ReprovisionUnit(tx, *secret, u.id, a->reason, ctx.actor));
          if (done.bootstrap_secret && !a->boot.wanted()) {
            return Status::InvalidArgument(
                "--bootstrap-secret-file: unit '" + u.hardware_id +
                "' is admitted by bootstrap secret; say where its new one goes (or "
                "--print-secret)");
          }
          bootstrap = std::move(done.bootstrap_secret);
          EVPROV_ASSIGN_OR_RETURN(units::Unit after, units::GetUnit(tx, u.id));
          ordered_json row = UnitRow(after);
          row["revoked_certificates"] = done.revoked_certificates;
          row["password_removed"] = done.password_removed;
          return row;
        }));
    if (bootstrap) EVPROV_TRY(Deliver(a->boot, std::move(file), *bootstrap, out));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}

void AddScrap(CLI::App* group, Context& ctx) {
  struct Args {
    std::string unit, reason;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = group->add_subcommand(
      "scrap", "Retire a unit for good: revoke, drop its credentials (IDs never reused)");
  cmd->add_option("unit", a->unit, "Hardware ID or id")->required();
  cmd->add_option("--reason", a->reason, "Why (audited)")->required();
  cmd->callback(Run(ctx, [&ctx, a]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(units::Unit u, FindUnit(tx, a->unit));
          EVPROV_ASSIGN_OR_RETURN(int revoked, pipeline::ScrapUnit(tx, u.id, a->reason, ctx.actor));
          EVPROV_ASSIGN_OR_RETURN(units::Unit after, units::GetUnit(tx, u.id));
          ordered_json row = UnitRow(after);
          row["revoked_certificates"] = revoked;
          return row;
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));
}

}  // namespace

void RegisterUnitLifecycleCommands(CLI::App* unit_group, Context& ctx) {
  AddRegisterBatch(unit_group, ctx);
  AddReprovision(unit_group, ctx);
  AddScrap(unit_group, ctx);
}

}  // namespace evprov::cli
