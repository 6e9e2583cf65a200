#include "evprov/units/units.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "evprov/audit/audit.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "evprov/identity/allocator.h"
#include "evprov/identity/naming.h"
#include "identity/text.h"

namespace evprov::units {
namespace {

using identity::internal::Quoted;
using identity::internal::UnitObject;

constexpr std::size_t kMaxRevisionLength = 64;
constexpr int kMaxListLimit = 10000;

constexpr std::string_view kUnitColumns =
    "id, hardware_id, serial, serial_source, charger_id, hardware_revision, work_order_id, "
    "state, step, failure_reason, registered_by, created_at, updated_at";

constexpr std::array<UnitState, 5> kAllStates = {UnitState::kRegistered, UnitState::kProvisioning,
                                                 UnitState::kReady, UnitState::kFailed,
                                                 UnitState::kScrapped};

// The state machine, as data: each allowed move from -> to.
constexpr std::array<std::pair<UnitState, UnitState>, 15> kTransitions = {{
    {UnitState::kRegistered, UnitState::kProvisioning},
    {UnitState::kRegistered, UnitState::kFailed},
    {UnitState::kRegistered, UnitState::kScrapped},
    {UnitState::kProvisioning, UnitState::kProvisioning},  // next step
    {UnitState::kProvisioning, UnitState::kReady},
    {UnitState::kProvisioning, UnitState::kFailed},
    {UnitState::kProvisioning, UnitState::kScrapped},
    {UnitState::kReady, UnitState::kProvisioning},  // reprovision
    {UnitState::kReady, UnitState::kScrapped},
    {UnitState::kFailed, UnitState::kProvisioning},  // resume or reprovision
    {UnitState::kFailed, UnitState::kScrapped},
    {UnitState::kFailed, UnitState::kFailed},  // a later failure replaces the reason
    // `evprov unit reprovision`: credentials revoked, the journey starts over.
    {UnitState::kProvisioning, UnitState::kRegistered},
    {UnitState::kReady, UnitState::kRegistered},
    {UnitState::kFailed, UnitState::kRegistered},
}};

Result<Unit> UnitFromRow(const store::Row& row) {
  Unit unit;
  unit.id = row.Int(0);
  unit.hardware_id = row.Text(1);
  unit.serial = row.OptText(2);
  unit.serial_source = row.OptText(3);
  unit.charger_id = row.OptText(4);
  unit.hardware_revision = row.Text(5);
  unit.work_order_id = row.OptText(6);
  auto state = ParseUnitState(row.Text(7));
  if (!state.ok()) {
    return Status::Internal("unit " + std::to_string(unit.id) + ": stored " +
                            state.status().message());
  }
  unit.state = *state;
  unit.step = row.OptText(8);
  unit.failure_reason = row.OptText(9);
  unit.registered_by = row.Text(10);
  unit.created_at = row.Text(11);
  unit.updated_at = row.Text(12);
  return unit;
}

Result<Unit> QueryUnit(store::Transaction& tx, std::string_view what, std::string_view where,
                       const store::Value& key) {
  std::string sql =
      "SELECT " + std::string(kUnitColumns) + " FROM units WHERE " + std::string(where) + " = ?";
  EVPROV_ASSIGN_OR_RETURN(auto rows, tx.QueryV(sql, {key}));
  if (rows.empty()) return Status::NotFound(std::string(what) + ": no such unit");
  return UnitFromRow(rows[0]);
}

// Checks the work order (exists, open, not full) and that the revision is one
// of its variant's hardware_revisions.
Status CheckWorkOrder(store::Transaction& tx, const std::string& order_id,
                      const std::string& revision) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query("SELECT w.status, w.quantity, v.name, v.version, v.document "
                                   "FROM work_orders w JOIN variants v ON v.id = w.variant_id "
                                   "WHERE w.id = ?",
                                   {order_id}));
  if (rows.empty()) {
    return Status::NotFound("unit.work_order_id: work order " + Quoted(order_id) +
                            " does not exist");
  }
  const store::Row& order = rows[0];
  if (order.Text(0) != "open") {
    return Status::FailedPrecondition("unit.work_order_id: work order " + Quoted(order_id) +
                                      " is " + order.Text(0));
  }
  std::int64_t quantity = order.Int(1);
  EVPROV_ASSIGN_OR_RETURN(
      auto count_row,
      tx.QueryOne("unit count",
                  "SELECT COUNT(*) FROM units WHERE work_order_id = ? AND state <> 'scrapped'",
                  {order_id}));
  if (count_row.Int(0) >= quantity) {
    return Status::FailedPrecondition("unit.work_order_id: work order " + Quoted(order_id) +
                                      " already has its " + std::to_string(quantity) +
                                      " units (scrapped ones not counted)");
  }
  std::string variant = order.Text(2) + "@" + order.Text(3);
  // The catalog owns the document; only hardware_revisions is read here.
  nlohmann::json document = nlohmann::json::parse(order.Text(4), nullptr, false);
  if (document.is_discarded() || !document.is_object() ||
      !document.contains("hardware_revisions") || !document["hardware_revisions"].is_array()) {
    return Status::FailedPrecondition("variant " + Quoted(variant) +
                                      ": document has no hardware_revisions list");
  }
  std::string allowed;
  for (const nlohmann::json& entry : document["hardware_revisions"]) {
    if (!entry.is_string()) continue;
    if (entry.get<std::string>() == revision) return Status::Ok();
    allowed += (allowed.empty() ? "" : ", ") + entry.get<std::string>();
  }
  return Status::InvalidArgument("unit.hardware_revision: " + Quoted(revision) +
                                 " is not a revision of variant " + Quoted(variant) +
                                 " (allowed: " + (allowed.empty() ? "none" : allowed) + ")");
}

