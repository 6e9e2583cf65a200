// Certificates and keys of the simulated charger (OCPP 2.0.1 A02/A03, M03-M05).
//
// CertificateStore holds the installed root certificates (InstallCertificate /
// DeleteCertificate / GetInstalledCertificateIds). The free functions do the
// key and CSR work and the CertificateSigned checks; OpenSSL stays in the .cc.
// Keys are PKCS#8 PEM strings: the charger's flash holds them in its state
// file; they are never logged (log PublicKeyFingerprint instead).
//
// Thread-safety: the functions are reentrant; a CertificateStore is a value
// owned by one charger.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::sim {

// InstallCertificateUseEnumType (GetCertificateIdUseEnumType adds V2GCertificateChain,
// which the simulator never holds).
enum class CertificateUse { kCsmsRoot, kManufacturerRoot, kV2gRoot, kMoRoot };
std::string_view CertificateUseName(CertificateUse use);
std::optional<CertificateUse> ParseCertificateUse(std::string_view name);

// CertificateHashDataType: hashes of the issuer's name (DER) and public key,
// and the serial number as lower-case hex without leading zeros.
struct CertificateHashData {
  std::string hash_algorithm;  // SHA256 | SHA384 | SHA512
  std::string issuer_name_hash;
  std::string issuer_key_hash;
  std::string serial_number;

  nlohmann::json ToJson() const;
  static Result<CertificateHashData> FromJson(const nlohmann::json& j);
  bool operator==(const CertificateHashData&) const = default;
};

// Hash data of a PEM certificate with the given algorithm. A self-signed
// certificate is its own issuer; for any other, the issuer key hash falls back
// to the certificate's own key (the store holds roots only).
Result<CertificateHashData> HashDataOf(std::string_view pem, std::string_view hash_algorithm);

enum class InstallStatus { kAccepted, kRejected, kFailed };
enum class DeleteStatus { kAccepted, kFailed, kNotFound };

class CertificateStore {
 public:
  struct Entry {
    CertificateUse use = CertificateUse::kCsmsRoot;
    std::string pem;
  };
  static constexpr std::size_t kMaxEntries = 20;

  // Accepts a valid, currently valid CA certificate (basicConstraints CA:TRUE).
  // Installing one already present is Accepted and changes nothing.
  InstallStatus Install(CertificateUse use, std::string_view pem,
                        std::chrono::system_clock::time_point now, std::string* why);
  DeleteStatus Delete(const CertificateHashData& hash);
  // Hash data (SHA256) of the entries of the given uses (all uses when empty).
  std::vector<std::pair<CertificateUse, CertificateHashData>> List(
      const std::vector<CertificateUse>& uses) const;
  std::vector<std::string> Pems(CertificateUse use) const;
  bool Has(CertificateUse use) const;
  std::size_t size() const { return entries_.size(); }

  nlohmann::json ToJson() const;
  static Result<CertificateStore> FromJson(const nlohmann::json& j);

 private:
  std::vector<Entry> entries_;
};

// Where a charger's station keys live.
enum class KeyStorage {
  kSoftware,  // PKCS#8 PEM in the state file
  kTpm,       // a TPM-wrapped blob ("TSS2 PRIVATE KEY" PEM): the key never leaves the TPM
};

// Makes TPM keys usable in this process: loads the tpm2 provider (tpm2-openssl)
// into a private OpenSSL library context talking to `tcti` (e.g.
// "swtpm:host=127.0.0.1,port=2321"; empty = TPM2OPENSSL_TCTI as set). The first
// successful call wins; later calls return its status. Every function here reads
// "TSS2 PRIVATE KEY" blobs through that context.
Status InitTpmKeys(const std::string& tcti);

// A new EC P-256 key: PKCS#8 PEM, or with kTpm a TSS2 blob (needs InitTpmKeys).
Result<std::string> GenerateP256Key(KeyStorage storage = KeyStorage::kSoftware);
// SHA-256 hex of the DER SubjectPublicKeyInfo of a private or public key PEM,
// or of a certificate's key: safe to log.
Result<std::string> PublicKeyFingerprint(std::string_view key_or_cert_pem);

struct CsrRequest {
  std::string_view key_pem;
  std::string common_name;   // the charger's serial number
  std::string organization;  // SecurityCtrlr.OrganizationName; omitted when empty
};
// PEM PKCS#10 request signed with the key (SHA-256).
Result<std::string> MakeCsr(const CsrRequest& request);

struct StationCertificateCheck {
  std::string_view chain_pem;  // leaf first, then intermediates
  std::string_view key_pem;    // the key the charger generated for the CSR
  std::string_view expected_cn;
  std::vector<std::string> trusted_roots;  // PEM
  std::chrono::system_clock::time_point now;
};
// Verifies a CertificateSigned chain: the leaf's key is the charger's key, its
// CN the serial, and the chain verifies to one of the trusted roots at `now`.
// InvalidArgument naming the reason ("certificateChain: ...") otherwise.
Status VerifyStationCertificate(const StationCertificateCheck& check);

}  // namespace evprov::sim
