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
#include <cstdint>
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
  // Strings no longer than this (keeps corpora small); still schema-valid.
  std::size_t max_string = 1U << 20;
};

// A sample with exactly one rule broken.
struct Mutant {
  nlohmann::json payload;
  std::string keyword;  // the JSON Schema keyword that fails ("required", ...)
  std::string path;     // as SchemaValidator names it ("chargingStation.vendorName")
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

  // Every single-rule violation the schema allows on `sample` (a valid
  // sample of this schema): each required property removed, each value of
  // the wrong type, each string too long, each enum and date-time broken,
  // each array too short or too long, an unknown property on each closed object.
  std::vector<Mutant> Mutants(const nlohmann::json& sample) const {
    std::vector<Mutant> out;
    Mutate(schema_, sample, nlohmann::json::json_pointer(), "", sample, out);
    return out;
  }

 private:
  static constexpr int kMaxDepth = 20;

  const nlohmann::json& Resolve(const nlohmann::json& node) const {
    if (!node.contains("$ref")) return node;
    const std::string ref = node["$ref"];
    return schema_["definitions"][ref.substr(ref.rfind('/') + 1)];
  }

  static void Add(std::vector<Mutant>& out, const nlohmann::json& root,
                  const nlohmann::json::json_pointer& at, nlohmann::json value, std::string keyword,
                  std::string path) {
    nlohmann::json payload = root;
    payload[at] = std::move(value);
    out.push_back({std::move(payload), std::move(keyword), std::move(path)});
  }

  static std::string Join(const std::string& path, const std::string& name) {
    return path.empty() ? name : path + "." + name;
  }

  void Mutate(const nlohmann::json& raw, const nlohmann::json& value,
              const nlohmann::json::json_pointer& at, const std::string& path,
              const nlohmann::json& root, std::vector<Mutant>& out) const {
    const nlohmann::json& node = Resolve(raw);
    const std::string type = node.value("type", "");
    if (type == "object") {
      if (node.contains("additionalProperties") && !node["additionalProperties"].get<bool>()) {
        Add(out, root, at / "evprovUnknown", 1, "additionalProperties",
            Join(path, "evprovUnknown"));
      }
      if (!at.empty()) Add(out, root, at, "object?", "type", path);
      for (const auto& name : node.value("required", std::vector<std::string>{})) {
        nlohmann::json payload = root;
        payload[at].erase(name);
        out.push_back({std::move(payload), "required", Join(path, name)});
      }
      if (!node.contains("properties")) return;
      for (const auto& [name, schema] : node["properties"].items()) {
        if (value.contains(name)) {
          Mutate(schema, value[name], at / name, Join(path, name), root, out);
        }
      }
    } else if (type == "array") {
      const std::size_t min_items = node.value("minItems", 0U);
      if (min_items > 0) Add(out, root, at, nlohmann::json::array(), "minItems", path);
      if (node.contains("maxItems") && !value.empty()) {
        const std::size_t max_items = node["maxItems"];
        Add(out, root, at, nlohmann::json(max_items + 1, value[0]), "maxItems", path);
      }
      Add(out, root, at, "array?", "type", path);
      if (!value.empty()) {
        Mutate(node["items"], value[0], at / 0, path + "[0]", root, out);
      }
    } else if (type == "string") {
      Add(out, root, at, 12345, "type", path);
      if (node.contains("enum")) Add(out, root, at, "NotAValue", "enum", path);
      if (node.contains("maxLength")) {
        Add(out, root, at, std::string(node["maxLength"].get<std::size_t>() + 1, 'x'), "maxLength",
            path);
      }
      if (node.value("format", "") == "date-time") {
        Add(out, root, at, "yesterday", "format", path);
      }
    } else if (type == "integer" || type == "number") {
      Add(out, root, at, type == "integer" ? nlohmann::json(1.5) : nlohmann::json("1"), "type",
          path);
      // Stay integral for integers, or the type rule would fire first.
      auto bound = [&](const char* key, double delta) {
        const double limit = node[key].get<double>() + delta;
        return type == "integer" ? nlohmann::json(static_cast<std::int64_t>(limit))
                                 : nlohmann::json(limit);
      };
      if (node.contains("maximum")) Add(out, root, at, bound("maximum", 1), "maximum", path);
      if (node.contains("minimum")) Add(out, root, at, bound("minimum", -1), "minimum", path);
    } else if (type == "boolean") {
      Add(out, root, at, "true", "type", path);
    }
  }

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
      const std::size_t length = std::min<std::size_t>(
          options.max_string, options.maximal ? node.value("maxLength", 12U) : 1U);
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
    if (type.empty()) return nlohmann::json{{"any", name}};  // e.g. DataTransfer.data
    throw std::runtime_error("schema sample: unsupported node at " + name + ": " + node.dump());
  }

  nlohmann::json schema_;
};

}  // namespace evprov::ocpp::testing
