// Host names, IP addresses and endpoint URLs as the environment file may
// write them. Private to src/catalog.
#pragma once

#include <string>
#include <string_view>

namespace evprov::catalog {

// A DNS host name (labels of [A-Za-z0-9-], 1..63 each, <= 253 in all), an
// IPv4 address or an IPv6 address (without brackets).
bool IsHostOrIp(std::string_view text);

// Checks "scheme://host[:port]/path" (path optional unless require_path;
// no user info, query or fragment, no white space). Returns "" when the URL
// is fine, else the reason.
std::string UrlProblem(std::string_view url, std::string_view scheme, bool require_path);

}  // namespace evprov::catalog
