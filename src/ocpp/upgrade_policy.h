// The server's decision on one WebSocket upgrade request, no I/O: path and
// identity, subprotocol, the pinned security profile's credentials, the
// connection limit, then the Authenticator.
//
// Thread-safety: DecideUpgrade is reentrant; it calls policy.authenticator.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "evprov/ocpp/rpc.h"
#include "evprov/ocpp/server.h"

namespace evprov::ocpp {

struct AcceptPolicy {
  SecurityProfile profile = SecurityProfile::kMutualTls;
  std::string path_prefix = "/ocpp/";
  std::vector<std::string> subprotocols;
  CnMatch cn_match = CnMatch::kIdentity;
  ConnectionLimits limits;
  Authenticator authenticator;
  std::function<bool()> has_room;  // false: refuse with 503
};

// The parts of the HTTP request the decision needs.
struct UpgradeRequest {
  bool is_websocket_upgrade = false;
  std::string target;
  std::string protocols;      // Sec-WebSocket-Protocol
  std::string authorization;  // Authorization (a secret)
  std::string remote_address;
  std::optional<PeerCertificate> peer_certificate;  // after a verified TLS handshake
};

struct Refusal {
  unsigned http_status = 400;
  std::string reason;  // logged and sent as the body; never a secret
};

std::variant<SessionInfo, Refusal> DecideUpgrade(const UpgradeRequest& request,
                                                 const AcceptPolicy& policy);

OcppVersion VersionOfSubprotocol(std::string_view subprotocol);

}  // namespace evprov::ocpp
