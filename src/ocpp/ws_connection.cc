// The only translation unit that instantiates Beast's WebSocket templates.
#include "ocpp/ws_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "evprov/common/log.h"
#include "ocpp/tls.h"

namespace evprov::ocpp {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxHttpHeaderBytes = 8192;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
class WsConnectionImpl final : public WsConnection {
 public:
  explicit WsConnectionImpl(websocket::stream<Stream> ws) : ws_(std::move(ws)) {}

  asio::awaitable<error_code> Read(std::string& out) override {
    buffer_.clear();
    auto [ec, n] = co_await ws_.async_read(buffer_, kTuple);
    if (!ec) out = beast::buffers_to_string(buffer_.data());
    co_return ec;
  }

  asio::awaitable<error_code> Write(const std::string& text) override {
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
    co_return ec;
  }

  asio::awaitable<error_code> Close(CloseKind kind, std::string reason) override {
    websocket::close_code code = websocket::close_code::normal;
    switch (kind) {
      case CloseKind::kNormal:
        break;
      case CloseKind::kGoingAway:
        code = websocket::close_code::going_away;
        break;
      case CloseKind::kProtocolError:
        code = websocket::close_code::protocol_error;
        break;
    }
    if (reason.size() > 120) reason.resize(120);  // a close frame's reason is <= 123 bytes
    auto [ec] = co_await ws_.async_close(websocket::close_reason(code, reason), kTuple);
    co_return ec;
  }

