// Small JSON builders shared by the charger's handlers. Private to src/sim.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace evprov::sim {

// StatusInfoType: reasonCode (<= 20) and additionalInfo (<= 512, omitted when empty).
inline nlohmann::json StatusInfo(std::string_view reason_code, std::string_view info) {
  nlohmann::json out = {{"reasonCode", std::string(reason_code.substr(0, 20))}};
  if (!info.empty()) out["additionalInfo"] = std::string(info.substr(0, 512));
  return out;
}

// {"status": status} with a statusInfo when a reason is given.
inline nlohmann::json StatusAnswer(std::string_view status, std::string_view reason_code = "",
                                   std::string_view info = "") {
  nlohmann::json out = {{"status", status}};
  if (!reason_code.empty()) out["statusInfo"] = StatusInfo(reason_code, info);
  return out;
}

// The ComponentType / VariableType of a request, without customData.
inline nlohmann::json Echo(const nlohmann::json& j) {
  nlohmann::json out = j;
  if (out.is_object()) out.erase("customData");
  return out;
}

}  // namespace evprov::sim
