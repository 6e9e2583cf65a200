// The authenticator adapters behind a real ocpp::Server on loopback: 404 for
// an unknown hardware ID, 401 for a wrong secret, accept with the right one;
// IDevID from a test silicon-vendor CA; validation by the unit's certificate.
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "admission/admission_fixture.h"
#include "evprov/ocpp/client.h"
#include "evprov/ocpp/server.h"
#include "support/test_pki.h"

namespace evprov::pipeline::test {
namespace {

using namespace std::chrono_literals;

class AuthenticatorTest : public AdmissionTest {
 protected:
  AuthenticatorTest() : pki_(certs_.path()) {}

  void SetUp() override {
    AdmissionTest::SetUp();
    station_ca_ = pki_.CreateCa("station");
    server_cert_ = pki_.IssueServer(station_ca_, "station");
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // Starts a server with the adapter; `client_ca` verifies client certificates.
  void StartServer(ocpp::SecurityProfile profile, bool factory, const std::string& client_ca = "",
                   ocpp::CnMatch cn_match = ocpp::CnMatch::kIdentity) {
    ocpp::ServerOptions o;
    o.profile = profile;
    o.tls = {server_cert_.cert, server_cert_.key, client_ca.empty() ? station_ca_.cert : client_ca};
    o.cn_match = cn_match;
    o.limits.handshake_timeout = 3s;
    ocpp::Handlers handlers;
    ocpp::ServerHooks hooks;
    hooks.on_connected = [this](const ocpp::SessionInfo& s) {
      const Admission* a = SessionAdmission(s.context);
      std::lock_guard lock(mu_);
      admitted_unit_ = a != nullptr ? a->unit_id : -1;
      if (a != nullptr) sequences_.push_back(a->sequence);
    };
    server_ =
        std::make_unique<ocpp::Server>(o,
                                       factory ? MakeFactoryAuthenticator(*store_, secret_)
                                               : MakeValidationAuthenticator(*store_, secret_),
                                       std::move(handlers), std::move(hooks));
    ASSERT_TRUE(server_->Start().ok());
  }

  Status Connect(const std::string& identity, std::optional<std::string> password,
                 const evprov::test::CertFiles* client_cert = nullptr) {
    ocpp::ClientOptions o;
    o.endpoint = "wss://127.0.0.1:" + std::to_string(server_->port()) + "/ocpp";
    o.identity = identity;
    o.password = std::move(password);
    o.tls.ca_file = station_ca_.cert;
    if (client_cert != nullptr) {
      o.tls.cert_file = client_cert->cert;
      o.tls.key_file = client_cert->key;
    }
    o.connect_timeout = 3s;
    o.limits.handshake_timeout = 3s;
    ocpp::Client client(o, {});
    Status s = client.Connect();
    if (s.ok()) client.Close();
    return s;
  }

  // A client certificate kept under its own file names (TestPki names files
  // by CN, so a second certificate for one CN would overwrite the first).
  evprov::test::CertFiles IssueKept(const evprov::test::CertFiles& ca, const std::string& cn,
                                    const std::string& name) {
    evprov::test::CertFiles issued = pki_.IssueClient(ca, cn, "Acme");
    evprov::test::CertFiles kept{certs_.File(name + ".cert.pem"), certs_.File(name + ".key.pem")};
    std::filesystem::copy_file(issued.cert, kept.cert);
    std::filesystem::copy_file(issued.key, kept.key);
    return kept;
  }

  std::int64_t AdmittedUnit() {
    // on_connected runs on the server thread; wait (bounded) for it.
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mu_);
        if (admitted_unit_ != 0) return admitted_unit_;
      }
      std::this_thread::sleep_for(10ms);
    }
    return 0;
  }

  evprov::test::TempDir certs_;
  evprov::test::TestPki pki_;
  evprov::test::CertFiles station_ca_, server_cert_;
  std::unique_ptr<ocpp::Server> server_;
  std::mutex mu_;
  std::int64_t admitted_unit_ = 0;
  std::vector<std::uint64_t> sequences_;
};

// The station tells a charger's newer session from its older one by the
// admission number (UnitChannel): each admission gets a higher one.
TEST_F(AuthenticatorTest, EachAdmissionIsNumberedAfterTheLastOne) {
  std::int64_t id = Register("HW-1");
  std::string secret = IssueBootstrap(id);
  StartServer(ocpp::SecurityProfile::kTlsBasicAuth, /*factory=*/true);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Connect("HW-1", secret).ok());
    for (int w = 0; w < 200; ++w) {
      {
        std::lock_guard lock(mu_);
        if (sequences_.size() > static_cast<std::size_t>(i)) break;
      }
      std::this_thread::sleep_for(5ms);
    }
  }
  std::lock_guard lock(mu_);
  ASSERT_EQ(sequences_.size(), 3U);
  EXPECT_GT(sequences_[0], 0U);
  EXPECT_LT(sequences_[0], sequences_[1]);
  EXPECT_LT(sequences_[1], sequences_[2]);
}

