// AdmitFactory / AdmitValidation and bootstrap secrets, against a real SQLite
// store: each refusal with its audit entry, consumption, reissue, secrecy.
#include <nlohmann/json.hpp>

#include "admission/admission_fixture.h"

namespace evprov::pipeline::test {
namespace {

using nlohmann::json;
using units::UnitState;

TEST_F(AdmissionTest, UnknownHardwareIdIsNotFoundAndAudited) {
  auto result = Admit(true, Basic("HW-NOBODY", "whatever-password-123"));
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound) << result.status().ToString();
  auto entries = AuditEntries("admission.refused");
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].object, "hardware_id/HW-NOBODY");
  json detail = json::parse(entries[0].detail);
  EXPECT_EQ(detail["reason"], "unknown_hardware_id");
  EXPECT_EQ(detail["identity"], "HW-NOBODY");
  EXPECT_EQ(detail["remote_address"], "192.0.2.7:50000");
  EXPECT_EQ(detail["endpoint"], "factory");
  EXPECT_EQ(EverythingRecorded().find("whatever-password-123"), std::string::npos);
}

TEST_F(AdmissionTest, RightBootstrapSecretIsAdmitted) {
  std::int64_t id = Register("HW-1");
  std::string secret = IssueBootstrap(id);
  EXPECT_EQ(secret.size(), static_cast<std::size_t>(kBootstrapSecretLength));
  EXPECT_TRUE(pki::IsValidPassword(secret));
  auto result = Admit(true, Basic("HW-1", secret));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->unit_id, id);
  EXPECT_EQ(result->hardware_id, "HW-1");
  EXPECT_EQ(result->method, AdmissionMethod::kBootstrapSecret);
  EXPECT_EQ(result->state, UnitState::kRegistered);
  EXPECT_TRUE(AuditEntries("admission.refused").empty());
  EXPECT_EQ(AuditEntries("admission.bootstrap_issue").size(), 1U);
  EXPECT_EQ(EverythingRecorded().find(secret), std::string::npos);
}

TEST_F(AdmissionTest, WrongOrMissingSecretIsUnauthenticatedAndAudited) {
  std::int64_t id = Register("HW-1");
  std::string secret = IssueBootstrap(id);
  std::string wrong = secret;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  auto result = Admit(true, Basic("HW-1", wrong));
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LastRefusal()["reason"], "wrong_bootstrap_secret");
  EXPECT_EQ(AuditEntries("admission.refused").back().object, "unit/" + std::to_string(id));

  result = Admit(true, Basic("HW-1", std::nullopt));
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LastRefusal()["reason"], "no_password");

  std::string all = EverythingRecorded();
  EXPECT_EQ(all.find(secret), std::string::npos);
  EXPECT_EQ(all.find(wrong), std::string::npos);
  EXPECT_EQ(result.status().message().find(secret), std::string::npos);
}

TEST_F(AdmissionTest, UnitWithoutBootstrapSecretIsRefused) {
  Register("HW-1");
  auto result = Admit(true, Basic("HW-1", "some-password-of-the-set"));
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LastRefusal()["reason"], "no_bootstrap_secret");
}

TEST_F(AdmissionTest, ConsumedSecretIsRefused) {
  std::int64_t id = Register("HW-1");
  std::string secret = IssueBootstrap(id);
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return ConsumeBootstrapSecret(tx, id, "validation_connected");
              }).ok());
  // Idempotent, audited once.
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return ConsumeBootstrapSecret(tx, id, "validation_connected");
              }).ok());
  EXPECT_EQ(AuditEntries("admission.bootstrap_consume").size(), 1U);
  auto result = Admit(true, Basic("HW-1", secret));
  EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LastRefusal()["reason"], "bootstrap_secret_consumed");
}

TEST_F(AdmissionTest, ReissuedSecretReplacesTheOldOne) {
  std::int64_t id = Register("HW-1");
  std::string first = IssueBootstrap(id);
  std::string second = IssueBootstrap(id);
  EXPECT_NE(first, second);
  EXPECT_EQ(Admit(true, Basic("HW-1", first)).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(Admit(true, Basic("HW-1", second)).ok());
  // Reissue after consumption (reprovision) works too.
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return ConsumeBootstrapSecret(tx, id, "validation_connected");
              }).ok());
  std::string third = IssueBootstrap(id);
  EXPECT_TRUE(Admit(true, Basic("HW-1", third)).ok());
  EXPECT_EQ(Admit(true, Basic("HW-1", second)).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AdmissionTest, ProvisioningUnitIsAdmittedToResume) {
  std::int64_t id = Register("HW-1");
  std::string secret = IssueBootstrap(id);
  MoveTo(id, UnitState::kProvisioning);
  auto result = Admit(true, Basic("HW-1", secret));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->state, UnitState::kProvisioning);
}

