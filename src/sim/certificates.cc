#include "evprov/sim/certificates.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "evprov/common/hex.h"
#include "pki/ossl.h"
#include "pki/pem_memo.h"
#include "sim/tls_key.h"

namespace evprov::sim {
namespace {

struct Free {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509_REQ* p) const { X509_REQ_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(char* p) const { OPENSSL_free(p); }
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

Ptr<BIO> MemBio(std::string_view text) {
  return Ptr<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// Certificates and software keys are parsed once per PEM text (a fleet sees
// the same CSMS root in every unit, and a unit's key for its CSR, the check
// of its certificate and its TLS connection): pki::ossl::MemoCert(s) and
// MemoKey (pki/pem_memo.h).

// The library context holding the tpm2 and default providers (InitTpmKeys).
struct TpmContext {
  std::once_flag once;
  Status status = Status::FailedPrecondition("tpm: InitTpmKeys was not called");
  OSSL_LIB_CTX* ctx = nullptr;  // lives until exit, like the providers in it
};
TpmContext& Tpm() {
  static TpmContext tpm;
  return tpm;
}

bool IsTpmBlob(std::string_view pem) {
  return pem.find("-----BEGIN TSS2 PRIVATE KEY-----") != std::string_view::npos;
}

// Software keys are memoized; a TPM key is loaded fresh each time (it holds
// a handle into the TPM).
pki::ossl::PKey ReadPrivateKey(std::string_view pem) {
  if (!IsTpmBlob(pem)) return pki::ossl::MemoKey(pem);
  if (Tpm().ctx == nullptr) return nullptr;
  auto bio = MemBio(pem);
  return pki::ossl::PKey(
      PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, nullptr, nullptr, Tpm().ctx, nullptr));
}

const EVP_MD* Digest(std::string_view name) {
  if (name == "SHA256") return EVP_sha256();
  if (name == "SHA384") return EVP_sha384();
  if (name == "SHA512") return EVP_sha512();
  return nullptr;
}

std::string DigestHex(const EVP_MD* md, const unsigned char* data, std::size_t size) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data, size, out, &len, md, nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

std::string CommonName(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

// Sets an EC key's SubjectPublicKeyInfo (named curve, uncompressed point) in
// the request from the key's parameters (pki::ossl::SetSpki): without the
// encode-and-parse-again of X509_REQ_set_pubkey. False when the key does not
// give its point and curve (then the caller takes X509_REQ_set_pubkey).
bool SetEcPublicKey(X509_REQ* req, EVP_PKEY* key) {
  unsigned char point[133];  // an uncompressed point of a curve up to P-521
  std::size_t len = 0;
  char group[64];
  if (EVP_PKEY_is_a(key, "EC") != 1 ||
      EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point,
                                      &len) != 1 ||
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     nullptr) != 1) {
    return false;
  }
  const int curve = OBJ_sn2nid(group);
  return curve != NID_undef &&
         pki::ossl::SetSpki(X509_REQ_get_X509_PUBKEY(req), NID_X9_62_id_ecPublicKey, V_ASN1_OBJECT,
                            OBJ_nid2obj(curve),
                            std::string_view(reinterpret_cast<const char*>(point), len));
}

}  // namespace

Status UsePrivateKey(void* ssl_ctx, std::string_view key_pem) {
  auto key = ReadPrivateKey(key_pem);
  if (!key) {
    ERR_clear_error();
    return Status::InvalidArgument(IsTpmBlob(key_pem) ? "client key: cannot load the TPM key"
                                                      : "client key: cannot read the private key");
  }
  if (IsTpmBlob(key_pem)) return UseTpmPrivateKey(ssl_ctx, key.get());
  if (SSL_CTX_use_PrivateKey(static_cast<SSL_CTX*>(ssl_ctx), key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("client key: rejected by the TLS context");
  }
  return Status::Ok();
}

void* TpmLibraryContext() {
  return Tpm().ctx;
}

std::string_view CertificateUseName(CertificateUse use) {
  switch (use) {
    case CertificateUse::kCsmsRoot:
      return "CSMSRootCertificate";
    case CertificateUse::kManufacturerRoot:
      return "ManufacturerRootCertificate";
    case CertificateUse::kV2gRoot:
      return "V2GRootCertificate";
    case CertificateUse::kMoRoot:
      return "MORootCertificate";
  }
  return "CSMSRootCertificate";
}

std::optional<CertificateUse> ParseCertificateUse(std::string_view name) {
  for (CertificateUse u : {CertificateUse::kCsmsRoot, CertificateUse::kManufacturerRoot,
                           CertificateUse::kV2gRoot, CertificateUse::kMoRoot}) {
    if (CertificateUseName(u) == name) return u;
  }
  return std::nullopt;
}

nlohmann::json CertificateHashData::ToJson() const {
  return {{"hashAlgorithm", hash_algorithm},
          {"issuerNameHash", issuer_name_hash},
          {"issuerKeyHash", issuer_key_hash},
          {"serialNumber", serial_number}};
}

Result<CertificateHashData> CertificateHashData::FromJson(const nlohmann::json& j) {
  CertificateHashData h;
  for (const char* field : {"hashAlgorithm", "issuerNameHash", "issuerKeyHash", "serialNumber"}) {
    if (!j.contains(field) || !j[field].is_string()) {
      return Status::InvalidArgument(std::string("certificateHashData.") + field + ": missing");
    }
  }
  h.hash_algorithm = j["hashAlgorithm"].get<std::string>();
  h.issuer_name_hash = j["issuerNameHash"].get<std::string>();
  h.issuer_key_hash = j["issuerKeyHash"].get<std::string>();
  h.serial_number = j["serialNumber"].get<std::string>();
  return h;
}

Result<CertificateHashData> HashDataOf(std::string_view pem, std::string_view hash_algorithm) {
  const EVP_MD* md = Digest(hash_algorithm);
  if (md == nullptr) {
    return Status::InvalidArgument("hashAlgorithm: '" + std::string(hash_algorithm) +
                                   "' is not SHA256, SHA384 or SHA512");
  }
  auto cert = pki::ossl::MemoCert(pem);
  if (!cert) return Status::InvalidArgument("certificate: not a PEM X.509 certificate");
  CertificateHashData h;
  h.hash_algorithm = std::string(hash_algorithm);
  unsigned char* name_der = nullptr;
  int name_len = i2d_X509_NAME(X509_get_issuer_name(cert.get()), &name_der);
  if (name_len <= 0) return Status::Internal("certificate: cannot encode the issuer name");
  Ptr<unsigned char> name_holder(name_der);
  h.issuer_name_hash = DigestHex(md, name_der, static_cast<std::size_t>(name_len));
  // The issuer's key (OCSP CertID style: the BIT STRING contents); self-signed → own key.
  const ASN1_BIT_STRING* key_bits = X509_get0_pubkey_bitstr(cert.get());
  h.issuer_key_hash = DigestHex(md, ASN1_STRING_get0_data(key_bits),
                                static_cast<std::size_t>(ASN1_STRING_length(key_bits)));
  Ptr<BIGNUM> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
  Ptr<char> hex(BN_bn2hex(serial.get()));
  std::string s(hex.get());
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t nz = s.find_first_not_of('0');
  h.serial_number = nz == std::string::npos ? "0" : s.substr(nz);
  return h;
}

// --- store ----------------------------------------------------------------------------

InstallStatus CertificateStore::Install(CertificateUse use, std::string_view pem,
                                        std::chrono::system_clock::time_point now,
                                        std::string* why) {
  auto cert = pki::ossl::MemoCert(pem);
  if (!cert) {
    *why = "certificate: not a PEM X.509 certificate";
    return InstallStatus::kRejected;
  }
  if (X509_check_ca(cert.get()) == 0) {
    *why = "certificate: not a CA certificate (basicConstraints CA:TRUE)";
    return InstallStatus::kRejected;
  }
  time_t t = std::chrono::system_clock::to_time_t(now);
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &t) < 0 ||
      X509_cmp_time(X509_get0_notBefore(cert.get()), &t) > 0) {
    *why = "certificate: not valid at the charger's current time";
    return InstallStatus::kRejected;
  }
  for (const auto& e : entries_) {
    auto other = pki::ossl::MemoCert(e.pem);
    if (e.use == use && other && X509_cmp(other.get(), cert.get()) == 0) {
      return InstallStatus::kAccepted;
    }
  }
  if (entries_.size() >= kMaxEntries) {
    *why = "certificate: the store is full (" + std::to_string(kMaxEntries) + " entries)";
    return InstallStatus::kRejected;
  }
  // Keep the canonical PEM of the first certificate only.
  Ptr<BIO> out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), cert.get());
  entries_.push_back(Entry{use, BioString(out.get())});
  return InstallStatus::kAccepted;
}

