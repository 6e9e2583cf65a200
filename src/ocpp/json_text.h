// Parsing the JSON text of a frame: the same result as
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
// lexer spent about 70 % of its parse time on it.
//
// Thread-safety: a free function without state.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace evprov::ocpp::internal {

nlohmann::json ParseJsonText(std::string_view text);

}  // namespace evprov::ocpp::internal
