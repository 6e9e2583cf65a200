// The provisioning verbs through Charger::Handle: SetVariables / GetVariables
// statuses, GetBaseReport → NotifyReport parts, certificates (install, list,
// delete, CSR, CertificateSigned) and SetNetworkProfile. Every request, answer
// and outgoing CALL is checked against the official schemas (sim_testing.h).
#include <gtest/gtest.h>

#include "evprov/ocpp/payload_text.h"
#include "sim/sim_testing.h"

namespace evprov::sim {
namespace {

using nlohmann::json;
using testing::ChargerFixture;
using testing::TestCa;

class ChargerProvisioningTest : public ChargerFixture {
 protected:
  // Serial + organisation + CSMS root: what the certificate step needs.
  void PrepareForCertificate() {
    ASSERT_EQ(SetVariable("VendorCtrlr", "SerialNumber", "SN-0042")["attributeStatus"], "Accepted");
    ASSERT_EQ(SetVariable("SecurityCtrlr", "OrganizationName", "Acme CPO")["attributeStatus"],
              "Accepted");
    ASSERT_EQ(Call("InstallCertificate", {{"certificateType", "CSMSRootCertificate"},
                                          {"certificate", root_.pem()}})["status"],
              "Accepted");
  }
  // TriggerMessage → the CSR the charger sent.
  std::string TriggerCsr() {
    EXPECT_EQ(
        Call("TriggerMessage", {{"requestedMessage", "SignChargingStationCertificate"}})["status"],
        "Accepted");
    auto sent = link_.Of("SignCertificate");
    EXPECT_FALSE(sent.empty());
    if (sent.empty()) return "";
    link_.Answer("SignCertificate", {{"status", "Accepted"}});
    return sent.back()->payload["csr"];
  }
  json Signed(const std::string& chain) {
    return Call("CertificateSigned",
                {{"certificateChain", chain}, {"certificateType", "ChargingStationCertificate"}});
  }
  static json Profile(int security_profile, const std::string& url) {
    return testing::ProfileData(security_profile, url);
  }
  json SetProfile(int slot, const json& data) {
    return Call("SetNetworkProfile", {{"configurationSlot", slot}, {"connectionData", data}});
  }

