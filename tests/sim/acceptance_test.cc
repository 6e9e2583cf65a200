// Acceptance: a strict, independent OCPP 2.0.1 CSMS (ocpp-rpc in strictMode,
// tests/sim/peers/csms_driver.js) drives ONE networked simulated charger
// through the factory journey: boot Pending then Accepted, GetBaseReport,
// SetVariables, CSMS root + certificate signing (CSR signed by the test CA
// with the openssl CLI), SetNetworkProfile to a second wss endpoint (security
// profile 2) + Reset, the reconnect there with the new identity and password,
// and a remote start/stop. Every message of ours passes ocpp-rpc's schema
// validation (no "validation_error" line).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "evprov/sim/unit.h"
#include "sim/sim_testing.h"
#include "support/node_peer.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace evprov::sim::testing {
namespace {

using namespace std::chrono_literals;
using ocpp::test::NodePeer;

TEST(AcceptanceTest, StrictCsmsDrivesTheFactoryJourney) {
  if (!NodePeer::Available()) GTEST_SKIP() << "node or ocpp-rpc not available";
  test::TempDir dir;
  test::TestPki pki(dir.path());
  auto ca = pki.CreateCa("csms-ca");
  auto server = pki.IssueServer(ca, "csms");

  const std::string new_password = "Operator-Passw0rd-1234";
  NodePeer peer("tests/sim/peers/csms_driver.js", {{"cert", server.cert},
                                                   {"key", server.key},
                                                   {"caCert", ca.cert},
                                                   {"caKey", ca.key},
                                                   {"hardwareId", "HW-ACC-1"},
                                                   {"bootstrapSecret", kBootstrapSecret},
                                                   {"serial", "SN-ACC-0001"},
                                                   {"newIdentity", "CS-ACC-1"},
                                                   {"newPassword", new_password},
                                                   {"watchdogMs", 90000}});
  auto listening = peer.WaitFor("listening", 20s);
  ASSERT_TRUE(listening.has_value()) << nlohmann::json(peer.lines()).dump();

  ChargerConfig config = TestConfig(dir.path());
  config.hardware_id = "HW-ACC-1";
  config.factory_endpoint =
      "wss://127.0.0.1:" + std::to_string((*listening)["factoryPort"].get<int>()) + "/ocpp";
  config.factory_trust_file = ca.cert;
  config.boot_delay = 300ms;
  config.retry_interval = 1s;
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  UnitOptions options;
  options.reconnect_delay = 300ms;
  Unit unit(config, runtime, options);
  ASSERT_TRUE(unit.Start().ok());

  auto done = peer.WaitFor("done", 60s);
  std::string transcript = nlohmann::json(peer.lines()).dump();
  ASSERT_TRUE(done.has_value()) << transcript << "\nlast error: " << unit.snapshot().last_error;
  for (const auto& line : peer.lines()) {
    EXPECT_NE(line.value("event", ""), "validation_error") << line.dump();
    EXPECT_NE(line.value("event", ""), "error") << line.dump();
  }
  // The boots the CSMS saw: factory Pending, factory Accepted, operator after the reset.
  std::vector<nlohmann::json> boots;
  for (const auto& line : peer.lines()) {
    if (line.value("event", "") == "boot") boots.push_back(line);
  }
  ASSERT_GE(boots.size(), 3U) << transcript;
  EXPECT_EQ(boots[0]["where"], "factory");
  EXPECT_EQ(boots[0]["status"], "Pending");
  EXPECT_EQ(boots[1]["status"], "Accepted");
  EXPECT_EQ(boots.back()["where"], "operator");
  EXPECT_EQ(boots.back()["reason"], "RemoteReset");
  EXPECT_EQ(boots.back()["serial"], "SN-ACC-0001");

  ASSERT_TRUE(unit.WaitFor([](const UnitSnapshot& s) { return s.provisioned; }, 10s));
  UnitSnapshot s = unit.snapshot();
  EXPECT_EQ(s.identity, "CS-ACC-1");
  EXPECT_EQ(s.slot, 2);
  EXPECT_EQ(s.security_profile, 2);
  EXPECT_FALSE(s.factory_mode);
  EXPECT_EQ(s.serial, "SN-ACC-0001");
  EXPECT_TRUE(s.step_times.contains(kStepCertificate));
  EXPECT_TRUE(s.step_times.contains(kStepProvisioned));
  unit.Inspect([](const Charger* c) {
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->station_certificate_chain().has_value());
    EXPECT_TRUE(c->active_transactions().empty());
  });
  EXPECT_EQ(transcript.find(new_password), std::string::npos);
}

}  // namespace
}  // namespace evprov::sim::testing
