#include "evprov/pki/issuance.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <set>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "pki/cert_builder.h"
#include "pki/der.h"
#include "pki_test_util.h"

namespace evprov::pki {
namespace {

using testing::MakeCsr;
using testing::NewKey;
using testing::PkiTest;
using testing::VerifyChain;

class IssuanceTest : public PkiTest {
 protected:
  // Both environments: staging on file keys, production on SoftHSM2 keys.
  void InitBoth() {
    ASSERT_TRUE(Init(staging_, FileOptions(staging_)).ok());
    token_ = std::make_unique<testing::SoftHsmToken>();
    auto cas = Init(production_, HsmOptions(*token_, production_));
    ASSERT_TRUE(cas.ok()) << cas.status().ToString();
  }
  // The staging CA on file keys, open.
  std::unique_ptr<IssuingCa> InitStaging() {
    EXPECT_TRUE(Init(staging_, FileOptions(staging_)).ok());
    return Open(staging_);
  }
  static std::uint32_t KeyUsage(const std::string& pem) {
    auto cert = ossl::ParseCertPem(pem, "certificate");
    return cert.ok() ? X509_get_key_usage(cert->get()) : 0;
  }
  std::string CsrFor(EVP_PKEY* key, const std::string& serial, const catalog::Environment& env) {
    return MakeCsr(key, {{"CN", serial}, {"O", env.organization_name}});
  }
  std::unique_ptr<testing::SoftHsmToken> token_;
};

// Issues with each backend; each chain verifies against its own environment's
// root and never against the other's.
TEST_F(IssuanceTest, EachBackendIssuesAChainThatOnlyItsEnvironmentTrusts) {
  InitBoth();
  std::string staging_root = Chain("staging-root");
  std::string production_root = Chain("production-root");
  struct Case {
    const catalog::Environment* env;
    const std::string* own_root;
    const std::string* other_root;
  };
  int n = 0;
  for (const Case& c : {Case{&staging_, &staging_root, &production_root},
                        Case{&production_, &production_root, &staging_root}}) {
    std::unique_ptr<IssuingCa> ca = Open(*c.env);
    ASSERT_NE(ca, nullptr);
    std::string serial = "SN-" + std::to_string(++n);
    std::int64_t unit = AddUnit(serial);
    ossl::PKey key = NewKey("P-256");
    auto cert = IssueFor(*ca, *c.env, unit, serial, CsrFor(key.get(), serial, *c.env));
    ASSERT_TRUE(cert.ok()) << c.env->name << ": " << cert.status().ToString();
    EXPECT_EQ(VerifyChain(cert->chain_pem, *c.own_root), "") << c.env->name;
    EXPECT_NE(VerifyChain(cert->chain_pem, *c.other_root), "") << c.env->name;
    // Even with the other environment's whole chain as anchors.
    EXPECT_NE(VerifyChain(cert->certificate_pem,
                          Chain(c.env == &staging_ ? "production-issuing" : "staging-issuing")),
              "")
        << c.env->name;
    EXPECT_EQ(cert->subject, "CN=" + serial + ",O=" + c.env->organization_name);
    EXPECT_GT(cert->id, 0);
  }
}

TEST_F(IssuanceTest, CertificateHasTheProfile) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  std::int64_t unit = AddUnit("SN-7");
  ossl::PKey key = NewKey("P-256");
  auto issued = IssueFor(*ca, staging_, unit, "SN-7", CsrFor(key.get(), "SN-7", staging_));
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();

  // Chain: leaf first, then the issuing CA; no root.
  auto chain = ossl::ParseCertChainPem(issued->chain_pem, "chain");
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(sk_X509_num(chain->get()), 2);
  X509* leaf = sk_X509_value(chain->get(), 0);
  X509* issuer = sk_X509_value(chain->get(), 1);
  EXPECT_EQ(X509_check_issued(issuer, leaf), X509_V_OK);
  EXPECT_EQ(ossl::CertPem(issuer), ca->info().certificate_pem);

