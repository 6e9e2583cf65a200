// Issuing, recording and revoking certificates under an environment's CA.
//
// IssuingCa is an open CA (record + Signer) ready to sign: it parses its
// certificate and chain once, so Issue costs one CSR verification and one
// signature. IssueChargingStationCertificate applies the CSR policy, the
// "key seen before" rule and records the certificate inside the caller's
// Transaction, so the pipeline commits certificate, journal and unit state
// atomically.
//
// Certificates: random 128-bit serial, validity from the CA's policy,
// KeyUsage digitalSignature (+ keyAgreement for EC keys), BasicConstraints
// CA:FALSE, SKI/AKI, no SAN. The chain is returned leaf first, without the
// root (the root is the trust anchor the charger already holds).
//
// Thread-safety: an IssuingCa may be used from several threads at once (its
// state is immutable after Open); functions with a Transaction follow store.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/pki/ca.h"
#include "evprov/pki/csr_policy.h"
#include "evprov/pki/signer.h"
#include "evprov/store/store.h"

namespace evprov::pki {

struct IssuedCertificate {
  std::int64_t id = 0;  // certificates.id once recorded, else 0
  std::string serial_hex;
  std::string fingerprint_sha256;
  std::string spki_sha256;
  std::string subject;
  std::string not_before;  // RFC 3339
  std::string not_after;
  std::string certificate_pem;  // the leaf
  std::string chain_pem;        // leaf first, then the issuing CA (OCPP certificateChain)
};

// What a service certificate (the station's own) is for.
enum class ServiceUsage {
  kTlsServer,        // the station's TLS endpoints: EKU serverAuth, SAN from dns_names/ip
  kPassportSigning,  // signing passports: KU digitalSignature + nonRepudiation
};

struct ServiceCertificateRequest {
  ServiceUsage usage = ServiceUsage::kTlsServer;
  std::string common_name;
  std::vector<std::string> dns_names;     // kTlsServer only
  std::vector<std::string> ip_addresses;  // kTlsServer only
  std::string public_key_der;             // SubjectPublicKeyInfo (Signer::public_key_der())
};

struct OpenCaOptions {
  // Overrides the secret source recorded for the CA key (e.g. another variable).
  std::optional<SecretSource> secret;
};

class IssuingCa {
 public:
  struct Impl;
  explicit IssuingCa(std::unique_ptr<Impl> impl);
  ~IssuingCa();

  // Opens the CA that issues for `env` (env.issuing_ca). Refuses a CA of
  // another environment, and a file-backed key when env.kind is "production".
  static Result<std::unique_ptr<IssuingCa>> OpenForEnvironment(store::Transaction& tx,
                                                               const catalog::Environment& env,
                                                               const OpenCaOptions& options = {});
  // Opens a CA by name (root or issuing), e.g. to sign a CRL. Same key rules.
  static Result<std::unique_ptr<IssuingCa>> OpenByName(store::Transaction& tx,
                                                       std::string_view name,
                                                       const OpenCaOptions& options = {});

  const CaInfo& info() const;
  // The CA's certificate followed by its parents' (PEM), cached.
  const std::string& ca_chain_pem() const;

  // Signs a certificate for a checked CSR (no store access).
  Result<IssuedCertificate> Issue(const CheckedCsr& csr) const;
  // Signs a service certificate (no store access).
  Result<IssuedCertificate> IssueService(const ServiceCertificateRequest& request) const;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct UnitExpectation {
  std::int64_t unit_id = 0;
  std::string serial;        // the unit's serial: the CSR's CN
  std::string organization;  // the environment's operator organisation: the CSR's O
};

// Checks the CSR (csr_policy.h, with the CA's KeyPolicy), refuses a public key
// recorded before on any unit ("csr.public_key: seen before on unit N"),
// issues, records in `certificates` and audits; all inside tx.
Result<IssuedCertificate> IssueChargingStationCertificate(store::Transaction& tx,
                                                          const IssuingCa& ca,
                                                          std::string_view csr_pem,
                                                          const UnitExpectation& expected,
                                                          std::string_view actor);

// Issues and records a service certificate (unit_id NULL).
Result<IssuedCertificate> IssueServiceCertificate(store::Transaction& tx, const IssuingCa& ca,
                                                  const ServiceCertificateRequest& request,
                                                  std::string_view actor);

// RFC 5280 reason codes evprov uses.
enum class RevocationReason { kUnspecified, kKeyCompromise, kSuperseded, kCessationOfOperation };
std::string_view RevocationReasonName(RevocationReason r);  // "key_compromise", ...

// `evprov unit revoke`, and automatic on reprovision (kSuperseded) and scrap
// (kCessationOfOperation): revokes every unrevoked certificate of the unit.
// Returns how many were revoked (0 is not an error).
Result<int> RevokeUnitCertificates(store::Transaction& tx, std::int64_t unit_id,
                                   RevocationReason reason, std::string_view actor);
// Revokes one certificate by serial; kNotFound / kFailedPrecondition if already revoked.
Status RevokeCertificate(store::Transaction& tx, std::string_view serial_hex,
                         RevocationReason reason, std::string_view actor);

struct CertificateRecord {
  std::int64_t id = 0;
  std::optional<std::int64_t> unit_id;
  std::string ca_name;
  std::string serial_hex;
  std::string subject;
  std::string fingerprint_sha256;
  std::string spki_sha256;
  std::string not_before;
  std::string not_after;
  std::string issued_at;
  std::optional<std::string> revoked_at;
  std::optional<std::string> revocation_reason;
  std::string certificate_pem;
};
Result<std::vector<CertificateRecord>> ListUnitCertificates(store::Transaction& tx,
                                                            std::int64_t unit_id);

// `evprov ca crl`: a CRL (PEM) of every certificate the CA revoked, signed by
// the CA, with the next CRL number (recorded) and nextUpdate from its policy.
Result<std::string> GenerateCrl(store::Transaction& tx, const IssuingCa& ca,
                                std::string_view actor);

}  // namespace evprov::pki
