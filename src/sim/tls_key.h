// Puts a charger's private key (software PEM or a TPM blob read through the
// InitTpmKeys context) into an OpenSSL SSL_CTX, for the TLS client
// (ocpp::ClientOptions::install_key). Internal to src/sim.
#pragma once

#include <string_view>

#include "evprov/common/status.h"

namespace evprov::sim {

// ssl_ctx is an SSL_CTX*. The key is a secret: errors never quote it.
Status UsePrivateKey(void* ssl_ctx, std::string_view key_pem);
// The OSSL_LIB_CTX* holding the tpm2 provider (InitTpmKeys); nullptr before.
// A TLS context that uses a TPM key must be made in it.
void* TpmLibraryContext();

}  // namespace evprov::sim
