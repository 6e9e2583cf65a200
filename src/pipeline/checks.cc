#include "pipeline/checks.h"

#include <algorithm>
#include <map>

namespace evprov::pipeline {
namespace {

std::string Quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// j[name] without a copy; an empty object when j has no such member (which
// iterates as nothing and answers value() with the default).
const nlohmann::json& Member(const nlohmann::json& j, const char* name) {
  static const nlohmann::json kNone = nlohmann::json::object();
  if (!j.is_object()) return kNone;
  auto it = j.find(name);
  return it == j.end() ? kNone : *it;
}

int EvseOf(const nlohmann::json& component) {
  if (!component.contains("evse")) return 0;
  return component["evse"].value("id", 0);
}

int ConnectorOf(const nlohmann::json& component) {
  if (!component.contains("evse")) return 0;
  return component["evse"].value("connectorId", 0);
}

std::optional<std::string> ActualValue(const nlohmann::json& entry) {
  for (const auto& a : Member(entry, "variableAttribute")) {
    if (a.value("type", "Actual") == "Actual" && a.contains("value")) {
      return a["value"].get<std::string>();
    }
  }
  return std::nullopt;
}

}  // namespace

std::string SettingName(const catalog::VariableSetting& s) {
  std::string name = s.component;
  if (s.component_instance) name += "(" + *s.component_instance + ")";
  if (s.evse) {
    name += "[" + std::to_string(*s.evse);
    if (s.connector) name += "." + std::to_string(*s.connector);
    name += "]";
  }
  name += "." + s.variable;
  if (s.variable_instance) name += "(" + *s.variable_instance + ")";
  if (s.attribute != "Actual") name += "[" + s.attribute + "]";
  return name;
}

nlohmann::json SetVariableData(const catalog::VariableSetting& s) {
  nlohmann::json component = {{"name", s.component}};
  if (s.component_instance) component["instance"] = *s.component_instance;
  if (s.evse) {
    component["evse"] = {{"id", *s.evse}};
    if (s.connector) component["evse"]["connectorId"] = *s.connector;
  }
  nlohmann::json variable = {{"name", s.variable}};
  if (s.variable_instance) variable["instance"] = *s.variable_instance;
  return {{"attributeType", s.attribute},
          {"attributeValue", s.value},
          {"component", std::move(component)},
          {"variable", std::move(variable)}};
}

Status CheckSetVariablesResult(std::string_view what,
                               const std::vector<catalog::VariableSetting>& items,
                               const nlohmann::json& response) {
  const auto& results = response.value("setVariableResult", nlohmann::json::array());
  if (results.size() != items.size()) {
    return Status::FailedPrecondition(std::string(what) + ": SetVariables answered " +
                                      std::to_string(results.size()) + " results for " +
                                      std::to_string(items.size()) + " items");
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& r = results[i];
    std::string status = r.value("attributeStatus", "");
    if (status == "Accepted") continue;
    std::string message =
        std::string(what) + ": SetVariables " + SettingName(items[i]) + " was " + status;
    if (r.contains("attributeStatusInfo")) {
      message += " (" + r["attributeStatusInfo"].value("reasonCode", "") + ")";
    }
    return Status::FailedPrecondition(message);
  }
  return Status::Ok();
}

Status CheckBoot(const catalog::Variant& variant, const nlohmann::json& boot) {
  const auto& cs = boot.value("chargingStation", nlohmann::json::object());
  auto check = [&](std::string_view field, const std::string& expected) -> Status {
    std::string reported = cs.value(std::string(field), "");
    if (reported == expected) return Status::Ok();
    return Status::FailedPrecondition(
        "identify: BootNotification chargingStation." + std::string(field) + " is " +
        Quoted(reported) + ", the variant " + Quoted(variant.name) + " needs " + Quoted(expected));
  };
  EVPROV_TRY(check("vendorName", variant.vendor_name));
  return check("model", variant.model);
}

Status CheckFirmware(const catalog::Variant& variant, const nlohmann::json& boot) {
  const auto& cs = boot.value("chargingStation", nlohmann::json::object());
  std::string firmware = cs.value("firmwareVersion", "");
  if (variant.firmware.version.empty() || firmware == variant.firmware.version) {
    return Status::Ok();
  }
  return Status::FailedPrecondition(
      "firmware: the unit runs " + Quoted(firmware) + ", the variant pins " +
      Quoted(variant.firmware.version) +
      " (firmware updates are not supported yet: flash the pinned release first)");
}

std::optional<std::string> ReportValue(const std::vector<nlohmann::json>& entries,
                                       std::string_view component, std::string_view variable,
                                       int evse, int connector) {
  for (const auto& e : entries) {
    const auto& c = Member(e, "component");
    const auto& v = Member(e, "variable");
    if (c.value("name", "") != component || v.value("name", "") != variable) continue;
    if (EvseOf(c) != evse || ConnectorOf(c) != connector) continue;
    return ActualValue(e);
  }
  return std::nullopt;
}

std::vector<catalog::Evse> LayoutFromReport(const std::vector<nlohmann::json>& entries) {
  std::map<int, std::map<int, std::string>> layout;  // evse -> connector -> type
  for (const auto& e : entries) {
    const auto& c = Member(e, "component");
    int evse = EvseOf(c);
    if (evse <= 0) continue;
    std::string name = c.value("name", "");
    if (name == "EVSE") {
      layout[evse];
    } else if (name == "Connector") {
      int connector = ConnectorOf(c);
      if (connector <= 0) continue;
      std::string& type = layout[evse][connector];
      if (Member(e, "variable").value("name", "") == "ConnectorType") {
        type = ActualValue(e).value_or("");
      }
    }
  }
  std::vector<catalog::Evse> out;
  for (const auto& [evse_id, connectors] : layout) {
    catalog::Evse evse;
    evse.id = evse_id;
    for (const auto& [connector_id, type] : connectors) {
      catalog::Connector c;
      c.id = connector_id;
      c.type = type;
      evse.connectors.push_back(c);
    }
    out.push_back(std::move(evse));
  }
  return out;
}

Status CompareLayout(const std::vector<catalog::Evse>& expected,
                     const std::vector<catalog::Evse>& reported) {
  auto fail = [](const std::string& what) {
    return Status::FailedPrecondition(
        "read_back: the EVSE/connector layout differs from the "
        "variant: " +
        what);
  };
  if (expected.size() != reported.size()) {
    return fail("the unit reports " + std::to_string(reported.size()) + " EVSEs, the variant has " +
                std::to_string(expected.size()));
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& e = expected[i];
    const auto& r = reported[i];
    std::string where = "EVSE " + std::to_string(e.id);
    if (e.id != r.id) return fail(where + " is reported as EVSE " + std::to_string(r.id));
    if (e.connectors.size() != r.connectors.size()) {
      return fail(where + " has " + std::to_string(r.connectors.size()) +
                  " connectors, the variant " + std::to_string(e.connectors.size()));
    }
    for (std::size_t j = 0; j < e.connectors.size(); ++j) {
      const auto& ec = e.connectors[j];
      const auto& rc = r.connectors[j];
      std::string cwhere = where + " connector " + std::to_string(ec.id);
      if (ec.id != rc.id) return fail(cwhere + " is reported as " + std::to_string(rc.id));
      if (!rc.type.empty() && ec.type != rc.type) {
        return fail(cwhere + " is of type " + Quoted(rc.type) + ", the variant has " +
                    Quoted(ec.type));
      }
    }
  }
  return Status::Ok();
}

nlohmann::json SnapshotOf(const std::vector<nlohmann::json>& entries) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& e : entries) {
    const auto& c = Member(e, "component");
    const auto& v = Member(e, "variable");
    std::string key = c.value("name", "");
    if (c.contains("instance")) key += "(" + c["instance"].get<std::string>() + ")";
    if (int evse = EvseOf(c); evse > 0) {
      key += "[" + std::to_string(evse);
      if (int connector = ConnectorOf(c); connector > 0) key += "." + std::to_string(connector);
      key += "]";
    }
    key += "." + v.value("name", "");
    if (v.contains("instance")) key += "(" + v["instance"].get<std::string>() + ")";
    nlohmann::json attrs = nlohmann::json::object();
    for (const auto& a : Member(e, "variableAttribute")) {
      if (a.contains("value")) attrs[a.value("type", "Actual")] = a["value"];
    }
    if (!attrs.empty()) out[key] = std::move(attrs);
  }
  return out;
}

