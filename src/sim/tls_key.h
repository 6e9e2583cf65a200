// Puts a charger's private key (software PEM or a TPM blob read through the
// InitTpmKeys context) into an OpenSSL SSL_CTX, for the TLS client
// (ocpp::ClientOptions::install_key). Internal to src/sim.
#pragma once

#include <string_view>

#include "evprov/common/status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace evprov::sim {

// ssl_ctx is an SSL_CTX* (any library context: a TPM key is installed as a
// legacy key whose signatures the TPM computes, see UseTpmPrivateKey). The key
// is a secret: errors never quote it.
Status UsePrivateKey(void* ssl_ctx, std::string_view key_pem);
// Installs a key of the tpm2 provider as the SSL_CTX's private key without
// exporting it: libssl gets a legacy EC key holding the public point and a
// reference to tpm_key (released with the SSL_CTX), whose ECDSA signatures are
// computed by the TPM (tpm_tls_key.cc). Refuses a key that does not match the
// SSL_CTX's certificate, when one is set.
Status UseTpmPrivateKey(void* ssl_ctx, evp_pkey_st* tpm_key);
// The OSSL_LIB_CTX* holding the tpm2 provider (InitTpmKeys); nullptr before.
void* TpmLibraryContext();

}  // namespace evprov::sim