TEST_F(AuthenticatorTest, FactoryProfile2RefusesUnknownAndWrongAcceptsRight) {
  std::int64_t id = Register("HW-1");
  std::string secret = IssueBootstrap(id);
  StartServer(ocpp::SecurityProfile::kTlsBasicAuth, /*factory=*/true);

  Status unknown = Connect("HW-UNKNOWN", secret);
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound) << unknown.ToString();
  EXPECT_NE(unknown.message().find("404"), std::string::npos);

  Status wrong = Connect("HW-1", "not-the-bootstrap-secret-at-all");
  EXPECT_EQ(wrong.code(), StatusCode::kUnauthenticated) << wrong.ToString();
  EXPECT_NE(wrong.message().find("401"), std::string::npos);

  // Both refusals committed their audit entries although the connection failed.
  EXPECT_EQ(AuditEntries("admission.refused").size(), 2U);

  Status right = Connect("HW-1", secret);
  ASSERT_TRUE(right.ok()) << right.ToString();
  EXPECT_EQ(AdmittedUnit(), id);
  EXPECT_EQ(EverythingRecorded().find(secret), std::string::npos);
}

TEST_F(AuthenticatorTest, FactoryProfile3AcceptsTheIdevidOfTheHardwareIdOnly) {
  evprov::test::CertFiles vendor_ca = pki_.CreateCa("silicon-vendor");
  evprov::test::CertFiles idevid = pki_.IssueClient(vendor_ca, "HW-1", "Silicon Vendor");
  evprov::test::CertFiles other = pki_.IssueClient(vendor_ca, "HW-2", "Silicon Vendor");
  evprov::test::CertFiles stranger = pki_.IssueClient(vendor_ca, "HW-9", "Silicon Vendor");
  std::int64_t id = Register("HW-1");
  Register("HW-2");
  StartServer(ocpp::SecurityProfile::kMutualTls, /*factory=*/true, vendor_ca.cert);

  Status ok = Connect("HW-1", std::nullopt, &idevid);
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_EQ(AdmittedUnit(), id);

  // Another unit's IDevID presented as HW-1: CN mismatch, 401.
  Status mismatch = Connect("HW-1", std::nullopt, &other);
  EXPECT_EQ(mismatch.code(), StatusCode::kUnauthenticated) << mismatch.ToString();

  // A genuine IDevID of a unit the MES never registered: 404, audited.
  Status unknown = Connect("HW-9", std::nullopt, &stranger);
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound) << unknown.ToString();
  auto refusals = AuditEntries("admission.refused");
  ASSERT_FALSE(refusals.empty());
  EXPECT_NE(refusals.back().detail.find("unknown_hardware_id"), std::string::npos);
}

TEST_F(AuthenticatorTest, ValidationProfile3AcceptsOnlyTheUnitsCurrentCertificate) {
  evprov::test::CertFiles env_ca = pki_.CreateCa("staging");
  evprov::test::CertFiles current = IssueKept(env_ca, "EVB-0001", "current");
  evprov::test::CertFiles superseded = IssueKept(env_ca, "EVB-0001", "superseded");
  evprov::test::CertFiles unrecorded = IssueKept(env_ca, "EVB-0001", "unrecorded");
  std::int64_t id = Register("HW-1");
  SetIdentity(id, "EVB-0001", "CP-EVB-0001");
  MoveTo(id, units::UnitState::kProvisioning);
  RecordUnitCertificate(id, superseded.cert, /*revoked=*/true);
  RecordUnitCertificate(id, current.cert);
  StartServer(ocpp::SecurityProfile::kMutualTls, /*factory=*/false, env_ca.cert,
              ocpp::CnMatch::kSerial);

  Status ok = Connect("CP-EVB-0001", std::nullopt, &current);
  ASSERT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_EQ(AdmittedUnit(), id);
  EXPECT_EQ(Connect("CP-EVB-0001", std::nullopt, &superseded).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Connect("CP-EVB-0001", std::nullopt, &unrecorded).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Connect("CP-EVB-0002", std::nullopt, &current).code(), StatusCode::kNotFound);
  auto refusals = AuditEntries("admission.refused");
  ASSERT_EQ(refusals.size(), 3U);
  EXPECT_NE(refusals[0].detail.find("certificate_not_current"), std::string::npos);
}

}  // namespace
}  // namespace evprov::pipeline::test
