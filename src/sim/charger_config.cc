// The charger's configuration handlers: SetVariables, GetVariables,
// GetBaseReport (→ NotifyReport parts) and SetNetworkProfile.
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "evprov/ocpp/payload_text.h"
#include "evprov/sim/charger.h"
#include "sim/ocpp_json.h"

namespace evprov::sim {
namespace {

// SecurityCtrlr.BasicAuthPassword: 16..40 characters of this set (A00, OCPP 2.0.1 Part 2).
bool IsPasswordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("*-_=:+|@.").find(c) != std::string_view::npos;
}

int ItemsPerMessage(const DeviceModel& model, std::string_view instance, int fallback) {
  int n = std::atoi(std::string(model.Get("DeviceDataCtrlr", "ItemsPerMessage", instance)).c_str());
  return n > 0 ? n : fallback;
}

// The item list of a Get/SetVariables request, or an OccurrenceConstraintViolation.
std::optional<ocpp::RpcError> CheckItems(const nlohmann::json& items, std::string_view field,
                                         int max) {
  if (items.is_array() && !items.empty() && static_cast<int>(items.size()) <= max) {
    return std::nullopt;
  }
  return ocpp::RpcError{
      ocpp::RpcErrorCode::kOccurrenceConstraintViolation,
      std::string(field) + ": 1 to ItemsPerMessage (" + std::to_string(max) + ") items"};
}

// Resolves one Get/SetVariableData item: its address, its attribute type, then `check`.
template <typename Check>
Lookup CheckItem(const nlohmann::json& item, VariableAddress* a, std::string* type_name,
                 Check check) {
  *a = VariableAddress::FromJson(item.at("component"), item.at("variable"));
  *type_name = item.value("attributeType", "Actual");
  auto type = ParseAttributeType(*type_name);
  if (!type) {
    Lookup r;
    r.status = AttributeStatus::kNotSupportedAttributeType;
    r.message = "attributeType: '" + *type_name + "' is not an attribute type";
    return r;
  }
  return check(*type);
}

// The Get/SetVariableResult of an item, without attributeValue.
nlohmann::json ItemResult(const nlohmann::json& item, const std::string& type_name,
                          const Lookup& r) {
  nlohmann::json result = {{"attributeType", type_name},
                           {"attributeStatus", AttributeStatusName(r.status)},
                           {"component", Echo(item.at("component"))},
                           {"variable", Echo(item.at("variable"))}};
  if (r.status != AttributeStatus::kAccepted) {
    std::string code =
        r.reason_code.empty() ? std::string(AttributeStatusName(r.status)) : r.reason_code;
    result["attributeStatusInfo"] = StatusInfo(code, r.message);
  }
  return result;
}

}  // namespace

// The charger's own rules on top of the device model's. Returns "" when the
// value may be written, else the reason (never the value: it may be secret).
std::string Charger::CheckCharger(const VariableAddress& a, std::string_view value,
                                  std::string* reason_code) const {
  *reason_code = "InvalidValue";
  const std::string name = a.component + "." + a.variable;
  if (config_.faults.RejectsVariable(a.component, a.variable)) {
    *reason_code = "FaultInjected";
    return name + ": rejected (fault reject-variable)";
  }
  auto index = model_->schema().Find(a);
  if (index && model_->schema().items()[*index].def->factory_only && !factory_mode()) {
    *reason_code = "NotInFactoryMode";
    return name + ": writable only in factory mode";
  }
  if (name == "SecurityCtrlr.BasicAuthPassword" &&
      !std::all_of(value.begin(), value.end(), IsPasswordChar)) {
    return name + ": characters outside a-z A-Z 0-9 * - _ = : + | @ .";
  }
  if (name == "SecurityCtrlr.Identity" &&
      (value.empty() || value.find(':') != std::string_view::npos)) {
    return name + ": must be non-empty and without ':'";
  }
  if (name == "VendorCtrlr.FactoryMode" && value == "true" && !factory_mode()) {
    return name + ": factory mode cannot be re-entered over OCPP";
  }
  if (name == "OCPPCommCtrlr.NetworkConfigurationPriority") {
    auto priority = ParsePriority(value);
    if (!priority.ok()) return priority.status().message();
    for (int slot : *priority) {
      if (!slots_.contains(slot)) return name + ": slot " + std::to_string(slot) + " is empty";
    }
  }
  return "";
}

void Charger::AfterWrite(const VariableAddress& a) {
  if (a.component == "VendorCtrlr" && a.variable == "SerialNumber") {
    model_->Set("ChargingStation", "SerialNumber", serial());
  } else if (a.component == "OCPPCommCtrlr" && a.variable == "HeartbeatInterval" &&
             registration_ == Registration::kAccepted) {
    ArmHeartbeat();
  }
}

Answer Charger::OnSetVariables(const nlohmann::json& p) {
  const auto& items = p.at("setVariableData");
  if (auto e = CheckItems(items, "setVariableData", ItemsPerMessage(*model_, "SetVariables", 50))) {
    return *e;
  }
  nlohmann::json results = nlohmann::json::array();
  bool changed = false;
  for (const auto& item : items) {
    VariableAddress a;
    std::string type_name;
    const std::string& value = item.at("attributeValue").get_ref<const std::string&>();
    Lookup r = CheckItem(item, &a, &type_name, [&](AttributeType type) {
      Lookup checked = model_->CheckSet(a, type, value);
      if (checked.status == AttributeStatus::kAccepted) {
        std::string why = CheckCharger(a, value, &checked.reason_code);
        if (!why.empty()) {
          checked.status = AttributeStatus::kRejected;
          checked.message = why;
        }
      }
      return checked;
    });
    if (r.status == AttributeStatus::kAccepted) {
      model_->Write(r.value, value);
      AfterWrite(a);
      changed = true;
    }
    log::Info("sim.set_variable", {{"component", a.component},
                                   {"variable", a.variable},
                                   {"status", AttributeStatusName(r.status)},
                                   {"reason", r.message}});
    results.push_back(ItemResult(item, type_name, r));
  }
  if (changed && !Persist().ok()) {
    return ocpp::RpcError{ocpp::RpcErrorCode::kInternalError, "the state could not be saved"};
  }
  return nlohmann::json{{"setVariableResult", std::move(results)}};
}

