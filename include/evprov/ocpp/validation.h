// The seam between the RPC engine and message validation.
//
// The RPC engine (ocpp/rpc.h) calls a MessageValidator on every incoming and
// outgoing payload; the schema part (ocpp/schema.h) implements it against the
// official OCPP JSON schemas. A failure carries the OCPP-J error code that the
// engine sends back in a CALLERROR, and a message naming the JSON path and the
// rule ("chargingStation.model: String should be no more than 20 characters").
//
// Thread-safety: implementations must allow concurrent Validate calls.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace evprov::ocpp {

enum class OcppVersion { kV16, kV201 };

// OCPP-J RPC error codes (OCPP 2.0.1 Part 4 §4.3; 1.6 spells FormatViolation "FormationViolation").
enum class RpcErrorCode {
  kFormatViolation,
  kGenericError,
  kInternalError,
  kMessageTypeNotSupported,
  kNotImplemented,
  kNotSupported,
  kOccurrenceConstraintViolation,
  kPropertyConstraintViolation,
  kProtocolError,
  kRpcFrameworkError,
  kSecurityError,
  kTypeConstraintViolation,
};
std::string_view RpcErrorCodeName(RpcErrorCode code, OcppVersion version = OcppVersion::kV201);
std::optional<RpcErrorCode> ParseRpcErrorCode(std::string_view name);

struct RpcError {
  RpcErrorCode code = RpcErrorCode::kGenericError;
  std::string description;  // for the CALLERROR errorDescription; no secrets
};

enum class MessageKind { kRequest, kResponse };

class MessageValidator {
 public:
  virtual ~MessageValidator() = default;
  // nullopt when the payload is valid for action/kind. An unknown action gives
  // kNotImplemented (request) or kProtocolError (response).
  virtual std::optional<RpcError> Validate(std::string_view action, MessageKind kind,
                                           const nlohmann::json& payload) const = 0;
};

}  // namespace evprov::ocpp