DeleteStatus CertificateStore::Delete(const CertificateHashData& hash) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    auto h = HashDataOf(it->pem, hash.hash_algorithm);
    if (!h.ok()) return DeleteStatus::kFailed;
    if (*h == hash) {
      entries_.erase(it);
      return DeleteStatus::kAccepted;
    }
  }
  return DeleteStatus::kNotFound;
}

std::vector<std::pair<CertificateUse, CertificateHashData>> CertificateStore::List(
    const std::vector<CertificateUse>& uses) const {
  std::vector<std::pair<CertificateUse, CertificateHashData>> out;
  for (const auto& e : entries_) {
    if (!uses.empty() && std::find(uses.begin(), uses.end(), e.use) == uses.end()) continue;
    auto h = HashDataOf(e.pem, "SHA256");
    if (h.ok()) out.emplace_back(e.use, std::move(h).value());
  }
  return out;
}

std::vector<std::string> CertificateStore::Pems(CertificateUse use) const {
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (e.use == use) out.push_back(e.pem);
  }
  return out;
}

bool CertificateStore::Has(CertificateUse use) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [use](const Entry& e) { return e.use == use; });
}

nlohmann::json CertificateStore::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries_)
    out.push_back({{"use", CertificateUseName(e.use)}, {"pem", e.pem}});
  return out;
}