Status ValidateNewUnit(const NewUnit& unit) {
  EVPROV_TRY(identity::CheckIdentifier("unit.hardware_id", unit.hardware_id,
                                       identity::kMaxHardwareIdLength));
  if (unit.serial) {
    EVPROV_TRY(identity::CheckIdentifier("unit.serial", *unit.serial, identity::kMaxSerialLength));
  }
  if (unit.hardware_revision.empty()) {
    return Status::InvalidArgument("unit.hardware_revision: empty");
  }
  if (unit.hardware_revision.size() > kMaxRevisionLength) {
    return Status::InvalidArgument("unit.hardware_revision: longer than " +
                                   std::to_string(kMaxRevisionLength) + " characters");
  }
  if (unit.work_order_id && unit.work_order_id->empty()) {
    return Status::InvalidArgument("unit.work_order_id: empty (leave it out instead)");
  }
  return Status::Ok();
}

}  // namespace

std::string_view UnitStateName(UnitState state) {
  switch (state) {
    case UnitState::kRegistered:
      return "registered";
    case UnitState::kProvisioning:
      return "provisioning";
    case UnitState::kReady:
      return "ready";
    case UnitState::kFailed:
      return "failed";
    case UnitState::kScrapped:
      return "scrapped";
  }
  return "unknown";
}

Result<UnitState> ParseUnitState(std::string_view name) {
  for (UnitState state : kAllStates) {
    if (UnitStateName(state) == name) return state;
  }
  return Status::InvalidArgument("unit.state: " + Quoted(name) +
                                 " is not one of registered, provisioning, ready, failed, "
                                 "scrapped");
}

bool IsAllowedTransition(UnitState from, UnitState to) {
  return std::find(kTransitions.begin(), kTransitions.end(), std::make_pair(from, to)) !=
         kTransitions.end();
}

Result<std::int64_t> RegisterUnit(store::Transaction& tx, const NewUnit& unit,
                                  std::string_view actor) {
  EVPROV_TRY(ValidateNewUnit(unit));
  if (unit.work_order_id) {
    EVPROV_TRY(CheckWorkOrder(tx, *unit.work_order_id, unit.hardware_revision));
  }
  std::string now = NowUtc();
  EVPROV_ASSIGN_OR_RETURN(
      auto rows, tx.Query("INSERT INTO units(hardware_id, hardware_revision, work_order_id, state, "
                          "registered_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT DO NOTHING RETURNING id",
                          {unit.hardware_id, unit.hardware_revision, unit.work_order_id,
                           UnitStateName(UnitState::kRegistered), actor, now, now}));
  if (rows.empty()) {
    EVPROV_ASSIGN_OR_RETURN(Unit existing, GetUnitByHardwareId(tx, unit.hardware_id));
    return Status::AlreadyExists("unit.hardware_id: " + Quoted(unit.hardware_id) +
                                 " is already registered (unit " + std::to_string(existing.id) +
                                 ")");
  }
  std::int64_t id = rows[0].Int(0);
  nlohmann::json detail = {{"hardware_id", unit.hardware_id},
                           {"hardware_revision", unit.hardware_revision}};
  if (unit.work_order_id) detail["work_order_id"] = *unit.work_order_id;
  EVPROV_TRY(audit::Append(tx, actor, "unit.register", UnitObject(id), detail.dump()));
  if (unit.serial) {
    auto recorded = identity::RecordMesSerial(tx, id, *unit.serial, actor);
    // "serial: 'X' is already issued ..." becomes "unit.serial: ...".
    if (!recorded.ok())
      return Status(recorded.status().code(), "unit." + recorded.status().message());
  }
  log::Info("unit.registered", {{"unit_id", id}, {"hardware_id", unit.hardware_id}});
  return id;
}

