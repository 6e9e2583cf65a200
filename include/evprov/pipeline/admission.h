// Admission: who may connect to the station's factory and validation
// endpoints, and the one-time bootstrap secrets the MES hands to chargers.
//
// Factory endpoint (identity = the unit's hardware ID): the MES registered the
// unit, and the charger proves it is that unit either by its one-time
// bootstrap secret as the Basic-auth password (security profile 2) or by its
// IDevID certificate (profile 3; the listener verified the chain against the
// manufacturer CA and that CN == identity).
//
// Validation endpoint (identity = the unit's charger ID): only the unit's new
// credentials are accepted: its current BasicAuthPassword (profile 2) or its
// current, unrevoked charging_station certificate (profile 3, fingerprint
// match). A bootstrap secret, an old password or a superseded certificate is
// refused.
//
// Bootstrap secrets are "one-time" per provisioning: issued at registration
// (or reprovision), valid for the factory phase of that provisioning, and
// consumed by the pipeline when the unit's own new credentials are proven (its
// first successful validation connection). Reissuing replaces the earlier
// secret. Only HMAC-SHA-256(station secret, bootstrap secret) is stored.
//
// Every refusal appends an `admission.refused` audit entry (identity, reason,
// remote address, endpoint; never a password) into the caller's transaction
// AND returns the error: the caller must commit the transaction anyway (the
// authenticator adapters below do). Admissions are logged, not audited.
//
// Ownership: free functions over the caller's Transaction; the adapters hold
// the Store by reference (it must outlive the returned Authenticator) and share
// the StationSecret.
// Thread-safety: an Authenticator may run on several server threads at once;
// each call opens its own short write transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "evprov/common/status.h"
#include "evprov/ocpp/server.h"
#include "evprov/pki/credentials.h"
#include "evprov/store/store.h"
#include "evprov/units/units.h"

namespace evprov::pipeline {

// Length of a bootstrap secret (characters of pki::kOcppPasswordCharset).
inline constexpr int kBootstrapSecretLength = 32;

enum class AdmissionMethod {
  kBootstrapSecret,    // factory, profile 1/2: the one-time bootstrap secret
  kIdevid,             // factory, profile 3: the manufacturer's device certificate
  kPassword,           // validation, profile 1/2: the unit's BasicAuthPassword
  kClientCertificate,  // validation, profile 3: the unit's charging_station certificate
};
// "bootstrap", "idevid", "password", "certificate".
std::string_view AdmissionMethodName(AdmissionMethod method);

// Who was admitted; attached to the session as its context
// (std::shared_ptr<void> holding an Admission, see SessionAdmission).
struct Admission {
  std::int64_t unit_id = 0;
  std::string hardware_id;
  std::string serial;      // "" until the unit has one
  std::string charger_id;  // "" until the unit has one
  AdmissionMethod method = AdmissionMethod::kBootstrapSecret;
  units::UnitState state = units::UnitState::kRegistered;  // at admission time
  // Admission order in this process (from 1): of two sessions of one charger,
  // the one admitted later has the higher number. Events of different
  // sessions reach the unit's runner from different listener threads, so
  // their order of arrival does not tell which session is the newer one.
  std::uint64_t sequence = 0;
};

// Issues a one-time bootstrap secret (kBootstrapSecretLength characters of
// the OCPP BasicAuthPassword set) for the unit, stores only its keyed hash,
// replaces any earlier one (consumed or not) and audits
// (`admission.bootstrap_issue`, without the secret). kNotFound for an unknown
// unit; kFailedPrecondition for a scrapped one. REQUIRES: write transaction.
Result<pki::SecretString> IssueBootstrapSecret(store::Transaction& tx,
                                               const pki::StationSecret& secret,
                                               std::int64_t unit_id, std::string_view actor);

// Marks the unit's bootstrap secret consumed (`reason`, e.g.
// "validation_connected", "scrapped"), audited. Afterwards it is refused.
// Idempotent: ok when there is none or it is already consumed (no audit then).
Status ConsumeBootstrapSecret(store::Transaction& tx, std::int64_t unit_id, std::string_view reason,
                              std::string_view actor = "station");

// Whether the unit has a bootstrap secret that is not consumed.
Result<bool> HasUnconsumedBootstrapSecret(store::Transaction& tx, std::int64_t unit_id);
// Whether the unit was ever given a bootstrap secret (consumed or not).
Result<bool> HasBootstrapSecret(store::Transaction& tx, std::int64_t unit_id);

// Factory endpoint check. Refusals (each audited, see above):
//   kNotFound            unknown hardware ID (reason unknown_hardware_id)
//   kUnauthenticated     no/wrong/consumed bootstrap secret, no IDevID,
//                        IDevID CN not the identity
//   kFailedPrecondition  unit ready, failed (needs `evprov unit reprovision`)
//                        or scrapped; the reason names the state
// REQUIRES: write transaction (the refusal's audit entry).
Result<Admission> AdmitFactory(store::Transaction& tx, const pki::StationSecret& secret,
                               const ocpp::HandshakeInfo& handshake);

// Validation endpoint check; identity = charger ID. Refusals as AdmitFactory
// (kNotFound for an unknown charger ID; kFailedPrecondition unless the unit is
// provisioning or ready). For profile 3 the Admission's serial is what the
// listener compares with the certificate CN (CnMatch::kSerial).
Result<Admission> AdmitValidation(store::Transaction& tx, const pki::StationSecret& secret,
                                  const ocpp::HandshakeInfo& handshake);

// ocpp::Server authenticators: run the check in a short write transaction that
// commits even on refusal, map kNotFound -> 404, any other error -> 401, and
// attach the Admission as the session context. `store` must outlive them.
ocpp::Authenticator MakeFactoryAuthenticator(store::Store& store,
                                             std::shared_ptr<const pki::StationSecret> secret);
ocpp::Authenticator MakeValidationAuthenticator(store::Store& store,
                                                std::shared_ptr<const pki::StationSecret> secret);

// --- reprovision and scrap (`evprov unit reprovision|scrap`) ------------------

struct Reprovisioned {
  int revoked_certificates = 0;  // revoked as superseded
  bool password_removed = false;
  // A new bootstrap secret, issued when the unit had one (it was admitted, or
  // meant to be, by bootstrap secret rather than IDevID).
  std::optional<pki::SecretString> bootstrap_secret;
};

// Starts a unit's provisioning over: revokes its certificates (superseded),
// removes its password hash, moves it to registered (step cleared; the
// pipeline's journal rows stay and a `reprovision` record is appended) and
// reissues its bootstrap secret if it had one; audited as `unit.reprovision`
// with the reason. The unit keeps its serial and charger ID. A registered
// unit only gets its new bootstrap secret. kFailedPrecondition for a
// scrapped unit. REQUIRES: write transaction.
Result<Reprovisioned> ReprovisionUnit(store::Transaction& tx, const pki::StationSecret& secret,
                                      std::int64_t unit_id, std::string_view reason,
                                      std::string_view actor);

// Retires a unit for good: revokes its certificates (cessation_of_operation),
// consumes its bootstrap secret, removes its password hash, state scrapped
// (terminal) with the reason; audited. Returns how many certificates were
// revoked. kInvalidArgument without a reason; kFailedPrecondition if scrapped.
Result<int> ScrapUnit(store::Transaction& tx, std::int64_t unit_id, std::string_view reason,
                      std::string_view actor);

// The Admission a session was admitted with: SessionInfo::context as set by
// the adapters above (REQUIRES: no other kind of context); nullptr for none.
const Admission* SessionAdmission(const std::shared_ptr<void>& context);

}  // namespace evprov::pipeline
