// Interim authenticators until the admission part's are merged.
#include "pipeline/station_auth.h"

#include "evprov/units/units.h"

namespace evprov::pipeline {
namespace {

struct SessionUnit {
  std::int64_t unit_id = 0;
};

ocpp::AuthDecision AcceptUnit(std::int64_t unit_id, std::string serial = {}) {
  return ocpp::AuthDecision::Accept(std::make_shared<SessionUnit>(SessionUnit{unit_id}),
                                    std::move(serial));
}

}  // namespace

ocpp::Authenticator FactoryAuthenticator(const Services& services) {
  return [&services](const ocpp::HandshakeInfo& h) {
    ocpp::AuthDecision d = ocpp::AuthDecision::NotFound();
    (void)store::InTransaction(*services.store, store::TxMode::kRead, [&](store::Transaction& tx) {
      auto unit = units::GetUnitByHardwareId(tx, h.identity);
      if (!unit.ok()) return Status::Ok();
      if (unit->state != units::UnitState::kRegistered &&
          unit->state != units::UnitState::kProvisioning) {
        d = ocpp::AuthDecision::Unauthorized();
        return Status::Ok();
      }
      d = AcceptUnit(unit->id);
      return Status::Ok();
    });
    return d;
  };
}

ocpp::Authenticator ValidationAuthenticator(const Services& services,
                                            const EnvironmentRuntime& environment) {
  (void)environment;
  return [&services](const ocpp::HandshakeInfo& h) {
    ocpp::AuthDecision d = ocpp::AuthDecision::NotFound();
    (void)store::InTransaction(*services.store, store::TxMode::kRead, [&](store::Transaction& tx) {
      EVPROV_ASSIGN_OR_RETURN(auto rows,
                              tx.Query("SELECT id FROM units WHERE charger_id = ?", {h.identity}));
      if (rows.empty()) return Status::Ok();
      EVPROV_ASSIGN_OR_RETURN(units::Unit unit, units::GetUnit(tx, rows[0].Int(0)));
      d = ocpp::AuthDecision::Unauthorized();
      if (unit.state != units::UnitState::kProvisioning && unit.state != units::UnitState::kReady) {
        return Status::Ok();
      }
      if (h.password) {
        if (!pki::VerifyUnitPassword(tx, *services.secret, unit.id, *h.password).ok()) {
          return Status::Ok();
        }
      } else if (!h.peer_certificate) {
        return Status::Ok();
      }
      d = AcceptUnit(unit.id, unit.serial.value_or(""));
      return Status::Ok();
    });
    return d;
  };
}

std::optional<std::int64_t> UnitIdOf(const ocpp::SessionInfo& session) {
  if (!session.context) return std::nullopt;
  return std::static_pointer_cast<SessionUnit>(session.context)->unit_id;
}

}  // namespace evprov::pipeline
