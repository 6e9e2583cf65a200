// The steps that run while the charger is Pending on the factory endpoint:
// admit, identify, read back, firmware, identity, configure, credentials.
#include <chrono>

#include "evprov/catalog/placeholders.h"
#include "evprov/identity/allocator.h"
#include "evprov/identity/connectors.h"
#include "evprov/pki/credentials.h"
#include "pipeline/checks.h"
#include "pipeline/commit.h"
#include "pipeline/steps.h"

namespace evprov::pipeline {
namespace {

const nlohmann::json& BootStation(const StepContext& ctx) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const auto& boot = ctx.channel.connection().boot;
  return boot.contains("chargingStation") ? boot["chargingStation"] : kEmpty;
}

std::string ActorOf(const StepContext& ctx) {
  return ctx.services.options->actor;
}

}  // namespace

asio::awaitable<Status> RunAdmit(StepContext& ctx) {
  const Connection& c = ctx.channel.connection();
  ctx.detail["endpoint"] = EndpointName(c.endpoint);
  ctx.detail["identity"] = c.identity;
  ctx.detail["hardware_id"] = ctx.unit.hardware_id;
  co_return Status::Ok();
}

asio::awaitable<Status> RunIdentify(StepContext& ctx) {
  const nlohmann::json& cs = BootStation(ctx);
  PIPELINE_CO_TRY(CheckBoot(ctx.variant, ctx.channel.connection().boot));
  std::string serial = cs.value("serialNumber", "");
  if (ctx.unit.serial && !serial.empty() && serial != *ctx.unit.serial) {
    co_return Status::FailedPrecondition("identify: the unit reports serial '" + serial +
                                         "', the MES registered '" + *ctx.unit.serial + "'");
  }
  ctx.detail["work_order"] = ctx.unit.work_order_id.value_or("");
  ctx.detail["variant"] = ctx.variant.name + "@" + std::to_string(ctx.variant.version);
  ctx.detail["environment"] = ctx.environment->env.name;
  ctx.detail["vendor"] = cs.value("vendorName", "");
  ctx.detail["model"] = cs.value("model", "");
  ctx.detail["firmware"] = cs.value("firmwareVersion", "");
  if (!serial.empty()) ctx.detail["reported_serial"] = serial;
  if (cs.contains("modem")) {
    ctx.detail["iccid"] = cs["modem"].value("iccid", "");
    ctx.detail["imsi"] = cs["modem"].value("imsi", "");
  }
  co_return Status::Ok();
}

asio::awaitable<Status> RunReadBack(StepContext& ctx) {
  auto report = co_await ctx.FullReport("read_back");
  if (!report.ok()) co_return report.status();
  PIPELINE_CO_TRY(CompareLayout(ctx.variant.evses, LayoutFromReport(*report)));
  auto revision = ReportValue(*report, "Controller", "HardwareRevision");
  if (revision && *revision != ctx.unit.hardware_revision) {
    co_return Status::FailedPrecondition("read_back: the unit reports hardware revision '" +
                                         *revision + "', the MES registered '" +
                                         ctx.unit.hardware_revision + "'");
  }
  ctx.detail["report_items"] = report->size();
  ctx.detail["evses"] = ctx.variant.evses.size();
  if (revision) ctx.detail["hardware_revision"] = *revision;
  co_return Status::Ok();
}

asio::awaitable<Status> RunFirmware(StepContext& ctx) {
  // No updates yet: the unit must already run the pinned version (CheckBoot).
  std::string running = BootStation(ctx).value("firmwareVersion", "");
  PIPELINE_CO_TRY(CheckFirmware(ctx.variant, ctx.channel.connection().boot));
  ctx.detail["version"] = running;
  ctx.detail["action"] = "none";
  co_return Status::Ok();
}

