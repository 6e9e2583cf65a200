// The RPC engine of one OCPP-J connection: framing, message ids, one
// outstanding CALL per direction with a queue behind it, per-call timeouts,
// dispatch of incoming CALLs to Handlers, and the error boundary that turns
// every bad frame, schema failure or handler failure into the right CALLERROR.
//
// The engine does no I/O: it is fed text frames (OnText) and hands the frames
// it wants sent to Io::send, so it is testable without sockets.
//
// Ownership: held by shared_ptr (replies and timers keep it alive while they
// are pending). Handlers and the validator must outlive it.
// Thread-safety: Call, AsyncCall and Shutdown may be called from any thread;
// OnText and everything in Io run on the strand given at construction.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "evprov/common/status.h"
#include "evprov/ocpp/rpc.h"
#include "evprov/ocpp/validation.h"

namespace evprov::ocpp {

namespace asio = boost::asio;

struct EngineOptions {
  const MessageValidator* validator = nullptr;  // nullable: no schema checks
  std::size_t max_queued_calls = 1000;          // outgoing calls waiting behind the current one
  std::size_t max_incoming_in_flight = 8;       // peer calls being handled at once
  int max_bad_messages = 10;                    // consecutive bad frames before closing
};

class RpcEngine : public std::enable_shared_from_this<RpcEngine> {
 public:
  struct Io {
    std::function<void(std::string frame)> send;    // queue one text frame
    std::function<void(std::string reason)> close;  // protocol error: close the connection
  };

  RpcEngine(asio::any_io_executor strand, EngineOptions options,
            std::shared_ptr<const Handlers> handlers, SessionInfo session, Io io);
  ~RpcEngine();
  RpcEngine(const RpcEngine&) = delete;
  RpcEngine& operator=(const RpcEngine&) = delete;

  // Queues a CALL; done runs exactly once, on the strand.
  void Call(std::string action, nlohmann::json payload, CallOptions options, CallCallback done);

  // Call for coroutines: co_await engine->AsyncCall(a, p, o, asio::use_awaitable)
  // yields a Result<nlohmann::json>.
  template <typename Token>
  auto AsyncCall(std::string action, nlohmann::json payload, CallOptions options, Token&& token) {
    return asio::async_initiate<Token, void(Result<nlohmann::json>)>(
        [this](auto handler, std::string&& a, nlohmann::json&& p, CallOptions o) {
          using H = decltype(handler);
          auto shared = std::make_shared<H>(std::move(handler));
          Call(std::move(a), std::move(p), o, [shared](Result<nlohmann::json> r) {
            auto ex = asio::get_associated_executor(*shared);
            asio::dispatch(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
          });
        },
        token, std::move(action), std::move(payload), options);
  }

  // REQUIRES: on the strand. One received text frame.
  void OnText(std::string_view text);

  // Fails the current and queued calls with why; later calls fail at once;
  // answers of handlers still running are dropped. Idempotent.
  void Shutdown(Status why);

  const SessionInfo& session() const { return session_; }
  const asio::any_io_executor& strand() const { return strand_; }

 private:
  struct Outgoing;
  struct Incoming;
  friend class Reply::State;

  void StartCall(std::shared_ptr<Outgoing> call);
  void Pump();
  void Complete(const std::shared_ptr<Outgoing>& call, Result<nlohmann::json> result);
  void OnTimeout(const std::shared_ptr<Outgoing>& call);
  void OnIncomingCall(std::string id, std::string action, nlohmann::json payload);
  void OnResponse(std::string_view id, Result<nlohmann::json> result, bool validate);
  void FinishIncoming(const std::string& id, const std::string& action, HandlerResult result);
  void SendError(std::string_view id, const RpcError& error);
  void CountBadMessage(std::string_view what);

  asio::any_io_executor strand_;
  EngineOptions options_;
  std::shared_ptr<const Handlers> handlers_;
  SessionInfo session_;
  Io io_;

  // Strand-only state.
  bool closed_ = false;
  Status closed_why_;
  std::shared_ptr<Outgoing> current_;
  std::deque<std::shared_ptr<Outgoing>> queue_;
  std::map<std::string, std::string, std::less<>> incoming_;  // id -> action, in flight
  int bad_messages_ = 0;
};

}  // namespace evprov::ocpp
