// The pipeline's pure parts: the transition table, the checks of what a
// charger reports against its variant, and the percentiles of the progress.
#include "pipeline/checks.h"

#include <gtest/gtest.h>

#include "pipeline/progress.h"
#include "pipeline/steps.h"

namespace evprov::pipeline {
namespace {

using nlohmann::json;

catalog::Variant TwoByTwo() {
  catalog::Variant v;
  v.name = "dc";
  v.vendor_name = "ACME";
  v.model = "DC-1";
  v.firmware.version = "1.2.3";
  for (int e = 1; e <= 2; ++e) {
    catalog::Evse evse;
    evse.id = e;
    for (int c = 1; c <= 2; ++c) {
      catalog::Connector conn;
      conn.id = c;
      conn.type = c == 1 ? "cCCS2" : "cType2";
      evse.connectors.push_back(conn);
    }
    v.evses.push_back(evse);
  }
  return v;
}

json Entry(const std::string& component, int evse, int connector, const std::string& variable,
           const std::string& value) {
  json c = {{"name", component}};
  if (evse > 0) {
    c["evse"] = {{"id", evse}};
    if (connector > 0) c["evse"]["connectorId"] = connector;
  }
  return {{"component", c},
          {"variable", {{"name", variable}}},
          {"variableAttribute", json::array({{{"type", "Actual"}, {"value", value}}})}};
}

std::vector<json> ReportOf(const catalog::Variant& v) {
  std::vector<json> out = {Entry("Controller", 0, 0, "HardwareRevision", "B1")};
  for (const auto& evse : v.evses) {
    out.push_back(Entry("EVSE", evse.id, 0, "Power", "0"));
    for (const auto& c : evse.connectors) {
      out.push_back(Entry("Connector", evse.id, c.id, "ConnectorType", c.type));
      out.push_back(Entry("Connector", evse.id, c.id, "SupplyPhases", "3"));
    }
  }
  return out;
}

TEST(TransitionTable, IsTheJourneyInOrderAndEndsInFinalize) {
  const auto& table = TransitionTable();
  ASSERT_EQ(table.size(), StepNames().size());
  EXPECT_EQ(StepNames().front(), "admit");
  EXPECT_EQ(StepNames().back(), "finalize");
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].step), i);
    EXPECT_EQ(ParseStep(table[i].name), table[i].step);
    if (i + 1 < table.size()) {
      ASSERT_TRUE(table[i].next.has_value()) << table[i].name;
      EXPECT_EQ(*table[i].next, table[i + 1].step);
    } else {
      EXPECT_FALSE(table[i].next.has_value());
    }
  }
  EXPECT_EQ(TransitionOf(StepId::kValidate).endpoint, StepEndpoint::kValidation);
  EXPECT_EQ(TransitionOf(StepId::kIdentify).endpoint, StepEndpoint::kFactory);
  EXPECT_FALSE(ParseStep("nonsense").has_value());
}

TEST(TransitionTable, OnlyConnectionTroubleIsTransient) {
  EXPECT_TRUE(IsTransient(Status::Unavailable("x")));
  EXPECT_TRUE(IsTransient(Status::DeadlineExceeded("x")));
  EXPECT_FALSE(IsTransient(Status::FailedPrecondition("x")));
  EXPECT_FALSE(IsTransient(Status::InvalidArgument("x")));
}

TEST(Checks, LayoutFromTheReportMatchesItsVariant) {
  catalog::Variant v = TwoByTwo();
  auto layout = LayoutFromReport(ReportOf(v));
  ASSERT_EQ(layout.size(), 2u);
  EXPECT_EQ(layout[1].connectors[1].type, "cType2");
  EXPECT_TRUE(CompareLayout(v.evses, layout).ok());
  EXPECT_EQ(ReportValue(ReportOf(v), "Controller", "HardwareRevision"), "B1");
}

TEST(Checks, LayoutDifferencesAreNamed) {
  catalog::Variant v = TwoByTwo();
  catalog::Variant more = v;
  catalog::Connector extra = more.evses[1].connectors[1];
  extra.id = 3;
  more.evses[1].connectors.push_back(extra);
  Status s = CompareLayout(v.evses, LayoutFromReport(ReportOf(more)));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("EVSE 2 has 3 connectors"), std::string::npos) << s.message();

  catalog::Variant typed = v;
  typed.evses[0].connectors[0].type = "cCHAdeMO";
  s = CompareLayout(v.evses, LayoutFromReport(ReportOf(typed)));
  EXPECT_NE(s.message().find("cCHAdeMO"), std::string::npos) << s.message();

  catalog::Variant fewer = v;
  fewer.evses.pop_back();
  s = CompareLayout(v.evses, LayoutFromReport(ReportOf(fewer)));
  EXPECT_NE(s.message().find("1 EVSEs"), std::string::npos) << s.message();
}

