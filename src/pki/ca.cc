// CA records: creating an environment's hierarchy, listing, exporting chains.
#include "evprov/pki/ca.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "evprov/audit/audit.h"
#include "evprov/common/hex.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "pki/ca_internal.h"
#include "pki/cert_builder.h"
#include "pki/key_handle.h"

namespace evprov::pki {

const char* const kCaColumns =
    "name, environment, environment_kind, role, parent, key_backend, key_locator, "
    "secret_source, subject, serial_hex, not_before, not_after, fingerprint_sha256, "
    "spki_sha256, certificate_pem, allow_ec_p256, allow_ec_p384, min_rsa_bits, "
    "leaf_validity_days, crl_validity_days, next_crl_number, created_at";

CaInfo RowToCaInfo(const store::Row& row) {
  CaInfo c;
  c.name = row.Text(0);
  c.environment = row.Text(1);
  c.environment_kind = row.Text(2);
  c.role = row.Text(3) == "root" ? CaRole::kRoot : CaRole::kIssuing;
  c.parent = row.Text(4);
  c.backend = row.Text(5) == "pkcs11" ? KeyBackend::kPkcs11 : KeyBackend::kFile;
  c.key_locator = row.Text(6);
  c.secret_source = row.Text(7);
  c.subject = row.Text(8);
  c.serial_hex = row.Text(9);
  c.not_before = row.Text(10);
  c.not_after = row.Text(11);
  c.fingerprint_sha256 = row.Text(12);
  c.spki_sha256 = row.Text(13);
  c.certificate_pem = row.Text(14);
  c.leaf_key_policy.allow_ec_p256 = row.Int(15) != 0;
  c.leaf_key_policy.allow_ec_p384 = row.Int(16) != 0;
  c.leaf_key_policy.min_rsa_bits = static_cast<int>(row.Int(17));
  c.leaf_validity_days = static_cast<int>(row.Int(18));
  c.crl_validity_days = static_cast<int>(row.Int(19));
  c.next_crl_number = row.Int(20);
  c.created_at = row.Text(21);
  return c;
}

std::string_view CaRoleName(CaRole role) {
  switch (role) {
    case CaRole::kRoot:
      return "root";
    case CaRole::kIssuing:
      return "issuing";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::system_clock;

Status CheckEnvironment(const catalog::Environment& env) {
  if (env.name.empty()) return Status::InvalidArgument("environment.name: empty");
  if (env.issuing_ca.empty()) return Status::InvalidArgument("environment.issuing_ca: empty");
  if (env.organization_name.empty()) {
    return Status::InvalidArgument("environment.organization_name: empty");
  }
  return Status::Ok();
}

Status CheckKeyAllowed(const catalog::Environment& env, const KeySpec& key,
                       std::string_view field) {
  if (env.kind == "production" && key.backend == KeyBackend::kFile) {
    return Status::FailedPrecondition(std::string(field) +
                                      ": a production environment refuses file-backed CA keys "
                                      "(use a PKCS#11 token)");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Signer>> OpenOrCreate(const CaKeyOptions& options) {
  struct stat st {};
  if (options.key.backend == KeyBackend::kFile && ::stat(options.key.path.c_str(), &st) != 0) {
    EVPROV_TRY(CreateFileKey(options.key, options.algorithm));
    log::Info("pki.key.created", {{"locator", options.key.Locator()},
                                  {"algorithm", KeyAlgorithmName(options.algorithm)}});
  }
  return OpenSigner(options.key);
}

struct NewCa {
  std::string name;
  CaRole role;
  std::string parent;
  const KeySpec* key;
  ossl::X509Ptr cert;
};

Status Record(store::Transaction& tx, const catalog::Environment& env, const CaInitOptions& options,
              const NewCa& ca, std::string_view actor) {
  X509* cert = ca.cert.get();
  std::string spki = Sha256Hex(ossl::CertSpkiDer(cert));
  EVPROV_ASSIGN_OR_RETURN(auto used,
                          tx.Query("SELECT name FROM pki_cas WHERE spki_sha256 = ?", {spki}));
  std::string field = "ca." + std::string(CaRoleName(ca.role)) + ".key";
  if (!used.empty()) {
    return Status::AlreadyExists(field + ": already the key of CA '" + used[0].Text(0) +
                                 "'; every CA has its own key");
  }
  std::string fingerprint = ossl::CertFingerprintHex(cert);
  std::string serial = ossl::SerialHex(X509_get0_serialNumber(cert));
  const KeyPolicy& policy = options.leaf_key_policy;
  Result<std::int64_t> inserted = tx.ExecV(
      "INSERT INTO pki_cas (name, environment, environment_kind, role, parent, key_backend, "
      "key_locator, secret_source, subject, serial_hex, not_before, not_after, "
      "fingerprint_sha256, spki_sha256, certificate_pem, allow_ec_p256, allow_ec_p384, "
      "min_rsa_bits, leaf_validity_days, crl_validity_days, next_crl_number, created_by, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
      {ca.name,
       env.name,
       env.kind,
       std::string(CaRoleName(ca.role)),
       ca.parent.empty() ? store::Value() : store::Value(ca.parent),
       std::string(KeyBackendName(ca.key->backend)),
       ca.key->Locator(),
       ca.key->secret.ToString(),
       NameText(X509_get_subject_name(cert)),
       serial,
       ossl::Rfc3339(X509_get0_notBefore(cert)),
       ossl::Rfc3339(X509_get0_notAfter(cert)),
       fingerprint,
       spki,
       ossl::CertPem(cert),
       policy.allow_ec_p256,
       policy.allow_ec_p384,
       policy.min_rsa_bits,
       options.leaf_validity_days,
       options.crl_validity_days,
       std::string(actor),
       NowUtc()});
  if (!inserted.ok()) return inserted.status().WithContext("ca." + ca.name);
  nlohmann::json detail = {{"environment", env.name},
                           {"role", CaRoleName(ca.role)},
                           {"key", ca.key->Locator()},
                           {"fingerprint_sha256", fingerprint},
                           {"serial", serial}};
  EVPROV_TRY(audit::Append(tx, actor, "ca.init", "ca/" + ca.name, detail.dump()));
  log::Info("pki.ca.created", {{"ca", ca.name},
                               {"environment", env.name},
                               {"role", CaRoleName(ca.role)},
                               {"fingerprint_sha256", fingerprint}});
  return Status::Ok();
}

}  // namespace

Result<std::vector<CaInfo>> InitCa(store::Transaction& tx, const catalog::Environment& env,
                                   const CaInitOptions& options, std::string_view actor) {
  EVPROV_TRY(CheckEnvironment(env));
  EVPROV_TRY(CheckKeyAllowed(env, options.root.key, "ca.root.key"));
  EVPROV_TRY(CheckKeyAllowed(env, options.issuing.key, "ca.issuing.key"));
  if (options.root_validity_days < options.issuing_validity_days ||
      options.issuing_validity_days < options.leaf_validity_days ||
      options.leaf_validity_days < 1 || options.crl_validity_days < 1) {
    return Status::InvalidArgument(
        "ca.validity_days: need root >= issuing >= leaf >= 1 and crl >= 1");
  }
  if (options.leaf_key_policy.min_rsa_bits != 0 && options.leaf_key_policy.min_rsa_bits < 2048) {
    return Status::InvalidArgument("ca.leaf_key_policy.min_rsa_bits: 0 or at least 2048");
  }
  std::string root_name = options.root_name.empty() ? env.name + "-root" : options.root_name;
  if (root_name == env.issuing_ca) {
    return Status::InvalidArgument("ca.root_name: same as the issuing CA's name");
  }
  EVPROV_ASSIGN_OR_RETURN(
      auto existing,
      tx.Query("SELECT name, environment FROM pki_cas WHERE environment = ? OR name IN (?, ?)",
               {env.name, root_name, env.issuing_ca}));
  if (!existing.empty()) {
    return Status::AlreadyExists("ca: CA '" + existing[0].Text(0) + "' of environment '" +
                                 existing[0].Text(1) + "' exists; CAs are created once");
  }

  EVPROV_ASSIGN_OR_RETURN(auto root_signer, OpenOrCreate(options.root));
  EVPROV_ASSIGN_OR_RETURN(auto issuing_signer, OpenOrCreate(options.issuing));
  const std::string root_spki = root_signer->public_key_der();
  const std::string issuing_spki = issuing_signer->public_key_der();

  Clock::time_point now = Clock::now();
  CertParams root;
  root.organization = env.organization_name;
  root.common_name = root_name;
  root.subject_spki_der = root_spki;
  root.not_before = now - std::chrono::minutes(5);
  root.not_after = now + std::chrono::days(options.root_validity_days);
  root.is_ca = true;
  root.path_length = 1;  // root -> issuing CA -> leaf
  root.key_usage = kKeyCertSign | kCrlSign;
  NewCa root_ca{root_name, CaRole::kRoot, "", &options.root.key, nullptr};
  EVPROV_ASSIGN_OR_RETURN(root_ca.cert, BuildAndSign(root, root_signer->key().pkey));

  ossl::Asn1OctetString root_key_id = SubjectKeyId(root_ca.cert.get());
  CertParams issuing;
  issuing.organization = env.organization_name;
  issuing.common_name = env.issuing_ca;
  issuing.subject_spki_der = issuing_spki;
  issuing.issuer = root_ca.cert.get();
  issuing.issuer_key_id = root_key_id.get();
  issuing.not_before = root.not_before;
  issuing.not_after = now + std::chrono::days(options.issuing_validity_days);
  issuing.is_ca = true;
  issuing.path_length = 0;
  issuing.key_usage = kKeyCertSign | kCrlSign;
  NewCa issuing_ca{env.issuing_ca, CaRole::kIssuing, root_name, &options.issuing.key, nullptr};
  EVPROV_ASSIGN_OR_RETURN(issuing_ca.cert, BuildAndSign(issuing, root_signer->key().pkey));

  EVPROV_TRY(Record(tx, env, options, root_ca, actor));
  EVPROV_TRY(Record(tx, env, options, issuing_ca, actor));
  std::vector<CaInfo> out;
  for (const std::string& name : {root_name, env.issuing_ca}) {
    EVPROV_ASSIGN_OR_RETURN(CaInfo info, GetCa(tx, name));
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<CaInfo>> ListCas(store::Transaction& tx) {
  EVPROV_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kCaColumns +
                                              " FROM pki_cas ORDER BY environment, role DESC"));
  std::vector<CaInfo> out;
  out.reserve(rows.size());
  for (const store::Row& row : rows) out.push_back(RowToCaInfo(row));
  return out;
}

Result<CaInfo> GetCa(store::Transaction& tx, std::string_view name) {
  EVPROV_ASSIGN_OR_RETURN(store::Row row, tx.QueryOne("ca '" + std::string(name) + "'",
                                                      std::string("SELECT ") + kCaColumns +
                                                          " FROM pki_cas WHERE name = ?",
                                                      {std::string(name)}));
  return RowToCaInfo(row);
}

Result<std::string> ExportChainPem(store::Transaction& tx, std::string_view ca_name) {
  std::string pem;
  std::string name(ca_name);
  for (int depth = 0; !name.empty(); ++depth) {
    if (depth > 4) return Status::Internal("ca." + std::string(ca_name) + ": chain too deep");
    EVPROV_ASSIGN_OR_RETURN(CaInfo ca, GetCa(tx, name));
    pem += ca.certificate_pem;
    name = ca.parent;
  }
  return pem;
}

}  // namespace evprov::pki
