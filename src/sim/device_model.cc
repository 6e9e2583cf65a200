#include "evprov/sim/device_model.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>

#include "evprov/ocpp/payload_text.h"

namespace evprov::sim {
namespace {

std::string AddressKey(std::string_view component, std::string_view component_instance, int evse,
                       int connector) {
  std::string k(component);
  k += '|';
  k += component_instance;
  k += '|';
  k += std::to_string(evse);
  k += '|';
  k += std::to_string(connector);
  return k;
}

std::string AddressKey(std::string_view component, std::string_view component_instance, int evse,
                       int connector, std::string_view variable,
                       std::string_view variable_instance) {
  std::string k = AddressKey(component, component_instance, evse, connector);
  k += '|';
  k += variable;
  k += '|';
  k += variable_instance;
  return k;
}

std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  return s;
}

std::vector<std::string_view> SplitList(std::string_view list) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    out.push_back(list.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(*out);
}

bool ParseInteger(std::string_view s, long long* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string CheckLimits(const VariableDef& def, double v) {
  if (def.min_limit && v < *def.min_limit)
    return "below the minimum " + FormatNumber(*def.min_limit);
  if (def.max_limit && v > *def.max_limit)
    return "above the maximum " + FormatNumber(*def.max_limit);
  return "";
}

int EvsePhases(const catalog::Evse& evse) {
  int phases = 0;
  for (const auto& c : evse.connectors) phases = std::max(phases, c.phases);
  return phases;
}

std::string InitialValue(const AttributeDef& attr, const StationFacts& f, const catalog::Evse* evse,
                         const catalog::Connector* connector) {
  switch (attr.source) {
    case Source::kLiteral:
      return std::string(attr.literal);
    case Source::kVendorName:
      return f.vendor_name;
    case Source::kModel:
      return f.model;
    case Source::kSerial:
      return f.serial;
    case Source::kFirmwareVersion:
      return f.firmware_version;
    case Source::kHardwareRevision:
      return f.hardware_revision;
    case Source::kHardwareId:
      return f.hardware_id;
    case Source::kEvseCount:
      return std::to_string(f.layout.size());
    case Source::kEvsePowerW:
      return evse ? FormatNumber(evse->max_power_kw * 1000) : "";
    case Source::kEvsePhases:
      return evse ? std::to_string(EvsePhases(*evse)) : "";
    case Source::kConnectorType:
      return connector ? connector->type : "";
    case Source::kConnectorPhases:
      return connector ? std::to_string(connector->phases) : "";
    case Source::kConnectorMaxCurrent:
      return connector ? FormatNumber(connector->max_current_a) : "";
  }
  return "";
}

}  // namespace

std::string_view AttributeTypeName(AttributeType t) {
  switch (t) {
    case AttributeType::kActual:
      return "Actual";
    case AttributeType::kTarget:
      return "Target";
    case AttributeType::kMinSet:
      return "MinSet";
    case AttributeType::kMaxSet:
      return "MaxSet";
  }
  return "Actual";
}

std::optional<AttributeType> ParseAttributeType(std::string_view name) {
  for (AttributeType t : {AttributeType::kActual, AttributeType::kTarget, AttributeType::kMinSet,
                          AttributeType::kMaxSet}) {
    if (AttributeTypeName(t) == name) return t;
  }
  return std::nullopt;
}

std::string_view MutabilityName(Mutability m) {
  switch (m) {
    case Mutability::kReadOnly:
      return "ReadOnly";
    case Mutability::kWriteOnly:
      return "WriteOnly";
    case Mutability::kReadWrite:
      return "ReadWrite";
  }
  return "ReadOnly";
}

std::string_view DataTypeName(DataType d) {
  switch (d) {
    case DataType::kString:
      return "string";
    case DataType::kDecimal:
      return "decimal";
    case DataType::kInteger:
      return "integer";
    case DataType::kDateTime:
      return "dateTime";
    case DataType::kBoolean:
      return "boolean";
    case DataType::kOptionList:
      return "OptionList";
    case DataType::kSequenceList:
      return "SequenceList";
    case DataType::kMemberList:
      return "MemberList";
  }
  return "string";
}

std::string_view AttributeStatusName(AttributeStatus s) {
  switch (s) {
    case AttributeStatus::kAccepted:
      return "Accepted";
    case AttributeStatus::kRejected:
      return "Rejected";
    case AttributeStatus::kUnknownComponent:
      return "UnknownComponent";
    case AttributeStatus::kUnknownVariable:
      return "UnknownVariable";
    case AttributeStatus::kNotSupportedAttributeType:
      return "NotSupportedAttributeType";
  }
  return "Rejected";
}

VariableAddress VariableAddress::FromJson(const nlohmann::json& component,
                                          const nlohmann::json& variable) {
  VariableAddress a;
  a.component = component.at("name").get<std::string>();
  a.component_instance = component.value("instance", "");
  if (component.contains("evse")) {
    a.evse = component["evse"].at("id").get<int>();
    a.connector = component["evse"].value("connectorId", 0);
  }
  a.variable = variable.at("name").get<std::string>();
  a.variable_instance = variable.value("instance", "");
  return a;
}

std::string CheckValue(const VariableDef& def, std::string_view value) {
  switch (def.data_type) {
    case DataType::kString:
      if (def.max_limit && static_cast<double>(value.size()) > *def.max_limit) {
        return "longer than " + FormatNumber(*def.max_limit) + " characters";
      }
      if (def.min_limit && static_cast<double>(value.size()) < *def.min_limit) {
        return "shorter than " + FormatNumber(*def.min_limit) + " characters";
      }
      return "";
    case DataType::kInteger: {
      long long v = 0;
      if (!ParseInteger(value, &v)) return "not an integer";
      return CheckLimits(def, static_cast<double>(v));
    }
    case DataType::kDecimal: {
      double v = 0;
      if (!ParseDouble(value, &v)) return "not a decimal number";
      return CheckLimits(def, v);
    }
    case DataType::kBoolean:
      return value == "true" || value == "false" ? "" : "not true or false";
    case DataType::kDateTime:
      return value.size() >= 20 && value[10] == 'T' ? "" : "not an RFC 3339 date-time";
    case DataType::kOptionList: {
      for (std::string_view option : SplitList(def.values_list)) {
        if (option == value) return "";
      }
      return "not one of " + std::string(def.values_list);
    }
    case DataType::kSequenceList:
    case DataType::kMemberList: {
      if (value.empty()) return def.data_type == DataType::kSequenceList ? "empty" : "";
      std::set<std::string_view> seen;
      std::vector<std::string_view> allowed = SplitList(def.values_list);
      for (std::string_view item : SplitList(value)) {
        if (item.empty()) return "has an empty item";
        if (!seen.insert(item).second) return "lists '" + std::string(item) + "' twice";
        if (!def.values_list.empty() &&
            std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
          return "'" + std::string(item) + "' is not one of " + std::string(def.values_list);
        }
      }
      return "";
    }
  }
  return "unknown data type";
}

// --- schema --------------------------------------------------------------------

Result<std::shared_ptr<const DeviceModelSchema>> DeviceModelSchema::Build(
    const std::vector<catalog::Evse>& layout, const std::vector<VariableDef>& defs) {
  auto schema = std::shared_ptr<DeviceModelSchema>(new DeviceModelSchema());
  schema->layout_ = layout;
  schema->defs_ = defs;
  std::uint32_t next_value = 0;
  auto add = [&](const VariableDef& def, int evse, int connector) -> Status {
    if (def.attributes.empty() || def.attributes.size() > 4) {
      return Status::InvalidArgument(std::string(def.component) + "." + std::string(def.variable) +
                                     ": needs 1..4 attributes");
    }
    std::string key =
        AddressKey(def.component, "", evse, connector, def.variable, def.variable_instance);
    if (!schema->by_address_.emplace(key, schema->items_.size()).second) {
      return Status::AlreadyExists(std::string(def.component) + "." + std::string(def.variable) +
                                   ": defined twice");
    }
    schema->components_.emplace(AddressKey(def.component, "", evse, connector), 0);
    schema->items_.push_back(Item{&def, evse, connector, next_value});
    next_value += static_cast<std::uint32_t>(def.attributes.size());
    return Status::Ok();
  };
  for (const VariableDef& def : schema->defs_) {
    switch (def.scope) {
      case Scope::kStation:
        EVPROV_TRY(add(def, 0, 0));
        break;
      case Scope::kEvse:
        for (const auto& evse : layout) EVPROV_TRY(add(def, evse.id, 0));
        break;
      case Scope::kConnector:
        for (const auto& evse : layout) {
          for (const auto& c : evse.connectors) EVPROV_TRY(add(def, evse.id, c.id));
        }
        break;
    }
  }
  schema->value_count_ = next_value;
  schema->skeletons_.reserve(schema->items_.size());
  for (const Item& item : schema->items_) schema->skeletons_.push_back(schema->BuildSkeleton(item));
  schema->report_texts_.reserve(schema->items_.size());
  for (std::size_t i = 0; i < schema->items_.size(); ++i)
    schema->report_texts_.push_back(schema->BuildReportText(i));
  schema->value_keys_.resize(next_value);
  for (const Item& item : schema->items_) {
    for (std::size_t a = 0; a < item.def->attributes.size(); ++a) {
      std::string key = schema->Key(item);
      AttributeType type = item.def->attributes[a].type;
      if (type != AttributeType::kActual) key += "#" + std::string(AttributeTypeName(type));
      schema->value_keys_[item.first_value + a] = std::move(key);
    }
  }
  return std::shared_ptr<const DeviceModelSchema>(std::move(schema));
}

bool DeviceModelSchema::HasComponent(const VariableAddress& a) const {
  return components_.contains(AddressKey(a.component, a.component_instance, a.evse, a.connector));
}

std::optional<std::size_t> DeviceModelSchema::Find(const VariableAddress& a) const {
  auto it = by_address_.find(AddressKey(a.component, a.component_instance, a.evse, a.connector,
                                        a.variable, a.variable_instance));
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

std::string DeviceModelSchema::Key(const Item& item) const {
  std::string k(item.def->component);
  if (item.evse != 0) k += "@" + std::to_string(item.evse);
  if (item.connector != 0) k += "." + std::to_string(item.connector);
  k += "/";
  k += item.def->variable;
  if (!item.def->variable_instance.empty()) {
    k += ":";
    k += item.def->variable_instance;
  }
  return k;
}

nlohmann::json DeviceModelSchema::ComponentJson(const Item& item) const {
  nlohmann::json c = {{"name", item.def->component}};
  if (item.evse != 0) {
    c["evse"] = {{"id", item.evse}};
    if (item.connector != 0) c["evse"]["connectorId"] = item.connector;
  }
  return c;
}

bool DeviceModelSchema::Configurable(std::size_t item) const {
  const auto& attributes = items_[item].def->attributes;
  return std::any_of(attributes.begin(), attributes.end(),
                     [](const AttributeDef& a) { return a.mutability != Mutability::kReadOnly; });
}

nlohmann::json DeviceModelSchema::BuildSkeleton(const Item& item) const {
  const VariableDef& def = *item.def;
  nlohmann::json attributes = nlohmann::json::array();
  for (const AttributeDef& attr : def.attributes) {
    attributes.push_back({{"type", AttributeTypeName(attr.type)},
                          {"mutability", MutabilityName(attr.mutability)},
                          {"persistent", true},
                          {"constant", def.constant}});
  }
  nlohmann::json characteristics = {{"dataType", DataTypeName(def.data_type)},
                                    {"supportsMonitoring", false}};
  if (!def.unit.empty()) characteristics["unit"] = def.unit;
  if (def.min_limit) characteristics["minLimit"] = *def.min_limit;
  if (def.max_limit) characteristics["maxLimit"] = *def.max_limit;
  if (!def.values_list.empty()) characteristics["valuesList"] = def.values_list;
  return {{"component", ComponentJson(item)},
          {"variable", VariableJson(item)},
          {"variableAttribute", std::move(attributes)},
          {"variableCharacteristics", std::move(characteristics)}};
}

nlohmann::json DeviceModelSchema::ReportEntry(
    std::size_t item, const std::function<std::string(std::size_t)>& value) const {
  nlohmann::json entry = skeletons_[item];
  auto& attributes = entry["variableAttribute"];
  const auto& defs = items_[item].def->attributes;
  for (std::size_t a = 0; a < defs.size(); ++a) {
    if (defs[a].mutability != Mutability::kWriteOnly) attributes[a]["value"] = value(a);
  }
  return entry;
}

DeviceModelSchema::ReportText DeviceModelSchema::BuildReportText(std::size_t item) const {
  // Each value is first a marker that no definition's text holds, U+0001 and
  // the attribute index; the text of the quoted marker is then cut out.
  static constexpr std::string_view kMarkerText = "\"\\u0001";  // as written: "\u0001
  const std::string text = ReportEntry(item, [](std::size_t a) {
                             return "\x01" + std::to_string(a);
                           }).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ReportText out;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find(kMarkerText, from)) != std::string::npos;) {
    const std::size_t index_at = at + kMarkerText.size();
    const std::size_t end = text.find('"', index_at);
    out.pieces.push_back(text.substr(from, at - from));
    out.slots.push_back(std::stoul(text.substr(index_at, end - index_at)));
    from = end + 1;
  }
  out.pieces.push_back(text.substr(from));
  return out;
}

