// The catalog's data model: product variants (recipes), environments and work
// orders, as loaded from the YAML files a factory engineer keeps in version
// control (format: docs/catalog.md). Plain values; validation lives in
// catalog/loader.h, persistence in catalog/repository.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evprov::catalog {

// --- product variant ---------------------------------------------------------

struct Connector {
  int id = 0;        // 1..M within its EVSE, no gaps
  std::string type;  // OCPP ConnectorEnumType-like: cType2, cCCS2, sType2, cCCS1, cG105, ...
  double max_current_a = 0;  // per phase (AC) or DC current
  int phases = 0;            // 1 or 3 for AC; 0 for DC
  std::string label;         // text printed on the physical label, may use ${evse} ${connector}

  bool operator==(const Connector&) const = default;
};

struct Evse {
  int id = 0;  // 1..N, no gaps
  double max_power_kw = 0;
  std::vector<Connector> connectors;

  bool operator==(const Evse&) const = default;
};

struct ThermalLimits {
  double derate_start_c = 0;  // start derating at this temperature
  double shutdown_c = 0;      // stop charging at this temperature; > derate_start_c

  bool operator==(const ThermalLimits&) const = default;
};

struct OperatingLimits {
  double max_current_a = 0;
  int phases = 0;  // 1 or 3 (AC); 0 for DC
  ThermalLimits thermal;

  bool operator==(const OperatingLimits&) const = default;
};

struct LoggingSettings {
  std::string level;                // "error" | "warn" | "info" | "debug"
  bool diagnostics_upload = false;  // allow GetLog uploads
  int retention_days = 0;

  bool operator==(const LoggingSettings&) const = default;
};

struct TimeSyncSettings {
  std::string source;     // "ntp" | "heartbeat"
  std::string time_zone;  // IANA name, e.g. "Europe/Berlin"
  int sync_interval_s = 0;

  bool operator==(const TimeSyncSettings&) const = default;
};

// One device-model variable the configure step sets. value may contain
// ${env.*} and ${unit.*} placeholders (docs/catalog.md lists them).
struct VariableSetting {
  std::string component;  // e.g. "OCPPCommCtrlr"
  std::optional<std::string> component_instance;
  std::optional<int> evse;       // component's EVSE, if any
  std::optional<int> connector;  // component's connector, if any
  std::string variable;          // e.g. "HeartbeatInterval"
  std::optional<std::string> variable_instance;
  std::string attribute = "Actual";  // Actual | Target | MinSet | MaxSet
  std::string value;

  bool operator==(const VariableSetting&) const = default;
};

// A parameter deliberately left for field provisioning (site commissioning).
struct FieldParameter {
  std::string name;  // e.g. "site_name", "grid_max_current_a"
  std::string description;

  bool operator==(const FieldParameter&) const = default;
};

// Naming conventions. Patterns use {prefix} {yy} {ww} {yyyy} {mm} {seq:0N}
// {serial} {hardware_id}; see identity/naming.h.
struct NamingConvention {
  std::string prefix;
  std::string serial_pattern;      // used when the MES supplies no serial
  std::string charger_id_pattern;  // the OCPP identity
  bool gap_free = true;            // sequence numbers without gaps

  bool operator==(const NamingConvention&) const = default;
};

// Where the charger keeps its serial number (a vendor variable written only in factory mode).
struct SerialVariable {
  std::string component;
  std::string variable;

  bool operator==(const SerialVariable&) const = default;
};

struct FirmwarePin {
  std::string version;  // the version the unit must run
  std::string release;  // firmware release reference (filled by the firmware part)

  bool operator==(const FirmwarePin&) const = default;
};

struct Variant {
  std::string name;         // stable key, e.g. "wallbox-ac22"
  int version = 0;          // assigned by the repository on import
  std::string vendor_name;  // <= 50
  std::string model;        // <= 20
  std::string description;
  std::vector<std::string> hardware_revisions;
  std::vector<Evse> evses;
  OperatingLimits limits;
  std::map<std::string, bool> features;
  LoggingSettings logging;
  TimeSyncSettings time_sync;
  std::vector<VariableSetting> device_model;
  std::vector<FieldParameter> field_parameters;
  NamingConvention naming;
  std::optional<SerialVariable> serial_variable;
  FirmwarePin firmware;

  bool operator==(const Variant&) const = default;
};

// --- environment ---------------------------------------------------------------

struct ApnDefaults {
  std::string apn;
  std::string username;
  std::string authentication;     // "NONE" | "PAP" | "CHAP" | "AUTO"
  std::string preferred_network;  // MCC+MNC, optional
  bool use_only_preferred = false;

  bool operator==(const ApnDefaults&) const = default;
};

struct Environment {
  std::string name;               // "staging", "production", ...
  std::string kind;               // "staging" | "production"
  std::string csms_url;           // wss://... (security profile 2/3)
  int security_profile = 0;       // 2 or 3
  std::string organization_name;  // certificate O, SecurityCtrlr.OrganizationName
  std::vector<std::string> ntp_servers;
  std::vector<std::string> dns_servers;
  ApnDefaults apn;
  std::string cpms_registration_url;         // https://...
  std::string issuing_ca;                    // name of the issuing CA (the PKI part resolves it)
  std::optional<std::string> emi3_country;   // ISO 3166 alpha-2, e.g. "DE"
  std::optional<std::string> emi3_operator;  // 3 alphanumerics, e.g. "ABC"

  bool operator==(const Environment&) const = default;
};

// --- work order -------------------------------------------------------------------

struct WorkOrder {
  std::string id;  // e.g. "WO-2026-0042"
  std::string variant_name;
  int variant_version = 0;
  std::string environment;
  int quantity = 0;
  std::string customer;  // customer / operator account
  std::string site_group;
  std::string tariff;  // placeholder reference

  bool operator==(const WorkOrder&) const = default;
};

}  // namespace evprov::catalog
