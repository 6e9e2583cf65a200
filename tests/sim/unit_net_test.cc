// The networked unit (sim::Unit) over real loopback WebSockets against an
// ocpp::Server written in the test: boot, variables, faults, TLS profiles.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "evprov/sim/unit.h"
#include "sim/net_testing.h"
#include "sim/sim_testing.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"

namespace evprov::sim::testing {
namespace {

using nlohmann::json;

ChargerConfig NetConfig(const std::string& dir, const std::string& url) {
  ChargerConfig c = TestConfig(dir);
  c.factory_endpoint = url;
  c.boot_delay = 200ms;
  c.retry_interval = 1s;
  return c;
}

UnitOptions FastOptions() {
  UnitOptions o;
  o.reconnect_delay = 200ms;
  o.connect_timeout = 5s;
  return o;
}

json SetOne(const std::string& component, const std::string& variable, const std::string& value) {
  return {{"setVariableData",
           {{{"component", {{"name", component}}},
             {"variable", {{"name", variable}}},
             {"attributeValue", value}}}}};
}
json GetOne(const std::string& component, const std::string& variable) {
  return {{"getVariableData",
           {{{"component", {{"name", component}}}, {"variable", {{"name", variable}}}}}}};
}

bool Accepted(const UnitSnapshot& s) {
  return s.connected && s.registration == Registration::kAccepted;
}

TEST(UnitNetTest, BootPendingThenAcceptedThenStatusForEveryConnector) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret, .boot_statuses = {"Pending", "Accepted"}});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  Unit unit(NetConfig(dir.path(), station.Url()), runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));
  ASSERT_TRUE(station.WaitFor("StatusNotification", 4));

  auto boots = station.Of("BootNotification");
  ASSERT_EQ(boots.size(), 2U);
  EXPECT_EQ(boots[0].identity, "HW-0001");
  EXPECT_EQ(boots[0].security_profile, 1);
  EXPECT_EQ(boots[0].payload["reason"], "PowerUp");
  EXPECT_EQ(boots[0].payload["chargingStation"]["vendorName"], "Acme");
  UnitSnapshot s = unit.snapshot();
  EXPECT_TRUE(s.factory_mode);
  EXPECT_FALSE(s.provisioned);
  EXPECT_EQ(s.identity, "HW-0001");
  EXPECT_EQ(s.slot, kFirstSlot);
  EXPECT_EQ(s.boot_count, 1);
  EXPECT_TRUE(s.step_times.contains(kStepConnected));
  EXPECT_TRUE(s.step_times.contains(kStepBootAccepted));
  EXPECT_GT(s.approximate_bytes, 0U);
}

TEST(UnitNetTest, WrongBootstrapSecretIsRefusedAndReported) {
  test::TempDir dir;
  TestStation station({.password = "another-secret-000000"});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  Unit unit(NetConfig(dir.path(), station.Url()), runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, [](const UnitSnapshot& s) { return !s.last_error.empty(); }));
  UnitSnapshot s = unit.snapshot();
  EXPECT_FALSE(s.connected);
  EXPECT_NE(s.last_error.find("401"), std::string::npos) << s.last_error;
  EXPECT_EQ(s.last_error.find(kBootstrapSecret), std::string::npos);
}

TEST(UnitNetTest, SetVariablesRoundTrip) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  Unit unit(NetConfig(dir.path(), station.Url()), runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));

  auto set = station.Call("HW-0001", "SetVariables",
                          SetOne("SecurityCtrlr", "OrganizationName", "Acme Charging"));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)["setVariableResult"][0]["attributeStatus"], "Accepted");
  auto get = station.Call("HW-0001", "GetVariables", GetOne("SecurityCtrlr", "OrganizationName"));
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ((*get)["getVariableResult"][0]["attributeValue"], "Acme Charging");
  auto unknown = station.Call("HW-0001", "GetVariables", GetOne("NoSuchCtrlr", "X"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ((*unknown)["getVariableResult"][0]["attributeStatus"], "UnknownComponent");
}

TEST(UnitNetTest, CrashFaultRestartsFromTheStateDirAndReconnects) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  config.faults.crash_at = "SetVariables";
  Unit unit(config, runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));

  auto set = station.Call("HW-0001", "SetVariables",
                          SetOne("SecurityCtrlr", "OrganizationName", "Kept Over Crash"), 2s);
  EXPECT_FALSE(set.ok());  // no answer: the charger crashed
  ASSERT_TRUE(station.WaitFor("BootNotification", 2));
  ASSERT_TRUE(UnitReaches(unit, [](const UnitSnapshot& s) {
    return Accepted(s) && s.boot_count == 2 && s.crashes == 1;
  }));
  EXPECT_EQ(station.Of("BootNotification")[1].payload["reason"], "Watchdog");
  // Applied before the crash and kept in the state directory; fires once.
  auto get = station.Call("HW-0001", "GetVariables", GetOne("SecurityCtrlr", "OrganizationName"));
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ((*get)["getVariableResult"][0]["attributeValue"], "Kept Over Crash");
  auto again = station.Call("HW-0001", "SetVariables",
                            SetOne("SecurityCtrlr", "OrganizationName", "Second"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

TEST(UnitNetTest, DropFaultDropsWithoutAnswerAndReconnectsWithoutReboot) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  ASSERT_TRUE(ParseFaults({"drop-at=GetVariables"}).ok());
  config.faults = *ParseFaults({"drop-at=GetVariables"});
  Unit unit(config, runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));

  auto get = station.Call("HW-0001", "GetVariables", GetOne("SecurityCtrlr", "Identity"), 2s);
  EXPECT_FALSE(get.ok());
  ASSERT_TRUE(station.WaitFor("<disconnected>", 1));
  ASSERT_TRUE(
      UnitReaches(unit, [](const UnitSnapshot& s) { return Accepted(s) && s.connections == 2; }));
  EXPECT_EQ(unit.snapshot().boot_count, 1);  // no reboot
  EXPECT_EQ(station.boots(), 1U);            // still registered: no new BootNotification
  // The unit counts the connection when its upgrade is answered; the station
  // registers the session just after.
  ASSERT_TRUE(station.WaitFor("<connected>", 2));
  auto again = station.Call("HW-0001", "GetVariables", GetOne("SecurityCtrlr", "Identity"));
  EXPECT_TRUE(again.ok()) << again.status().ToString();
}