Result<CertificateStore> CertificateStore::FromJson(const nlohmann::json& j) {
  CertificateStore store;
  if (!j.is_array()) return Status::InvalidArgument("certificates: not an array");
  for (const auto& e : j) {
    auto use = ParseCertificateUse(e.value("use", ""));
    if (!use || !e.contains("pem") || !e["pem"].is_string()) {
      return Status::InvalidArgument("certificates[" + std::to_string(store.entries_.size()) +
                                     "]: needs a known use and a pem");
    }
    store.entries_.push_back(Entry{*use, e["pem"].get<std::string>()});
  }
  return store;
}

// --- keys and CSRs ------------------------------------------------------------------

Status InitTpmKeys(const std::string& tcti) {
  TpmContext& tpm = Tpm();
  std::call_once(tpm.once, [&tpm, &tcti] {
    // tpm2-openssl reads its TCTI from the environment when the provider loads.
    if (!tcti.empty()) ::setenv("TPM2OPENSSL_TCTI", tcti.c_str(), 1);
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    if (ctx == nullptr || OSSL_PROVIDER_load(ctx, "tpm2") == nullptr ||
        OSSL_PROVIDER_load(ctx, "default") == nullptr) {
      tpm.status = Status::Unavailable("tpm: cannot load the tpm2 provider (tpm2-openssl)");
      return;
    }
    tpm.ctx = ctx;
    tpm.status = Status::Ok();
  });
  return tpm.status;
}

Result<std::string> GenerateP256Key(KeyStorage storage) {
  OSSL_LIB_CTX* ctx = nullptr;
  const char* properties = nullptr;
  switch (storage) {
    case KeyStorage::kSoftware:
      break;
    case KeyStorage::kTpm:
      EVPROV_TRY(Tpm().status);
      ctx = Tpm().ctx;
      properties = "provider=tpm2";
      break;
  }
  Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(ctx, properties, "EC", "P-256"));
  if (!key) return Status::Internal("key: EC P-256 generation failed");
  Ptr<BIO> out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey_ex(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr, ctx,
                                  properties) != 1) {
    return Status::Internal("key: cannot encode the private key");
  }
  std::string pem = BioString(out.get());
  if (storage == KeyStorage::kSoftware) pki::ossl::MemoRememberKey(pem, key.get());
  return pem;
}

