// Helpers for the pki tests: keys and CSRs made with real OpenSSL, a migrated
// SQLite store in a temp dir, a SoftHSM2 token created for the test, and
// chain verification with X509_verify_cert.
#pragma once

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/hex.h"
#include "evprov/pki/ca.h"
#include "evprov/pki/issuance.h"
#include "evprov/store/store.h"
#include "pki/ossl.h"
#include "support/temp_dir.h"

namespace evprov::pki::testing {

inline constexpr char kSoftHsmModule[] = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";

// A fresh random secret (hex); tests assert it never shows up anywhere.
inline std::string RandomSecret() {
  unsigned char b[12];
  RAND_bytes(b, sizeof b);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(b), sizeof b));
}

// "P-256", "P-384", "secp256k1", "RSA-1024", "RSA-2048", "ED25519".
inline ossl::PKey NewKey(std::string_view kind) {
  if (kind.starts_with("RSA-")) {
    std::size_t bits = std::stoul(std::string(kind.substr(4)));
    return ossl::PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  }
  if (kind == "ED25519") return ossl::PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  return ossl::PKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(kind).c_str()));
}

using Subject = std::vector<std::pair<std::string, std::string>>;

// A PEM PKCS#10 for `key`, signed by `sign_with` (default: key itself).
inline std::string MakeCsr(EVP_PKEY* key, const Subject& subject, EVP_PKEY* sign_with = nullptr) {
  ossl::X509Req req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  for (const auto& [field, value] : subject) {
    X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  }
  X509_REQ_set_pubkey(req.get(), key);
  EVP_PKEY* signer = sign_with != nullptr ? sign_with : key;
  X509_REQ_sign(req.get(), signer,
                EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256());
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  return ossl::BioText(bio.get());
}

inline std::string PrivateKeyPem(EVP_PKEY* key) {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return ossl::BioText(bio.get());
}

inline void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

