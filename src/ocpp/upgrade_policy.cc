#include "ocpp/upgrade_policy.h"

#include "ocpp/handshake.h"

namespace evprov::ocpp {

int ProfileNumber(SecurityProfile profile) {
  switch (profile) {
    case SecurityProfile::kBasicAuth:
      return 1;
    case SecurityProfile::kTlsBasicAuth:
      return 2;
    case SecurityProfile::kMutualTls:
      return 3;
  }
  return 0;
}

OcppVersion VersionOfSubprotocol(std::string_view subprotocol) {
  return subprotocol == "ocpp1.6" ? OcppVersion::kV16 : OcppVersion::kV201;
}

std::variant<SessionInfo, Refusal> DecideUpgrade(const UpgradeRequest& request,
                                                 const AcceptPolicy& policy) {
  if (!request.is_websocket_upgrade) return Refusal{400, "not a WebSocket upgrade request"};
  auto identity = IdentityFromTarget(request.target, policy.path_prefix);
  if (!identity.ok()) {
    unsigned status = identity.status().code() == StatusCode::kNotFound ? 404 : 400;
    return Refusal{status, identity.status().message()};
  }
  auto subprotocol = ChooseSubprotocol(request.protocols, policy.subprotocols);
  if (!subprotocol) return Refusal{400, "Sec-WebSocket-Protocol: no supported subprotocol offered"};

  HandshakeInfo info;
  info.identity = *identity;
  info.subprotocol = *subprotocol;
  info.profile = policy.profile;
  info.remote_address = request.remote_address;
  switch (policy.profile) {
    case SecurityProfile::kBasicAuth:
    case SecurityProfile::kTlsBasicAuth: {
      auto credentials = ParseBasicAuth(request.authorization);
      if (!credentials) return Refusal{401, "Authorization: Basic credentials required"};
      if (credentials->user != info.identity) {
        return Refusal{401, "Authorization: user name is not the identity"};
      }
      info.password = std::move(credentials->password);
      break;
    }
    case SecurityProfile::kMutualTls:
      if (!request.peer_certificate) return Refusal{401, "client certificate required"};
      info.peer_certificate = request.peer_certificate;
      if (policy.cn_match == CnMatch::kIdentity &&
          info.peer_certificate->subject_cn != info.identity) {
        return Refusal{401, "client certificate CN '" + info.peer_certificate->subject_cn +
                                "' is not the identity '" + info.identity + "'"};
      }
      break;
  }
  if (policy.has_room && !policy.has_room()) return Refusal{503, "too many connections"};
  if (!policy.authenticator) return Refusal{401, "no authenticator configured"};

  AuthDecision decision = policy.authenticator(info);
  switch (decision.kind) {
    case AuthDecision::Kind::kUnauthorized:
      return Refusal{401, "authenticator refused the credentials"};
    case AuthDecision::Kind::kNotFound:
      return Refusal{404, "authenticator does not know identity '" + info.identity + "'"};
    case AuthDecision::Kind::kAccept:
      break;
  }
  if (policy.profile == SecurityProfile::kMutualTls && policy.cn_match == CnMatch::kSerial &&
      (decision.serial.empty() || decision.serial != info.peer_certificate->subject_cn)) {
    return Refusal{401, "client certificate CN '" + info.peer_certificate->subject_cn +
                            "' is not the unit's serial '" + decision.serial + "'"};
  }
  SessionInfo session;
  session.identity = std::move(info.identity);
  session.subprotocol = std::move(info.subprotocol);
  session.version = VersionOfSubprotocol(session.subprotocol);
  session.security_profile = ProfileNumber(policy.profile);
  session.remote_address = request.remote_address;
  session.context = std::move(decision.context);
  return session;
}

}  // namespace evprov::ocpp