nlohmann::json DeviceModelSchema::VariableJson(const Item& item) const {
  nlohmann::json v = {{"name", item.def->variable}};
  if (!item.def->variable_instance.empty()) v["instance"] = item.def->variable_instance;
  return v;
}

// --- per-unit values ----------------------------------------------------------------

DeviceModel::DeviceModel(std::shared_ptr<const DeviceModelSchema> schema, const StationFacts& facts)
    : schema_(std::move(schema)),
      values_(schema_->value_count()),
      written_(schema_->value_count(), false) {
  for (const auto& item : schema_->items()) {
    const catalog::Evse* evse = nullptr;
    const catalog::Connector* connector = nullptr;
    for (const auto& e : schema_->layout()) {
      if (e.id != item.evse) continue;
      evse = &e;
      for (const auto& c : e.connectors) {
        if (c.id == item.connector) connector = &c;
      }
    }
    for (std::size_t i = 0; i < item.def->attributes.size(); ++i) {
      values_[item.first_value + i] = InitialValue(item.def->attributes[i], facts, evse, connector);
    }
  }
}

Lookup DeviceModel::Resolve(const VariableAddress& a, AttributeType type) const {
  Lookup r;
  auto item = schema_->Find(a);
  std::string name = a.component + "." + a.variable;
  if (!item) {
    if (!schema_->HasComponent(a)) {
      r.status = AttributeStatus::kUnknownComponent;
      r.message = a.component + ": unknown component";
    } else {
      r.status = AttributeStatus::kUnknownVariable;
      r.message = name + ": unknown variable";
    }
    return r;
  }
  const auto& it = schema_->items()[*item];
  for (std::size_t i = 0; i < it.def->attributes.size(); ++i) {
    if (it.def->attributes[i].type == type) {
      r.item = *item;
      r.value = it.first_value + i;
      return r;
    }
  }
  r.status = AttributeStatus::kNotSupportedAttributeType;
  r.message = name + ": attribute " + std::string(AttributeTypeName(type)) + " not supported";
  return r;
}

