// Test helper: builds example payloads from an OCPP JSON schema, independently
// of the generated message code, so that the typed messages can be checked
// against the schemas themselves.
//
// A maximal sample sets every property (strings at their maxLength, arrays
// with two items where allowed, an extra vendor property wherever the schema
// allows additional properties); a minimal one only the required properties.
// Values are derived from the property names, so two members swapped in the
// generated code give a different JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace evprov::ocpp::testing {

struct SampleOptions {
  bool maximal = true;
  // definition name ("BootReasonEnumType") → index of the enum value to use
  // (modulo the number of values); absent → the first value.
  std::map<std::string, std::size_t> enum_choice;
};

class SchemaSampler {
 public:
  explicit SchemaSampler(nlohmann::json schema) : schema_(std::move(schema)) {}

  nlohmann::json Sample(const SampleOptions& options) const {
    return Node(schema_, "root", options, 0);
  }

  // The enum definitions of the schema: name → values.
  std::map<std::string, std::vector<std::string>> EnumDefinitions() const {
    std::map<std::string, std::vector<std::string>> out;
    if (!schema_.contains("definitions")) return out;
    for (const auto& [name, definition] : schema_["definitions"].items()) {
      if (definition.contains("enum")) {
        out[name] = definition["enum"].get<std::vector<std::string>>();
      }
    }
    return out;
  }

 private:
  static constexpr int kMaxDepth = 20;

  nlohmann::json Node(const nlohmann::json& node, const std::string& name,
                      const SampleOptions& options, int depth) const {
    if (depth > kMaxDepth) throw std::runtime_error("schema sample: too deep at " + name);
    if (node.contains("$ref")) {
      const std::string ref = node["$ref"];
      const std::string def_name = ref.substr(ref.rfind('/') + 1);
      const nlohmann::json& definition = schema_["definitions"][def_name];
      if (definition.contains("enum")) {
        const auto it = options.enum_choice.find(def_name);
        const std::size_t index = it == options.enum_choice.end() ? 0 : it->second;
        return definition["enum"][index % definition["enum"].size()];
      }
      return Node(definition, name, options, depth + 1);
    }
    if (node.contains("enum")) return node["enum"][0];
    const std::string type = node.value("type", "");
    const std::size_t seed = std::hash<std::string>{}(name);
    if (type == "object") {
      nlohmann::json object = nlohmann::json::object();
      const auto required = node.value("required", std::vector<std::string>{});
      if (node.contains("properties")) {
        for (const auto& [property, schema] : node["properties"].items()) {
          const bool is_required =
              std::find(required.begin(), required.end(), property) != required.end();
          if (options.maximal || is_required) {
            object[property] = Node(schema, property, options, depth + 1);
          }
        }
      }
      if (options.maximal && node.value("additionalProperties", true)) {
        object["evprovExtra"] = {{"line", 4}, {"tags", {"a", "b"}}};
      }
      return object;
    }
    if (type == "array") {
      const std::size_t min_items = node.value("minItems", 0U);
      const std::size_t max_items = node.value("maxItems", 1000U);
      std::size_t count = options.maximal ? std::min<std::size_t>(2, max_items) : min_items;
      count = std::max(count, min_items);
      nlohmann::json array = nlohmann::json::array();
      for (std::size_t i = 0; i < count; ++i) {
        array.push_back(Node(node["items"], name + std::to_string(i), options, depth + 1));
      }
      return array;
    }
    if (type == "string") {
      if (node.value("format", "") == "date-time") {
        return options.maximal ? "2026-11-24T02:05:01.250+01:00" : "2026-11-24T02:05:01Z";
      }
      const std::size_t length = options.maximal ? node.value("maxLength", 12U) : 1U;
      std::string text;
      while (text.size() < length) text += name + "-";
      text.resize(length);
      return text;
    }
    if (type == "integer" || type == "number") {
      double value = static_cast<double>(seed % 900 + 1);
      if (node.contains("maximum")) value = std::min(value, node["maximum"].get<double>());
      if (node.contains("minimum")) value = std::max(value, node["minimum"].get<double>());
      if (type == "integer") return static_cast<std::int64_t>(value);
      return value + (node.contains("maximum") ? 0.0 : 0.25);
    }
    if (type == "boolean") return options.maximal;
    throw std::runtime_error("schema sample: unsupported node at " + name + ": " + node.dump());
  }

  nlohmann::json schema_;
};

}  // namespace evprov::ocpp::testing