TEST_F(AdmissionTest, ReadyFailedAndScrappedUnitsAreRefusedNamingTheState) {
  struct Case {
    std::string hardware_id;
    std::vector<UnitState> path;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"HW-R", {UnitState::kProvisioning, UnitState::kReady}, "unit_ready"},
      {"HW-F", {UnitState::kFailed}, "unit_failed"},
      {"HW-S", {UnitState::kScrapped}, "unit_scrapped"},
  };
  for (const auto& c : cases) {
    std::int64_t id = Register(c.hardware_id);
    std::string secret = IssueBootstrap(id);
    for (UnitState s : c.path) MoveTo(id, s);
    auto result = Admit(true, Basic(c.hardware_id, secret));
    EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition) << c.hardware_id;
    EXPECT_EQ(LastRefusal()["reason"], c.reason);
    if (c.reason == "unit_failed") {
      EXPECT_NE(result.status().message().find("evprov unit reprovision"), std::string::npos);
    }
  }
}

TEST_F(AdmissionTest, ScrappedUnitGetsNoBootstrapSecret) {
  std::int64_t id = Register("HW-1");
  MoveTo(id, UnitState::kScrapped);
  Status s = Write([&](store::Transaction& tx) -> Status {
    return IssueBootstrapSecret(tx, *secret_, id, "mes").status();
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
}

TEST_F(AdmissionTest, IdevidNeedsACertificateNamingTheHardwareId) {
  Register("HW-1");
  ocpp::HandshakeInfo h = Basic("HW-1", std::nullopt);
  h.profile = ocpp::SecurityProfile::kMutualTls;
  EXPECT_EQ(Admit(true, h).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LastRefusal()["reason"], "no_client_certificate");
  h.peer_certificate = ocpp::PeerCertificate{"HW-2", "01", "ab", ""};
  EXPECT_EQ(Admit(true, h).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(LastRefusal()["reason"], "idevid_cn_mismatch");
  h.peer_certificate->subject_cn = "HW-1";
  auto result = Admit(true, h);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, AdmissionMethod::kIdevid);
}

TEST_F(AdmissionTest, ValidationAcceptsOnlyTheUnitsCurrentPassword) {
  std::int64_t id = Register("HW-1");
  std::string bootstrap = IssueBootstrap(id);
  SetIdentity(id, "EVB-0001", "CP-EVB-0001");
  MoveTo(id, UnitState::kProvisioning);
  std::string old_password = IssuePassword(id);
  std::string password = IssuePassword(id);

  auto result = Admit(false, Basic("CP-EVB-0001", password));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->method, AdmissionMethod::kPassword);
  EXPECT_EQ(result->charger_id, "CP-EVB-0001");
  EXPECT_EQ(result->serial, "EVB-0001");

  for (const std::string& refused : {old_password, bootstrap}) {
    auto r = Admit(false, Basic("CP-EVB-0001", refused));
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(LastRefusal()["reason"], "wrong_password");
    EXPECT_EQ(LastRefusal()["endpoint"], "validation");
  }
  // The hardware ID is not an identity at the validation endpoint.
  EXPECT_EQ(Admit(false, Basic("HW-1", password)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LastRefusal()["reason"], "unknown_charger_id");

  std::string all = EverythingRecorded();
  for (const std::string& s : {bootstrap, old_password, password}) {
    EXPECT_EQ(all.find(s), std::string::npos);
  }
}

TEST_F(AdmissionTest, ValidationRefusesAFailedUnit) {
  std::int64_t id = Register("HW-1");
  SetIdentity(id, "EVB-0001", "CP-EVB-0001");
  std::string password = IssuePassword(id);
  MoveTo(id, UnitState::kFailed);
  EXPECT_EQ(Admit(false, Basic("CP-EVB-0001", password)).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastRefusal()["reason"], "unit_failed");
}

}  // namespace
}  // namespace evprov::pipeline::test
