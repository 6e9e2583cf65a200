// Certificates and keys with real OpenSSL: the root store, hash data, CSRs and
// the CertificateSigned checks.
#include "evprov/sim/certificates.h"

#include <gtest/gtest.h>

#include "sim/sim_testing.h"

namespace evprov::sim {
namespace {

using testing::TestCa;

std::chrono::system_clock::time_point Now() {
  return std::chrono::system_clock::now();
}

TEST(CertificateStoreTest, InstallsCaCertificatesOnly) {
  TestCa root("Test CSMS Root");
  CertificateStore store;
  std::string why;
  EXPECT_EQ(store.Install(CertificateUse::kCsmsRoot, root.pem(), Now(), &why),
            InstallStatus::kAccepted);
  EXPECT_EQ(store.Install(CertificateUse::kCsmsRoot, root.pem(), Now(), &why),
            InstallStatus::kAccepted);
  EXPECT_EQ(store.size(), 1U) << "installing twice is idempotent";
  auto key = testing::NewKey();
  EXPECT_EQ(store.Install(CertificateUse::kCsmsRoot, root.Issue(key.get(), "leaf"), Now(), &why),
            InstallStatus::kRejected);
  EXPECT_NE(why.find("not a CA certificate"), std::string::npos);
  EXPECT_EQ(
      store.Install(CertificateUse::kCsmsRoot, "-----BEGIN CERTIFICATE-----\nAAAA", Now(), &why),
      InstallStatus::kRejected);
  EXPECT_EQ(store.Install(CertificateUse::kCsmsRoot, root.pem(),
                          Now() + std::chrono::hours(24 * 365), &why),
            InstallStatus::kRejected);
  EXPECT_NE(why.find("not valid at the charger's current time"), std::string::npos);
}

TEST(CertificateStoreTest, ListsFiltersDeletesByHashData) {
  TestCa csms("CSMS Root");
  TestCa maker("Manufacturer Root");
  CertificateStore store;
  std::string why;
  ASSERT_EQ(store.Install(CertificateUse::kCsmsRoot, csms.pem(), Now(), &why),
            InstallStatus::kAccepted);
  ASSERT_EQ(store.Install(CertificateUse::kManufacturerRoot, maker.pem(), Now(), &why),
            InstallStatus::kAccepted);
  EXPECT_EQ(store.List({}).size(), 2U);
  auto only = store.List({CertificateUse::kManufacturerRoot});
  ASSERT_EQ(only.size(), 1U);
  auto hash = HashDataOf(maker.pem(), "SHA256");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(only[0].second, *hash);
  EXPECT_EQ(hash->issuer_name_hash.size(), 64U);
  EXPECT_EQ(hash->serial_number.find_first_not_of("0123456789abcdef"), std::string::npos);
  // SHA-384 hash data names the same certificate.
  auto hash384 = HashDataOf(maker.pem(), "SHA384");
  ASSERT_TRUE(hash384.ok());
  CertificateHashData wrong = *hash;
  wrong.serial_number = "1";
  EXPECT_EQ(store.Delete(wrong), DeleteStatus::kNotFound);
  EXPECT_EQ(store.Delete(*hash384), DeleteStatus::kAccepted);
  EXPECT_FALSE(store.Has(CertificateUse::kManufacturerRoot));
  EXPECT_TRUE(store.Has(CertificateUse::kCsmsRoot));
  auto reloaded = CertificateStore::FromJson(store.ToJson());
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->Pems(CertificateUse::kCsmsRoot), store.Pems(CertificateUse::kCsmsRoot));
}

TEST(CsrTest, CarriesSerialOrganisationAndAP256Key) {
  auto key = GenerateP256Key();
  ASSERT_TRUE(key.ok());
  auto csr = MakeCsr({*key, "SN-0042", "Acme Charging GmbH"});
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  testing::CsrInfo info = testing::ReadCsr(*csr);
  EXPECT_EQ(info.cn, "SN-0042");
  EXPECT_EQ(info.o, "Acme Charging GmbH");
  EXPECT_EQ(info.key_bits, 256);
  EXPECT_TRUE(info.ec);
  EXPECT_TRUE(info.signature_ok) << "proof of possession";
  // The fingerprint of the key is that of a certificate issued for the CSR.
  TestCa ca("Fingerprint CA");
  EXPECT_EQ(*PublicKeyFingerprint(*key), *PublicKeyFingerprint(ca.IssueFromCsr(*csr)));
  EXPECT_NE(*PublicKeyFingerprint(*key), *PublicKeyFingerprint(ca.pem()));
  EXPECT_EQ(csr->find("PRIVATE"), std::string::npos);
}

class StationCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = GenerateP256Key();
    ASSERT_TRUE(k.ok());
    key_pem_ = *k;
    auto csr = MakeCsr({key_pem_, "SN-0042", "Acme"});
    ASSERT_TRUE(csr.ok());
    csr_ = *csr;
  }
  Status Verify(const std::string& chain, const std::vector<std::string>& roots) {
    return VerifyStationCertificate({chain, key_pem_, "SN-0042", roots, Now()});
  }
  TestCa root_{"Env Root"};
  TestCa issuing_{"Env Issuing CA", root_};
  std::string key_pem_;
  std::string csr_;
};

TEST_F(StationCertificateTest, AcceptsAChainThroughAnIntermediate) {
  std::string chain = issuing_.IssueFromCsr(csr_) + issuing_.pem();
  Status s = Verify(chain, {root_.pem()});
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(StationCertificateTest, RefusesAWrongCommonName) {
  std::string chain = issuing_.IssueFromCsr(csr_, "SN-9999") + issuing_.pem();
  Status s = Verify(chain, {root_.pem()});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("subject CN 'SN-9999' does not match the charger's serial 'SN-0042'"),
            std::string::npos)
      << s.message();
}

TEST_F(StationCertificateTest, RefusesACertificateForAnotherKey) {
  auto other = testing::NewKey();
  std::string chain = issuing_.Issue(other.get(), "SN-0042") + issuing_.pem();
  Status s = Verify(chain, {root_.pem()});
  EXPECT_NE(s.message().find("not the key of the charger's CSR"), std::string::npos) << s.message();
}

TEST_F(StationCertificateTest, RefusesAnUntrustedChain) {
  TestCa stranger("Stranger Root");
  std::string chain = issuing_.IssueFromCsr(csr_) + issuing_.pem();
  Status s = Verify(chain, {stranger.pem()});
  EXPECT_NE(s.message().find("does not verify to an installed CSMS root"), std::string::npos)
      << s.message();
  // Without the intermediate the leaf does not chain to the root either.
  s = Verify(issuing_.IssueFromCsr(csr_), {root_.pem()});
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(Verify(issuing_.IssueFromCsr(csr_) + issuing_.pem(), {}).ok());
  EXPECT_FALSE(Verify("not a certificate", {root_.pem()}).ok());
}

}  // namespace
}  // namespace evprov::sim
