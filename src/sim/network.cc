#include "evprov/sim/network.h"

#include <charconv>
#include <set>

namespace evprov::sim {
namespace {

ProfileRefusal Refuse(std::string code, std::string message) {
  return ProfileRefusal{std::move(code), std::move(message)};
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The scheme a security profile needs: 1 → ws://, 2 and 3 → wss://.
std::string_view SchemeFor(int security_profile) {
  return security_profile == 1 ? "ws://" : "wss://";
}

}  // namespace

std::variant<NetworkProfile, ProfileRefusal> CheckNetworkProfile(
    int slot, const nlohmann::json& connection_data, const ProfileCheckContext& ctx) {
  if (slot < kFirstSlot || slot >= kFirstSlot + ctx.slot_count) {
    return Refuse("InvalidConfSlot", "configurationSlot: " + std::to_string(slot) +
                                         " is not a slot of this charger (" +
                                         std::to_string(kFirstSlot) + ".." +
                                         std::to_string(kFirstSlot + ctx.slot_count - 1) + ")");
  }
  if (!connection_data.is_object()) {
    return Refuse("MissingParam", "connectionData: not an object");
  }
  const auto& cd = connection_data;
  if (cd.value("ocppVersion", "") != "OCPP20") {
    return Refuse("UnsupportedParam", "connectionData.ocppVersion: only OCPP20 is supported");
  }
  if (cd.value("ocppTransport", "") != "JSON") {
    return Refuse("UnsupportedParam", "connectionData.ocppTransport: only JSON is supported");
  }
  if (!cd.contains("securityProfile") || !cd["securityProfile"].is_number_integer()) {
    return Refuse("MissingParam", "connectionData.securityProfile: missing");
  }
  NetworkProfile p;
  p.security_profile = cd["securityProfile"].get<int>();
  if (p.security_profile < 1 || p.security_profile > 3) {
    return Refuse("InvalidValue", "connectionData.securityProfile: " +
                                      std::to_string(p.security_profile) + " is not 1, 2 or 3");
  }
  if (p.security_profile < ctx.current_security_profile) {
    return Refuse("NoSecurityDowngrade",
                  "connectionData.securityProfile: " + std::to_string(p.security_profile) +
                      " is lower than the current security profile " +
                      std::to_string(ctx.current_security_profile));
  }
  if (p.security_profile >= 2 && !ctx.has_csms_root) {
    return Refuse("NoCertificate",
                  "connectionData.securityProfile: " + std::to_string(p.security_profile) +
                      " needs an installed CSMSRootCertificate");
  }
  if (p.security_profile == 3 && !ctx.has_station_certificate) {
    return Refuse("NoCertificate",
                  "connectionData.securityProfile: 3 needs a ChargingStationCertificate");
  }
  p.csms_url = cd.value("ocppCsmsUrl", "");
  std::string_view scheme = SchemeFor(p.security_profile);
  if (!StartsWith(p.csms_url, scheme) || p.csms_url.size() <= scheme.size()) {
    return Refuse("InvalidURL", "connectionData.ocppCsmsUrl: security profile " +
                                    std::to_string(p.security_profile) + " needs a " +
                                    std::string(scheme) + " URL");
  }
  if (cd.contains("messageTimeout") && cd["messageTimeout"].is_number_integer()) {
    p.message_timeout_s = cd["messageTimeout"].get<int>();
  }
  if (p.message_timeout_s <= 0) {
    return Refuse("InvalidValue", "connectionData.messageTimeout: must be > 0");
  }
  p.connection_data = cd;
  return p;
}

Result<NetworkProfile> FactoryProfile(std::string_view url, bool mutual_tls) {
  NetworkProfile p;
  if (StartsWith(url, "ws://")) {
    if (mutual_tls) {
      return Status::InvalidArgument("factory_endpoint: an IDevID needs a wss:// endpoint");
    }
    p.security_profile = 1;
  } else if (StartsWith(url, "wss://")) {
    p.security_profile = mutual_tls ? 3 : 2;
  } else {
    return Status::InvalidArgument("factory_endpoint: '" + std::string(url) +
                                   "' is not a ws:// or wss:// URL");
  }
  p.csms_url = std::string(url);
  p.factory = true;
  p.connection_data = {{"ocppVersion", "OCPP20"},
                       {"ocppTransport", "JSON"},
                       {"ocppCsmsUrl", p.csms_url},
                       {"messageTimeout", p.message_timeout_s},
                       {"securityProfile", p.security_profile},
                       {"ocppInterface", "Wired0"}};
  return p;
}

std::vector<ConnectionAttempt> ConnectionPlan(const std::map<int, NetworkProfile>& slots,
                                              const PlanOptions& options) {
  std::vector<ConnectionAttempt> plan;
  std::set<int> seen;
  const int attempts = std::max(1, options.attempts_per_slot);
  for (int slot : options.priority) {
    if (!seen.insert(slot).second) continue;
    auto it = slots.find(slot);
    if (it == slots.end()) continue;
    if (it->second.security_profile < options.min_security_profile) continue;
    for (int a = 1; a <= attempts; ++a) plan.push_back({slot, a});
  }
  return plan;
}

Result<std::vector<int>> ParsePriority(std::string_view csv) {
  std::vector<int> out;
  std::set<int> seen;
  std::size_t pos = 0;
  while (pos <= csv.size()) {
    std::size_t comma = csv.find(',', pos);
    if (comma == std::string_view::npos) comma = csv.size();
    std::string_view item = csv.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    int slot = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), slot);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size()) {
      return Status::InvalidArgument("NetworkConfigurationPriority: '" + std::string(item) +
                                     "' is not a slot number");
    }
    if (!seen.insert(slot).second) {
      return Status::InvalidArgument("NetworkConfigurationPriority: slot " + std::to_string(slot) +
                                     " is listed twice");
    }
    out.push_back(slot);
    pos = comma + 1;
  }
  return out;
}

}  // namespace evprov::sim