asio::awaitable<Status> RunIdentity(StepContext& ctx) {
  const auto now = std::chrono::system_clock::now();
  std::string serial;
  std::string charger_id;
  std::vector<identity::ConnectorAssignment> plan;
  bool allocated = false;
  PIPELINE_CO_TRY(
      co_await CommitAsync(*ctx.services.commits, [&](store::Transaction& tx) -> Status {
        const auto& naming = ctx.variant.naming;
        EVPROV_ASSIGN_OR_RETURN(
            auto s, identity::AllocateSerial(tx, ctx.unit_id, naming, now, ActorOf(ctx)));
        EVPROV_ASSIGN_OR_RETURN(auto c, identity::AllocateChargerId(tx, ctx.unit_id, naming,
                                                                    s.value, now, ActorOf(ctx)));
        EVPROV_ASSIGN_OR_RETURN(
            plan, identity::PlanConnectors(ctx.variant, ctx.environment->env, {c.value, s.value}));
        EVPROV_TRY(identity::AssignConnectors(tx, ctx.unit_id, plan, ActorOf(ctx)));
        serial = s.value;
        charger_id = c.value;
        allocated = s.newly_issued || c.newly_issued;
        return Status::Ok();
      }));
  std::vector<catalog::VariableSetting> items;
  const std::string reported = BootStation(ctx).value("serialNumber", "");
  if (ctx.variant.serial_variable && reported != serial) {
    catalog::VariableSetting s;
    s.component = ctx.variant.serial_variable->component;
    s.variable = ctx.variant.serial_variable->variable;
    s.value = serial;
    items.push_back(s);
  } else if (reported != serial) {
    co_return Status::FailedPrecondition("identity: the unit reports serial '" + reported +
                                         "' and the variant names no serial variable to write '" +
                                         serial + "'");
  }
  catalog::VariableSetting id;
  id.component = "SecurityCtrlr";
  id.variable = "Identity";
  id.value = charger_id;
  items.push_back(id);
  for (const auto& a : plan) {
    if (!a.emi3_evse_id || a.connector_id != 1) continue;
    catalog::VariableSetting evse_id;
    evse_id.component = "EVSE";
    evse_id.evse = a.evse_id;
    evse_id.variable = "EvseId";
    evse_id.value = *a.emi3_evse_id;
    items.push_back(evse_id);
  }
  PIPELINE_CO_TRY(co_await ctx.SetVariables("identity", items));
  ctx.detail["serial"] = serial;
  ctx.detail["charger_id"] = charger_id;
  ctx.detail["newly_allocated"] = allocated;
  nlohmann::json labels = nlohmann::json::array();
  for (const auto& a : plan)
    labels.push_back({{"evse", a.evse_id}, {"connector", a.connector_id}, {"label", a.label}});
  ctx.detail["connectors"] = std::move(labels);
  co_return Status::Ok();
}

asio::awaitable<Status> RunConfigure(StepContext& ctx) {
  catalog::UnitNames names{ctx.unit.serial.value_or(""), ctx.unit.charger_id.value_or(""),
                           ctx.unit.hardware_id, ctx.unit.hardware_revision};
  auto items = catalog::ExpandTemplate(ctx.variant, ctx.environment->env, names);
  if (!items.ok()) {
    co_return Status::FailedPrecondition("configure: " + items.status().message());
  }
  PIPELINE_CO_TRY(co_await ctx.SetVariables("configure", *items));
  ctx.detail["variables"] = items->size();
  co_return Status::Ok();
}

asio::awaitable<Status> RunCredentials(StepContext& ctx) {
  pki::SecretString password;
  PIPELINE_CO_TRY(
      co_await CommitAsync(*ctx.services.commits, [&](store::Transaction& tx) -> Status {
        EVPROV_ASSIGN_OR_RETURN(password, pki::IssueUnitPassword(tx, *ctx.services.secret,
                                                                 ctx.unit_id, {}, ActorOf(ctx)));
        return Status::Ok();
      }));
  catalog::VariableSetting item;
  item.component = "SecurityCtrlr";
  item.variable = "BasicAuthPassword";
  item.value = password.reveal();
  std::vector<catalog::VariableSetting> items{std::move(item)};
  Status set = co_await ctx.SetVariables("credentials", items);
  // Wipe the copy in the setting (SecretString wipes its own).
  std::fill(items[0].value.begin(), items[0].value.end(), '\0');
  PIPELINE_CO_TRY(set);
  ctx.detail["kind"] = "basic_auth";
  co_return Status::Ok();
}

}  // namespace evprov::pipeline
