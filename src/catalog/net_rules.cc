#include "catalog/net_rules.h"

#include <arpa/inet.h>

#include <cctype>

namespace evprov::catalog {
namespace {

bool IsIpv4(std::string_view s) {
  in_addr addr{};
  return inet_pton(AF_INET, std::string(s).c_str(), &addr) == 1;
}

bool IsIpv6(std::string_view s) {
  in6_addr addr{};
  return inet_pton(AF_INET6, std::string(s).c_str(), &addr) == 1;
}

bool IsHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  // An all-numeric last label is a mistyped IPv4 address, not a name (RFC 1123 2.1).
  const std::string_view last = s.substr(s.rfind('.') + 1);
  if (last.find_first_not_of("0123456789") == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    start = dot + 1;
  }
  return true;
}

}  // namespace

bool IsHostOrIp(std::string_view text) {
  return IsIpv4(text) || IsIpv6(text) || IsHostName(text);
}

std::string UrlProblem(std::string_view url, std::string_view scheme, bool require_path) {
  const std::string prefix = std::string(scheme) + "://";
  if (url.substr(0, prefix.size()) != prefix) return "must start with " + prefix;
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return "must not contain white space";
    }
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return "must not have a query or fragment";
  }
  std::string_view rest = url.substr(prefix.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash == std::string_view::npos && require_path)
    return "must have a path (" + prefix + "host/path)";
  if (authority.find('@') != std::string_view::npos) return "must not carry user info";
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return "has an unclosed '[' in the host";
    host = authority.substr(1, close - 1);
    if (!IsIpv6(host)) return "has an invalid IPv6 address";
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "has text after the IPv6 address";
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (!IsHostName(host) && !IsIpv4(host)) return "has an invalid host";
  }
  if (authority.find(':') != std::string_view::npos && authority.back() != ']') {
    if (port.empty() || port.size() > 5) return "has an invalid port";
    int p = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return "has an invalid port";
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) return "has a port outside 1..65535";
  }
  return "";
}

}  // namespace evprov::catalog
