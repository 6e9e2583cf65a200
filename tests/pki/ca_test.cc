#include "evprov/pki/ca.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "evprov/audit/audit.h"
#include "pki_test_util.h"

namespace evprov::pki {
namespace {

using testing::PkiTest;

class CaTest : public PkiTest {};

TEST_F(CaTest, InitCreatesRootAndIssuingForTheEnvironment) {
  auto cas = Init(staging_, FileOptions(staging_));
  ASSERT_TRUE(cas.ok()) << cas.status().ToString();
  ASSERT_EQ(cas->size(), 2u);
  const CaInfo& root = (*cas)[0];
  const CaInfo& issuing = (*cas)[1];
  EXPECT_EQ(root.name, "staging-root");
  EXPECT_EQ(root.role, CaRole::kRoot);
  EXPECT_EQ(root.parent, "");
  EXPECT_EQ(issuing.name, "staging-issuing");
  EXPECT_EQ(issuing.parent, "staging-root");
  EXPECT_EQ(issuing.environment, "staging");
  EXPECT_EQ(issuing.subject, "CN=staging-issuing,O=Acme Charging staging");
  EXPECT_NE(root.spki_sha256, issuing.spki_sha256);
  EXPECT_EQ(issuing.key_locator, "file:" + dir_.File("staging-issuing.key.pem"));
  EXPECT_EQ(issuing.secret_source, "env:EVPROV_TEST_CA_PASS");
  // The key files are 0600 and encrypted.
  struct stat st {};
  ASSERT_EQ(::stat(dir_.File("staging-issuing.key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(dir_.File("staging-issuing.key.pem"));
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(pem.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  // The issuing CA verifies against its own root.
  EXPECT_EQ(testing::VerifyChain(issuing.certificate_pem, root.certificate_pem), "");
  // Audited in the same transaction.
  auto tx = store_->Begin(store::TxMode::kRead);
  auto entries = audit::List(**tx);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].action, "ca.init");
  EXPECT_EQ((*entries)[1].object, "ca/staging-issuing");
  EXPECT_EQ((*entries)[1].actor, "alice");
}

TEST_F(CaTest, ShowListsAndExportsTheChain) {
  ASSERT_TRUE(Init(staging_, FileOptions(staging_)).ok());
  auto tx = store_->Begin(store::TxMode::kRead);
  auto cas = ListCas(**tx);
  ASSERT_TRUE(cas.ok());
  EXPECT_EQ(cas->size(), 2u);
  auto chain = ExportChainPem(**tx, "staging-issuing");
  ASSERT_TRUE(chain.ok());
  auto certs = ossl::ParseCertChainPem(*chain, "chain");
  ASSERT_TRUE(certs.ok());
  EXPECT_EQ(sk_X509_num(certs->get()), 2);
  EXPECT_EQ(GetCa(**tx, "nope").status().code(), StatusCode::kNotFound);
}

TEST_F(CaTest, ProductionRefusesFileKeys) {
  auto cas = Init(production_, FileOptions(production_));
  ASSERT_FALSE(cas.ok());
  EXPECT_EQ(cas.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(cas.status().message().find(
                "ca.root.key: a production environment refuses file-backed CA keys"),
            std::string::npos)
      << cas.status().message();
  // Nothing was created, not even the key files.
  EXPECT_NE(::access(dir_.File("production-root.key.pem").c_str(), F_OK), 0);
}

TEST_F(CaTest, EnvironmentIsInitialisedOnce) {
  ASSERT_TRUE(Init(staging_, FileOptions(staging_)).ok());
  auto again = Init(staging_, FileOptions(staging_));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
}

TEST_F(CaTest, EnvironmentsNeverShareAKey) {
  ASSERT_TRUE(Init(staging_, FileOptions(staging_)).ok());
  catalog::Environment other = Env("other", "staging");
  CaInitOptions o = FileOptions(other);
  o.issuing.key = FileSpec("staging-issuing");  // staging's issuing key, reused
  auto cas = Init(other, o);
  ASSERT_FALSE(cas.ok());
  EXPECT_EQ(cas.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(cas.status().message().find("ca.issuing.key: already the key of CA 'staging-issuing'"),
            std::string::npos)
      << cas.status().message();
}

TEST_F(CaTest, RefusesInconsistentValidity) {
  CaInitOptions o = FileOptions(staging_);
  o.leaf_validity_days = o.issuing_validity_days + 1;
  EXPECT_EQ(Init(staging_, o).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CaTest, ProductionWithAnHsmKey) {
  testing::SoftHsmToken token;
  auto cas = Init(production_, HsmOptions(token, production_, "EC:secp384r1"));
  ASSERT_TRUE(cas.ok()) << cas.status().ToString();
  EXPECT_EQ((*cas)[1].backend, KeyBackend::kPkcs11);
  EXPECT_EQ((*cas)[1].key_locator, token.Spec("production-issuing").Locator());
  EXPECT_TRUE((*cas)[1].key_locator.starts_with("pkcs11:token=factory-ca;object="));
  EXPECT_EQ(testing::VerifyChain((*cas)[1].certificate_pem, (*cas)[0].certificate_pem), "");
}

}  // namespace
}  // namespace evprov::pki
