// One live OCPP-J connection: a WsConnection, the RpcEngine that speaks over
// it, a read loop and a write queue (one write at a time, in order). Used by
// both the server (one per accepted socket) and the client.
//
// Ownership: shared; the read and write coroutines hold a reference while
// they run, the server's registry while the session is open.
// Thread-safety: Start, Close, Abort, Send and the accessors may be called
// from any thread; the rest runs on the session's strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "evprov/common/status.h"
#include "ocpp/rpc_engine.h"
#include "ocpp/ws_connection.h"

namespace evprov::ocpp {

class RpcSession : public std::enable_shared_from_this<RpcSession> {
 public:
  // Called once, on the strand, when the connection has ended.
  using OnClosed = std::function<void(const std::shared_ptr<RpcSession>&, const Status& why)>;

  RpcSession(asio::any_io_executor strand, std::unique_ptr<WsConnection> connection,
             SessionInfo info, EngineOptions engine_options,
             std::shared_ptr<const Handlers> handlers, OnClosed on_closed);
  RpcSession(const RpcSession&) = delete;
  RpcSession& operator=(const RpcSession&) = delete;

  // Starts the read loop. REQUIRES: called once.
  void Start();
  // Flushes queued frames, then closes with kind. Idempotent.
  void Close(CloseKind kind, std::string reason);
  // Closes the socket now.
  void Abort();
  // Queues a raw text frame (tests; the engine uses the same queue).
  void Send(std::string text);

  const std::shared_ptr<RpcEngine>& engine() const { return engine_; }
  const SessionInfo& info() const { return info_; }

 private:
  asio::awaitable<void> ReadLoop();
  asio::awaitable<void> WriteLoop();
  void Enqueue(std::string text);
  void Finish(const Status& why);

  asio::any_io_executor strand_;
  std::unique_ptr<WsConnection> connection_;
  SessionInfo info_;
  std::shared_ptr<RpcEngine> engine_;
  OnClosed on_closed_;

  // Strand-only state.
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool finished_ = false;
  std::optional<std::pair<CloseKind, std::string>> close_request_;
  std::shared_ptr<std::weak_ptr<RpcSession>> weak_holder_;  // the engine's way back
};

}  // namespace evprov::ocpp
