#include "ocpp/rpc_engine.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <exception>
#include <utility>

#include "evprov/common/log.h"
#include "evprov/ocpp/payload_text.h"
#include "ocpp/frame.h"

namespace evprov::ocpp {
namespace {

using nlohmann::json;

// Message ids are unique within the process (and so per connection).
std::string NextMessageId() {
  static std::atomic<std::uint64_t> counter{1};
  return std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

constexpr std::string_view kCallErrorPrefix = "CALLERROR ";

}  // namespace

// --- Reply -------------------------------------------------------------------

class Reply::State {
 public:
  State(std::weak_ptr<RpcEngine> engine, std::string id, std::string action)
      : engine_(std::move(engine)), id_(std::move(id)), action_(std::move(action)) {}
  ~State() { TryAnswer(RpcError{RpcErrorCode::kInternalError, "the handler did not answer"}); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  bool TryAnswer(HandlerResult result) {
    if (answered_.exchange(true)) return false;
    if (auto engine = engine_.lock()) {
      asio::post(engine->strand_,
                 [engine, id = id_, action = action_, r = std::move(result)]() mutable {
                   engine->FinishIncoming(id, action, std::move(r));
                 });
    }
    return true;
  }
  bool answered() const { return answered_.load(); }

 private:
  std::weak_ptr<RpcEngine> engine_;
  std::string id_;
  std::string action_;
  std::atomic<bool> answered_{false};
};

void Reply::Ok(json payload) const {
  state_->TryAnswer(std::move(payload));
}
void Reply::Error(RpcError error) const {
  state_->TryAnswer(std::move(error));
}
bool Reply::answered() const {
  return state_->answered();
}

// --- Handlers ----------------------------------------------------------------

Handlers& Handlers::On(std::string action, AsyncHandler handler) {
  table_[std::move(action)] = std::move(handler);
  return *this;
}

Handlers& Handlers::OnSync(std::string action, SyncHandler handler) {
  return On(std::move(action),
            [h = std::move(handler)](const SessionInfo& s, json p, const Reply& reply) {
              HandlerResult r = h(s, std::move(p));
              if (auto* payload = std::get_if<json>(&r)) {
                reply.Ok(std::move(*payload));
              } else {
                reply.Error(std::get<RpcError>(std::move(r)));
              }
            });
}

const AsyncHandler* Handlers::Find(std::string_view action) const {
  auto it = table_.find(action);
  return it == table_.end() ? nullptr : &it->second;
}

std::optional<RpcErrorCode> CallErrorCodeOf(const Status& status) {
  if (status.code() != StatusCode::kFailedPrecondition) return std::nullopt;
  std::string_view m = status.message();
  if (m.substr(0, kCallErrorPrefix.size()) != kCallErrorPrefix) return std::nullopt;
  m.remove_prefix(kCallErrorPrefix.size());
  return ParseRpcErrorCode(m.substr(0, m.find(':')));
}

// --- RpcEngine ---------------------------------------------------------------

struct RpcEngine::Outgoing {
  Outgoing(const asio::any_io_executor& ex, std::string a, json p, CallCallback d)
      : id(NextMessageId()),
        action(std::move(a)),
        payload(std::move(p)),
        done(std::move(d)),
        timer(ex) {}
  std::string id;
  std::string action;
  json payload;
  CallCallback done;
  asio::steady_timer timer;
};

RpcEngine::RpcEngine(asio::any_io_executor strand, EngineOptions options,
                     std::shared_ptr<const Handlers> handlers, SessionInfo session, Io io)
    : strand_(std::move(strand)),
      options_(options),
      handlers_(std::move(handlers)),
      session_(std::move(session)),
      io_(std::move(io)) {}

RpcEngine::~RpcEngine() = default;

void RpcEngine::Call(std::string action, json payload, CallOptions options, CallCallback done) {
  auto call =
      std::make_shared<Outgoing>(strand_, std::move(action), std::move(payload), std::move(done));
  call->timer.expires_after(options.timeout);
  asio::dispatch(strand_, [self = shared_from_this(), call]() { self->StartCall(call); });
}

void RpcEngine::StartCall(std::shared_ptr<Outgoing> call) {
  if (closed_) {
    Complete(call, Status::Unavailable("ocpp: connection closed: " + closed_why_.message()));
    return;
  }
  // A PreSerialized payload is the caller's to vouch for (payload_text.h).
  if (options_.validator != nullptr && !PreSerializedText(call->payload)) {
    if (auto err =
            options_.validator->Validate(call->action, MessageKind::kRequest, call->payload)) {
      Complete(call, Status::InvalidArgument(call->action + " request: " + err->description));
      return;
    }
  }
  if (queue_.size() >= options_.max_queued_calls) {
    Complete(call, Status::Unavailable("ocpp: call queue is full (" +
                                       std::to_string(options_.max_queued_calls) + ")"));
    return;
  }
  call->timer.async_wait([weak = weak_from_this(), call](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the call completed
    if (auto self = weak.lock()) self->OnTimeout(call);
  });
  queue_.push_back(std::move(call));
  Pump();
}

void RpcEngine::Pump() {
  if (current_ || queue_.empty() || closed_) return;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  io_.send(SerializeCall(current_->id, current_->action, current_->payload));
}

void RpcEngine::Complete(const std::shared_ptr<Outgoing>& call, Result<json> result) {
  call->timer.cancel();
  if (!call->done) return;
  auto done = std::move(call->done);
  call->done = nullptr;
  done(std::move(result));
}

void RpcEngine::OnTimeout(const std::shared_ptr<Outgoing>& call) {
  if (!call->done) return;
  if (call == current_) {
    current_.reset();
  } else {
    std::erase(queue_, call);
  }
  log::Warn("ocpp.rpc.call_timeout",
            {{"identity", session_.identity}, {"action", call->action}, {"id", call->id}});
  Complete(call, Status::DeadlineExceeded("ocpp: " + call->action + " got no answer in time"));
  Pump();
}

void RpcEngine::OnText(std::string_view text) {
  ParsedFrame parsed = ParseFrame(text);
  if (auto* bad = std::get_if<FrameError>(&parsed)) {
    log::Warn(
        "ocpp.rpc.bad_frame",
        {{"identity", session_.identity}, {"id", bad->id}, {"reason", bad->error.description}});
    if (bad->answerable && !closed_) SendError(bad->id, bad->error);
    CountBadMessage(bad->error.description);
    return;
  }
  if (auto* call = std::get_if<CallFrame>(&parsed)) {
    OnIncomingCall(std::move(call->id), std::move(call->action), std::move(call->payload));
  } else if (auto* result = std::get_if<CallResultFrame>(&parsed)) {
    OnResponse(result->id, std::move(result->payload), /*validate=*/true);
  } else if (auto* error = std::get_if<CallErrorFrame>(&parsed)) {
    if (!current_ || current_->id != error->id) {
      // Typically the peer's answer to a frame it could not parse.
      log::Warn("ocpp.rpc.unexpected_callerror", {{"identity", session_.identity},
                                                  {"id", error->id},
                                                  {"code", error->code_name},
                                                  {"description", error->description}});
    }
    OnResponse(error->id,
               Status::FailedPrecondition(std::string(kCallErrorPrefix) + error->code_name + ": " +
                                          error->description),
               /*validate=*/false);
  }
}

void RpcEngine::CountBadMessage(std::string_view what) {
  if (++bad_messages_ <= options_.max_bad_messages || closed_) return;
  log::Warn("ocpp.rpc.too_many_bad_frames", {{"identity", session_.identity}});
  io_.close("too many bad messages, last: " + std::string(what));
}

void RpcEngine::OnResponse(std::string_view id, Result<json> result, bool validate) {
  if (!current_ || current_->id != id) {
    log::Warn("ocpp.rpc.unexpected_response", {{"identity", session_.identity}, {"id", id}});
    CountBadMessage("response to an unknown message id");
    return;
  }
  bad_messages_ = 0;
  auto call = std::move(current_);
  current_.reset();
  if (validate && result.ok() && options_.validator != nullptr) {
    if (auto err = options_.validator->Validate(call->action, MessageKind::kResponse, *result)) {
      log::Warn("ocpp.rpc.invalid_response", {{"identity", session_.identity},
                                              {"action", call->action},
                                              {"reason", err->description}});
      result = Status::InvalidArgument(call->action + " response: " + err->description);
    }
  }
  Complete(call, std::move(result));
  Pump();
}

void RpcEngine::OnIncomingCall(std::string id, std::string action, json payload) {
  bad_messages_ = 0;
  if (closed_) return;
  if (incoming_.contains(id)) {
    SendError(id, {RpcErrorCode::kRpcFrameworkError,
                   "a call with message id '" + id + "' is already being processed"});
    return;
  }
  if (incoming_.size() >= options_.max_incoming_in_flight) {
    SendError(id, {RpcErrorCode::kGenericError, "too many calls in progress"});
    return;
  }
  const AsyncHandler* handler = handlers_ ? handlers_->Find(action) : nullptr;
  if (handler == nullptr) {
    SendError(id, {RpcErrorCode::kNotImplemented, "no handler for action '" + action + "'"});
    return;
  }
  if (options_.validator != nullptr) {
    if (auto err = options_.validator->Validate(action, MessageKind::kRequest, payload)) {
      SendError(id, *err);
      return;
    }
  }
  incoming_.emplace(id, action);
  Reply reply(std::make_shared<Reply::State>(weak_from_this(), id, action));
  try {
    (*handler)(session_, std::move(payload), reply);
  } catch (const std::exception& e) {
    log::Error("ocpp.rpc.handler_threw",
               {{"identity", session_.identity}, {"action", action}, {"what", e.what()}});
    reply.Error({RpcErrorCode::kInternalError, "the handler failed"});
  } catch (...) {
    log::Error("ocpp.rpc.handler_threw", {{"identity", session_.identity}, {"action", action}});
    reply.Error({RpcErrorCode::kInternalError, "the handler failed"});
  }
}

void RpcEngine::FinishIncoming(const std::string& id, const std::string& action,
                               HandlerResult result) {
  if (incoming_.erase(id) == 0 || closed_) return;
  if (auto* error = std::get_if<RpcError>(&result)) {
    SendError(id, *error);
    return;
  }
  const json& payload = std::get<json>(result);
  if (options_.validator != nullptr) {
    if (auto err = options_.validator->Validate(action, MessageKind::kResponse, payload)) {
      log::Error(
          "ocpp.rpc.own_response_invalid",
          {{"identity", session_.identity}, {"action", action}, {"reason", err->description}});
      SendError(id, {RpcErrorCode::kInternalError, "the response failed validation"});
      return;
    }
  }
  io_.send(SerializeCallResult(id, payload));
}

void RpcEngine::SendError(std::string_view id, const RpcError& error) {
  io_.send(SerializeCallError(id, error, session_.version));
}

void RpcEngine::Shutdown(Status why) {
  asio::dispatch(strand_, [self = shared_from_this(), why = std::move(why)]() {
    if (self->closed_) return;
    self->closed_ = true;
    self->closed_why_ = why;
    Status unavailable = Status::Unavailable("ocpp: connection closed: " + why.message());
    if (auto call = std::move(self->current_)) self->Complete(call, unavailable);
    auto queued = std::move(self->queue_);
    for (auto& call : queued) self->Complete(call, unavailable);
    self->incoming_.clear();
  });
}

}  // namespace evprov::ocpp
