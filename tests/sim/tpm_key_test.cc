// The TPM key option against a software TPM (swtpm) through tpm2-openssl: the
// station key is a TPM-wrapped blob, the CSR is signed inside the TPM, a
// certificate for it passes the CertificateSigned checks, and the key is the
// TLS client key of a profile-3 connection without leaving the TPM. Skipped
// when swtpm or the tpm2 provider is not installed (scripts/setup.sh installs
// both).
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <vector>

#include "evprov/ocpp/client.h"
#include "evprov/sim/unit.h"
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

// A client key the TLS context holds must not yield a private key: neither the
// TPM key (no PKCS#8 encoding, no private scalar) nor the wrapper libssl signs
// with (no private part at all).
void ExpectNotExportable(const std::string& tpm_key_pem, EVP_PKEY* in_tls_context) {
  std::unique_ptr<BIO, testing::OsslFree> bio(
      BIO_new_mem_buf(tpm_key_pem.data(), static_cast<int>(tpm_key_pem.size())));
  testing::KeyPtr key(PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, nullptr, nullptr,
                                                 static_cast<OSSL_LIB_CTX*>(TpmLibraryContext()),
                                                 nullptr));
  ASSERT_TRUE(key);
  BIGNUM* priv = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &priv), 0);
  BN_free(priv);
  OSSL_PARAM* params = nullptr;
  if (EVP_PKEY_todata(key.get(), EVP_PKEY_KEYPAIR, &params) == 1) {
    EXPECT_EQ(OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_PRIV_KEY), nullptr);
  }
  OSSL_PARAM_free(params);
  // Whatever the encoders write (the TPM-wrapped blob) is no private key
  // without the TPM's provider.
  std::unique_ptr<BIO, testing::OsslFree> written(BIO_new(BIO_s_mem()));
  ASSERT_EQ(
      PEM_write_bio_PrivateKey(written.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  EXPECT_EQ(
      testing::KeyPtr(PEM_read_bio_PrivateKey(written.get(), nullptr, nullptr, nullptr)).get(),
      nullptr)
      << "the TPM key encodes to a software private key";
  ASSERT_NE(in_tls_context, nullptr);
  unsigned char* out = nullptr;
  EXPECT_LE(i2d_PrivateKey(in_tls_context, &out), 0) << "the TLS key encodes as DER";
  OPENSSL_free(out);
  std::unique_ptr<BIO, testing::OsslFree> pem(BIO_new(BIO_s_mem()));
  EXPECT_NE(
      PEM_write_bio_PrivateKey(pem.get(), in_tls_context, nullptr, nullptr, 0, nullptr, nullptr), 1)
      << "the TLS key encodes as PEM";
  ERR_clear_error();
}

// A profile-3 endpoint: a server certificate from its own CA, client
// certificates from client_root, and the CNs of the client certificates it saw.
class MtlsEndpoint {
 public:
  explicit MtlsEndpoint(const test::TempDir& dir)
      : pki_(dir.path()),
        server_ca_(pki_.CreateCa("station-ca")),
        server_(pki_.IssueServer(server_ca_, "station")),
        station_(Options(dir)) {}

  // Client options for a client key installed through UsePrivateKey.
  ocpp::ClientOptions ClientOptions(const std::string& identity, const std::string& cert_pem,
                                    const std::string& key_pem) const {
    ocpp::ClientOptions o;
    o.endpoint = station_.Url();
    o.identity = identity;
    o.connect_timeout = std::chrono::seconds(10);
    o.tls.ca_file = server_ca_.cert;
    o.cert_pem = cert_pem;
    o.key_pem = key_pem;
    o.install_key = [key_pem](void* ctx) { return UsePrivateKey(ctx, key_pem); };
    return o;
  }
  std::vector<std::string> seen_cns() const {
    std::lock_guard lock(mu_);
    return seen_cns_;
  }
  std::string server_root_pem() const {
    std::ifstream in(server_ca_.cert);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  const testing::TestCa& client_root() const { return client_root_; }
  testing::TestStation& station() { return station_; }

 private:
  testing::StationOptions Options(const test::TempDir& dir) {
    std::ofstream(dir.File("client-roots.pem")) << client_root_.pem();
    return {
        .profile = ocpp::SecurityProfile::kMutualTls,
        .tls = {server_.cert, server_.key, dir.File("client-roots.pem")},
        .on_handshake = [this](const ocpp::HandshakeInfo& info) {
          std::lock_guard lock(mu_);
          seen_cns_.push_back(info.peer_certificate ? info.peer_certificate->subject_cn : "<none>");
        }};
  }

  test::TestPki pki_;
  test::CertFiles server_ca_;
  test::CertFiles server_;
  testing::TestCa client_root_{"Client Root"};
  mutable std::mutex mu_;
  std::vector<std::string> seen_cns_;
  testing::TestStation station_;
};

// A TPM station key as the TLS client key (profile 3) of an ocpp::Client: the
// handshake succeeds, the server sees the certificate, the key stays in the TPM.
TEST_F(TpmKeyTest, TpmKeyIsTheTlsClientKey) {
  auto key = GenerateP256Key(KeyStorage::kTpm);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto csr = MakeCsr({*key, "CS-TPM-1", "Acme"});
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  MtlsEndpoint endpoint(dir_);
  ocpp::ClientOptions o =
      endpoint.ClientOptions("CS-TPM-1", endpoint.client_root().IssueFromCsr(*csr), *key);
  EVP_PKEY* installed = nullptr;
  o.install_key = [k = *key, &installed](void* ctx) {
    Status s = UsePrivateKey(ctx, k);
    installed = SSL_CTX_get0_privatekey(static_cast<SSL_CTX*>(ctx));
    if (installed != nullptr) EVP_PKEY_up_ref(installed);
    return s;
  };
  ocpp::Client client(o, ocpp::Handlers{});
  Status s = client.Connect();
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto heartbeat = client.Call("Heartbeat", nlohmann::json::object()).get();
  EXPECT_TRUE(heartbeat.ok()) << heartbeat.status().ToString();
  EXPECT_EQ(endpoint.seen_cns(), std::vector<std::string>{"CS-TPM-1"});
  client.Close();
  ExpectNotExportable(*key, installed);
  EVP_PKEY_free(installed);
}

// A TPM key that is not the key of the client certificate is refused before
// any connection, with a message that says so.
TEST_F(TpmKeyTest, TpmKeyNotMatchingTheCertificateIsRefused) {
  auto key = GenerateP256Key(KeyStorage::kTpm);
  auto other = GenerateP256Key(KeyStorage::kTpm);
  ASSERT_TRUE(key.ok() && other.ok());
  auto csr = MakeCsr({*other, "CS-TPM-2", "Acme"});
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  MtlsEndpoint endpoint(dir_);
  ocpp::Client client(
      endpoint.ClientOptions("CS-TPM-2", endpoint.client_root().IssueFromCsr(*csr), *key),
      ocpp::Handlers{});
  Status s = client.Connect();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("TPM key does not match the client certificate"), std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("TSS2"), std::string::npos) << "no key material in the error";
  EXPECT_TRUE(endpoint.seen_cns().empty()) << "no handshake reached the server";
}

// The whole journey with a TPM key: factory connection (profile 1), CSR signed
// in the TPM, CertificateSigned, SetNetworkProfile to a profile-3 endpoint,
// Reset; the unit reconnects with mutual TLS using its TPM-held key.
TEST_F(TpmKeyTest, UnitProvisionedToProfile3ConnectsWithItsTpmKey) {
  testing::TestStation factory({.password = testing::kBootstrapSecret});
  MtlsEndpoint csms(dir_);
  config_.key_storage = KeyStorage::kTpm;
  config_.tpm_tcti = tcti_;
  config_.factory_endpoint = factory.Url();
  config_.boot_delay = std::chrono::milliseconds(200);
  config_.retry_interval = std::chrono::seconds(1);
  UnitOptions options;
  options.reconnect_delay = std::chrono::milliseconds(200);
  options.connect_timeout = std::chrono::seconds(10);
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  Unit unit(config_, runtime, options);
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(testing::UnitReaches(unit, [](const UnitSnapshot& snapshot) {
    return snapshot.connected && snapshot.registration == Registration::kAccepted;
  }));
  auto call = [&](const std::string& action, const json& payload) {
    auto r = factory.Call("HW-0001", action, payload);
    EXPECT_TRUE(r.ok()) << action << ": " << r.status().ToString();
    return r.ok() ? *r : json();
  };
  auto set = [&](const std::string& component, const std::string& variable,
                 const std::string& value) {
    json r = call("SetVariables", {{"setVariableData",
                                    {{{"component", {{"name", component}}},
                                      {"variable", {{"name", variable}}},
                                      {"attributeValue", value}}}}});
    return r["setVariableResult"][0]["attributeStatus"];
  };
  ASSERT_EQ(set("VendorCtrlr", "SerialNumber", "SN-TPM-9"), "Accepted");
  ASSERT_EQ(set("SecurityCtrlr", "Identity", "SN-TPM-9"), "Accepted");
  for (const std::string& pem : {csms.server_root_pem(), csms.client_root().pem()}) {
    ASSERT_EQ(call("InstallCertificate",
                   {{"certificateType", "CSMSRootCertificate"}, {"certificate", pem}})["status"],
              "Accepted");
  }
  call("TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}});
  ASSERT_TRUE(factory.WaitFor("SignCertificate", 1));
  std::string chain =
      csms.client_root().IssueFromCsr(factory.Of("SignCertificate").at(0).payload.value("csr", ""));
  ASSERT_EQ(
      call("CertificateSigned", {{"certificateChain", chain},
                                 {"certificateType", "ChargingStationCertificate"}})["status"],
      "Accepted");
  ASSERT_EQ(call("SetNetworkProfile",
                 {{"configurationSlot", 2},
                  {"connectionData", testing::ProfileData(3, csms.station().Url())}})["status"],
            "Accepted");
  ASSERT_EQ(set("OCPPCommCtrlr", "NetworkConfigurationPriority", "2"), "Accepted");
  call("Reset", {{"type", "Immediate"}});
  ASSERT_TRUE(csms.station().WaitFor("BootNotification", 1, std::chrono::seconds(20)));
  EXPECT_EQ(csms.station().Of("BootNotification").at(0).identity, "SN-TPM-9");
  EXPECT_EQ(csms.station().Of("BootNotification").at(0).security_profile, 3);
  ASSERT_FALSE(csms.seen_cns().empty());
  EXPECT_EQ(csms.seen_cns().front(), "SN-TPM-9");
  unit.Stop();
  std::ifstream in(dir_.File("unit/state.json"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}).find("BEGIN PRIVATE KEY"),
            std::string::npos);
}

}  // namespace
}  // namespace evprov::sim
