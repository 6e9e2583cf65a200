// Issuance inside the caller's transaction, and revocation.
#include "evprov/pki/issuance.h"

#include <nlohmann/json.hpp>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "pki/ca_internal.h"

namespace evprov::pki {
namespace {

constexpr const char* kCertificateColumns =
    "id, unit_id, ca_name, serial_hex, subject, fingerprint_sha256, spki_sha256, not_before, "
    "not_after, issued_at, revoked_at, revocation_reason, certificate_pem";

CertificateRecord RowToRecord(const store::Row& row) {
  CertificateRecord r;
  r.id = row.Int(0);
  r.unit_id = row.OptInt(1);
  r.ca_name = row.Text(2);
  r.serial_hex = row.Text(3);
  r.subject = row.Text(4);
  r.fingerprint_sha256 = row.Text(5);
  r.spki_sha256 = row.Text(6);
  r.not_before = row.Text(7);
  r.not_after = row.Text(8);
  r.issued_at = row.Text(9);
  r.revoked_at = row.OptText(10);
  r.revocation_reason = row.OptText(11);
  r.certificate_pem = row.Text(12);
  return r;
}

// The "key seen before" rule, as a readable refusal before signing; the
// UNIQUE column on certificates.spki_sha256 makes it hold under races too.
Status CheckKeyUnseen(store::Transaction& tx, const std::string& spki_sha256) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT unit_id FROM certificates WHERE spki_sha256 = ?", {spki_sha256}));
  if (!rows.empty()) {
    return Status::InvalidArgument("csr.public_key: seen before on " +
                                   (rows[0].IsNull(0) ? std::string("a station certificate")
                                                      : "unit " + std::to_string(rows[0].Int(0))) +
                                   "; every certificate needs a new key");
  }
  EVPROV_ASSIGN_OR_RETURN(
      rows, tx.Query("SELECT name FROM pki_cas WHERE spki_sha256 = ?", {spki_sha256}));
  if (!rows.empty()) {
    return Status::InvalidArgument("csr.public_key: is the key of CA '" + rows[0].Text(0) + "'");
  }
  return Status::Ok();
}

Result<std::int64_t> Record(store::Transaction& tx, const IssuingCa& ca,
                            std::optional<std::int64_t> unit_id, std::string_view usage,
                            const IssuedCertificate& cert, std::string_view actor) {
  auto rows = tx.QueryV(
      "INSERT INTO certificates (unit_id, ca_name, usage, serial_hex, subject, "
      "fingerprint_sha256, spki_sha256, not_before, not_after, certificate_pem, issued_by, "
      "issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {unit_id, ca.info().name, std::string(usage), cert.serial_hex, cert.subject,
       cert.fingerprint_sha256, cert.spki_sha256, cert.not_before, cert.not_after,
       cert.certificate_pem, std::string(actor), NowUtc()});
  if (!rows.ok()) {
    if (rows.status().code() == StatusCode::kAlreadyExists) {
      return Status::InvalidArgument("csr.public_key: seen before (recorded concurrently)");
    }
    return rows.status().WithContext("certificates");
  }
  std::int64_t id = rows->at(0).Int(0);
  nlohmann::json detail = {{"ca", ca.info().name},
                           {"usage", usage},
                           {"serial", cert.serial_hex},
                           {"subject", cert.subject},
                           {"fingerprint_sha256", cert.fingerprint_sha256},
                           {"spki_sha256", cert.spki_sha256},
                           {"not_after", cert.not_after}};
  if (unit_id) detail["unit_id"] = *unit_id;
  EVPROV_TRY(audit::Append(tx, actor, "certificate.issue", "certificate/" + cert.serial_hex,
                           detail.dump()));
  log::Info("pki.certificate.issued", {{"ca", ca.info().name},
                                       {"usage", usage},
                                       {"serial", cert.serial_hex},
                                       {"unit_id", unit_id.value_or(0)},
                                       {"fingerprint_sha256", cert.fingerprint_sha256}});
  return id;
}

Status CheckUnitSerial(store::Transaction& tx, const UnitExpectation& expected) {
  EVPROV_ASSIGN_OR_RETURN(store::Row row,
                          tx.QueryOne("unit " + std::to_string(expected.unit_id),
                                      "SELECT serial FROM units WHERE id = ?", {expected.unit_id}));
  if (row.Text(0) != expected.serial || expected.serial.empty()) {
    return Status::FailedPrecondition("unit " + std::to_string(expected.unit_id) + ": serial is '" +
                                      row.Text(0) + "', not '" + expected.serial + "'");
  }
  return Status::Ok();
}

}  // namespace

