// The generated OCPP 2.0.1 message structs, tested against the embedded
// official schemas: for every message, a maximal and a minimal payload built
// from the schema (tests/ocpp_schema/schema_sample.h, independent of the
// generator) parse into the struct, serialise back to the same JSON, pass the
// SchemaValidator and parse again into an equal struct; every enum value of
// every schema maps to an enumerator and back.
#include "evprov/ocpp/messages_v201.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "evprov/ocpp/schema.h"
#include "ocpp_schema/schema_sample.h"

namespace evprov::ocpp::v201 {
namespace {

using nlohmann::json;
using testing::SampleOptions;
using testing::SchemaSampler;

template <typename T>
std::string MessageName() {
  return std::string(T::kAction) + (T::kKind == MessageKind::kRequest ? "Request" : "Response");
}

template <typename T>
SchemaSampler SamplerFor() {
  const auto text = SchemaText(OcppVersion::kV201, T::kAction, T::kKind);
  EXPECT_TRUE(text.has_value()) << MessageName<T>();
  return SchemaSampler(json::parse(text.value_or("{}")));
}

// Parses `sample` into T, serialises it back and checks that nothing was lost
// or added, that the result is schema-valid and that it parses again equal.
template <typename T>
void ExpectRoundTrip(const json& sample) {
  const SchemaValidator& validator = SchemaValidator::Shared(OcppVersion::kV201);
  const auto sample_error = validator.Validate(T::kAction, T::kKind, sample);
  ASSERT_FALSE(sample_error) << "the sample itself is invalid: " << sample_error->description;
  const Result<T> parsed = FromJson<T>(sample);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << sample.dump();
  const json back = *parsed;
  EXPECT_EQ(back, sample) << "serialised: " << back.dump() << "\nsample:     " << sample.dump();
  const auto back_error = validator.Validate(T::kAction, T::kKind, back);
  EXPECT_FALSE(back_error) << back_error->description;
  const Result<T> again = FromJson<T>(back);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(*again == *parsed);
}

template <typename T>
class MessageV201Test : public ::testing::Test {};

template <typename Tuple>
struct AsTypes;
template <typename... Ts>
struct AsTypes<std::tuple<Ts...>> {
  using Type = ::testing::Types<Ts...>;
};

struct MessageNames {
  template <typename T>
  static std::string GetName(int /*index*/) {
    return MessageName<T>();
  }
};

TYPED_TEST_SUITE(MessageV201Test, AsTypes<AllMessages>::Type, MessageNames);

TYPED_TEST(MessageV201Test, MaximalPayloadRoundTripsAndValidates) {
  const SchemaSampler sampler = SamplerFor<TypeParam>();
  ExpectRoundTrip<TypeParam>(sampler.Sample(SampleOptions{.maximal = true}));
}

TYPED_TEST(MessageV201Test, MinimalPayloadRoundTripsAndValidates) {
  const SchemaSampler sampler = SamplerFor<TypeParam>();
  ExpectRoundTrip<TypeParam>(sampler.Sample(SampleOptions{.maximal = false}));
}

TYPED_TEST(MessageV201Test, EveryEnumValueMapsToAnEnumeratorAndBack) {
  const SchemaSampler sampler = SamplerFor<TypeParam>();
  for (const auto& [definition, values] : sampler.EnumDefinitions()) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      SCOPED_TRACE(definition + " = " + values[i]);
      SampleOptions options{.maximal = true, .enum_choice = {{definition, i}}};
      const json sample = sampler.Sample(options);
      // The value must really occur in the payload, else this proves nothing.
      ASSERT_NE(sample.dump().find('"' + values[i] + '"'), std::string::npos);
      ExpectRoundTrip<TypeParam>(sample);
    }
  }
}

TEST(MessagesV201, CoverTheActionsEvprovUses) {
  const std::set<std::string> wanted = {"BootNotification",
                                        "Heartbeat",
                                        "StatusNotification",
                                        "NotifyReport",
                                        "GetBaseReport",
                                        "GetVariables",
                                        "SetVariables",
                                        "SetNetworkProfile",
                                        "Reset",
                                        "TriggerMessage",
                                        "SignCertificate",
                                        "CertificateSigned",
                                        "InstallCertificate",
                                        "DeleteCertificate",
                                        "GetInstalledCertificateIds",
                                        "RequestStartTransaction",
                                        "RequestStopTransaction",
                                        "TransactionEvent",
                                        "UpdateFirmware",
                                        "FirmwareStatusNotification",
                                        "SecurityEventNotification"};
  std::set<std::string> names;
  std::apply([&](auto... message) { (names.insert(MessageName<decltype(message)>()), ...); },
             AllMessages{});
  std::set<std::string> expected;
  for (const auto& action : wanted) {
    expected.insert(action + "Request");
    expected.insert(action + "Response");
  }
  EXPECT_EQ(names, expected);
}

