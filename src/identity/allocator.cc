#include "evprov/identity/allocator.h"

#include <nlohmann/json.hpp>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "evprov/identity/naming.h"
#include "identity/text.h"

namespace evprov::identity {
namespace {

using internal::Quoted;
using internal::UnitObject;

// The identity of `kind` the unit already holds, if any.
Result<std::optional<IssuedIdentity>> FindIssued(store::Transaction& tx, std::int64_t unit_id,
                                                 IdentityKind kind) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT value, sequence, seq FROM identities WHERE unit_id = ? AND kind = ?",
               {unit_id, IdentityKindName(kind)}));
  if (rows.empty()) return std::optional<IssuedIdentity>();
  IssuedIdentity issued;
  issued.kind = kind;
  issued.value = rows[0].Text(0);
  issued.sequence = rows[0].OptText(1);
  issued.seq = rows[0].OptInt(2);
  return std::optional<IssuedIdentity>(std::move(issued));
}

// The unit holding a value; kInternal when nobody does (the caller saw a conflict).
Result<std::int64_t> HolderOf(store::Transaction& tx, IdentityKind kind, std::string_view value) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT unit_id FROM identities WHERE kind = ? AND value = ?",
                                   {IdentityKindName(kind), value}));
  if (rows.empty()) {
    return Status::Internal(std::string(IdentityKindName(kind)) + " " + Quoted(value) +
                            ": insert conflicted but no unit holds it");
  }
  return rows[0].Int(0);
}

Status AlreadyIssued(IdentityKind kind, std::string_view value, std::int64_t holder,
                     std::string_view why) {
  return Status::AlreadyExists(std::string(IdentityKindName(kind)) + ": " + Quoted(value) +
                               " is already issued to unit " + std::to_string(holder) +
                               std::string(why));
}

struct UnitIds {
  std::string hardware_id;
  std::optional<std::string> serial;
};

Result<UnitIds> LoadUnit(store::Transaction& tx, std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(
      auto row, tx.QueryOne("unit " + std::to_string(unit_id),
                            "SELECT hardware_id, serial FROM units WHERE id = ?", {unit_id}));
  return UnitIds{row.Text(0), row.OptText(1)};
}

// Advances the named sequence and returns the number it hands out (1 for a new one).
Result<std::int64_t> NextSeq(store::Transaction& tx, const std::string& name) {
  EVPROV_ASSIGN_OR_RETURN(
      auto row, tx.QueryOne("sequence " + name,
                            "INSERT INTO sequences(name, next_value) VALUES (?, 2) "
                            "ON CONFLICT(name) DO UPDATE SET next_value = sequences.next_value + 1 "
                            "RETURNING next_value - 1",
                            {name}));
  return row.Int(0);
}

// Inserts the identity row; false when (kind, value) or (unit, kind) is taken.
Result<bool> TryInsert(store::Transaction& tx, std::int64_t unit_id, const IssuedIdentity& id,
                       const std::string& issued_at) {
  EVPROV_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Exec("INSERT INTO identities(kind, value, unit_id, sequence, seq, issued_at) "
              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
              {IdentityKindName(id.kind), id.value, unit_id, id.sequence, id.seq, issued_at}));
  return changed == 1;
}

// Writes the value into the unit's column, audits and logs the issue.
Status RecordIssue(store::Transaction& tx, std::int64_t unit_id, const IssuedIdentity& id,
                   std::string_view source, const std::string& at, std::string_view actor) {
  switch (id.kind) {
    case IdentityKind::kSerial:
      EVPROV_TRY(
          tx.Exec("UPDATE units SET serial = ?, serial_source = ?, updated_at = ? WHERE id = ?",
                  {id.value, source, at, unit_id})
              .status());
      break;
    case IdentityKind::kChargerId:
      EVPROV_TRY(tx.Exec("UPDATE units SET charger_id = ?, updated_at = ? WHERE id = ?",
                         {id.value, at, unit_id})
                     .status());
      break;
  }
  nlohmann::json detail = {
      {"kind", IdentityKindName(id.kind)}, {"value", id.value}, {"source", source}};
  if (id.sequence) detail["sequence"] = *id.sequence;
  if (id.seq) detail["seq"] = *id.seq;
  EVPROV_TRY(audit::Append(tx, actor, "identity.issue", UnitObject(unit_id), detail.dump()));
  log::Info("identity.issued", {{"unit_id", unit_id},
                                {"kind", IdentityKindName(id.kind)},
                                {"value", id.value},
                                {"source", source}});
  return Status::Ok();
}

