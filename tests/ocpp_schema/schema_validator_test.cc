// SchemaValidator against the embedded official OCPP schemas: every schema
// parses, valid payloads pass, each rule class fails with its OCPP-J code and a
// description naming the JSON path, unknown actions, concurrent use.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "evprov/ocpp/schema.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;

json Boot() {
  return json::parse(R"({"reason": "PowerUp",
    "chargingStation": {"model": "AC-22", "vendorName": "Acme", "serialNumber": "SN-0001",
                        "firmwareVersion": "1.0.0", "modem": {"iccid": "8944", "imsi": "2620"}}})");
}

class SchemaValidatorTest : public ::testing::Test {
 protected:
  const SchemaValidator& v_ = SchemaValidator::Shared(OcppVersion::kV201);

  RpcError Fails(std::string_view action, MessageKind kind, const json& payload) {
    auto error = v_.Validate(action, kind, payload);
    EXPECT_TRUE(error.has_value()) << payload.dump();
    return error.value_or(RpcError{});
  }
};

TEST_F(SchemaValidatorTest, EveryOfficialSchemaOfBothVersionsParses) {
  for (OcppVersion version : {OcppVersion::kV201, OcppVersion::kV16}) {
    auto created = SchemaValidator::Create(version);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    const auto actions = (*created)->Actions();
    // 2.0.1 has 64 actions, 1.6 (with the security whitepaper) 39.
    EXPECT_EQ(actions.size(), version == OcppVersion::kV201 ? 64U : 39U);
    for (const auto& action : actions) {
      EXPECT_TRUE((*created)->HasSchema(action, MessageKind::kResponse)) << action;
      EXPECT_TRUE(SchemaText(version, action, MessageKind::kRequest).has_value()) << action;
    }
  }
}

TEST_F(SchemaValidatorTest, EmbeddedTextIsTheOfficialFile) {
  auto text = SchemaText(OcppVersion::kV201, "BootNotification", MessageKind::kRequest);
  ASSERT_TRUE(text.has_value());
  const json schema = json::parse(*text);
  EXPECT_EQ(schema["$id"], "urn:OCPP:Cp:2:2020:3:BootNotificationRequest");
  EXPECT_FALSE(SchemaText(OcppVersion::kV201, "NoSuchAction", MessageKind::kRequest));
  EXPECT_TRUE(SchemaText(OcppVersion::kV16, "ExtendedTriggerMessage", MessageKind::kResponse));
}

TEST_F(SchemaValidatorTest, ValidPayloadsPass) {
  EXPECT_FALSE(v_.Validate("BootNotification", MessageKind::kRequest, Boot()));
  EXPECT_FALSE(v_.Validate(
      "BootNotification", MessageKind::kResponse,
      json{{"currentTime", "2026-11-24T02:05:01Z"}, {"interval", 300}, {"status", "Pending"}}));
  EXPECT_FALSE(v_.Validate("Heartbeat", MessageKind::kRequest, json::object()));
  EXPECT_FALSE(
      v_.Validate("SetVariables", MessageKind::kRequest,
                  json::parse(R"({"setVariableData": [{"attributeValue": "x", "component": {"name":
      "SecurityCtrlr"}, "variable": {"name": "Identity"}}]})")));
  // customData may carry vendor properties (no additionalProperties: false there).
  json boot = Boot();
  boot["customData"] = {{"vendorId", "com.acme"}, {"line", 4}};
  EXPECT_FALSE(v_.Validate("BootNotification", MessageKind::kRequest, boot));
  // OCPP 1.6 too.
  EXPECT_FALSE(SchemaValidator::Shared(OcppVersion::kV16)
                   .Validate("BootNotification", MessageKind::kRequest,
                             json{{"chargePointVendor", "Acme"}, {"chargePointModel", "AC"}}));
}

TEST_F(SchemaValidatorTest, MissingRequiredPropertyIsOccurrenceViolationNamingThePath) {
  json boot = Boot();
  boot["chargingStation"].erase("vendorName");
  const RpcError e = Fails("BootNotification", MessageKind::kRequest, boot);
  EXPECT_EQ(e.code, RpcErrorCode::kOccurrenceConstraintViolation);
  EXPECT_EQ(e.description, "chargingStation.vendorName: Required property is missing");

  const RpcError root = Fails("BootNotification", MessageKind::kRequest,
                              json{{"chargingStation", Boot()["chargingStation"]}});
  EXPECT_EQ(root.code, RpcErrorCode::kOccurrenceConstraintViolation);
  EXPECT_EQ(root.description, "reason: Required property is missing");
}

