// Reprovision and scrap: what happens to a unit's credentials when its
// provisioning starts over or it is retired (docs/admission.md).
#include <nlohmann/json.hpp>
#include <string>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/pipeline/admission.h"
#include "evprov/pki/issuance.h"

namespace evprov::pipeline {
namespace {

Result<units::Unit> UnitNotScrapped(store::Transaction& tx, std::int64_t unit_id,
                                    std::string_view what) {
  EVPROV_ASSIGN_OR_RETURN(units::Unit unit, units::GetUnit(tx, unit_id));
  if (unit.state == units::UnitState::kScrapped) {
    return Status::FailedPrecondition("unit " + std::to_string(unit_id) +
                                      ": scrapped; it cannot be " + std::string(what));
  }
  return unit;
}

Result<bool> RemovePasswordHash(store::Transaction& tx, std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(std::int64_t removed,
                          tx.Exec("DELETE FROM unit_credentials WHERE unit_id = ?", {unit_id}));
  return removed > 0;
}

}  // namespace

Result<Reprovisioned> ReprovisionUnit(store::Transaction& tx, const pki::StationSecret& secret,
                                      std::int64_t unit_id, std::string_view reason,
                                      std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(units::Unit unit, UnitNotScrapped(tx, unit_id, "reprovisioned"));
  Reprovisioned out;
  EVPROV_ASSIGN_OR_RETURN(
      out.revoked_certificates,
      pki::RevokeUnitCertificates(tx, unit_id, pki::RevocationReason::kSuperseded, actor));
  EVPROV_ASSIGN_OR_RETURN(out.password_removed, RemovePasswordHash(tx, unit_id));
  if (unit.state != units::UnitState::kRegistered) {
    EVPROV_TRY(units::SetState(tx, unit_id, units::UnitState::kRegistered, "", "", actor));
  }
  EVPROV_ASSIGN_OR_RETURN(bool had_bootstrap, HasBootstrapSecret(tx, unit_id));
  if (had_bootstrap) {
    EVPROV_ASSIGN_OR_RETURN(out.bootstrap_secret, IssueBootstrapSecret(tx, secret, unit_id, actor));
  }
  nlohmann::json detail = {{"reason", std::string(reason)},
                           {"from", units::UnitStateName(unit.state)},
                           {"step", unit.step.value_or("")},
                           {"revoked_certificates", out.revoked_certificates},
                           {"password_removed", out.password_removed},
                           {"bootstrap_reissued", had_bootstrap}};
  EVPROV_TRY(audit::Append(tx, actor, "unit.reprovision", "unit/" + std::to_string(unit_id),
                           detail.dump()));
  log::Info("unit.reprovisioned",
            {{"unit_id", unit_id}, {"revoked_certificates", out.revoked_certificates}});
  return out;
}

Result<int> ScrapUnit(store::Transaction& tx, std::int64_t unit_id, std::string_view reason,
                      std::string_view actor) {
  if (reason.empty()) return Status::InvalidArgument("scrap.reason: required");
  EVPROV_TRY(UnitNotScrapped(tx, unit_id, "scrapped again").status());
  EVPROV_ASSIGN_OR_RETURN(int revoked,
                          pki::RevokeUnitCertificates(
                              tx, unit_id, pki::RevocationReason::kCessationOfOperation, actor));
  EVPROV_TRY(ConsumeBootstrapSecret(tx, unit_id, "scrapped", actor));
  EVPROV_ASSIGN_OR_RETURN(bool password_removed, RemovePasswordHash(tx, unit_id));
  EVPROV_TRY(units::SetState(tx, unit_id, units::UnitState::kScrapped, "", reason, actor));
  nlohmann::json detail = {{"reason", std::string(reason)},
                           {"revoked_certificates", revoked},
                           {"password_removed", password_removed}};
  EVPROV_TRY(
      audit::Append(tx, actor, "unit.scrap", "unit/" + std::to_string(unit_id), detail.dump()));
  log::Info("unit.scrapped", {{"unit_id", unit_id}, {"revoked_certificates", revoked}});
  return revoked;
}

}  // namespace evprov::pipeline
