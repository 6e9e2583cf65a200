// The simulated charging station's brain (evprov-sim, OCPP 2.0.1),
// independent of any transport.
//
// Incoming CALLs go to Handle(action, payload), which returns a Reply: the
// CALLRESULT payload or a CALLERROR, plus what the transport must do (delay
// the answer, drop the connection instead of answering, crash). Outgoing CALLs
// and connection decisions go through the Link (link.h); time and timers
// through the Scheduler (scheduler.h). Work that follows an answer (the
// NotifyReport parts after GetBaseReport, SignCertificate after
// TriggerMessage, a reboot after Reset) is scheduled with zero delay, so it
// runs after the transport has sent the answer.
//
// Lifecycle: Open() loads the unit directory's state (or starts a fresh
// unit in factory mode); PowerOn() boots: the charger asks the Link to connect
// following its connection plan; OnConnected(slot) sends BootNotification.
// A crash (Reply::after == kCrash) means: destroy the Charger without
// answering, wait the boot delay, Open() it again and PowerOn(kWatchdog).
//
// Persistence: everything provisioned (device-model values written, installed
// roots, keys and the station certificate, network slots, boot counter, fired
// faults) is in <state_dir>/state.{0,1}.json, two banks written alternately
// after each change (a torn write leaves the previous state; see
// src/sim/state_file.h). The file holds the charger's own secrets (its "flash"); they are
// never logged or put in an error message.
//
// Ownership: the Charger borrows the Link and the Scheduler, which must
// outlive it; destroying the Charger cancels its timers.
// Thread-safety: not thread-safe; call everything on the charger's strand
// (the one the Scheduler runs callbacks on).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/ocpp/validation.h"
#include "evprov/sim/certificates.h"
#include "evprov/sim/device_model.h"
#include "evprov/sim/faults.h"
#include "evprov/sim/link.h"
#include "evprov/sim/network.h"
#include "evprov/sim/scheduler.h"

namespace evprov::sim {

// Under the 64 KiB that CSMSs commonly accept in one WebSocket message.
inline constexpr std::size_t kDefaultReportPartBytes = 60000;
inline constexpr std::size_t kMinReportPartBytes = 1024;

struct ChargerConfig {
  // Burnt in at production; the same on every start.
  std::string hardware_id;  // the controller's ID: the OCPP identity in factory mode
  std::string vendor_name;  // <= 50
  std::string model;        // <= 20
  std::string hardware_revision;
  std::string firmware_version;  // <= 50
  std::string serial;            // pre-set serial (<= 25); empty: the station writes it
  std::string iccid;             // modem, <= 20, optional
  std::string imsi;              // modem, <= 20, optional
  std::vector<catalog::Evse> layout;

  // The factory station: ws(s)://host[:port]/path (the identity is appended).
  std::string factory_endpoint;
  // How the unit authenticates to it: an IDevID (mTLS, files) or a one-time
  // bootstrap secret (HTTP Basic auth). Exactly one.
  std::string idevid_cert_file;
  std::string idevid_key_file;
  std::string bootstrap_secret;    // secret
  std::string factory_trust_file;  // CA bundle that verifies the station's TLS certificate

  // Where station keys are generated: software PEM, or a TPM through tpm2-openssl
  // (tpm_tcti, e.g. "swtpm:host=127.0.0.1,port=2321"; see InitTpmKeys).
  KeyStorage key_storage = KeyStorage::kSoftware;
  std::string tpm_tcti;