  TestCa root_{"Staging Root"};
  TestCa issuing_{"Staging Issuing CA", root_};
};

TEST_F(ChargerProvisioningTest, SetVariablesAnswersEachItemWithItsStatus) {
  Boot("Pending");
  json r = Call("SetVariables", {{"setVariableData",
                                  {{{"component", {{"name", "OCPPCommCtrlr"}}},
                                    {"variable", {{"name", "HeartbeatInterval"}}},
                                    {"attributeValue", "60"}},
                                   {{"component", {{"name", "FluxCapacitor"}}},
                                    {"variable", {{"name", "Power"}}},
                                    {"attributeValue", "1"}},
                                   {{"component", {{"name", "SecurityCtrlr"}}},
                                    {"variable", {{"name", "Colour"}}},
                                    {"attributeValue", "1"}},
                                   {{"component", {{"name", "SecurityCtrlr"}}},
                                    {"variable", {{"name", "OrganizationName"}}},
                                    {"attributeValue", "X"},
                                    {"attributeType", "MaxSet"}},
                                   {{"component", {{"name", "SecurityCtrlr"}}},
                                    {"variable", {{"name", "SecurityProfile"}}},
                                    {"attributeValue", "3"}},
                                   {{"component", {{"name", "AuthCtrlr"}}},
                                    {"variable", {{"name", "Enabled"}}},
                                    {"attributeValue", "maybe"}},
                                   {{"component", {{"name", "EVSE"}, {"evse", {{"id", 2}}}}},
                                    {"variable", {{"name", "Power"}}},
                                    {"attributeValue", "11000"},
                                    {"attributeType", "MaxSet"}},
                                   {{"component", {{"name", "EVSE"}, {"evse", {{"id", 3}}}}},
                                    {"variable", {{"name", "Power"}}},
                                    {"attributeValue", "11000"},
                                    {"attributeType", "MaxSet"}}}}});
  std::vector<std::string> statuses;
  for (const json& item : r["setVariableResult"]) statuses.push_back(item["attributeStatus"]);
  EXPECT_EQ(statuses, (std::vector<std::string>{"Accepted", "UnknownComponent", "UnknownVariable",
                                                "NotSupportedAttributeType", "Rejected", "Rejected",
                                                "Accepted", "UnknownComponent"}));
  EXPECT_EQ(r["setVariableResult"][4]["attributeStatusInfo"]["reasonCode"], "ReadOnly");
  EXPECT_EQ(r["setVariableResult"][5]["attributeStatusInfo"]["reasonCode"], "InvalidValue");
  EXPECT_EQ(r["setVariableResult"][6]["component"]["evse"]["id"], 2);
  EXPECT_EQ(GetVariable("OCPPCommCtrlr", "HeartbeatInterval")["attributeValue"], "60");
}

TEST_F(ChargerProvisioningTest, GetVariablesStatusesAndWriteOnlyPassword) {
  Boot("Pending");
  ASSERT_EQ(
      SetVariable("SecurityCtrlr", "BasicAuthPassword", "Abc.def-0123456789+|@")["attributeStatus"],
      "Accepted");
  json password = GetVariable("SecurityCtrlr", "BasicAuthPassword");
  EXPECT_EQ(password["attributeStatus"], "Rejected");
  EXPECT_FALSE(password.contains("attributeValue"));
  EXPECT_EQ(GetVariable("Nope", "X")["attributeStatus"], "UnknownComponent");
  EXPECT_EQ(GetVariable("ClockCtrlr", "X")["attributeStatus"], "UnknownVariable");
  EXPECT_EQ(GetVariable("SecurityCtrlr", "SecurityProfile")["attributeValue"], "2");
  EXPECT_EQ(GetVariable("ClockCtrlr", "DateTime")["attributeValue"].get<std::string>().size(), 20U);
  json r = Call("GetVariables", {{"getVariableData",
                                  {{{"component", {{"name", "OCPPCommCtrlr"}}},
                                    {"variable", {{"name", "HeartbeatInterval"}}},
                                    {"attributeType", "Target"}}}}});
  EXPECT_EQ(r["getVariableResult"][0]["attributeStatus"], "NotSupportedAttributeType");
}

TEST_F(ChargerProvisioningTest, ChargerRulesOnTopOfTheDeviceModel) {
  Boot("Pending");
  // The password charset (a space is not in the OCPP set); length is the model's rule.
  EXPECT_EQ(
      SetVariable("SecurityCtrlr", "BasicAuthPassword", "has a space in it!!")["attributeStatus"],
      "Rejected");
  EXPECT_EQ(SetVariable("SecurityCtrlr", "Identity", "CP:1")["attributeStatus"], "Rejected");
  // Priority may name configured slots only.
  json prio = SetVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "2,1");
  EXPECT_EQ(prio["attributeStatus"], "Rejected");
  EXPECT_NE(
      prio["attributeStatusInfo"]["additionalInfo"].get<std::string>().find("slot 2 is empty"),
      std::string::npos);
  EXPECT_EQ(SetVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "1")["attributeStatus"],
            "Accepted");
  // The serial is writable in factory mode only; factory mode is one-way.
  EXPECT_EQ(SetVariable("VendorCtrlr", "SerialNumber", "SN-1")["attributeStatus"], "Accepted");
  EXPECT_EQ(GetVariable("ChargingStation", "SerialNumber")["attributeValue"], "SN-1");
  EXPECT_EQ(SetVariable("VendorCtrlr", "FactoryMode", "false")["attributeStatus"], "Accepted");
  EXPECT_FALSE(charger_->factory_mode());
  json serial = SetVariable("VendorCtrlr", "SerialNumber", "SN-2");
  EXPECT_EQ(serial["attributeStatus"], "Rejected");
  EXPECT_EQ(serial["attributeStatusInfo"]["reasonCode"], "NotInFactoryMode");
  EXPECT_EQ(SetVariable("VendorCtrlr", "FactoryMode", "true")["attributeStatus"], "Rejected");
  EXPECT_EQ(charger_->serial(), "SN-1");
}

