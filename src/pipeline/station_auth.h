// Who may connect to the station's listeners, and which unit a session is.
//
// Thin wrappers over admission.h: the factory listener admits units the MES
// registered (bootstrap secret or IDevID) that are not ready, failed or
// scrapped; a validation listener admits a unit under its charger ID with its
// new credentials (profile 2: its current password; profile 3: its current
// certificate, CN = serial, chained to the environment).
//
// Thread-safety: the authenticators may run on any listener thread at once.
#pragma once

#include <cstdint>
#include <optional>

#include "evprov/ocpp/server.h"
#include "pipeline/steps.h"

namespace evprov::pipeline {

ocpp::Authenticator FactoryAuthenticator(const Services& services);
ocpp::Authenticator ValidationAuthenticator(const Services& services,
                                            const EnvironmentRuntime& environment);
// The unit a session was admitted as (the authenticators' context).
std::optional<std::int64_t> UnitIdOf(const ocpp::SessionInfo& session);
// Validate's last act: the unit's bootstrap secret is consumed, so the
// factory endpoint refuses it from now on.
Status ConsumeBootstrapAfterValidation(store::Transaction& tx, std::int64_t unit_id,
                                       std::string_view actor);

}  // namespace evprov::pipeline
