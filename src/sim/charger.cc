#include "evprov/sim/charger.h"

#include <filesystem>

#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "sim/state_file.h"

namespace evprov::sim {
namespace {

constexpr std::string_view kStateFormat = "evprov-sim-state/1";

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Status CheckLength(std::string_view field, std::string_view value, std::size_t max, bool required) {
  if (required && value.empty()) return Status::InvalidArgument(std::string(field) + ": empty");
  if (value.size() > max) {
    return Status::InvalidArgument(std::string(field) + ": longer than " + std::to_string(max) +
                                   " characters");
  }
  return Status::Ok();
}

// The reported layout: the configured one, or with one connector too many
// (fault mismatched-layout).
std::vector<catalog::Evse> ReportedLayout(const ChargerConfig& c) {
  std::vector<catalog::Evse> layout = c.layout;
  if (c.faults.mismatched_layout && !layout.empty()) {
    catalog::Evse& last = layout.back();
    catalog::Connector extra =
        last.connectors.empty() ? catalog::Connector{} : last.connectors.back();
    extra.id = static_cast<int>(last.connectors.size()) + 1;
    last.connectors.push_back(extra);
  }
  return layout;
}

}  // namespace

Status ValidateConfig(const ChargerConfig& c) {
  EVPROV_TRY(CheckLength("hardware_id", c.hardware_id, 48, true));
  if (c.hardware_id.find(':') != std::string::npos) {
    return Status::InvalidArgument("hardware_id: must not contain ':'");
  }
  EVPROV_TRY(CheckLength("vendor_name", c.vendor_name, 50, true));
  EVPROV_TRY(CheckLength("model", c.model, 20, true));
  EVPROV_TRY(CheckLength("firmware_version", c.firmware_version, 50, true));
  EVPROV_TRY(CheckLength("serial", c.serial, 25, false));
  EVPROV_TRY(CheckLength("iccid", c.iccid, 20, false));
  EVPROV_TRY(CheckLength("imsi", c.imsi, 20, false));
  if (c.state_dir.empty()) return Status::InvalidArgument("state_dir: empty");
  if (c.layout.empty()) return Status::InvalidArgument("layout: no EVSE");
  if (c.report_part_bytes < kMinReportPartBytes) {
    return Status::InvalidArgument("report_part_bytes: at least " +
                                   std::to_string(kMinReportPartBytes) + ", got " +
                                   std::to_string(c.report_part_bytes));
  }
  for (std::size_t i = 0; i < c.layout.size(); ++i) {
    const auto& evse = c.layout[i];
    std::string where = "layout[" + std::to_string(i) + "]";
    if (evse.id != static_cast<int>(i) + 1) {
      return Status::InvalidArgument(where + ".id: EVSEs are numbered 1..N without gaps");
    }
    if (evse.connectors.empty()) return Status::InvalidArgument(where + ": no connector");
    for (std::size_t j = 0; j < evse.connectors.size(); ++j) {
      if (evse.connectors[j].id != static_cast<int>(j) + 1) {
        return Status::InvalidArgument(where + ".connectors[" + std::to_string(j) +
                                       "].id: connectors are numbered 1..M without gaps");
      }
    }
  }
  bool idevid = !c.idevid_cert_file.empty() || !c.idevid_key_file.empty();
  if (idevid && (c.idevid_cert_file.empty() || c.idevid_key_file.empty())) {
    return Status::InvalidArgument("idevid: needs both the certificate and the key file");
  }
  if (idevid == !c.bootstrap_secret.empty()) {
    return Status::InvalidArgument(
        "authentication: give either an IDevID (cert + key) or a bootstrap secret");
  }
  if (c.slot_count < kDefaultSlotCount || c.slot_count > 10) {
    return Status::InvalidArgument("slot_count: must be 3..10");
  }
  return FactoryProfile(c.factory_endpoint, idevid).status();
}

std::string_view BootReasonName(BootReason reason) {
  switch (reason) {
    case BootReason::kPowerUp:
      return "PowerUp";
    case BootReason::kRemoteReset:
      return "RemoteReset";
    case BootReason::kWatchdog:
      return "Watchdog";
    case BootReason::kTriggered:
      return "Triggered";
    case BootReason::kFirmwareUpdate:
      return "FirmwareUpdate";
  }
  return "Unknown";
}

Charger::Charger(ChargerConfig config, Link& link, Scheduler& scheduler)
    : config_(std::move(config)),
      link_(link),
      scheduler_(scheduler),
      banks_(std::make_unique<StateBanks>(config_.state_dir)) {}

Charger::~Charger() {
  for (TimerId id : timers_) scheduler_.Cancel(id);
}

Result<std::unique_ptr<Charger>> Charger::Open(ChargerConfig config, Link& link,
                                               Scheduler& scheduler) {
  EVPROV_TRY(ValidateConfig(config));
  if (config.key_storage == KeyStorage::kTpm) EVPROV_TRY(InitTpmKeys(config.tpm_tcti));
  std::unique_ptr<Charger> c(new Charger(std::move(config), link, scheduler));
  c->reported_layout_ = ReportedLayout(c->config_);
  std::shared_ptr<const DeviceModelSchema> schema = c->config_.schema;
  if (!schema || c->config_.faults.mismatched_layout) {
    EVPROV_ASSIGN_OR_RETURN(schema, DeviceModelSchema::Build(c->reported_layout_));
  }
  StationFacts facts{c->config_.vendor_name,
                     c->config_.model,
                     c->config_.serial,
                     c->config_.firmware_version,
                     c->config_.hardware_revision,
                     c->config_.hardware_id,
                     c->reported_layout_};
  c->model_ = std::make_unique<DeviceModel>(std::move(schema), facts);
  std::error_code ec;
  std::filesystem::create_directories(c->config_.state_dir, ec);
  if (ec) return Status::Unavailable("state_dir: cannot create '" + c->config_.state_dir + "'");
  EVPROV_TRY(c->Load());
  return c;
}

std::string Charger::state_file() const {
  return banks_->current_path();
}

Status Charger::Load() {
  auto state = banks_->Load();
  if (!state.ok() && state.status().code() == StatusCode::kNotFound) {
    // A fresh unit: the factory endpoint in slot 1, in factory mode.
    bool mtls = !config_.idevid_cert_file.empty();
    EVPROV_ASSIGN_OR_RETURN(NetworkProfile factory, FactoryProfile(config_.factory_endpoint, mtls));
    model_->Set("SecurityCtrlr", "SecurityProfile", std::to_string(factory.security_profile));
    slots_[kFirstSlot] = std::move(factory);
    log::Info("sim.unit.created", {{"hardware_id", config_.hardware_id}});
    return Persist();
  }
  if (!state.ok()) return state.status();
  try {
    return LoadState(*state);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("state '" + state_file() + "': malformed (" + e.what() + ")");
  }
}

Status Charger::LoadState(const nlohmann::json& j) {
  const std::string where = "state '" + state_file() + "'";
  if (j.value("format", "") != kStateFormat) {
    return Status::InvalidArgument(where + ": not an " + std::string(kStateFormat) + " file");
  }
  if (j.value("hardware_id", "") != config_.hardware_id) {
    return Status::FailedPrecondition(where + ": belongs to hardware ID '" +
                                      j.value("hardware_id", "") + "', not '" +
                                      config_.hardware_id + "'");
  }
  boot_count_ = j.value("boot_count", 0);
  security_floor_ = j.value("security_floor", 0);
  tx_counter_ = j.value("tx_counter", 0);
  for (const std::string& key :
       model_->LoadWrittenValues(j.value("variables", nlohmann::json::object()))) {
    log::Warn("sim.state.unknown_variable", {{"key", key}});
  }
  EVPROV_ASSIGN_OR_RETURN(
      certificates_, CertificateStore::FromJson(j.value("certificates", nlohmann::json::array())));
  station_chain_ = j.value("station_chain", "");
  station_key_ = j.value("station_key", "");
  pending_key_ = j.value("pending_key", "");
  previous_key_ = j.value("previous_key", "");
  const nlohmann::json slots = j.value("network_slots", nlohmann::json::object());
  for (const auto& [slot_text, entry] : slots.items()) {
    int slot = std::atoi(slot_text.c_str());
    if (entry.value("factory", false)) {
      EVPROV_ASSIGN_OR_RETURN(slots_[slot], FactoryProfile(config_.factory_endpoint,
                                                           !config_.idevid_cert_file.empty()));
      continue;
    }
    ProfileCheckContext any{config_.slot_count, 0, true, true};
    auto checked = CheckNetworkProfile(slot, entry.value("connectionData", nlohmann::json()), any);
    if (auto* refusal = std::get_if<ProfileRefusal>(&checked)) {
      std::string message = where;
      message += ": network slot " + slot_text + ": " + refusal->message;
      return Status::InvalidArgument(message);
    }
    slots_[slot] = std::get<NetworkProfile>(std::move(checked));
  }
  for (const auto& f : j.value("faults_fired", nlohmann::json::array()))
    faults_fired_.insert(f.get<std::string>());
  log::Info("sim.unit.loaded", {{"hardware_id", config_.hardware_id}, {"boot_count", boot_count_}});
  return Status::Ok();
}

nlohmann::json Charger::StateJson() const {
  nlohmann::json slots = nlohmann::json::object();
  for (const auto& [slot, p] : slots_) {
    slots[std::to_string(slot)] = p.factory ? nlohmann::json{{"factory", true}}
                                            : nlohmann::json{{"connectionData", p.connection_data}};
  }
  return {{"format", kStateFormat},
          {"hardware_id", config_.hardware_id},
          {"boot_count", boot_count_},
          {"security_floor", security_floor_},
          {"tx_counter", tx_counter_},
          {"variables", model_->WrittenValues()},
          {"certificates", certificates_.ToJson()},
          {"station_chain", station_chain_},
          {"station_key", station_key_},
          {"pending_key", pending_key_},
          {"previous_key", previous_key_},
          {"network_slots", std::move(slots)},
          {"faults_fired", faults_fired_}};
}

Status Charger::Persist() {
  Status s = banks_->Store(StateJson());
  if (!s.ok()) log::Error("sim.state.write_failed", {{"reason", s.message()}});
  return s;
}

// --- timers ---------------------------------------------------------------------------

TimerId Charger::Arm(Clock::duration delay, std::function<void()> fn) {
  auto id = std::make_shared<TimerId>(0);
  *id = scheduler_.After(delay, [this, id, fn = std::move(fn)] {
    timers_.erase(*id);
    fn();
  });
  timers_.insert(*id);
  return *id;
}

void Charger::Disarm(std::optional<TimerId>& id) {
  if (!id) return;
  scheduler_.Cancel(*id);
  timers_.erase(*id);
  id.reset();
}

// --- connection and boot ------------------------------------------------------------------

int Charger::security_profile() const {
  return std::atoi(std::string(model_->Get("SecurityCtrlr", "SecurityProfile")).c_str());
}

int Charger::SecurityFloor() const {
  auto it = slots_.find(active_slot_);
  bool on_factory = connected_ && it != slots_.end() && it->second.factory;
  return on_factory ? security_floor_
                    : std::max(security_floor_, connected_ ? security_profile() : 0);
}

bool Charger::factory_mode() const {
  return model_->Get("VendorCtrlr", "FactoryMode") == "true";
}

std::string Charger::serial() const {
  return std::string(model_->Get("VendorCtrlr", "SerialNumber"));
}

std::vector<ConnectionAttempt> Charger::Plan() const {
  PlanOptions options;
  auto priority = ParsePriority(model_->Get("OCPPCommCtrlr", "NetworkConfigurationPriority"));
  if (priority.ok()) options.priority = *priority;
  options.attempts_per_slot = std::atoi(
      std::string(model_->Get("OCPPCommCtrlr", "NetworkProfileConnectionAttempts")).c_str());
  options.min_security_profile = security_floor_;
  return ConnectionPlan(slots_, options);
}

std::string Charger::Identity(int slot) const {
  auto it = slots_.find(slot);
  if (it == slots_.end()) return {};
  return it->second.factory ? config_.hardware_id
                            : std::string(model_->Get("SecurityCtrlr", "Identity"));
}

ConnectionParams Charger::Connection(int slot) const {
  ConnectionParams p;
  auto it = slots_.find(slot);
  if (it == slots_.end()) return p;
  const NetworkProfile& profile = it->second;
  p.security_profile = profile.security_profile;
  p.message_timeout_s = profile.message_timeout_s;
  p.identity = Identity(slot);
  if (profile.factory) {
    p.basic_auth_password = config_.bootstrap_secret;
    p.client_cert_file = config_.idevid_cert_file;
    p.client_key_file = config_.idevid_key_file;
    p.trusted_roots_file = config_.factory_trust_file;
  } else {
    p.basic_auth_password = std::string(model_->Get("SecurityCtrlr", "BasicAuthPassword"));
    if (profile.security_profile == 3) {
      p.client_cert_pem = station_chain_;
      p.client_key_pem = station_key_;
    }
    p.trusted_roots_pem = certificates_.Pems(CertificateUse::kCsmsRoot);
  }
  if (profile.security_profile == 3) p.basic_auth_password.clear();
  std::string base = profile.csms_url;
  if (!base.empty() && base.back() == '/') base.pop_back();
  p.url = base + "/" + PercentEncode(p.identity);
  return p;
}

void Charger::PowerOn(BootReason reason) {
  ++boot_count_;
  boot_reason_ = reason;
  registration_ = Registration::kNone;
  (void)Persist();
  log::Info("sim.power_on", {{"hardware_id", config_.hardware_id},
                             {"reason", BootReasonName(reason)},
                             {"boot_count", boot_count_}});
  link_.Open(Plan());
}

void Charger::OnConnected(int slot) {
  connected_ = true;
  active_slot_ = slot;
  auto it = slots_.find(slot);
  if (it != slots_.end()) {
    model_->Set("OCPPCommCtrlr", "ActiveNetworkProfile", std::to_string(slot));
    model_->Set("SecurityCtrlr", "SecurityProfile", std::to_string(it->second.security_profile));
    if (!it->second.factory)
      security_floor_ = std::max(security_floor_, it->second.security_profile);
    (void)Persist();
  }
  log::Info("sim.connected", {{"hardware_id", config_.hardware_id}, {"slot", slot}});
  if (registration_ == Registration::kAccepted) {
    ArmHeartbeat();
  } else {
    SendBoot();
  }
}

void Charger::OnConnectFailed() {
  connected_ = false;
  log::Warn("sim.connect_failed", {{"hardware_id", config_.hardware_id}});
  Arm(config_.retry_interval, [this] { link_.Open(Plan()); });
}

void Charger::OnDisconnected() {
  connected_ = false;
  Disarm(boot_timer_);
  Disarm(heartbeat_timer_);
  log::Info("sim.disconnected", {{"hardware_id", config_.hardware_id}});
}

void Charger::Send(std::string_view action, nlohmann::json payload) {
  std::string name(action);
  link_.Call(action, std::move(payload), [name](const Result<nlohmann::json>& answer) {
    if (!answer.ok()) {
      log::Warn("sim.call_failed", {{"action", name}, {"reason", answer.status().message()}});
    }
  });
}

void Charger::SendBoot() {
  Disarm(boot_timer_);
  nlohmann::json station = {
      {"model", config_.model},
      {"vendorName", config_.vendor_name},
      {"firmwareVersion", std::string(model_->Get("Controller", "FirmwareVersion"))}};
  std::string serial_number = serial();
  if (!serial_number.empty()) station["serialNumber"] = serial_number;
  if (!config_.iccid.empty() || !config_.imsi.empty()) {
    station["modem"] = nlohmann::json::object();
    if (!config_.iccid.empty()) station["modem"]["iccid"] = config_.iccid;
    if (!config_.imsi.empty()) station["modem"]["imsi"] = config_.imsi;
  }
  link_.Call("BootNotification",
             {{"reason", BootReasonName(boot_reason_)}, {"chargingStation", std::move(station)}},
             [this](const Result<nlohmann::json>& answer) { OnBootAnswer(answer); });
}

void Charger::OnBootAnswer(const Result<nlohmann::json>& answer) {
  Clock::duration retry = config_.retry_interval;
  if (!answer.ok()) {
    log::Warn("sim.boot.failed", {{"reason", answer.status().message()}});
  } else {
    const nlohmann::json& a = *answer;
    std::string status = a.value("status", "");
    int interval =
        a.contains("interval") && a["interval"].is_number_integer() ? a["interval"].get<int>() : 0;
    if (interval > 0) retry = std::chrono::seconds(interval);
    log::Info("sim.boot.answer", {{"status", status}, {"interval", interval}});
    if (status == "Accepted") {
      registration_ = Registration::kAccepted;
      if (interval > 0) {
        model_->Set("OCPPCommCtrlr", "HeartbeatInterval", std::to_string(interval));
        (void)Persist();
      }
      SendAllStatus();
      ArmHeartbeat();
      return;
    }
    registration_ = status == "Pending" ? Registration::kPending : Registration::kRejected;
  }
  if (!connected_) return;
  boot_timer_ = Arm(retry, [this] {
    boot_timer_.reset();
    if (connected_ && registration_ != Registration::kAccepted) SendBoot();
  });
}

void Charger::ArmHeartbeat() {
  Disarm(heartbeat_timer_);
  int interval = std::atoi(std::string(model_->Get("OCPPCommCtrlr", "HeartbeatInterval")).c_str());
  if (interval <= 0 || !connected_) return;
  heartbeat_timer_ = Arm(std::chrono::seconds(interval), [this] {
    heartbeat_timer_.reset();
    SendHeartbeat();
    ArmHeartbeat();
  });
}

void Charger::SendHeartbeat() {
  Send("Heartbeat", nlohmann::json::object());
}

void Charger::SendStatus(int evse, int connector, std::string_view status) {
  Send("StatusNotification", {{"timestamp", FormatUtc(scheduler_.Now(), true)},
                              {"connectorStatus", status},
                              {"evseId", evse},
                              {"connectorId", connector}});
}

void Charger::SendAllStatus() {
  for (const auto& evse : reported_layout_) {
    bool busy = transactions_.contains(evse.id);
    for (const auto& c : evse.connectors)
      SendStatus(evse.id, c.id, busy ? "Occupied" : "Available");
  }
}

void Charger::Reboot() {
  for (auto& [evse, tx] : std::map<int, Transaction>(transactions_)) {
    EndTransaction(evse, "ResetCommand", "ImmediateReset");
  }
  reset_pending_ = false;
  Disarm(boot_timer_);
  Disarm(heartbeat_timer_);
  Disarm(csr_timer_);
  registration_ = Registration::kNone;
  connected_ = false;
  (void)Persist();
  log::Info("sim.reboot", {{"hardware_id", config_.hardware_id}});
  link_.Close(CloseReason::kReboot);
  Arm(config_.boot_delay, [this] { PowerOn(BootReason::kRemoteReset); });
}

// --- incoming CALLs ----------------------------------------------------------------------

const std::map<std::string, Charger::Handler, std::less<>>& Charger::Handlers() {
  static const std::map<std::string, Handler, std::less<>> kHandlers = {
      {"SetVariables", &Charger::OnSetVariables},
      {"GetVariables", &Charger::OnGetVariables},
      {"GetBaseReport", &Charger::OnGetBaseReport},
      {"SetNetworkProfile", &Charger::OnSetNetworkProfile},
      {"InstallCertificate", &Charger::OnInstallCertificate},
      {"DeleteCertificate", &Charger::OnDeleteCertificate},
      {"GetInstalledCertificateIds", &Charger::OnGetInstalledCertificateIds},
      {"CertificateSigned", &Charger::OnCertificateSigned},
      {"TriggerMessage", &Charger::OnTriggerMessage},
      {"Reset", &Charger::OnReset},
      {"RequestStartTransaction", &Charger::OnRequestStartTransaction},
      {"RequestStopTransaction", &Charger::OnRequestStopTransaction},
  };
  return kHandlers;
}

std::string_view RegistrationName(Registration registration) {
  switch (registration) {
    case Registration::kNone:
      return "none";
    case Registration::kPending:
      return "Pending";
    case Registration::kAccepted:
      return "Accepted";
    case Registration::kRejected:
      return "Rejected";
  }
  return "none";
}

std::vector<std::string> Charger::HandledActions() {
  std::vector<std::string> out;
  for (const auto& [action, handler] : Handlers()) out.push_back(action);
  return out;
}

Reply Charger::Handle(std::string_view action, const nlohmann::json& payload) {
  Reply reply;
  reply.delay = config_.faults.response_delay;
  auto error = [&](ocpp::RpcErrorCode code, std::string description) {
    reply.answer = ocpp::RpcError{code, std::move(description)};
    return reply;
  };
  auto it = Handlers().find(action);
  if (it == Handlers().end()) {
    return error(ocpp::RpcErrorCode::kNotImplemented,
                 "action '" + std::string(action) + "' is not implemented by evprov-sim");
  }
  if (registration_ == Registration::kNone || registration_ == Registration::kRejected) {
    return error(ocpp::RpcErrorCode::kSecurityError,
                 "the charger is not registered (BootNotification not Accepted or Pending)");
  }
  const auto& faults = config_.faults;
  if (faults.drop_at == action && faults_fired_.insert("drop-at").second) {
    (void)Persist();
    log::Warn("sim.fault.drop", {{"action", action}});
    reply.after = AfterReply::kDropConnection;
    return error(ocpp::RpcErrorCode::kGenericError, "connection dropped (fault drop-at)");
  }
  if (!payload.is_object())
    return error(ocpp::RpcErrorCode::kFormatViolation, "payload: not an object");
  try {
    reply.answer = (this->*(it->second))(payload);
  } catch (const nlohmann::json::exception& e) {
    return error(ocpp::RpcErrorCode::kFormatViolation,
                 std::string(action) + ": malformed payload (" + e.what() + ")");
  }
  if (faults.crash_at == action && faults_fired_.insert("crash-at").second) {
    (void)Persist();
    log::Warn("sim.fault.crash", {{"action", action}});
    reply.after = AfterReply::kCrash;
  }
  return reply;
}

// --- observers ------------------------------------------------------------------------

std::optional<std::string> Charger::station_certificate_chain() const {
  if (station_chain_.empty()) return std::nullopt;
  return station_chain_;
}

std::vector<std::string> Charger::active_transactions() const {
  std::vector<std::string> out;
  for (const auto& [evse, tx] : transactions_) out.push_back(tx.id);
  return out;
}

const std::vector<catalog::Evse>& Charger::reported_layout() const {
  return reported_layout_;
}

std::size_t Charger::ApproximateBytes() const {
  std::size_t bytes = sizeof(*this) + model_->ApproximateBytes() + station_chain_.capacity() +
                      station_key_.capacity() + pending_key_.capacity() + previous_key_.capacity();
  for (const auto& e : certificates_.ToJson())
    bytes += e["pem"].get_ref<const std::string&>().size() + 64;
  for (const auto& [slot, p] : slots_) bytes += sizeof(p) + p.connection_data.dump().size();
  return bytes;
}

}  // namespace evprov::sim