  // 128-bit random serial, the subject's key, SHA-256 fingerprint.
  EXPECT_GE(issued->serial_hex.size(), 30u);
  EXPECT_LE(issued->serial_hex.size(), 32u);
  ossl::PKey leaf_key(X509_get_pubkey(leaf));
  EXPECT_EQ(EVP_PKEY_eq(leaf_key.get(), key.get()), 1);
  EXPECT_EQ(issued->fingerprint_sha256, ossl::CertFingerprintHex(leaf));

  // KeyUsage digitalSignature + keyAgreement (EC), not a CA, no SAN, no EKU, SKI/AKI.
  EXPECT_EQ(X509_get_key_usage(leaf),
            static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT));
  EXPECT_EQ(X509_check_ca(leaf), 0);
  EXPECT_EQ(X509_get_ext_by_NID(leaf, NID_subject_alt_name, -1), -1);
  EXPECT_EQ(X509_get_ext_by_NID(leaf, NID_ext_key_usage, -1), -1);
  ASSERT_NE(X509_get0_subject_key_id(leaf), nullptr);
  ASSERT_NE(X509_get0_authority_key_id(leaf), nullptr);
  EXPECT_EQ(
      ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf), X509_get0_subject_key_id(issuer)), 0);

  // Validity from the CA's policy (1826 days by default).
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(leaf), X509_get0_notAfter(leaf)),
            1);
  EXPECT_EQ(days, 1826);

  // Recorded in the store with fingerprint and validity; audited.
  auto tx = store_->Begin(store::TxMode::kRead);
  auto records = ListUnitCertificates(**tx, unit);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].serial_hex, issued->serial_hex);
  EXPECT_EQ((*records)[0].fingerprint_sha256, issued->fingerprint_sha256);
  EXPECT_EQ((*records)[0].not_after, issued->not_after);
  EXPECT_EQ((*records)[0].spki_sha256, ossl::SpkiSha256Hex(key.get()));
  auto entries = audit::List(**tx);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->back().action, "certificate.issue");
  EXPECT_EQ(entries->back().object, "certificate/" + issued->serial_hex);
}

// The leaf is written as DER by hand (src/pki/leaf_der.cc): OpenSSL's own
// re-encoding of every parsed field must give the same bytes, for EC and RSA keys.
TEST_F(IssuanceTest, HandWrittenDerIsWhatOpenSslWouldEncode) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  int n = 0;
  for (const char* kind : {"P-256", "P-384", "RSA-2048"}) {
    std::string serial = "SN-D" + std::to_string(++n);
    ossl::PKey key = NewKey(kind);
    auto issued =
        IssueFor(*ca, staging_, AddUnit(serial), serial, CsrFor(key.get(), serial, staging_));
    ASSERT_TRUE(issued.ok()) << kind << ": " << issued.status().ToString();
    auto leaf = ossl::ParseCertPem(issued->certificate_pem, "leaf");
    ASSERT_TRUE(leaf.ok());
    std::string der = ossl::CertDer(leaf->get());
    std::string_view rest = der;
    der::Tlv outer;
    der::Tlv tbs;
    ASSERT_TRUE(der::Expect(rest, der::kSequence, outer));
    std::string_view body = outer.value;
    ASSERT_TRUE(der::Expect(body, der::kSequence, tbs));
    unsigned char* reencoded = nullptr;
    int len = i2d_re_X509_tbs(leaf->get(), &reencoded);  // re-encodes from the parsed fields
    ASSERT_GT(len, 0);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(reencoded), static_cast<std::size_t>(len)),
              std::string(tbs.whole))
        << kind;
    OPENSSL_free(reencoded);
    EXPECT_EQ(issued->fingerprint_sha256, ossl::CertFingerprintHex(leaf->get()));
    EXPECT_EQ(issued->serial_hex, ossl::SerialHex(X509_get0_serialNumber(leaf->get())));
    EXPECT_EQ(issued->subject, NameText(X509_get_subject_name(leaf->get())));
  }
}

