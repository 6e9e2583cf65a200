// The JSON Schema "format" keyword for the OCPP schemas.
//
// valijson's own date-time check builds a std::regex on every call (tens of
// microseconds); OCPP puts a date-time in most messages. So the schema text is
// rewritten before parsing ("format" → kFormatKeyword) and a hand-written
// RFC 3339 check is registered for it instead. Private to src/ocpp.
//
// Thread-safety: free functions without state; the constraint is immutable.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace valijson {
class SchemaParser;
}

namespace evprov::ocpp::internal {

inline constexpr std::string_view kFormatKeyword = "x-evprov-format";
// The description a failed date-time check reports (its path is prepended).
inline constexpr std::string_view kDateTimeError = "String should be a valid RFC 3339 date-time";

// RFC 3339 §5.6 date-time: "2026-11-24T02:05:01Z", "2026-11-24t02:05:01.5+01:00".
// Separator T, t or a space; an offset (Z, z or ±hh:mm) is required; day of
// month checked against the month and leap years; second 60 only at 23:59.
bool IsRfc3339DateTime(std::string_view text);

// Renames every schema keyword "format" (a key whose value is a string) in
// `schema` to kFormatKeyword. Property names are never strings' keys, so a
// property called "format" is left alone.
void RenameFormatKeyword(nlohmann::json& schema);

// Registers the kFormatKeyword constraint with `parser`: "date-time" is
// checked with IsRfc3339DateTime; other formats are annotations (always valid).
void AddFormatConstraint(valijson::SchemaParser& parser);

}  // namespace evprov::ocpp::internal