  std::string state_dir;  // one directory per unit; created if missing
  std::chrono::milliseconds boot_delay{1000};
  std::chrono::seconds retry_interval{30};  // BootNotification retry without an interval
  int slot_count = kDefaultSlotCount;
  // NotifyReport parts: entries are packed into a part while its payload
  // stays within this many bytes (a part holds at least one entry). OCPP
  // leaves the split to the charger; DeviceDataCtrlr.ItemsPerMessage
  // [GetReport] limits the CSMS's GetReportRequest, not these parts.
  std::size_t report_part_bytes = kDefaultReportPartBytes;
  Faults faults;
  // Optional: a schema shared with other units of the same layout (fleet mode).
  std::shared_ptr<const DeviceModelSchema> schema;
};

// Checks a config before use (lengths, layout, one authentication method).
Status ValidateConfig(const ChargerConfig& config);

enum class BootReason { kPowerUp, kRemoteReset, kWatchdog, kTriggered, kFirmwareUpdate };
std::string_view BootReasonName(BootReason reason);

enum class Registration { kNone, kPending, kAccepted, kRejected };
// "none", "Pending", "Accepted", "Rejected".
std::string_view RegistrationName(Registration registration);

// What the transport does after Handle.
enum class AfterReply {
  kSend,            // send the answer (after Reply::delay)
  kDropConnection,  // fault: send nothing, drop the connection, reconnect (no reboot)
  kCrash,           // fault: send nothing, destroy the charger, restart it from its directory
};

// A CALLRESULT payload or a CALLERROR.
using Answer = std::variant<nlohmann::json, ocpp::RpcError>;

struct Reply {
  Answer answer;
  std::chrono::milliseconds delay{0};
  AfterReply after = AfterReply::kSend;

  bool ok() const { return std::holds_alternative<nlohmann::json>(answer); }
  const nlohmann::json& payload() const { return std::get<nlohmann::json>(answer); }
  const ocpp::RpcError& error() const { return std::get<ocpp::RpcError>(answer); }
};

// How to connect for one slot. Carries secrets: never log it.
struct ConnectionParams {
  std::string url;       // endpoint + "/" + percent-encoded identity
  std::string identity;  // also the Basic auth user name
  int security_profile = 0;
  std::string basic_auth_password;  // profiles 1 and 2
  // Profile 3 client certificate: files (IDevID) or PEM (the station certificate).
  std::string client_cert_file;
  std::string client_key_file;
  std::string client_cert_pem;
  std::string client_key_pem;
  // Server verification (profiles 2 and 3): installed CSMS roots, or the factory trust file.
  std::vector<std::string> trusted_roots_pem;
  std::string trusted_roots_file;
  int message_timeout_s = 30;
};

class StateBanks;

class Charger {
 public:
  static Result<std::unique_ptr<Charger>> Open(ChargerConfig config, Link& link,
                                               Scheduler& scheduler);
  ~Charger();
  Charger(const Charger&) = delete;
  Charger& operator=(const Charger&) = delete;

  // --- driven by the transport ---
  void PowerOn(BootReason reason = BootReason::kPowerUp);
  void OnConnected(int slot);
  void OnConnectFailed();  // the whole plan failed: retry it after retry_interval
  void OnDisconnected();
  Reply Handle(std::string_view action, const nlohmann::json& payload);
  ConnectionParams Connection(int slot) const;
  // Connection(slot).identity, without the rest.
  std::string Identity(int slot) const;
  std::vector<ConnectionAttempt> Plan() const;

  // The incoming CALL actions Handle implements (a transport registers these).
  static std::vector<std::string> HandledActions();

  // --- observers ---
  Registration registration() const { return registration_; }
  int active_slot() const { return active_slot_; }  // valid while connected
  bool connected() const { return connected_; }
  bool factory_mode() const;
  std::string serial() const;
  int boot_count() const { return boot_count_; }
  int security_profile() const;
  const DeviceModel& device_model() const { return *model_; }
  const CertificateStore& certificates() const { return certificates_; }
  const std::map<int, NetworkProfile>& network_slots() const { return slots_; }
  std::optional<std::string> station_certificate_chain() const;
  std::vector<std::string> active_transactions() const;
  const std::vector<catalog::Evse>& reported_layout() const;
  std::string state_file() const;
  std::size_t ApproximateBytes() const;