TEST_F(ChargerProvisioningTest, TooManyItemsIsAnOccurrenceViolation) {
  Boot("Pending");
  json items = json::array();
  for (int i = 0; i < 51; ++i) {
    items.push_back({{"component", {{"name", "AuthCtrlr"}}}, {"variable", {{"name", "Enabled"}}}});
  }
  Reply r = charger_->Handle("GetVariables", {{"getVariableData", items}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ocpp::RpcErrorCode::kOccurrenceConstraintViolation);
}

// Small parts: entries are packed while the part's text stays within the
// limit, and a part ends only when its next entry would not have fitted.
TEST_F(ChargerProvisioningTest, GetBaseReportPacksNotifyReportPartsByBytes) {
  constexpr std::size_t kLimit = 4096;
  config_.report_part_bytes = kLimit;
  Boot("Pending");
  EXPECT_EQ(Call("GetBaseReport", {{"requestId", 42}, {"reportBase", "FullInventory"}})["status"],
            "Accepted");
  auto parts = link_.Of("NotifyReport");
  const std::size_t items = charger_->device_model().schema().items().size();
  ASSERT_GE(parts.size(), 3U);
  std::size_t total = 0;
  std::set<std::string> components;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const json& p = parts[i]->payload;
    EXPECT_EQ(p["requestId"], 42);
    EXPECT_EQ(p["seqNo"], static_cast<int>(i));
    EXPECT_EQ(p["tbc"], i + 1 < parts.size());
    const std::size_t bytes = ocpp::JsonText(p).size();
    EXPECT_LE(bytes, kLimit) << "part " << i;
    if (i + 1 < parts.size()) {
      // The next part's first entry (and its comma) would have crossed the
      // limit, give or take the 11 bytes kept for the longest seqNo and tbc.
      const std::size_t next = ocpp::JsonText(parts[i + 1]->payload["reportData"][0]).size();
      EXPECT_GT(bytes + 1 + next + 11, kLimit) << "part " << i << " could have held more";
    }
    total += p["reportData"].size();
    for (const json& entry : p["reportData"]) {
      std::string name = entry["component"]["name"];
      if (entry["component"].contains("evse")) {
        name += "@" + entry["component"]["evse"].dump();
      }
      components.insert(name);
    }
  }
  EXPECT_EQ(total, items);
  // The layout: EVSE 1..2, connectors 1..2 on each.
  EXPECT_TRUE(components.contains(R"(EVSE@{"id":2})"));
  EXPECT_TRUE(components.contains(R"(Connector@{"connectorId":2,"id":2})"));
  EXPECT_FALSE(components.contains(R"(Connector@{"connectorId":3,"id":2})"));
  EXPECT_EQ(
      Call("GetBaseReport", {{"requestId", 43}, {"reportBase", "SummaryInventory"}})["status"],
      "NotSupported");
  std::size_t before = link_.Of("NotifyReport").size();
  Call("GetBaseReport", {{"requestId", 44}, {"reportBase", "ConfigurationInventory"}});
  EXPECT_LT(link_.Of("NotifyReport").size() - before, parts.size());
}

// The default limit holds this layout's whole inventory in one part, however
// many entries it has (DeviceDataCtrlr.ItemsPerMessage[GetReport] is about
// the CSMS's GetReportRequest, not these parts).
TEST_F(ChargerProvisioningTest, GetBaseReportFitsOnePartByDefault) {
  Boot("Pending");
  Call("GetBaseReport", {{"requestId", 7}, {"reportBase", "FullInventory"}});
  auto parts = link_.Of("NotifyReport");
  ASSERT_EQ(parts.size(), 1U);
  const json& p = parts[0]->payload;
  EXPECT_EQ(p["seqNo"], 0);
  EXPECT_EQ(p["tbc"], false);
  EXPECT_EQ(p["reportData"].size(), charger_->device_model().schema().items().size());
  EXPECT_GT(p["reportData"].size(), std::stoul(std::string(charger_->device_model().Get(
                                        "DeviceDataCtrlr", "ItemsPerMessage", "GetReport"))));
  EXPECT_LE(ocpp::JsonText(p).size(), kDefaultReportPartBytes);
}

TEST_F(ChargerProvisioningTest, ATooSmallReportPartIsRefusedByName) {
  config_.report_part_bytes = 100;
  auto c = Charger::Open(config_, link_, scheduler_);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("report_part_bytes"), std::string::npos)
      << c.status().message();
}

