#include "evprov/catalog/placeholders.h"

#include <algorithm>

namespace evprov::catalog {
namespace {

constexpr std::string_view kOpen = "${";
// How many list elements a template may index: env.ntp_servers[0..3].
constexpr int kMaxListIndex = 4;

std::vector<std::string> TemplateNames() {
  std::vector<std::string> names = {
      "env.name",
      "env.kind",
      "env.csms_url",
      "env.security_profile",
      "env.organization_name",
      "env.apn",
      "env.apn_username",
      "env.apn_authentication",
      "env.apn_preferred_network",
      "env.emi3_country",
      "env.emi3_operator",
      "unit.serial",
      "unit.charger_id",
      "unit.hardware_id",
      "unit.hardware_revision",
      "unit.evse_count",
      "unit.connector_count",
  };
  for (std::string_view list : {"env.ntp_servers", "env.dns_servers"}) {
    for (int i = 0; i < kMaxListIndex; ++i) {
      names.push_back(std::string(list) + "[" + std::to_string(i) + "]");
    }
  }
  return names;
}

void PutIfSet(std::map<std::string, std::string>& values, std::string_view name,
              const std::string& value) {
  if (!value.empty()) values[std::string(name)] = value;
}

}  // namespace

const std::vector<std::string>& AllowedPlaceholders() {
  static const std::vector<std::string> kNames = TemplateNames();
  return kNames;
}

Result<std::vector<std::string>> FindPlaceholders(std::string_view text) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while ((pos = text.find(kOpen, pos)) != std::string_view::npos) {
    const std::size_t close = text.find('}', pos);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("placeholder '" + std::string(text.substr(pos, 20)) +
                                     "' has no closing '}'");
    }
    std::string_view name = text.substr(pos + kOpen.size(), close - pos - kOpen.size());
    if (name.empty()) return Status::InvalidArgument("empty placeholder '${}'");
    names.emplace_back(name);
    pos = close + 1;
  }
  return names;
}

Status CheckPlaceholders(std::string_view text) {
  EVPROV_ASSIGN_OR_RETURN(std::vector<std::string> names, FindPlaceholders(text));
  const std::vector<std::string>& allowed = AllowedPlaceholders();
  for (const std::string& name : names) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string msg = "unknown placeholder '${";
    msg += name;
    msg += "}' (allowed: the ${env.*} and ${unit.*} names in docs/catalog.md)";
    return Status::InvalidArgument(std::move(msg));
  }
  return Status::Ok();
}

Result<std::string> ExpandPlaceholders(std::string_view text,
                                       const std::map<std::string, std::string>& values) {
  EVPROV_TRY(FindPlaceholders(text).status());
  std::string out;
  std::size_t pos = 0;
  std::size_t open = 0;
  while ((open = text.find(kOpen, pos)) != std::string_view::npos) {
    const std::size_t close = text.find('}', open);
    const std::string name(text.substr(open + kOpen.size(), close - open - kOpen.size()));
    auto it = values.find(name);
    if (it == values.end()) {
      return Status::InvalidArgument("placeholder '${" + name + "}' has no value");
    }
    out += text.substr(pos, open - pos);
    out += it->second;
    pos = close + 1;
  }
  out += text.substr(pos);
  return out;
}

std::map<std::string, std::string> EnvironmentPlaceholderValues(const Environment& env) {
  std::map<std::string, std::string> v = {
      {"env.name", env.name},
      {"env.kind", env.kind},
      {"env.csms_url", env.csms_url},
      {"env.security_profile", std::to_string(env.security_profile)},
      {"env.organization_name", env.organization_name},
  };
  auto put_list = [&v](std::string_view name, const std::vector<std::string>& list) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      v[std::string(name) + "[" + std::to_string(i) + "]"] = list[i];
    }
  };
  put_list("env.ntp_servers", env.ntp_servers);
  put_list("env.dns_servers", env.dns_servers);
  PutIfSet(v, "env.apn", env.apn.apn);
  PutIfSet(v, "env.apn_username", env.apn.username);
  PutIfSet(v, "env.apn_authentication", env.apn.authentication);
  PutIfSet(v, "env.apn_preferred_network", env.apn.preferred_network);
  PutIfSet(v, "env.emi3_country", env.emi3_country.value_or(""));
  PutIfSet(v, "env.emi3_operator", env.emi3_operator.value_or(""));
  return v;
}

std::map<std::string, std::string> UnitPlaceholderValues(const Variant& variant,
                                                         const UnitNames& unit) {
  std::size_t connectors = 0;
  for (const Evse& e : variant.evses) connectors += e.connectors.size();
  std::map<std::string, std::string> v = {
      {"unit.evse_count", std::to_string(variant.evses.size())},
      {"unit.connector_count", std::to_string(connectors)},
  };
  PutIfSet(v, "unit.serial", unit.serial);
  PutIfSet(v, "unit.charger_id", unit.charger_id);
  PutIfSet(v, "unit.hardware_id", unit.hardware_id);
  PutIfSet(v, "unit.hardware_revision", unit.hardware_revision);
  return v;
}

Result<std::vector<VariableSetting>> ExpandTemplate(const Variant& variant, const Environment& env,
                                                    const UnitNames& unit) {
  std::map<std::string, std::string> values = EnvironmentPlaceholderValues(env);
  values.merge(UnitPlaceholderValues(variant, unit));
  std::vector<VariableSetting> out = variant.device_model;
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto expanded = ExpandPlaceholders(out[i].value, values);
    if (!expanded.ok()) {
      return expanded.status().WithContext("device_model[" + std::to_string(i) + "].value");
    }
    out[i].value = std::move(expanded).value();
  }
  return out;
}

}  // namespace evprov::catalog
