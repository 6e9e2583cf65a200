// The TPM key option against a software TPM (swtpm) through tpm2-openssl: the
// station key is a TPM-wrapped blob, the CSR is signed inside the TPM, and a
// certificate for it passes the CertificateSigned checks. Skipped when swtpm
// or the tpm2 provider is not installed (scripts/setup.sh installs both).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "evprov/ocpp/client.h"
#include "sim/net_testing.h"
#include "sim/sim_testing.h"
#include "sim/tls_key.h"
#include "support/test_pki.h"

namespace evprov::sim {
namespace {

using nlohmann::json;

class TpmKeyTest : public testing::ChargerFixture {
 protected:
  // One swtpm for the suite: the tpm2 provider binds its TCTI once per process.
  static void SetUpTestSuite() {
    if (std::system("command -v swtpm >/dev/null 2>&1") != 0 ||
        !std::filesystem::exists("/usr/lib/x86_64-linux-gnu/ossl-modules/tpm2.so")) {
      return;
    }
    tpm_dir_ = new test::TempDir();
    std::filesystem::create_directories(tpm_dir_->File("state"));
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 5 && tcti_.empty(); ++attempt) {
      int port = 20000 + static_cast<int>(rng() % 20000) * 2;
      std::string cmd = "swtpm socket --tpm2 --tpmstate dir=" + tpm_dir_->File("state") +
                        " --server type=tcp,port=" + std::to_string(port) +
                        ",bindaddr=127.0.0.1 --ctrl type=tcp,port=" + std::to_string(port + 1) +
                        ",bindaddr=127.0.0.1 --flags not-need-init,startup-clear --daemon" +
                        " --pid file=" + tpm_dir_->File("swtpm.pid") + " 2>/dev/null";
      if (std::system(cmd.c_str()) == 0) {
        tcti_ = "swtpm:host=127.0.0.1,port=" + std::to_string(port);
      }
    }
  }
  static void TearDownTestSuite() {
    if (tpm_dir_ == nullptr) return;
    std::ifstream pid_file(tpm_dir_->File("swtpm.pid"));
    pid_t pid = 0;
    if (pid_file >> pid && pid > 0) ::kill(pid, SIGTERM);
    delete tpm_dir_;
    tpm_dir_ = nullptr;
  }
  void SetUp() override {
    if (tcti_.empty()) GTEST_SKIP() << "swtpm or tpm2-openssl is not installed";
    ChargerFixture::SetUp();
    ASSERT_TRUE(InitTpmKeys(tcti_).ok());
  }

  static inline test::TempDir* tpm_dir_ = nullptr;
  static inline std::string tcti_;
};

TEST_F(TpmKeyTest, KeyIsATpmBlobAndSignsTheCsr) {
  auto key = GenerateP256Key(KeyStorage::kTpm);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->rfind("-----BEGIN TSS2 PRIVATE KEY-----", 0), 0U);
  auto csr = MakeCsr({*key, "SN-TPM-1", "Acme"});
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  testing::CsrInfo info = testing::ReadCsr(*csr);
  EXPECT_EQ(info.cn, "SN-TPM-1");
  EXPECT_EQ(info.key_bits, 256);
  EXPECT_TRUE(info.signature_ok);
  testing::TestCa root("TPM Root");
  std::string cert = root.IssueFromCsr(*csr);
  EXPECT_EQ(*PublicKeyFingerprint(*key), *PublicKeyFingerprint(cert));
  Status s = VerifyStationCertificate(
      {cert, *key, "SN-TPM-1", {root.pem()}, std::chrono::system_clock::now()});
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto other = testing::NewKey();
  s = VerifyStationCertificate({root.Issue(other.get(), "SN-TPM-1"),
                                *key,
                                "SN-TPM-1",
                                {root.pem()},
                                std::chrono::system_clock::now()});
  EXPECT_FALSE(s.ok());
}

TEST_F(TpmKeyTest, ChargerKeepsItsStationKeyInTheTpm) {
  config_.key_storage = KeyStorage::kTpm;
  config_.tpm_tcti = tcti_;
  Boot("Pending");
  ASSERT_EQ(SetVariable("VendorCtrlr", "SerialNumber", "SN-TPM-2")["attributeStatus"], "Accepted");
  testing::TestCa root("Root");
  Call("InstallCertificate",
       {{"certificateType", "CSMSRootCertificate"}, {"certificate", root.pem()}});
  Call("TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}});
  ASSERT_EQ(link_.Of("SignCertificate").size(), 1U);
  std::string csr = link_.Of("SignCertificate")[0]->payload["csr"];
  EXPECT_EQ(Call("CertificateSigned", {{"certificateChain", root.IssueFromCsr(csr)}})["status"],
            "Accepted");
  std::ifstream in(charger_->state_file());
  json state = json::parse(in);
  const std::string key = state["station_key"];
  EXPECT_EQ(key.rfind("-----BEGIN TSS2 PRIVATE KEY-----", 0), 0U);
  EXPECT_EQ(state.dump().find("BEGIN PRIVATE KEY"), std::string::npos)
      << "no software private key in the charger's flash";
}

// A TPM station key in the TLS client (profile 3): the key reaches OpenSSL
// through ocpp::ClientOptions::install_key in the tpm2 library context, but
// the installed tpm2-openssl cannot duplicate a signing context, which
// libssl's CertificateVerify needs, so the handshake fails cleanly (kUnavailable
// naming the step, no crash, the key not exported). Known limitation
// (docs/sim.md); when a provider that can lands, this test flips to ok.
TEST_F(TpmKeyTest, TpmKeyInATlsClientFailsCleanlyWithThisProvider) {
  auto key = GenerateP256Key(KeyStorage::kTpm);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto csr = MakeCsr({*key, "CS-TPM-1", "Acme"});
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  testing::TestCa client_root("Client Root");
  test::TestPki pki(dir_.path());
  auto server_ca = pki.CreateCa("station-ca");
  auto server = pki.IssueServer(server_ca, "station");
  std::ofstream(dir_.File("client-roots.pem")) << client_root.pem();
  testing::TestStation station({.profile = ocpp::SecurityProfile::kMutualTls,
                                .tls = {server.cert, server.key, dir_.File("client-roots.pem")}});
  ocpp::ClientOptions o;
  o.endpoint = station.Url();
  o.identity = "CS-TPM-1";
  o.connect_timeout = std::chrono::seconds(5);
  o.tls.ca_file = server_ca.cert;
  o.cert_pem = client_root.IssueFromCsr(*csr);
  o.key_pem = *key;
  o.install_key = [k = *key](void* ctx) { return UsePrivateKey(ctx, k); };
  o.openssl_library_context = TpmLibraryContext();
  ocpp::Client client(o, ocpp::Handlers{});
  Status s = client.Connect();
  if (s.ok()) GTEST_FAIL() << "the TPM key now works in TLS: update this test and docs/sim.md";
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("tls handshake"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace evprov::sim
