#include "ocpp/schema_compiled.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "ocpp/schema_adapt.h"
#include "ocpp/schema_valijson.h"

namespace evprov::ocpp::internal {
namespace {

using nlohmann::json;

constexpr std::string_view kDefinitionsPrefix = "#/definitions/";

// Keywords that never change a verdict.
bool IsAnnotation(std::string_view key) {
  static constexpr std::string_view kAnnotations[] = {
      "$schema", "$id", "$comment", "description", "title", "default", "javaType", "definitions"};
  return std::find(std::begin(kAnnotations), std::end(kAnnotations), key) != std::end(kAnnotations);
}

// Thrown inside the compiler for anything outside the subset; never escapes.
struct Unsupported {};

std::size_t Count(const json& value) {
  if (!value.is_number_unsigned() &&
      !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    throw Unsupported{};
  }
  return value.get<std::size_t>();
}

}  // namespace

class CompiledSchema::Compiler {
 public:
  Compiler(const json& root, CompiledSchema& out) : root_(root), out_(out) {}

  int Compile(const json& schema) {
    if (!schema.is_object()) throw Unsupported{};
    if (auto ref = schema.find("$ref"); ref != schema.end()) return Definition(*ref);
    const int index = static_cast<int>(out_.nodes_.size());
    out_.nodes_.emplace_back();
    Node node;
    for (const auto& [key, value] : schema.items()) Keyword(key, value, node);
    for (const auto& name : Required(schema)) {
      auto it = std::find_if(node.properties.begin(), node.properties.end(),
                             [&](const Property& p) { return p.name == name; });
      if (it == node.properties.end()) {
        node.required_elsewhere.push_back(name);
      } else if (!it->required) {
        it->required = true;
        ++node.required_properties;
      }
    }
    out_.nodes_[static_cast<std::size_t>(index)] = std::move(node);
    return index;
  }

 private:
  int Definition(const json& ref) {
    if (!ref.is_string()) throw Unsupported{};
    const std::string& text = ref.get_ref<const std::string&>();
    if (!text.starts_with(kDefinitionsPrefix)) throw Unsupported{};
    const std::string name = text.substr(kDefinitionsPrefix.size());
    if (auto done = definitions_.find(name); done != definitions_.end()) return done->second;
    const auto definitions = root_.find("definitions");
    if (definitions == root_.end() || !definitions->is_object()) throw Unsupported{};
    const auto definition = definitions->find(name);
    if (definition == definitions->end()) throw Unsupported{};
    // A definition that refers to itself needs its index before its body.
    if (definition->is_object() && !definition->contains("$ref")) {
      definitions_[name] = static_cast<int>(out_.nodes_.size());
    }
    const int index = Compile(*definition);
    definitions_[name] = index;
    return index;
  }

  static std::vector<std::string> Required(const json& schema) {
    std::vector<std::string> names;
    const auto required = schema.find("required");
    if (required == schema.end()) return names;
    if (!required->is_array()) throw Unsupported{};
    for (const auto& name : *required) {
      if (!name.is_string()) throw Unsupported{};
      names.push_back(name.get<std::string>());
    }
    return names;
  }

  static Type TypeNamed(const json& value) {
    if (!value.is_string()) throw Unsupported{};
    const std::string& name = value.get_ref<const std::string&>();
    if (name == "object") return Type::kObject;
    if (name == "array") return Type::kArray;
    if (name == "string") return Type::kString;
    if (name == "number") return Type::kNumber;
    if (name == "boolean") return Type::kBoolean;
    if (name == "null") return Type::kNull;
    throw Unsupported{};  // "integer" is adapted away; anything else is not OCPP
  }

  void Keyword(const std::string& key, const json& value, Node& node) {
    if (key == "type") {
      node.type = TypeNamed(value);
    } else if (key == "properties") {
      Properties(value, node);
    } else if (key == "required") {
      // Read by Compile once the properties are known.
    } else if (key == "additionalProperties") {
      if (!value.is_boolean()) throw Unsupported{};
      node.closed = !value.get<bool>();
    } else if (key == "items") {
      node.items = Compile(value);
    } else if (key == "minItems") {
      node.min_items = Count(value);
    } else if (key == "maxItems") {
      node.max_items = Count(value);
    } else if (key == "minLength") {
      node.min_length = Count(value);
    } else if (key == "maxLength") {
      node.max_length = Count(value);
    } else if (key == "minimum" || key == "maximum") {
      if (!value.is_number()) throw Unsupported{};
      (key == "minimum" ? node.minimum : node.maximum) = value.get<double>();
    } else if (key == "enum") {
      Enum(value, node);
    } else if (key == kIntegerKeyword) {
      if (value != true) throw Unsupported{};
      node.integral = true;
    } else if (key == kFormatKeyword) {
      if (!value.is_string()) throw Unsupported{};
      node.date_time = value == "date-time";  // other formats are annotations
    } else if (!IsAnnotation(key)) {
      throw Unsupported{};
    }
  }

