// The rules of a variant (docs/catalog.md, "Variant"): value -> findings.
#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "catalog/documents.h"
#include "evprov/catalog/placeholders.h"
#include "evprov/identity/connectors.h"
#include "evprov/identity/naming.h"

namespace evprov::catalog {
namespace {

// OCPP 2.0.1 ConnectorEnumType.
const std::vector<std::string_view> kConnectorTypes = {
    "cCCS1",       "cCCS2",       "cG105",          "cTesla",          "cType1",   "cType2",
    "s309-1P-16A", "s309-1P-32A", "s309-3P-16A",    "s309-3P-32A",     "sBS1361",  "sCEE-7-7",
    "sType2",      "sType3",      "Other1PhMax16A", "Other1PhOver16A", "Other3Ph", "Pan",
    "wInductive",  "wResonant",   "Undetermined",   "Unknown"};
// Connectors that deliver DC only (phases must be 0) and those that may (phases may be 0).
const std::vector<std::string_view> kDcOnlyTypes = {"cCCS1", "cCCS2", "cG105"};
const std::vector<std::string_view> kDcCapableTypes = {"cCCS1", "cCCS2", "cG105", "cTesla"};

const std::vector<std::string_view> kAttributes = {"Actual", "Target", "MinSet", "MaxSet"};
const std::vector<std::string_view> kLogLevels = {"error", "warn", "info", "debug"};
const std::vector<std::string_view> kTimeSources = {"ntp", "heartbeat"};

constexpr std::size_t kMaxLabel = 32;
constexpr std::size_t kMaxName50 = 50;   // OCPP component / variable names
constexpr std::size_t kMaxValue = 1000;  // OCPP SetVariableData.attributeValue
constexpr std::size_t kMaxDescription = 1000;
constexpr std::size_t kMaxEvses = 32;
constexpr std::size_t kMaxConnectors = 8;

// Variables a template may not set, and who sets them instead.
struct Reserved {
  std::string_view component;
  std::string_view variable;
  std::string_view reason;
};
constexpr Reserved kReserved[] = {
    {"SecurityCtrlr", "BasicAuthPassword", "is a per-unit secret set by the credentials step"},
    {"SecurityCtrlr", "Identity", "is the charger ID set by the identity step"},
    {"SecurityCtrlr", "SecurityProfile", "is read-only; it follows SetNetworkProfile"},
};

bool Contains(const std::vector<std::string_view>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Endpoints reach a charger only through ${env.*}: no literal WebSocket URL.
void CheckNoEndpoint(Issues& issues, std::string_view path, std::string_view text) {
  const std::string lower = Lower(text);
  if (lower.find("ws://") != std::string::npos || lower.find("wss://") != std::string::npos) {
    issues.Add(path,
               "a literal ws:// or wss:// URL is not allowed in a variant; use ${env.csms_url}");
  }
}

void CheckPlaceholdersAt(Issues& issues, std::string_view path, std::string_view text) {
  Status s = CheckPlaceholders(text);
  if (!s.ok()) issues.Add(path, s.message());
}

// Ids run 1..N in list order: entry i must have id i+1.
void CheckSequentialId(Issues& issues, std::string_view path, int id, std::size_t index,
                       std::string_view what) {
  const int want = static_cast<int>(index) + 1;
  if (id != want) {
    issues.Add(path, "must be " + std::to_string(want) + " (" + std::string(what) +
                         " ids run 1..N in list order without gaps; got " + std::to_string(id) +
                         ")");
  }
}

// The longest names a label can show: an MES-supplied serial may use the
// whole OCPP limit; the charger ID is bounded by its pattern.
identity::ConnectorNames WorstCaseNames(const NamingConvention& naming) {
  std::size_t charger_id = identity::kMaxChargerIdLength;
  auto pattern = identity::ParseNamingPattern(naming.charger_id_pattern);
  if (pattern.ok()) charger_id = identity::MaxRenderedLength(*pattern, naming.prefix.size());
  return {std::string(charger_id, 'W'), std::string(identity::kMaxSerialLength, 'W')};
}

// Labels are rendered by identity::RenderLabel; here they must render, and
// fit the label, with every name at its longest.
void CheckLabel(Issues& issues, const std::string& path, const Connector& c, int evse,
                const identity::ConnectorNames& worst) {
  CheckNoEndpoint(issues, path, c.label);
  if (c.label.empty()) {
    issues.Add(path, "must not be empty");
    return;
  }
  auto rendered = identity::RenderLabel(c.label, evse, c.id, worst);
  if (!rendered.ok()) {
    std::string_view reason = rendered.status().message();
    constexpr std::string_view kOwnPrefix = "label: ";
    if (reason.substr(0, kOwnPrefix.size()) == kOwnPrefix) reason.remove_prefix(kOwnPrefix.size());
    issues.Add(path, reason);
    return;
  }
  const std::size_t n = CharCount(*rendered);
  if (n > kMaxLabel) {
    issues.Add(path, "renders to up to " + std::to_string(n) + " characters; the limit is " +
                         std::to_string(kMaxLabel));
  }
}

void CheckConnector(Issues& issues, const std::string& path, const Connector& c, int evse,
                    const identity::ConnectorNames& worst) {
  if (CheckOneOf(issues, Join(path, "type"), c.type, kConnectorTypes)) {
    const std::string phases = Join(path, "phases");
    if (c.phases != 0 && c.phases != 1 && c.phases != 3) {
      issues.Add(phases, "must be 0, 1 or 3 (got " + std::to_string(c.phases) + ")");
    } else if (c.phases == 0 && !Contains(kDcCapableTypes, c.type)) {
      issues.Add(phases, "0 (DC) is only for DC connector types; " + c.type + " needs 1 or 3");
    } else if (c.phases != 0 && Contains(kDcOnlyTypes, c.type)) {
      issues.Add(phases, c.type + " is a DC connector: phases must be 0 (got " +
                             std::to_string(c.phases) + ")");
    }
  }
  CheckRange(issues, Join(path, "max_current_a"), c.max_current_a, {0, 1000, true});
  CheckLabel(issues, Join(path, "label"), c, evse, worst);
}

void CheckLayout(const Variant& v, Issues& issues) {
  if (v.evses.empty()) issues.Add("evses", "must list at least one EVSE");
  if (v.evses.size() > kMaxEvses) {
    issues.Add("evses", "at most " + std::to_string(kMaxEvses) + " EVSEs");
  }
  int max_ac_phases = 0;
  const identity::ConnectorNames worst = WorstCaseNames(v.naming);
  for (std::size_t i = 0; i < v.evses.size(); ++i) {
    const Evse& e = v.evses[i];
    const std::string path = Index("evses", i);
    CheckSequentialId(issues, Join(path, "id"), e.id, i, "EVSE");
    CheckRange(issues, Join(path, "max_power_kw"), e.max_power_kw, {0, 4000, true});
    const std::string cpath = Join(path, "connectors");
    if (e.connectors.empty()) issues.Add(cpath, "must list at least one connector");
    if (e.connectors.size() > kMaxConnectors) {
      issues.Add(cpath, "at most " + std::to_string(kMaxConnectors) + " connectors per EVSE");
    }
    for (std::size_t k = 0; k < e.connectors.size(); ++k) {
      const Connector& c = e.connectors[k];
      CheckSequentialId(issues, Join(Index(cpath, k), "id"), c.id, k, "connector");
      CheckConnector(issues, Index(cpath, k), c, e.id, worst);
      max_ac_phases = std::max(max_ac_phases, c.phases);
    }
  }
  const OperatingLimits& l = v.limits;
  CheckRange(issues, "limits.max_current_a", l.max_current_a, {0, 1000, true});
  if (l.phases != 0 && l.phases != 1 && l.phases != 3) {
    issues.Add("limits.phases", "must be 0, 1 or 3 (got " + std::to_string(l.phases) + ")");
  } else if (l.phases < max_ac_phases) {
    issues.Add("limits.phases", "must be at least " + std::to_string(max_ac_phases) +
                                    ", the most phases of an AC connector (got " +
                                    std::to_string(l.phases) + ")");
  }
  constexpr Range kCelsius{0, 150, true, true};
  const bool derate_ok =
      CheckRange(issues, "limits.thermal.derate_start_c", l.thermal.derate_start_c, kCelsius);
  const bool shutdown_ok =
      CheckRange(issues, "limits.thermal.shutdown_c", l.thermal.shutdown_c, kCelsius);
  if (derate_ok && shutdown_ok && !(l.thermal.shutdown_c > l.thermal.derate_start_c)) {
    issues.Add("limits.thermal.shutdown_c", "must be greater than limits.thermal.derate_start_c");
  }
}

bool HasEvse(const Variant& v, int evse) {
  return evse >= 1 && evse <= int(v.evses.size());
}

void CheckDeviceModel(const Variant& v, Issues& issues) {
  std::set<std::tuple<std::string, std::string, int, int, std::string, std::string, std::string>>
      seen;
  for (std::size_t i = 0; i < v.device_model.size(); ++i) {
    const VariableSetting& s = v.device_model[i];
    const std::string path = Index("device_model", i);
    CheckLength(issues, Join(path, "component"), s.component, 1, kMaxName50);
    CheckLength(issues, Join(path, "variable"), s.variable, 1, kMaxName50);
    if (s.component_instance) {
      CheckLength(issues, Join(path, "component_instance"), *s.component_instance, 1, kMaxName50);
    }
    if (s.variable_instance) {
      CheckLength(issues, Join(path, "variable_instance"), *s.variable_instance, 1, kMaxName50);
    }
    CheckOneOf(issues, Join(path, "attribute"), s.attribute, kAttributes);
    if (s.evse && !HasEvse(v, *s.evse)) {
      issues.Add(Join(path, "evse"), "refers to EVSE " + std::to_string(*s.evse) +
                                         ", which the layout does not have (1.." +
                                         std::to_string(v.evses.size()) + ")");
    }
    if (s.connector) {
      if (!s.evse) {
        issues.Add(Join(path, "connector"), "needs evse as well");
      } else if (HasEvse(v, *s.evse)) {
        const std::size_t m = v.evses[std::size_t(*s.evse - 1)].connectors.size();
        if (*s.connector < 1 || std::size_t(*s.connector) > m) {
          issues.Add(Join(path, "connector"), "refers to connector " +
                                                  std::to_string(*s.connector) + " of EVSE " +
                                                  std::to_string(*s.evse) +
                                                  ", which has connectors 1.." + std::to_string(m));
        }
      }
    }
    for (const Reserved& r : kReserved) {
      if (s.component == r.component && s.variable == r.variable) {
        issues.Add(path, std::string(r.component) + "." + std::string(r.variable) + " " +
                             std::string(r.reason) + "; a template may not set it");
      }
    }
    if (v.serial_variable && s.component == v.serial_variable->component &&
        s.variable == v.serial_variable->variable) {
      issues.Add(path, s.component + "." + s.variable +
                           " is the variant's serial_variable, written by the identity step; a "
                           "template may not set it");
    }
    const std::string value = Join(path, "value");
    CheckLength(issues, value, s.value, 0, kMaxValue);
    CheckNoEndpoint(issues, value, s.value);
    CheckPlaceholdersAt(issues, value, s.value);
    auto key = std::make_tuple(s.component, s.component_instance.value_or(""), s.evse.value_or(0),
                               s.connector.value_or(0), s.variable,
                               s.variable_instance.value_or(""), s.attribute);
    if (!seen.insert(key).second) {
      issues.Add(path,
                 "sets " + s.component + "." + s.variable + " (" + s.attribute + ") a second time");
    }
  }
}

void CheckSettings(const Variant& v, Issues& issues) {
  for (const auto& [key, enabled] : v.features) {
    CheckPattern(issues, Join("features", key), key, kKey);
  }
  CheckOneOf(issues, "logging.level", v.logging.level, kLogLevels);
  CheckRange(issues, "logging.retention_days", v.logging.retention_days, {0, 3650});
  CheckOneOf(issues, "time_sync.source", v.time_sync.source, kTimeSources);
  CheckLength(issues, "time_sync.time_zone", v.time_sync.time_zone, 1, 64);
  CheckRange(issues, "time_sync.sync_interval_s", v.time_sync.sync_interval_s, {1, 604800});
}

void CheckIdentity(const Variant& v, Issues& issues) {
  CheckPattern(issues, "name", v.name, kSlug);
  CheckLength(issues, "vendor_name", v.vendor_name, 1, 50);
  CheckLength(issues, "model", v.model, 1, 20);
  CheckLength(issues, "description", v.description, 0, kMaxDescription);
  CheckNoEndpoint(issues, "description", v.description);
  if (v.hardware_revisions.empty()) issues.Add("hardware_revisions", "must not be empty");
  for (std::size_t i = 0; i < v.hardware_revisions.size(); ++i) {
    const std::string& rev = v.hardware_revisions[i];
    CheckLength(issues, Index("hardware_revisions", i), rev, 1, 32);
    if (std::find(v.hardware_revisions.begin(), v.hardware_revisions.begin() + long(i), rev) !=
        v.hardware_revisions.begin() + long(i)) {
      issues.Add(Index("hardware_revisions", i), "duplicate " + Quote(rev));
    }
  }
  CheckLength(issues, "firmware.version", v.firmware.version, 1, 50);
  CheckLength(issues, "firmware.release", v.firmware.release, 0, 100);
  if (v.serial_variable) {
    CheckLength(issues, "serial_variable.component", v.serial_variable->component, 1, kMaxName50);
    CheckLength(issues, "serial_variable.variable", v.serial_variable->variable, 1, kMaxName50);
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < v.field_parameters.size(); ++i) {
    const FieldParameter& p = v.field_parameters[i];
    const std::string path = Index("field_parameters", i);
    CheckPattern(issues, Join(path, "name"), p.name, kKey);
    if (!names.insert(p.name).second) issues.Add(Join(path, "name"), "duplicate " + Quote(p.name));
    CheckLength(issues, Join(path, "description"), p.description, 0, 200);
    CheckNoEndpoint(issues, Join(path, "description"), p.description);
  }
}

// Naming patterns belong to the identity part; its messages start with the
// field name ("serial_pattern: ...").
void CheckNaming(const Variant& v, Issues& issues) {
  Status s = identity::ValidateNamingConvention(v.naming);
  if (!s.ok()) issues.Add("", "naming." + s.message());
}

}  // namespace

void CheckVariant(const Variant& v, Issues& issues) {
  CheckIdentity(v, issues);
  CheckLayout(v, issues);
  CheckSettings(v, issues);
  CheckDeviceModel(v, issues);
  CheckNaming(v, issues);
}

}  // namespace evprov::catalog
