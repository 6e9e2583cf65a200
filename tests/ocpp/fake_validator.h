// A tiny MessageValidator for tests that run before (or without) the schema
// validator: knows a few actions and one rule each.
#pragma once

#include <nlohmann/json.hpp>

#include "evprov/ocpp/validation.h"

namespace evprov::ocpp::test {

// Requests: "Echo" needs a string "text" (else OccurrenceConstraintViolation /
// TypeConstraintViolation); "Heartbeat" needs {}; other actions NotImplemented.
// Responses: "Echo" needs a string "text"; "Heartbeat" needs "currentTime".
class FakeValidator : public MessageValidator {
 public:
  std::optional<RpcError> Validate(std::string_view action, MessageKind kind,
                                   const nlohmann::json& payload) const override {
    if (action == "Heartbeat") {
      if (kind == MessageKind::kRequest) {
        if (!payload.empty()) return RpcError{RpcErrorCode::kPropertyConstraintViolation, "extra"};
        return std::nullopt;
      }
      if (!payload.contains("currentTime")) {
        return RpcError{RpcErrorCode::kOccurrenceConstraintViolation, "currentTime: missing"};
      }
      return std::nullopt;
    }
    if (action == "Echo") {
      if (!payload.contains("text")) {
        return RpcError{RpcErrorCode::kOccurrenceConstraintViolation, "text: missing"};
      }
      if (!payload["text"].is_string()) {
        return RpcError{RpcErrorCode::kTypeConstraintViolation, "text: not a string"};
      }
      return std::nullopt;
    }
    if (kind == MessageKind::kRequest) {
      return RpcError{RpcErrorCode::kNotImplemented, "unknown action"};
    }
    return RpcError{RpcErrorCode::kProtocolError, "unknown action"};
  }
};

}  // namespace evprov::ocpp::test