Answer Charger::OnGetVariables(const nlohmann::json& p) {
  const auto& items = p.at("getVariableData");
  if (auto e = CheckItems(items, "getVariableData", ItemsPerMessage(*model_, "GetVariables", 50))) {
    return *e;
  }
  model_->Set("ClockCtrlr", "DateTime", FormatUtc(scheduler_.Now()));
  nlohmann::json results = nlohmann::json::array();
  for (const auto& item : items) {
    VariableAddress a;
    std::string type_name;
    Lookup r = CheckItem(item, &a, &type_name,
                         [&](AttributeType type) { return model_->CheckGet(a, type); });
    nlohmann::json result = ItemResult(item, type_name, r);
    if (r.status == AttributeStatus::kAccepted) result["attributeValue"] = model_->value(r.value);
    results.push_back(std::move(result));
  }
  return nlohmann::json{{"getVariableResult", std::move(results)}};
}

Answer Charger::OnGetBaseReport(const nlohmann::json& p) {
  int request_id = p.at("requestId").get<int>();
  std::string base = p.at("reportBase").get<std::string>();
  DeviceModel::ReportBase report_base;
  if (base == "FullInventory") {
    report_base = DeviceModel::ReportBase::kFullInventory;
  } else if (base == "ConfigurationInventory") {
    report_base = DeviceModel::ReportBase::kConfigurationInventory;
  } else {
    return StatusAnswer("NotSupported", "UnsupportedParam",
                        "reportBase: only FullInventory and ConfigurationInventory");
  }
  Defer([this, request_id, report_base] { SendReport(request_id, report_base); });
  return StatusAnswer("Accepted");
}

void Charger::SendReport(int request_id, DeviceModel::ReportBase base) {
  model_->Set("ClockCtrlr", "DateTime", FormatUtc(scheduler_.Now()));
  // Each part is written as text from the schema's report templates: the
  // same bytes as its tree would give, without building, checking and
  // freeing a tree per part (ocpp/payload_text.h; DeviceModelTest holds the
  // two equal, and the station validates every part it receives). Entries
  // go into a part while it stays within report_part_bytes.
  const std::vector<std::size_t> items = model_->ReportItems(base);
  std::string head = R"({"generatedAt":)";
  ocpp::AppendJsonString(head, FormatUtc(scheduler_.Now(), true));
  head += R"(,"reportData":[)";
  const std::string tail = R"(],"requestId":)" + std::to_string(request_id) + R"(,"seqNo":)";
  // The part's end at its longest: the tail, the seqNo (an OCPP integer, at
  // most 10 digits), "tbc".
  constexpr std::size_t kLongestSeqNo = 10;
  const std::size_t end_bytes =
      tail.size() + kLongestSeqNo + std::string_view(R"(,"tbc":false})").size();
  std::vector<std::string> parts;
  std::string text = head;
  std::string entry;
  for (std::size_t i = 0; i < items.size(); ++i) {
    entry.clear();
    model_->AppendReportEntry(entry, items[i]);
    if (text.size() > head.size()) {  // not the part's first entry
      if (text.size() + 1 + entry.size() + end_bytes > config_.report_part_bytes) {
        parts.push_back(std::move(text));
        text = head;
      } else {
        text += ',';
      }
    }
    text += entry;
  }
  if (!items.empty()) parts.push_back(std::move(text));
  for (std::size_t part = 0; part < parts.size(); ++part) {
    std::string& t = parts[part];
    t += tail;
    t += std::to_string(part);
    t += part + 1 < parts.size() ? R"(,"tbc":true})" : R"(,"tbc":false})";
    Send("NotifyReport", ocpp::PreSerialized(t));
  }
  log::Info("sim.report.sent",
            {{"request_id", request_id}, {"parts", parts.size()}, {"items", items.size()}});
}

Answer Charger::OnSetNetworkProfile(const nlohmann::json& p) {
  int slot = p.at("configurationSlot").get<int>();
  ProfileCheckContext ctx;
  ctx.slot_count = config_.slot_count;
  ctx.current_security_profile = SecurityFloor();
  ctx.has_csms_root = certificates_.Has(CertificateUse::kCsmsRoot);
  ctx.has_station_certificate = !station_chain_.empty();
  auto checked = CheckNetworkProfile(slot, p.at("connectionData"), ctx);
  if (auto* refusal = std::get_if<ProfileRefusal>(&checked)) {
    log::Info("sim.network_profile.rejected", {{"slot", slot}, {"reason", refusal->message}});
    return StatusAnswer("Rejected", refusal->reason_code, refusal->message);
  }
  slots_[slot] = std::get<NetworkProfile>(std::move(checked));
  if (!Persist().ok())
    return StatusAnswer("Failed", "InternalError", "the state could not be saved");
  log::Info("sim.network_profile.set",
            {{"slot", slot}, {"security_profile", slots_[slot].security_profile}});
  return StatusAnswer("Accepted");
}

}  // namespace evprov::sim