TEST(MessagesV201, BuiltInCodeSerialisesToAValidPayload) {
  BootNotificationRequest boot;
  boot.reason = BootReasonEnum::kPowerUp;
  boot.charging_station.model = "AC-22";
  boot.charging_station.vendor_name = "Acme";
  boot.charging_station.serial_number = "SN-0001";
  boot.charging_station.modem = Modem{.iccid = "8944", .imsi = "2620"};
  const json payload = boot;
  EXPECT_EQ(payload, json::parse(R"({"reason": "PowerUp", "chargingStation": {"model": "AC-22",
    "vendorName": "Acme", "serialNumber": "SN-0001", "modem": {"iccid": "8944", "imsi": "2620"}}})"));
  EXPECT_FALSE(
      SchemaValidator::Shared(OcppVersion::kV201)
          .Validate(BootNotificationRequest::kAction, BootNotificationRequest::kKind, payload));

  SetVariablesRequest set;
  set.set_variable_data.push_back(SetVariableData{.attribute_value = "evprov",
                                                  .component = {.name = "SecurityCtrlr"},
                                                  .variable = {.name = "OrganizationName"}});
  const json set_payload = set;
  EXPECT_EQ(set_payload["setVariableData"][0]["component"],
            json::parse(R"({"name": "SecurityCtrlr"})"));
  EXPECT_FALSE(SchemaValidator::Shared(OcppVersion::kV201)
                   .Validate("SetVariables", MessageKind::kRequest, set_payload));
}

TEST(MessagesV201, EnumNames) {
  EXPECT_EQ(EnumFromString<BootReasonEnum>("PowerUp"), BootReasonEnum::kPowerUp);
  EXPECT_EQ(EnumFromString<BootReasonEnum>("powerup"), std::nullopt);
  EXPECT_EQ(ToString(RegistrationStatusEnum::kPending), "Pending");
  EXPECT_EQ(ToString(InstallCertificateUseEnum::kCsmsRootCertificate), "CSMSRootCertificate");
  EXPECT_EQ(EnumFromString<MessageTriggerEnum>("SignChargingStationCertificate"),
            MessageTriggerEnum::kSignChargingStationCertificate);
}

TEST(MessagesV201, CustomDataKeepsVendorProperties) {
  const json payload =
      json::parse(R"({"customData": {"vendorId": "com.acme", "line": 4, "cell": {"id": "B"}}})");
  const auto heartbeat = FromJson<HeartbeatRequest>(payload);
  ASSERT_TRUE(heartbeat.ok()) << heartbeat.status().ToString();
  ASSERT_TRUE(heartbeat->custom_data.has_value());
  EXPECT_EQ(heartbeat->custom_data->vendor_id, "com.acme");
  EXPECT_EQ(json::parse(heartbeat->custom_data->extra_json),
            json::parse(R"({"line": 4, "cell": {"id": "B"}})"));
  EXPECT_EQ(json(*heartbeat), payload);
}

TEST(MessagesV201, FromJsonNamesThePathAndNeverTheValue) {
  auto error = [](const json& payload) {
    const auto parsed = FromJson<BootNotificationRequest>(payload);
    EXPECT_FALSE(parsed.ok());
    return parsed.status();
  };
  json boot = BootNotificationRequest{.charging_station = {.model = "M", .vendor_name = "V"},
                                      .reason = BootReasonEnum::kPowerUp};
  json wrong_type = boot;
  wrong_type["chargingStation"]["model"] = 42;
  EXPECT_EQ(error(wrong_type), Status::InvalidArgument("chargingStation.model: expected a string"));
  json missing = boot;
  missing.erase("reason");
  EXPECT_EQ(error(missing), Status::InvalidArgument("reason: required member is missing"));
  json bad_enum = boot;
  bad_enum["reason"] = "SecretReason";
  EXPECT_EQ(error(bad_enum), Status::InvalidArgument("reason: not a known enum value"));
  EXPECT_EQ(error(json::array()), Status::InvalidArgument("expected an object"));
  json fraction =
      json{{"currentTime", "2026-11-24T02:05:01Z"}, {"interval", 1.5}, {"status", "Accepted"}};
  EXPECT_EQ(FromJson<BootNotificationResponse>(fraction).status(),
            Status::InvalidArgument("interval: expected an integer"));

  const json set = json::parse(R"({"setVariableData": [
      {"attributeValue": "a", "component": {"name": "C"}, "variable": {"name": "V"}},
      {"attributeValue": "b", "component": {"name": "C"}, "variable": {"name": 7}}]})");
  EXPECT_EQ(FromJson<SetVariablesRequest>(set).status(),
            Status::InvalidArgument("setVariableData[1].variable.name: expected a string"));
}

}  // namespace
}  // namespace evprov::ocpp::v201