TEST_F(IssuanceTest, RsaSubjectGetsKeyEncipherment) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  ossl::PKey key = NewKey("RSA-2048");
  auto issued =
      IssueFor(*ca, staging_, AddUnit("SN-R"), "SN-R", CsrFor(key.get(), "SN-R", staging_));
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(KeyUsage(issued->certificate_pem),
            static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
}

TEST_F(IssuanceTest, AKeySeenBeforeOnAnyUnitIsRefused) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  std::int64_t first = AddUnit("SN-1");
  std::int64_t second = AddUnit("SN-2");
  ossl::PKey key = NewKey("P-256");
  ASSERT_TRUE(IssueFor(*ca, staging_, first, "SN-1", CsrFor(key.get(), "SN-1", staging_)).ok());
  // Same key, other unit (a shared key) and same unit (a reprovisioned unit reusing its key).
  for (auto [unit, serial] : {std::pair{second, "SN-2"}, std::pair{first, "SN-1"}}) {
    auto again = IssueFor(*ca, staging_, unit, serial, CsrFor(key.get(), serial, staging_));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().message(), "csr.public_key: seen before on unit " +
                                            std::to_string(first) +
                                            "; every certificate needs a new key");
  }
  // Nothing was recorded for the refused requests.
  auto tx = store_->Begin(store::TxMode::kRead);
  EXPECT_EQ(ListUnitCertificates(**tx, second)->size(), 0u);
  EXPECT_EQ(ListUnitCertificates(**tx, first)->size(), 1u);
}