  void Properties(const json& value, Node& node) {
    if (!value.is_object()) throw Unsupported{};
    // The members come sorted by name (nlohmann's object is a std::map).
    for (const auto& [name, schema] : value.items()) {
      Property property;
      property.name = name;
      property.node = Compile(schema);
      node.properties.push_back(std::move(property));
    }
  }

  static void Enum(const json& value, Node& node) {
    if (!value.is_array()) throw Unsupported{};
    node.has_enum = true;
    for (const auto& item : value) {
      if (!item.is_string()) throw Unsupported{};
      node.enum_values.push_back(item.get<std::string>());
    }
    std::sort(node.enum_values.begin(), node.enum_values.end());
  }

  const json& root_;
  CompiledSchema& out_;
  std::map<std::string, int, std::less<>> definitions_;
};

std::optional<CompiledSchema> CompiledSchema::Compile(const json& schema) {
  CompiledSchema out;
  try {
    Compiler compiler(schema, out);
    out.root_ = compiler.Compile(schema);
  } catch (const Unsupported&) {
    return std::nullopt;
  }
  return out;
}

bool CompiledSchema::HasType(Type type, const json& value) {
  switch (type) {
    case Type::kAny:
      return true;
    case Type::kObject:
      return value.is_object();
    case Type::kArray:
      return value.is_array();
    case Type::kString:
      return value.is_string();
    case Type::kNumber:
      return value.is_number();
    case Type::kBoolean:
      return value.is_boolean();
    case Type::kNull:
      return value.is_null();
  }
  return false;
}

bool CompiledSchema::Accepts(const json& payload) const {
  return Accepts(root_, payload);
}

bool CompiledSchema::Accepts(int index, const json& value) const {
  const Node& node = nodes_[static_cast<std::size_t>(index)];
  if (!HasType(node.type, value)) return false;
  if (node.has_enum) {
    if (!value.is_string()) return false;  // the values are all strings: strict equality
    if (!std::binary_search(node.enum_values.begin(), node.enum_values.end(),
                            value.get_ref<const std::string&>())) {
      return false;
    }
  }
  if (value.is_object()) return AcceptsObject(node, value);
  if (value.is_array()) return AcceptsArray(node, value);
  if (value.is_string()) return AcceptsString(node, value.get_ref<const std::string&>());
  if (value.is_number()) return AcceptsNumber(node, value);
  return true;
}

bool CompiledSchema::AcceptsObject(const Node& node, const json& value) const {
  // Members and properties are both sorted by name: one merge walk.
  auto property = node.properties.begin();
  std::size_t required_seen = 0;
  for (const auto& [name, member] : value.items()) {
    while (property != node.properties.end() && property->name < name) ++property;
    if (property != node.properties.end() && property->name == name) {
      if (!Accepts(property->node, member)) return false;
      if (property->required) ++required_seen;
    } else if (node.closed) {
      return false;
    }
  }
  if (required_seen != node.required_properties) return false;
  return std::all_of(node.required_elsewhere.begin(), node.required_elsewhere.end(),
                     [&](const std::string& name) { return value.contains(name); });
}

bool CompiledSchema::AcceptsArray(const Node& node, const json& value) const {
  if (node.min_items && value.size() < *node.min_items) return false;
  if (node.max_items && value.size() > *node.max_items) return false;
  if (node.items < 0) return true;
  return std::all_of(value.begin(), value.end(),
                     [&](const json& item) { return Accepts(node.items, item); });
}

bool CompiledSchema::AcceptsString(const Node& node, const std::string& value) {
  if (node.max_length || node.min_length) {
    // valijson counts UTF-8 sequences up to the first NUL; a string never has
    // more of them than bytes, so short strings need no count.
    const bool short_enough = !node.max_length || value.size() <= *node.max_length;
    const std::size_t length =
        short_enough && !node.min_length
            ? value.size()
            : static_cast<std::size_t>(valijson::utils::u8_strlen(value.c_str()));
    if (node.max_length && length > *node.max_length) return false;
    if (node.min_length && length < *node.min_length) return false;
  }
  return !node.date_time || IsRfc3339DateTime(value);
}

bool CompiledSchema::AcceptsNumber(const Node& node, const json& value) {
  const double number = value.get<double>();
  if (node.integral && value.is_number_float() &&
      !(std::isfinite(number) && std::floor(number) == number)) {
    return false;
  }
  if (node.minimum && number < *node.minimum) return false;
  if (node.maximum && number > *node.maximum) return false;
  return true;
}

}  // namespace evprov::ocpp::internal