// X509_verify_cert of the first certificate in leaf_chain_pem (the rest are
// untrusted intermediates) against the trust anchors in anchors_pem.
// Returns "" on success, else OpenSSL's reason.
inline std::string VerifyChain(const std::string& leaf_chain_pem, const std::string& anchors_pem,
                               X509_CRL* crl = nullptr) {
  auto chain = ossl::ParseCertChainPem(leaf_chain_pem, "chain");
  auto anchors = ossl::ParseCertChainPem(anchors_pem, "anchors");
  if (!chain.ok() || !anchors.ok()) return "unparsable";
  ossl::X509Store store(X509_STORE_new());
  for (int i = 0; i < sk_X509_num(anchors->get()); ++i) {
    X509_STORE_add_cert(store.get(), sk_X509_value(anchors->get(), i));
  }
  if (crl != nullptr) {
    X509_STORE_add_crl(store.get(), crl);
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
  }
  X509* leaf = sk_X509_value(chain->get(), 0);
  ossl::X509Stack untrusted(sk_X509_new_null());
  for (int i = 1; i < sk_X509_num(chain->get()); ++i) {
    X509* c = sk_X509_value(chain->get(), i);
    X509_up_ref(c);
    sk_X509_push(untrusted.get(), c);
  }
  ossl::X509StoreCtx ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
  if (X509_verify_cert(ctx.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

// A SoftHSM2 token in a temp dir, with a random PIN in an environment
// variable. The PKCS#11 module reads SOFTHSM2_CONF once per process, so every
// SoftHsmToken of a process shares one token (created on first use, removed
// at exit); each instance prefixes its object labels so tests never collide.
class SoftHsmToken {
 public:
  static constexpr char kPinVariable[] = "EVPROV_TEST_HSM_PIN";
  static constexpr char kLabel[] = "factory-ca";

  SoftHsmToken() : prefix_("t" + std::to_string(++Shared().instances) + "-") {}
  bool ok() const { return Shared().ok; }
  const std::string& pin() const { return Shared().pin; }

  // Generates a key pair inside the token ("EC:prime256v1", "EC:secp384r1").
  bool GenerateKey(const std::string& object_label, const std::string& type = "EC:prime256v1") {
    Token& t = Shared();
    return Run(std::string("pkcs11-tool --module ") + kSoftHsmModule + " --token-label " + kLabel +
               " --login --pin " + t.pin + " --keypairgen --key-type " + type + " --id " +
               std::to_string(++t.next_id) + " --label " + prefix_ + object_label);
  }
  KeySpec Spec(const std::string& object_label) const {
    KeySpec spec;
    spec.backend = KeyBackend::kPkcs11;
    spec.token_label = kLabel;
    spec.object_label = prefix_ + object_label;
    spec.module_path = kSoftHsmModule;
    spec.secret = {SecretSource::Kind::kEnv, kPinVariable};
    return spec;
  }

 private:
  struct Token {
    test::TempDir dir;
    std::string pin = RandomSecret();
    int next_id = 0;
    int instances = 0;
    bool ok = false;
    Token() {
      WriteFile(dir.File("softhsm2.conf"), "directories.tokendir = " + dir.File("tokens") +
                                               "\nobjectstore.backend = file\nlog.level = ERROR\n");
      setenv("SOFTHSM2_CONF", dir.File("softhsm2.conf").c_str(), 1);
      setenv(kPinVariable, pin.c_str(), 1);
      ok = Run("mkdir -p " + dir.File("tokens")) &&
           Run(std::string("softhsm2-util --init-token --free --label ") + kLabel + " --so-pin " +
               RandomSecret() + " --pin " + pin);
    }
  };
  static Token& Shared() {
    static Token token;
    return token;
  }
  static bool Run(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
  }
  std::string prefix_;
};

// A migrated store in a temp dir, file-key passphrase in an env variable,
// the environments "staging" and "production", and units to issue for.
class PkiTest : public ::testing::Test {
 protected:
  static constexpr char kPassVariable[] = "EVPROV_TEST_CA_PASS";

  void SetUp() override {
    setenv(kPassVariable, passphrase_.c_str(), 1);
    auto s = store::OpenStore(dir_.File("evprov.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store::MigrateToLatest(*store_).ok());
  }
  void TearDown() override { unsetenv(kPassVariable); }

  static catalog::Environment Env(const std::string& name, const std::string& kind) {
    catalog::Environment env;
    env.name = name;
    env.kind = kind;
    env.organization_name = "Acme Charging " + name;
    env.issuing_ca = name + "-issuing";
    return env;
  }
  catalog::Environment staging_ = Env("staging", "staging");
  catalog::Environment production_ = Env("production", "production");

  KeySpec FileSpec(const std::string& name) const {
    KeySpec spec;
    spec.backend = KeyBackend::kFile;
    spec.path = dir_.File(name + ".key.pem");
    spec.secret = {SecretSource::Kind::kEnv, kPassVariable};
    return spec;
  }
  CaInitOptions FileOptions(const catalog::Environment& env) const {
    CaInitOptions o;
    o.root.key = FileSpec(env.name + "-root");
    o.issuing.key = FileSpec(env.name + "-issuing");
    return o;
  }

  // Keys "<env>-root" and "<env>-issuing" generated in the token.
  static CaInitOptions HsmOptions(SoftHsmToken& token, const catalog::Environment& env,
                                  const std::string& root_type = "EC:prime256v1") {
    CaInitOptions o;
    EXPECT_TRUE(token.ok());
    EXPECT_TRUE(token.GenerateKey(env.name + "-root", root_type));
    EXPECT_TRUE(token.GenerateKey(env.name + "-issuing"));
    o.root.key = token.Spec(env.name + "-root");
    o.issuing.key = token.Spec(env.name + "-issuing");
    return o;
  }

  Status Write(const std::function<Status(store::Transaction&)>& fn) {
    return store::InTransaction(*store_, store::TxMode::kWrite, fn);
  }
  Result<std::vector<CaInfo>> Init(const catalog::Environment& env, const CaInitOptions& o) {
    Result<std::vector<CaInfo>> out = Status::Internal("not run");
    Status s = Write([&](store::Transaction& tx) {
      out = InitCa(tx, env, o, "alice");
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
  std::unique_ptr<IssuingCa> Open(const catalog::Environment& env) {
    auto tx = store_->Begin(store::TxMode::kRead);
    auto ca = IssuingCa::OpenForEnvironment(**tx, env);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    return ca.ok() ? std::move(ca).value() : nullptr;
  }
  std::string Chain(const std::string& ca_name) {
    auto tx = store_->Begin(store::TxMode::kRead);
    auto pem = ExportChainPem(**tx, ca_name);
    return pem.ok() ? *pem : "";
  }
  std::int64_t AddUnit(const std::string& serial) {
    std::int64_t id = 0;
    Status s = Write([&](store::Transaction& tx) {
      auto rows = tx.Query(
          "INSERT INTO units (hardware_id, serial, serial_source, hardware_revision, state, "
          "registered_by, created_at, updated_at) VALUES (?, ?, 'mes', 'A', 'provisioning', "
          "'mes', '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z') RETURNING id",
          {"HW-" + serial, serial});
      if (!rows.ok()) return rows.status();
      id = rows->at(0).Int(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }
  Result<IssuedCertificate> IssueFor(const IssuingCa& ca, const catalog::Environment& env,
                                     std::int64_t unit, const std::string& serial,
                                     const std::string& csr) {
    Result<IssuedCertificate> out = Status::Internal("not run");
    Status s = Write([&](store::Transaction& tx) {
      out = IssueChargingStationCertificate(tx, ca, csr, {unit, serial, env.organization_name},
                                            "pipeline");
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }

  test::TempDir dir_;
  std::string passphrase_ = RandomSecret();
  std::unique_ptr<store::Store> store_;
};

}  // namespace evprov::pki::testing
