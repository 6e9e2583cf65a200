// Internal: owning handles for OpenSSL objects and error text. Never included
// from a public header (OpenSSL stays out of include/evprov).
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "evprov/common/status.h"

namespace evprov::pki::ossl {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
template <typename T, void (*F)(T*)>
using Ptr = std::unique_ptr<T, Deleter<T, F>>;

using Bio = Ptr<BIO, BIO_free_all>;
using PKey = Ptr<EVP_PKEY, EVP_PKEY_free>;
using PKeyCtx = Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtx = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using X509Ptr = Ptr<X509, X509_free>;
using X509Req = Ptr<X509_REQ, X509_REQ_free>;
using X509Crl = Ptr<X509_CRL, X509_CRL_free>;
using X509Name = Ptr<X509_NAME, X509_NAME_free>;
using X509Store = Ptr<X509_STORE, X509_STORE_free>;
using X509StoreCtx = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509Revoked = Ptr<X509_REVOKED, X509_REVOKED_free>;
using Asn1Integer = Ptr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1Time = Ptr<ASN1_TIME, ASN1_TIME_free>;
using Asn1OctetString = Ptr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1BitString = Ptr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using BigNum = Ptr<BIGNUM, BN_free>;
using Cms = Ptr<CMS_ContentInfo, CMS_ContentInfo_free>;

inline void FreeX509Stack(STACK_OF(X509) * s) {
  sk_X509_pop_free(s, X509_free);
}
using X509Stack = Ptr<STACK_OF(X509), FreeX509Stack>;

// The OpenSSL error queue as one line (and clears it). Never contains secrets:
// OpenSSL errors name functions and reasons, not data.
std::string TakeErrors();

// Status "<field>: <what> (<openssl errors>)".
Status Error(StatusCode code, std::string_view field, std::string_view what);

// A read-only memory BIO over text.
Bio MemBio(std::string_view data);
// Everything written into a memory BIO.
std::string BioText(BIO* bio);

// PEM of a certificate / DER of a certificate.
std::string CertPem(X509* cert);
std::string CertDer(X509* cert);
// Parses one PEM certificate.
Result<X509Ptr> ParseCertPem(std::string_view pem, std::string_view field);
// Parses every PEM certificate in the text (at least one).
Result<X509Stack> ParseCertChainPem(std::string_view pem, std::string_view field);

// DER of the SubjectPublicKeyInfo / its hex SHA-256.
std::string SpkiDer(EVP_PKEY* key);
std::string SpkiSha256Hex(EVP_PKEY* key);
// Sets a SubjectPublicKeyInfo's algorithm, parameter (an ASN1_OBJECT for
// V_ASN1_OBJECT, else null) and key bits as given, without an EVP_PKEY: on
// OpenSSL 3.0, X509_PUBKEY_set encodes the key and parses it again through
// the provider decoders, which costs more than a signature. False on failure.
bool SetSpki(X509_PUBKEY* pub, int algorithm_nid, int parameter_type, void* parameter,
             std::string_view key_bits);
// DER SubjectPublicKeyInfo of a certificate, as encoded in it.
std::string CertSpkiDer(X509* cert);
// Hex SHA-256 over a certificate's DER (its fingerprint).
std::string CertFingerprintHex(X509* cert);
// Upper-case hex of a certificate serial number.
std::string SerialHex(const ASN1_INTEGER* serial);
// RFC 3339 UTC of an ASN1_TIME.
std::string Rfc3339(const ASN1_TIME* t);

}  // namespace evprov::pki::ossl
