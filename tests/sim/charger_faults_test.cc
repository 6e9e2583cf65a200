// Faults on request, each at the level of the brain: a rejected variable, a
// CSR for the wrong serial, a reused key, a mismatched layout, slow answers,
// dropping the connection at a step and crashing mid-step.
#include <gtest/gtest.h>

#include "sim/sim_testing.h"

namespace evprov::sim {
namespace {

using nlohmann::json;
using testing::ChargerFixture;

class ChargerFaultsTest : public ChargerFixture {
 protected:
  void WithFaults(const std::vector<std::string>& flags) {
    auto f = ParseFaults(flags);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    config_.faults = *f;
  }
  // Serial, root, trigger: returns the CSR sent.
  std::string CsrAfterTrigger() {
    EXPECT_EQ(SetVariable("VendorCtrlr", "SerialNumber", "SN-0042")["attributeStatus"], "Accepted");
    Call("InstallCertificate",
         {{"certificateType", "CSMSRootCertificate"}, {"certificate", root_.pem()}});
    Call("TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}});
    auto sent = link_.Of("SignCertificate");
    return sent.empty() ? "" : sent.back()->payload["csr"].get<std::string>();
  }
  static std::string CsrCn(const std::string& csr) { return testing::ReadCsr(csr).cn; }
  testing::TestCa root_{"Root"};
};

TEST_F(ChargerFaultsTest, RejectVariable) {
  WithFaults({"reject-variable=SecurityCtrlr.OrganizationName"});
  Boot("Pending");
  json r = SetVariable("SecurityCtrlr", "OrganizationName", "Acme");
  EXPECT_EQ(r["attributeStatus"], "Rejected");
  EXPECT_EQ(r["attributeStatusInfo"]["reasonCode"], "FaultInjected");
  EXPECT_EQ(SetVariable("OCPPCommCtrlr", "HeartbeatInterval", "60")["attributeStatus"], "Accepted");
}

TEST_F(ChargerFaultsTest, CsrForTheWrongSerial) {
  WithFaults({"csr-wrong-serial"});
  Boot("Pending");
  std::string csr = CsrAfterTrigger();
  ASSERT_FALSE(csr.empty());
  EXPECT_NE(CsrCn(csr), "SN-0042");
  EXPECT_NE(CsrCn(csr).find("SN-0042"), std::string::npos);
}

TEST_F(ChargerFaultsTest, ReusedKey) {
  WithFaults({"reuse-key"});
  Boot("Pending");
  testing::TestCa issuing("Issuing", root_);
  std::string first = CsrAfterTrigger();
  ASSERT_EQ(Call("CertificateSigned",
                 {{"certificateChain", issuing.IssueFromCsr(first) + issuing.pem()}})["status"],
            "Accepted");
  Call("TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}});
  std::string second = link_.Of("SignCertificate").back()->payload["csr"];
  EXPECT_EQ(*PublicKeyFingerprint(issuing.IssueFromCsr(first)),
            *PublicKeyFingerprint(issuing.IssueFromCsr(second)))
      << "the second CSR reuses the first key";
}

TEST_F(ChargerFaultsTest, MismatchedLayoutReportsAnExtraConnector) {
  WithFaults({"mismatched-layout"});
  Boot("Accepted");
  EXPECT_EQ(link_.Of("StatusNotification").size(), 5U);
  EXPECT_EQ(charger_->reported_layout().back().connectors.size(), 3U);
  EXPECT_EQ(config_.layout.back().connectors.size(), 2U);
  Call("GetBaseReport", {{"requestId", 1}, {"reportBase", "FullInventory"}});
  bool extra = false;
  for (const auto* part : link_.Of("NotifyReport")) {
    for (const json& e : part->payload["reportData"]) {
      extra |= e["component"]["name"] == "Connector" && e["component"]["evse"]["id"] == 2 &&
               e["component"]["evse"]["connectorId"] == 3;
    }
  }
  EXPECT_TRUE(extra);
}

TEST_F(ChargerFaultsTest, SlowResponsesAreADelayForTheTransport) {
  WithFaults({"slow-responses=1500"});
  Boot("Pending");
  Reply r =
      Handle("GetVariables",
             {{"getVariableData",
               {{{"component", {{"name", "AuthCtrlr"}}}, {"variable", {{"name", "Enabled"}}}}}}});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.delay, std::chrono::milliseconds(1500));
  EXPECT_EQ(r.after, AfterReply::kSend);
}

TEST_F(ChargerFaultsTest, DropAtAStepOnceWithoutApplyingIt) {
  WithFaults({"drop-at=SetVariables"});
  Boot("Pending");
  json set = {{"setVariableData",
               {{{"component", {{"name", "OCPPCommCtrlr"}}},
                 {"variable", {{"name", "HeartbeatInterval"}}},
                 {"attributeValue", "77"}}}}};
  Reply r = charger_->Handle("SetVariables", set);
  EXPECT_EQ(r.after, AfterReply::kDropConnection);
  EXPECT_NE(charger_->device_model().Get("OCPPCommCtrlr", "HeartbeatInterval"), "77");
  charger_->OnDisconnected();
  charger_->OnConnected(1);
  ASSERT_TRUE(link_.Answer(
      "BootNotification",
      {{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 300}, {"status", "Pending"}}));
  // The station retries the step: this time it goes through.
  r = Handle("SetVariables", set);
  EXPECT_EQ(r.after, AfterReply::kSend);
  EXPECT_EQ(charger_->device_model().Get("OCPPCommCtrlr", "HeartbeatInterval"), "77");
}

TEST_F(ChargerFaultsTest, CrashMidStepKeepsWhatWasAppliedAndFiresOnce) {
  WithFaults({"crash-at=SetVariables"});
  Boot("Pending");
  Reply r = charger_->Handle("SetVariables", {{"setVariableData",
                                               {{{"component", {{"name", "SecurityCtrlr"}}},
                                                 {"variable", {{"name", "OrganizationName"}}},
                                                 {"attributeValue", "Acme"}}}}});
  EXPECT_EQ(r.after, AfterReply::kCrash);
  // The transport destroys the charger and restarts it from its directory.
  int boots = charger_->boot_count();
  charger_.reset();
  EXPECT_EQ(scheduler_.pending(), 0U) << "a destroyed charger leaves no timers behind";
  Open();
  charger_->PowerOn(BootReason::kWatchdog);
  charger_->OnConnected(1);
  EXPECT_EQ(charger_->boot_count(), boots + 1);
  EXPECT_EQ(link_.Of("BootNotification").back()->payload["reason"], "Watchdog");
  EXPECT_EQ(charger_->device_model().Get("SecurityCtrlr", "OrganizationName"), "Acme");
  ASSERT_TRUE(link_.Answer(
      "BootNotification",
      {{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 300}, {"status", "Pending"}}));
  Reply again = charger_->Handle("SetVariables", {{"setVariableData",
                                                   {{{"component", {{"name", "SecurityCtrlr"}}},
                                                     {"variable", {{"name", "OrganizationName"}}},
                                                     {"attributeValue", "Acme 2"}}}}});
  EXPECT_EQ(again.after, AfterReply::kSend) << "the crash fires once per unit";
  EXPECT_EQ(charger_->device_model().Get("SecurityCtrlr", "OrganizationName"), "Acme 2");
}

}  // namespace
}  // namespace evprov::sim
