#include <algorithm>
#include <cstdlib>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "evprov/common/log.h"
#include "evprov/ocpp/schema.h"
#include "ocpp/schema_adapt.h"
#include "ocpp/schema_compiled.h"
#include "ocpp/schema_embedded.h"
#include "ocpp/schema_valijson.h"

namespace evprov::ocpp {
namespace {

// Descriptions go into CALLERRORs: keep them short even if a payload carries
// a huge property name.
constexpr std::size_t kMaxDescription = 300;
constexpr std::size_t kMaxEchoedAction = 64;

std::string_view VersionName(OcppVersion version) {
  switch (version) {
    case OcppVersion::kV16:
      return "OCPP 1.6";
    case OcppVersion::kV201:
      return "OCPP 2.0.1";
  }
  return "OCPP";
}

// valijson reports a rule as text; the prefix tells which keyword failed.
struct MessageRule {
  std::string_view prefix;
  std::string_view keyword;
};
constexpr MessageRule kMessageRules[] = {
    {"Missing required property", "required"},
    {"Value type not permitted", "type"},
    {"String should be no more than", "maxLength"},
    {"String should be no fewer than", "minLength"},
    {"Failed to match against any enum values", "enum"},
    {"Failed to match expected value set by 'const'", "const"},
    {"Object contains a property that could not be validated", "additionalProperties"},
    {"Expected number less than", "maximum"},
    {"Expected number greater than", "minimum"},
    {"Array should contain no more than", "maxItems"},
    {"Array should contain no fewer than", "minItems"},
    {"Failed to match regex", "pattern"},
    {"String should be a valid", "format"},
    {"Value should be a multiple of", "multipleOf"},
};
static_assert(internal::kDateTimeError.starts_with("String should be a valid"));
static_assert(internal::kIntegerError.starts_with("Value type not permitted"));

std::string_view KeywordOf(std::string_view message) {
  for (const auto& rule : kMessageRules) {
    if (message.starts_with(rule.prefix)) return rule.keyword;
  }
  return {};
}

// The text between the last pair of single quotes ("... property 'x'." → x).
std::string_view QuotedName(std::string_view message) {
  const auto close = message.rfind('\'');
  if (close == std::string_view::npos || close == 0) return {};
  const auto open = message.rfind('\'', close - 1);
  if (open == std::string_view::npos) return {};
  return message.substr(open + 1, close - open - 1);
}

void AppendProperty(std::string& path, std::string_view name) {
  if (!path.empty()) path += '.';
  path += name;
}

// valijson's context is {"<root>", "[chargingStation]", "[model]"}; an array
// index looks like a property name, so the payload tells which is which.
std::string JsonPath(const std::vector<std::string>& context, const nlohmann::json& payload) {
  std::string path;
  const nlohmann::json* node = &payload;
  for (std::size_t i = 1; i < context.size(); ++i) {
    std::string_view token = context[i];
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    if (node != nullptr && node->is_array()) {
      path += '[';
      path += token;
      path += ']';
      std::size_t index = 0;
      for (char c : token) index = index * 10 + static_cast<std::size_t>(c - '0');
      node = index < node->size() ? &(*node)[index] : nullptr;
    } else {
      AppendProperty(path, token);
      const auto it = node != nullptr && node->is_object() ? node->find(token) : payload.end();
      node = node != nullptr && node->is_object() && it != node->end() ? &*it : nullptr;
    }
  }
  return path;
}

RpcError Describe(const valijson::ValidationResults::Error& error, const nlohmann::json& payload) {
  std::string_view message = error.description;
  const std::string_view keyword = KeywordOf(message);
  std::string path = JsonPath(error.context, payload);
  std::string text;
  if (keyword == "required") {
    AppendProperty(path, QuotedName(message));
    text = "Required property is missing";
  } else if (keyword == "additionalProperties") {
    AppendProperty(path, QuotedName(message));
    text = "Property is not allowed by the schema";
  } else {
    if (message.ends_with('.')) message.remove_suffix(1);
    text = message;
  }
  std::string description = (path.empty() ? std::string("(payload)") : path) + ": " + text;
  if (description.size() > kMaxDescription) {
    description.resize(kMaxDescription - 3);
    description += "...";
  }
  return RpcError{RpcErrorCodeForSchemaKeyword(keyword), std::move(description)};
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// valijson for the reasons; the compiled schema, when the schema is within its
// subset, for the verdict (schema_compiled.h).
struct Schemas {
  std::unique_ptr<valijson::Schema> valijson;
  std::optional<internal::CompiledSchema> compiled;
};
using SchemaMap = std::unordered_map<std::string, Schemas, StringHash, std::equal_to<>>;

}  // namespace

struct SchemaValidator::Impl {
  OcppVersion version = OcppVersion::kV201;
  SchemaMap requests;
  SchemaMap responses;

