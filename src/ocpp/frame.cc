#include "ocpp/frame.h"

#include <utility>

#include "evprov/ocpp/payload_text.h"
#include "ocpp/json_text.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;

// A part of a frame: a PreSerialized payload as its text, any other value
// as AppendJsonText writes it (invalid UTF-8 in a string from a handler
// becomes U+FFFD instead of throwing).
void AppendPart(std::string& out, const json& part) {
  if (auto text = PreSerializedText(part)) {
    out += *text;
  } else {
    internal::AppendJsonText(out, part);
  }
}

// "[<type>,<part>,...]" written piece by piece: building the array first
// would copy the payload.
template <typename... Parts>
std::string WriteFrame(char type, const Parts&... parts) {
  std::string out = {'[', type};
  ((out += ',', AppendPart(out, parts)), ...);
  out += ']';
  return out;
}

FrameError Bad(RpcErrorCode code, std::string description, std::string id = "-1") {
  return FrameError{std::move(id), true, RpcError{code, std::move(description)}};
}

FrameError Unanswerable(std::string id, std::string description) {
  return FrameError{std::move(id), false,
                    RpcError{RpcErrorCode::kRpcFrameworkError, std::move(description)}};
}

// The parsed array is the caller's and is not used afterwards: payloads are
// moved out of it, not copied.
ParsedFrame ParseCall(json& a, std::string id) {
  if (a.size() != 4) {
    return Bad(RpcErrorCode::kRpcFrameworkError,
               "CALL must have 4 elements, got " + std::to_string(a.size()), std::move(id));
  }
  if (!a[2].is_string() || a[2].get_ref<const std::string&>().empty()) {
    return Bad(RpcErrorCode::kRpcFrameworkError, "CALL action must be a non-empty string",
               std::move(id));
  }
  if (!a[3].is_object()) {
    return Bad(RpcErrorCode::kFormatViolation, "CALL payload must be a JSON object", std::move(id));
  }
  return CallFrame{std::move(id), a[2].get<std::string>(), std::move(a[3])};
}

ParsedFrame ParseCallResult(json& a, std::string id) {
  if (a.size() != 3) {
    return Unanswerable(std::move(id),
                        "CALLRESULT must have 3 elements, got " + std::to_string(a.size()));
  }
  if (!a[2].is_object()) {
    return Unanswerable(std::move(id), "CALLRESULT payload must be a JSON object");
  }
  return CallResultFrame{std::move(id), std::move(a[2])};
}

ParsedFrame ParseCallError(json& a, std::string id) {
  if (a.size() != 5) {
    return Unanswerable(std::move(id),
                        "CALLERROR must have 5 elements, got " + std::to_string(a.size()));
  }
  if (!a[2].is_string() || !a[3].is_string() || !a[4].is_object()) {
    return Unanswerable(std::move(id), "CALLERROR must be [4, id, code, description, {details}]");
  }
  CallErrorFrame f;
  f.id = std::move(id);
  f.code_name = a[2].get<std::string>();
  f.code = ParseRpcErrorCode(f.code_name).value_or(RpcErrorCode::kGenericError);
  f.description = a[3].get<std::string>();
  f.details = std::move(a[4]);
  return f;
}

}  // namespace

ParsedFrame ParseFrame(std::string_view text) {
  json a = internal::ParseJsonText(text);
  if (a.is_discarded()) return Bad(RpcErrorCode::kRpcFrameworkError, "frame is not JSON");
  if (!a.is_array()) return Bad(RpcErrorCode::kRpcFrameworkError, "frame must be a JSON array");
  if (a.empty() || !a[0].is_number_integer()) {
    return Bad(RpcErrorCode::kRpcFrameworkError, "frame[0] (message type) must be an integer");
  }
  const auto type = a[0].get<std::int64_t>();
  if (type != 2 && type != 3 && type != 4) {
    std::string id = a.size() > 1 && a[1].is_string() ? a[1].get<std::string>() : "-1";
    return Bad(RpcErrorCode::kMessageTypeNotSupported,
               "message type " + std::to_string(type) + " is not supported", std::move(id));
  }
  if (a.size() < 2 || !a[1].is_string()) {
    return Bad(RpcErrorCode::kRpcFrameworkError, "frame[1] (message id) must be a string");
  }
  std::string id = a[1].get<std::string>();
  if (id.empty() || id.size() > kMaxMessageIdLength) {
    return Bad(RpcErrorCode::kRpcFrameworkError,
               "message id must be 1 to " + std::to_string(kMaxMessageIdLength) + " characters");
  }
  switch (static_cast<MessageType>(type)) {
    case MessageType::kCall:
      return ParseCall(a, std::move(id));
    case MessageType::kCallResult:
      return ParseCallResult(a, std::move(id));
    case MessageType::kCallError:
      return ParseCallError(a, std::move(id));
  }
  return Bad(RpcErrorCode::kMessageTypeNotSupported, "unreachable");
}

std::string SerializeCall(std::string_view id, std::string_view action, const json& payload) {
  return WriteFrame('2', json(id), json(action), payload);
}

std::string SerializeCallResult(std::string_view id, const json& payload) {
  return WriteFrame('3', json(id), payload);
}

std::string SerializeCallError(std::string_view id, const RpcError& error, OcppVersion version,
                               const json& details) {
  return JsonText(
      json::array({4, id, RpcErrorCodeName(error.code, version), error.description, details}));
}

}  // namespace evprov::ocpp
