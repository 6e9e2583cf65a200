#include "evprov/pki/csr_policy.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <cstdio>

#include "evprov/common/hex.h"
#include "pki/cert_builder.h"
#include "pki/csr_internal.h"

namespace evprov::pki {
namespace {

constexpr std::string_view kPemHeader = "-----BEGIN CERTIFICATE REQUEST-----";

Status Refuse(std::string_view rule, const std::string& why) {
  return Status::InvalidArgument(std::string(rule) + ": " + why);
}

// Exactly one CN and one O, nothing else; CN = serial, O = organisation.
Status CheckSubject(const X509_NAME* subject, const ExpectedSubject& expected) {
  const X509_NAME_ENTRY* cn = nullptr;
  const X509_NAME_ENTRY* o = nullptr;
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    const X509_NAME_ENTRY** slot = nid == NID_commonName         ? &cn
                                   : nid == NID_organizationName ? &o
                                                                 : nullptr;
    if (slot == nullptr) {
      char name[80];
      OBJ_obj2txt(name, sizeof name, X509_NAME_ENTRY_get_object(entry), 1);
      if (nid != NID_undef) std::snprintf(name, sizeof name, "%s", OBJ_nid2sn(nid));
      return Refuse("csr.subject",
                    std::string("unexpected attribute '") + name + "' (only CN and O allowed)");
    }
    if (*slot != nullptr) {
      return Refuse("csr.subject", std::string("more than one ") + (slot == &cn ? "CN" : "O"));
    }
    *slot = entry;
  }
  std::string cn_text = cn != nullptr ? EntryText(cn) : "";
  if (cn == nullptr || cn_text != expected.serial) {
    return Refuse("csr.subject.CN",
                  "'" + cn_text + "' does not match the unit's serial '" + expected.serial + "'");
  }
  std::string o_text = o != nullptr ? EntryText(o) : "";
  if (o == nullptr || o_text != expected.organization) {
    return Refuse("csr.subject.O", "'" + o_text +
                                       "' does not match the environment's organisation '" +
                                       expected.organization + "'");
  }
  return Status::Ok();
}

// EC P-256/P-384 (named curve, uncompressed point) or RSA >= min_rsa_bits.
Status CheckKey(X509_REQ* req, EVP_PKEY* key, const KeyPolicy& policy, CheckedCsr::Impl& out) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char group[64] = {0};
      std::size_t len = 0;
      EVP_PKEY_get_group_name(key, group, sizeof group, &len);
      std::string_view g(group, len);
      bool p256 = g == "prime256v1" || g == "P-256";
      bool p384 = g == "secp384r1" || g == "P-384";
      if (!(p256 && policy.allow_ec_p256) && !(p384 && policy.allow_ec_p384)) {
        return Refuse("csr.public_key", "EC curve '" + std::string(g.empty() ? "explicit" : g) +
                                            "' is not allowed by the environment's policy");
      }
      // A named curve and an uncompressed point make the SPKI DER canonical,
      // so the same key can never hide behind another encoding.
      X509_ALGOR* alg = nullptr;
      const unsigned char* point = nullptr;
      int point_len = 0;
      X509_PUBKEY_get0_param(nullptr, &point, &point_len, &alg, X509_REQ_get_X509_PUBKEY(req));
      int param_type = V_ASN1_UNDEF;
      X509_ALGOR_get0(nullptr, &param_type, nullptr, alg);
      if (param_type != V_ASN1_OBJECT || point_len < 1 || point[0] != 0x04) {
        return Refuse("csr.public_key", "EC key must use a named curve and an uncompressed point");
      }
      out.key_description = p256 ? "ec-p256" : "ec-p384";
      out.is_ec = true;
      return Status::Ok();
    }
    case EVP_PKEY_RSA: {
      int bits = EVP_PKEY_get_bits(key);
      if (policy.min_rsa_bits == 0 || bits < policy.min_rsa_bits) {
        return Refuse("csr.public_key",
                      "RSA-" + std::to_string(bits) + " is not allowed (" +
                          (policy.min_rsa_bits == 0
                               ? std::string("RSA keys are refused")
                               : "at least " + std::to_string(policy.min_rsa_bits) + " bits") +
                          ")");
      }
      out.key_description = "rsa-" + std::to_string(bits);
      return Status::Ok();
    }
    default:
      return Refuse("csr.public_key", std::string("key type '") +
                                          OBJ_nid2sn(EVP_PKEY_get_base_id(key)) +
                                          "' is not allowed (EC P-256/P-384 or RSA)");
  }
}

}  // namespace

CheckedCsr::CheckedCsr(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CheckedCsr::~CheckedCsr() = default;
CheckedCsr::CheckedCsr(CheckedCsr&&) noexcept = default;
CheckedCsr& CheckedCsr::operator=(CheckedCsr&&) noexcept = default;
const std::string& CheckedCsr::spki_sha256() const {
  return impl_->spki_sha256;
}
const std::string& CheckedCsr::key_description() const {
  return impl_->key_description;
}

Result<CheckedCsr> CheckCsr(std::string_view csr_pem, const ExpectedSubject& expected,
                            const KeyPolicy& policy) {
  if (csr_pem.size() > kMaxCsrPemBytes) {
    return Refuse("csr.size", std::to_string(csr_pem.size()) + " bytes, more than " +
                                  std::to_string(kMaxCsrPemBytes));
  }
  if (csr_pem.find(kPemHeader) == std::string_view::npos) {
    return Refuse("csr.pem", "no '" + std::string(kPemHeader) + "' block");
  }
  auto impl = std::make_unique<CheckedCsr::Impl>();
  ossl::Bio bio = ossl::MemBio(csr_pem);
  impl->request.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!impl->request) {
    return ossl::Error(StatusCode::kInvalidArgument, "csr.pem", "not a PKCS#10 request");
  }
  X509_REQ* req = impl->request.get();
  impl->public_key = X509_REQ_get0_pubkey(req);
  if (impl->public_key == nullptr) {
    return ossl::Error(StatusCode::kInvalidArgument, "csr.public_key", "cannot be decoded");
  }
  EVPROV_TRY(CheckSubject(X509_REQ_get_subject_name(req), expected));
  impl->common_name = expected.serial;
  impl->organization = expected.organization;
  EVPROV_TRY(CheckKey(req, impl->public_key, policy, *impl));
  if (X509_REQ_verify(req, impl->public_key) != 1) {
    return ossl::Error(StatusCode::kInvalidArgument, "csr.signature",
                       "does not verify with the request's key (no proof of possession)");
  }
  impl->spki_sha256 = ossl::SpkiSha256Hex(impl->public_key);
  return CheckedCsr(std::move(impl));
}

}  // namespace evprov::pki
