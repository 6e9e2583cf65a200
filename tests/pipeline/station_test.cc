// The station end to end: real SQLite store, real wss on loopback, real
// simulated chargers (sim::Unit) admitted with their bootstrap secrets.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "evprov/common/log.h"
#include "evprov/identity/connectors.h"
#include "evprov/pki/issuance.h"
#include "pipeline/journal.h"
#include "pipeline/station_fixture.h"
#include "pki/pki_test_util.h"

namespace evprov::pipeline::testing {
namespace {

std::string Chain(store::Store& store, const std::string& ca) {
  std::string pem;
  EXPECT_TRUE(store::InTransaction(store, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(pem, pki::ExportChainPem(tx, ca));
                return Status::Ok();
              }).ok());
  return pem;
}

std::vector<pki::CertificateRecord> Certificates(store::Store& store, std::int64_t unit) {
  std::vector<pki::CertificateRecord> out;
  EXPECT_TRUE(store::InTransaction(store, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(out, pki::ListUnitCertificates(tx, unit));
                return Status::Ok();
              }).ok());
  return out;
}

// The factory check as the listener runs it, with the unit's bootstrap secret.
Status FactoryAdmission(store::Store& store, const pki::StationSecret& secret, const TestUnit& u) {
  Status result;
  (void)store::InTransaction(store, store::TxMode::kWrite, [&](store::Transaction& tx) {
    ocpp::HandshakeInfo h;
    h.identity = u.hardware_id;
    h.profile = ocpp::SecurityProfile::kTlsBasicAuth;
    h.password = u.bootstrap;
    result = AdmitFactory(tx, secret, h).status();
    return Status::Ok();
  });
  return result;
}

std::vector<std::string> DoneSteps(const std::vector<JournalRecord>& journal) {
  std::vector<std::string> out;
  for (const auto& r : journal) {
    if (r.event == "done") out.push_back(r.step);
  }
  return out;
}

class StationEndToEnd : public StationTest {
 protected:
  // Provisions one unit of `order` to the end and checks everything a ready unit must have.
  void ExpectProvisioned(const std::string& order, const std::string& env,
                         const std::string& other_env, int profile) {
    log::ScopedCapture capture;
    StartStation();
    TestUnit u = Register("HW-" + order, order);
    sim::Unit& charger = StartCharger(ChargerFor(u));
    units::Unit done = WaitFinished(u.id);
    ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("");
    ASSERT_TRUE(done.serial && done.charger_id);

    // The charger left the factory: new identity, environment's profile, Accepted boot.
    ASSERT_TRUE(charger.WaitFor([](const sim::UnitSnapshot& s) { return s.provisioned; }, 10s));
    sim::UnitSnapshot snap = charger.snapshot();
    EXPECT_EQ(snap.identity, *done.charger_id);
    EXPECT_EQ(snap.serial, *done.serial);
    EXPECT_EQ(snap.security_profile, profile);
    EXPECT_FALSE(snap.factory_mode);

    // One certificate, CN = serial, verifying only against its environment's chain.
    auto certs = Certificates(*store_, u.id);
    ASSERT_EQ(certs.size(), 1u);
    EXPECT_FALSE(certs[0].revoked_at.has_value());
    EXPECT_NE(certs[0].subject.find("CN=" + *done.serial), std::string::npos) << certs[0].subject;
    std::string held;
    charger.Inspect([&](const sim::Charger* c) {
      if (c != nullptr) held = c->station_certificate_chain().value_or("");
    });
    ASSERT_FALSE(held.empty());
    EXPECT_EQ(pki::testing::VerifyChain(held, Chain(*store_, env + "-issuing-ca")), "");
    EXPECT_NE(pki::testing::VerifyChain(held, Chain(*store_, other_env + "-issuing-ca")), "");

    // The seal follows `ready`: wait (bounded) for its journal record.
    auto sealed = [&] {
      auto steps = DoneSteps(Journal(*store_, u.id));
      return !steps.empty() && steps.back() == "seal";
    };
    for (int i = 0; i < 200 && !sealed(); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(sealed());
    // The validation root is gone, the environment's root stays; field slot only.
    charger.Inspect([&](const sim::Charger* c) {
      ASSERT_NE(c, nullptr);
      EXPECT_EQ(c->certificates().Pems(sim::CertificateUse::kCsmsRoot).size(), 1u);
      EXPECT_EQ(c->device_model().Get("OCPPCommCtrlr", "NetworkConfigurationPriority"), "3");
    });

    // Every step journaled in order; the factory credentials are refused now.
    auto expected_steps = StepNames();
    expected_steps.push_back("seal");
    EXPECT_EQ(DoneSteps(Journal(*store_, u.id)), expected_steps);
    Status again = FactoryAdmission(*store_, *secret_, u);
    EXPECT_FALSE(again.ok());

    // The configuration snapshot is on record, without the write-only password.
    auto journal = Journal(*store_, u.id);
    auto finalize = std::find_if(journal.rbegin(), journal.rend(), [](const auto& r) {
      return r.step == "finalize" && r.event == "done";
    });
    ASSERT_NE(finalize, journal.rend());
    const auto& last = *finalize;
    ASSERT_TRUE(last.detail.contains("configuration"));
    EXPECT_TRUE(last.detail["configuration"].contains("SecurityCtrlr.Identity"));
    EXPECT_FALSE(last.detail["configuration"].contains("SecurityCtrlr.BasicAuthPassword"));

    // Both full reports (read back, finalize) came in several parts (the
    // fixture's 4 KiB limit) and were put together again.
    int multipart_reports = 0;
    for (const std::string& line : capture.sink().Lines()) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.value("event", "") == "sim.report.sent" && j.value("parts", 0) > 1) {
        ++multipart_reports;
      }
    }
    EXPECT_EQ(multipart_reports, 2);

