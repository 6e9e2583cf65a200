// Small encoding helpers shared by every part.
#pragma once

#include <string>
#include <string_view>

namespace evprov {

// Lower-case hex of the bytes.
std::string HexEncode(std::string_view bytes);
// Hex SHA-256 of the bytes (64 lower-case hex digits).
std::string Sha256Hex(std::string_view bytes);

}  // namespace evprov
