// One OCPP-J WebSocket, plain or over TLS, behind a small virtual interface
// so that only ws_connection.cc instantiates Boost.Beast's templates.
//
// AcceptWebSocket runs the server side of a connection's opening: TLS
// handshake (profiles 2, 3), HTTP upgrade request (size-limited, under the
// handshake deadline), DecideUpgrade, then the 101 answer or the refusal.
// ConnectWebSocket runs the client side.
//
// Thread-safety: a WsConnection is used from its strand only (the executor
// of the socket it was made from). At most one Read and one Write or Close
// may be outstanding at a time.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "evprov/common/status.h"
#include "evprov/ocpp/rpc.h"
#include "ocpp/handshake.h"
#include "ocpp/upgrade_policy.h"

namespace boost::asio::ssl {
class context;
}

namespace evprov::ocpp {

namespace asio = boost::asio;

enum class CloseKind { kNormal, kGoingAway, kProtocolError };

class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // One complete message (text or binary) into out.
  virtual asio::awaitable<boost::system::error_code> Read(std::string& out) = 0;
  virtual asio::awaitable<boost::system::error_code> Write(const std::string& text) = 0;
  // Sends a close frame; the peer's close arrives through the pending Read.
  virtual asio::awaitable<boost::system::error_code> Close(CloseKind kind, std::string reason) = 0;
  // Closes the socket at once; outstanding operations fail.
  virtual void Abort() = 0;
};

struct Accepted {
  std::unique_ptr<WsConnection> connection;
  SessionInfo session;
};
// nullopt when the opening failed or was refused (answered and logged).
asio::awaitable<std::optional<Accepted>> AcceptWebSocket(asio::ip::tcp::socket socket,
                                                         asio::ssl::context* tls,
                                                         const AcceptPolicy& policy);

class ClientIdentity;  // tls.h

struct ConnectRequest {
  Endpoint endpoint;
  std::string identity;
  std::optional<std::string> password;
  std::vector<std::string> subprotocols;
  ConnectionLimits limits;
  std::chrono::milliseconds connect_timeout{10000};
  // Presented on the TLS connection when the context does not carry one.
  std::shared_ptr<const ClientIdentity> tls_identity;
};
struct Connected {
  std::unique_ptr<WsConnection> connection;
  std::string subprotocol;
};
// Runs on strand; the connection's socket is bound to it.
asio::awaitable<Result<Connected>> ConnectWebSocket(asio::any_io_executor strand,
                                                    asio::ssl::context* tls,
                                                    const ConnectRequest& request);

}  // namespace evprov::ocpp