Result<IssuedIdentity> Allocate(store::Transaction& tx, std::int64_t unit_id, IdentityKind kind,
                                std::string_view pattern_field, std::string_view pattern_text,
                                bool gap_free, NamingContext context,
                                std::chrono::system_clock::time_point now, std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(std::optional<IssuedIdentity> existing, FindIssued(tx, unit_id, kind));
  if (existing) return *std::move(existing);

  auto pattern = ParseNamingPattern(pattern_text);
  if (!pattern.ok()) return pattern.status().WithContext(pattern_field);
  // Without {seq} the value is derived ({serial}, {hardware_id}): one try.
  const bool sequenced = pattern->Uses(TokenKind::kSeq);

  IssuedIdentity issued;
  issued.kind = kind;
  issued.newly_issued = true;
  if (sequenced) {
    auto key = SequenceKey(*pattern, context);
    if (!key.ok()) return key.status().WithContext(pattern_field);
    issued.sequence = std::string(IdentityKindName(kind)) + ":" + *key;
  }
  std::string at = FormatUtc(now);
  for (int attempt = 0; attempt <= kMaxCollisionSkips; ++attempt) {
    if (sequenced) {
      EVPROV_ASSIGN_OR_RETURN(context.seq, NextSeq(tx, *issued.sequence));
      if (context.seq > pattern->MaxSeq()) {
        return Status::FailedPrecondition("sequence " + Quoted(*issued.sequence) +
                                          " is exhausted: " + Quoted(pattern->source()) +
                                          " renders at most " + std::to_string(pattern->MaxSeq()));
      }
      issued.seq = context.seq;
    }
    auto value = Render(*pattern, context);
    if (!value.ok()) return value.status().WithContext(pattern_field);
    EVPROV_TRY(
        CheckIdentifier(IdentityKindName(kind), *value,
                        kind == IdentityKind::kSerial ? kMaxSerialLength : kMaxChargerIdLength));
    issued.value = std::move(value).value();
    EVPROV_ASSIGN_OR_RETURN(bool inserted, TryInsert(tx, unit_id, issued, at));
    if (inserted) {
      EVPROV_TRY(RecordIssue(tx, unit_id, issued, "allocated", at, actor));
      return issued;
    }
    EVPROV_ASSIGN_OR_RETURN(std::int64_t holder, HolderOf(tx, kind, issued.value));
    if (holder == unit_id) {
      return Status::Internal(std::string(IdentityKindName(kind)) + ": unit " +
                              std::to_string(unit_id) + " already holds " + Quoted(issued.value));
    }
    if (!sequenced) {
      return AlreadyIssued(kind, issued.value, holder,
                           "; the pattern has no {seq} to move on with");
    }
    if (gap_free) {
      return AlreadyIssued(kind, issued.value, holder,
                           " (number " + std::to_string(context.seq) + " of sequence " +
                               Quoted(*issued.sequence) +
                               "); a gap-free convention cannot skip it");
    }
    log::Warn("identity.skipped", {{"unit_id", unit_id},
                                   {"kind", IdentityKindName(kind)},
                                   {"value", issued.value},
                                   {"holder", holder}});
  }
  return Status::FailedPrecondition(
      std::string(IdentityKindName(kind)) + ": sequence " + Quoted(*issued.sequence) + " hit " +
      std::to_string(kMaxCollisionSkips + 1) + " values already issued in a row; giving up");
}

NamingContext ContextFor(const catalog::NamingConvention& naming, const UnitIds& unit,
                         std::chrono::system_clock::time_point now) {
  NamingContext context;
  context.prefix = naming.prefix;
  context.date = std::chrono::floor<std::chrono::days>(now);
  context.hardware_id = unit.hardware_id;
  return context;
}

}  // namespace

std::string_view IdentityKindName(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::kSerial:
      return "serial";
    case IdentityKind::kChargerId:
      return "charger_id";
  }
  return "unknown";
}

Result<IssuedIdentity> AllocateSerial(store::Transaction& tx, std::int64_t unit_id,
                                      const catalog::NamingConvention& naming,
                                      std::chrono::system_clock::time_point now,
                                      std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(UnitIds unit, LoadUnit(tx, unit_id));
  return Allocate(tx, unit_id, IdentityKind::kSerial, "serial_pattern", naming.serial_pattern,
                  naming.gap_free, ContextFor(naming, unit, now), now, actor);
}

Result<IssuedIdentity> AllocateChargerId(store::Transaction& tx, std::int64_t unit_id,
                                         const catalog::NamingConvention& naming,
                                         std::string_view serial,
                                         std::chrono::system_clock::time_point now,
                                         std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(UnitIds unit, LoadUnit(tx, unit_id));
  if (!serial.empty() && unit.serial != serial) {
    return Status::InvalidArgument("serial: " + Quoted(serial) + " is not the serial of unit " +
                                   std::to_string(unit_id) + " (" +
                                   (unit.serial ? Quoted(*unit.serial) : "none yet") + ")");
  }
  NamingContext context = ContextFor(naming, unit, now);
  context.serial = std::string(serial);
  return Allocate(tx, unit_id, IdentityKind::kChargerId, "charger_id_pattern",
                  naming.charger_id_pattern, naming.gap_free, std::move(context), now, actor);
}

Result<IssuedIdentity> RecordMesSerial(store::Transaction& tx, std::int64_t unit_id,
                                       std::string_view serial, std::string_view actor) {
  EVPROV_TRY(CheckSerial(serial));
  EVPROV_TRY(LoadUnit(tx, unit_id).status());
  EVPROV_ASSIGN_OR_RETURN(std::optional<IssuedIdentity> existing,
                          FindIssued(tx, unit_id, IdentityKind::kSerial));
  if (existing) {
    if (existing->value == serial) return *std::move(existing);
    return Status::FailedPrecondition("serial: unit " + std::to_string(unit_id) +
                                      " already has serial " + Quoted(existing->value) +
                                      "; it cannot take " + Quoted(serial));
  }
  IssuedIdentity issued;
  issued.kind = IdentityKind::kSerial;
  issued.value = std::string(serial);
  issued.newly_issued = true;
  std::string at = NowUtc();
  EVPROV_ASSIGN_OR_RETURN(bool inserted, TryInsert(tx, unit_id, issued, at));
  if (!inserted) {
    EVPROV_ASSIGN_OR_RETURN(std::int64_t holder, HolderOf(tx, issued.kind, issued.value));
    return AlreadyIssued(issued.kind, issued.value, holder, "");
  }
  EVPROV_TRY(RecordIssue(tx, unit_id, issued, "mes", at, actor));
  return issued;
}

}  // namespace evprov::identity
