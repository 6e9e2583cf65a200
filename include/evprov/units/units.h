// The units repository: every charger that came to the station, from
// registration (by the MES or an operator) to ready, failed or scrapped.
//
// Functions take the caller's Transaction, so a pipeline step commits the
// unit's new state together with its journal record and identities. Every
// change appends an audit entry in the same transaction. Units are never
// deleted (a trigger refuses it); a scrapped unit keeps its row and its
// identities forever.
//
// A unit's hardware ID is its factory OCPP identity ([A-Za-z0-9._-]{1,48});
// its serial is either the MES's (recorded at registration) or allocated later
// by identity/allocator.h.
//
// Thread-safety: free functions over a Transaction; a Transaction belongs to
// one thread (see store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::units {

enum class UnitState {
  kRegistered,    // known, waiting for its charger to connect
  kProvisioning,  // the pipeline is running its steps
  kReady,         // provisioned and validated
  kFailed,        // a step failed; failure_reason says why
  kScrapped,      // retired for good; terminal
};

// "registered", "provisioning", "ready", "failed", "scrapped".
std::string_view UnitStateName(UnitState state);
// The inverse of UnitStateName; kInvalidArgument for anything else.
Result<UnitState> ParseUnitState(std::string_view name);

struct NewUnit {
  std::string hardware_id;                   // [A-Za-z0-9._-]{1,48}
  std::optional<std::string> serial;         // from the MES; [A-Za-z0-9._-]{1,25}
  std::string hardware_revision;             // must be one of the variant's, when ordered
  std::optional<std::string> work_order_id;  // must exist, be open and not be full
};

struct Unit {
  std::int64_t id = 0;
  std::string hardware_id;
  std::optional<std::string> serial;
  std::optional<std::string> serial_source;  // "mes" | "allocated"
  std::optional<std::string> charger_id;
  std::string hardware_revision;
  std::optional<std::string> work_order_id;
  UnitState state = UnitState::kRegistered;
  std::optional<std::string> step;            // current or last pipeline step
  std::optional<std::string> failure_reason;  // set in kFailed and kScrapped
  std::string registered_by;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
};

// Registers a unit in state kRegistered and returns its id. Refusals:
// kInvalidArgument for a malformed field ("unit.hardware_id: ...") or a
// revision the variant does not allow; kNotFound for a missing work order;
// kFailedPrecondition for a closed or full work order (units not scrapped
// count); kAlreadyExists naming the hardware ID or MES serial already taken. An MES serial is also
// recorded in the identities table, so no allocation can ever hand it out. REQUIRES: tx is a write
// transaction; on any error the caller rolls back.
Result<std::int64_t> RegisterUnit(store::Transaction& tx, const NewUnit& unit,
                                  std::string_view actor);

// kNotFound naming the id or hardware ID when there is no such unit.
Result<Unit> GetUnit(store::Transaction& tx, std::int64_t unit_id);
Result<Unit> GetUnitByHardwareId(store::Transaction& tx, std::string_view hardware_id);

struct UnitFilter {
  std::optional<std::string> work_order_id;
  std::optional<UnitState> state;
  std::int64_t after_id = 0;  // paging: units with a larger id
};
// Units matching the filter, by id ascending, at most limit (1..10000).
Result<std::vector<Unit>> ListUnits(store::Transaction& tx, const UnitFilter& filter,
                                    int limit = 100);

// Records the pipeline step of a unit that is and stays `provisioning` (the
// step it is at is the pipeline's journal material, not a state change: not
// audited). kFailedPrecondition when the unit is not provisioning; kNotFound
// when it does not exist.
Status SetStep(store::Transaction& tx, std::int64_t unit_id, std::string_view step);

// Moves a unit to `state` and records its pipeline step (may be empty) and,
// for kFailed and kScrapped, the reason (required there, ignored otherwise).
// The allowed moves are a table (docs/identity.md); kScrapped is terminal, and
// anything else is kFailedPrecondition naming both states.
Status SetState(store::Transaction& tx, std::int64_t unit_id, UnitState state,
                std::string_view step, std::string_view reason, std::string_view actor);

// Whether the state machine allows from -> to (a unit may stay in
// kProvisioning while its step changes).
bool IsAllowedTransition(UnitState from, UnitState to);

}  // namespace evprov::units