TEST_F(IssuanceTest, TheUniqueColumnHoldsWithoutThePreCheck) {
  ASSERT_TRUE(Init(staging_, FileOptions(staging_)).ok());
  std::int64_t unit = AddUnit("SN-U");
  Status s = Write([&](store::Transaction& tx) {
    for (int i = 0; i < 2; ++i) {
      EVPROV_TRY(tx.Exec("INSERT INTO certificates (unit_id, ca_name, usage, serial_hex, subject, "
                         "fingerprint_sha256, spki_sha256, not_before, not_after, "
                         "certificate_pem, issued_by, issued_at) VALUES (?, 'staging-issuing', "
                         "'charging_station', ?, 's', ?, 'same-key', 'a', 'b', 'pem', 'x', 'y')",
                         {unit, "SERIAL" + std::to_string(i), "FP" + std::to_string(i)})
                     .status());
    }
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
}

TEST_F(IssuanceTest, RefusesACsrForAnotherUnitsSerial) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  std::int64_t unit = AddUnit("SN-A");
  AddUnit("SN-B");
  ossl::PKey key = NewKey("P-256");
  // The pipeline asks for the wrong serial: the unit's record disagrees.
  auto wrong = IssueFor(*ca, staging_, unit, "SN-B", CsrFor(key.get(), "SN-B", staging_));
  EXPECT_EQ(wrong.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.status().message().find("serial is 'SN-A', not 'SN-B'"), std::string::npos);
  // The charger sends a CSR for another serial.
  auto csr = IssueFor(*ca, staging_, unit, "SN-A", CsrFor(key.get(), "SN-B", staging_));
  EXPECT_TRUE(csr.status().message().starts_with("csr.subject.CN: 'SN-B'"));
}

TEST_F(IssuanceTest, OpeningRefusesAnotherEnvironmentsCa) {
  ASSERT_TRUE(Init(staging_, FileOptions(staging_)).ok());
  catalog::Environment confused = production_;
  confused.issuing_ca = "staging-issuing";
  auto tx = store_->Begin(store::TxMode::kRead);
  auto ca = IssuingCa::OpenForEnvironment(**tx, confused);
  ASSERT_FALSE(ca.ok());
  EXPECT_NE(ca.status().message().find("is not the issuing CA of environment 'production'"),
            std::string::npos)
      << ca.status().message();
}

TEST_F(IssuanceTest, RevokedSerialsAreInTheCrl) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  std::vector<std::string> serials;
  std::vector<std::int64_t> units;
  for (int i = 0; i < 3; ++i) {
    std::string serial = "SN-C" + std::to_string(i);
    units.push_back(AddUnit(serial));
    ossl::PKey key = NewKey("P-256");
    auto cert = IssueFor(*ca, staging_, units.back(), serial, CsrFor(key.get(), serial, staging_));
    ASSERT_TRUE(cert.ok());
    serials.push_back(cert->serial_hex);
  }
  Result<int> revoked = 0;
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                revoked =
                    RevokeUnitCertificates(tx, units[0], RevocationReason::kSuperseded, "bob");
                EVPROV_TRY(revoked.status());
                return RevokeCertificate(tx, serials[2], RevocationReason::kKeyCompromise, "bob");
              }).ok());
  EXPECT_EQ(*revoked, 1);
  // Revoking again: nothing left for the unit; the single one is refused.
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                revoked = RevokeUnitCertificates(tx, units[0], RevocationReason::kSuperseded, "b");
                return revoked.status();
              }).ok());
  EXPECT_EQ(*revoked, 0);
  EXPECT_EQ(Write([&](store::Transaction& tx) {
              return RevokeCertificate(tx, serials[2], RevocationReason::kUnspecified, "b");
            }).code(),
            StatusCode::kFailedPrecondition);

  std::string crl_pem;
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(Write([&](store::Transaction& tx) {
                  auto pem = GenerateCrl(tx, *ca, "alice");
                  if (pem.ok()) crl_pem = *pem;
                  return pem.status();
                }).ok());
  }
  ossl::Bio bio = ossl::MemBio(crl_pem);
  ossl::X509Crl crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(crl);
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
  ASSERT_EQ(sk_X509_REVOKED_num(entries), 2);
  std::set<std::string> listed;
  for (int i = 0; i < 2; ++i) {
    listed.insert(
        ossl::SerialHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i))));
  }
  EXPECT_EQ(listed, (std::set<std::string>{serials[0], serials[2]}));
  // Signed by the CA, numbered (second CRL: number 2).
  auto ca_cert = ossl::ParseCertPem(ca->info().certificate_pem, "ca");
  ossl::PKey ca_key(X509_get_pubkey(ca_cert->get()));
  EXPECT_EQ(X509_CRL_verify(crl.get(), ca_key.get()), 1);
  ossl::Asn1Integer number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
  EXPECT_EQ(ASN1_INTEGER_get(number.get()), 2);
  // With the CRL, the revoked chain fails and the unrevoked one still verifies.
  auto tx = store_->Begin(store::TxMode::kRead);
  std::string root = Chain("staging-root");
  auto revoked_cert = ListUnitCertificates(**tx, units[0]);
  auto good_cert = ListUnitCertificates(**tx, units[1]);
  EXPECT_EQ(
      VerifyChain((*revoked_cert)[0].certificate_pem + ca->info().certificate_pem, root, crl.get()),
      "certificate revoked");
  EXPECT_EQ((*revoked_cert)[0].revocation_reason, "superseded");
  // The root's CRL is not available, so check only the leaf level (no CRL_CHECK_ALL).
  EXPECT_EQ(
      VerifyChain((*good_cert)[0].certificate_pem + ca->info().certificate_pem, root, crl.get()),
      "");
}

