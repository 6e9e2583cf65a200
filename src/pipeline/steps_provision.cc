// The steps that give the unit its credentials and send it into the field:
// certificates, network, validate, finalize.
#include <atomic>
#include <chrono>

#include "evprov/common/log.h"
#include "evprov/sim/certificates.h"
#include "pipeline/checks.h"
#include "pipeline/commit.h"
#include "pipeline/steps.h"

namespace evprov::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Network slots the station writes (slot 1 is the factory endpoint).
constexpr int kValidationSlot = 2;
constexpr int kEnvironmentSlot = 3;
constexpr char kValidationPriority[] = "2,1";  // validation first, factory as the fallback
constexpr char kSealingPriority[] = "3,2";     // field first; validation while sealing
constexpr char kFieldPriority[] = "3";         // the environment's slot only

std::int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

int NextRemoteStartId() {
  static std::atomic<int> next{1};
  return next.fetch_add(1) % 1000000000;
}

asio::awaitable<Status> Install(StepContext& ctx, std::string_view type, const std::string& pem) {
  nlohmann::json request = InstallCertificateRequest(type, pem);
  auto r = co_await ctx.CallAccepted("certificates", "InstallCertificate", std::move(request));
  co_return r.status();
}

}  // namespace

asio::awaitable<Status> RunCertificates(StepContext& ctx) {
  const EnvironmentRuntime& env = *ctx.environment;
  PIPELINE_CO_TRY(co_await Install(ctx, "CSMSRootCertificate", env.root_pem));
  PIPELINE_CO_TRY(co_await Install(ctx, "CSMSRootCertificate", ctx.services.station_root_pem));
  if (!ctx.services.manufacturer_root_pem.empty()) {
    PIPELINE_CO_TRY(
        co_await Install(ctx, "ManufacturerRootCertificate", ctx.services.manufacturer_root_pem));
  }
  ctx.channel.Discard(EventKind::kCsr);
  nlohmann::json trigger = TriggerMessageRequest("SignChargingStationCertificate");
  auto triggered = co_await ctx.CallAccepted("certificates", "TriggerMessage", std::move(trigger));
  if (!triggered.ok()) co_return triggered.status();
  auto csr = co_await ctx.channel.Wait([](const Event& e) { return e.kind == EventKind::kCsr; },
                                       ctx.limits.timeout);
  if (!csr) co_return Status::DeadlineExceeded("certificates: no SignCertificate request arrived");
  pki::IssuedCertificate issued;
  int superseded = 0;
  Status policy =
      co_await CommitAsync(*ctx.services.commits, [&](store::Transaction& tx) -> Status {
        EVPROV_ASSIGN_OR_RETURN(superseded, pki::RevokeUnitCertificates(
                                                tx, ctx.unit_id, pki::RevocationReason::kSuperseded,
                                                ctx.services.options->actor));
        pki::UnitExpectation expected{ctx.unit_id, ctx.unit.serial.value_or(""),
                                      env.env.organization_name};
        EVPROV_ASSIGN_OR_RETURN(
            issued, pki::IssueChargingStationCertificate(tx, *env.ca, csr->payload.value("csr", ""),
                                                         expected, ctx.services.options->actor));
        return Status::Ok();
      });
  if (!policy.ok()) {
    csr->reply->Ok({{"status", "Rejected"}, {"statusInfo", {{"reasonCode", "InvalidCSR"}}}});
    co_return Status(IsTransient(policy) ? StatusCode::kFailedPrecondition : policy.code(),
                     "certificates: the CSR was refused: " + policy.message());
  }
  csr->reply->Ok({{"status", "Accepted"}});
  nlohmann::json deliver = CertificateSignedRequest(issued.chain_pem);
  auto signed_ = co_await ctx.CallAccepted("certificates", "CertificateSigned", std::move(deliver));
  if (!signed_.ok()) co_return signed_.status();
  ctx.detail["certificate_serial"] = issued.serial_hex;
  ctx.detail["subject"] = issued.subject;
  ctx.detail["not_after"] = issued.not_after;
  ctx.detail["superseded"] = superseded;
  co_return Status::Ok();
}

