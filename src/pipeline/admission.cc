// The factory and validation endpoints' admission checks (docs/admission.md).
#include "evprov/pipeline/admission.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "pipeline/admission_internal.h"

namespace evprov::pipeline {
namespace {

using units::UnitState;

enum class Endpoint { kFactory, kValidation };

std::string_view EndpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kFactory:
      return "factory";
    case Endpoint::kValidation:
      return "validation";
  }
  return "unknown";
}

// One refusal: audited in tx (never the password), logged, returned.
struct Refusal {
  StatusCode code = StatusCode::kUnauthenticated;
  std::string reason;  // machine-readable, e.g. "unknown_hardware_id"
  std::string why;     // for a person
};

Status Refuse(store::Transaction& tx, Endpoint endpoint, const ocpp::HandshakeInfo& handshake,
              std::optional<std::int64_t> unit_id, const Refusal& refusal) {
  std::string object =
      unit_id ? "unit/" + std::to_string(*unit_id)
              : std::string(endpoint == Endpoint::kFactory ? "hardware_id/" : "charger_id/") +
                    handshake.identity;
  nlohmann::json detail = {{"endpoint", EndpointName(endpoint)},
                           {"identity", handshake.identity},
                           {"reason", refusal.reason},
                           {"profile", ocpp::ProfileNumber(handshake.profile)},
                           {"remote_address", handshake.remote_address}};
  EVPROV_TRY(audit::Append(tx, "station", "admission.refused", object, detail.dump()));
  log::Warn("admission.refused", {{"endpoint", EndpointName(endpoint)},
                                  {"identity", handshake.identity},
                                  {"reason", refusal.reason},
                                  {"remote_address", handshake.remote_address}});
  return {refusal.code, std::string(EndpointName(endpoint)) + " admission of '" +
                            handshake.identity + "': " + refusal.why};
}

bool UsesPassword(ocpp::SecurityProfile profile) {
  switch (profile) {
    case ocpp::SecurityProfile::kBasicAuth:
    case ocpp::SecurityProfile::kTlsBasicAuth:
      return true;
    case ocpp::SecurityProfile::kMutualTls:
      return false;
  }
  return false;
}

bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The state refusal at an endpoint, or nullopt when the state is admissible:
// factory takes registered/provisioning, validation provisioning/ready.
std::optional<Refusal> StateRefusal(Endpoint endpoint, UnitState state) {
  bool factory = endpoint == Endpoint::kFactory;
  switch (state) {
    case UnitState::kProvisioning:
      return std::nullopt;
    case UnitState::kRegistered:
      if (factory) return std::nullopt;
      return Refusal{StatusCode::kFailedPrecondition, "unit_registered",
                     "the unit has not been provisioned"};
    case UnitState::kReady:
      if (!factory) return std::nullopt;
      return Refusal{StatusCode::kFailedPrecondition, "unit_ready",
                     "the unit is ready; `evprov unit reprovision` to provision it again"};
    case UnitState::kFailed:
      return Refusal{StatusCode::kFailedPrecondition, "unit_failed",
                     "the unit failed; it needs `evprov unit reprovision`"};
    case UnitState::kScrapped:
      return Refusal{StatusCode::kFailedPrecondition, "unit_scrapped",
                     "the unit is scrapped for good"};
  }
  return Refusal{StatusCode::kInternal, "unit_state", "unknown unit state"};
}

Admission AdmissionOf(const units::Unit& unit, AdmissionMethod method) {
  Admission a;
  a.unit_id = unit.id;
  a.hardware_id = unit.hardware_id;
  a.serial = unit.serial.value_or("");
  a.charger_id = unit.charger_id.value_or("");
  a.method = method;
  a.state = unit.state;
  return a;
}

void LogAdmitted(Endpoint endpoint, const Admission& a, const ocpp::HandshakeInfo& handshake) {
  log::Info("admission.admitted", {{"endpoint", EndpointName(endpoint)},
                                   {"unit_id", a.unit_id},
                                   {"identity", handshake.identity},
                                   {"method", AdmissionMethodName(a.method)},
                                   {"remote_address", handshake.remote_address}});
}

// The bootstrap-secret check; nullopt when the presented password is the
// unit's unconsumed bootstrap secret.
Result<std::optional<Refusal>> CheckBootstrap(store::Transaction& tx,
                                              const pki::StationSecret& secret,
                                              std::int64_t unit_id,
                                              const std::optional<std::string>& presented) {
  if (!presented || presented->empty()) {
    return std::optional<Refusal>(
        Refusal{StatusCode::kUnauthenticated, "no_password", "no bootstrap secret presented"});
  }
  EVPROV_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT keyed_hash, consumed_at FROM unit_bootstrap WHERE unit_id = ?", {unit_id}));
  if (rows.empty()) {
    return std::optional<Refusal>(Refusal{StatusCode::kUnauthenticated, "no_bootstrap_secret",
                                          "the unit has no bootstrap secret"});
  }
  if (!SameHash(rows[0].Text(0), internal::BootstrapHash(secret, *presented))) {
    return std::optional<Refusal>(Refusal{StatusCode::kUnauthenticated, "wrong_bootstrap_secret",
                                          "the bootstrap secret does not match"});
  }
  if (!rows[0].IsNull(1)) {
    return std::optional<Refusal>(Refusal{StatusCode::kUnauthenticated, "bootstrap_secret_consumed",
                                          "the bootstrap secret was already consumed"});
  }
  return std::optional<Refusal>();
}