Result<Unit> GetUnit(store::Transaction& tx, std::int64_t unit_id) {
  return QueryUnit(tx, "unit " + std::to_string(unit_id), "id", unit_id);
}

Result<Unit> GetUnitByHardwareId(store::Transaction& tx, std::string_view hardware_id) {
  return QueryUnit(tx, "unit.hardware_id " + Quoted(hardware_id), "hardware_id",
                   store::Value(hardware_id));
}

Result<std::vector<Unit>> ListUnits(store::Transaction& tx, const UnitFilter& filter, int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return Status::InvalidArgument("limit: " + std::to_string(limit) + " is out of range 1.." +
                                   std::to_string(kMaxListLimit));
  }
  std::string sql = "SELECT " + std::string(kUnitColumns) + " FROM units WHERE id > ?";
  std::vector<store::Value> params = {filter.after_id};
  if (filter.work_order_id) {
    sql += " AND work_order_id = ?";
    params.emplace_back(*filter.work_order_id);
  }
  if (filter.state) {
    sql += " AND state = ?";
    params.emplace_back(UnitStateName(*filter.state));
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(limit);
  EVPROV_ASSIGN_OR_RETURN(auto rows, tx.QueryV(sql, params));
  std::vector<Unit> units;
  units.reserve(rows.size());
  for (const store::Row& row : rows) {
    EVPROV_ASSIGN_OR_RETURN(Unit unit, UnitFromRow(row));
    units.push_back(std::move(unit));
  }
  return units;
}

Status SetStep(store::Transaction& tx, std::int64_t unit_id, std::string_view step) {
  if (step.empty()) return Status::InvalidArgument("unit.step: empty");
  EVPROV_ASSIGN_OR_RETURN(std::int64_t changed, tx.Exec("UPDATE units SET step = ?, updated_at = ? "
                                                        "WHERE id = ? AND state = 'provisioning'",
                                                        {step, NowUtc(), unit_id}));
  if (changed == 1) return Status::Ok();
  EVPROV_ASSIGN_OR_RETURN(Unit unit, GetUnit(tx, unit_id));  // kNotFound names the unit
  return Status::FailedPrecondition("unit.step: unit " + std::to_string(unit_id) + " is " +
                                    std::string(UnitStateName(unit.state)) + ", not provisioning");
}

Status SetState(store::Transaction& tx, std::int64_t unit_id, UnitState state,
                std::string_view step, std::string_view reason, std::string_view actor) {
  EVPROV_ASSIGN_OR_RETURN(Unit unit, GetUnit(tx, unit_id));
  if (!IsAllowedTransition(unit.state, state)) {
    return Status::FailedPrecondition(
        "unit.state: unit " + std::to_string(unit_id) + " cannot move from " +
        std::string(UnitStateName(unit.state)) + " to " + std::string(UnitStateName(state)));
  }
  bool keeps_reason = state == UnitState::kFailed || state == UnitState::kScrapped;
  if (keeps_reason && reason.empty()) {
    return Status::InvalidArgument("unit.reason: required when the state is " +
                                   std::string(UnitStateName(state)));
  }
  // A registered unit has no step (reprovision starts the journey over).
  std::optional<std::string> new_step = step.empty() ? unit.step : std::string(step);
  if (state == UnitState::kRegistered) new_step.reset();
  std::optional<std::string> new_reason;
  if (keeps_reason) new_reason = std::string(reason);
  EVPROV_TRY(tx.Exec("UPDATE units SET state = ?, step = ?, failure_reason = ?, updated_at = ? "
                     "WHERE id = ?",
                     {UnitStateName(state), new_step, new_reason, NowUtc(), unit_id})
                 .status());
  nlohmann::json detail = {{"from", UnitStateName(unit.state)}, {"to", UnitStateName(state)}};
  if (new_step) detail["step"] = *new_step;
  if (new_reason) detail["reason"] = *new_reason;
  EVPROV_TRY(audit::Append(tx, actor, "unit.state", UnitObject(unit_id), detail.dump()));
  log::Info("unit.state", {{"unit_id", unit_id},
                           {"from", UnitStateName(unit.state)},
                           {"to", UnitStateName(state)},
                           {"step", new_step.value_or("")}});
  return Status::Ok();
}

}  // namespace evprov::units
