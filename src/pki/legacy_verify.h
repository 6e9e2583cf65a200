// Internal: the CSR's proof-of-possession check with OpenSSL's low-level
// EC_KEY / RSA verify. OpenSSL 3.0 imports a fresh public key into a provider
// by building a new EC group each time (about a third of a P-256 verify);
// the low-level path shares one group per curve. Deprecated API, so this is
// one of the two files part.cmake compiles with OPENSSL_API_COMPAT.
#pragma once

#include <string_view>

#include "pki/der.h"

namespace evprov::pki {

// Bits of an RSA public key (the subjectPublicKey bits), or 0 if malformed.
int RsaKeyBits(std::string_view rsa_public_key);

// True if `signature` over `data` verifies with the key, using digest md_nid.
// REQUIRES: EC keys on NID_X9_62_prime256v1 or NID_secp384r1, or RSA keys.
bool VerifySignature(const der::Spki& key, int md_nid, std::string_view data,
                     std::string_view signature);

}  // namespace evprov::pki
