// Placeholders in variant templates (device_model[].value): the one fixed set
// of ${env.X} and ${unit.X} names a template may use, how they are found, and
// how the configure step expands them, e.g. "${env.ntp_servers[0]}".
// Anything else is rejected at load time, naming the placeholder; the list
// (with each value's meaning) is in docs/catalog.md. Endpoints reach a charger
// only through ${env.*}, never as a literal in a variant.
//
// Connector labels have their own placeholders (${evse} ${connector}
// ${serial} ${charger_id}), rendered by identity::RenderLabel.
//
// Thread-safety: pure functions over values; callable from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::catalog {

// Every name a template may use, e.g. "env.csms_url", "unit.serial".
const std::vector<std::string>& AllowedPlaceholders();

// The names inside ${...} in text, in order ("env.csms_url"); InvalidArgument
// for a "${" without its "}" or an empty name.
Result<std::vector<std::string>> FindPlaceholders(std::string_view text);

// Ok when every placeholder of text is allowed; else InvalidArgument
// "unknown placeholder '${env.foo}' (allowed: ...)".
Status CheckPlaceholders(std::string_view text);

// Replaces every ${name} with values.at(name); InvalidArgument naming the
// first placeholder that has no value.
Result<std::string> ExpandPlaceholders(std::string_view text,
                                       const std::map<std::string, std::string>& values);

// The env.* values an environment provides, keyed by placeholder name
// ("env.csms_url", "env.ntp_servers[0]", ...). Lists give one entry per
// element; absent optional fields give no entry.
std::map<std::string, std::string> EnvironmentPlaceholderValues(const Environment& env);

// What a unit contributes to ${unit.*}.
struct UnitNames {
  std::string serial;
  std::string charger_id;
  std::string hardware_id;
  std::string hardware_revision;
};

// The unit.* values for a unit of the variant ("unit.serial", ...,
// "unit.evse_count", "unit.connector_count"); empty names give no entry.
std::map<std::string, std::string> UnitPlaceholderValues(const Variant& variant,
                                                         const UnitNames& unit);

// The variant's device_model with every value expanded for one unit in one
// environment: what the configure step sends with SetVariables.
// InvalidArgument "device_model[3].value: placeholder '${env.apn}' has no value".
Result<std::vector<VariableSetting>> ExpandTemplate(const Variant& variant, const Environment& env,
                                                    const UnitNames& unit);

}  // namespace evprov::catalog
