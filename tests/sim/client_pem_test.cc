// ocpp::Client with its TLS material as PEM in memory (the station
// certificate a charger got over OCPP lives in its state, not in a file).
#include <gtest/gtest.h>

#include <fstream>

#include "evprov/ocpp/client.h"
#include "sim/net_testing.h"
#include "sim/sim_testing.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace evprov::sim::testing {
namespace {

class ClientPemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = pki_.IssueServer(server_ca_, "station");
    std::ofstream(dir_.File("client-roots.pem")) << client_root_.pem();
    station_ = std::make_unique<TestStation>(
        StationOptions{.profile = ocpp::SecurityProfile::kMutualTls,
                       .tls = {server_.cert, server_.key, dir_.File("client-roots.pem")}});
  }
  ocpp::ClientOptions Options(const std::string& identity) {
    ocpp::ClientOptions o;
    o.endpoint = station_->Url();
    o.identity = identity;
    o.connect_timeout = 5s;
    o.ca_pem = evprov::test::ReadTextFile(server_ca_.cert);
    return o;
  }

  test::TempDir dir_;
  test::TestPki pki_{dir_.path()};
  test::CertFiles server_ca_ = pki_.CreateCa("station-ca");
  test::CertFiles server_;
  TestCa client_root_{"Client Root"};
  std::unique_ptr<TestStation> station_;
};

TEST_F(ClientPemTest, ChainAndKeyFromMemoryAuthenticate) {
  auto key = NewKey();
  auto o = Options("CS-PEM-1");
  o.cert_pem = client_root_.Issue(key.get(), "CS-PEM-1");
  o.key_pem = KeyPem(key.get());
  ocpp::Client client(o, ocpp::Handlers{});
  Status s = client.Connect();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(station_->WaitFor("<connected>", 1));
  EXPECT_EQ(station_->Of("<connected>").at(0).security_profile, 3);
}

TEST_F(ClientPemTest, AKeyThatDoesNotMatchIsRefusedWithoutQuotingIt) {
  auto key = NewKey();
  auto other = NewKey();
  auto o = Options("CS-PEM-2");
  o.cert_pem = client_root_.Issue(key.get(), "CS-PEM-2");
  o.key_pem = KeyPem(other.get());
  ocpp::Client client(o, ocpp::Handlers{});
  Status s = client.Connect();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("tls.key_pem"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("PRIVATE KEY"), std::string::npos);
}

TEST_F(ClientPemTest, TrustFromMemoryStillChecksTheHostName) {
  auto wrong = pki_.IssueServer(server_ca_, "wrong", {"other.example"});
  TestStation elsewhere(
      {.profile = ocpp::SecurityProfile::kTlsBasicAuth, .tls = {wrong.cert, wrong.key, ""}});
  ocpp::ClientOptions o;
  o.endpoint = elsewhere.Url();
  o.identity = "CS-PEM-3";
  o.password = "any-password-0000000";
  o.connect_timeout = 5s;
  o.ca_pem = evprov::test::ReadTextFile(server_ca_.cert);
  ocpp::Client client(o, ocpp::Handlers{});
  Status s = client.Connect();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("tls handshake"), std::string::npos) << s.message();
}

TEST_F(ClientPemTest, NoTrustAnchorsIsAnError) {
  auto o = Options("CS-PEM-4");
  o.ca_pem.clear();
  ocpp::Client client(o, ocpp::Handlers{});
  Status s = client.Connect();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("tls.ca_file"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace evprov::sim::testing