TEST_F(SchemaValidatorTest, TooLongStringIsPropertyViolation) {
  json boot = Boot();
  boot["chargingStation"]["model"] = std::string(21, 'M');
  const RpcError e = Fails("BootNotification", MessageKind::kRequest, boot);
  EXPECT_EQ(e.code, RpcErrorCode::kPropertyConstraintViolation);
  EXPECT_EQ(e.description,
            "chargingStation.model: String should be no more than 20 characters in length");
  boot["chargingStation"]["model"] = std::string(20, 'M');  // the boundary is valid
  EXPECT_FALSE(v_.Validate("BootNotification", MessageKind::kRequest, boot));
}

TEST_F(SchemaValidatorTest, WrongTypeIsTypeViolation) {
  json boot = Boot();
  boot["chargingStation"]["modem"]["imsi"] = 2620;
  const RpcError e = Fails("BootNotification", MessageKind::kRequest, boot);
  EXPECT_EQ(e.code, RpcErrorCode::kTypeConstraintViolation);
  EXPECT_EQ(e.description,
            "chargingStation.modem.imsi: Value type not permitted by 'type' constraint");

  const RpcError not_object = Fails("BootNotification", MessageKind::kRequest, json::array());
  EXPECT_EQ(not_object.code, RpcErrorCode::kTypeConstraintViolation);
  EXPECT_TRUE(not_object.description.starts_with("(payload): ")) << not_object.description;

  // 1.5 is not an integer.
  const RpcError fraction = Fails(
      "BootNotification", MessageKind::kResponse,
      json{{"currentTime", "2026-11-24T02:05:01Z"}, {"interval", 1.5}, {"status", "Accepted"}});
  EXPECT_EQ(fraction.code, RpcErrorCode::kTypeConstraintViolation);
  EXPECT_TRUE(fraction.description.starts_with("interval: ")) << fraction.description;
}

TEST_F(SchemaValidatorTest, UnknownEnumValueIsPropertyViolation) {
  json boot = Boot();
  boot["reason"] = "Bored";
  const RpcError e = Fails("BootNotification", MessageKind::kRequest, boot);
  EXPECT_EQ(e.code, RpcErrorCode::kPropertyConstraintViolation);
  EXPECT_EQ(e.description, "reason: Failed to match against any enum values");
}

TEST_F(SchemaValidatorTest, AdditionalPropertyIsPropertyViolationNamingIt) {
  json boot = Boot();
  boot["chargingStation"]["colour"] = "red";
  const RpcError e = Fails("BootNotification", MessageKind::kRequest, boot);
  EXPECT_EQ(e.code, RpcErrorCode::kPropertyConstraintViolation);
  EXPECT_EQ(e.description, "chargingStation.colour: Property is not allowed by the schema");
}

TEST_F(SchemaValidatorTest, ArrayPathsUseIndexesAndItemCountsAreOccurrence) {
  const json request = json::parse(R"({"setVariableData": [
      {"attributeValue": "a", "component": {"name": "C"}, "variable": {"name": "V"}},
      {"attributeValue": "b", "component": {"name": "C"}, "variable": {"name": 7}}]})");
  const RpcError e = Fails("SetVariables", MessageKind::kRequest, request);
  EXPECT_EQ(e.code, RpcErrorCode::kTypeConstraintViolation);
  EXPECT_EQ(e.description,
            "setVariableData[1].variable.name: Value type not permitted by 'type' constraint");

  const RpcError empty =
      Fails("SetVariables", MessageKind::kRequest, json{{"setVariableData", json::array()}});
  EXPECT_EQ(empty.code, RpcErrorCode::kOccurrenceConstraintViolation);
  EXPECT_TRUE(empty.description.starts_with("setVariableData: ")) << empty.description;
}

TEST_F(SchemaValidatorTest, MinimumAndMaximumArePropertyViolations) {
  // dcChargingParameters.stateOfCharge: integer, minimum 0, maximum 100.
  auto needs = [](int soc) {
    json request = json::parse(R"({"evseId": 1, "chargingNeeds": {"requestedEnergyTransfer":
      "DC", "dcChargingParameters": {"evMaxCurrent": 200, "evMaxVoltage": 800}}})");
    request["chargingNeeds"]["dcChargingParameters"]["stateOfCharge"] = soc;
    return request;
  };
  EXPECT_FALSE(v_.Validate("NotifyEVChargingNeeds", MessageKind::kRequest, needs(100)));
  const RpcError high = Fails("NotifyEVChargingNeeds", MessageKind::kRequest, needs(101));
  EXPECT_EQ(high.code, RpcErrorCode::kPropertyConstraintViolation);
  EXPECT_EQ(high.description,
            "chargingNeeds.dcChargingParameters.stateOfCharge: "
            "Expected number less than or equal to 100.000000");
  const RpcError low = Fails("NotifyEVChargingNeeds", MessageKind::kRequest, needs(-1));
  EXPECT_EQ(low.code, RpcErrorCode::kPropertyConstraintViolation);
  EXPECT_TRUE(
      low.description.starts_with("chargingNeeds.dcChargingParameters.stateOfCharge: "
                                  "Expected number greater than"))
      << low.description;
}

