// The charger's operation: boot handling (Pending / Accepted / Rejected),
// status notifications, heartbeats, TriggerMessage, transactions, Reset as a
// reboot, and persistence across a restart.
#include <gtest/gtest.h>

#include "evprov/common/log.h"
#include "sim/sim_testing.h"

namespace evprov::sim {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using testing::ChargerFixture;

class ChargerOperationTest : public ChargerFixture {};

TEST_F(ChargerOperationTest, PowerOnConnectsByPlanAndSendsBootNotification) {
  Open();
  charger_->PowerOn();
  ASSERT_EQ(link_.opens.size(), 1U);
  EXPECT_EQ(link_.opens[0], (std::vector<ConnectionAttempt>{{1, 1}, {1, 2}, {1, 3}}));
  ConnectionParams p = charger_->Connection(1);
  EXPECT_EQ(p.url, "wss://station.factory.test/ocpp/HW-0001");
  EXPECT_EQ(p.identity, "HW-0001");
  EXPECT_EQ(p.security_profile, 2);
  EXPECT_EQ(p.basic_auth_password, testing::kBootstrapSecret);
  EXPECT_TRUE(link_.calls.empty()) << "nothing is sent before the connection is up";
  charger_->OnConnected(1);
  auto boots = link_.Of("BootNotification");
  ASSERT_EQ(boots.size(), 1U);
  const json& boot = boots[0]->payload;
  EXPECT_EQ(boot["reason"], "PowerUp");
  EXPECT_EQ(boot["chargingStation"]["model"], "DC-150");
  EXPECT_EQ(boot["chargingStation"]["vendorName"], "Acme");
  EXPECT_EQ(boot["chargingStation"]["firmwareVersion"], "1.4.2");
  EXPECT_EQ(boot["chargingStation"]["modem"]["iccid"], "89440000000000000001");
  EXPECT_FALSE(boot["chargingStation"].contains("serialNumber")) << "no serial yet";
}

TEST_F(ChargerOperationTest, BeforeRegistrationIncomingCallsAreRefused) {
  Open();
  charger_->PowerOn();
  charger_->OnConnected(1);
  Reply r = charger_->Handle(
      "GetVariables",
      {{"getVariableData",
        {{{"component", {{"name", "ClockCtrlr"}}}, {"variable", {{"name", "DateTime"}}}}}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ocpp::RpcErrorCode::kSecurityError);
}

TEST_F(ChargerOperationTest, PendingRetriesAfterTheIntervalAndServesTheStation) {
  Boot("Pending", 10);
  EXPECT_EQ(charger_->registration(), Registration::kPending);
  EXPECT_TRUE(link_.Of("StatusNotification").empty());
  // In Pending the station may read and write variables.
  EXPECT_EQ(GetVariable("ChargingStation", "Model")["attributeValue"], "DC-150");
  scheduler_.Advance(seconds(9));
  EXPECT_EQ(link_.Of("BootNotification").size(), 1U);
  scheduler_.Advance(seconds(1));
  ASSERT_EQ(link_.Of("BootNotification").size(), 2U);
  ASSERT_TRUE(link_.Answer(
      "BootNotification",
      {{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 60}, {"status", "Accepted"}}));
  EXPECT_EQ(charger_->registration(), Registration::kAccepted);
  EXPECT_EQ(link_.Of("StatusNotification").size(), 4U);
}

TEST_F(ChargerOperationTest, AcceptedSendsStatusForEveryConnectorThenHeartbeats) {
  Boot("Accepted", 120);
  auto status = link_.Of("StatusNotification");
  ASSERT_EQ(status.size(), 4U);
  std::set<std::pair<int, int>> seen;
  for (const auto* s : status) {
    seen.emplace(s->payload["evseId"].get<int>(), s->payload["connectorId"].get<int>());
    EXPECT_EQ(s->payload["connectorStatus"], "Available");
  }
  EXPECT_EQ(seen, (std::set<std::pair<int, int>>{{1, 1}, {1, 2}, {2, 1}, {2, 2}}));
  EXPECT_EQ(GetVariable("OCPPCommCtrlr", "HeartbeatInterval")["attributeValue"], "120");
  scheduler_.Advance(seconds(119));
  EXPECT_TRUE(link_.Of("Heartbeat").empty());
  scheduler_.Advance(seconds(1));
  EXPECT_EQ(link_.Of("Heartbeat").size(), 1U);
  scheduler_.Advance(seconds(240));
  EXPECT_EQ(link_.Of("Heartbeat").size(), 3U);
  // A shorter interval written by the station takes effect at once.
  EXPECT_EQ(SetVariable("OCPPCommCtrlr", "HeartbeatInterval", "10")["attributeStatus"], "Accepted");
  scheduler_.Advance(seconds(10));
  EXPECT_EQ(link_.Of("Heartbeat").size(), 4U);
}

TEST_F(ChargerOperationTest, RejectedRefusesCallsAndRetries) {
  Boot("Rejected", 30);
  EXPECT_EQ(charger_->registration(), Registration::kRejected);
  Reply r = charger_->Handle("Reset", {{"type", "Immediate"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ocpp::RpcErrorCode::kSecurityError);
  scheduler_.Advance(seconds(30));
  EXPECT_EQ(link_.Of("BootNotification").size(), 2U);
  EXPECT_TRUE(link_.Of("StatusNotification").empty());
}

TEST_F(ChargerOperationTest, TriggerMessage) {
  Boot();
  EXPECT_EQ(Call("TriggerMessage", {{"requestedMessage", "BootNotification"}})["status"],
            "Rejected")
      << "already accepted";
  EXPECT_EQ(Call("TriggerMessage", {{"requestedMessage", "Heartbeat"}})["status"], "Accepted");
  EXPECT_EQ(link_.Of("Heartbeat").size(), 1U);
  std::size_t before = link_.Of("StatusNotification").size();
  EXPECT_EQ(Call("TriggerMessage", {{"requestedMessage", "StatusNotification"},
                                    {"evse", {{"id", 2}, {"connectorId", 1}}}})["status"],
            "Accepted");
  auto status = link_.Of("StatusNotification");
  ASSERT_EQ(status.size(), before + 1);
  EXPECT_EQ(status.back()->payload["evseId"], 2);
  EXPECT_EQ(Call("TriggerMessage", {{"requestedMessage", "StatusNotification"},
                                    {"evse", {{"id", 3}, {"connectorId", 1}}}})["status"],
            "Rejected");
  EXPECT_EQ(Call("TriggerMessage", {{"requestedMessage", "MeterValues"}})["status"],
            "NotImplemented");
  EXPECT_EQ(
      Call("TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}})["status"],
      "Rejected")
      << "no serial number yet";
  EXPECT_EQ(Call("TriggerMessage", {{"requestedMessage", "FirmwareStatusNotification"}})["status"],
            "Accepted");
  EXPECT_EQ(link_.Of("FirmwareStatusNotification").size(), 1U);
}

TEST_F(ChargerOperationTest, RemoteStartAndStopSendTransactionEvents) {
  Boot();
  json token = {{"idToken", "FACTORY-TEST"}, {"type", "Central"}};
  EXPECT_EQ(Call("RequestStartTransaction",
                 {{"remoteStartId", 7}, {"idToken", token}, {"evseId", 2}})["status"],
            "Accepted");
  auto events = link_.Of("TransactionEvent");
  ASSERT_EQ(events.size(), 1U);
  const json& started = events[0]->payload;
  EXPECT_EQ(started["eventType"], "Started");
  EXPECT_EQ(started["triggerReason"], "RemoteStart");
  EXPECT_EQ(started["seqNo"], 0);
  EXPECT_EQ(started["transactionInfo"]["remoteStartId"], 7);
  EXPECT_EQ(started["evse"]["id"], 2);
  EXPECT_EQ(started["idToken"], token);
  EXPECT_EQ(link_.Of("StatusNotification").back()->payload["connectorStatus"], "Occupied");
  std::string tx = started["transactionInfo"]["transactionId"];
  EXPECT_EQ(charger_->active_transactions(), std::vector<std::string>{tx});
  // The same EVSE is busy; an unknown EVSE does not exist.
  EXPECT_EQ(Call("RequestStartTransaction",
                 {{"remoteStartId", 8}, {"idToken", token}, {"evseId", 2}})["status"],
            "Rejected");
  EXPECT_EQ(Call("RequestStartTransaction",
                 {{"remoteStartId", 9}, {"idToken", token}, {"evseId", 5}})["status"],
            "Rejected");
  EXPECT_EQ(Call("RequestStopTransaction", {{"transactionId", "nope"}})["status"], "Rejected");
  scheduler_.Advance(seconds(3600));
  EXPECT_EQ(Call("RequestStopTransaction", {{"transactionId", tx}})["status"], "Accepted");
  events = link_.Of("TransactionEvent");
  ASSERT_EQ(events.size(), 2U);
  const json& ended = events[1]->payload;
  EXPECT_EQ(ended["eventType"], "Ended");
  EXPECT_EQ(ended["seqNo"], 1);
  EXPECT_EQ(ended["transactionInfo"]["stoppedReason"], "Remote");
  EXPECT_DOUBLE_EQ(ended["meterValue"][0]["sampledValue"][0]["value"].get<double>(), 75000.0);
  EXPECT_EQ(link_.Of("StatusNotification").back()->payload["connectorStatus"], "Available");
  EXPECT_TRUE(charger_->active_transactions().empty());
}

TEST_F(ChargerOperationTest, RemoteStartIsRefusedWhilePending) {
  Boot("Pending");
  EXPECT_EQ(
      Call("RequestStartTransaction",
           {{"remoteStartId", 1}, {"idToken", {{"idToken", "X"}, {"type", "Central"}}}})["status"],
      "Rejected");
}

TEST_F(ChargerOperationTest, ImmediateResetRebootsAfterTheBootDelay) {
  Boot();
  int boots = charger_->boot_count();
  EXPECT_EQ(Call("Reset", {{"type", "Immediate"}})["status"], "Accepted");
  ASSERT_EQ(link_.closes.size(), 1U);
  EXPECT_EQ(link_.closes[0], CloseReason::kReboot);
  EXPECT_EQ(charger_->registration(), Registration::kNone);
  EXPECT_EQ(link_.opens.size(), 1U);
  scheduler_.Advance(std::chrono::milliseconds(1999));
  EXPECT_EQ(link_.opens.size(), 1U);
  scheduler_.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(link_.opens.size(), 2U);
  EXPECT_EQ(charger_->boot_count(), boots + 1);
  charger_->OnConnected(1);
  EXPECT_EQ(link_.Of("BootNotification").back()->payload["reason"], "RemoteReset");
  ASSERT_TRUE(link_.Answer(
      "BootNotification",
      {{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 300}, {"status", "Accepted"}}));
  EXPECT_EQ(Call("Reset", {{"type", "Immediate"}, {"evseId", 1}})["status"], "Rejected");
}

TEST_F(ChargerOperationTest, OnIdleResetWaitsForTheTransactionToEnd) {
  Boot();
  Call("RequestStartTransaction",
       {{"remoteStartId", 1}, {"idToken", {{"idToken", "X"}, {"type", "Central"}}}});
  std::string tx = charger_->active_transactions().at(0);
  EXPECT_EQ(Call("Reset", {{"type", "OnIdle"}})["status"], "Scheduled");
  EXPECT_TRUE(link_.closes.empty());
  Call("RequestStopTransaction", {{"transactionId", tx}});
  EXPECT_EQ(link_.closes.size(), 1U);
}

TEST_F(ChargerOperationTest, ImmediateResetEndsRunningTransactions) {
  Boot();
  Call("RequestStartTransaction",
       {{"remoteStartId", 1}, {"idToken", {{"idToken", "X"}, {"type", "Central"}}}});
  Call("Reset", {{"type", "Immediate"}});
  const json& ended = link_.Of("TransactionEvent").back()->payload;
  EXPECT_EQ(ended["eventType"], "Ended");
  EXPECT_EQ(ended["triggerReason"], "ResetCommand");
  EXPECT_EQ(ended["transactionInfo"]["stoppedReason"], "ImmediateReset");
}

TEST_F(ChargerOperationTest, UnknownActionsAndMalformedPayloads) {
  Boot();
  Reply r = charger_->Handle("UnlockConnector", {{"evseId", 1}, {"connectorId", 1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ocpp::RpcErrorCode::kNotImplemented);
  r = charger_->Handle("Reset", {{"kind", "Immediate"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ocpp::RpcErrorCode::kFormatViolation);
}

TEST_F(ChargerOperationTest, ProvisionedStateSurvivesARestart) {
  Boot();
  ASSERT_EQ(SetVariable("VendorCtrlr", "SerialNumber", "SN-0042")["attributeStatus"], "Accepted");
  ASSERT_EQ(SetVariable("SecurityCtrlr", "OrganizationName", "Acme CPO")["attributeStatus"],
            "Accepted");
  ASSERT_EQ(
      SetVariable("SecurityCtrlr", "BasicAuthPassword", "abcdefghij0123456789")["attributeStatus"],
      "Accepted");
  testing::TestCa root("Root");
  ASSERT_EQ(Call("InstallCertificate", {{"certificateType", "CSMSRootCertificate"},
                                        {"certificate", root.pem()}})["status"],
            "Accepted");
  int boots = charger_->boot_count();
  // Restart: a new Charger over the same directory.
  charger_.reset();
  Open();
  EXPECT_EQ(charger_->serial(), "SN-0042");
  EXPECT_EQ(charger_->boot_count(), boots);
  EXPECT_EQ(charger_->device_model().Get("SecurityCtrlr", "OrganizationName"), "Acme CPO");
  EXPECT_EQ(charger_->device_model().Get("ChargingStation", "SerialNumber"), "SN-0042");
  EXPECT_EQ(charger_->certificates().Pems(CertificateUse::kCsmsRoot).size(), 1U);
  charger_->PowerOn();
  charger_->OnConnected(1);
  EXPECT_EQ(link_.Of("BootNotification").back()->payload["chargingStation"]["serialNumber"],
            "SN-0042");
}

TEST_F(ChargerOperationTest, StateOfAnotherUnitIsRefused) {
  Open();
  charger_.reset();
  config_.hardware_id = "HW-OTHER";
  auto c = Charger::Open(config_, link_, scheduler_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("belongs to hardware ID 'HW-0001'"), std::string::npos);
}

TEST_F(ChargerOperationTest, ConfigIsValidated) {
  config_.model = "A-model-name-longer-than-20";
  EXPECT_NE(
      Charger::Open(config_, link_, scheduler_).status().message().find("model: longer than 20"),
      std::string::npos);
  config_ = testing::TestConfig(dir_.path());
  config_.idevid_cert_file = "/x/cert.pem";
  config_.idevid_key_file = "/x/key.pem";
  EXPECT_NE(Charger::Open(config_, link_, scheduler_).status().message().find("either an IDevID"),
            std::string::npos);
  config_.bootstrap_secret.clear();
  EXPECT_TRUE(Charger::Open(config_, link_, scheduler_).ok());
  config_.layout[1].id = 3;
  EXPECT_NE(Charger::Open(config_, link_, scheduler_).status().message().find("layout[1].id"),
            std::string::npos);
}

TEST_F(ChargerOperationTest, SecretsNeverReachTheLog) {
  log::ScopedCapture capture;
  Boot();
  SetVariable("SecurityCtrlr", "BasicAuthPassword", "SuperSecret-Password-42");
  SetVariable("SecurityCtrlr", "BasicAuthPassword", "bad password with spaces!!");
  Call("GetBaseReport", {{"requestId", 1}, {"reportBase", "FullInventory"}});
  const std::string logs = capture.sink().Joined();
  EXPECT_NE(logs.find("sim.set_variable"), std::string::npos);
  EXPECT_EQ(logs.find("SuperSecret"), std::string::npos);
  EXPECT_EQ(logs.find("bad password"), std::string::npos);
  EXPECT_EQ(logs.find(testing::kBootstrapSecret), std::string::npos);
  for (const auto& c : link_.calls)
    EXPECT_EQ(c.payload.dump().find("SuperSecret"), std::string::npos);
}

}  // namespace
}  // namespace evprov::sim
