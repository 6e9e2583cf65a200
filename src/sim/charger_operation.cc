// The charger's operation handlers: TriggerMessage, Reset and remote
// start/stop with their TransactionEvents.
#include "evprov/common/hex.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "evprov/sim/charger.h"
#include "sim/ocpp_json.h"

namespace evprov::sim {

const catalog::Evse* Charger::FindEvse(int id) const {
  for (const auto& evse : reported_layout_) {
    if (evse.id == id) return &evse;
  }
  return nullptr;
}

Charger::Transaction* Charger::FindTransaction(std::string_view id) {
  for (auto& [evse, tx] : transactions_) {
    if (tx.id == id) return &tx;
  }
  return nullptr;
}

std::string Charger::NextTransactionId() {
  ++tx_counter_;
  // Unique per unit and boot, stable in tests: derived, not random.
  return Sha256Hex(config_.hardware_id + "/" + std::to_string(boot_count_) + "/" +
                   std::to_string(tx_counter_))
      .substr(0, 32);
}

Answer Charger::OnTriggerMessage(const nlohmann::json& p) {
  std::string what = p.at("requestedMessage").get<std::string>();
  int evse_id = p.contains("evse") ? p["evse"].at("id").get<int>() : 0;
  int connector_id = p.contains("evse") ? p["evse"].value("connectorId", 0) : 0;
  if (what == "BootNotification") {
    if (registration_ == Registration::kAccepted) {
      return StatusAnswer("Rejected", "AlreadyAccepted", "the charger is already registered");
    }
    Defer([this] {
      boot_reason_ = BootReason::kTriggered;
      SendBoot();
    });
    return StatusAnswer("Accepted");
  }
  if (what == "Heartbeat") {
    Defer([this] { SendHeartbeat(); });
    return StatusAnswer("Accepted");
  }
  if (what == "StatusNotification") {
    std::vector<std::pair<int, int>> targets;
    for (const auto& evse : reported_layout_) {
      if (evse_id != 0 && evse.id != evse_id) continue;
      for (const auto& c : evse.connectors) {
        if (connector_id == 0 || c.id == connector_id) targets.emplace_back(evse.id, c.id);
      }
    }
    if (targets.empty())
      return StatusAnswer("Rejected", "UnknownEvse", "evse: no such EVSE/connector");
    Defer([this, targets] {
      for (auto [e, c] : targets)
        SendStatus(e, c, transactions_.contains(e) ? "Occupied" : "Available");
    });
    return StatusAnswer("Accepted");
  }
  if (what == "SignChargingStationCertificate") {
    if (serial().empty()) {
      return StatusAnswer("Rejected", "NoSerialNumber", "the charger has no serial number yet");
    }
    Defer([this] { StartCertificateSigning(); });
    return StatusAnswer("Accepted");
  }
  if (what == "FirmwareStatusNotification" || what == "LogStatusNotification") {
    Defer([this, what] { Send(what, {{"status", "Idle"}}); });
    return StatusAnswer("Accepted");
  }
  if (what == "TransactionEvent") {
    auto it = evse_id != 0 ? transactions_.find(evse_id) : transactions_.begin();
    if (it == transactions_.end())
      return StatusAnswer("Rejected", "NoTransaction", "no ongoing transaction");
    int evse = it->first;
    Defer([this, evse] {
      auto tx = transactions_.find(evse);
      if (tx != transactions_.end())
        SendTransactionEvent(tx->second, "Updated", "Trigger", {{"chargingState", "Charging"}});
    });
    return StatusAnswer("Accepted");
  }
  return StatusAnswer("NotImplemented");
}

Answer Charger::OnReset(const nlohmann::json& p) {
  std::string type = p.at("type").get<std::string>();
  if (p.contains("evseId")) {
    return StatusAnswer("Rejected", "UnsupportedParam",
                        "evseId: resetting a single EVSE is not supported");
  }
  if (type == "OnIdle" && !transactions_.empty()) {
    reset_pending_ = true;
    log::Info("sim.reset.scheduled", {{"transactions", transactions_.size()}});
    return StatusAnswer("Scheduled");
  }
  if (type != "OnIdle" && type != "Immediate") {
    return StatusAnswer("Rejected", "UnsupportedParam",
                        "type: '" + type + "' is not Immediate or OnIdle");
  }
  Defer([this] { Reboot(); });
  return StatusAnswer("Accepted");
}

Answer Charger::OnRequestStartTransaction(const nlohmann::json& p) {
  int remote_start_id = p.at("remoteStartId").get<int>();
  const nlohmann::json& id_token = p.at("idToken");
  if (registration_ != Registration::kAccepted) {
    return StatusAnswer("Rejected", "NotAccepted", "the charger is not registered yet");
  }
  int evse_id = p.value("evseId", 0);
  if (evse_id == 0) {
    for (const auto& evse : reported_layout_) {
      if (!transactions_.contains(evse.id)) {
        evse_id = evse.id;
        break;
      }
    }
    if (evse_id == 0) return StatusAnswer("Rejected", "NoFreeEvse", "every EVSE has a transaction");
  }
  const catalog::Evse* evse = FindEvse(evse_id);
  if (evse == nullptr || evse->connectors.empty()) {
    return StatusAnswer("Rejected", "UnknownEvse",
                        "evseId: " + std::to_string(evse_id) + " does not exist");
  }
  if (transactions_.contains(evse_id)) {
    return StatusAnswer("Rejected", "TxInProgress",
                        "evseId: " + std::to_string(evse_id) + " has a transaction");
  }
  if (reset_pending_) return StatusAnswer("Rejected", "ResetPending", "a reset is scheduled");
  Transaction tx;
  tx.id = NextTransactionId();
  tx.evse = evse_id;
  tx.connector = evse->connectors.front().id;
  tx.remote_start_id = remote_start_id;
  tx.id_token = Echo(id_token);
  tx.started = scheduler_.Now();
  std::string id = tx.id;
  transactions_.emplace(evse_id, std::move(tx));
  (void)Persist();  // the transaction counter
  log::Info("sim.transaction.start", {{"transaction_id", id}, {"evse", evse_id}});
  Defer([this, id] { StartTransactionEvents(id); });
  return StatusAnswer("Accepted");
}

void Charger::StartTransactionEvents(const std::string& tx_id) {
  Transaction* tx = FindTransaction(tx_id);
  if (tx == nullptr) return;
  SendStatus(tx->evse, tx->connector, "Occupied");
  SendTransactionEvent(*tx, "Started", "RemoteStart",
                       {{"chargingState", "Charging"}, {"remoteStartId", tx->remote_start_id}});
}

Answer Charger::OnRequestStopTransaction(const nlohmann::json& p) {
  std::string id = p.at("transactionId").get<std::string>();
  Transaction* tx = FindTransaction(id);
  if (tx == nullptr)
    return StatusAnswer("Rejected", "UnknownTransaction", "transactionId: not ongoing");
  int evse = tx->evse;
  Defer([this, evse] { EndTransaction(evse, "RemoteStop", "Remote"); });
  return StatusAnswer("Accepted");
}

void Charger::EndTransaction(int evse, std::string_view trigger, std::string_view stopped_reason) {
  auto it = transactions_.find(evse);
  if (it == transactions_.end()) return;
  SendTransactionEvent(it->second, "Ended", trigger,
                       {{"chargingState", "Idle"}, {"stoppedReason", stopped_reason}});
  SendStatus(evse, it->second.connector, "Available");
  log::Info("sim.transaction.end", {{"transaction_id", it->second.id}, {"reason", stopped_reason}});
  transactions_.erase(it);
  if (reset_pending_ && transactions_.empty()) Defer([this] { Reboot(); });
}

void Charger::SendTransactionEvent(Transaction& tx, std::string_view event_type,
                                   std::string_view trigger, const nlohmann::json& info_extra) {
  const Clock::time_point now = scheduler_.Now();
  const std::string timestamp = FormatUtc(now, true);
  nlohmann::json info = {{"transactionId", tx.id}};
  info.update(info_extra);
  nlohmann::json event = {{"eventType", event_type},
                          {"timestamp", timestamp},
                          {"triggerReason", trigger},
                          {"seqNo", tx.seq_no++},
                          {"transactionInfo", std::move(info)},
                          {"evse", {{"id", tx.evse}, {"connectorId", tx.connector}}}};
  if (event_type == "Started") event["idToken"] = tx.id_token;
  // A simulated energy register: the EVSE's full power since the start.
  const catalog::Evse* evse = FindEvse(tx.evse);
  double hours = std::chrono::duration<double>(now - tx.started).count() / 3600.0;
  double wh = evse ? evse->max_power_kw * 1000.0 * hours : 0.0;
  std::string context = event_type == "Started" ? "Transaction.Begin"
                        : event_type == "Ended" ? "Transaction.End"
                                                : "Trigger";
  event["meterValue"] = {{{"timestamp", timestamp},
                          {"sampledValue",
                           {{{"value", std::round(wh * 10) / 10},
                             {"context", context},
                             {"measurand", "Energy.Active.Import.Register"}}}}}};
  Send("TransactionEvent", std::move(event));
}

}  // namespace evprov::sim
