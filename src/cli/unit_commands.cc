// evprov unit register|list|show|revoke (reprovision, scrap, register-batch:
// unit_lifecycle_commands.cc)
#include <algorithm>

#include "cli/command.h"
#include "cli/secret_files.h"
#include "evprov/pipeline/admission.h"
#include "evprov/pki/issuance.h"
#include "evprov/units/units.h"
#include "pipeline/journal.h"

namespace evprov::cli {
namespace {

using nlohmann::ordered_json;

ordered_json Opt(const std::optional<std::string>& v) {
  return v ? ordered_json(*v) : ordered_json();
}

ordered_json CertificateRow(const pki::CertificateRecord& c) {
  return {{"serial", c.serial_hex},
          {"ca", c.ca_name},
          {"subject", c.subject},
          {"fingerprint_sha256", c.fingerprint_sha256},
          {"not_after", c.not_after},
          {"revoked_at", Opt(c.revoked_at)},
          {"revocation_reason", Opt(c.revocation_reason)}};
}

// One journal record; the configuration snapshot (finalize) is shown as its
// size: the whole snapshot belongs to the passport, not to a listing.
ordered_json JournalRow(const pipeline::JournalRecord& r) {
  ordered_json detail = ordered_json::object();
  if (r.detail.is_object()) {
    for (const auto& [key, value] : r.detail.items()) {
      if (key == "configuration" && value.is_object()) {
        detail["configuration_variables"] = value.size();
      } else {
        detail[key] = value;
      }
    }
  }
  return {{"at", r.at}, {"step", r.step}, {"event", r.event}, {"detail", std::move(detail)}};
}

Result<pki::RevocationReason> ParseRevocationReason(const std::string& name) {
  for (auto r :
       {pki::RevocationReason::kUnspecified, pki::RevocationReason::kKeyCompromise,
        pki::RevocationReason::kSuperseded, pki::RevocationReason::kCessationOfOperation}) {
    if (pki::RevocationReasonName(r) == name) return r;
  }
  return Status::InvalidArgument("--reason: '" + name + "' is not a revocation reason");
}

}  // namespace

Result<units::Unit> FindUnit(store::Transaction& tx, const std::string& key) {
  auto by_hw = units::GetUnitByHardwareId(tx, key);
  bool numeric =
      !key.empty() && key.size() < 18 && key.find_first_not_of("0123456789") == std::string::npos;
  if (by_hw.ok() || by_hw.status().code() != StatusCode::kNotFound || !numeric) return by_hw;
  return units::GetUnit(tx, std::stoll(key));
}

ordered_json UnitRow(const units::Unit& u) {
  return {{"id", u.id},
          {"hardware_id", u.hardware_id},
          {"serial", Opt(u.serial)},
          {"serial_source", Opt(u.serial_source)},
          {"charger_id", Opt(u.charger_id)},
          {"hardware_revision", u.hardware_revision},
          {"work_order", Opt(u.work_order_id)},
          {"state", units::UnitStateName(u.state)},
          {"step", Opt(u.step)},
          {"failure_reason", Opt(u.failure_reason)},
          {"registered_by", u.registered_by},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

void RegisterUnitCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("unit", "Units: chargers registered by the MES");
  group->require_subcommand(1);

  struct RegisterArgs {
    std::string hardware_id, serial, revision, order;
  };
  auto reg = std::make_shared<RegisterArgs>();
  auto* add = group->add_subcommand(
      "register", "Register a unit (its hardware ID is its factory OCPP identity)");
  add->add_option("--hardware-id", reg->hardware_id, "Controller hardware ID")->required();
  add->add_option("--revision", reg->revision, "Hardware revision")->required();
  add->add_option("--serial", reg->serial, "Serial number from the MES (else allocated later)");
  add->add_option("--order", reg->order, "Work order id");
  auto boot = std::make_shared<BootstrapDelivery>();
  AddBootstrapOptions(add, *boot);
  add->callback(Run(ctx, [&ctx, reg, boot]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    units::NewUnit unit;
    unit.hardware_id = reg->hardware_id;
    unit.hardware_revision = reg->revision;
    if (!reg->serial.empty()) unit.serial = reg->serial;
    if (!reg->order.empty()) unit.work_order_id = reg->order;
    std::shared_ptr<const pki::StationSecret> secret;
    if (boot->wanted()) {
      EVPROV_ASSIGN_OR_RETURN(secret, OpenStationSecret(ctx, boot->station_secret));
    }
    EVPROV_ASSIGN_OR_RETURN(auto file, OpenDeliveryFile(*boot));
    pki::SecretString bootstrap;
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto id, units::RegisterUnit(tx, unit, ctx.actor));
          if (secret) {
            EVPROV_ASSIGN_OR_RETURN(bootstrap,
                                    pipeline::IssueBootstrapSecret(tx, *secret, id, ctx.actor));
          }
          EVPROV_ASSIGN_OR_RETURN(auto u, units::GetUnit(tx, id));
          return UnitRow(u);
        }));
    if (secret) EVPROV_TRY(Deliver(*boot, std::move(file), bootstrap, out));
    PrintObject(ctx, out);
    return Status::Ok();
  }));

  struct ListArgs {
    std::string order, state;
    int limit = 1000;
    bool unsealed = false;
  };
  auto la = std::make_shared<ListArgs>();
  auto* list = group->add_subcommand("list", "List units");
  list->add_option("--order", la->order, "Only this work order's units");
  list->add_option("--state", la->state, "registered|provisioning|ready|failed|scrapped");
  list->add_option("--limit", la->limit, "At most this many (default 1000)")
      ->check(CLI::Range(1, 10000));
  list->add_flag("--unsealed", la->unsealed,
                 "Only ready units whose seal was not confirmed (no 'seal done' record)");
  list->callback(Run(ctx, [&ctx, la]() -> Status {
    if (la->unsealed && (!la->order.empty() || !la->state.empty())) {
      return Status::InvalidArgument("--unsealed: lists ready units; not with --order or --state");
    }
    units::UnitFilter filter;
    if (!la->order.empty()) filter.work_order_id = la->order;
    if (!la->state.empty()) {
      EVPROV_ASSIGN_OR_RETURN(filter.state, units::ParseUnitState(la->state));
    }
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          if (la->unsealed) {
            EVPROV_ASSIGN_OR_RETURN(auto ids, pipeline::UnsealedReadyUnits(tx, la->limit));
            ordered_json rows = ordered_json::array();
            for (std::int64_t id : ids) {
              EVPROV_ASSIGN_OR_RETURN(auto u, units::GetUnit(tx, id));
              rows.push_back(UnitRow(u));
            }
            return rows;
          }
          EVPROV_ASSIGN_OR_RETURN(auto all, units::ListUnits(tx, filter, la->limit));
          return RowsOf(all, UnitRow);
        }));
    PrintListing(ctx, {"id", "hardware_id", "serial", "charger_id", "work_order", "state", "step"},
                 out);
    return Status::Ok();
  }));

  auto key = std::make_shared<std::string>();
  auto* show = group->add_subcommand("show", "Show a unit by hardware ID (or numeric id)");
  show->add_option("unit", *key, "Hardware ID or id")->required();
  show->callback(Run(ctx, [&ctx, key]() -> Status {
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kRead, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto u, FindUnit(tx, *key));
          ordered_json row = UnitRow(u);
          EVPROV_ASSIGN_OR_RETURN(auto certs, pki::ListUnitCertificates(tx, u.id));
          row["certificates"] = RowsOf(certs, CertificateRow);
          EVPROV_ASSIGN_OR_RETURN(auto journal, pipeline::ReadJournal(tx, u.id));
          row["sealed"] = std::any_of(journal.begin(), journal.end(), pipeline::IsSealDone);
          row["journal"] = RowsOf(journal, JournalRow);
          return row;
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));

  struct RevokeArgs {
    std::string unit, reason = "unspecified";
  };
  auto rv = std::make_shared<RevokeArgs>();
  auto* revoke = group->add_subcommand("revoke", "Revoke every valid certificate of a unit");
  revoke->add_option("unit", rv->unit, "Hardware ID or id")->required();
  revoke->add_option("--reason", rv->reason,
                     "unspecified | key_compromise | superseded | cessation_of_operation");
  revoke->callback(Run(ctx, [&ctx, rv]() -> Status {
    EVPROV_TRY(RequireActor(ctx));
    EVPROV_ASSIGN_OR_RETURN(auto reason, ParseRevocationReason(rv->reason));
    EVPROV_ASSIGN_OR_RETURN(
        auto out,
        FetchJson(ctx, store::TxMode::kWrite, [&](store::Transaction& tx) -> Result<ordered_json> {
          EVPROV_ASSIGN_OR_RETURN(auto u, FindUnit(tx, rv->unit));
          EVPROV_ASSIGN_OR_RETURN(int revoked,
                                  pki::RevokeUnitCertificates(tx, u.id, reason, ctx.actor));
          return ordered_json{{"hardware_id", u.hardware_id},
                              {"revoked", revoked},
                              {"reason", pki::RevocationReasonName(reason)}};
        }));
    PrintObject(ctx, out);
    return Status::Ok();
  }));

  RegisterUnitLifecycleCommands(group, ctx);
}

}  // namespace evprov::cli
