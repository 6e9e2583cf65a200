// OCPP-J RPC: what handlers and callers see on either side of a connection.
//
// Handlers are registered per action in a Handlers table before a Server
// starts or a Client connects; the table is read-only afterwards. A handler
// receives the session it runs in, the incoming payload (already validated
// when the engine has a MessageValidator) and a Reply. It answers exactly once,
// now or later, from any thread: Reply::Ok or Reply::Error. A handler that
// throws or drops every copy of its Reply without answering makes the engine
// answer InternalError; the connection stays up.
//
// Outgoing calls complete with the peer's CALLRESULT payload, or a Status:
//   kDeadlineExceeded   no answer within CallOptions::timeout (queue time included)
//   kFailedPrecondition the peer answered CALLERROR ("CALLERROR <Code>: <text>",
//                       see CallErrorCodeOf)
//   kInvalidArgument    our request or the peer's response broke the schema
//   kUnavailable        the connection is closed or closing, or the queue is full
//
// Thread-safety: SessionInfo is an immutable value; Reply may be copied and
// used from any thread; Handlers is not synchronised (fill it, then share it).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "evprov/common/status.h"
#include "evprov/ocpp/validation.h"

namespace evprov::ocpp {

// The connection a handler runs in. Cheap to copy (shared context).
struct SessionInfo {
  std::string identity;     // the charging station identity (decoded URL segment)
  std::string subprotocol;  // "ocpp2.0.1"
  OcppVersion version = OcppVersion::kV201;
  int security_profile = 0;    // 1, 2 or 3
  std::string remote_address;  // "127.0.0.1:40112"
  // What the server's Authenticator attached on accept; nullptr on clients.
  std::shared_ptr<void> context;
};

// The answer to one incoming CALL. The first Ok/Error wins; later ones
// are ignored (and answered() tells). Any thread.
class Reply {
 public:
  class State;  // defined by the engine
  explicit Reply(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void Ok(nlohmann::json payload) const;
  void Error(RpcError error) const;
  bool answered() const;

 private:
  std::shared_ptr<State> state_;
};

using HandlerResult = std::variant<nlohmann::json, RpcError>;
// May answer later, from another thread, through the Reply. The payload
// (validated) is the handler's: one that keeps it takes it by value and moves
// it, and a handler taking const nlohmann::json& works as well.
using AsyncHandler =
    std::function<void(const SessionInfo& session, nlohmann::json payload, Reply reply)>;
// Answers before returning.
using SyncHandler =
    std::function<HandlerResult(const SessionInfo& session, nlohmann::json payload)>;

class Handlers {
 public:
  Handlers& On(std::string action, AsyncHandler handler);
  Handlers& OnSync(std::string action, SyncHandler handler);
  // nullptr when no handler is registered for action.
  const AsyncHandler* Find(std::string_view action) const;

 private:
  std::map<std::string, AsyncHandler, std::less<>> table_;
};

struct CallOptions {
  std::chrono::milliseconds timeout{30000};
};
using CallCallback = std::function<void(Result<nlohmann::json>)>;

// The OCPP error code of a Status made from a peer's CALLERROR; nullopt otherwise.
std::optional<RpcErrorCode> CallErrorCodeOf(const Status& status);

}  // namespace evprov::ocpp
