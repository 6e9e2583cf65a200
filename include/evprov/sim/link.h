// What the charger's brain needs from its transport: the outbound side.
//
// The charger produces OCPP CALLs (BootNotification, StatusNotification, ...)
// and connection decisions (close for a reboot, connect following a plan).
// The transport (an OCPP-J RPC client over WebSocket) implements Link; tests
// implement it with a recording fake.
//
// Contract for implementations:
//  - Call queues the CALL; the transport keeps at most one CALL outstanding
//    and sends queued CALLs in order. `done` runs exactly once, on the
//    charger's strand, with the CALLRESULT payload, or an error Status
//    (kUnavailable: connection lost / not sent, kDeadlineExceeded: timeout,
//    kInvalidArgument: CALLERROR, message = "<code>: <description>").
//  - Close closes the current connection (queued CALLs fail kUnavailable).
//  - Open starts connecting, trying the plan's (slot, attempt) entries in
//    order; on success it calls Charger::OnConnected(slot), when the plan is
//    exhausted Charger::OnConnectFailed().
//
// Thread-safety: called on the charger's strand only.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/sim/network.h"

namespace evprov::sim {

using CallDone = std::function<void(Result<nlohmann::json>)>;

enum class CloseReason {
  kReboot,     // Reset or simulated power cycle: close cleanly, then Open after the boot delay
  kFaultDrop,  // fault injection: drop the connection abruptly
};

class Link {
 public:
  virtual ~Link() = default;
  virtual void Call(std::string_view action, nlohmann::json payload, CallDone done) = 0;
  virtual void Close(CloseReason reason) = 0;
  virtual void Open(std::vector<ConnectionAttempt> plan) = 0;
};

}  // namespace evprov::sim
