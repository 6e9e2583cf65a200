// One simulated charger on the network: the Charger brain (charger.h) wired to
// an OCPP-J client (ocpp::Client) and to real timers, on a shared
// ocpp::Runtime. evprov-sim's `run` is one Unit; `fleet` is many on one Runtime.
//
// The Unit connects following the charger's connection plan, answers the
// station's CALLs through Charger::Handle and acts on each Reply: answers after
// Reply::delay; kDropConnection drops the connection without answering and
// reconnects (no reboot); kCrash destroys the Charger without answering, waits
// the boot delay, opens it again from its state directory and powers it on
// with BootReason kWatchdog. An unexpected connection loss reconnects after
// UnitOptions::reconnect_delay (the plan again, from its first slot).
//
// "Provisioned" (UnitSnapshot::provisioned): the charger has left factory mode
// (VendorCtrlr.FactoryMode false), is connected on a non-factory network slot
// (one the station wrote with SetNetworkProfile), with the identity and
// credentials that slot uses (SecurityCtrlr.Identity), and its
// BootNotification there was Accepted. It is the end of the factory journey:
// the unit now talks to its operator's CSMS as the station configured it.
//
// Ownership: a Unit owns its Charger, its connection and its timers; it shares
// the Runtime. Destroying a Unit stops it.
// Thread-safety: Start/Stop/snapshot may be called from any thread except a
// runtime thread (Stop waits for the unit's strand). The progress callback runs
// on the unit's strand (a runtime thread): keep it short, and do not call Stop
// or destroy the Unit from it.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "evprov/common/status.h"
#include "evprov/ocpp/runtime.h"
#include "evprov/sim/charger.h"

namespace evprov::sim {

// Step names in UnitSnapshot::step_times (time since Start, first occurrence).
inline constexpr const char* kStepConnected = "connected";         // first WebSocket open
inline constexpr const char* kStepBootAccepted = "boot_accepted";  // first Accepted boot
inline constexpr const char* kStepCertificate = "certificate";     // station certificate installed
inline constexpr const char* kStepProvisioned = "provisioned";     // see the header comment

struct UnitSnapshot {
  bool running = false;  // started, not stopped, not failed to open
  bool connected = false;
  Registration registration = Registration::kNone;
  bool factory_mode = true;
  bool provisioned = false;
  std::string hardware_id;
  std::string serial;
  std::string identity;  // the OCPP identity of the current (or last) connection
  int security_profile = 0;
  int slot = 0;  // network slot of the current connection; 0 when not connected
  int boot_count = 0;
  int crashes = 0;      // kCrash faults acted on
  int connections = 0;  // successful WebSocket opens since Start
  std::map<std::string, std::chrono::milliseconds> step_times;
  std::string last_error;             // the last connect/call failure (no secrets)
  std::size_t approximate_bytes = 0;  // Charger::ApproximateBytes
};

struct UnitOptions {
  std::chrono::milliseconds reconnect_delay{2000};  // after an unexpected connection loss
  std::chrono::milliseconds connect_timeout{10000};
  // Validate every message against the OCPP 2.0.1 schemas (both directions).
  bool validate_messages = true;
  // Called on the unit's strand when the snapshot changes in connected,
  // registration, slot, boot count, provisioned or last_error.
  std::function<void(const UnitSnapshot&)> on_progress;
};

class Unit {
 public:
  Unit(ChargerConfig config, std::shared_ptr<ocpp::Runtime> runtime, UnitOptions options = {});
  ~Unit();  // Stop()
  Unit(const Unit&) = delete;
  Unit& operator=(const Unit&) = delete;

  // Checks the config, then opens the charger from its state directory and
  // powers it on (asynchronously: a state-file error shows in the snapshot's
  // last_error with running false). FailedPrecondition when already started.
  Status Start();
  // Closes the connection, cancels the timers and destroys the charger; its
  // state stays in the directory. Blocks (bounded). Idempotent.
  void Stop();

  UnitSnapshot snapshot() const;
  // Waits until pred(snapshot) holds or the timeout passes; returns the last
  // snapshot's pred value.
  bool WaitFor(const std::function<bool(const UnitSnapshot&)>& pred,
               std::chrono::milliseconds timeout) const;

  // Runs fn on the unit's strand with the live charger (nullptr while it is
  // crashed or stopped) and waits for it (bounded). For tests and tools.
  void Inspect(const std::function<void(const Charger*)>& fn) const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace evprov::sim
