#include "evprov/ocpp/client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <mutex>

#include "evprov/common/log.h"
#include "ocpp/call_future.h"
#include "ocpp/runtime_impl.h"
#include "ocpp/session.h"
#include "ocpp/tls.h"
#include "ocpp/upgrade_policy.h"
#include "ocpp/ws_connection.h"

namespace evprov::ocpp {

class Client::Impl : public std::enable_shared_from_this<Client::Impl> {
 public:
  Impl(ClientOptions options, Handlers handlers, std::shared_ptr<Runtime> runtime)
      : options_(std::move(options)),
        handlers_(std::make_shared<const Handlers>(std::move(handlers))),
        runtime_(std::move(runtime)) {}

  void ConnectAsync(std::function<void(Status)> done) {
    auto endpoint = ParseEndpoint(options_.endpoint);
    if (!endpoint.ok()) return done(endpoint.status());
    if (Status s = ValidateIdentity(options_.identity); !s.ok()) return done(s);
    {
      std::lock_guard lock(mu_);
      if (session_) return done(Status::FailedPrecondition("ocpp client: already connected"));
      if (endpoint->tls && !tls_) {
        auto tls = MakeClientTls(options_);
        if (!tls.ok()) return done(tls.status());
        tls_ = std::move(tls->context);
        tls_identity_ = std::move(tls->identity);
      }
    }
    request_ = ConnectRequest{
        *endpoint,       options_.identity,        options_.password, options_.subprotocols,
        options_.limits, options_.connect_timeout, tls_identity_};
    auto strand = asio::make_strand(runtime_->impl().ioc());
    asio::co_spawn(strand, DoConnect(strand, std::move(done)), asio::detached);
  }

  void Call(std::string action, nlohmann::json payload, CallOptions options, CallCallback done) {
    auto session = Current();
    if (!session) return done(Status::Unavailable("ocpp client: not connected"));
    session->engine()->Call(std::move(action), std::move(payload), options, std::move(done));
  }

  Status SendRaw(std::string text) {
    auto session = Current();
    if (!session) return Status::Unavailable("ocpp client: not connected");
    session->Send(std::move(text));
    return Status::Ok();
  }

  void Close() {
    auto session = Current();
    if (!session) return;
    session->Close(CloseKind::kNormal, "client closing");
    std::unique_lock lock(mu_);
    closed_cv_.wait_for(lock, options_.limits.handshake_timeout + std::chrono::seconds(1),
                        [&] { return session_ != session; });
    if (session_ == session) {
      session->Abort();
      closed_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return session_ != session; });
    }
  }

  void CloseAsync() {
    if (auto session = Current()) session->Close(CloseKind::kNormal, "client closing");
  }
  void Abort() {
    if (auto session = Current()) session->Abort();
  }

  // Drops the runtime: when it was this client's own, its threads stop and
  // whatever is left in it is destroyed. REQUIRES: not on a runtime thread.
  void ReleaseRuntime() { runtime_.reset(); }

  std::shared_ptr<RpcSession> Current() const {
    std::lock_guard lock(mu_);
    return session_;
  }
  std::string subprotocol() const {
    std::lock_guard lock(mu_);
    return session_ ? session_->info().subprotocol : std::string();
  }

 private:
  asio::awaitable<void> DoConnect(asio::any_io_executor strand, std::function<void(Status)> done) {
    auto self = shared_from_this();
    auto connected = co_await ConnectWebSocket(strand, tls_.get(), request_);
    if (!connected.ok()) {
      log::Info("ocpp.client.connect_failed",
                {{"identity", options_.identity}, {"error", connected.status().message()}});
      done(connected.status());
      co_return;
    }
    SessionInfo info;
    info.identity = options_.identity;
    info.subprotocol = connected->subprotocol;
    info.version = VersionOfSubprotocol(info.subprotocol);
    info.security_profile = !request_.endpoint.tls ? 1 : (options_.password ? 2 : 3);
    info.remote_address = request_.endpoint.host + ":" + request_.endpoint.port;
    EngineOptions engine{.validator = options_.validator,
                         .max_queued_calls = options_.limits.max_queued_calls,
                         .max_incoming_in_flight = options_.limits.max_incoming_in_flight,
                         .max_bad_messages = options_.limits.max_bad_messages};
    std::weak_ptr<Impl> weak = self;
    auto session = std::make_shared<RpcSession>(
        strand, std::move(connected->connection), std::move(info), engine, handlers_,
        [weak](const std::shared_ptr<RpcSession>& s, const Status& why) {
          if (auto me = weak.lock()) me->OnClosed(s, why);
        });
    {
      std::lock_guard lock(mu_);
      session_ = session;
    }
    session->Start();
    done(Status::Ok());
  }

  void OnClosed(const std::shared_ptr<RpcSession>& s, const Status& why) {
    {
      std::lock_guard lock(mu_);
      if (session_ == s) session_.reset();
    }
    closed_cv_.notify_all();
    if (options_.on_closed) options_.on_closed(why);
  }

  ClientOptions options_;
  std::shared_ptr<const Handlers> handlers_;
  std::shared_ptr<Runtime> runtime_;
  ConnectRequest request_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::shared_ptr<const ClientIdentity> tls_identity_;
  mutable std::mutex mu_;
  std::condition_variable closed_cv_;
  std::shared_ptr<RpcSession> session_;
};

Client::Client(ClientOptions options, Handlers handlers, std::shared_ptr<Runtime> runtime)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(handlers),
                                   runtime ? std::move(runtime) : std::make_shared<Runtime>(1))) {}

Client::~Client() {
  impl_->Close();
  impl_->ReleaseRuntime();
}

Status Client::Connect() {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  impl_->ConnectAsync([promise](Status s) { promise->set_value(std::move(s)); });
  return future.get();
}

void Client::ConnectAsync(std::function<void(Status)> done) {
  impl_->ConnectAsync(std::move(done));
}

void Client::Call(std::string action, nlohmann::json payload, CallOptions options,
                  CallCallback done) {
  impl_->Call(std::move(action), std::move(payload), options, std::move(done));
}

std::future<Result<nlohmann::json>> Client::Call(std::string action, nlohmann::json payload,
                                                 CallOptions options) {
  return CallAsFuture([&](CallCallback done) {
    impl_->Call(std::move(action), std::move(payload), options, std::move(done));
  });
}

Status Client::SendRawForTest(std::string text) {
  return impl_->SendRaw(std::move(text));
}
bool Client::connected() const {
  return impl_->Current() != nullptr;
}
std::string Client::subprotocol() const {
  return impl_->subprotocol();
}
void Client::Close() {
  impl_->Close();
}
void Client::CloseAsync() {
  impl_->CloseAsync();
}
void Client::Abort() {
  impl_->Abort();
}

}  // namespace evprov::ocpp
