#include "evprov/sim/faults.h"

#include <charconv>

namespace evprov::sim {
namespace {

bool IsActionName(std::string_view s) {
  if (s.empty() || s.size() > 50) return false;
  for (char c : s) {
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alpha) return false;
  }
  return true;
}

}  // namespace

bool Faults::RejectsVariable(std::string_view component, std::string_view variable) const {
  for (const auto& rv : reject_variables) {
    if (rv.size() == component.size() + 1 + variable.size() && rv.starts_with(component) &&
        rv[component.size()] == '.' && rv.ends_with(variable)) {
      return true;
    }
  }
  return false;
}

Result<Faults> ParseFaults(const std::vector<std::string>& flags) {
  Faults f;
  for (const std::string& flag : flags) {
    std::string_view text = flag;
    std::size_t eq = text.find('=');
    std::string_view name = text.substr(0, eq);
    std::optional<std::string_view> value;
    if (eq != std::string_view::npos) value = text.substr(eq + 1);
    auto need_value = [&]() -> Status {
      if (!value || value->empty()) {
        return Status::InvalidArgument("fault '" + std::string(name) + "': needs a value");
      }
      return Status::Ok();
    };
    auto no_value = [&]() -> Status {
      if (value) {
        return Status::InvalidArgument("fault '" + std::string(name) + "': takes no value");
      }
      return Status::Ok();
    };
    if (name == "drop-at" || name == "crash-at") {
      EVPROV_TRY(need_value());
      if (!IsActionName(*value)) {
        return Status::InvalidArgument("fault '" + std::string(name) + "': '" +
                                       std::string(*value) + "' is not an OCPP action name");
      }
      (name == "drop-at" ? f.drop_at : f.crash_at) = std::string(*value);
    } else if (name == "reject-variable") {
      EVPROV_TRY(need_value());
      std::size_t dot = value->find('.');
      if (dot == std::string_view::npos || dot == 0 || dot + 1 == value->size()) {
        return Status::InvalidArgument("fault 'reject-variable': '" + std::string(*value) +
                                       "' is not Component.Variable");
      }
      f.reject_variables.emplace_back(*value);
    } else if (name == "slow-responses") {
      EVPROV_TRY(need_value());
      int ms = 0;
      auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), ms);
      if (ec != std::errc() || end != value->data() + value->size() || ms < 0 || ms > 600000) {
        return Status::InvalidArgument("fault 'slow-responses': '" + std::string(*value) +
                                       "' is not a delay in milliseconds (0..600000)");
      }
      f.response_delay = std::chrono::milliseconds(ms);
    } else if (name == "csr-wrong-serial") {
      EVPROV_TRY(no_value());
      f.csr_wrong_serial = true;
    } else if (name == "reuse-key") {
      EVPROV_TRY(no_value());
      f.reuse_key = true;
    } else if (name == "mismatched-layout") {
      EVPROV_TRY(no_value());
      f.mismatched_layout = true;
    } else {
      return Status::InvalidArgument("fault '" + std::string(name) + "': unknown fault");
    }
  }
  return f;
}

}  // namespace evprov::sim
