// An open CA: record + Signer + parsed certificate, ready to sign.
#include <openssl/rand.h>

#include "evprov/common/hex.h"
#include "evprov/common/time.h"
#include "pki/ca_internal.h"
#include "pki/cert_builder.h"
#include "pki/csr_internal.h"
#include "pki/der.h"
#include "pki/key_handle.h"

namespace evprov::pki {
namespace {

using Clock = std::chrono::system_clock;

// Issued certificates are valid from five minutes ago (clock skew on the line).
constexpr auto kBackdate = std::chrono::minutes(5);

Status PrepareLeafTemplate(IssuingCa::Impl& ca);

Result<std::unique_ptr<IssuingCa>> Open(store::Transaction& tx, CaInfo info,
                                        const OpenCaOptions& options) {
  if (info.environment_kind == "production" && info.backend == KeyBackend::kFile) {
    return Status::FailedPrecondition("ca." + info.name +
                                      ": a production environment refuses file-backed CA keys");
  }
  EVPROV_ASSIGN_OR_RETURN(KeySpec spec, KeySpec::ParseLocator(info.key_locator));
  if (options.secret) {
    spec.secret = *options.secret;
  } else {
    EVPROV_ASSIGN_OR_RETURN(spec.secret, SecretSource::Parse(info.secret_source));
  }
  auto impl = std::make_unique<IssuingCa::Impl>();
  EVPROV_ASSIGN_OR_RETURN(impl->signer, OpenSigner(spec));
  if (impl->signer->public_key_sha256() != info.spki_sha256) {
    return Status::FailedPrecondition("ca." + info.name + ".key: '" + info.key_locator +
                                      "' is not the key of the CA's certificate");
  }
  EVPROV_ASSIGN_OR_RETURN(impl->cert, ossl::ParseCertPem(info.certificate_pem, "ca.certificate"));
  impl->key_id = SubjectKeyId(impl->cert.get());
  EVPROV_ASSIGN_OR_RETURN(impl->sign_template, NewSigningContext(impl->signer->key().pkey));
  EVPROV_TRY(PrepareLeafTemplate(*impl));
  EVPROV_ASSIGN_OR_RETURN(impl->chain_pem, ExportChainPem(tx, info.name));
  if (info.role == CaRole::kIssuing) impl->issued_chain_tail = info.certificate_pem;
  impl->info = std::move(info);
  return std::make_unique<IssuingCa>(std::move(impl));
}

// The issuer name, AKI and the AlgorithmIdentifier the key signs with (read
// from one probe certificate, so it is right for every backend and algorithm).
Status PrepareLeafTemplate(IssuingCa::Impl& ca) {
  const std::string spki = ca.signer->public_key_der();
  CertParams probe;
  probe.organization = "probe";
  probe.common_name = "probe";
  probe.subject_spki_der = spki;
  auto now = Clock::now();
  probe.not_before = now;
  probe.not_after = now + std::chrono::hours(1);
  probe.key_usage = kDigitalSignature;
  EVPROV_ASSIGN_OR_RETURN(ossl::X509Ptr cert,
                          BuildAndSign(probe, ca.signer->key().pkey, ca.sign_template.get()));
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(nullptr, &algorithm, cert.get());
  unsigned char* der = nullptr;
  int len = i2d_X509_ALGOR(algorithm, &der);
  if (len <= 0) return ossl::Error(StatusCode::kInternal, "ca", "signature algorithm");
  ca.leaf.signature_algorithm.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  der = nullptr;
  len = i2d_X509_NAME(X509_get_subject_name(ca.cert.get()), &der);
  if (len <= 0) return ossl::Error(StatusCode::kInternal, "ca", "issuer name");
  ca.leaf.issuer_name_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  if (!ca.key_id) return Status::FailedPrecondition("ca." + ca.info.name + ": no subject key id");
  ca.leaf.authority_key_id.assign(
      reinterpret_cast<const char*>(ASN1_STRING_get0_data(ca.key_id.get())),
      static_cast<std::size_t>(ASN1_STRING_length(ca.key_id.get())));
  return Status::Ok();
}

IssuedCertificate Describe(const IssuingCa::Impl& ca, X509* cert, Clock::time_point not_before,
                           Clock::time_point not_after, std::string spki_sha256) {
  IssuedCertificate out;
  out.serial_hex = ossl::SerialHex(X509_get0_serialNumber(cert));
  EncodedCert encoded = Encode(cert);
  out.fingerprint_sha256 = std::move(encoded.fingerprint_sha256);
  out.spki_sha256 = std::move(spki_sha256);
  out.subject = NameText(X509_get_subject_name(cert));
  out.not_before = FormatUtc(not_before);
  out.not_after = FormatUtc(not_after);
  out.certificate_pem = std::move(encoded.pem);
  out.chain_pem.reserve(out.certificate_pem.size() + ca.issued_chain_tail.size());
  out.chain_pem = out.certificate_pem;
  out.chain_pem += ca.issued_chain_tail;
  return out;
}

}  // namespace

IssuingCa::IssuingCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IssuingCa::~IssuingCa() = default;

const CaInfo& IssuingCa::info() const {
  return impl_->info;
}
const std::string& IssuingCa::ca_chain_pem() const {
  return impl_->chain_pem;
}

Result<std::unique_ptr<IssuingCa>> IssuingCa::OpenForEnvironment(store::Transaction& tx,
                                                                 const catalog::Environment& env,
                                                                 const OpenCaOptions& options) {
  if (env.issuing_ca.empty()) return Status::InvalidArgument("environment.issuing_ca: empty");
  EVPROV_ASSIGN_OR_RETURN(CaInfo info, GetCa(tx, env.issuing_ca));
  if (info.environment != env.name || info.role != CaRole::kIssuing) {
    return Status::FailedPrecondition("environment.issuing_ca: '" + env.issuing_ca +
                                      "' is not the issuing CA of environment '" + env.name + "'");
  }
  if (env.kind == "production") info.environment_kind = "production";  // never weaker
  return Open(tx, std::move(info), options);
}

Result<std::unique_ptr<IssuingCa>> IssuingCa::OpenByName(store::Transaction& tx,
                                                         std::string_view name,
                                                         const OpenCaOptions& options) {
  EVPROV_ASSIGN_OR_RETURN(CaInfo info, GetCa(tx, name));
  return Open(tx, std::move(info), options);
}

Result<IssuedCertificate> IssuingCa::Issue(const CheckedCsr& csr) const {
  const CheckedCsr::Impl& req = csr.impl();
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) {
    return ossl::Error(StatusCode::kInternal, "certificate", "the CSPRNG failed");
  }
  Clock::time_point now = Clock::now();
  LeafFields f;
  f.serial = std::string_view(reinterpret_cast<const char*>(serial), sizeof serial);
  f.not_before = now - kBackdate;
  f.not_after = now + std::chrono::days(impl_->info.leaf_validity_days);
  f.organization = req.organization;
  f.common_name = req.common_name;
  f.spki_der = req.spki_der;
  f.key_bits = req.key_bits;
  f.key_usage = kDigitalSignature | (req.is_ec ? kKeyAgreement : kKeyEncipherment);
  EVPROV_ASSIGN_OR_RETURN(std::string der,
                          WriteLeafCertificate(impl_->leaf, f, impl_->sign_template.get()));
  IssuedCertificate out;
  ossl::BigNum serial_bn(BN_bin2bn(serial, sizeof serial, nullptr));
  char* hex = BN_bn2hex(serial_bn.get());
  out.serial_hex = hex;
  OPENSSL_free(hex);
  out.fingerprint_sha256 = Sha256Hex(der);
  out.spki_sha256 = req.spki_sha256;
  out.subject = SubjectText(req.organization, req.common_name);
  out.not_before = FormatUtc(f.not_before);
  out.not_after = FormatUtc(f.not_after);
  out.certificate_pem = DerToPem(der);
  out.chain_pem.reserve(out.certificate_pem.size() + impl_->issued_chain_tail.size());
  out.chain_pem = out.certificate_pem;
  out.chain_pem += impl_->issued_chain_tail;
  return out;
}