Result<std::string> PublicKeyFingerprint(std::string_view key_or_cert_pem) {
  pki::ossl::PKey key;
  if (key_or_cert_pem.find("CERTIFICATE-----") != std::string_view::npos) {
    auto cert = pki::ossl::MemoCert(key_or_cert_pem);
    if (cert) key.reset(X509_get_pubkey(cert.get()));
  } else if (key_or_cert_pem.find("PUBLIC KEY-----") != std::string_view::npos &&
             key_or_cert_pem.find("PRIVATE") == std::string_view::npos) {
    auto bio = MemBio(key_or_cert_pem);
    key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  } else {
    key = ReadPrivateKey(key_or_cert_pem);
  }
  if (!key) return Status::InvalidArgument("key: not a PEM key or certificate");
  return pki::ossl::SpkiSha256Hex(key.get());
}

Result<std::string> MakeCsr(const CsrRequest& request) {
  auto key = ReadPrivateKey(request.key_pem);
  if (!key) return Status::InvalidArgument("csr: the key is not a PEM private key");
  if (request.common_name.empty()) return Status::InvalidArgument("csr.subject.CN: empty");
  // A TPM key signs through the TPM's library context.
  OSSL_LIB_CTX* ctx = IsTpmBlob(request.key_pem) ? Tpm().ctx : nullptr;
  Ptr<X509_REQ> req(X509_REQ_new_ex(ctx, nullptr));
  X509_REQ_set_version(req.get(), 0);
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  auto add = [name](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  if (!request.organization.empty() && !add("O", request.organization)) {
    return Status::InvalidArgument("csr.subject.O: cannot be encoded");
  }
  if (!add("CN", request.common_name))
    return Status::InvalidArgument("csr.subject.CN: cannot be encoded");
  bool has_key =
      SetEcPublicKey(req.get(), key.get()) || X509_REQ_set_pubkey(req.get(), key.get()) == 1;
  if (!has_key || X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) {
    return Status::Internal("csr: signing failed");
  }
  Ptr<BIO> out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(out.get(), req.get());
  return BioString(out.get());
}

Status VerifyStationCertificate(const StationCertificateCheck& check) {
  auto chain = pki::ossl::MemoCerts(check.chain_pem);
  if (chain.empty()) return Status::InvalidArgument("certificateChain: no PEM certificate");
  X509* leaf = chain.front().get();
  auto key = ReadPrivateKey(check.key_pem);
  if (!key) return Status::FailedPrecondition("certificateChain: the charger holds no pending key");
  if (EVP_PKEY_eq(X509_get0_pubkey(leaf), key.get()) != 1) {
    return Status::InvalidArgument(
        "certificateChain: the leaf's public key is not the key of the charger's CSR");
  }
  std::string cn = CommonName(leaf);
  if (cn != check.expected_cn) {
    return Status::InvalidArgument("certificateChain: subject CN '" + cn +
                                   "' does not match the charger's serial '" +
                                   std::string(check.expected_cn) + "'");
  }
  if (check.trusted_roots.empty()) {
    return Status::FailedPrecondition("certificateChain: no CSMSRootCertificate installed");
  }
  Ptr<X509_STORE> store(X509_STORE_new());
  for (const auto& pem : check.trusted_roots) {
    auto root = pki::ossl::MemoCert(pem);
    if (root) X509_STORE_add_cert(store.get(), root.get());
  }
  Ptr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) {
    X509_up_ref(chain[i].get());
    sk_X509_push(untrusted.get(), chain[i].get());
  }
  Ptr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
  X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(check.now));
  if (X509_verify_cert(ctx.get()) != 1) {
    return Status::InvalidArgument(
        std::string("certificateChain: does not verify to an installed CSMS root: ") +
        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }
  return Status::Ok();
}

}  // namespace evprov::sim