asio::awaitable<Status> RunNetwork(StepContext& ctx) {
  const EnvironmentRuntime& env = *ctx.environment;
  const int profile = env.env.security_profile;
  nlohmann::json validation_profile =
      SetNetworkProfileRequest(kValidationSlot, ConnectionData(env.validation_url, profile));
  auto validation =
      co_await ctx.CallAccepted("network", "SetNetworkProfile", std::move(validation_profile));
  if (!validation.ok()) co_return validation.status();
  nlohmann::json field = ConnectionData(env.env.csms_url, profile);
  if (!env.env.apn.apn.empty()) {
    field["apn"] = {{"apn", env.env.apn.apn},
                    {"apnAuthentication",
                     env.env.apn.authentication.empty() ? "AUTO" : env.env.apn.authentication}};
    if (!env.env.apn.username.empty()) field["apn"]["apnUserName"] = env.env.apn.username;
    if (!env.env.apn.preferred_network.empty()) {
      field["apn"]["preferredNetwork"] = env.env.apn.preferred_network;
      field["apn"]["useOnlyPreferredNetwork"] = env.env.apn.use_only_preferred;
    }
  }
  nlohmann::json field_profile = SetNetworkProfileRequest(kEnvironmentSlot, std::move(field));
  auto target = co_await ctx.CallAccepted("network", "SetNetworkProfile", std::move(field_profile));
  if (!target.ok()) co_return target.status();
  const std::vector<catalog::VariableSetting> priority = {
      Setting("OCPPCommCtrlr", "NetworkConfigurationPriority", kValidationPriority)};
  PIPELINE_CO_TRY(co_await ctx.SetVariables("network", priority));
  ctx.detail["validation_url"] = env.validation_url;
  ctx.detail["csms_url"] = env.env.csms_url;
  ctx.detail["security_profile"] = profile;
  ctx.detail["priority"] = kValidationPriority;
  co_return Status::Ok();
}

asio::awaitable<Status> RunValidate(StepContext& ctx) {
  const auto start = Clock::now();
  const Connection& c = ctx.channel.connection();
  if (c.connected && !c.booted) {
    // A fresh session (e.g. after a reboot): its BootNotification is on the way.
    (void)co_await ctx.channel.WaitConnected(std::nullopt, true, ctx.limits.timeout);
  }
  if (!(c.connected && c.endpoint == Endpoint::kValidation && c.boot_accepted)) {
    ctx.channel.Discard(EventKind::kBoot);
    if (c.connected) {
      nlohmann::json reset_request = ResetRequest("Immediate");
      auto reset =
          co_await ctx.CallAccepted("validate", "Reset", std::move(reset_request), "Scheduled");
      if (!reset.ok()) co_return reset.status();
    }
    auto boot = co_await ctx.channel.Wait(
        [](const Event& e) {
          return e.kind == EventKind::kBoot && e.endpoint == Endpoint::kValidation && e.accepted;
        },
        ctx.limits.timeout);
    if (!boot) {
      co_return Status::DeadlineExceeded(
          "validate: the charger did not reconnect to the validation endpoint with its new "
          "identity and credentials");
    }
  }
  ctx.detail["reconnect_ms"] = MsSince(start);
  ctx.detail["security_profile"] = ctx.environment->env.security_profile;
  const nlohmann::json& cs =
      ctx.channel.connection().boot.value("chargingStation", nlohmann::json::object());
  if (cs.value("serialNumber", "") != ctx.unit.serial.value_or("")) {
    co_return Status::FailedPrecondition("validate: BootNotification serialNumber '" +
                                         cs.value("serialNumber", "") + "' is not the unit's '" +
                                         ctx.unit.serial.value_or("") + "'");
  }
  // StatusNotification for every connector of the variant.
  const auto status_start = Clock::now();
  auto missing = [&]() -> std::string {
    for (const auto& evse : ctx.variant.evses) {
      for (const auto& conn : evse.connectors) {
        if (!ctx.channel.connection().status_seen.contains({evse.id, conn.id})) {
          return std::to_string(evse.id) + "/" + std::to_string(conn.id);
        }
      }
    }
    return "";
  };
  while (!missing().empty()) {
    auto e = co_await ctx.channel.Wait(
        [](const Event& ev) { return ev.kind == EventKind::kStatus; }, ctx.limits.timeout);
    if (!e) {
      co_return Status::DeadlineExceeded("validate: no StatusNotification for EVSE/connector " +
                                         missing());
    }
  }
  ctx.detail["status_ms"] = MsSince(status_start);
  // A remote command: start a transaction and stop it again.
  const auto remote_start = Clock::now();
  ctx.channel.Discard(EventKind::kTransaction);
  const int remote_start_id = NextRemoteStartId();
  nlohmann::json start_request = RequestStartTransactionRequest(remote_start_id, 1);
  auto started =
      co_await ctx.CallAccepted("validate", "RequestStartTransaction", std::move(start_request));
  if (!started.ok()) co_return started.status();
  auto tx_started = co_await ctx.channel.Wait(
      [remote_start_id](const Event& e) {
        return e.kind == EventKind::kTransaction && e.payload.value("eventType", "") == "Started" &&
               e.payload.value("transactionInfo", nlohmann::json::object())
                       .value("remoteStartId", -1) == remote_start_id;
      },
      ctx.limits.timeout);
  if (!tx_started) {
    co_return Status::DeadlineExceeded(
        "validate: no TransactionEvent Started after RequestStartTransaction");
  }
  const std::string transaction_id =
      tx_started->payload["transactionInfo"].value("transactionId", "");
  nlohmann::json stop_request = RequestStopTransactionRequest(transaction_id);
  auto stopped =
      co_await ctx.CallAccepted("validate", "RequestStopTransaction", std::move(stop_request));
  if (!stopped.ok()) co_return stopped.status();
  auto tx_ended = co_await ctx.channel.Wait(
      [&transaction_id](const Event& e) {
        return e.kind == EventKind::kTransaction && e.payload.value("eventType", "") == "Ended" &&
               e.payload.value("transactionInfo", nlohmann::json::object())
                       .value("transactionId", "") == transaction_id;
      },
      ctx.limits.timeout);
  if (!tx_ended) {
    co_return Status::DeadlineExceeded(
        "validate: no TransactionEvent Ended after RequestStopTransaction");
  }
  ctx.detail["remote_command_ms"] = MsSince(remote_start);
  ctx.detail["transaction_id"] = transaction_id;
  if (ctx.services.after_validation) {
    PIPELINE_CO_TRY(co_await CommitAsync(*ctx.services.commits, [&](store::Transaction& tx) {
      return ctx.services.after_validation(tx, ctx.unit_id);
    }));
  }
  ctx.detail["total_ms"] = MsSince(start);
  co_return Status::Ok();
}