std::string_view RevocationReasonName(RevocationReason r) {
  switch (r) {
    case RevocationReason::kUnspecified:
      return "unspecified";
    case RevocationReason::kKeyCompromise:
      return "key_compromise";
    case RevocationReason::kSuperseded:
      return "superseded";
    case RevocationReason::kCessationOfOperation:
      return "cessation_of_operation";
  }
  return "unspecified";
}

Result<IssuedCertificate> IssueChargingStationCertificate(store::Transaction& tx,
                                                          const IssuingCa& ca,
                                                          std::string_view csr_pem,
                                                          const UnitExpectation& expected,
                                                          std::string_view actor) {
  EVPROV_TRY(CheckUnitSerial(tx, expected));
  auto checked =
      CheckCsr(csr_pem, {expected.serial, expected.organization}, ca.info().leaf_key_policy);
  if (!checked.ok()) {
    log::Warn("pki.csr.refused", {{"unit_id", expected.unit_id},
                                  {"ca", ca.info().name},
                                  {"reason", checked.status().message()}});
    return checked.status();
  }
  if (Status unseen = CheckKeyUnseen(tx, checked->spki_sha256()); !unseen.ok()) {
    log::Warn(
        "pki.csr.refused",
        {{"unit_id", expected.unit_id}, {"ca", ca.info().name}, {"reason", unseen.message()}});
    return unseen;
  }
  EVPROV_ASSIGN_OR_RETURN(IssuedCertificate cert, ca.Issue(*checked));
  EVPROV_ASSIGN_OR_RETURN(cert.id,
                          Record(tx, ca, expected.unit_id, "charging_station", cert, actor));
  return cert;
}

Result<IssuedCertificate> IssueServiceCertificate(store::Transaction& tx, const IssuingCa& ca,
                                                  const ServiceCertificateRequest& request,
                                                  std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(IssuedCertificate cert, ca.IssueService(request));
  EVPROV_TRY(CheckKeyUnseen(tx, cert.spki_sha256).WithContext("service_certificate"));
  std::string_view usage;
  switch (request.usage) {
    case ServiceUsage::kTlsServer:
      usage = "tls_server";
      break;
    case ServiceUsage::kPassportSigning:
      usage = "passport_signing";
      break;
  }
  EVPROV_ASSIGN_OR_RETURN(cert.id, Record(tx, ca, std::nullopt, usage, cert, actor));
  return cert;
}

Result<int> RevokeUnitCertificates(store::Transaction& tx, std::int64_t unit_id,
                                   RevocationReason reason, std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT serial_hex FROM certificates WHERE unit_id = ? AND "
                                   "revoked_at IS NULL ORDER BY id",
                                   {unit_id}));
  for (const store::Row& row : rows) {
    EVPROV_TRY(RevokeCertificate(tx, row.Text(0), reason, actor));
  }
  return static_cast<int>(rows.size());
}

Status RevokeCertificate(store::Transaction& tx, std::string_view serial_hex,
                         RevocationReason reason, std::string_view actor) {
  std::string serial(serial_hex);
  EVPROV_ASSIGN_OR_RETURN(
      store::Row row,
      tx.QueryOne("certificate " + serial,
                  "SELECT unit_id, ca_name, revoked_at FROM certificates WHERE serial_hex = ?",
                  {serial}));
  if (!row.IsNull(2)) {
    return Status::FailedPrecondition("certificate " + serial + ": already revoked at " +
                                      row.Text(2));
  }
  std::string reason_name(RevocationReasonName(reason));
  EVPROV_TRY(tx.Exec("UPDATE certificates SET revoked_at = ?, revocation_reason = ? "
                     "WHERE serial_hex = ? AND revoked_at IS NULL",
                     {NowUtc(), reason_name, serial})
                 .status());
  nlohmann::json detail = {{"ca", row.Text(1)}, {"reason", reason_name}};
  if (!row.IsNull(0)) detail["unit_id"] = row.Int(0);
  EVPROV_TRY(
      audit::Append(tx, actor, "certificate.revoke", "certificate/" + serial, detail.dump()));
  log::Info("pki.certificate.revoked",
            {{"serial", serial}, {"ca", row.Text(1)}, {"reason", reason_name}});
  return Status::Ok();
}

Result<std::vector<CertificateRecord>> ListUnitCertificates(store::Transaction& tx,
                                                            std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query(std::string("SELECT ") + kCertificateColumns +
                                       " FROM certificates WHERE unit_id = ? ORDER BY id",
                                   {unit_id}));
  std::vector<CertificateRecord> out;
  out.reserve(rows.size());
  for (const store::Row& row : rows) out.push_back(RowToRecord(row));
  return out;
}

}  // namespace evprov::pki
