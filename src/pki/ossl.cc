#include "pki/ossl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>

#include "evprov/common/hex.h"
#include "evprov/common/time.h"

namespace evprov::pki::ossl {

std::string TakeErrors() {
  std::string out;
  char buf[256];
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Status Error(StatusCode code, std::string_view field, std::string_view what) {
  std::string msg = std::string(field) + ": " + std::string(what);
  std::string errors = TakeErrors();
  if (!errors.empty()) msg += " (" + errors + ")";
  return {code, std::move(msg)};
}

Bio MemBio(std::string_view data) {
  return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::string CertPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return BioText(bio.get());
}

std::string CertDer(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

Result<X509Ptr> ParseCertPem(std::string_view pem, std::string_view field) {
  Bio bio = MemBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Error(StatusCode::kInvalidArgument, field, "not a PEM certificate");
  return cert;
}

Result<X509Stack> ParseCertChainPem(std::string_view pem, std::string_view field) {
  Bio bio = MemBio(pem);
  X509Stack chain(sk_X509_new_null());
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(chain.get(), cert);
  }
  ERR_clear_error();  // the read that ends the loop reports "no start line"
  if (sk_X509_num(chain.get()) == 0) {
    return Status::InvalidArgument(std::string(field) + ": no PEM certificate");
  }
  return chain;
}

std::string SpkiDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string CertSpkiDer(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string SpkiSha256Hex(EVP_PKEY* key) {
  return Sha256Hex(SpkiDer(key));
}

bool SetSpki(X509_PUBKEY* pub, int algorithm_nid, int parameter_type, void* parameter,
             std::string_view key_bits) {
  if (algorithm_nid == NID_undef) return false;
  auto* bits = static_cast<unsigned char*>(OPENSSL_memdup(key_bits.data(), key_bits.size()));
  if (bits == nullptr ||
      X509_PUBKEY_set0_param(pub, OBJ_nid2obj(algorithm_nid), parameter_type, parameter, bits,
                             static_cast<int>(key_bits.size())) != 1) {
    OPENSSL_free(bits);
    return false;
  }
  return true;
}

std::string CertFingerprintHex(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BigNum bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string Rfc3339(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return FormatUtc(std::chrono::system_clock::from_time_t(timegm(&tm)));
}

}  // namespace evprov::pki::ossl
