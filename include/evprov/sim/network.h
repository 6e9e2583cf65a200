// Network connection profiles of the simulated charger (OCPP 2.0.1 B09/B10).
//
// SetNetworkProfile writes a profile into a numbered slot; the rules that
// refuse a profile live here (pure functions, no I/O): a lower security
// profile than the current one, profiles 2/3 without a CSMS root, profile 3
// without a charging station certificate, a URL whose scheme does not match
// the profile. After a reboot the charger connects following ConnectionPlan:
// the slots in NetworkConfigurationPriority order, each tried
// NetworkProfileConnectionAttempts times, then the next one (fallback).
//
// A profile's connection data may hold secrets (APN password, SIM PIN, VPN
// password/key): never log a NetworkProfile's connection_data.
//
// Thread-safety: values and pure functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::sim {

inline constexpr int kFirstSlot = 1;
inline constexpr int kDefaultSlotCount = 3;

struct NetworkProfile {
  std::string csms_url;      // ocppCsmsUrl, without the identity suffix
  int security_profile = 0;  // 1..3
  int message_timeout_s = 30;
  nlohmann::json connection_data;  // the NetworkConnectionProfileType as received
  bool factory = false;  // the factory endpoint (hardware ID + IDevID or bootstrap secret)
};

// Why a profile was refused: an OCPP reasonCode (<= 20 chars) and a message
// that names the field.
struct ProfileRefusal {
  std::string reason_code;
  std::string message;
};

// What the checks need to know about the charger.
struct ProfileCheckContext {
  int slot_count = kDefaultSlotCount;  // valid slots: kFirstSlot .. kFirstSlot + slot_count - 1
  int current_security_profile = 0;
  bool has_csms_root = false;            // a CSMSRootCertificate is installed
  bool has_station_certificate = false;  // a ChargingStationCertificate + key are active
};

// Checks a SetNetworkProfile request's slot and connectionData.
std::variant<NetworkProfile, ProfileRefusal> CheckNetworkProfile(
    int slot, const nlohmann::json& connection_data, const ProfileCheckContext& ctx);

// Builds a profile from the factory endpoint ("ws://" → 1, "wss://" → 2, or 3 with mTLS).
Result<NetworkProfile> FactoryProfile(std::string_view url, bool mutual_tls);

struct ConnectionAttempt {
  int slot = 0;
  int attempt = 0;  // 1-based within the slot
  bool operator==(const ConnectionAttempt&) const = default;
};

struct PlanOptions {
  std::vector<int> priority;     // NetworkConfigurationPriority, slot numbers in order
  int attempts_per_slot = 1;     // NetworkProfileConnectionAttempts (values < 1 count as 1)
  int min_security_profile = 0;  // slots below this are skipped (no downgrade, A00.FR.005)
};

// The ordered (slot, attempt) list to try. Slots named in the priority but
// empty, repeated, or below min_security_profile are skipped.
std::vector<ConnectionAttempt> ConnectionPlan(const std::map<int, NetworkProfile>& slots,
                                              const PlanOptions& options);

// "1,3,2" -> {1, 3, 2}. Refuses empty items, non-numbers and repeats.
Result<std::vector<int>> ParsePriority(std::string_view csv);

}  // namespace evprov::sim