nlohmann::json ConnectionData(std::string_view url, int security_profile) {
  return {{"ocppVersion", "OCPP20"},
          {"ocppTransport", "JSON"},
          {"ocppCsmsUrl", std::string(url)},
          {"messageTimeout", 30},
          {"securityProfile", security_profile},
          {"ocppInterface", "Wired0"}};
}

nlohmann::json SetVariablesRequest(const std::vector<catalog::VariableSetting>& items) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& item : items) data.push_back(SetVariableData(item));
  return {{"setVariableData", std::move(data)}};
}

nlohmann::json GetBaseReportRequest(int request_id) {
  return {{"requestId", request_id}, {"reportBase", "FullInventory"}};
}

nlohmann::json InstallCertificateRequest(std::string_view type, const std::string& pem) {
  return {{"certificateType", std::string(type)}, {"certificate", pem}};
}

nlohmann::json TriggerMessageRequest(std::string_view message) {
  return {{"requestedMessage", std::string(message)}};
}

nlohmann::json CertificateSignedRequest(const std::string& chain_pem) {
  return {{"certificateChain", chain_pem}, {"certificateType", "ChargingStationCertificate"}};
}

nlohmann::json SetNetworkProfileRequest(int slot, nlohmann::json connection_data) {
  return {{"configurationSlot", slot}, {"connectionData", std::move(connection_data)}};
}

nlohmann::json ResetRequest(std::string_view type) {
  return {{"type", std::string(type)}};
}

nlohmann::json RequestStartTransactionRequest(int remote_start_id, int evse_id) {
  return {{"idToken", {{"idToken", "EVPROV-VALIDATION"}, {"type", "Central"}}},
          {"remoteStartId", remote_start_id},
          {"evseId", evse_id}};
}

nlohmann::json RequestStopTransactionRequest(const std::string& transaction_id) {
  return {{"transactionId", transaction_id}};
}

nlohmann::json GetInstalledCertificateIdsRequest(std::string_view type) {
  return {{"certificateType", nlohmann::json::array({std::string(type)})}};
}

nlohmann::json DeleteCertificateRequest(const nlohmann::json& hash_data) {
  return {{"certificateHashData", hash_data}};
}

catalog::VariableSetting Setting(std::string component, std::string variable, std::string value) {
  catalog::VariableSetting s;
  s.component = std::move(component);
  s.variable = std::move(variable);
  s.value = std::move(value);
  return s;
}

}  // namespace evprov::pipeline
