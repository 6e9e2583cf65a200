// The station's listeners authenticate with the admission part's checks.
#include "pipeline/station_auth.h"

#include "evprov/pipeline/admission.h"

namespace evprov::pipeline {
namespace {

// The Station borrows its secret; the adapters want shared ownership.
std::shared_ptr<const pki::StationSecret> Borrowed(const pki::StationSecret* secret) {
  return {secret, [](const pki::StationSecret*) {}};
}

}  // namespace

ocpp::Authenticator FactoryAuthenticator(const Services& services) {
  return MakeFactoryAuthenticator(*services.store, Borrowed(services.secret));
}

ocpp::Authenticator ValidationAuthenticator(const Services& services,
                                            const EnvironmentRuntime& environment) {
  (void)environment;  // the listener's client CAs are the environment's chain
  return MakeValidationAuthenticator(*services.store, Borrowed(services.secret));
}

std::optional<std::int64_t> UnitIdOf(const ocpp::SessionInfo& session) {
  const Admission* admission = SessionAdmission(session.context);
  if (admission == nullptr) return std::nullopt;
  return admission->unit_id;
}

Status ConsumeBootstrapAfterValidation(store::Transaction& tx, std::int64_t unit_id,
                                       std::string_view actor) {
  return ConsumeBootstrapSecret(tx, unit_id, "validation_connected", actor);
}

}  // namespace evprov::pipeline