Lookup DeviceModel::CheckGet(const VariableAddress& a, AttributeType type) const {
  Lookup r = Resolve(a, type);
  if (r.status != AttributeStatus::kAccepted) return r;
  const auto& item = schema_->items()[r.item];
  if (item.def->attributes[r.value - item.first_value].mutability == Mutability::kWriteOnly) {
    r.status = AttributeStatus::kRejected;
    r.reason_code = "WriteOnly";
    r.message = a.component + "." + a.variable + ": write-only";
  }
  return r;
}

Lookup DeviceModel::CheckSet(const VariableAddress& a, AttributeType type,
                             std::string_view value) const {
  Lookup r = Resolve(a, type);
  if (r.status != AttributeStatus::kAccepted) return r;
  const auto& item = schema_->items()[r.item];
  std::string name = a.component + "." + a.variable;
  if (item.def->attributes[r.value - item.first_value].mutability == Mutability::kReadOnly) {
    r.status = AttributeStatus::kRejected;
    r.reason_code = "ReadOnly";
    r.message = name + ": read-only";
    return r;
  }
  std::string why = CheckValue(*item.def, value);
  if (!why.empty()) {
    r.status = AttributeStatus::kRejected;
    r.reason_code = "InvalidValue";
    r.message = name + ": " + why;
  }
  return r;
}

