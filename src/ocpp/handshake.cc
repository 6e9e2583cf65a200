#include "ocpp/handshake.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace evprov::ocpp {
namespace {

bool IsIdentityChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  return std::string_view("*-_=+|@.").find(c) != std::string_view::npos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Status ValidateIdentity(std::string_view identity) {
  if (identity.empty()) return Status::InvalidArgument("identity: empty");
  if (identity.size() > kMaxIdentityLength) {
    return Status::InvalidArgument("identity: longer than " + std::to_string(kMaxIdentityLength) +
                                   " characters");
  }
  if (identity.find(':') != std::string_view::npos) {
    return Status::InvalidArgument("identity: contains ':'");
  }
  for (char c : identity) {
    if (!IsIdentityChar(c)) {
      return Status::InvalidArgument("identity: character outside a-z A-Z 0-9 * - _ = + | @ .");
    }
  }
  return Status::Ok();
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

Result<std::string> IdentityFromTarget(std::string_view target, std::string_view prefix) {
  target = target.substr(0, target.find('?'));
  if (target.substr(0, prefix.size()) != prefix) {
    return Status::NotFound("path: not under " + std::string(prefix));
  }
  std::string_view segment = target.substr(prefix.size());
  if (segment.find('/') != std::string_view::npos) {
    return Status::NotFound("path: more than one segment after " + std::string(prefix));
  }
  auto identity = PercentDecode(segment);
  if (!identity) return Status::InvalidArgument("identity: malformed percent-encoding");
  EVPROV_TRY(ValidateIdentity(*identity));
  return *identity;
}

std::optional<BasicCredentials> ParseBasicAuth(std::string_view header) {
  header = Trim(header);
  constexpr std::string_view kScheme = "Basic ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  std::string_view b64 = Trim(header.substr(kScheme.size()));
  if (b64.empty() || b64.size() % 4 != 0 || b64.size() > 1024) return std::nullopt;
  std::string decoded(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t len = static_cast<std::size_t>(n);
  if (b64.ends_with("==")) {
    len -= 2;
  } else if (b64.ends_with("=")) {
    len -= 1;
  }
  decoded.resize(len);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

std::string BasicAuthHeader(std::string_view user, std::string_view password) {
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(plain.data()),
                          static_cast<int>(plain.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

std::optional<std::string> ChooseSubprotocol(std::string_view offered,
                                             const std::vector<std::string>& supported) {
  std::vector<std::string_view> tokens;
  while (!offered.empty()) {
    auto comma = offered.find(',');
    tokens.push_back(Trim(offered.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    offered.remove_prefix(comma + 1);
  }
  for (const auto& s : supported) {
    if (std::find(tokens.begin(), tokens.end(), s) != tokens.end()) return s;
  }
  return std::nullopt;
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  Endpoint e;
  if (url.starts_with("wss://")) {
    e.tls = true;
    url.remove_prefix(6);
  } else if (url.starts_with("ws://")) {
    url.remove_prefix(5);
  } else {
    return Status::InvalidArgument("endpoint: scheme must be ws:// or wss://");
  }
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  e.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (!e.path.ends_with('/')) e.path += '/';
  std::string_view host = authority;
  std::string_view port = e.tls ? "443" : "80";
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("endpoint: bad IPv6 host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return Status::InvalidArgument("endpoint: host is empty");
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return Status::InvalidArgument("endpoint: port must be a number");
  }
  e.host = std::string(host);
  e.port = std::string(port);
  return e;
}

}  // namespace evprov::ocpp