TEST_F(ChargerProvisioningTest, InstallListDeleteCertificates) {
  Boot("Pending");
  EXPECT_EQ(Call("GetInstalledCertificateIds", json::object())["status"], "NotFound");
  TestCa maker("Manufacturer Root");
  EXPECT_EQ(Call("InstallCertificate", {{"certificateType", "CSMSRootCertificate"},
                                        {"certificate", root_.pem()}})["status"],
            "Accepted");
  EXPECT_EQ(Call("InstallCertificate", {{"certificateType", "ManufacturerRootCertificate"},
                                        {"certificate", maker.pem()}})["status"],
            "Accepted");
  json leaf = Call("InstallCertificate",
                   {{"certificateType", "CSMSRootCertificate"},
                    {"certificate", issuing_.Issue(testing::NewKey().get(), "leaf")}});
  EXPECT_EQ(leaf["status"], "Rejected");
  EXPECT_EQ(GetVariable("SecurityCtrlr", "CertificateEntries")["attributeValue"], "2");
  json ids =
      Call("GetInstalledCertificateIds", {{"certificateType", {"ManufacturerRootCertificate"}}});
  ASSERT_EQ(ids["status"], "Accepted");
  ASSERT_EQ(ids["certificateHashDataChain"].size(), 1U);
  EXPECT_EQ(ids["certificateHashDataChain"][0]["certificateType"], "ManufacturerRootCertificate");
  json hash = ids["certificateHashDataChain"][0]["certificateHashData"];
  EXPECT_EQ(hash, HashDataOf(maker.pem(), "SHA256")->ToJson());
  EXPECT_EQ(
      Call("GetInstalledCertificateIds", {{"certificateType", {"V2GCertificateChain"}}})["status"],
      "NotFound");
  EXPECT_EQ(Call("DeleteCertificate", {{"certificateHashData", hash}})["status"], "Accepted");
  EXPECT_EQ(Call("DeleteCertificate", {{"certificateHashData", hash}})["status"], "NotFound");
  EXPECT_EQ(Call("GetInstalledCertificateIds", json::object())["certificateHashDataChain"].size(),
            1U);
}

TEST_F(ChargerProvisioningTest, SignCertificateCarriesACsrForTheSerial) {
  Boot("Pending");
  PrepareForCertificate();
  std::string csr = TriggerCsr();
  ASSERT_FALSE(csr.empty());
  EXPECT_EQ(link_.Of("SignCertificate").back()->payload["certificateType"],
            "ChargingStationCertificate");
  testing::CsrInfo info = testing::ReadCsr(csr);
  EXPECT_EQ(info.cn, "SN-0042");
  EXPECT_EQ(info.o, "Acme CPO");
  EXPECT_EQ(info.key_bits, 256);
  EXPECT_TRUE(info.signature_ok);
  // Each trigger makes a new key.
  std::string second = TriggerCsr();
  EXPECT_NE(*PublicKeyFingerprint(issuing_.IssueFromCsr(csr)),
            *PublicKeyFingerprint(issuing_.IssueFromCsr(second)));
}

TEST_F(ChargerProvisioningTest, CertificateSignedIsVerifiedBeforeItIsAccepted) {
  Boot("Pending");
  PrepareForCertificate();
  EXPECT_EQ(Signed(issuing_.pem())["statusInfo"]["reasonCode"], "NoPendingRequest");
  std::string csr = TriggerCsr();
  // Wrong CN.
  json r = Signed(issuing_.IssueFromCsr(csr, "SN-9999") + issuing_.pem());
  EXPECT_EQ(r["status"], "Rejected");
  EXPECT_NE(r["statusInfo"]["additionalInfo"].get<std::string>().find(
                "does not match the charger's serial"),
            std::string::npos);
  // Another key.
  r = Signed(issuing_.Issue(testing::NewKey().get(), "SN-0042") + issuing_.pem());
  EXPECT_EQ(r["status"], "Rejected");
  EXPECT_NE(r["statusInfo"]["additionalInfo"].get<std::string>().find("not the key"),
            std::string::npos);
  // A chain to a root the charger does not trust.
  TestCa stranger("Stranger Root");
  TestCa stranger_issuing("Stranger Issuing", stranger);
  r = Signed(stranger_issuing.IssueFromCsr(csr) + stranger_issuing.pem());
  EXPECT_EQ(r["status"], "Rejected");
  EXPECT_FALSE(charger_->station_certificate_chain().has_value());
  // The right one.
  std::string chain = issuing_.IssueFromCsr(csr) + issuing_.pem();
  EXPECT_EQ(Signed(chain)["status"], "Accepted");
  EXPECT_EQ(charger_->station_certificate_chain(), chain);
  // Survives a restart, and profile 3 then uses it.
  charger_.reset();
  Open();
  EXPECT_EQ(charger_->station_certificate_chain(), chain);
}

