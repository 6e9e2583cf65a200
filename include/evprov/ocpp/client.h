// The charging station's side of OCPP-J (used by the simulator and tests):
// connects to ws:// or wss:// endpoint + "/" + percent-encoded identity,
// offers subprotocols, sends Basic credentials (profiles 1, 2) and/or a
// client certificate (profile 3), then exchanges calls like the Server.
//
// Connect failures: HTTP 401 -> kUnauthenticated, 404 -> kNotFound,
// 400 -> kInvalidArgument, other HTTP statuses, TCP and TLS failures ->
// kUnavailable; the message names the step ("tls handshake: ...",
// "http 401 ..."). A server that does not select one of our subprotocols
// -> kFailedPrecondition.
//
// Ownership: a Client owns its connection; it runs on a shared Runtime or on
// one it makes (one thread). Destroying it closes the connection.
// Thread-safety: all methods may be called from any thread, except Close and
// the destructor (which closes, blocking, when still connected) from a
// runtime thread. Destroying a Client that is not connected never blocks.
//
// Server verification (wss): the chain must verify to the trust anchors and
// the certificate must name the endpoint's host (DNS SAN, or IP SAN for an IP
// literal); SNI is sent for host names.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/ocpp/rpc.h"
#include "evprov/ocpp/runtime.h"
#include "evprov/ocpp/server.h"

namespace evprov::ocpp {

struct ClientOptions {
  std::string endpoint;  // "wss://127.0.0.1:8443/ocpp" (identity is appended)
  std::string identity;
  std::optional<std::string> password;  // Basic auth (user = identity); a secret
  TlsFiles tls;                         // ca_file verifies the server; cert/key for profile 3
  // The same material as PEM in memory, used instead of (ca: in addition to)
  // the files: trust anchors (concatenated certificates), the client chain
  // (leaf first) and its private key (a secret).
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  // Optional: installs the client private key itself, for keys a provider
  // holds (a TPM key through tpm2-openssl). Receives the OpenSSL SSL_CTX* (as
  // void*, to keep OpenSSL out of this header) after the certificate chain is
  // loaded; key_file/key_pem are then ignored.
  std::function<Status(void* ssl_ctx)> install_key;
  // Optional: the OpenSSL library context (OSSL_LIB_CTX*, as void*) the TLS
  // context is made in: the one holding the provider of such a key. Not owned.
  void* openssl_library_context = nullptr;
  std::vector<std::string> subprotocols = {"ocpp2.0.1"};
  ConnectionLimits limits;
  std::chrono::milliseconds connect_timeout{10000};
  const MessageValidator* validator = nullptr;       // nullable; must outlive the Client
  std::function<void(const Status& why)> on_closed;  // after the connection ends
};

class Client {
 public:
  Client(ClientOptions options, Handlers handlers, std::shared_ptr<Runtime> runtime = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Blocks until open or failed (bounded by connect_timeout).
  Status Connect();
  void ConnectAsync(std::function<void(Status)> done);

  void Call(std::string action, nlohmann::json payload, CallOptions options, CallCallback done);
  std::future<Result<nlohmann::json>> Call(std::string action, nlohmann::json payload,
                                           CallOptions options = {});

  // Sends raw text (tests: malformed frames). Unavailable when not connected.
  Status SendRawForTest(std::string text);

  bool connected() const;
  std::string subprotocol() const;  // empty until connected
  // Graceful close (normal closure); blocks until closed, bounded. Idempotent.
  void Close();
  // Non-blocking: starts a graceful close (CloseAsync) or drops the TCP
  // connection at once without a close frame (Abort). on_closed reports the
  // end. Safe from any thread, including runtime threads and handlers.
  void CloseAsync();
  void Abort();

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace evprov::ocpp
