// Cost of strict schema validation and of the typed messages, per payload.
// The RPC engine validates every incoming and outgoing payload, so this sits
// in the 10,000 round-trips/s budget (docs/ocpp-schema.md has the numbers).
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "evprov/ocpp/messages_v201.h"
#include "evprov/ocpp/schema.h"
#include "ocpp/json_text.h"
#include "ocpp/schema_valijson.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;

json BootRequest() {
  return json::parse(R"({"reason": "PowerUp",
    "chargingStation": {"model": "AC-22", "vendorName": "Acme", "serialNumber": "SN-0001",
                        "firmwareVersion": "1.0.0", "modem": {"iccid": "8944", "imsi": "2620"}}})");
}

json BootResponse() {
  return json{{"currentTime", "2026-11-24T02:05:01Z"}, {"interval", 300}, {"status", "Pending"}};
}

void Validate(benchmark::State& state, std::string_view action, MessageKind kind,
              const json& payload, bool expect_valid) {
  const SchemaValidator& validator = SchemaValidator::Shared(OcppVersion::kV201);
  if (validator.Validate(action, kind, payload).has_value() == expect_valid) {
    state.SkipWithError("unexpected verdict");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(validator.Validate(action, kind, payload));
}

void BM_ValidateBootNotificationRequest(benchmark::State& state) {
  Validate(state, "BootNotification", MessageKind::kRequest, BootRequest(), true);
}
BENCHMARK(BM_ValidateBootNotificationRequest);

// Baseline: valijson alone on the unmodified official schema (its own regex
// date-time check included), as RECIPES.md measured it; the difference to the
// benchmarks above is SchemaValidator's own cost or saving.
void RawValijson(benchmark::State& state, std::string_view action, MessageKind kind,
                 const json& payload) {
  const json document = json::parse(*SchemaText(OcppVersion::kV201, action, kind));
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), schema);
  const valijson::adapters::NlohmannJsonAdapter target(payload);
  for (auto _ : state) {
    valijson::Validator validator;
    benchmark::DoNotOptimize(validator.validate(schema, target, nullptr));
  }
}

void BM_RawValijsonBootNotificationRequest(benchmark::State& state) {
  RawValijson(state, "BootNotification", MessageKind::kRequest, BootRequest());
}
BENCHMARK(BM_RawValijsonBootNotificationRequest);

void BM_RawValijsonBootNotificationResponse(benchmark::State& state) {
  RawValijson(state, "BootNotification", MessageKind::kResponse, BootResponse());
}
BENCHMARK(BM_RawValijsonBootNotificationResponse);

void BM_ValidateBootNotificationResponse(benchmark::State& state) {
  Validate(state, "BootNotification", MessageKind::kResponse, BootResponse(), true);
}
BENCHMARK(BM_ValidateBootNotificationResponse);

void BM_ValidateInvalidBootNotification(benchmark::State& state) {
  json boot = BootRequest();
  boot["chargingStation"]["model"] = std::string(21, 'M');
  Validate(state, "BootNotification", MessageKind::kRequest, boot, false);
}
BENCHMARK(BM_ValidateInvalidBootNotification);

void BM_ValidateSetVariables20(benchmark::State& state) {
  json request = {{"setVariableData", json::array()}};
  for (int i = 0; i < 20; ++i) {
    request["setVariableData"].push_back(
        {{"attributeValue", "value-" + std::to_string(i)},
         {"component", {{"name", "OCPPCommCtrlr"}, {"evse", {{"id", 1}, {"connectorId", 1}}}}},
         {"variable", {{"name", "HeartbeatInterval"}}}});
  }
  Validate(state, "SetVariables", MessageKind::kRequest, request, true);
}
BENCHMARK(BM_ValidateSetVariables20);

void BM_ValidateTransactionEvent(benchmark::State& state) {
  const json request = json::parse(R"({"eventType": "Updated", "timestamp": "2026-11-24T02:05:01Z",
    "triggerReason": "MeterValuePeriodic", "seqNo": 7,
    "transactionInfo": {"transactionId": "tx-1", "chargingState": "Charging"},
    "evse": {"id": 1, "connectorId": 1},
    "meterValue": [{"timestamp": "2026-11-24T02:05:01Z", "sampledValue": [
      {"value": 1234.5, "measurand": "Energy.Active.Import.Register", "unitOfMeasure": {"unit": "Wh"}},
      {"value": 16.0, "measurand": "Current.Import", "phase": "L1"},
      {"value": 230.1, "measurand": "Voltage", "phase": "L1-N"}]}]})");
  Validate(state, "TransactionEvent", MessageKind::kRequest, request, true);
}
BENCHMARK(BM_ValidateTransactionEvent);

void BM_TypedBootNotificationRoundTrip(benchmark::State& state) {
  const json payload = BootRequest();
  for (auto _ : state) {
    auto parsed = v201::FromJson<v201::BootNotificationRequest>(payload);
    json back = *parsed;
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_TypedBootNotificationRoundTrip);

// A NotifyReport frame of 20 report items, as the simulator sends them (the
// station receives two full inventories of about 95 items per unit, each in
// one part): the frame parser against nlohmann's own.
std::string NotifyReportFrame() {
  json data = json::array();
  for (int i = 0; i < 20; ++i) {
    data.push_back({{"component", {{"name", "EVSE"}, {"evse", {{"id", 1}, {"connectorId", 2}}}}},
                    {"variable", {{"name", "AvailabilityState" + std::to_string(i)}}},
                    {"variableAttribute",
                     {{{"type", "Actual"},
                       {"mutability", "ReadOnly"},
                       {"persistent", true},
                       {"constant", false},
                       {"value", "Available"}}}},
                    {"variableCharacteristics",
                     {{"dataType", "OptionList"},
                      {"supportsMonitoring", false},
                      {"valuesList", "Available,Occupied,Reserved,Unavailable,Faulted"}}}});
  }
  return json::array({2,
                      "123e4567-e89b-12d3-a456-426614174000",
                      "NotifyReport",
                      {{"requestId", 7},
                       {"generatedAt", "2026-11-24T02:05:01Z"},
                       {"seqNo", 0},
                       {"tbc", true},
                       {"reportData", data}}})
      .dump();
}

void BM_ParseNotifyReportFrame(benchmark::State& state) {
  const std::string text = NotifyReportFrame();
  for (auto _ : state) benchmark::DoNotOptimize(internal::ParseJsonText(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseNotifyReportFrame);

void BM_NlohmannParseNotifyReportFrame(benchmark::State& state) {
  const std::string text = NotifyReportFrame();
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(text, nullptr, false));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NlohmannParseNotifyReportFrame);

// Writing the same frame: our writer against nlohmann's dump.
void BM_WriteNotifyReportFrame(benchmark::State& state) {
  const json frame = json::parse(NotifyReportFrame());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out;
    internal::AppendJsonText(out, frame);
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_WriteNotifyReportFrame);

void BM_NlohmannDumpNotifyReportFrame(benchmark::State& state) {
  const json frame = json::parse(NotifyReportFrame());
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out = frame.dump(-1, ' ', false, json::error_handler_t::replace);
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_NlohmannDumpNotifyReportFrame);

void BM_CreateValidator(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(SchemaValidator::Create(OcppVersion::kV201));
}
BENCHMARK(BM_CreateValidator)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace evprov::ocpp

BENCHMARK_MAIN();
