// TLS contexts for OCPP-J (TLS >= 1.2; OCPP's TLS 1.2 cipher list) and the
// facts the server takes from a verified client certificate.
//
// Thread-safety: a built context is read-only and shared by all connections.
#pragma once

#include <openssl/types.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/ocpp/client.h"
#include "evprov/ocpp/server.h"

namespace evprov::ocpp {

// OCPP 2.0.1 A00.FR.318/319: the TLS 1.2 suites a CSMS and a station use.
inline constexpr const char* kOcppTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384";

// Server: cert/key required; with require_client_cert the peer must present a
// certificate that verifies against tls.ca_file (profile 3).
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const TlsFiles& tls,
                                                                        bool require_client_cert);
// A client certificate (leaf, then its chain) and key, parsed once (through
// pki/pem_memo.h), presented on each connection rather than built into a
// context: units with different identities share one context per set of
// trust anchors. Immutable once made; shared between threads.
class ClientIdentity {
 public:
  // The key must match the leaf. Errors name the field, never the key.
  static Result<std::shared_ptr<const ClientIdentity>> FromPem(std::string_view cert_pem,
                                                               std::string_view key_pem);
  ClientIdentity(const ClientIdentity&) = delete;
  ClientIdentity& operator=(const ClientIdentity&) = delete;
  ~ClientIdentity();

  // Sets the certificate, chain and key on one connection before its handshake.
  Status ApplyTo(SSL* ssl) const;

 private:
  ClientIdentity() = default;
  X509* leaf_ = nullptr;
  std::vector<X509*> chain_;
  EVP_PKEY* key_ = nullptr;
};

// What a client connects with: the context, and the identity to present on
// each connection when it is not part of the context.
struct ClientTls {
  std::shared_ptr<boost::asio::ssl::context> context;
  std::shared_ptr<const ClientIdentity> identity;  // may be null
};

// Client: verifies the server against the trust anchors (ca_file and/or
// ca_pem; at least one); presents the client certificate and key when set.
// A PEM identity in memory (cert_pem + key_pem) rides on a context shared
// per set of anchors; files, a key installed by install_key or another
// OpenSSL library context get a context of their own.
Result<ClientTls> MakeClientTls(const ClientOptions& options);

// The peer's leaf certificate after a successful handshake; nullopt if none.
std::optional<PeerCertificate> PeerCertificateOf(SSL* ssl);

}  // namespace evprov::ocpp
