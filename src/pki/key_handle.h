// Internal: what a Signer's KeyHandle is, and the one Signer implementation
// both backends share (an EVP_PKEY, file-loaded or engine-backed).
#pragma once

#include <string>

#include "evprov/pki/credentials.h"
#include "evprov/pki/signer.h"
#include "pki/ossl.h"

namespace evprov::pki {

struct KeyHandle {
  EVP_PKEY* pkey = nullptr;  // owned by the Signer
};

// Reads the secret a SecretSource names (first line of the file, or the
// variable). kFailedPrecondition if missing or empty; the message names the
// source, never the value.
Result<SecretString> ReadSecret(const SecretSource& source, std::string_view field);

// Backends: return the private key the spec names.
Result<ossl::PKey> LoadFileKey(const KeySpec& spec, const SecretString& passphrase);
// Also returns the DER SubjectPublicKeyInfo (from the token's public object if
// the private key object does not carry it).
struct Pkcs11Key {
  ossl::PKey key;
  std::string spki_der;
};
Result<Pkcs11Key> LoadPkcs11Key(const KeySpec& spec, const SecretString& pin);

}  // namespace evprov::pki
