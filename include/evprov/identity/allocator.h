// Allocation of serial numbers and charger IDs from a naming convention.
//
// Every identity ever issued is a row of the identities table, whose primary
// key (kind, value) makes a second issue of a value impossible; rows are never
// updated or deleted (triggers), so a scrapped unit's values are never reused.
// Sequence numbers come from the sequences table, advanced by one upsert in the
// caller's transaction together with the identity row and the unit's column:
// a rolled-back transaction gives its number back (gap-free by construction).
//
// Sequence names are "<kind>:<sequence key>" (naming.h), e.g.
// "serial:EVB-2626-". When a generated value is already taken (for example by
// an MES-supplied serial), a gap_free convention fails with kAlreadyExists
// naming the value; otherwise the number is skipped and the next one tried, at
// most kMaxCollisionSkips times.
//
// Every function is idempotent per unit: a unit that already has the identity
// gets the same value back (newly_issued = false), never a second one.
//
// Thread-safety: free functions over the caller's write Transaction;
// concurrent allocators are serialised by the store's write lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/store/store.h"

namespace evprov::identity {

enum class IdentityKind { kSerial, kChargerId };
// "serial", "charger_id" (the identities.kind column).
std::string_view IdentityKindName(IdentityKind kind);

inline constexpr int kMaxCollisionSkips = 100;

struct IssuedIdentity {
  IdentityKind kind = IdentityKind::kSerial;
  std::string value;
  std::optional<std::string> sequence;  // sequence name, when allocated from one
  std::optional<std::int64_t> seq;      // number within the sequence
  bool newly_issued = false;            // false: the unit already had it
};

// Allocates the unit's serial from naming.serial_pattern for the UTC day of
// `now`, and records it in identities and units (serial_source = 'allocated').
// A unit that already has a serial (allocated, or recorded from the MES) gets
// it back with newly_issued = false. Errors: kNotFound (unit),
// kInvalidArgument (pattern, or a rendered value beyond the OCPP limits),
// kAlreadyExists (gap_free collision), kFailedPrecondition (sequence
// exhausted, or too many collisions). On any error the caller rolls back.
// REQUIRES: tx is a write transaction.
Result<IssuedIdentity> AllocateSerial(store::Transaction& tx, std::int64_t unit_id,
                                      const catalog::NamingConvention& naming,
                                      std::chrono::system_clock::time_point now,
                                      std::string_view actor = "pipeline");

// Allocates the unit's charger ID (the OCPP identity) from
// naming.charger_id_pattern; `serial` renders {serial} and must be the unit's
// serial (kInvalidArgument otherwise). The result obeys CheckChargerId.
// Errors as AllocateSerial.
Result<IssuedIdentity> AllocateChargerId(store::Transaction& tx, std::int64_t unit_id,
                                         const catalog::NamingConvention& naming,
                                         std::string_view serial,
                                         std::chrono::system_clock::time_point now,
                                         std::string_view actor = "pipeline");

// Records a serial supplied by the MES as the unit's (serial_source = 'mes').
// Idempotent for the same unit and serial; kAlreadyExists when another unit
// holds it, kFailedPrecondition when the unit already has another serial.
Result<IssuedIdentity> RecordMesSerial(store::Transaction& tx, std::int64_t unit_id,
                                       std::string_view serial,
                                       std::string_view actor = "pipeline");

}  // namespace evprov::identity