  const SchemaMap& For(MessageKind kind) const {
    switch (kind) {
      case MessageKind::kRequest:
        return requests;
      case MessageKind::kResponse:
        return responses;
    }
    return requests;
  }
};

SchemaValidator::SchemaValidator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaValidator::~SchemaValidator() = default;

Result<std::unique_ptr<SchemaValidator>> SchemaValidator::Create(OcppVersion version) {
  auto impl = std::make_unique<Impl>();
  impl->version = version;
  for (const auto& embedded : internal::EmbeddedSchemas()) {
    if (embedded.version != version) continue;
    const std::string name = std::string(embedded.action) +
                             (embedded.kind == MessageKind::kRequest ? "Request" : "Response");
    try {
      nlohmann::json document = nlohmann::json::parse(embedded.text);
      internal::AdaptSchema(document);
      auto schema = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      internal::AddAdaptedConstraints(parser);
      parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(document), *schema);
      SchemaMap& map = embedded.kind == MessageKind::kRequest ? impl->requests : impl->responses;
      map.emplace(std::string(embedded.action),
                  Schemas{std::move(schema), internal::CompiledSchema::Compile(document)});
    } catch (const std::exception& e) {
      return Status::Internal("ocpp schema " + name + ": does not parse: " + e.what());
    }
  }
  if (impl->requests.empty()) {
    return Status::Internal(std::string("ocpp schema: none embedded for ") +
                            std::string(VersionName(version)));
  }
  return std::unique_ptr<SchemaValidator>(new SchemaValidator(std::move(impl)));
}

const SchemaValidator& SchemaValidator::Shared(OcppVersion version) {
  static const auto make = [](OcppVersion v) {
    auto created = Create(v);
    if (!created.ok()) {
      log::Error("ocpp.schema.load_failed", {{"error", created.status().ToString()}});
      std::abort();
    }
    return std::move(created).value();
  };
  switch (version) {
    case OcppVersion::kV16: {
      static const std::unique_ptr<SchemaValidator> v16 = make(OcppVersion::kV16);
      return *v16;
    }
    case OcppVersion::kV201: {
      static const std::unique_ptr<SchemaValidator> v201 = make(OcppVersion::kV201);
      return *v201;
    }
  }
  std::abort();
}

std::optional<RpcError> SchemaValidator::Validate(std::string_view action, MessageKind kind,
                                                  const nlohmann::json& payload) const {
  const SchemaMap& map = impl_->For(kind);
  const auto it = map.find(action);
  if (it == map.end()) {
    const std::string echoed(action.substr(0, kMaxEchoedAction));
    switch (kind) {
      case MessageKind::kRequest:
        return RpcError{
            RpcErrorCode::kNotImplemented,
            "Unknown action '" + echoed + "' for " + std::string(VersionName(impl_->version))};
      case MessageKind::kResponse:
        return RpcError{RpcErrorCode::kProtocolError, "No response schema for action '" + echoed +
                                                          "' in " +
                                                          std::string(VersionName(impl_->version))};
    }
  }
  const Schemas& schemas = it->second;
  const valijson::adapters::NlohmannJsonAdapter target(payload);
  // Fast path: the verdict alone.
  if (schemas.compiled) {
    if (schemas.compiled->Accepts(payload)) return std::nullopt;
  } else {
    valijson::Validator validator;
    if (validator.validate(*schemas.valijson, target, nullptr)) return std::nullopt;
  }
  // Slow path (invalid payloads only): collect the errors and report the first
  // leaf rule (valijson reports a child before the summaries of its parents).
  // A wrong type is the cause of whatever else fails at the same place (a
  // number where an enum string is due breaks "enum" too), so it wins there.
  valijson::Validator validator;
  valijson::ValidationResults results;
  if (validator.validate(*schemas.valijson, target, &results)) {
    return std::nullopt;  // only if the compiled verdict were wrong; tests hold them equal
  }
  std::vector<valijson::ValidationResults::Error> leaves;
  std::optional<valijson::ValidationResults::Error> first;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    if (!first) first = error;
    if (!KeywordOf(error.description).empty()) leaves.push_back(std::move(error));
  }
  if (leaves.empty()) {
    if (first) return Describe(*first, payload);
    return RpcError{RpcErrorCode::kFormatViolation, "(payload): does not match the schema"};
  }
  for (const auto& leaf : leaves) {
    if (leaf.context == leaves.front().context && KeywordOf(leaf.description) == "type") {
      return Describe(leaf, payload);
    }
  }
  return Describe(leaves.front(), payload);
}

