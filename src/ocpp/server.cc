#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <thread>

#include "evprov/common/log.h"
#include "ocpp/call_future.h"
#include "ocpp/server_impl.h"
#include "ocpp/tls.h"
#include "ocpp/ws_connection.h"

namespace evprov::ocpp {
namespace {

using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kStopGrace = std::chrono::seconds(3);

EngineOptions EngineOptionsFrom(const ConnectionLimits& limits, const MessageValidator* validator) {
  return EngineOptions{.validator = validator,
                       .max_queued_calls = limits.max_queued_calls,
                       .max_incoming_in_flight = limits.max_incoming_in_flight,
                       .max_bad_messages = limits.max_bad_messages};
}

}  // namespace

Server::Impl::Impl(ServerOptions options, Authenticator authenticator, Handlers handlers,
                   ServerHooks hooks)
    : options_(std::move(options)),
      hooks_(std::move(hooks)),
      handlers_(std::make_shared<const Handlers>(std::move(handlers))) {
  policy_.profile = options_.profile;
  policy_.path_prefix = options_.path_prefix;
  policy_.subprotocols = options_.subprotocols;
  policy_.cn_match = options_.cn_match;
  policy_.limits = options_.limits;
  policy_.authenticator = std::move(authenticator);
  policy_.has_room = [this] { return connections_.load() <= options_.max_connections; };
}

Server::Impl::~Impl() {
  Stop();
}

Status Server::Impl::Start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_) return Status::FailedPrecondition("ocpp server: already started");
  if (options_.profile == SecurityProfile::kBasicAuth && !options_.allow_unencrypted_profile1) {
    return Status::FailedPrecondition(
        "ocpp server: security profile 1 (no TLS) requires allow_unencrypted_profile1");
  }
  if (!options_.path_prefix.starts_with('/') || !options_.path_prefix.ends_with('/')) {
    return Status::InvalidArgument("path_prefix: must start and end with '/'");
  }
  if (options_.subprotocols.empty()) return Status::InvalidArgument("subprotocols: empty");
  if (options_.profile != SecurityProfile::kBasicAuth) {
    EVPROV_ASSIGN_OR_RETURN(
        tls_, MakeServerTlsContext(options_.tls, options_.profile == SecurityProfile::kMutualTls));
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return Status::InvalidArgument("address '" + options_.address + "': " + ec.message());

  runtime_ = std::make_unique<Runtime::Impl>(options_.threads);
  acceptor_ = std::make_unique<tcp::acceptor>(asio::make_strand(runtime_->ioc()));
  tcp::endpoint endpoint(address, options_.port);
  if (acceptor_->open(endpoint.protocol(), ec); !ec) {
    acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_->bind(endpoint, ec);
  }
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    runtime_->Stop();
    return Status::Unavailable("listen " + options_.address + ":" + std::to_string(options_.port) +
                               ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  started_ = true;
  asio::co_spawn(acceptor_->get_executor(), AcceptLoop(), asio::detached);
  log::Info("ocpp.server.listening", {{"address", options_.address},
                                      {"port", static_cast<int>(port_.load())},
                                      {"profile", ProfileNumber(options_.profile)}});
  return Status::Ok();
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor_->async_accept(asio::make_strand(runtime_->ioc()), kTuple);
    if (stopping_ || !acceptor_->is_open()) co_return;
    if (ec) {
      // EMFILE and friends: back off instead of spinning.
      log::Warn("ocpp.server.accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(acceptor_->get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    ++connections_;
    auto executor = socket.get_executor();
    asio::co_spawn(executor, HandleConnection(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::HandleConnection(tcp::socket socket) {
  auto strand = socket.get_executor();
  auto accepted = co_await AcceptWebSocket(std::move(socket), tls_.get(), policy_);
  if (!accepted) {
    --connections_;
    co_return;
  }
  const std::string identity = accepted->session.identity;
  auto session = std::make_shared<RpcSession>(
      strand, std::move(accepted->connection), std::move(accepted->session),
      EngineOptionsFrom(options_.limits, options_.validator), handlers_,
      [this](const std::shared_ptr<RpcSession>& s, const Status& why) { OnSessionClosed(s, why); });
  if (auto older = registry_.Add(identity, session)) {
    log::Info("ocpp.server.replaced", {{"identity", identity}});
    older->Close(CloseKind::kNormal, "replaced by a newer connection");
  }
  log::Info("ocpp.server.connected", {{"identity", identity},
                                      {"remote", session->info().remote_address},
                                      {"subprotocol", session->info().subprotocol}});
  if (hooks_.on_connected) hooks_.on_connected(session->info());
  session->Start();
  if (stopping_) session->Close(CloseKind::kGoingAway, "server stopping");
}

void Server::Impl::OnSessionClosed(const std::shared_ptr<RpcSession>& session, const Status& why) {
  registry_.Remove(session->info().identity, session.get());
  --connections_;
  if (hooks_.on_disconnected) hooks_.on_disconnected(session->info(), why);
}

void Server::Impl::Stop() {
  std::lock_guard lock(lifecycle_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_ = true;
  asio::post(acceptor_->get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
  });
  for (auto& s : registry_.All()) s->Close(CloseKind::kGoingAway, "server stopping");
  // Bounded wait for the close handshakes, then cut what is left. A connection
  // still in its upgrade counts too: once upgraded it sees stopping_ and
  // closes itself, so no client is left believing it is connected.
  auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while ((registry_.size() > 0 || connections_ > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& s : registry_.All()) s->Abort();
  runtime_->Stop();
  log::Info("ocpp.server.stopped", {{"port", static_cast<int>(port_.load())}});
}

asio::awaitable<Result<nlohmann::json>> Server::Impl::Call(std::string identity, std::string action,
                                                           nlohmann::json payload,
                                                           CallOptions options) {
  auto session = registry_.Find(identity);
  if (!session) co_return Status::NotFound("ocpp: '" + identity + "' is not connected");
  co_return co_await session->engine()->AsyncCall(std::move(action), std::move(payload), options,
                                                  asio::use_awaitable);
}

void Server::Impl::Call(std::string_view identity, std::string action, nlohmann::json payload,
                        CallOptions options, CallCallback done) {
  auto session = registry_.Find(identity);
  if (!session) {
    done(Status::NotFound("ocpp: '" + std::string(identity) + "' is not connected"));
    return;
  }
  session->engine()->Call(std::move(action), std::move(payload), options, std::move(done));
}

// --- facade ------------------------------------------------------------------

Server::Server(ServerOptions options, Authenticator authenticator, Handlers handlers,
               ServerHooks hooks)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(authenticator),
                                   std::move(handlers), std::move(hooks))) {}
Server::~Server() {
  impl_->Stop();
}
Status Server::Start() {
  return impl_->Start();
}
void Server::Stop() {
  impl_->Stop();
}
std::uint16_t Server::port() const {
  return impl_->port();
}

void Server::Call(std::string_view identity, std::string action, nlohmann::json payload,
                  CallOptions options, CallCallback done) {
  impl_->Call(identity, std::move(action), std::move(payload), options, std::move(done));
}

std::future<Result<nlohmann::json>> Server::Call(std::string_view identity, std::string action,
                                                 nlohmann::json payload, CallOptions options) {
  return CallAsFuture([&](CallCallback done) {
    impl_->Call(identity, std::move(action), std::move(payload), options, std::move(done));
  });
}

bool Server::IsConnected(std::string_view identity) const {
  return impl_->Find(identity) != nullptr;
}
std::vector<std::string> Server::ConnectedIdentities() const {
  return impl_->registry().Identities();
}
std::size_t Server::connection_count() const {
  return impl_->connection_count();
}

bool Server::Disconnect(std::string_view identity) {
  auto session = impl_->Find(identity);
  if (!session) return false;
  session->Close(CloseKind::kNormal, "disconnected by the station");
  return true;
}

}  // namespace evprov::ocpp
