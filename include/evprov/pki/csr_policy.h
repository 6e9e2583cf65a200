// CSR policy for the ChargingStationCertificate (OCPP A02/A03).
//
// A CSR is accepted only if every rule holds; a refusal is kInvalidArgument
// whose message starts with the rule that failed:
//   csr.size              PEM longer than 5500 bytes (OCPP SignCertificate.csr)
//   csr.pem               not one PEM "CERTIFICATE REQUEST" holding a PKCS#10
//   csr.signature         the self-signature does not verify (no proof of possession)
//   csr.subject           a subject attribute other than one CN and one O
//   csr.subject.CN        CN is not the unit's serial number
//   csr.subject.O         O is not the environment's operator organisation
//   csr.public_key        algorithm, curve or size not allowed by the KeyPolicy
// The "key seen before" rule needs the store; IssueChargingStationCertificate
// (issuance.h) applies it as csr.public_key too.
//
// Thread-safety: CheckCsr is a pure function; a CheckedCsr is immutable and
// may be shared between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "evprov/common/status.h"

namespace evprov::pki {

// Which subject keys an environment accepts (stored with its issuing CA).
struct KeyPolicy {
  bool allow_ec_p256 = true;
  bool allow_ec_p384 = true;
  int min_rsa_bits = 2048;  // 0: RSA refused
};

// What the CSR must say about the unit.
struct ExpectedSubject {
  std::string serial;        // the unit's serial number: CN
  std::string organization;  // the environment's operator organisation: O
};

inline constexpr std::size_t kMaxCsrPemBytes = 5500;

// A CSR that passed the policy; holds the parsed request. Opaque.
class CheckedCsr {
 public:
  struct Impl;
  explicit CheckedCsr(std::unique_ptr<Impl> impl);
  ~CheckedCsr();
  CheckedCsr(CheckedCsr&&) noexcept;
  CheckedCsr& operator=(CheckedCsr&&) noexcept;

  // Hex SHA-256 of the DER SubjectPublicKeyInfo (the store's uniqueness key).
  const std::string& spki_sha256() const;
  // "ec-p256", "ec-p384" or "rsa-<bits>".
  const std::string& key_description() const;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

Result<CheckedCsr> CheckCsr(std::string_view csr_pem, const ExpectedSubject& expected,
                            const KeyPolicy& policy);

}  // namespace evprov::pki
