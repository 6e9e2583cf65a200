// The simulated charger's OCPP 2.0.1 device model: components, variables,
// attributes, mutability and values.
//
// Two layers, so a fleet of thousands stays small:
//  - DeviceModelSchema: the static definitions (VariableDef) expanded over an
//    EVSE/connector layout. Immutable; shared (shared_ptr<const>) by every
//    unit with the same layout.
//  - DeviceModel: one unit's values (one string per attribute) plus which of
//    them were written (only those are persisted).
//
// The generic rules live here (unknown component / variable, unsupported
// attribute type, read-only, write-only, data type and limits); rules with
// meaning for the charger (password charset, factory-only serial, ...) are
// checked by the charger before it writes.
//
// Thread-safety: a schema may be shared across threads (const). A DeviceModel
// is owned by one charger and used on its strand only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"

namespace evprov::sim {

enum class AttributeType { kActual, kTarget, kMinSet, kMaxSet };
enum class Mutability { kReadOnly, kWriteOnly, kReadWrite };
enum class DataType {
  kString,
  kDecimal,
  kInteger,
  kDateTime,
  kBoolean,
  kOptionList,
  kSequenceList,
  kMemberList,
};
enum class Scope { kStation, kEvse, kConnector };

// Where an attribute's initial value comes from.
enum class Source {
  kLiteral,  // AttributeDef::literal
  kVendorName,
  kModel,
  kSerial,
  kFirmwareVersion,
  kHardwareRevision,
  kHardwareId,
  kEvseCount,
  kEvsePowerW,
  kEvsePhases,
  kConnectorType,
  kConnectorPhases,
  kConnectorMaxCurrent,
};

std::string_view AttributeTypeName(AttributeType t);
std::optional<AttributeType> ParseAttributeType(std::string_view name);
std::string_view MutabilityName(Mutability m);
std::string_view DataTypeName(DataType d);

struct AttributeDef {
  AttributeType type = AttributeType::kActual;
  Mutability mutability = Mutability::kReadOnly;
  Source source = Source::kLiteral;
  std::string_view literal;
};

struct VariableDef {
  std::string_view component;
  Scope scope = Scope::kStation;
  std::string_view variable;
  std::string_view variable_instance;  // "" = none
  DataType data_type = DataType::kString;
  std::vector<AttributeDef> attributes;  // 1..4, distinct types
  std::string_view unit;
  std::string_view values_list;  // OptionList / MemberList / SequenceList members
  std::optional<double> min_limit;
  std::optional<double> max_limit;  // strings: maximum length
  bool factory_only = false;        // writable only while the charger is in factory mode
  bool constant = false;            // reported as constant (hardware facts)
};

// The standard definitions the simulator implements (see docs/sim-model.md).
const std::vector<VariableDef>& StandardVariables();

// The facts a unit starts with: they fill the non-literal initial values.
struct StationFacts {
  std::string vendor_name;
  std::string model;
  std::string serial;  // may be empty in factory mode until the station writes one
  std::string firmware_version;
  std::string hardware_revision;
  std::string hardware_id;
  std::vector<catalog::Evse> layout;
};

// Addresses a component + variable as OCPP messages do.
struct VariableAddress {
  std::string component;
  std::string component_instance;
  int evse = 0;       // 0 = no EVSE
  int connector = 0;  // 0 = no connector
  std::string variable;
  std::string variable_instance;

  // Reads ComponentType / VariableType JSON (as in GetVariableData).
  static VariableAddress FromJson(const nlohmann::json& component, const nlohmann::json& variable);
};

class DeviceModelSchema {
 public:
  struct Item {
    const VariableDef* def = nullptr;
    int evse = 0;
    int connector = 0;
    std::uint32_t first_value = 0;  // index of attribute 0 in the value vector
  };

  // Expands `defs` over the layout. Each definition's address must be unique.
  static Result<std::shared_ptr<const DeviceModelSchema>> Build(
      const std::vector<catalog::Evse>& layout,
      const std::vector<VariableDef>& defs = StandardVariables());

  const std::vector<Item>& items() const { return items_; }
  std::size_t value_count() const { return value_count_; }
  const std::vector<catalog::Evse>& layout() const { return layout_; }

