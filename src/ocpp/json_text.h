// The JSON text of a frame, read and written exactly as nlohmann does it,
// faster (AppendJsonText below for writing).
//
// Reading: the same result as
// nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false) — the same
// values, the same number types (non-negative integers unsigned, negative
// ones signed, the rest double), the last of duplicate keys, and a discarded
// value for anything that is not one valid UTF-8 JSON text — about twice as
// fast (bench/ocpp_schema_bench.cc). RapidJSON's SAX reader reads the text and
// the nlohmann tree is built directly from its events. A text RapidJSON could
// read differently (malformed UTF-8, a NUL byte, an escaped UTF-16 surrogate)
// or refuses is handed to nlohmann, so refusals are nlohmann's own.
// Private to src/ocpp.
//
// Why: the station receives about 75 KB of JSON per unit, and nlohmann's
// lexer spent about 70 % of its parse time on it; nlohmann's serializer
// escapes strings one byte at a time.
//
// Thread-safety: a free function without state.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace evprov::ocpp::internal {

nlohmann::json ParseJsonText(std::string_view text);

// Appends the compact JSON text of `value` to `out`: byte for byte what
// value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) gives
// (invalid UTF-8 becomes U+FFFD), about twice as fast on a report
// (bench/ocpp_schema_bench.cc). Strings of printable ASCII without a quote or
// backslash, integers, booleans and null are written directly; any other
// string, and every floating-point number, is written by nlohmann.
void AppendJsonText(std::string& out, const nlohmann::json& value);

}  // namespace evprov::ocpp::internal
