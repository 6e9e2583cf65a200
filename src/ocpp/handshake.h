// The pure parts of the OCPP-J WebSocket handshake, no I/O: the identity in
// the URL, HTTP Basic credentials, subprotocol choice, endpoint URLs.
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::ocpp {

// OCPP-J: identity <= 48 characters, no ':' (it is the Basic-auth user name).
inline constexpr std::size_t kMaxIdentityLength = 48;

// Identity characters: OCPP's identifierString set without ':'
// (a-z A-Z 0-9 * - _ = + | @ .).
Status ValidateIdentity(std::string_view identity);

// "%41b" -> "Ab"; nullopt on a malformed escape or an encoded NUL.
std::optional<std::string> PercentDecode(std::string_view text);
// Escapes everything outside RFC 3986's unreserved set.
std::string PercentEncode(std::string_view text);

// The identity from an upgrade request's target under prefix ("/ocpp/"):
// "/ocpp/CS%2D1?x=y" -> "CS-1". NotFound when the target is not under prefix
// or has more segments; InvalidArgument when the identity is malformed.
Result<std::string> IdentityFromTarget(std::string_view target, std::string_view prefix);

struct BasicCredentials {
  std::string user;
  std::string password;
};
// Parses "Basic <base64(user:password)>"; nullopt when absent or malformed.
std::optional<BasicCredentials> ParseBasicAuth(std::string_view header);
std::string BasicAuthHeader(std::string_view user, std::string_view password);

// The first of supported (server preference) that the client offered in its
// Sec-WebSocket-Protocol header ("ocpp1.6, ocpp2.0.1"); nullopt if none.
std::optional<std::string> ChooseSubprotocol(std::string_view offered,
                                             const std::vector<std::string>& supported);

// ws://host:port/path or wss://host:port/path (port defaults 80/443).
struct Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // always ends with '/'
};
Result<Endpoint> ParseEndpoint(std::string_view url);

}  // namespace evprov::ocpp
