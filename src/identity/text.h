// Private helpers shared by identity/ and units/ for messages and audit objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace evprov::identity::internal {

// 'value', for messages.
inline std::string Quoted(std::string_view value) {
  return "'" + std::string(value) + "'";
}

// The audit object naming a unit: "unit/42".
inline std::string UnitObject(std::int64_t unit_id) {
  return "unit/" + std::to_string(unit_id);
}

}  // namespace evprov::identity::internal
