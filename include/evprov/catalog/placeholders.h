// Placeholders in variant templates: the one fixed set of names a variant may
// use, how they are found, and how the configure step expands them.
//
//   device_model[].value:  ${env.X} and ${unit.X}   e.g. "${env.ntp_servers[0]}"
//   evses[].connectors[].label:  ${evse} ${connector} ${unit.serial}
//
// Anything else is rejected at load time, naming the placeholder; the list
// (with each value's meaning) is in docs/catalog.md. Endpoints reach a charger
// only through ${env.*}, never as a literal in a variant.
//
// Thread-safety: pure functions over values; callable from any thread.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::catalog {

enum class PlaceholderContext {
  kTemplateValue,  // device_model[].value
  kLabel,          // evses[].connectors[].label
};

// Every name allowed in the context, e.g. "env.csms_url", "unit.serial", "evse".
const std::vector<std::string>& AllowedPlaceholders(PlaceholderContext context);

// The names inside ${...} in text, in order ("env.csms_url"); InvalidArgument
// for a "${" without its "}" or an empty name.
Result<std::vector<std::string>> FindPlaceholders(std::string_view text);

// Ok when every placeholder of text is allowed in the context; else
// InvalidArgument "unknown placeholder '${env.foo}' (allowed: ...)".
Status CheckPlaceholders(std::string_view text, PlaceholderContext context);

// Replaces every ${name} with values.at(name); InvalidArgument naming the
// first placeholder that has no value.
Result<std::string> ExpandPlaceholders(std::string_view text,
                                       const std::map<std::string, std::string>& values);

// The env.* values an environment provides, keyed by placeholder name
// ("env.csms_url", "env.ntp_servers[0]", ...). Lists give one entry per
// element; absent optional fields give no entry.
std::map<std::string, std::string> EnvironmentPlaceholderValues(const Environment& env);

// The longest text a label placeholder can expand to (unit.serial: 25).
// REQUIRES: name is allowed in PlaceholderContext::kLabel and is not evse/connector.
std::size_t MaxLabelPlaceholderLength(std::string_view name);

}  // namespace evprov::catalog
