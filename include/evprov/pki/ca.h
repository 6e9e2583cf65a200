// The CA hierarchy: one root and one issuing CA per environment.
//
// `evprov ca init` -> InitCa, `evprov ca show` -> ListCas / GetCa /
// ExportChainPem, `evprov ca crl` -> GenerateCrl (issuance.h). Staging and
// production never share a chain or a key: every CA has its own key, and the
// store refuses a CA key (SubjectPublicKeyInfo) that another CA already uses.
// An environment of kind "production" refuses file-backed CA keys.
//
// A CA's record holds its certificate, where its key lives (KeySpec locator
// and secret source, never the secret) and the policy for what it issues:
// allowed subject keys and leaf validity. Format: docs/pki.md.
//
// Thread-safety: functions take the caller's Transaction (see store.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/pki/csr_policy.h"
#include "evprov/pki/signer.h"
#include "evprov/store/store.h"

namespace evprov::pki {

enum class CaRole { kRoot, kIssuing };
std::string_view CaRoleName(CaRole role);  // "root", "issuing"

struct CaKeyOptions {
  KeySpec key;
  // For a file key that does not exist yet: the algorithm of the new key.
  KeyAlgorithm algorithm = KeyAlgorithm::kEcP256;
};

struct CaInitOptions {
  CaKeyOptions root;
  CaKeyOptions issuing;
  // Default "<environment>-root"; the issuing CA is named environment.issuing_ca.
  std::string root_name;
  int root_validity_days = 7305;
  int issuing_validity_days = 3653;
  // What the issuing CA accepts and issues.
  KeyPolicy leaf_key_policy;
  int leaf_validity_days = 1826;
  int crl_validity_days = 7;
};

struct CaInfo {
  std::string name;
  std::string environment;
  std::string environment_kind;
  CaRole role = CaRole::kRoot;
  std::string parent;  // "" for a root
  KeyBackend backend = KeyBackend::kFile;
  std::string key_locator;    // KeySpec::Locator()
  std::string secret_source;  // SecretSource::ToString()
  std::string subject;        // one-line RFC 2253 subject
  std::string serial_hex;
  std::string not_before;  // RFC 3339
  std::string not_after;
  std::string fingerprint_sha256;
  std::string spki_sha256;
  std::string certificate_pem;
  KeyPolicy leaf_key_policy;
  int leaf_validity_days = 0;
  int crl_validity_days = 0;
  std::int64_t next_crl_number = 1;
  std::string created_at;
};

// Creates the root and the issuing CA (named environment.issuing_ca) of one
// environment, records both and audits. Returns {root, issuing}.
// kAlreadyExists if the environment or a CA name already has a CA, or a key is
// already used by another CA; kFailedPrecondition for a file key in production.
Result<std::vector<CaInfo>> InitCa(store::Transaction& tx, const catalog::Environment& env,
                                   const CaInitOptions& options, std::string_view actor);

Result<std::vector<CaInfo>> ListCas(store::Transaction& tx);
Result<CaInfo> GetCa(store::Transaction& tx, std::string_view name);

// PEM of the CA and its parents, CA first, root last: the -CAfile for
// `openssl verify` and the trust anchors of an environment.
Result<std::string> ExportChainPem(store::Transaction& tx, std::string_view ca_name);

}  // namespace evprov::pki
