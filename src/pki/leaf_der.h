// Internal: charging station certificates written as DER directly.
//
// The certificate's shape is fixed (v3, O+CN subject, four extensions), so the
// TBSCertificate is written byte by byte around the variable parts (serial,
// validity, CN, key, SKI) and signed once: no X509 object, no ASN.1 template
// encoding, no name or extension copies. The result is byte-for-byte the DER
// that OpenSSL writes for the same fields (tests parse and verify it).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "evprov/common/status.h"
#include "pki/ossl.h"

namespace evprov::pki {

// What stays the same for every certificate a CA issues.
struct LeafTemplate {
  std::string issuer_name_der;      // the CA's subject Name
  std::string signature_algorithm;  // AlgorithmIdentifier the CA's key signs with
  std::string authority_key_id;     // the CA's SKI (AKI keyIdentifier)
};

struct LeafFields {
  std::string_view serial;  // 16 random bytes (unsigned)
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::string_view organization;
  std::string_view common_name;
  std::string_view spki_der;  // canonical SubjectPublicKeyInfo (csr_policy.h)
  std::string_view key_bits;  // its subjectPublicKey bits (for the SKI)
  unsigned key_usage = 0;     // KeyUsageBit set
};

// The certificate's DER, signed by copying `sign_template` (see cert_builder.h).
Result<std::string> WriteLeafCertificate(const LeafTemplate& ca, const LeafFields& leaf,
                                         const EVP_MD_CTX* sign_template);

// RFC 2253 text of "O=<organization>, CN=<common_name>" as X509_NAME_print_ex
// (XN_FLAG_RFC2253) prints it: "CN=...,O=...".
std::string SubjectText(std::string_view organization, std::string_view common_name);

}  // namespace evprov::pki