    // No secret in the logs or the journal.
    EXPECT_EQ(capture.sink().Joined().find(u.bootstrap), std::string::npos);
    for (const auto& r : journal) EXPECT_EQ(r.detail.dump().find(u.bootstrap), std::string::npos);

    Progress p = station_->progress();
    EXPECT_EQ(p.units_by_state["ready"], 1);
    EXPECT_EQ(p.steps["validate"].done, 1);
  }
};

TEST_F(StationEndToEnd, StagingWallboxProfile2EndsReady) {
  ExpectProvisioned("WO-S-AC", "staging", "prodlike", 2);
}

TEST_F(StationEndToEnd, ProdlikeDc150Profile3EndsReady) {
  ExpectProvisioned("WO-P-DC", "prodlike", "staging", 3);
}

TEST_F(StationEndToEnd, StagingDc150AndProdlikeWallboxTogether) {
  // Shared with the station's threads, which report a unit after its seal,
  // a moment after the store says ready: it outlives this test body.
  struct Outcomes {
    std::mutex mu;
    std::vector<UnitOutcome> list;
    std::size_t size() {
      std::lock_guard lock(mu);
      return list.size();
    }
  };
  auto outcomes = std::make_shared<Outcomes>();
  StationOptions o = Options();
  o.on_unit_finished = [outcomes](const UnitOutcome& out) {
    std::lock_guard lock(outcomes->mu);
    outcomes->list.push_back(out);
  };
  StartStation(o);
  TestUnit a = Register("HW-SDC-1", "WO-S-DC");
  TestUnit b = Register("HW-PAC-1", "WO-P-AC");
  StartCharger(ChargerFor(a));
  StartCharger(ChargerFor(b));
  units::Unit ua = WaitFinished(a.id);
  units::Unit ub = WaitFinished(b.id);
  EXPECT_EQ(ua.state, units::UnitState::kReady) << ua.failure_reason.value_or("");
  EXPECT_EQ(ub.state, units::UnitState::kReady) << ub.failure_reason.value_or("");
  EXPECT_NE(ua.serial, ub.serial);
  for (int i = 0; i < 100 && outcomes->size() < 2; ++i) std::this_thread::sleep_for(100ms);
  std::lock_guard lock(outcomes->mu);
  ASSERT_EQ(outcomes->list.size(), 2u);
  for (const auto& out : outcomes->list) EXPECT_EQ(out.state, "ready");
}

// --- faults -------------------------------------------------------------------------

struct FaultCase {
  std::string name;
  std::vector<std::string> flags;
  std::string state;   // "ready" | "failed"
  std::string step;    // failed step
  std::string reason;  // part of the failure reason
};

void PrintTo(const FaultCase& f, std::ostream* os) {
  *os << f.name;
}