Result<IssuedCertificate> IssuingCa::IssueService(const ServiceCertificateRequest& request) const {
  if (request.common_name.empty()) {
    return Status::InvalidArgument("service_certificate.common_name: empty");
  }
  EVPROV_ASSIGN_OR_RETURN(
      der::Spki spki, der::ParseSpki(request.public_key_der, "service_certificate.public_key_der"));
  Clock::time_point now = Clock::now();
  CertParams p;
  // Subject: the CA's organisation and the service's CN.
  p.organization = EntryText(X509_get_subject_name(impl_->cert.get()), NID_organizationName);
  p.common_name = request.common_name;
  p.subject_spki_der = request.public_key_der;
  p.issuer = impl_->cert.get();
  p.issuer_key_id = impl_->key_id.get();
  p.not_before = now - kBackdate;
  p.not_after = now + std::chrono::days(impl_->info.leaf_validity_days);
  switch (request.usage) {
    case ServiceUsage::kTlsServer:
      if (request.dns_names.empty() && request.ip_addresses.empty()) {
        return Status::InvalidArgument(
            "service_certificate.dns_names: a TLS server needs a DNS name or an IP address");
      }
      p.key_usage =
          kDigitalSignature | (spki.algorithm_nid == NID_rsaEncryption ? kKeyEncipherment : 0u);
      p.extended_key_usage_nid = NID_server_auth;
      p.dns_names = request.dns_names;
      p.ip_addresses = request.ip_addresses;
      break;
    case ServiceUsage::kPassportSigning:
      p.key_usage = kDigitalSignature | kNonRepudiation;
      break;
  }
  EVPROV_ASSIGN_OR_RETURN(ossl::X509Ptr cert,
                          BuildAndSign(p, impl_->signer->key().pkey, impl_->sign_template.get()));
  return Describe(*impl_, cert.get(), p.not_before, p.not_after, Sha256Hex(request.public_key_der));
}

}  // namespace evprov::pki
