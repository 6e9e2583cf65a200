#include "evprov/pki/csr_policy.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <cstdio>

#include "evprov/common/hex.h"
#include "pki/cert_builder.h"
#include "pki/csr_internal.h"
#include "pki/der.h"
#include "pki/legacy_verify.h"

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

// EC P-256/P-384 (named curve, uncompressed point) or RSA >= min_rsa_bits
// (NULL parameters): the SPKI DER is then canonical, so the same key can never
// hide behind another encoding from the "seen before" rule.
Status CheckKey(const der::Spki& key, const KeyPolicy& policy, CheckedCsr::Impl& out) {
  switch (key.algorithm_nid) {
    case NID_X9_62_id_ecPublicKey: {
      bool p256 = key.curve_nid == NID_X9_62_prime256v1;
      bool p384 = key.curve_nid == NID_secp384r1;
      if (!(p256 && policy.allow_ec_p256) && !(p384 && policy.allow_ec_p384)) {
        std::string curve = key.curve_nid != NID_undef ? OBJ_nid2sn(key.curve_nid) : "explicit";
        return Refuse("csr.public_key",
                      "EC curve '" + curve + "' is not allowed by the environment's policy");
      }
      std::size_t point_size = p256 ? 65 : 97;
      if (key.parameter_type != V_ASN1_OBJECT || key.key.size() != point_size ||
          key.key[0] != 0x04) {
        return Refuse("csr.public_key", "EC key must use a named curve and an uncompressed point");
      }
      out.key_description = p256 ? "ec-p256" : "ec-p384";
      out.is_ec = true;
      return Status::Ok();
    }
    case NID_rsaEncryption: {
      int bits = RsaKeyBits(key.key);
      if (bits == 0 || key.parameter_type != V_ASN1_NULL) {
        return Refuse("csr.public_key", "malformed RSA key");
      }
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
      return Refuse(
          "csr.public_key",
          std::string("key type '") +
              (key.algorithm_nid != NID_undef ? OBJ_nid2sn(key.algorithm_nid) : "unknown") +
              "' is not allowed (EC P-256/P-384 or RSA)");
  }
}

// The request's signature algorithm must fit its key and use SHA-2; then the
// signature over the CertificationRequestInfo must verify.
Status CheckSignature(const der::Spki& key, const der::Tlv& info, const der::Tlv& algorithm,
                      const der::Tlv& signature) {
  const auto* p = reinterpret_cast<const unsigned char*>(algorithm.whole.data());
  ossl::Ptr<X509_ALGOR, X509_ALGOR_free> alg(
      d2i_X509_ALGOR(nullptr, &p, static_cast<long>(algorithm.whole.size())));
  const ASN1_OBJECT* oid = nullptr;
  if (alg) X509_ALGOR_get0(&oid, nullptr, nullptr, alg.get());
  int sig_nid = oid != nullptr ? OBJ_obj2nid(oid) : NID_undef;
  int md_nid = NID_undef;
  int pkey_nid = NID_undef;
  if (OBJ_find_sigid_algs(sig_nid, &md_nid, &pkey_nid) != 1 || pkey_nid != key.algorithm_nid ||
      (md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512)) {
    return Refuse("csr.signature",
                  std::string("algorithm '") + (sig_nid != NID_undef ? OBJ_nid2sn(sig_nid) : "?") +
                      "' is not supported (ECDSA or RSA PKCS#1 with SHA-256/384/512)");
  }
  std::string_view bytes;
  if (!der::BitStringBytes(signature, bytes) || !VerifySignature(key, md_nid, info.whole, bytes)) {
    ossl::TakeErrors();
    return Refuse("csr.signature",
                  "does not verify with the request's key (no proof of possession)");
  }
  return Status::Ok();
}

// CertificationRequest ::= SEQUENCE { info SEQUENCE { version, subject, spki,
// [0] attributes }, signatureAlgorithm, signature BIT STRING }.
struct RequestParts {
  der::Tlv info, subject, spki, algorithm, signature;
};
bool SplitRequest(std::string_view request, RequestParts& r) {
  der::Tlv outer;
  der::Tlv version;
  der::Tlv attributes;
  if (!der::Expect(request, der::kSequence, outer) || !request.empty()) return false;
  std::string_view body = outer.value;
  if (!der::Expect(body, der::kSequence, r.info) ||
      !der::Expect(body, der::kSequence, r.algorithm) ||
      !der::Expect(body, der::kBitString, r.signature) || !body.empty()) {
    return false;
  }
  std::string_view info = r.info.value;
  if (!der::Expect(info, der::kInteger, version) || version.value != std::string_view("\0", 1) ||
      !der::Expect(info, der::kSequence, r.subject) || !der::Expect(info, der::kSequence, r.spki)) {
    return false;
  }
  return info.empty() || (der::Expect(info, der::kContext0, attributes) && info.empty());
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
  // PEM -> DER without ASN.1 decoding (see der.h).
  ossl::Bio bio = ossl::MemBio(csr_pem);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  int read = PEM_read_bio(bio.get(), &name, &header, &data, &len);
  std::string pem_name = read == 1 ? name : "";
  std::string request =
      read == 1 ? std::string(reinterpret_cast<char*>(data), static_cast<std::size_t>(len))
                : std::string();
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  RequestParts parts;
  if (read != 1 || pem_name != "CERTIFICATE REQUEST" || !SplitRequest(request, parts)) {
    ossl::TakeErrors();
    return Refuse("csr.pem", "not a PKCS#10 request");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(parts.subject.whole.data());
  ossl::X509Name subject(d2i_X509_NAME(nullptr, &p, static_cast<long>(parts.subject.whole.size())));
  if (!subject) return ossl::Error(StatusCode::kInvalidArgument, "csr.subject", "malformed");
  EVPROV_TRY(CheckSubject(subject.get(), expected));
  EVPROV_ASSIGN_OR_RETURN(der::Spki key, der::ParseSpki(parts.spki.whole, "csr.public_key"));
  auto impl = std::make_unique<CheckedCsr::Impl>();
  EVPROV_TRY(CheckKey(key, policy, *impl));
  EVPROV_TRY(CheckSignature(key, parts.info, parts.algorithm, parts.signature));
  impl->spki_der = std::string(key.whole);
  impl->key_bits = std::string(key.key);
  impl->spki_sha256 = Sha256Hex(impl->spki_der);
  impl->common_name = expected.serial;
  impl->organization = expected.organization;
  return CheckedCsr(std::move(impl));
}

}  // namespace evprov::pki