// Finalize: leave factory mode and read the configuration back as the
// snapshot. The unit is then ready; the seal (below) removes the validation
// profile and root right after, because it cuts the charger off from this
// station and so must come after `ready` is durable (see docs/pipeline.md).
asio::awaitable<Status> RunFinalize(StepContext& ctx) {
  // Leave factory mode where the charger has one (VendorCtrlr.FactoryMode in evprov-sim).
  nlohmann::json factory_request =
      SetVariablesRequest({Setting("VendorCtrlr", "FactoryMode", "false")});
  auto factory = co_await ctx.Call("SetVariables", std::move(factory_request));
  if (!factory.ok())
    co_return Status(factory.status().code(), "finalize: " + factory.status().message());
  const auto& result = factory->value("setVariableResult", nlohmann::json::array());
  std::string factory_status = result.empty() ? "" : result[0].value("attributeStatus", "");
  if (factory_status != "Accepted" && factory_status != "UnknownComponent" &&
      factory_status != "UnknownVariable") {
    co_return Status::FailedPrecondition("finalize: SetVariables VendorCtrlr.FactoryMode was " +
                                         factory_status);
  }
  ctx.detail["factory_mode_left"] = factory_status == "Accepted";
  auto report = co_await ctx.FullReport("finalize");
  if (!report.ok()) co_return report.status();
  ctx.detail["configuration"] = SnapshotOf(*report);
  co_return Status::Ok();
}

// The seal, in three changes, so that a station killed between any two of
// them leaves a unit that either comes back or is sealed:
//   1. priority "3,2": the field profile first, the validation profile as the
//      fallback (a unit that drops now fails to reach the field CSMS from the
//      factory floor, falls back to the validation endpoint and is sealed
//      again: a ready unit back there always is);
//   2. the station root (the validation root) is deleted;
//   3. priority "3": the field profile only.
// A kill between 2 and 3 strands a unit that trusts no factory station any
// more but still lists the (now unusable) validation slot; a kill after 3
// and before the journal record strands a fully sealed unit. Both show as
// ready without a "seal done" record (docs/pipeline.md, "The seal").
asio::awaitable<Status> RunSeal(StepContext& ctx) {
  const std::vector<catalog::VariableSetting> sealing = {
      Setting("OCPPCommCtrlr", "NetworkConfigurationPriority", kSealingPriority)};
  PIPELINE_CO_TRY(co_await ctx.SetVariables("seal", sealing));
  auto root_hash = sim::HashDataOf(ctx.services.station_root_pem, "SHA256");
  if (!root_hash.ok())
    co_return Status::Internal("seal: station root: " + root_hash.status().message());
  nlohmann::json ids_request = GetInstalledCertificateIdsRequest("CSMSRootCertificate");
  auto installed = co_await ctx.CallAccepted("seal", "GetInstalledCertificateIds",
                                             std::move(ids_request), "NotFound");
  if (!installed.ok()) co_return installed.status();
  bool removed = false;
  for (const auto& entry : installed->value("certificateHashDataChain", nlohmann::json::array())) {
    const auto& hash = entry.value("certificateHashData", nlohmann::json::object());
    if (hash.value("serialNumber", "") != root_hash->serial_number ||
        hash.value("issuerKeyHash", "") != root_hash->issuer_key_hash) {
      continue;
    }
    nlohmann::json delete_request = DeleteCertificateRequest(hash);
    auto deleted = co_await ctx.CallAccepted("seal", "DeleteCertificate", std::move(delete_request),
                                             "NotFound");
    if (!deleted.ok()) co_return deleted.status();
    removed = true;
  }
  ctx.detail["validation_root_removed"] = removed;
  const std::vector<catalog::VariableSetting> field_only = {
      Setting("OCPPCommCtrlr", "NetworkConfigurationPriority", kFieldPriority)};
  PIPELINE_CO_TRY(co_await ctx.SetVariables("seal", field_only));
  co_return Status::Ok();
}

}  // namespace evprov::pipeline