TEST(UnitNetTest, SlowResponsesDelayTheAnswer) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  config.faults.response_delay = 400ms;
  Unit unit(config, runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));

  auto start = std::chrono::steady_clock::now();
  auto get = station.Call("HW-0001", "GetVariables", GetOne("SecurityCtrlr", "Identity"));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_GE(took, 400ms);  // a lower bound: the fault's behaviour, not a performance figure
}

TEST(UnitNetTest, TlsWithBasicAuthProfile2) {
  test::TempDir dir;
  test::TestPki pki(dir.path());
  auto ca = pki.CreateCa("station-ca");
  auto server = pki.IssueServer(ca, "station");
  TestStation station({.profile = ocpp::SecurityProfile::kTlsBasicAuth,
                       .tls = {server.cert, server.key, ""},
                       .password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  config.factory_trust_file = ca.cert;
  Unit unit(config, runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));
  EXPECT_EQ(station.Of("BootNotification").at(0).security_profile, 2);
  EXPECT_EQ(unit.snapshot().security_profile, 2);
}

TEST(UnitNetTest, TlsRefusesAStationCertificateForAnotherHost) {
  test::TempDir dir;
  test::TestPki pki(dir.path());
  auto ca = pki.CreateCa("station-ca");
  auto server = pki.IssueServer(ca, "elsewhere", {"station.elsewhere.test"});
  TestStation station({.profile = ocpp::SecurityProfile::kTlsBasicAuth,
                       .tls = {server.cert, server.key, ""},
                       .password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  config.factory_trust_file = ca.cert;
  Unit unit(config, runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, [](const UnitSnapshot& s) { return !s.last_error.empty(); }));
  EXPECT_NE(unit.snapshot().last_error.find("tls handshake"), std::string::npos)
      << unit.snapshot().last_error;
  EXPECT_EQ(station.boots(), 0U);
}

TEST(UnitNetTest, MutualTlsWithIdevid) {
  test::TempDir dir;
  test::TestPki pki(dir.path());
  auto station_ca = pki.CreateCa("station-ca");
  auto vendor_ca = pki.CreateCa("silicon-vendor");
  auto server = pki.IssueServer(station_ca, "station");
  auto idevid = pki.IssueClient(vendor_ca, "HW-0001", "Silicon Vendor");
  TestStation station({.profile = ocpp::SecurityProfile::kMutualTls,
                       .tls = {server.cert, server.key, vendor_ca.cert}});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  config.bootstrap_secret.clear();
  config.idevid_cert_file = idevid.cert;
  config.idevid_key_file = idevid.key;
  config.factory_trust_file = station_ca.cert;
  Unit unit(config, runtime, FastOptions());
  ASSERT_TRUE(unit.Start().ok());
  ASSERT_TRUE(UnitReaches(unit, Accepted));
  EXPECT_EQ(station.Of("BootNotification").at(0).security_profile, 3);
  EXPECT_EQ(unit.snapshot().security_profile, 3);
}

TEST(UnitNetTest, StopThenStartAgainKeepsTheStateDirectory) {
  test::TempDir dir;
  TestStation station({.password = kBootstrapSecret});
  auto runtime = std::make_shared<ocpp::Runtime>(1);
  ChargerConfig config = NetConfig(dir.path(), station.Url());
  {
    Unit unit(config, runtime, FastOptions());
    ASSERT_TRUE(unit.Start().ok());
    ASSERT_TRUE(UnitReaches(unit, Accepted));
    EXPECT_FALSE(unit.Start().ok());
    unit.Stop();
    EXPECT_FALSE(unit.snapshot().running);
  }
  Unit again(config, runtime, FastOptions());
  ASSERT_TRUE(again.Start().ok());
  ASSERT_TRUE(
      UnitReaches(again, [](const UnitSnapshot& s) { return Accepted(s) && s.boot_count == 2; }));
}

}  // namespace
}  // namespace evprov::sim::testing
