// Shared set-up for the OCPP transport tests: echo handlers, a server per
// profile, clients, and a test PKI (two CAs, server and client certificates).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "evprov/ocpp/client.h"
#include "evprov/ocpp/server.h"
#include "ocpp/fake_validator.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace evprov::ocpp::test {

using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr const char* kPassword = "s3cret-Passw0rd-1234";

// "Echo" answers {"text": <text>, "from": <identity>}.
inline Handlers EchoHandlers() {
  Handlers h;
  h.OnSync("Echo", [](const SessionInfo& s, const json& p) -> HandlerResult {
    return json{{"text", p.value("text", "")}, {"from", s.identity}};
  });
  return h;
}

// Accepts every identity whose password is kPassword (profiles 1, 2) or that
// presents a verified certificate (profile 3).
inline Authenticator AcceptAll() {
  return [](const HandshakeInfo& info) {
    if (info.profile != SecurityProfile::kMutualTls && info.password != kPassword) {
      return AuthDecision::Unauthorized();
    }
    return AuthDecision::Accept(std::make_shared<std::string>("ctx:" + info.identity));
  };
}

struct Pki {
  Pki() : pki(dir.path()) {
    ca = pki.CreateCa("factory");
    other_ca = pki.CreateCa("other");
    server = pki.IssueServer(ca, "station");
  }
  TlsFiles ServerTls() const { return {server.cert, server.key, ca.cert}; }
  TlsFiles ClientTls(const evprov::test::CertFiles& client) const {
    return {client.cert, client.key, ca.cert};
  }
  evprov::test::TempDir dir;
  evprov::test::TestPki pki;
  evprov::test::CertFiles ca, other_ca, server;
};

inline ServerOptions Profile1Options() {
  ServerOptions o;
  o.profile = SecurityProfile::kBasicAuth;
  o.allow_unencrypted_profile1 = true;
  o.limits.handshake_timeout = 3s;
  return o;
}

inline std::string Url(const Server& server, bool tls, const std::string& path = "/ocpp") {
  return std::string(tls ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(server.port()) + path;
}

inline ClientOptions ClientFor(const Server& server, const std::string& identity, bool tls) {
  ClientOptions o;
  o.endpoint = Url(server, tls);
  o.identity = identity;
  o.connect_timeout = 3s;
  o.limits.handshake_timeout = 3s;
  return o;
}

}  // namespace evprov::ocpp::test
