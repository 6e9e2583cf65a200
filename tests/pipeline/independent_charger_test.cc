// The station provisions a charger it did not write: an npm ocpp-rpc client in
// strict mode (tests/pipeline/peers/independent_charger.js) that makes its key
// and CSR with the openssl CLI, from the factory endpoint (bootstrap secret or
// IDevID) to ready, reconnecting to the validation endpoint with its new
// identity and password (profile 2) or certificate (profile 3).
#include <filesystem>
#include <nlohmann/json.hpp>

#include "pipeline/station_fixture.h"
#include "support/node_peer.h"

namespace evprov::pipeline::testing {
namespace {

using nlohmann::json;

class IndependentChargerTest : public StationTest {
 protected:
  json PeerArgs(const TestUnit& u) {
    json layout = json::array();
    for (const auto& evse : u.variant.evses) {
      json connectors = json::array();
      for (const auto& c : evse.connectors) connectors.push_back({{"id", c.id}, {"type", c.type}});
      layout.push_back({{"id", evse.id}, {"connectors", connectors}});
    }
    std::string work = dir_.File("peer-" + u.hardware_id);
    std::filesystem::create_directories(work);
    json serial_variable = json::object();
    if (u.variant.serial_variable) {
      serial_variable = {{"component", u.variant.serial_variable->component},
                         {"variable", u.variant.serial_variable->variable}};
    }
    return {{"factoryEndpoint", station_->factory_url()},
            {"hardwareId", u.hardware_id},
            {"bootstrapSecret", u.bootstrap},
            {"factoryCa", station_ca_.cert},
            {"vendorName", u.variant.vendor_name},
            {"model", u.variant.model},
            {"firmwareVersion", u.variant.firmware.version},
            {"hardwareRevision", u.variant.hardware_revisions.front()},
            {"layout", layout},
            {"serialVariable", serial_variable},
            {"workDir", work},
            {"watchdogMs", 90000}};
  }

  // Runs the peer until the unit is ready (or failed); returns the unit.
  units::Unit Provision(const TestUnit& u, const json& args) {
    ocpp::test::NodePeer peer("tests/pipeline/peers/independent_charger.js", args);
    units::Unit done = WaitFinished(u.id, std::chrono::seconds(90));
    // Whatever the peer said, for the failure message (no secrets in it).
    for (int i = 0; i < 1000 && peer.NextLine(std::chrono::milliseconds(200)); ++i) {
    }
    for (const auto& l : peer.lines()) lines_.push_back(l);
    return done;
  }

  bool Saw(const std::string& event, const std::string& phase = "") const {
    for (const auto& l : lines_) {
      if (l.value("event", "") == event && (phase.empty() || l.value("phase", "") == phase)) {
        return true;
      }
    }
    return false;
  }

  std::string Transcript() const {
    std::string out;
    for (const auto& l : lines_) out += l.dump() + "\n";
    return out;
  }

  std::vector<json> lines_;
};

TEST_F(IndependentChargerTest, BootstrapUnitOnStagingProfile2EndsReady) {
  if (!ocpp::test::NodePeer::Available()) GTEST_SKIP() << "node or ocpp-rpc not available";
  StartStation();
  TestUnit u = Register("IND-AC-0001", "WO-S-AC");
  units::Unit done = Provision(u, PeerArgs(u));
  ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("") << "\n"
                                                  << Transcript();
  EXPECT_TRUE(Saw("connected", "validation")) << Transcript();
  EXPECT_TRUE(Saw("transaction_done")) << Transcript();
  EXPECT_TRUE(Saw("deleted")) << "the validation root was removed\n" << Transcript();
  EXPECT_EQ(Transcript().find(u.bootstrap), std::string::npos);
}

TEST_F(IndependentChargerTest, IdevidUnitOnProdlikeProfile3EndsReady) {
  if (!ocpp::test::NodePeer::Available()) GTEST_SKIP() << "node or ocpp-rpc not available";
  test::CertFiles manufacturer = pki_.CreateCa("manufacturer");
  StationOptions o = Options();
  o.manufacturer_ca_file = manufacturer.cert;
  StartStation(o);
  TestUnit u = Register("IND-DC-0001", "WO-P-DC");
  test::CertFiles idevid =
      pki_.IssueClient(manufacturer, u.hardware_id, "Example Charging Systems");
  json args = PeerArgs(u);
  args.erase("bootstrapSecret");
  args["idevidCert"] = idevid.cert;
  args["idevidKey"] = idevid.key;
  args["factoryEndpoint"] = "wss://localhost:" + std::to_string(station_->idevid_port()) + "/ocpp/";
  units::Unit done = Provision(u, args);
  ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("") << "\n"
                                                  << Transcript();
  EXPECT_TRUE(Saw("connected", "validation")) << Transcript();
  EXPECT_TRUE(Saw("certificate_signed")) << Transcript();
}

// The late-boot race, across the station: the charger keeps its factory
// session open across the Reset, reconnects and boots on the validation
// endpoint, sends one more BootNotification on the old factory session, and
// only then answers the Reset. So the station holds both boots, the stale one
// last, before its runner reads the unit's connection. That boot belongs to
// an older session: it is answered, but it must not make the dead factory
// session the unit's connection again, or validation reads that boot (no
// serial number) instead of the validation one and fails the unit. The old
// session's close, which comes after, must not mark the unit disconnected
// either (the finalize step would wait for a reconnect that never comes).
// Breaking either rule in UnitChannel::Apply makes this test fail.
TEST_F(IndependentChargerTest, ALateBootOnTheOldFactorySessionDoesNotDisturbValidation) {
  if (!ocpp::test::NodePeer::Available()) GTEST_SKIP() << "node or ocpp-rpc not available";
  StartStation();
  TestUnit u = Register("IND-AC-0002", "WO-S-AC");
  json args = PeerArgs(u);
  args["staleFactoryBoot"] = true;
  units::Unit done = Provision(u, args);
  ASSERT_EQ(done.state, units::UnitState::kReady) << done.failure_reason.value_or("") << "\n"
                                                  << Transcript();
  // The stale boot was really sent, answered (not Accepted: the factory
  // endpoint never accepts), and came before the statuses.
  std::string stale_status;
  std::size_t stale_at = lines_.size();
  std::size_t status_at = lines_.size();
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].value("event", "") == "stale_boot") {
      stale_status = lines_[i].value("status", "");
      stale_at = i;
    }
    if (lines_[i].value("event", "") == "status_sent") status_at = i;
  }
  ASSERT_LT(stale_at, lines_.size()) << Transcript();
  EXPECT_EQ(stale_status, "Pending") << Transcript();
  EXPECT_LT(stale_at, status_at) << Transcript();
  EXPECT_TRUE(Saw("transaction_done")) << Transcript();
  // Validation ran once, without a failed attempt.
  int validate_started = 0;
  for (const auto& r : Journal(*store_, u.id)) {
    EXPECT_NE(r.event, "failed") << r.step << ": " << r.detail.dump();
    if (r.step == "validate" && r.event == "started") ++validate_started;
  }
  EXPECT_EQ(validate_started, 1);
}

}  // namespace
}  // namespace evprov::pipeline::testing
