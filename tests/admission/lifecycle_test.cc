// ReprovisionUnit and ScrapUnit: what happens to a unit's credentials.
#include "admission/admission_fixture.h"
#include "evprov/pki/issuance.h"
#include "support/test_pki.h"

namespace evprov::pipeline::test {
namespace {

using units::UnitState;

class LifecycleTest : public AdmissionTest {
 protected:
  LifecycleTest() : pki_(certs_.path()) {}

  // A unit mid-validation: bootstrap secret, identity, password, certificate.
  std::int64_t ProvisionedUnit() {
    std::int64_t id = Register("HW-1");
    bootstrap_ = IssueBootstrap(id);
    SetIdentity(id, "EVB-0001", "CP-EVB-0001");
    MoveTo(id, UnitState::kProvisioning);
    password_ = IssuePassword(id);
    evprov::test::CertFiles ca = pki_.CreateCa("staging");
    RecordUnitCertificate(id, pki_.IssueClient(ca, "EVB-0001").cert);
    return id;
  }

  std::vector<pki::CertificateRecord> Certificates(std::int64_t id) {
    std::vector<pki::CertificateRecord> out;
    EXPECT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                  EVPROV_ASSIGN_OR_RETURN(out, pki::ListUnitCertificates(tx, id));
                  return Status::Ok();
                }).ok());
    return out;
  }

  units::Unit UnitOf(std::int64_t id) {
    units::Unit unit;
    EXPECT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                  EVPROV_ASSIGN_OR_RETURN(unit, units::GetUnit(tx, id));
                  return Status::Ok();
                }).ok());
    return unit;
  }

  evprov::test::TempDir certs_;
  evprov::test::TestPki pki_;
  std::string bootstrap_, password_;
};

TEST_F(LifecycleTest, ReprovisionRevokesClearsAndReissues) {
  std::int64_t id = ProvisionedUnit();
  ASSERT_TRUE(Write([&](store::Transaction& tx) {
                return ConsumeBootstrapSecret(tx, id, "validation_connected");
              }).ok());
  std::string fresh;
  Status s = Write([&](store::Transaction& tx) -> Status {
    EVPROV_ASSIGN_OR_RETURN(auto done, ReprovisionUnit(tx, *secret_, id, "bad relay", "operator"));
    EXPECT_EQ(done.revoked_certificates, 1);
    EXPECT_TRUE(done.password_removed);
    if (!done.bootstrap_secret) return Status::Internal("no new bootstrap secret");
    fresh = done.bootstrap_secret->reveal();
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  units::Unit unit = UnitOf(id);
  EXPECT_EQ(unit.state, UnitState::kRegistered);
  EXPECT_FALSE(unit.step.has_value());
  EXPECT_EQ(unit.serial, "EVB-0001") << "identities are kept";
  EXPECT_EQ(unit.charger_id, "CP-EVB-0001");
  auto certs = Certificates(id);
  ASSERT_EQ(certs.size(), 1U);
  EXPECT_EQ(certs[0].revocation_reason, "superseded");
  // The old password is gone; the new bootstrap secret works, the old one not.
  MoveTo(id, UnitState::kProvisioning);
  EXPECT_EQ(Admit(false, Basic("CP-EVB-0001", password_)).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(Admit(true, Basic("HW-1", fresh)).ok());
  EXPECT_EQ(Admit(true, Basic("HW-1", bootstrap_)).status().code(), StatusCode::kUnauthenticated);
  auto entries = AuditEntries("unit.reprovision");
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_NE(entries[0].detail.find("bad relay"), std::string::npos);
  EXPECT_EQ(EverythingRecorded().find(fresh), std::string::npos);
}

TEST_F(LifecycleTest, IdevidUnitGetsNoBootstrapSecretOnReprovision) {
  std::int64_t id = Register("HW-1");
  MoveTo(id, UnitState::kFailed);
  Status s = Write([&](store::Transaction& tx) -> Status {
    EVPROV_ASSIGN_OR_RETURN(auto done, ReprovisionUnit(tx, *secret_, id, "retry", "operator"));
    EXPECT_FALSE(done.bootstrap_secret.has_value());
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(UnitOf(id).state, UnitState::kRegistered);
}

TEST_F(LifecycleTest, ScrapRevokesConsumesAndIsTerminal) {
  std::int64_t id = ProvisionedUnit();
  Status s = Write([&](store::Transaction& tx) -> Status {
    EVPROV_ASSIGN_OR_RETURN(int revoked, ScrapUnit(tx, id, "housing cracked", "operator"));
    EXPECT_EQ(revoked, 1);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(UnitOf(id).state, UnitState::kScrapped);
  EXPECT_EQ(Certificates(id)[0].revocation_reason, "cessation_of_operation");
  Status consumed = Write([&](store::Transaction& tx) -> Status {
    EVPROV_ASSIGN_OR_RETURN(bool open, HasUnconsumedBootstrapSecret(tx, id));
    return open ? Status::Internal("still open") : Status::Ok();
  });
  EXPECT_TRUE(consumed.ok()) << consumed.ToString();
  EXPECT_EQ(Admit(false, Basic("CP-EVB-0001", password_)).status().code(),
            StatusCode::kFailedPrecondition);
  Status again = Write([&](store::Transaction& tx) -> Status {
    return ScrapUnit(tx, id, "again", "operator").status();
  });
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  Status reprovision = Write([&](store::Transaction& tx) -> Status {
    return ReprovisionUnit(tx, *secret_, id, "no", "operator").status();
  });
  EXPECT_EQ(reprovision.code(), StatusCode::kFailedPrecondition);
  std::int64_t other = Register("HW-2");
  Status no_reason = Write([&](store::Transaction& tx) -> Status {
    return ScrapUnit(tx, other, "", "operator").status();
  });
  EXPECT_EQ(no_reason.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evprov::pipeline::test
