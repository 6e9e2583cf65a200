// A JSON schema of the subset the official OCPP schemas use, compiled once
// into a tree of nodes that is walked directly over nlohmann::json. It gives
// the verdict only (valid or not), with the same semantics as valijson with
// strict types and the adaptations of schema_adapt.h; SchemaValidator asks it
// first and asks valijson for the reasons only when it says no. Private to
// src/ocpp.
//
// The subset: type (one name), properties, required, additionalProperties
// (true or false), items (one schema), minItems, maxItems, maxLength,
// minLength, minimum, maximum, enum (of strings), $ref to "#/definitions/…"
// (its sibling keywords ignored, as in valijson), the adapted
// x-evprov-integer and x-evprov-format, and annotations (description, title,
// default, javaType, $comment, $schema, $id, definitions). A schema with any
// other keyword (multipleOf in OCPP 1.6, for one) does not compile, and the
// caller keeps valijson for it.
//
// Why: valijson builds a context path and copies strings for every node it
// visits, about 2 µs per SetVariables item; this walk allocates nothing.
//
// Thread-safety: immutable after Compile; Accepts may run on any number of
// threads at once.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace evprov::ocpp::internal {

class CompiledSchema {
 public:
  // `schema` is the adapted schema document (AdaptSchema already applied).
  // nullopt when it uses anything outside the subset above.
  static std::optional<CompiledSchema> Compile(const nlohmann::json& schema);

  // True when valijson (strict types, adapted keywords) would accept `payload`.
  bool Accepts(const nlohmann::json& payload) const;

 private:
  enum class Type : unsigned char { kAny, kObject, kArray, kString, kNumber, kBoolean, kNull };
  struct Property {
    std::string name;
    int node = -1;
    bool required = false;
  };
  struct Node {
    Type type = Type::kAny;
    // objects
    std::vector<Property> properties;  // sorted by name, as nlohmann orders members
    std::size_t required_properties = 0;
    std::vector<std::string> required_elsewhere;  // required but not under properties
    bool closed = false;                          // additionalProperties: false
    // arrays
    int items = -1;
    std::optional<std::size_t> min_items;
    std::optional<std::size_t> max_items;
    // strings
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
    bool date_time = false;
    bool has_enum = false;
    std::vector<std::string> enum_values;  // sorted
    // numbers
    bool integral = false;
    std::optional<double> minimum;
    std::optional<double> maximum;
  };
  class Compiler;

  static bool HasType(Type type, const nlohmann::json& value);  // strict JSON types
  bool Accepts(int node, const nlohmann::json& value) const;
  bool AcceptsObject(const Node& node, const nlohmann::json& value) const;
  bool AcceptsArray(const Node& node, const nlohmann::json& value) const;
  static bool AcceptsString(const Node& node, const std::string& value);
  static bool AcceptsNumber(const Node& node, const nlohmann::json& value);

  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace evprov::ocpp::internal