void DeviceModel::Write(std::size_t index, std::string value) {
  values_[index] = std::move(value);
  written_[index] = true;
}

std::optional<std::size_t> DeviceModel::FindValue(std::string_view component,
                                                  std::string_view variable,
                                                  std::string_view variable_instance) const {
  VariableAddress a;
  a.component = std::string(component);
  a.variable = std::string(variable);
  a.variable_instance = std::string(variable_instance);
  Lookup r = Resolve(a, AttributeType::kActual);
  if (r.status != AttributeStatus::kAccepted) return std::nullopt;
  return r.value;
}

std::string_view DeviceModel::Get(std::string_view component, std::string_view variable,
                                  std::string_view variable_instance) const {
  auto index = FindValue(component, variable, variable_instance);
  return index ? std::string_view(values_[*index]) : std::string_view();
}

void DeviceModel::Set(std::string_view component, std::string_view variable, std::string value,
                      std::string_view variable_instance) {
  auto index = FindValue(component, variable, variable_instance);
  assert(index && "DeviceModel::Set of an undefined variable");
  if (index) Write(*index, std::move(value));
}

std::vector<nlohmann::json> DeviceModel::ReportData(ReportBase base) const {
  std::vector<nlohmann::json> out;
  for (std::size_t i : ReportItems(base)) {
    const std::uint32_t first = schema_->items()[i].first_value;
    out.push_back(schema_->ReportEntry(i, [&](std::size_t a) { return values_[first + a]; }));
  }
  return out;
}

