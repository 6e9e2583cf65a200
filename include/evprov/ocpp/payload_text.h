// CALL payloads given as JSON text, for a peer that writes a large payload
// from templates instead of building a tree (the simulator's NotifyReport
// parts):
//
//   std::string text = R"({"generatedAt":"…","reportData":[…],"requestId":7,"seqNo":0})";
//   client.Call("NotifyReport", ocpp::PreSerialized(text), {}, done);
//
// Client::Call, Server::Call and the engine accept the result wherever a
// payload tree goes. The engine writes the text into the CALL frame as is and
// does NOT check it against the action's request schema: the caller vouches
// that it is one JSON object valid for that schema (the simulator's tests
// parse and validate what it writes). Responses and incoming payloads are
// always trees.
//
// Thread-safety: free functions without state.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace evprov::ocpp {

// A payload holding `text` (a json binary value with a subtype of its own).
nlohmann::json PreSerialized(std::string_view text);

// The text of a PreSerialized payload; nullopt for any other value.
std::optional<std::string_view> PreSerializedText(const nlohmann::json& payload);

// Appends `s` as a JSON string, byte for byte as frames write strings
// (nlohmann's dump: invalid UTF-8 becomes U+FFFD).
void AppendJsonString(std::string& out, std::string_view s);

// The compact JSON text of `value` as frames are written: byte for byte
// value.dump(-1, ' ', false, replace), about twice as fast (for other JSON
// the peers write often, such as the simulator's state file).
std::string JsonText(const nlohmann::json& value);

}  // namespace evprov::ocpp
