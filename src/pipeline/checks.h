// Pure functions the steps use: OCPP payloads built from the catalog, and the
// checks of what a charger reported against its variant. No I/O; tested
// alone (tests/pipeline/checks_test.cc).
//
// Thread-safety: pure functions over values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::pipeline {

// "OCPPCommCtrlr.HeartbeatInterval", "EVSE[1].Power[MaxSet]" for people.
std::string SettingName(const catalog::VariableSetting& s);
// One SetVariableDataType.
nlohmann::json SetVariableData(const catalog::VariableSetting& s);
// Checks a SetVariablesResponse against the request items: every result
// Accepted, else kFailedPrecondition "<what>: SetVariables <name> was
// <status> (<reasonCode>)".
Status CheckSetVariablesResult(std::string_view what,
                               const std::vector<catalog::VariableSetting>& items,
                               const nlohmann::json& response);

// BootNotification against the variant: vendor and model must match.
// kFailedPrecondition naming the field, what was reported and what is needed.
Status CheckBoot(const catalog::Variant& variant, const nlohmann::json& boot);
// The firmware the BootNotification reports must be the variant's pinned
// version (no updates yet); kFailedPrecondition "firmware: ..." otherwise.
Status CheckFirmware(const catalog::Variant& variant, const nlohmann::json& boot);

// The value of component.variable (Actual, station level unless evse given)
// in NotifyReport reportData entries; nullopt when absent.
std::optional<std::string> ReportValue(const std::vector<nlohmann::json>& entries,
                                       std::string_view component, std::string_view variable,
                                       int evse = 0, int connector = 0);
// The EVSE/connector layout the report describes (EVSE components with their
// Connector children and ConnectorType).
std::vector<catalog::Evse> LayoutFromReport(const std::vector<nlohmann::json>& entries);
// kFailedPrecondition "read_back: ..." naming the first difference between the
// variant's layout and the reported one (EVSE count, connector count, type).
Status CompareLayout(const std::vector<catalog::Evse>& expected,
                     const std::vector<catalog::Evse>& reported);
// The report as {"Component[evse.connector].Variable[instance]": {attr: value}}
// (the configuration snapshot; write-only values are never reported).
nlohmann::json SnapshotOf(const std::vector<nlohmann::json>& entries);

// SetNetworkProfile connectionData for a CSMS URL and security profile (OCPP20, JSON).
nlohmann::json ConnectionData(std::string_view url, int security_profile);

// Request payloads the steps send (built outside the coroutines: GCC 12
// mishandles braced initialisers with string literals inside co_await).
nlohmann::json SetVariablesRequest(const std::vector<catalog::VariableSetting>& items);
nlohmann::json GetBaseReportRequest(int request_id);
nlohmann::json InstallCertificateRequest(std::string_view type, const std::string& pem);
nlohmann::json TriggerMessageRequest(std::string_view message);
nlohmann::json CertificateSignedRequest(const std::string& chain_pem);
nlohmann::json SetNetworkProfileRequest(int slot, nlohmann::json connection_data);
nlohmann::json ResetRequest(std::string_view type);
nlohmann::json RequestStartTransactionRequest(int remote_start_id, int evse_id);
nlohmann::json RequestStopTransactionRequest(const std::string& transaction_id);
nlohmann::json GetInstalledCertificateIdsRequest(std::string_view type);
nlohmann::json DeleteCertificateRequest(const nlohmann::json& hash_data);
// A station-level Actual setting.
catalog::VariableSetting Setting(std::string component, std::string variable, std::string value);

}  // namespace evprov::pipeline