TEST_F(SchemaValidatorTest, DateTimeIsCheckedAsRfc3339) {
  auto response = [](std::string time) {
    return json{{"currentTime", std::move(time)}, {"interval", 300}, {"status", "Accepted"}};
  };
  for (const char* ok : {"2026-11-24T02:05:01Z", "2026-11-24t02:05:01.123z",
                         "2026-11-24 02:05:01+01:00", "2024-02-29T23:59:60-05:30"}) {
    EXPECT_FALSE(v_.Validate("BootNotification", MessageKind::kResponse, response(ok))) << ok;
  }
  for (const char* bad : {"2026-11-24T02:05:01", "2026-11-24T02:05:01+0100", "2025-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T02:05:60Z",
                          "2026-11-24T02:05:01.Z", "tomorrow", "2026-11-24X02:05:01Z"}) {
    const RpcError e = Fails("BootNotification", MessageKind::kResponse, response(bad));
    EXPECT_EQ(e.code, RpcErrorCode::kPropertyConstraintViolation) << bad;
    EXPECT_EQ(e.description, "currentTime: String should be a valid RFC 3339 date-time") << bad;
  }
}

TEST_F(SchemaValidatorTest, UnknownActions) {
  const RpcError request = Fails("MakeCoffee", MessageKind::kRequest, json::object());
  EXPECT_EQ(request.code, RpcErrorCode::kNotImplemented);
  EXPECT_EQ(request.description, "Unknown action 'MakeCoffee' for OCPP 2.0.1");
  const RpcError response = Fails("MakeCoffee", MessageKind::kResponse, json::object());
  EXPECT_EQ(response.code, RpcErrorCode::kProtocolError);
  // A 1.6-only action is unknown to 2.0.1 and the reverse.
  EXPECT_EQ(Fails("ChangeConfiguration", MessageKind::kRequest, json::object()).code,
            RpcErrorCode::kNotImplemented);
  EXPECT_TRUE(SchemaValidator::Shared(OcppVersion::kV16)
                  .Validate("SetVariables", MessageKind::kRequest, json::object()));
  // The echoed action is bounded.
  const RpcError huge = Fails(std::string(5000, 'A'), MessageKind::kRequest, json::object());
  EXPECT_LT(huge.description.size(), 120U);
}

TEST_F(SchemaValidatorTest, DescriptionsNeverQuoteValues) {
  json request = json::parse(R"({"setVariableData": [{"attributeValue": "", "component":
      {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"}}]})");
  const std::string secret = "s3cr3t-" + std::string(1000, 'p');  // over maxLength 1000
  request["setVariableData"][0]["attributeValue"] = secret;
  const RpcError e = Fails("SetVariables", MessageKind::kRequest, request);
  EXPECT_EQ(e.code, RpcErrorCode::kPropertyConstraintViolation);
  EXPECT_EQ(e.description.find("s3cr3t"), std::string::npos) << e.description;
  EXPECT_TRUE(e.description.starts_with("setVariableData[0].attributeValue: ")) << e.description;
}

TEST_F(SchemaValidatorTest, KeywordTable) {
  EXPECT_EQ(RpcErrorCodeForSchemaKeyword("required"), RpcErrorCode::kOccurrenceConstraintViolation);
  EXPECT_EQ(RpcErrorCodeForSchemaKeyword("maxItems"), RpcErrorCode::kOccurrenceConstraintViolation);
  EXPECT_EQ(RpcErrorCodeForSchemaKeyword("type"), RpcErrorCode::kTypeConstraintViolation);
  for (const char* k :
       {"maxLength", "enum", "pattern", "minimum", "maximum", "format", "additionalProperties"}) {
    EXPECT_EQ(RpcErrorCodeForSchemaKeyword(k), RpcErrorCode::kPropertyConstraintViolation) << k;
  }
  EXPECT_EQ(RpcErrorCodeForSchemaKeyword("somethingNew"), RpcErrorCode::kFormatViolation);
}

TEST_F(SchemaValidatorTest, ConcurrentValidationGivesTheSameAnswers) {
  json too_long = Boot();
  too_long["chargingStation"]["model"] = std::string(21, 'M');
  constexpr int kThreads = 4;
  constexpr int kRounds = 500;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        if (v_.Validate("BootNotification", MessageKind::kRequest, Boot())) ++wrong;
        auto e = v_.Validate("BootNotification", MessageKind::kRequest, too_long);
        if (!e || e->code != RpcErrorCode::kPropertyConstraintViolation) ++wrong;
        if (v_.Validate("BootNotification", MessageKind::kResponse,
                        json{{"currentTime", "2026-11-24T02:05:01Z"},
                             {"interval", 300},
                             {"status", "Accepted"}})) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace evprov::ocpp
