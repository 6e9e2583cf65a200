#include "support/test_pki.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <memory>

namespace evprov::test {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter>;
using CertPtr = std::unique_ptr<X509, Deleter>;
using BioPtr = std::unique_ptr<BIO, Deleter>;

KeyPtr LoadKey(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return nullptr;
  return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

CertPtr LoadCert(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return nullptr;
  return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Makes a key and a certificate for subject, signed by issuer (self when null).
CertFiles Make(const std::string& dir, const std::string& name, const std::string& cn,
               const std::string& org, X509* issuer, EVP_PKEY* issuer_key,
               const std::vector<std::pair<int, std::string>>& exts) {
  CertFiles out{dir + "/" + name + ".pem", dir + "/" + name + ".key.pem"};
  KeyPtr key(EVP_EC_gen("P-256"));
  EXPECT_NE(key, nullptr);
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 30);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject);
  X509_set_pubkey(cert.get(), key.get());
  X509* issuer_cert = issuer ? issuer : cert.get();
  for (const auto& [nid, value] : exts) AddExt(cert.get(), issuer_cert, nid, value);
  EXPECT_GT(X509_sign(cert.get(), issuer_key ? issuer_key : key.get(), EVP_sha256()), 0);

  BioPtr cert_bio(BIO_new_file(out.cert.c_str(), "w"));
  BioPtr key_bio(BIO_new_file(out.key.c_str(), "w"));
  EXPECT_TRUE(cert_bio && key_bio);
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return out;
}

}  // namespace

TestPki::TestPki(std::string dir) : dir_(std::move(dir)) {}

CertFiles TestPki::CreateCa(const std::string& name) {
  return Make(dir_, name + ".ca", name + " Test CA", "evprov test", nullptr, nullptr,
              {{NID_basic_constraints, "critical,CA:TRUE"},
               {NID_key_usage, "critical,keyCertSign,cRLSign"},
               {NID_subject_key_identifier, "hash"}});
}

CertFiles TestPki::IssueServer(const CertFiles& ca, const std::string& name,
                               const std::vector<std::string>& hosts) {
  CertPtr ca_cert = LoadCert(ca.cert);
  KeyPtr ca_key = LoadKey(ca.key);
  EXPECT_TRUE(ca_cert && ca_key);
  std::string san;
  for (const auto& h : hosts) {
    bool ip = !h.empty() && (std::isdigit(static_cast<unsigned char>(h[0])) != 0 ||
                             h.find(':') != std::string::npos);
    san += (san.empty() ? "" : ",") + std::string(ip ? "IP:" : "DNS:") + h;
  }
  return Make(dir_, name, hosts.empty() ? name : hosts.front(), "evprov test", ca_cert.get(),
              ca_key.get(),
              {{NID_basic_constraints, "critical,CA:FALSE"},
               {NID_key_usage, "critical,digitalSignature,keyAgreement"},
               {NID_ext_key_usage, "serverAuth"},
               {NID_subject_alt_name, san},
               {NID_authority_key_identifier, "keyid"}});
}

CertFiles TestPki::IssueClient(const CertFiles& ca, const std::string& common_name,
                               const std::string& organization) {
  CertPtr ca_cert = LoadCert(ca.cert);
  KeyPtr ca_key = LoadKey(ca.key);
  EXPECT_TRUE(ca_cert && ca_key);
  return Make(dir_, "client-" + common_name, common_name, organization, ca_cert.get(), ca_key.get(),
              {{NID_basic_constraints, "critical,CA:FALSE"},
               {NID_key_usage, "critical,digitalSignature,keyAgreement"},
               {NID_authority_key_identifier, "keyid"}});
}

}  // namespace evprov::test