TEST_F(ChargerProvisioningTest, SetNetworkProfileRefusalsAndPlanAfterReset) {
  Boot("Pending");
  // Profile 2 without a CSMS root.
  json r = SetProfile(2, Profile(2, "wss://csms.staging.test/ocpp"));
  EXPECT_EQ(r["status"], "Rejected");
  EXPECT_EQ(r["statusInfo"]["reasonCode"], "NoCertificate");
  PrepareForCertificate();
  // Profile 3 without a station certificate.
  EXPECT_EQ(SetProfile(2, Profile(3, "wss://csms.staging.test/ocpp"))["statusInfo"]["reasonCode"],
            "NoCertificate");
  EXPECT_EQ(SetProfile(7, Profile(2, "wss://csms.staging.test/ocpp"))["statusInfo"]["reasonCode"],
            "InvalidConfSlot");
  EXPECT_EQ(SetProfile(2, Profile(2, "ws://csms.staging.test/ocpp"))["statusInfo"]["reasonCode"],
            "InvalidURL");
  EXPECT_EQ(SetProfile(2, Profile(2, "wss://csms.staging.test/ocpp"))["status"], "Accepted");
  EXPECT_EQ(SetProfile(3, Profile(2, "wss://validation.factory.test/ocpp"))["status"], "Accepted");
  ASSERT_EQ(SetVariable("OCPPCommCtrlr", "NetworkConfigurationPriority", "3,2")["attributeStatus"],
            "Accepted");
  ASSERT_EQ(
      SetVariable("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "2")["attributeStatus"],
      "Accepted");
  ASSERT_EQ(SetVariable("SecurityCtrlr", "Identity", "CP-DE-0042")["attributeStatus"], "Accepted");
  ASSERT_EQ(
      SetVariable("SecurityCtrlr", "BasicAuthPassword", "0123456789abcdefABCD")["attributeStatus"],
      "Accepted");
  Call("Reset", {{"type", "Immediate"}});
  scheduler_.Advance(config_.boot_delay);
  ASSERT_EQ(link_.opens.size(), 2U);
  EXPECT_EQ(link_.opens[1], (std::vector<ConnectionAttempt>{{3, 1}, {3, 2}, {2, 1}, {2, 2}}));
  ConnectionParams p = charger_->Connection(3);
  EXPECT_EQ(p.url, "wss://validation.factory.test/ocpp/CP-DE-0042");
  EXPECT_EQ(p.basic_auth_password, "0123456789abcdefABCD");
  EXPECT_EQ(p.trusted_roots_pem, std::vector<std::string>{root_.pem()});
  // Connected with profile 2: profile 1 is now a downgrade.
  charger_->OnConnected(3);
  link_.Answer(
      "BootNotification",
      {{"currentTime", "2026-11-24T02:00:00Z"}, {"interval", 300}, {"status", "Accepted"}});
  EXPECT_EQ(GetVariable("OCPPCommCtrlr", "ActiveNetworkProfile")["attributeValue"], "3");
  r = SetProfile(1, Profile(1, "ws://csms.staging.test/ocpp"));
  EXPECT_EQ(r["statusInfo"]["reasonCode"], "NoSecurityDowngrade");
}

TEST_F(ChargerProvisioningTest, IdevidFactoryConnectionDoesNotSetTheFloor) {
  config_.bootstrap_secret.clear();
  config_.idevid_cert_file = "/unit/idevid.pem";
  config_.idevid_key_file = "/unit/idevid.key";
  Boot("Pending");
  ConnectionParams p = charger_->Connection(1);
  EXPECT_EQ(p.security_profile, 3);
  EXPECT_EQ(p.client_cert_file, "/unit/idevid.pem");
  EXPECT_TRUE(p.basic_auth_password.empty());
  PrepareForCertificate();
  EXPECT_EQ(SetProfile(2, Profile(2, "wss://csms.staging.test/ocpp"))["status"], "Accepted");
}

}  // namespace
}  // namespace evprov::sim