  void Abort() override {
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
};

std::string RemoteAddress(const tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

template <class Stream>
void ApplyWebSocketLimits(websocket::stream<Stream>& ws, const ConnectionLimits& limits) {
  beast::get_lowest_layer(ws).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = limits.handshake_timeout;
  timeouts.idle_timeout = limits.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(limits.max_frame_bytes);
  ws.auto_fragment(false);
}

template <class Stream>
asio::awaitable<void> Refuse(Stream& stream, const Refusal& refusal) {
  http::response<http::string_body> res{static_cast<http::status>(refusal.http_status), 11};
  res.set(http::field::server, "evprov");
  res.set(http::field::connection, "close");
  res.set(http::field::content_type, "text/plain");
  if (refusal.http_status == 401) res.set(http::field::www_authenticate, "Basic realm=\"ocpp\"");
  res.body() = refusal.reason + "\n";
  res.prepare_payload();
  co_await http::async_write(stream, res, kTuple);
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(kTuple);
  }
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

template <class Stream>
asio::awaitable<std::optional<Accepted>> Upgrade(Stream stream, const AcceptPolicy& policy,
                                                 UpgradeRequest request) {
  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  parser.header_limit(kMaxHttpHeaderBytes);
  auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (ec) {
    log::Info("ocpp.server.http_read_failed",
              {{"remote", request.remote_address}, {"error", ec.message()}});
    co_return std::nullopt;
  }
  const auto& req = parser.get();
  request.is_websocket_upgrade = websocket::is_upgrade(req);
  request.target = std::string(req.target());
  request.protocols = std::string(req[http::field::sec_websocket_protocol]);
  request.authorization = std::string(req[http::field::authorization]);

  auto verdict = DecideUpgrade(request, policy);
  if (auto* refusal = std::get_if<Refusal>(&verdict)) {
    log::Info("ocpp.server.refused", {{"remote", request.remote_address},
                                      {"target", request.target},
                                      {"status", refusal->http_status},
                                      {"reason", refusal->reason}});
    co_await Refuse(stream, *refusal);
    co_return std::nullopt;
  }
  SessionInfo session = std::get<SessionInfo>(std::move(verdict));
  websocket::stream<Stream> ws(std::move(stream));
  ApplyWebSocketLimits(ws, policy.limits);
  ws.set_option(
      websocket::stream_base::decorator([sub = session.subprotocol](websocket::response_type& res) {
        res.set(http::field::sec_websocket_protocol, sub);
        res.set(http::field::server, "evprov");
      }));
  auto [aec] = co_await ws.async_accept(req, kTuple);
  if (aec) {
    log::Info("ocpp.server.upgrade_failed",
              {{"identity", session.identity}, {"error", aec.message()}});
    co_return std::nullopt;
  }
  co_return Accepted{std::make_unique<WsConnectionImpl<Stream>>(std::move(ws)), std::move(session)};
}

template <class Stream>
asio::awaitable<Result<Connected>> Handshake(Stream stream, const ConnectRequest& request) {
  websocket::stream<Stream> ws(std::move(stream));
  ApplyWebSocketLimits(ws, request.limits);
  std::string offered;
  for (const auto& p : request.subprotocols) offered += (offered.empty() ? "" : ", ") + p;
  std::string authorization =
      request.password ? BasicAuthHeader(request.identity, *request.password) : "";
  ws.set_option(
      websocket::stream_base::decorator([offered, authorization](websocket::request_type& req) {
        req.set(http::field::sec_websocket_protocol, offered);
        req.set(http::field::user_agent, "evprov");
        if (!authorization.empty()) req.set(http::field::authorization, authorization);
      }));
  websocket::response_type res;
  const std::string host = request.endpoint.host + ":" + request.endpoint.port;
  const std::string target = request.endpoint.path + PercentEncode(request.identity);
  auto [ec] = co_await ws.async_handshake(res, host, target, kTuple);
  if (ec) {
    unsigned status = res.result_int();
    std::string what = "http " + std::to_string(status) + " " + std::string(res.reason());
    switch (status) {
      case 0:
        co_return Status::Unavailable("websocket handshake: " + ec.message());
      case 400:
        co_return Status::InvalidArgument(what);
      case 401:
        co_return Status::Unauthenticated(what);
      case 404:
        co_return Status::NotFound(what);
      default:
        co_return Status::Unavailable(what);
    }
  }
  std::string chosen(res[http::field::sec_websocket_protocol]);
  if (std::find(request.subprotocols.begin(), request.subprotocols.end(), chosen) ==
      request.subprotocols.end()) {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    co_return Status::FailedPrecondition("server selected subprotocol '" + chosen +
                                         "', which we did not offer");
  }
  co_return Connected{std::make_unique<WsConnectionImpl<Stream>>(std::move(ws)), std::move(chosen)};
}

}  // namespace

asio::awaitable<std::optional<Accepted>> AcceptWebSocket(tcp::socket socket, ssl::context* tls,
                                                         const AcceptPolicy& policy) {
  UpgradeRequest request;
  request.remote_address = RemoteAddress(socket);
  beast::tcp_stream tcp(std::move(socket));
  tcp.expires_after(policy.limits.handshake_timeout);
  if (tls == nullptr) {
    co_return co_await Upgrade(std::move(tcp), policy, std::move(request));
  }

  TlsStream stream(std::move(tcp), *tls);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
  if (ec) {
    log::Info("ocpp.server.tls_failed",
              {{"remote", request.remote_address}, {"error", ec.message()}});
    co_return std::nullopt;
  }
  request.peer_certificate = PeerCertificateOf(stream.native_handle());
  co_return co_await Upgrade(std::move(stream), policy, std::move(request));
}

asio::awaitable<Result<Connected>> ConnectWebSocket(asio::any_io_executor strand, ssl::context* tls,
                                                    const ConnectRequest& request) {
  tcp::resolver resolver(strand);
  auto [rec, endpoints] =
      co_await resolver.async_resolve(request.endpoint.host, request.endpoint.port, kTuple);
  if (rec) {
    co_return Status::Unavailable("resolve " + request.endpoint.host + ": " + rec.message());
  }
  beast::tcp_stream tcp(strand);
  tcp.expires_after(request.connect_timeout);
  auto [cec, ep] = co_await tcp.async_connect(endpoints, kTuple);
  if (cec) co_return Status::Unavailable("connect: " + cec.message());
  tcp.socket().set_option(tcp::no_delay(true));
  if (tls == nullptr) {
    co_return co_await Handshake(std::move(tcp), request);
  }

  TlsStream stream(std::move(tcp), *tls);
  if (request.tls_identity) {
    if (Status s = request.tls_identity->ApplyTo(stream.native_handle()); !s.ok()) co_return s;
  }
  error_code addr_ec;
  asio::ip::make_address(request.endpoint.host, addr_ec);
  if (addr_ec) SSL_set_tlsext_host_name(stream.native_handle(), request.endpoint.host.c_str());
  stream.set_verify_callback(ssl::host_name_verification(request.endpoint.host));
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  if (hec) co_return Status::Unavailable("tls handshake: " + hec.message());
  co_return co_await Handshake(std::move(stream), request);
}

}  // namespace evprov::ocpp
