// Faults the simulated charger injects on request (evprov-sim --fault ...).
//
// Flag syntax, one fault per string:
//   drop-at=<Action>             drop the connection instead of answering that CALL
//   crash-at=<Action>            apply that CALL, then crash (no answer) and restart
//                                from the unit directory (a reboot)
//   reject-variable=<Comp>.<Var> SetVariables answers Rejected for that variable
//   csr-wrong-serial             the CSR's CN is not the charger's serial
//   reuse-key                    the CSR reuses the previous key instead of a new one
//   slow-responses=<ms>          the transport delays every answer by <ms>
//   mismatched-layout            the charger reports one connector more than it was built with
// drop-at/crash-at fire once per unit (remembered in the state file, so a
// restart does not crash again). The brain decides; the transport acts on
// the decision (see Reply in charger.h).
//
// Thread-safety: a value type.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "evprov/common/status.h"

namespace evprov::sim {

struct Faults {
  std::optional<std::string> drop_at;         // OCPP action of an incoming CALL
  std::optional<std::string> crash_at;        // OCPP action of an incoming CALL
  std::vector<std::string> reject_variables;  // "Component.Variable"
  bool csr_wrong_serial = false;
  bool reuse_key = false;
  std::chrono::milliseconds response_delay{0};
  bool mismatched_layout = false;

  bool RejectsVariable(std::string_view component, std::string_view variable) const;
};

// Parses flag strings as above. Unknown names, missing or extra values fail
// with InvalidArgument naming the flag.
Result<Faults> ParseFaults(const std::vector<std::string>& flags);

}  // namespace evprov::sim