namespace evprov::sim {
namespace {

// The device_model templates of the example variants (catalog branch,
// examples/catalog/variants/{wallbox-ac22,dc150}.yaml, placeholders filled):
// every variable they set exists and is accepted, except the one OCPP defines
// read-only.
TEST_F(ChargerProvisioningTest, ExampleVariantTemplatesApply) {
  Boot("Pending");
  struct Setting {
    const char* component;
    int evse;
    const char* variable;
    const char* attribute;
    const char* value;
    const char* expect;
  } settings[] = {
      {"OCPPCommCtrlr", 0, "HeartbeatInterval", "Actual", "120", "Accepted"},
      {"OCPPCommCtrlr", 0, "NetworkProfileConnectionAttempts", "Actual", "3", "Accepted"},
      {"SecurityCtrlr", 0, "OrganizationName", "Actual", "Example CPO B.V.", "Accepted"},
      {"ClockCtrlr", 0, "TimeSource", "Actual", "NTP,Heartbeat", "Accepted"},
      {"ClockCtrlr", 0, "NtpServerUri", "Actual", "ntp1.staging.example.net", "Accepted"},
      {"ClockCtrlr", 0, "TimeZone", "Actual", "Europe/Amsterdam", "Accepted"},
      {"TxCtrlr", 0, "EVConnectionTimeOut", "Actual", "60", "Accepted"},
      {"TxCtrlr", 0, "StopTxOnEVSideDisconnect", "Actual", "true", "Accepted"},
      {"TxCtrlr", 0, "TxStartPoint", "Actual", "Authorized,EVConnected", "Accepted"},
      {"AuthCtrlr", 0, "LocalAuthorizeOffline", "Actual", "false", "Accepted"},
      {"SmartChargingCtrlr", 0, "Enabled", "Actual", "true", "Accepted"},
      {"SmartChargingCtrlr", 0, "PeriodsPerSchedule", "Actual", "24", "Rejected"},
      {"EVSE", 1, "Power", "MaxSet", "150000", "Accepted"},
      {"EVSE", 2, "Power", "MaxSet", "150000", "Accepted"},
      {"VendorCtrlr", 0, "LogLevel", "Actual", "warn", "Accepted"},
      {"VendorCtrlr", 0, "SerialNumber", "Actual", "DC202611000001", "Accepted"},
  };
  json data = json::array();
  for (const auto& s : settings) {
    json component = {{"name", s.component}};
    if (s.evse != 0) component["evse"] = {{"id", s.evse}};
    data.push_back({{"component", component},
                    {"variable", {{"name", s.variable}}},
                    {"attributeType", s.attribute},
                    {"attributeValue", s.value}});
  }
  json r = Call("SetVariables", {{"setVariableData", data}});
  ASSERT_EQ(r["setVariableResult"].size(), std::size(settings));
  for (std::size_t i = 0; i < std::size(settings); ++i) {
    EXPECT_EQ(r["setVariableResult"][i]["attributeStatus"], settings[i].expect)
        << settings[i].component << "." << settings[i].variable;
  }
}

}  // namespace
}  // namespace evprov::sim

namespace evprov::sim {
namespace {

// A02: without a CertificateSigned the CSR is repeated after
// CertSigningWaitMinimum, doubling the wait, CertSigningRepeatTimes times.
TEST_F(ChargerProvisioningTest, SignCertificateIsRepeatedUntilSigned) {
  Boot("Pending");
  PrepareForCertificate();
  ASSERT_EQ(SetVariable("SecurityCtrlr", "CertSigningWaitMinimum", "10")["attributeStatus"],
            "Accepted");
  ASSERT_EQ(SetVariable("SecurityCtrlr", "CertSigningRepeatTimes", "2")["attributeStatus"],
            "Accepted");
  std::string csr = TriggerCsr();
  scheduler_.Advance(std::chrono::seconds(10));
  EXPECT_EQ(link_.Of("SignCertificate").size(), 2U);
  scheduler_.Advance(std::chrono::seconds(19));
  EXPECT_EQ(link_.Of("SignCertificate").size(), 2U);
  scheduler_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(link_.Of("SignCertificate").size(), 3U);
  scheduler_.Advance(std::chrono::seconds(100));
  EXPECT_EQ(link_.Of("SignCertificate").size(), 3U) << "no more than CertSigningRepeatTimes";
  // The repeats carry the same key: a certificate for the first CSR is accepted.
  EXPECT_EQ(Signed(issuing_.IssueFromCsr(csr) + issuing_.pem())["status"], "Accepted");
}

TEST_F(ChargerProvisioningTest, SignCertificateRepeatsStopOnceSigned) {
  Boot("Pending");
  PrepareForCertificate();
  std::string csr = TriggerCsr();
  EXPECT_EQ(Signed(issuing_.IssueFromCsr(csr) + issuing_.pem())["status"], "Accepted");
  scheduler_.Advance(std::chrono::seconds(3600));
  EXPECT_EQ(link_.Of("SignCertificate").size(), 1U);
}

}  // namespace
}  // namespace evprov::sim