  bool HasComponent(const VariableAddress& a) const;
  std::optional<std::size_t> Find(const VariableAddress& a) const;
  // Stable text key of an item ("EVSE@1/Power"), used in the state file.
  std::string Key(const Item& item) const;
  // The state file's key of a value: the item's key, and "#<type>" for an
  // attribute other than Actual ("EVSE@1/Power#Target"). Built once.
  const std::string& ValueKey(std::size_t value) const { return value_keys_[value]; }
  // The item's ReportData entry (component, variable, attributes,
  // characteristics) copied from a skeleton built once per schema, with
  // value(attribute index) filled in for every attribute that is not
  // write-only.
  nlohmann::json ReportEntry(std::size_t item,
                             const std::function<std::string(std::size_t)>& value) const;
  // The same entry as JSON text with a hole for each value: pieces[0], the
  // value of attribute slots[0], pieces[1], ... Cut once per schema from the
  // text of ReportEntry, so an entry written from it is byte for byte the
  // frame text of the entry with its values.
  struct ReportText {
    std::vector<std::string> pieces;  // slots.size() + 1
    std::vector<std::size_t> slots;   // attribute index within the item
  };
  const ReportText& ReportTextOf(std::size_t item) const { return report_texts_[item]; }
  // True when some attribute of the item is writable (ConfigurationInventory).
  bool Configurable(std::size_t item) const;

 private:
  nlohmann::json BuildSkeleton(const Item& item) const;
  ReportText BuildReportText(std::size_t item) const;
  nlohmann::json ComponentJson(const Item& item) const;
  nlohmann::json VariableJson(const Item& item) const;

  std::vector<catalog::Evse> layout_;
  std::vector<VariableDef> defs_;  // owned copy; items point into it
  std::vector<Item> items_;
  std::vector<nlohmann::json> skeletons_;  // one per item
  std::vector<ReportText> report_texts_;   // one per item
  std::vector<std::string> value_keys_;    // one per value
  std::size_t value_count_ = 0;
  std::unordered_map<std::string, std::size_t> by_address_;
  std::unordered_map<std::string, int> components_;
};

enum class AttributeStatus {
  kAccepted,
  kRejected,
  kUnknownComponent,
  kUnknownVariable,
  kNotSupportedAttributeType,
};
std::string_view AttributeStatusName(AttributeStatus s);

// The outcome of resolving or checking one get/set item.
struct Lookup {
  AttributeStatus status = AttributeStatus::kAccepted;
  std::string reason_code;  // OCPP reasonCode when not accepted
  std::string message;      // names the variable and the reason; never a value of a secret
  std::size_t item = 0;     // valid when accepted
  std::size_t value = 0;    // index into the value vector, valid when accepted
};

class DeviceModel {
 public:
  DeviceModel(std::shared_ptr<const DeviceModelSchema> schema, const StationFacts& facts);

  const DeviceModelSchema& schema() const { return *schema_; }

  // Finds the attribute; statuses UnknownComponent / UnknownVariable /
  // NotSupportedAttributeType, else Accepted.
  Lookup Resolve(const VariableAddress& a, AttributeType type) const;
  // Resolve plus the read rules (write-only → Rejected).
  Lookup CheckGet(const VariableAddress& a, AttributeType type) const;
  // Resolve plus the write rules (read-only → Rejected, data type, limits, lists).
  Lookup CheckSet(const VariableAddress& a, AttributeType type, std::string_view value) const;

  const std::string& value(std::size_t index) const { return values_[index]; }
  // Writes without checks (the charger's own updates, or after CheckSet) and
  // marks the value for persistence.
  void Write(std::size_t index, std::string value);
  // Station-level convenience: the Actual value of component.variable, "" if absent.
  std::string_view Get(std::string_view component, std::string_view variable,
                       std::string_view variable_instance = "") const;
  // Station-level convenience write (REQUIRES: the variable exists).
  void Set(std::string_view component, std::string_view variable, std::string value,
           std::string_view variable_instance = "");

  enum class ReportBase { kFullInventory, kConfigurationInventory };
  // The NotifyReport reportData entries as trees (write-only values
  // omitted): the reference the text below is tested against.
  std::vector<nlohmann::json> ReportData(ReportBase base) const;
  // The same entries as JSON text (what the charger sends): the items in the
  // report, then one entry's text appended to out, byte for byte the frame
  // text of that ReportData entry.
  std::vector<std::size_t> ReportItems(ReportBase base) const;
  void AppendReportEntry(std::string& out, std::size_t item) const;

  // Persistence of written values: {"<key>[#Attr]": "value", ...}.
  nlohmann::json WrittenValues() const;
  // Applies stored values; unknown keys are skipped and returned (for a warning).
  std::vector<std::string> LoadWrittenValues(const nlohmann::json& values);

  // Approximate heap bytes held by this unit (not the shared schema).
  std::size_t ApproximateBytes() const;

 private:
  std::optional<std::size_t> FindValue(std::string_view component, std::string_view variable,
                                       std::string_view variable_instance) const;

  std::shared_ptr<const DeviceModelSchema> schema_;
  std::vector<std::string> values_;
  std::vector<bool> written_;
};

// Checks a value against a definition's data type, limits and list.
// Returns an empty string when valid, else the reason.
std::string CheckValue(const VariableDef& def, std::string_view value);

}  // namespace evprov::sim
