// The station's OCPP-J server: WebSocket over TCP (profile 1) or TLS
// (profiles 2 and 3), one security profile pinned per listener, identity from
// the last URL segment, a pluggable Authenticator, handlers per action, and
// calls to a connected charging station by identity.
//
// Refusals before the upgrade (HTTP status): not under path_prefix 404,
// malformed identity 400, no common subprotocol 400, missing/wrong Basic
// credentials 401, client certificate CN mismatch 401, Authenticator 401/404,
// too many connections 503. A peer of another profile fails the TLS handshake
// (no certificate under profile 3, plain TCP to a TLS listener and back).
//
// Ownership: Server owns its threads and sessions; Stop (or the destructor)
// closes every session gracefully, then joins.
// Thread-safety: every method may be called from any thread, except Stop and
// the destructor from a handler (they join the handler's thread). Handlers
// and the Authenticator run on the server's threads, one connection's work
// serialised (a handler may block only its own connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/ocpp/rpc.h"
#include "evprov/ocpp/validation.h"

namespace evprov::ocpp {

enum class SecurityProfile { kBasicAuth = 1, kTlsBasicAuth = 2, kMutualTls = 3 };
int ProfileNumber(SecurityProfile profile);

// Under profile 3: what the client certificate's subject CN must equal.
enum class CnMatch {
  kIdentity,  // the identity in the URL
  kSerial,    // the serial the Authenticator returns in AuthDecision::serial
};

struct PeerCertificate {
  std::string subject_cn;
  std::string serial_hex;          // certificate serial number, upper-case hex
  std::string sha256_fingerprint;  // lower-case hex of SHA-256 over the DER
  std::string pem;
};

// What the Authenticator sees. The password is a secret: never log it.
struct HandshakeInfo {
  std::string identity;
  std::string subprotocol;
  SecurityProfile profile = SecurityProfile::kMutualTls;
  std::optional<std::string> password;              // profiles 1 and 2
  std::optional<PeerCertificate> peer_certificate;  // profile 3 (verified chain)
  std::string remote_address;
};

struct AuthDecision {
  enum class Kind { kAccept, kUnauthorized, kNotFound };
  Kind kind = Kind::kUnauthorized;
  std::shared_ptr<void> context;  // handed to handlers in SessionInfo::context
  std::string serial;             // for CnMatch::kSerial

  static AuthDecision Accept(std::shared_ptr<void> context = nullptr, std::string serial = {}) {
    return {Kind::kAccept, std::move(context), std::move(serial)};
  }
  static AuthDecision Unauthorized() { return {Kind::kUnauthorized, nullptr, {}}; }
  static AuthDecision NotFound() { return {Kind::kNotFound, nullptr, {}}; }
};
// Runs on a server thread during the handshake; keep it quick.
using Authenticator = std::function<AuthDecision(const HandshakeInfo&)>;

struct TlsFiles {
  std::string cert_file;  // PEM chain, leaf first
  std::string key_file;   // PEM private key
  std::string ca_file;    // PEM trust anchors (server: client CAs; client: server CAs)
};

struct ConnectionLimits {
  std::size_t max_frame_bytes = std::size_t{256} * 1024;
  std::chrono::milliseconds handshake_timeout{10000};  // TCP accept to WebSocket open
  std::chrono::milliseconds idle_timeout{60000};       // pings at half of it; silence closes
  std::size_t max_queued_calls = 1000;
  std::size_t max_incoming_in_flight = 8;
  int max_bad_messages = 10;  // consecutive malformed frames before closing
};

struct ServerHooks {
  std::function<void(const SessionInfo&)> on_connected;
  std::function<void(const SessionInfo&, const Status& why)> on_disconnected;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: pick one (see Server::port)
  std::string path_prefix = "/ocpp/";
  SecurityProfile profile = SecurityProfile::kMutualTls;
  bool allow_unencrypted_profile1 = false;  // profile 1 is refused unless set
  TlsFiles tls;
  CnMatch cn_match = CnMatch::kIdentity;
  std::vector<std::string> subprotocols = {"ocpp2.0.1"};  // preference order
  ConnectionLimits limits;
  std::size_t max_connections = 10000;
  int threads = 1;
  const MessageValidator* validator = nullptr;  // nullable; must outlive the Server
};

class Server {
 public:
  Server(ServerOptions options, Authenticator authenticator, Handlers handlers,
         ServerHooks hooks = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. FailedPrecondition for profile 1 without
  // allow_unencrypted_profile1; InvalidArgument for unusable TLS files.
  Status Start();
  // Closes every session (going away), stops accepting, joins. Idempotent.
  void Stop();
  std::uint16_t port() const;

  // Calls the station connected as identity; NotFound when it is not.
  void Call(std::string_view identity, std::string action, nlohmann::json payload,
            CallOptions options, CallCallback done);
  std::future<Result<nlohmann::json>> Call(std::string_view identity, std::string action,
                                           nlohmann::json payload, CallOptions options = {});

  bool IsConnected(std::string_view identity) const;
  std::vector<std::string> ConnectedIdentities() const;
  std::size_t connection_count() const;
  // Closes that station's connection (normal closure). False if not connected.
  bool Disconnect(std::string_view identity);

  class Impl;  // internal: src/ocpp/server_impl.h (coroutine API for the station)
  Impl& impl() { return *impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace evprov::ocpp