OcppVersion SchemaValidator::version() const {
  return impl_->version;
}

bool SchemaValidator::HasSchema(std::string_view action, MessageKind kind) const {
  const SchemaMap& map = impl_->For(kind);
  return map.find(action) != map.end();
}

std::vector<std::string> SchemaValidator::Actions() const {
  std::vector<std::string> actions;
  actions.reserve(impl_->requests.size());
  for (const auto& [action, schema] : impl_->requests) actions.push_back(action);
  std::sort(actions.begin(), actions.end());
  return actions;
}

std::optional<std::string_view> SchemaText(OcppVersion version, std::string_view action,
                                           MessageKind kind) {
  for (const auto& embedded : internal::EmbeddedSchemas()) {
    if (embedded.version == version && embedded.kind == kind && embedded.action == action) {
      return embedded.text;
    }
  }
  return std::nullopt;
}

RpcErrorCode RpcErrorCodeForSchemaKeyword(std::string_view keyword) {
  struct Row {
    std::string_view keyword;
    RpcErrorCode code;
  };
  static constexpr Row kTable[] = {
      {"required", RpcErrorCode::kOccurrenceConstraintViolation},
      {"minItems", RpcErrorCode::kOccurrenceConstraintViolation},
      {"maxItems", RpcErrorCode::kOccurrenceConstraintViolation},
      {"type", RpcErrorCode::kTypeConstraintViolation},
      {"maxLength", RpcErrorCode::kPropertyConstraintViolation},
      {"minLength", RpcErrorCode::kPropertyConstraintViolation},
      {"enum", RpcErrorCode::kPropertyConstraintViolation},
      {"const", RpcErrorCode::kPropertyConstraintViolation},
      {"format", RpcErrorCode::kPropertyConstraintViolation},
      {"pattern", RpcErrorCode::kPropertyConstraintViolation},
      {"minimum", RpcErrorCode::kPropertyConstraintViolation},
      {"maximum", RpcErrorCode::kPropertyConstraintViolation},
      {"multipleOf", RpcErrorCode::kPropertyConstraintViolation},
      {"additionalProperties", RpcErrorCode::kPropertyConstraintViolation},
  };
  for (const auto& row : kTable) {
    if (row.keyword == keyword) return row.code;
  }
  return RpcErrorCode::kFormatViolation;
}

}  // namespace evprov::ocpp
