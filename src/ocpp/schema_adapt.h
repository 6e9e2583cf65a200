// Two adaptations of the OCPP schemas for valijson, applied to the schema
// text before parsing. Private to src/ocpp.
//
// 1. "format": valijson's own date-time check builds a std::regex on every
//    call (~400 µs measured, bench/ocpp_schema_bench.cc) and OCPP puts a
//    date-time in most messages;
//    "format" becomes kFormatKeyword with a hand-written RFC 3339 check.
// 2. "type": "integer": JSON Schema (draft 6 on) counts 300.0 as an integer,
//    valijson's strict types do not; it becomes "type": "number" plus
//    kIntegerKeyword, which accepts any number without a fractional part.
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
inline constexpr std::string_view kIntegerKeyword = "x-evprov-integer";
// The description a failed date-time check reports (its path is prepended).
inline constexpr std::string_view kDateTimeError = "String should be a valid RFC 3339 date-time";
// The description a number with a fraction reports where an integer is due;
// worded like valijson's own type errors.
inline constexpr std::string_view kIntegerError = "Value type not permitted by 'type' constraint";

// RFC 3339 §5.6 date-time: "2026-11-24T02:05:01Z", "2026-11-24t02:05:01.5+01:00".
// Separator T, t or a space; an offset (Z, z or ±hh:mm) is required; day of
// month checked against the month and leap years; second 60 only at 23:59.
bool IsRfc3339DateTime(std::string_view text);

// Rewrites `schema` as described above. Only keys whose value is a string are
// touched, so properties called "format" or "type" (objects) are left alone.
void AdaptSchema(nlohmann::json& schema);

// Registers the constraints of the adapted keywords with `parser`: for
// kFormatKeyword "date-time" is checked with IsRfc3339DateTime (other formats
// are annotations, always valid); kIntegerKeyword fails a number with a
// fractional part, reporting it as a type error.
void AddAdaptedConstraints(valijson::SchemaParser& parser);

}  // namespace evprov::ocpp::internal
