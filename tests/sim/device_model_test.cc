// The device model alone: layout expansion, get/set statuses, report entries,
// persistence of written values, per-unit size.
#include "evprov/sim/device_model.h"

#include <gtest/gtest.h>

#include "sim/sim_testing.h"

namespace evprov::sim {
namespace {

using nlohmann::json;

class DeviceModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto schema = DeviceModelSchema::Build(testing::TwoByTwoLayout());
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    schema_ = *schema;
    StationFacts facts{"Acme", "DC-150", "SN-1", "1.4.2", "B2", "HW-1", testing::TwoByTwoLayout()};
    model_ = std::make_unique<DeviceModel>(schema_, facts);
  }
  static VariableAddress Addr(std::string component, std::string variable, int evse = 0,
                              int connector = 0) {
    VariableAddress a;
    a.component = std::move(component);
    a.variable = std::move(variable);
    a.evse = evse;
    a.connector = connector;
    return a;
  }
  std::shared_ptr<const DeviceModelSchema> schema_;
  std::unique_ptr<DeviceModel> model_;
};

TEST_F(DeviceModelTest, ComponentsFollowTheLayout) {
  EXPECT_TRUE(schema_->HasComponent(Addr("EVSE", "", 2)));
  EXPECT_FALSE(schema_->HasComponent(Addr("EVSE", "", 3)));
  EXPECT_TRUE(schema_->HasComponent(Addr("Connector", "", 2, 2)));
  EXPECT_FALSE(schema_->HasComponent(Addr("Connector", "", 2, 3)));
  EXPECT_FALSE(schema_->HasComponent(Addr("Connector", "", 0, 0)));
  auto type = model_->Resolve(Addr("Connector", "ConnectorType", 1, 2), AttributeType::kActual);
  ASSERT_EQ(type.status, AttributeStatus::kAccepted);
  EXPECT_EQ(model_->value(type.value), "cType2");
  auto power = model_->Resolve(Addr("EVSE", "Power", 1), AttributeType::kMaxSet);
  ASSERT_EQ(power.status, AttributeStatus::kAccepted);
  EXPECT_EQ(model_->value(power.value), "75000");
  EXPECT_EQ(model_->Get("ChargingStation", "Model"), "DC-150");
  EXPECT_EQ(model_->Get("SecurityCtrlr", "Identity"), "HW-1");
}

TEST_F(DeviceModelTest, SetStatuses) {
  auto status = [&](VariableAddress a, AttributeType t, std::string v) {
    return model_->CheckSet(a, t, v).status;
  };
  using S = AttributeStatus;
  using T = AttributeType;
  EXPECT_EQ(status(Addr("OCPPCommCtrlr", "HeartbeatInterval"), T::kActual, "60"), S::kAccepted);
  EXPECT_EQ(status(Addr("NoSuchCtrlr", "HeartbeatInterval"), T::kActual, "60"),
            S::kUnknownComponent);
  EXPECT_EQ(status(Addr("OCPPCommCtrlr", "NoSuchVariable"), T::kActual, "60"), S::kUnknownVariable);
  EXPECT_EQ(status(Addr("OCPPCommCtrlr", "HeartbeatInterval"), T::kMaxSet, "60"),
            S::kNotSupportedAttributeType);
  EXPECT_EQ(status(Addr("SecurityCtrlr", "SecurityProfile"), T::kActual, "3"), S::kRejected);
  EXPECT_EQ(model_->CheckSet(Addr("SecurityCtrlr", "SecurityProfile"), T::kActual, "3").reason_code,
            "ReadOnly");
  EXPECT_EQ(status(Addr("EVSE", "Power", 1), T::kMaxSet, "11000"), S::kAccepted);
  EXPECT_EQ(status(Addr("EVSE", "Power", 1), T::kActual, "11000"), S::kRejected);
  // Data types, limits and lists.
  auto why = [&](VariableAddress a, std::string v) {
    return model_->CheckSet(a, T::kActual, v).message;
  };
  EXPECT_NE(why(Addr("OCPPCommCtrlr", "HeartbeatInterval"), "often").find("not an integer"),
            std::string::npos);
  EXPECT_NE(why(Addr("OCPPCommCtrlr", "HeartbeatInterval"), "0").find("below the minimum"),
            std::string::npos);
  EXPECT_NE(why(Addr("AuthCtrlr", "Enabled"), "yes").find("not true or false"), std::string::npos);
  EXPECT_NE(why(Addr("VendorCtrlr", "LogLevel"), "trace").find("not one of"), std::string::npos);
  EXPECT_EQ(why(Addr("TxCtrlr", "TxStopPoint"), "EVConnected,Authorized"), "");
  EXPECT_NE(why(Addr("TxCtrlr", "TxStopPoint"), "EVConnected,EVConnected").find("twice"),
            std::string::npos);
  EXPECT_NE(why(Addr("SecurityCtrlr", "BasicAuthPassword"), "short").find("shorter than 16"),
            std::string::npos);
  EXPECT_NE(why(Addr("VendorCtrlr", "SerialNumber"), std::string(26, 'S')).find("longer than 25"),
            std::string::npos);
}