class StationFaults : public StationTest, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(StationFaults, EndsInTheDocumentedState) {
  const FaultCase& f = GetParam();
  StartStation();
  TestUnit u = Register("HW-F-" + f.name, "WO-S-AC");
  StartCharger(ChargerFor(u, f.flags));
  units::Unit done = WaitFinished(u.id, 90s);
  EXPECT_EQ(units::UnitStateName(done.state), f.state) << done.failure_reason.value_or("");
  if (f.state == "failed") {
    EXPECT_EQ(done.step.value_or(""), f.step);
    EXPECT_NE(done.failure_reason.value_or("").find(f.reason), std::string::npos)
        << done.failure_reason.value_or("");
    // A failed unit is refused at the factory until reprovisioned.
    EXPECT_FALSE(FactoryAdmission(*store_, *secret_, u).ok());
  } else {
    auto certs = Certificates(*store_, u.id);
    int valid = 0;
    for (const auto& c : certs) valid += c.revoked_at ? 0 : 1;
    EXPECT_EQ(valid, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    SimulatorFlags, StationFaults,
    ::testing::Values(FaultCase{"reject",
                                {"reject-variable=OCPPCommCtrlr.HeartbeatInterval"},
                                "failed",
                                "configure",
                                "SetVariables OCPPCommCtrlr.HeartbeatInterval was Rejected"},
                      FaultCase{
                          "wrongserial", {"csr-wrong-serial"}, "failed", "certificates", "csr"},
                      FaultCase{"layout", {"mismatched-layout"}, "failed", "read_back", "layout"},
                      // The second CSR (after a crash) reuses the key of the first certificate.
                      FaultCase{"reusekey",
                                {"reuse-key", "crash-at=CertificateSigned"},
                                "failed",
                                "certificates",
                                "seen before"},
                      FaultCase{"dropreport", {"drop-at=GetBaseReport"}, "ready", "", ""},
                      FaultCase{"dropnetwork", {"drop-at=SetNetworkProfile"}, "ready", "", ""},
                      FaultCase{"crashsigned", {"crash-at=CertificateSigned"}, "ready", "", ""},
                      FaultCase{"crashvars", {"crash-at=SetVariables"}, "ready", "", ""},
                      FaultCase{"slow", {"slow-responses=150"}, "ready", "", ""}),
    [](const ::testing::TestParamInfo<FaultCase>& p) { return p.param.name; });

// --- restart ------------------------------------------------------------------------

TEST_F(StationTest, RestartMidJourneyResumesToReady) {
  StartStation();
  const std::uint16_t factory_port = station_->factory_port();
  const std::uint16_t validation_port = station_->validation_port("staging");
  TestUnit u = Register("HW-RESTART", "WO-S-AC");
  StartCharger(ChargerFor(u));
  // Wait until the unit is past its identities, then stop the station.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    units::Unit now = GetUnit(u.id);
    if (now.step.value_or("") == "credentials" || now.step.value_or("") == "certificates" ||
        now.state == units::UnitState::kReady) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  const std::string serial_before = GetUnit(u.id).serial.value_or("");
  station_->Stop();
  station_.reset();

  StationOptions o = Options();
  o.factory_port = factory_port;
  o.validation_ports["staging"] = validation_port;
  StartStation(o);
  units::Unit done = WaitFinished(u.id, 90s);
  ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("");
  EXPECT_EQ(done.serial.value_or(""), serial_before);
  // One valid certificate, one serial and one charger ID.
  int valid = 0;
  for (const auto& c : Certificates(*store_, u.id)) valid += c.revoked_at ? 0 : 1;
  EXPECT_EQ(valid, 1);
  std::int64_t identities = 0;
  ASSERT_TRUE(store::InTransaction(*store_, store::TxMode::kRead, [&](store::Transaction& tx) {
                EVPROV_ASSIGN_OR_RETURN(
                    auto rows,
                    tx.Query("SELECT COUNT(*) FROM identities WHERE unit_id = ?", {u.id}));
                identities = rows[0].Int(0);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(identities, 2);
}

// An operator reprovisions a unit while the station's runner holds it at a
// step, waiting for its charger to come back. The runner's start of that
// step is refused (the unit moved); it must read the unit again and start
// the journey over at admit, not carry on from its stale copy nor fail it.
TEST_F(StationTest, AUnitReprovisionedWhileItsRunnerWaitsStartsOverAndEndsReady) {
  StartStation();
  TestUnit u = Register("HW-MOVED", "WO-S-AC");
  // Slow answers (150 ms each) stretch the factory steps, so the poll below
  // finds the unit in one of them and the charger stops mid-journey.
  StartCharger(ChargerFor(u, {"slow-responses=150"}));
  const std::set<std::string> factory_steps = {"identity", "configure", "credentials"};
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool within = false;
  while (std::chrono::steady_clock::now() < deadline && !within) {
    within = factory_steps.count(GetUnit(u.id).step.value_or("")) != 0;
    if (!within) std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(within) << "the unit never reached identity..credentials";
  units_.back()->Stop();  // the runner now waits for the charger (timeout 10 s)

  Status moved = Write([&](store::Transaction& tx) {
    EVPROV_ASSIGN_OR_RETURN(auto done, ReprovisionUnit(tx, *secret_, u.id, "re-test", "alice"));
    if (!done.bootstrap_secret) return Status::Internal("no new bootstrap secret");
    u.bootstrap = done.bootstrap_secret->reveal();
    return Status::Ok();
  });
  ASSERT_TRUE(moved.ok()) << moved.ToString();
  ASSERT_EQ(GetUnit(u.id).state, units::UnitState::kRegistered);

  StartCharger(ChargerFor(u));  // same state directory, the new secret
  units::Unit done = WaitFinished(u.id, 90s);
  ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("");

  // After the reprovision record the journal starts over at admit. Only the
  // runner's note that the interrupted attempt failed (not final) may come
  // in between: it can commit after the operator's change.
  auto journal = Journal(*store_, u.id);
  auto cut = std::find_if(journal.begin(), journal.end(),
                          [](const JournalRecord& r) { return r.event == "reprovision"; });
  ASSERT_NE(cut, journal.end());
  // Where the operator cut it: the step the poll saw, or the next one if the
  // runner finished that step just before the charger stopped.
  EXPECT_TRUE(factory_steps.count(cut->step) != 0 || cut->step == "certificates") << cut->step;
  auto next = std::find_if(cut + 1, journal.end(), [](const JournalRecord& r) {
    return r.event != "failed" || r.detail.value("final", true);
  });
  ASSERT_NE(next, journal.end());
  EXPECT_EQ(next->step, "admit");
  EXPECT_EQ(next->event, "started");
  for (auto r = next; r != journal.end(); ++r) {
    EXPECT_NE(r->event, "failed") << r->step << ": " << r->detail.dump();
  }
  int valid = 0;
  for (const auto& c : Certificates(*store_, u.id)) valid += c.revoked_at ? 0 : 1;
  EXPECT_EQ(valid, 1);
}

TEST_F(StationTest, IdevidUnitOnTheProfile3FactoryListenerEndsReady) {
  test::CertFiles manufacturer = pki_.CreateCa("manufacturer");
  StationOptions o = Options();
  o.manufacturer_ca_file = manufacturer.cert;
  StartStation(o);
  ASSERT_NE(station_->idevid_port(), 0);
  TestUnit u = Register("HW-IDEVID-1", "WO-S-AC");
  test::CertFiles idevid =
      pki_.IssueClient(manufacturer, u.hardware_id, "Example Charging Systems");
  sim::ChargerConfig c = ChargerFor(u);
  c.bootstrap_secret.clear();
  c.idevid_cert_file = idevid.cert;
  c.idevid_key_file = idevid.key;
  c.factory_endpoint = "wss://localhost:" + std::to_string(station_->idevid_port()) + "/ocpp/";
  sim::Unit& charger = StartCharger(c);
  units::Unit done = WaitFinished(u.id);
  ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("");
  auto journal = Journal(*store_, u.id);
  ASSERT_FALSE(journal.empty());
  // The manufacturer root was installed next to the environment's root.
  charger.Inspect([&](const sim::Charger* ch) {
    ASSERT_NE(ch, nullptr);
    EXPECT_EQ(ch->certificates().Pems(sim::CertificateUse::kManufacturerRoot).size(), 1u);
  });
  EXPECT_EQ(charger.snapshot().security_profile, 2);  // staging
}

TEST_F(StationTest, UnknownEnvironmentIsRefusedAtStart) {
  StationOptions o = Options();
  o.environments = {"nowhere"};
  Station station(o);
  Status s = station.Start();
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
}

}  // namespace
}  // namespace evprov::pipeline::testing
