#include "pipeline/journal.h"

#include "evprov/common/time.h"
#include "evprov/units/units.h"

namespace evprov::pipeline {
namespace {

Status Insert(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
              std::string_view event, const nlohmann::json& detail) {
  return tx
      .Exec("INSERT INTO unit_journal(unit_id, step, event, detail, at) VALUES (?, ?, ?, ?, ?)",
            {unit_id, step, event, detail.dump(), NowUtc(true)})
      .status();
}

}  // namespace

Status RecordEvent(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                   std::string_view event, const nlohmann::json& detail) {
  return Insert(tx, unit_id, step, event, detail);
}

Status RecordStarted(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                     bool first_step, int attempt, std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(units::Unit unit, units::GetUnit(tx, unit_id));
  if (unit.state == units::UnitState::kRegistered && first_step) {
    EVPROV_TRY(units::SetState(tx, unit_id, units::UnitState::kProvisioning, step, "", actor));
  } else if (unit.state != units::UnitState::kProvisioning || unit.step.value_or("") != step) {
    return Status::FailedPrecondition(
        "unit " + std::to_string(unit_id) + " is " + std::string(units::UnitStateName(unit.state)) +
        (unit.step ? " at step '" + *unit.step + "'" : std::string()) + ", not at step '" +
        std::string(step) + "': it was changed while the station ran it");
  }
  return Insert(tx, unit_id, step, "started", {{"attempt", attempt}});
}

Status RecordDone(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                  std::optional<std::string_view> next, const nlohmann::json& detail,
                  std::string_view actor) {
  EVPROV_TRY(Insert(tx, unit_id, step, "done", detail));
  // Moving on within provisioning is the journal's record; leaving it is a
  // state change, audited (units::SetState).
  if (next) return units::SetStep(tx, unit_id, *next);
  return units::SetState(tx, unit_id, units::UnitState::kReady, step, "", actor);
}

Status RecordFailed(store::Transaction& tx, std::int64_t unit_id, std::string_view step,
                    std::string_view reason, bool final, std::string_view actor) {
  EVPROV_TRY(
      Insert(tx, unit_id, step, "failed", {{"reason", std::string(reason)}, {"final", final}}));
  if (!final) return Status::Ok();
  return units::SetState(tx, unit_id, units::UnitState::kFailed, step, reason, actor);
}

Result<std::vector<JournalRecord>> ReadJournal(store::Transaction& tx, std::int64_t unit_id) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT id, step, event, detail, at FROM unit_journal WHERE unit_id = ? "
                          "ORDER BY id",
                          {unit_id}));
  std::vector<JournalRecord> out;
  for (const auto& r : rows) {
    JournalRecord rec;
    rec.id = r.Int(0);
    rec.step = r.Text(1);
    rec.event = r.Text(2);
    rec.detail = nlohmann::json::parse(r.Text(3), nullptr, false);
    rec.at = r.Text(4);
    out.push_back(std::move(rec));
  }
  return out;
}

Result<std::int64_t> CountSealedUnits(store::Transaction& tx) {
  EVPROV_ASSIGN_OR_RETURN(auto row, tx.QueryOne("sealed units",
                                                "SELECT COUNT(DISTINCT unit_id) FROM unit_journal "
                                                "WHERE step = 'seal' AND event = 'done'"));
  return row.Int(0);
}

Result<std::vector<std::int64_t>> UnsealedReadyUnits(store::Transaction& tx, int limit) {
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT u.id FROM units u WHERE u.state = 'ready' AND NOT EXISTS "
                          "(SELECT 1 FROM unit_journal j WHERE j.unit_id = u.id AND "
                          "j.step = 'seal' AND j.event = 'done') ORDER BY u.id LIMIT ?",
                          {limit}));
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.Int(0));
  return out;
}

}  // namespace evprov::pipeline