TEST(Checks, BootMustMatchVendorModelAndPinnedFirmware) {
  catalog::Variant v = TwoByTwo();
  json boot = {{"reason", "PowerUp"},
               {"chargingStation",
                {{"vendorName", "ACME"}, {"model", "DC-1"}, {"firmwareVersion", "1.2.3"}}}};
  EXPECT_TRUE(CheckBoot(v, boot).ok());
  EXPECT_TRUE(CheckFirmware(v, boot).ok());
  boot["chargingStation"]["model"] = "DC-2";
  Status s = CheckBoot(v, boot);
  EXPECT_NE(s.message().find("chargingStation.model is 'DC-2'"), std::string::npos) << s.message();
  boot["chargingStation"]["firmwareVersion"] = "1.2.2";
  s = CheckFirmware(v, boot);
  EXPECT_NE(s.message().find("firmware: the unit runs '1.2.2'"), std::string::npos) << s.message();
}

TEST(Checks, SetVariablesResultNamesTheRefusedVariable) {
  std::vector<catalog::VariableSetting> items = {
      Setting("OCPPCommCtrlr", "HeartbeatInterval", "300"),
      Setting("SecurityCtrlr", "OrganizationName", "X")};
  items[1].evse = 1;
  json request = SetVariablesRequest(items);
  ASSERT_EQ(request["setVariableData"].size(), 2u);
  EXPECT_EQ(request["setVariableData"][1]["component"]["evse"]["id"], 1);
  json ok = {{"setVariableResult",
              json::array({{{"attributeStatus", "Accepted"}}, {{"attributeStatus", "Accepted"}}})}};
  EXPECT_TRUE(CheckSetVariablesResult("configure", items, ok).ok());
  json refused = {{"setVariableResult",
                   json::array({{{"attributeStatus", "Rejected"},
                                 {"attributeStatusInfo", {{"reasonCode", "FaultInjected"}}}},
                                {{"attributeStatus", "Accepted"}}})}};
  Status s = CheckSetVariablesResult("configure", items, refused);
  EXPECT_EQ(s.message(),
            "configure: SetVariables OCPPCommCtrlr.HeartbeatInterval was Rejected (FaultInjected)");
  EXPECT_FALSE(CheckSetVariablesResult("configure", items, json::object()).ok());
}

TEST(Checks, SnapshotKeysAreReadableAndOmitUnreportedValues) {
  std::vector<json> entries = ReportOf(TwoByTwo());
  json write_only = {{"component", {{"name", "SecurityCtrlr"}}},
                     {"variable", {{"name", "BasicAuthPassword"}}},
                     {"variableAttribute", json::array({{{"type", "Actual"}}})}};
  entries.push_back(write_only);
  json snap = SnapshotOf(entries);
  EXPECT_EQ(snap["Connector[2.1].ConnectorType"]["Actual"], "cCCS2");
  EXPECT_EQ(snap["Controller.HardwareRevision"]["Actual"], "B1");
  EXPECT_FALSE(snap.contains("SecurityCtrlr.BasicAuthPassword"));
}

TEST(Progress, PercentilesByNearestRank) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(Percentile(v, 0.5), 50);
  EXPECT_EQ(Percentile(v, 0.95), 95);
  EXPECT_EQ(Percentile(v, 0.99), 99);
  EXPECT_EQ(Percentile({}, 0.5), 0);
  ProgressTracker t;
  t.UnitState(1, "provisioning", "configure");
  t.UnitState(2, "ready", "finalize");
  t.StepDone("configure", std::chrono::milliseconds(12));
  t.StepFailed("configure", true);
  Progress p = t.Snapshot(3);
  EXPECT_EQ(p.units_by_state["ready"], 1);
  EXPECT_EQ(p.units_by_step["configure"], 1);
  EXPECT_EQ(p.steps["configure"].done, 1);
  EXPECT_EQ(p.steps["configure"].retried, 1);
  EXPECT_EQ(p.steps["configure"].p50_ms, 12);
  EXPECT_EQ(p.connections, 3);
}

}  // namespace
}  // namespace evprov::pipeline
