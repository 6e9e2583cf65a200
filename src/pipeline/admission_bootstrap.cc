// One-time bootstrap secrets: issue, consume, query (docs/admission.md).
#include <nlohmann/json.hpp>
#include <string>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "evprov/pipeline/admission.h"
#include "pipeline/admission_internal.h"

namespace evprov::pipeline {

std::string_view AdmissionMethodName(AdmissionMethod method) {
  switch (method) {
    case AdmissionMethod::kBootstrapSecret:
      return "bootstrap";
    case AdmissionMethod::kIdevid:
      return "idevid";
    case AdmissionMethod::kPassword:
      return "password";
    case AdmissionMethod::kClientCertificate:
      return "certificate";
  }
  return "unknown";
}

namespace internal {

std::string BootstrapHash(const pki::StationSecret& secret, std::string_view bootstrap_secret) {
  // Domain-separated from the unit passwords' hashes (same station secret).
  std::string text = "bootstrap:";
  text += bootstrap_secret;
  std::string hash = secret.KeyedHash(text);
  std::fill(text.begin(), text.end(), '\0');
  return hash;
}

}  // namespace internal

Result<pki::SecretString> IssueBootstrapSecret(store::Transaction& tx,
                                               const pki::StationSecret& secret,
                                               std::int64_t unit_id, std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(units::Unit unit, units::GetUnit(tx, unit_id));
  if (unit.state == units::UnitState::kScrapped) {
    return Status::FailedPrecondition("unit " + std::to_string(unit_id) +
                                      ": scrapped; no bootstrap secret can be issued");
  }
  EVPROV_ASSIGN_OR_RETURN(pki::SecretString value, pki::GeneratePassword(kBootstrapSecretLength));
  EVPROV_TRY(tx.Exec("INSERT INTO unit_bootstrap (unit_id, keyed_hash, issued_by, issued_at, "
                     "consumed_at, consumed_reason) VALUES (?, ?, ?, ?, NULL, NULL) "
                     "ON CONFLICT (unit_id) DO UPDATE SET keyed_hash = excluded.keyed_hash, "
                     "issued_by = excluded.issued_by, issued_at = excluded.issued_at, "
                     "consumed_at = NULL, consumed_reason = NULL",
                     {unit_id, internal::BootstrapHash(secret, value.reveal()), std::string(actor),
                      NowUtc()})
                 .status()
                 .WithContext("unit_bootstrap"));
  nlohmann::json detail = {{"hardware_id", unit.hardware_id}, {"length", kBootstrapSecretLength}};
  EVPROV_TRY(audit::Append(tx, actor, "admission.bootstrap_issue",
                           "unit/" + std::to_string(unit_id), detail.dump()));
  log::Info("admission.bootstrap_issued",
            {{"unit_id", unit_id}, {"hardware_id", unit.hardware_id}});
  return value;
}

Status ConsumeBootstrapSecret(store::Transaction& tx, std::int64_t unit_id, std::string_view reason,
                              std::string_view actor) {
  if (reason.empty()) return Status::InvalidArgument("bootstrap.reason: must not be empty");
  EVPROV_ASSIGN_OR_RETURN(std::int64_t changed,
                          tx.Exec("UPDATE unit_bootstrap SET consumed_at = ?, consumed_reason = ? "
                                  "WHERE unit_id = ? AND consumed_at IS NULL",
                                  {NowUtc(), std::string(reason), unit_id}));
  if (changed == 0) return Status::Ok();
  nlohmann::json detail = {{"reason", std::string(reason)}};
  EVPROV_TRY(audit::Append(tx, actor, "admission.bootstrap_consume",
                           "unit/" + std::to_string(unit_id), detail.dump()));
  log::Info("admission.bootstrap_consumed",
            {{"unit_id", unit_id}, {"reason", std::string(reason)}});
  return Status::Ok();
}

Result<bool> HasUnconsumedBootstrapSecret(store::Transaction& tx, std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT 1 FROM unit_bootstrap WHERE unit_id = ? AND consumed_at IS NULL",
                          {unit_id}));
  return !rows.empty();
}

Result<bool> HasBootstrapSecret(store::Transaction& tx, std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT 1 FROM unit_bootstrap WHERE unit_id = ?", {unit_id}));
  return !rows.empty();
}

}  // namespace evprov::pipeline
