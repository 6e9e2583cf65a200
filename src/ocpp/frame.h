// OCPP-J frame codec: text <-> CALL / CALLRESULT / CALLERROR. Pure, no I/O.
//
//   CALL       [2, "<id>", "<action>", {payload}]
//   CALLRESULT [3, "<id>", {payload}]
//   CALLERROR  [4, "<id>", "<code>", "<description>", {details}]
//
// ParseFrame never throws: a frame that is not a valid RPC message yields a
// FrameError that says what to answer (the id, "-1" when unreadable, and the
// CALLERROR code), or that nothing may be answered (responses are never
// answered, OCPP-J 2.0.1 section 4.2.3).
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "evprov/ocpp/validation.h"

namespace evprov::ocpp {

enum class MessageType { kCall = 2, kCallResult = 3, kCallError = 4 };

struct CallFrame {
  std::string id;
  std::string action;
  nlohmann::json payload;
};
struct CallResultFrame {
  std::string id;
  nlohmann::json payload;
};
struct CallErrorFrame {
  std::string id;
  RpcErrorCode code = RpcErrorCode::kGenericError;
  std::string code_name;  // as received (an unknown name maps to kGenericError)
  std::string description;
  nlohmann::json details = nlohmann::json::object();
};

// A frame that is not a valid RPC message.
struct FrameError {
  std::string id = "-1";   // the message id when it could be read
  bool answerable = true;  // false when the bad frame was a CALLRESULT/CALLERROR
  RpcError error;
};

using Frame = std::variant<CallFrame, CallResultFrame, CallErrorFrame>;
using ParsedFrame = std::variant<CallFrame, CallResultFrame, CallErrorFrame, FrameError>;

ParsedFrame ParseFrame(std::string_view text);

// A PreSerialized payload (evprov/ocpp/payload_text.h) is written as its
// text; the engine sends one only in a CALL.
std::string SerializeCall(std::string_view id, std::string_view action,
                          const nlohmann::json& payload);
std::string SerializeCallResult(std::string_view id, const nlohmann::json& payload);
std::string SerializeCallError(std::string_view id, const RpcError& error,
                               OcppVersion version = OcppVersion::kV201,
                               const nlohmann::json& details = nlohmann::json::object());

// Longest message id OCPP-J allows (2.0.1: 36 characters).
inline constexpr std::size_t kMaxMessageIdLength = 36;

}  // namespace evprov::ocpp
