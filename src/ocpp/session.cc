#include "ocpp/session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>

#include "evprov/common/log.h"

namespace evprov::ocpp {

RpcSession::RpcSession(asio::any_io_executor strand, std::unique_ptr<WsConnection> connection,
                       SessionInfo info, EngineOptions engine_options,
                       std::shared_ptr<const Handlers> handlers, OnClosed on_closed)
    : strand_(std::move(strand)),
      connection_(std::move(connection)),
      info_(std::move(info)),
      on_closed_(std::move(on_closed)) {
  // The engine reaches the session through a weak pointer: a session that
  // is gone drops what the engine still wants to send.
  auto weak = std::make_shared<std::weak_ptr<RpcSession>>();
  engine_ = std::make_shared<RpcEngine>(strand_, engine_options, std::move(handlers), info_,
                                        RpcEngine::Io{[weak](std::string frame) {
                                                        if (auto self = weak->lock())
                                                          self->Enqueue(std::move(frame));
                                                      },
                                                      [weak](std::string reason) {
                                                        if (auto self = weak->lock()) {
                                                          self->Close(CloseKind::kProtocolError,
                                                                      std::move(reason));
                                                        }
                                                      }});
  weak_holder_ = weak;
}

void RpcSession::Start() {
  *weak_holder_ = weak_from_this();
  asio::co_spawn(strand_, ReadLoop(), asio::detached);
}

asio::awaitable<void> RpcSession::ReadLoop() {
  auto self = shared_from_this();
  Status why;
  for (;;) {
    std::string text;
    auto ec = co_await connection_->Read(text);
    if (ec) {
      why = Status::Unavailable("connection closed: " + ec.message());
      break;
    }
    engine_->OnText(text);
  }
  Finish(why);
}

void RpcSession::Finish(const Status& why) {
  if (finished_) return;
  finished_ = true;
  outbox_.clear();
  engine_->Shutdown(why);
  if (!writing_) connection_->Abort();
  log::Info("ocpp.session.closed", {{"identity", info_.identity}, {"why", why.message()}});
  if (on_closed_) on_closed_(shared_from_this(), why);
}

void RpcSession::Send(std::string text) {
  asio::dispatch(strand_, [self = shared_from_this(), t = std::move(text)]() mutable {
    self->Enqueue(std::move(t));
  });
}

void RpcSession::Enqueue(std::string text) {
  if (finished_ || close_request_) return;
  outbox_.push_back(std::move(text));
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(strand_, WriteLoop(), asio::detached);
  }
}

asio::awaitable<void> RpcSession::WriteLoop() {
  auto self = shared_from_this();
  while (!outbox_.empty() && !finished_) {
    std::string text = std::move(outbox_.front());
    outbox_.pop_front();
    if (auto ec = co_await connection_->Write(text)) {
      outbox_.clear();
      connection_->Abort();  // the read loop ends and finishes the session
      break;
    }
  }
  if (close_request_ && !finished_) {
    auto [kind, reason] = *close_request_;
    co_await connection_->Close(kind, reason);
  }
  writing_ = false;
  if (finished_) connection_->Abort();
}

void RpcSession::Close(CloseKind kind, std::string reason) {
  asio::dispatch(strand_, [self = shared_from_this(), kind, r = std::move(reason)]() mutable {
    if (self->finished_ || self->close_request_) return;
    self->close_request_.emplace(kind, std::move(r));
    self->engine_->Shutdown(Status::Unavailable("closing: " + self->close_request_->second));
    if (!self->writing_) {
      self->writing_ = true;
      asio::co_spawn(self->strand_, self->WriteLoop(), asio::detached);
    }
  });
}

void RpcSession::Abort() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->connection_->Abort(); });
}

}  // namespace evprov::ocpp
