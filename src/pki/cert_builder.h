// Internal: the one place that builds and signs X.509 certificates and
// signs CRLs (extensions built directly, no config-string parsing).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "pki/ossl.h"

namespace evprov::pki {

// KeyUsage bits (RFC 5280 4.2.1.3).
enum KeyUsageBit : unsigned {
  kDigitalSignature = 1u << 0,
  kNonRepudiation = 1u << 1,
  kKeyEncipherment = 1u << 2,
  kKeyAgreement = 1u << 4,
  kKeyCertSign = 1u << 5,
  kCrlSign = 1u << 6,
};

struct CertParams {
  // Subject: O=organization, CN=common_name.
  std::string organization;
  std::string common_name;
  std::string_view subject_spki_der;  // DER SubjectPublicKeyInfo
  // The issuer; nullptr for a self-signed certificate.
  X509* issuer = nullptr;
  // The issuer's subject key identifier (AKI); nullptr for self-signed.
  const ASN1_OCTET_STRING* issuer_key_id = nullptr;
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  bool is_ca = false;
  int path_length = -1;  // CA only; -1 = unlimited
  unsigned key_usage = 0;
  int extended_key_usage_nid = NID_undef;  // e.g. NID_server_auth
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};

// The certificate's DER, PEM, SHA-256 fingerprint from one encoding.
struct EncodedCert {
  std::string pem;
  std::string fingerprint_sha256;
};
EncodedCert Encode(X509* cert);
// PEM (RFC 7468) of a DER certificate.
std::string DerToPem(std::string_view der);

// Builds the certificate (random positive 128-bit serial, v3) and signs it
// with SHA-256 (ECDSA, or RSA-PSS for an RSA key). `sign_template`, if given,
// is a NewSigningContext for signing_key that is copied instead of set up
// again (it is only read, so one template may serve several threads).
Result<ossl::X509Ptr> BuildAndSign(const CertParams& params, EVP_PKEY* signing_key,
                                   const EVP_MD_CTX* sign_template = nullptr);

// A digest context ready to sign with the key (RSA keys: PSS padding).
Result<ossl::MdCtx> NewSigningContext(EVP_PKEY* key);

// The certificate's subject key identifier (copy), or nullptr.
ossl::Asn1OctetString SubjectKeyId(X509* cert);

// The UTF-8 text of a name entry, and of the first entry with the NID ("" if none).
std::string EntryText(const X509_NAME_ENTRY* entry);
std::string EntryText(const X509_NAME* name, int nid);

// One-line RFC 2253 form of a name.
std::string NameText(const X509_NAME* name);

// Seconds-precision point to ASN1 time (UTCTime until 2049, then GeneralizedTime).
ossl::Asn1Time ToAsn1(std::chrono::system_clock::time_point t);

}  // namespace evprov::pki
