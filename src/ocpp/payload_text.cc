#include "evprov/ocpp/payload_text.h"

#include <cstdint>
#include <vector>

namespace evprov::ocpp {
namespace {

// Marks a binary value as JSON text ("JSON" in ASCII); no other binary value
// is ever a payload.
constexpr std::uint64_t kJsonTextSubtype = 0x4A534F4E;

}  // namespace

nlohmann::json PreSerialized(std::string_view text) {
  return nlohmann::json::binary(std::vector<std::uint8_t>(text.begin(), text.end()),
                                kJsonTextSubtype);
}

std::optional<std::string_view> PreSerializedText(const nlohmann::json& payload) {
  if (!payload.is_binary()) return std::nullopt;
  const auto& bytes = payload.get_binary();
  if (!bytes.has_subtype() || bytes.subtype() != kJsonTextSubtype) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace evprov::ocpp