TEST_F(DeviceModelTest, WriteOnlyIsNeverReadNorReported) {
  auto set = model_->CheckSet(Addr("SecurityCtrlr", "BasicAuthPassword"), AttributeType::kActual,
                              "0123456789abcdefXYZ");
  ASSERT_EQ(set.status, AttributeStatus::kAccepted);
  model_->Write(set.value, "0123456789abcdefXYZ");
  auto get = model_->CheckGet(Addr("SecurityCtrlr", "BasicAuthPassword"), AttributeType::kActual);
  EXPECT_EQ(get.status, AttributeStatus::kRejected);
  EXPECT_EQ(get.reason_code, "WriteOnly");
  bool found = false;
  for (const json& entry : model_->ReportData(DeviceModel::ReportBase::kFullInventory)) {
    if (entry["variable"]["name"] == "BasicAuthPassword") {
      found = true;
      EXPECT_EQ(entry["variableAttribute"][0]["mutability"], "WriteOnly");
      EXPECT_FALSE(entry["variableAttribute"][0].contains("value"));
    }
    testing::ExpectSchemaValid("NotifyReport", ocpp::MessageKind::kRequest,
                               json{{"requestId", 1},
                                    {"generatedAt", "2026-11-24T02:00:00Z"},
                                    {"seqNo", 0},
                                    {"reportData", json::array({entry})}});
  }
  EXPECT_TRUE(found);
  json report = model_->ReportData(DeviceModel::ReportBase::kFullInventory);
  EXPECT_EQ(report.dump().find("XYZ"), std::string::npos);
}

TEST_F(DeviceModelTest, ReportTextIsTheTextOfTheReportDataByteForByte) {
  // Values that need escaping, and a write-only one that must stay out.
  auto identity = model_->Resolve(Addr("SecurityCtrlr", "Identity"), AttributeType::kActual);
  ASSERT_EQ(identity.status, AttributeStatus::kAccepted);
  model_->Write(identity.value, "q\"b\\ caf\xc3\xa9 \x01 bad\xff");
  auto password =
      model_->Resolve(Addr("SecurityCtrlr", "BasicAuthPassword"), AttributeType::kActual);
  ASSERT_EQ(password.status, AttributeStatus::kAccepted);
  model_->Write(password.value, "0123456789abcdefXYZ");
  for (auto base : {DeviceModel::ReportBase::kFullInventory,
                    DeviceModel::ReportBase::kConfigurationInventory}) {
    const std::vector<std::size_t> items = model_->ReportItems(base);
    const std::vector<json> tree = model_->ReportData(base);
    ASSERT_EQ(items.size(), tree.size());
    ASSERT_FALSE(items.empty());
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string text;
      model_->AppendReportEntry(text, items[i]);
      EXPECT_EQ(text, tree[i].dump(-1, ' ', false, json::error_handler_t::replace));
      EXPECT_EQ(text.find("XYZ"), std::string::npos);
    }
  }
}

TEST_F(DeviceModelTest, ConfigurationInventoryHoldsOnlyWritableVariables) {
  auto full = model_->ReportData(DeviceModel::ReportBase::kFullInventory);
  auto config = model_->ReportData(DeviceModel::ReportBase::kConfigurationInventory);
  EXPECT_EQ(full.size(), schema_->items().size());
  EXPECT_LT(config.size(), full.size());
  for (const json& entry : config) {
    bool writable = false;
    for (const json& a : entry["variableAttribute"]) writable |= a["mutability"] != "ReadOnly";
    EXPECT_TRUE(writable) << entry.dump();
  }
}

TEST_F(DeviceModelTest, OnlyWrittenValuesPersistAndTheyRoundTrip) {
  EXPECT_TRUE(model_->WrittenValues().empty());
  model_->Set("OCPPCommCtrlr", "HeartbeatInterval", "45");
  auto power = model_->Resolve(Addr("EVSE", "Power", 2), AttributeType::kMaxSet);
  model_->Write(power.value, "22000");
  json saved = model_->WrittenValues();
  EXPECT_EQ(saved,
            (json{{"OCPPCommCtrlr/HeartbeatInterval", "45"}, {"EVSE@2/Power#MaxSet", "22000"}}));
  StationFacts facts{"Acme", "DC-150", "SN-1", "1.4.2", "B2", "HW-1", testing::TwoByTwoLayout()};
  DeviceModel again(schema_, facts);
  saved["Gone/Variable"] = "x";
  EXPECT_EQ(again.LoadWrittenValues(saved), std::vector<std::string>{"Gone/Variable"});
  EXPECT_EQ(again.Get("OCPPCommCtrlr", "HeartbeatInterval"), "45");
  EXPECT_EQ(again.value(power.value), "22000");
}

TEST_F(DeviceModelTest, SchemaIsSharedAndPerUnitValuesAreSmall) {
  // The fleet budget is 100 KiB per unit; the device model must be a small part of it.
  EXPECT_LT(model_->ApproximateBytes(), 16 * 1024U) << model_->ApproximateBytes();
  EXPECT_EQ(&model_->schema(), schema_.get());
}

TEST_F(DeviceModelTest, DuplicateDefinitionsAreRefused) {
  std::vector<VariableDef> defs = StandardVariables();
  defs.push_back(defs.front());
  auto schema = DeviceModelSchema::Build(testing::TwoByTwoLayout(), defs);
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("defined twice"), std::string::npos);
}

}  // namespace
}  // namespace evprov::sim
