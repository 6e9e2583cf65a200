// Server's insides, and the coroutine API for code inside libevprov (the
// station's pipeline): find a session by identity and co_await its calls.
//
// Ownership: the Server facade owns the Impl; the Impl owns the runtime
// (threads), the acceptor and, through the registry, the open sessions.
// Thread-safety: as Server.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "evprov/ocpp/runtime.h"
#include "evprov/ocpp/server.h"
#include "ocpp/runtime_impl.h"
#include "ocpp/session.h"
#include "ocpp/session_registry.h"
#include "ocpp/upgrade_policy.h"

namespace evprov::ocpp {

class Server::Impl {
 public:
  Impl(ServerOptions options, Authenticator authenticator, Handlers handlers, ServerHooks hooks);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Status Start();
  void Stop();
  std::uint16_t port() const { return port_.load(); }

  // nullptr when identity is not connected.
  std::shared_ptr<RpcSession> Find(std::string_view identity) const {
    return registry_.Find(identity);
  }
  // co_await server.impl().Call("CS-1", "GetBaseReport", payload, {}) from any executor.
  asio::awaitable<Result<nlohmann::json>> Call(std::string identity, std::string action,
                                               nlohmann::json payload, CallOptions options);
  void Call(std::string_view identity, std::string action, nlohmann::json payload,
            CallOptions options, CallCallback done);

  SessionRegistry& registry() { return registry_; }
  std::size_t connection_count() const { return registry_.size(); }

 private:
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> HandleConnection(asio::ip::tcp::socket socket);
  void OnSessionClosed(const std::shared_ptr<RpcSession>& session, const Status& why);

  ServerOptions options_;
  ServerHooks hooks_;
  std::shared_ptr<const Handlers> handlers_;
  AcceptPolicy policy_;

  std::unique_ptr<Runtime::Impl> runtime_;  // destroyed last: sessions live in its handlers
  std::shared_ptr<asio::ssl::context> tls_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  SessionRegistry registry_;
  std::atomic<std::size_t> connections_{0};  // from accept until the session ends
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stopping_{false};
  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace evprov::ocpp
