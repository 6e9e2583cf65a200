// Work orders in the store.
#include <nlohmann/json.hpp>

#include "catalog/repository_internal.h"
#include "evprov/audit/audit.h"
#include "evprov/catalog/json.h"
#include "evprov/catalog/loader.h"
#include "evprov/catalog/placeholders.h"
#include "evprov/catalog/repository.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"

namespace evprov::catalog {
namespace {

constexpr std::string_view kOrderColumns =
    "SELECT w.id, v.name, v.version, w.environment, w.quantity, w.customer, w.site_group, "
    "w.tariff, w.status, w.created_by, w.created_at "
    "FROM work_orders w JOIN variants v ON v.id = w.variant_id";

WorkOrderRecord OrderFromRow(const store::Row& r) {
  WorkOrderRecord rec;
  rec.order.id = r.Text(0);
  rec.order.variant_name = r.Text(1);
  rec.order.variant_version = static_cast<int>(r.Int(2));
  rec.order.environment = r.Text(3);
  rec.order.quantity = static_cast<int>(r.Int(4));
  rec.order.customer = r.Text(5);
  rec.order.site_group = r.Text(6);
  rec.order.tariff = r.Text(7);
  rec.status = r.Text(8);
  rec.created_by = r.Text(9);
  rec.created_at = r.Text(10);
  return rec;
}

std::optional<std::string> OrNull(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// Every ${env.*} the variant's template uses must have a value in env, so the
// configure step cannot fail on it later (unit names are stand-ins here).
Status CheckTemplateFits(const Variant& v, const Environment& env, std::string_view object) {
  const UnitNames stand_in{"serial", "charger-id", "hardware-id", "rev"};
  auto expanded = ExpandTemplate(v, env, stand_in);
  if (expanded.ok()) return Status::Ok();
  return Status::FailedPrecondition(std::string(object) + ": environment '" + env.name +
                                    "' cannot fill " + VariantObject(v.name, v.version) + ": " +
                                    expanded.status().message());
}

}  // namespace

Status CreateWorkOrder(store::Transaction& tx, const WorkOrder& order, std::string_view actor) {
  if (actor.empty()) return Status::InvalidArgument("work_order.actor: empty");
  const std::string object = "work_order/" + order.id;
  EVPROV_TRY(ValidateWorkOrder(order, object));
  EVPROV_ASSIGN_OR_RETURN(auto existing,
                          tx.Query("SELECT id FROM work_orders WHERE id = ?", {order.id}));
  if (!existing.empty()) return Status::AlreadyExists(object + ": already exists");

  EVPROV_ASSIGN_OR_RETURN(StoredVariant stored,
                          FindVariant(tx, order.variant_name, order.variant_version));
  const VariantRecord& rec = stored.record;
  EVPROV_ASSIGN_OR_RETURN(Variant variant, VariantFromJson(stored.document));
  variant.version = rec.version;
  EVPROV_ASSIGN_OR_RETURN(Environment env, GetEnvironment(tx, order.environment));
  const std::string ref = VariantObject(order.variant_name, order.variant_version);
  if (env.kind == "production" && rec.status != VariantStatus::kApproved) {
    return Status::FailedPrecondition(object + ": environment '" + env.name +
                                      "' is production and " + ref + " is not approved");
  }
  EVPROV_TRY(CheckTemplateFits(variant, env, object));
  EVPROV_ASSIGN_OR_RETURN(store::Row id_row,
                          tx.QueryOne(ref, "SELECT id FROM variants WHERE name = ? AND version = ?",
                                      {order.variant_name, order.variant_version}));
  EVPROV_TRY(tx.Exec("INSERT INTO work_orders(id, variant_id, environment, quantity, customer, "
                     "site_group, tariff, status, created_by, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                     {order.id, stored.row_id, order.environment, order.quantity, order.customer,
                      OrNull(order.site_group), OrNull(order.tariff), actor, NowUtc()})
                 .status());
  const nlohmann::json detail = {
      {"variant", order.variant_name + "@" + std::to_string(order.variant_version)},
      {"variant_sha256", rec.content_sha256},
      {"environment", order.environment},
      {"quantity", order.quantity},
      {"customer", order.customer}};
  EVPROV_TRY(audit::Append(tx, actor, "work_order.create", object, detail.dump()));
  log::Info("catalog.work_order.created", {{"work_order", order.id}, {"variant", ref}});
  return Status::Ok();
}

Result<WorkOrderRecord> GetWorkOrder(store::Transaction& tx, std::string_view id) {
  EVPROV_ASSIGN_OR_RETURN(store::Row row,
                          tx.QueryOne("work order '" + std::string(id) + "'",
                                      std::string(kOrderColumns) + " WHERE w.id = ?", {id}));
  return OrderFromRow(row);
}

Result<std::vector<WorkOrderRecord>> ListWorkOrders(store::Transaction& tx) {
  EVPROV_ASSIGN_OR_RETURN(auto rows,
                          tx.Query(std::string(kOrderColumns) + " ORDER BY w.created_at, w.id"));
  std::vector<WorkOrderRecord> out;
  out.reserve(rows.size());
  for (const store::Row& r : rows) out.push_back(OrderFromRow(r));
  return out;
}

}  // namespace evprov::catalog