 private:
  struct Transaction {
    std::string id;
    int evse = 0;
    int connector = 0;
    int seq_no = 0;
    int remote_start_id = 0;
    nlohmann::json id_token;
    Clock::time_point started;
  };
  using Handler = Answer (Charger::*)(const nlohmann::json&);

  Charger(ChargerConfig config, Link& link, Scheduler& scheduler);
  Status Load();
  Status LoadState(const nlohmann::json& j);  // may throw nlohmann::json::exception
  Status Persist();
  nlohmann::json StateJson() const;

  // timers owned by this charger
  TimerId Arm(Clock::duration delay, std::function<void()> fn);
  void Disarm(std::optional<TimerId>& id);
  void Defer(std::function<void()> fn) { Arm(Clock::duration::zero(), std::move(fn)); }

  // boot, heartbeat, status
  void SendBoot();
  void OnBootAnswer(const Result<nlohmann::json>& answer);
  void ArmHeartbeat();
  void SendHeartbeat();
  void SendStatus(int evse, int connector, std::string_view status);
  void SendAllStatus();
  void Reboot();
  void Send(std::string_view action, nlohmann::json payload);
  int SecurityFloor() const;

  // handlers (payload → answer; a missing or mistyped field throws a json
  // exception, which Handle turns into a FormatViolation)
  Answer OnSetVariables(const nlohmann::json& p);
  Answer OnGetVariables(const nlohmann::json& p);
  Answer OnGetBaseReport(const nlohmann::json& p);
  Answer OnSetNetworkProfile(const nlohmann::json& p);
  Answer OnInstallCertificate(const nlohmann::json& p);
  Answer OnDeleteCertificate(const nlohmann::json& p);
  Answer OnGetInstalledCertificateIds(const nlohmann::json& p);
  Answer OnCertificateSigned(const nlohmann::json& p);
  Answer OnTriggerMessage(const nlohmann::json& p);
  Answer OnReset(const nlohmann::json& p);
  Answer OnRequestStartTransaction(const nlohmann::json& p);
  Answer OnRequestStopTransaction(const nlohmann::json& p);
  static const std::map<std::string, Handler, std::less<>>& Handlers();

  std::string CheckCharger(const VariableAddress& a, std::string_view value,
                           std::string* reason_code) const;
  void AfterWrite(const VariableAddress& a);
  void SendReport(int request_id, DeviceModel::ReportBase base);
  void StartCertificateSigning();
  void SendCsr(int repeat);
  void StartTransactionEvents(const std::string& tx_id);
  void EndTransaction(int evse, std::string_view trigger, std::string_view stopped_reason);
  void SendTransactionEvent(Transaction& tx, std::string_view event_type, std::string_view trigger,
                            const nlohmann::json& info_extra);
  Transaction* FindTransaction(std::string_view id);
  const catalog::Evse* FindEvse(int id) const;
  std::string NextTransactionId();

  ChargerConfig config_;
  Link& link_;
  Scheduler& scheduler_;
  std::vector<catalog::Evse> reported_layout_;
  std::unique_ptr<DeviceModel> model_;
  std::unique_ptr<StateBanks> banks_;

  // persistent
  int boot_count_ = 0;
  int security_floor_ = 0;
  int tx_counter_ = 0;
  CertificateStore certificates_;
  std::string station_chain_;
  std::string station_key_;   // secret
  std::string pending_key_;   // secret
  std::string previous_key_;  // secret; only the reuse-key fault reads it
  std::map<int, NetworkProfile> slots_;
  std::set<std::string> faults_fired_;

  // volatile (lost on reboot)
  Registration registration_ = Registration::kNone;
  BootReason boot_reason_ = BootReason::kPowerUp;
  bool connected_ = false;
  int active_slot_ = 0;
  bool reset_pending_ = false;
  std::map<int, Transaction> transactions_;  // by EVSE id
  std::set<TimerId> timers_;
  std::optional<TimerId> boot_timer_;
  std::optional<TimerId> heartbeat_timer_;
  std::optional<TimerId> csr_timer_;
};

}  // namespace evprov::sim
