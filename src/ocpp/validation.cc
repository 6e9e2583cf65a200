#include "evprov/ocpp/validation.h"

#include <array>
#include <utility>

namespace evprov::ocpp {
namespace {

constexpr std::array<std::pair<RpcErrorCode, std::string_view>, 12> kNames = {{
    {RpcErrorCode::kFormatViolation, "FormatViolation"},
    {RpcErrorCode::kGenericError, "GenericError"},
    {RpcErrorCode::kInternalError, "InternalError"},
    {RpcErrorCode::kMessageTypeNotSupported, "MessageTypeNotSupported"},
    {RpcErrorCode::kNotImplemented, "NotImplemented"},
    {RpcErrorCode::kNotSupported, "NotSupported"},
    {RpcErrorCode::kOccurrenceConstraintViolation, "OccurrenceConstraintViolation"},
    {RpcErrorCode::kPropertyConstraintViolation, "PropertyConstraintViolation"},
    {RpcErrorCode::kProtocolError, "ProtocolError"},
    {RpcErrorCode::kRpcFrameworkError, "RpcFrameworkError"},
    {RpcErrorCode::kSecurityError, "SecurityError"},
    {RpcErrorCode::kTypeConstraintViolation, "TypeConstraintViolation"},
}};

}  // namespace

std::string_view RpcErrorCodeName(RpcErrorCode code, OcppVersion version) {
  switch (version) {
    case OcppVersion::kV16:
      // OCPP 1.6J spells it "FormationViolation"; MessageTypeNotSupported and
      // RpcFrameworkError do not exist there, GenericError is the closest.
      if (code == RpcErrorCode::kFormatViolation) return "FormationViolation";
      if (code == RpcErrorCode::kMessageTypeNotSupported ||
          code == RpcErrorCode::kRpcFrameworkError) {
        return "GenericError";
      }
      break;
    case OcppVersion::kV201:
      break;
  }
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "GenericError";
}

std::optional<RpcErrorCode> ParseRpcErrorCode(std::string_view name) {
  if (name == "FormationViolation") return RpcErrorCode::kFormatViolation;
  // 1.6's misspelling "OccurenceConstraintViolation" (errata v1.0, section 5).
  if (name == "OccurenceConstraintViolation") return RpcErrorCode::kOccurrenceConstraintViolation;
  for (const auto& [code, n] : kNames) {
    if (n == name) return code;
  }
  return std::nullopt;
}

}  // namespace evprov::ocpp