std::vector<std::size_t> DeviceModel::ReportItems(ReportBase base) const {
  std::vector<std::size_t> out;
  out.reserve(schema_->items().size());
  for (std::size_t i = 0; i < schema_->items().size(); ++i) {
    if (base == ReportBase::kConfigurationInventory && !schema_->Configurable(i)) continue;
    out.push_back(i);
  }
  return out;
}

void DeviceModel::AppendReportEntry(std::string& out, std::size_t item) const {
  const DeviceModelSchema::ReportText& text = schema_->ReportTextOf(item);
  const std::uint32_t first = schema_->items()[item].first_value;
  for (std::size_t s = 0; s < text.slots.size(); ++s) {
    out += text.pieces[s];
    ocpp::AppendJsonString(out, values_[first + text.slots[s]]);
  }
  out += text.pieces.back();
}

nlohmann::json DeviceModel::WrittenValues() const {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t index = 0; index < values_.size(); ++index) {
    if (written_[index]) out[schema_->ValueKey(index)] = values_[index];
  }
  return out;
}

std::vector<std::string> DeviceModel::LoadWrittenValues(const nlohmann::json& values) {
  std::unordered_map<std::string_view, std::size_t> keys;
  for (std::size_t index = 0; index < values_.size(); ++index) {
    keys.emplace(schema_->ValueKey(index), index);
  }
  std::vector<std::string> unknown;
  for (const auto& [key, value] : values.items()) {
    auto it = keys.find(key);
    if (it == keys.end() || !value.is_string()) {
      unknown.push_back(key);
      continue;
    }
    Write(it->second, value.get<std::string>());
  }
  return unknown;
}

std::size_t DeviceModel::ApproximateBytes() const {
  std::size_t bytes =
      sizeof(*this) + values_.capacity() * sizeof(std::string) + written_.capacity() / 8;
  for (const auto& v : values_) {
    if (v.capacity() > 15) bytes += v.capacity() + 1;  // beyond the small-string buffer
  }
  return bytes;
}

}  // namespace evprov::sim
