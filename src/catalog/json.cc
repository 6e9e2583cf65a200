// Canonical JSON: value -> nlohmann (sorted keys) -> compact text; back
// through the same MapReader the YAML loader uses (JSON is YAML), so the
// type checks exist once.
#include "evprov/catalog/json.h"

#include <nlohmann/json.hpp>

#include "catalog/documents.h"
#include "catalog/yaml_reader.h"
#include "evprov/common/hex.h"

namespace evprov::catalog {
namespace {

using nlohmann::json;

template <typename T>
void PutOptional(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

json VariantJson(const Variant& v) {
  json evses = json::array();
  for (const Evse& e : v.evses) {
    json connectors = json::array();
    for (const Connector& c : e.connectors) {
      connectors.push_back({{"id", c.id},
                            {"type", c.type},
                            {"max_current_a", c.max_current_a},
                            {"phases", c.phases},
                            {"label", c.label}});
    }
    evses.push_back({{"id", e.id}, {"max_power_kw", e.max_power_kw}, {"connectors", connectors}});
  }
  json settings = json::array();
  for (const VariableSetting& s : v.device_model) {
    json j = {{"component", s.component},
              {"variable", s.variable},
              {"attribute", s.attribute},
              {"value", s.value}};
    PutOptional(j, "component_instance", s.component_instance);
    PutOptional(j, "evse", s.evse);
    PutOptional(j, "connector", s.connector);
    PutOptional(j, "variable_instance", s.variable_instance);
    settings.push_back(std::move(j));
  }
  json params = json::array();
  for (const FieldParameter& p : v.field_parameters) {
    params.push_back({{"name", p.name}, {"description", p.description}});
  }
  json j = {
      {"name", v.name},
      {"vendor_name", v.vendor_name},
      {"model", v.model},
      {"description", v.description},
      {"hardware_revisions", v.hardware_revisions},
      {"evses", evses},
      {"limits",
       {{"max_current_a", v.limits.max_current_a},
        {"phases", v.limits.phases},
        {"thermal",
         {{"derate_start_c", v.limits.thermal.derate_start_c},
          {"shutdown_c", v.limits.thermal.shutdown_c}}}}},
      {"features", json(v.features)},
      {"logging",
       {{"level", v.logging.level},
        {"diagnostics_upload", v.logging.diagnostics_upload},
        {"retention_days", v.logging.retention_days}}},
      {"time_sync",
       {{"source", v.time_sync.source},
        {"time_zone", v.time_sync.time_zone},
        {"sync_interval_s", v.time_sync.sync_interval_s}}},
      {"device_model", settings},
      {"field_parameters", params},
      {"naming",
       {{"prefix", v.naming.prefix},
        {"serial_pattern", v.naming.serial_pattern},
        {"charger_id_pattern", v.naming.charger_id_pattern},
        {"gap_free", v.naming.gap_free}}},
      {"firmware", {{"version", v.firmware.version}, {"release", v.firmware.release}}},
  };
  if (v.serial_variable) {
    j["serial_variable"] = {{"component", v.serial_variable->component},
                            {"variable", v.serial_variable->variable}};
  }
  return j;
}

json EnvironmentJson(const Environment& e) {
  json j = {
      {"name", e.name},
      {"kind", e.kind},
      {"csms_url", e.csms_url},
      {"security_profile", e.security_profile},
      {"organization_name", e.organization_name},
      {"ntp_servers", e.ntp_servers},
      {"dns_servers", e.dns_servers},
      {"apn",
       {{"apn", e.apn.apn},
        {"username", e.apn.username},
        {"authentication", e.apn.authentication},
        {"preferred_network", e.apn.preferred_network},
        {"use_only_preferred", e.apn.use_only_preferred}}},
      {"cpms_registration_url", e.cpms_registration_url},
      {"issuing_ca", e.issuing_ca},
  };
  PutOptional(j, "emi3_country", e.emi3_country);
  PutOptional(j, "emi3_operator", e.emi3_operator);
  return j;
}

// Strings were checked to be UTF-8 on the way in; replace keeps a hand-built
// value from throwing.
std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

template <typename T>
Result<T> FromJson(std::string_view text, std::string_view what,
                   void (*read)(const YAML::Node&, Issues&, T&)) {
  Issues issues;
  T value{};
  if (!json::accept(text)) {
    issues.Add("", "not valid JSON");
  } else if (std::optional<YAML::Node> root = ParseYaml(text, issues)) {
    read(*root, issues, value);
  }
  EVPROV_TRY(issues.ToStatus(what));
  return value;
}

}  // namespace

std::string ToJson(const Variant& variant) {
  return Dump(VariantJson(variant));
}
std::string ToJson(const Environment& env) {
  return Dump(EnvironmentJson(env));
}
std::string ToJson(const WorkOrder& o) {
  return Dump({{"id", o.id},
               {"variant", o.variant_name + "@" + std::to_string(o.variant_version)},
               {"environment", o.environment},
               {"quantity", o.quantity},
               {"customer", o.customer},
               {"site_group", o.site_group},
               {"tariff", o.tariff}});
}

Result<Variant> VariantFromJson(std::string_view json) {
  return FromJson<Variant>(json, "variant JSON", ReadVariant);
}
Result<Environment> EnvironmentFromJson(std::string_view json) {
  return FromJson<Environment>(json, "environment JSON", ReadEnvironment);
}
Result<WorkOrder> WorkOrderFromJson(std::string_view json) {
  return FromJson<WorkOrder>(json, "work order JSON", ReadWorkOrder);
}

std::string ContentSha256(const Variant& variant) {
  return Sha256Hex(ToJson(variant));
}
std::string ContentSha256(const Environment& env) {
  return Sha256Hex(ToJson(env));
}

}  // namespace evprov::catalog