// The profile-3 check at the validation endpoint: the presented certificate
// must be one of the unit's unrevoked charging_station certificates.
Result<std::optional<Refusal>> CheckUnitCertificate(store::Transaction& tx, const units::Unit& unit,
                                                    const ocpp::HandshakeInfo& handshake) {
  if (!handshake.peer_certificate) {
    return std::optional<Refusal>(Refusal{StatusCode::kUnauthenticated, "no_client_certificate",
                                          "no client certificate presented"});
  }
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT 1 FROM certificates WHERE unit_id = ? AND usage = ? "
                                   "AND revoked_at IS NULL AND fingerprint_sha256 = ?",
                                   {unit.id, "charging_station",
                                    Lower(handshake.peer_certificate->sha256_fingerprint)}));
  if (rows.empty()) {
    return std::optional<Refusal>(
        Refusal{StatusCode::kUnauthenticated, "certificate_not_current",
                "the client certificate is not the unit's current certificate"});
  }
  if (!unit.serial || handshake.peer_certificate->subject_cn != *unit.serial) {
    return std::optional<Refusal>(Refusal{StatusCode::kUnauthenticated, "certificate_cn_not_serial",
                                          "the client certificate CN is not the unit's serial"});
  }
  return std::optional<Refusal>();
}

}  // namespace

Result<Admission> AdmitFactory(store::Transaction& tx, const pki::StationSecret& secret,
                               const ocpp::HandshakeInfo& handshake) {
  constexpr Endpoint kEndpoint = Endpoint::kFactory;
  Result<units::Unit> found = units::GetUnitByHardwareId(tx, handshake.identity);
  if (!found.ok()) {
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    return Refuse(tx, kEndpoint, handshake, std::nullopt,
                  {StatusCode::kNotFound, "unknown_hardware_id", "no unit has this hardware ID"});
  }
  const units::Unit& unit = *found;
  if (auto refusal = StateRefusal(kEndpoint, unit.state)) {
    return Refuse(tx, kEndpoint, handshake, unit.id, *refusal);
  }
  AdmissionMethod method = AdmissionMethod::kBootstrapSecret;
  if (UsesPassword(handshake.profile)) {
    EVPROV_ASSIGN_OR_RETURN(auto refusal, CheckBootstrap(tx, secret, unit.id, handshake.password));
    if (refusal) return Refuse(tx, kEndpoint, handshake, unit.id, *refusal);
  } else {
    method = AdmissionMethod::kIdevid;
    if (!handshake.peer_certificate) {
      return Refuse(tx, kEndpoint, handshake, unit.id,
                    {StatusCode::kUnauthenticated, "no_client_certificate",
                     "no IDevID certificate presented"});
    }
    if (handshake.peer_certificate->subject_cn != unit.hardware_id) {
      return Refuse(tx, kEndpoint, handshake, unit.id,
                    {StatusCode::kUnauthenticated, "idevid_cn_mismatch",
                     "the IDevID certificate names another hardware ID"});
    }
  }
  Admission admission = AdmissionOf(unit, method);
  LogAdmitted(kEndpoint, admission, handshake);
  return admission;
}

Result<Admission> AdmitValidation(store::Transaction& tx, const pki::StationSecret& secret,
                                  const ocpp::HandshakeInfo& handshake) {
  constexpr Endpoint kEndpoint = Endpoint::kValidation;
  EVPROV_ASSIGN_OR_RETURN(
      auto ids, tx.Query("SELECT id FROM units WHERE charger_id = ?", {handshake.identity}));
  if (ids.empty()) {
    return Refuse(tx, kEndpoint, handshake, std::nullopt,
                  {StatusCode::kNotFound, "unknown_charger_id", "no unit has this charger ID"});
  }
  EVPROV_ASSIGN_OR_RETURN(units::Unit unit, units::GetUnit(tx, ids[0].Int(0)));
  if (auto refusal = StateRefusal(kEndpoint, unit.state)) {
    return Refuse(tx, kEndpoint, handshake, unit.id, *refusal);
  }
  AdmissionMethod method = AdmissionMethod::kPassword;
  if (UsesPassword(handshake.profile)) {
    Status verified = handshake.password
                          ? pki::VerifyUnitPassword(tx, secret, unit.id, *handshake.password)
                          : Status::Unauthenticated("no password");
    if (verified.code() == StatusCode::kUnauthenticated) {
      return Refuse(tx, kEndpoint, handshake, unit.id,
                    {StatusCode::kUnauthenticated, "wrong_password",
                     "the password is not the unit's current one"});
    }
    EVPROV_TRY(verified);
  } else {
    method = AdmissionMethod::kClientCertificate;
    EVPROV_ASSIGN_OR_RETURN(auto refusal, CheckUnitCertificate(tx, unit, handshake));
    if (refusal) return Refuse(tx, kEndpoint, handshake, unit.id, *refusal);
  }
  Admission admission = AdmissionOf(unit, method);
  LogAdmitted(kEndpoint, admission, handshake);
  return admission;
}

}  // namespace evprov::pipeline
