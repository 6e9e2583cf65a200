// TLS contexts for OCPP-J (TLS >= 1.2; OCPP's TLS 1.2 cipher list) and the
// facts the server takes from a verified client certificate.
//
// Thread-safety: a built context is read-only and shared by all connections.
#pragma once

#include <openssl/types.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>

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
// Client: verifies the server against the trust anchors (ca_file and/or
// ca_pem; at least one); presents the client certificate and key when set
// (files, PEM in memory, or a key installed by install_key).
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const ClientOptions& options);

// The peer's leaf certificate after a successful handshake; nullopt if none.
std::optional<PeerCertificate> PeerCertificateOf(SSL* ssl);

}  // namespace evprov::ocpp