TEST_F(IssuanceTest, ServiceCertificatesForTheStation) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  ossl::PKey tls_key = NewKey("P-256");
  ServiceCertificateRequest tls;
  tls.usage = ServiceUsage::kTlsServer;
  tls.common_name = "station-1.line.local";
  tls.dns_names = {"station-1.line.local"};
  tls.ip_addresses = {"127.0.0.1"};
  tls.public_key_der = ossl::SpkiDer(tls_key.get());
  Result<IssuedCertificate> issued = Status::Internal("not run");
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                issued = IssueServiceCertificate(tx, *ca, tls, "alice");
                return issued.status();
              }).ok())
      << issued.status().ToString();
  auto leaf = ossl::ParseCertPem(issued->certificate_pem, "leaf");
  EXPECT_EQ(X509_check_host(leaf->get(), "station-1.line.local", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf->get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_purpose(leaf->get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(VerifyChain(issued->chain_pem, Chain("staging-root")), "");

  ServiceCertificateRequest passport;
  passport.usage = ServiceUsage::kPassportSigning;
  passport.common_name = "evprov passport signer";
  passport.public_key_der = tls.public_key_der;  // a key is certified once
  ASSERT_FALSE(Write([&](store::Transaction& tx) {
                 return IssueServiceCertificate(tx, *ca, passport, "alice").status();
               }).ok());
  ossl::PKey passport_key = NewKey("P-256");
  passport.public_key_der = ossl::SpkiDer(passport_key.get());
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                issued = IssueServiceCertificate(tx, *ca, passport, "alice");
                return issued.status();
              }).ok());
  EXPECT_EQ(KeyUsage(issued->certificate_pem),
            static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
}

// The exported chain checks with the openssl command line, as docs/pki.md shows.
TEST_F(IssuanceTest, OpensslVerifyAcceptsTheExportedChain) {
  std::unique_ptr<IssuingCa> ca = InitStaging();
  ossl::PKey key = NewKey("P-256");
  auto issued =
      IssueFor(*ca, staging_, AddUnit("SN-V"), "SN-V", CsrFor(key.get(), "SN-V", staging_));
  ASSERT_TRUE(issued.ok());
  testing::WriteFile(dir_.File("ca.pem"), Chain("staging-issuing"));
  testing::WriteFile(dir_.File("leaf.pem"), issued->certificate_pem);
  std::string cmd = "openssl verify -CAfile " + dir_.File("ca.pem") + " " + dir_.File("leaf.pem") +
                    " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  testing::WriteFile(dir_.File("other.pem"), Chain("staging-root"));
  cmd = "openssl verify -CAfile " + dir_.File("other.pem") + " " + dir_.File("leaf.pem") +
        " >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
}

// No PIN, passphrase or CSR key material shows up in any log line.
TEST_F(IssuanceTest, NoSecretInAnyLogLine) {
  log::ScopedCapture capture;
  log::SetLevel(log::Level::kDebug);
  InitBoth();
  for (const catalog::Environment* env : {&staging_, &production_}) {
    std::unique_ptr<IssuingCa> ca = Open(*env);
    ASSERT_NE(ca, nullptr);
    std::string serial = "SN-L-" + env->name;
    std::int64_t unit = AddUnit(serial);
    ossl::PKey key = NewKey("P-256");
    ASSERT_TRUE(IssueFor(*ca, *env, unit, serial, CsrFor(key.get(), serial, *env)).ok());
    // A refusal is logged too.
    ASSERT_FALSE(IssueFor(*ca, *env, unit, serial, CsrFor(key.get(), serial, *env)).ok());
    ASSERT_TRUE(
        Write([&](store::Transaction& tx) { return GenerateCrl(tx, *ca, "a").status(); }).ok());
  }
  std::string logs = capture.sink().Joined();
  EXPECT_NE(logs.find("pki.certificate.issued"), std::string::npos);
  EXPECT_NE(logs.find("pki.csr.refused"), std::string::npos);
  EXPECT_EQ(logs.find(token_->pin()), std::string::npos);
  EXPECT_EQ(logs.find(passphrase_), std::string::npos);
  EXPECT_EQ(logs.find("PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace evprov::pki
