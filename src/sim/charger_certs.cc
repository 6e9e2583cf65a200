// The charger's certificate handlers: InstallCertificate, DeleteCertificate,
// GetInstalledCertificateIds, the SignCertificate request (A02/A03) and
// CertificateSigned.
#include "evprov/common/log.h"
#include "evprov/sim/charger.h"
#include "sim/ocpp_json.h"

namespace evprov::sim {
namespace {

// A key's or certificate's public-key fingerprint for the log ("" if unreadable).
// Computed only when info lines are written: it costs a decode and an encode.
std::string Fingerprint(std::string_view pem) {
  if (!log::Enabled(log::Level::kInfo)) return {};
  auto f = PublicKeyFingerprint(pem);
  return f.ok() ? std::move(f).value() : std::string();
}

}  // namespace

Answer Charger::OnInstallCertificate(const nlohmann::json& p) {
  std::string type = p.at("certificateType").get<std::string>();
  const std::string& pem = p.at("certificate").get_ref<const std::string&>();
  auto use = ParseCertificateUse(type);
  if (!use) {
    return StatusAnswer("Rejected", "UnsupportedParam",
                        "certificateType: '" + type + "' is not supported");
  }
  std::string why;
  InstallStatus status = certificates_.Install(*use, pem, scheduler_.Now(), &why);
  switch (status) {
    case InstallStatus::kAccepted:
      model_->Set("SecurityCtrlr", "CertificateEntries", std::to_string(certificates_.size()));
      if (!Persist().ok())
        return StatusAnswer("Failed", "InternalError", "the state could not be saved");
      log::Info("sim.certificate.installed", {{"type", type}, {"fingerprint", Fingerprint(pem)}});
      return StatusAnswer("Accepted");
    case InstallStatus::kRejected:
      log::Info("sim.certificate.rejected", {{"type", type}, {"reason", why}});
      return StatusAnswer("Rejected", "InvalidCertificate", why);
    case InstallStatus::kFailed:
      return StatusAnswer("Failed", "InternalError", why);
  }
  return StatusAnswer("Failed");
}

Answer Charger::OnDeleteCertificate(const nlohmann::json& p) {
  auto hash = CertificateHashData::FromJson(p.at("certificateHashData"));
  if (!hash.ok()) return StatusAnswer("Failed", "MissingParam", hash.status().message());
  switch (certificates_.Delete(*hash)) {
    case DeleteStatus::kAccepted:
      model_->Set("SecurityCtrlr", "CertificateEntries", std::to_string(certificates_.size()));
      if (!Persist().ok())
        return StatusAnswer("Failed", "InternalError", "the state could not be saved");
      log::Info("sim.certificate.deleted", {{"serial_number", hash->serial_number}});
      return StatusAnswer("Accepted");
    case DeleteStatus::kNotFound:
      return StatusAnswer("NotFound");
    case DeleteStatus::kFailed:
      return StatusAnswer("Failed", "UnsupportedParam", "hashAlgorithm: not supported");
  }
  return StatusAnswer("Failed");
}

Answer Charger::OnGetInstalledCertificateIds(const nlohmann::json& p) {
  std::vector<CertificateUse> uses;
  bool asked_for_something = false;
  if (p.contains("certificateType")) {
    for (const auto& t : p["certificateType"]) {
      asked_for_something = true;
      // V2GCertificateChain is a valid type the simulator never holds.
      if (auto use = ParseCertificateUse(t.get<std::string>())) uses.push_back(*use);
    }
  }
  if (asked_for_something && uses.empty()) return StatusAnswer("NotFound");
  auto listed = certificates_.List(uses);
  if (listed.empty()) return StatusAnswer("NotFound");
  nlohmann::json chains = nlohmann::json::array();
  for (const auto& [use, hash] : listed) {
    chains.push_back(
        {{"certificateType", CertificateUseName(use)}, {"certificateHashData", hash.ToJson()}});
  }
  nlohmann::json out = StatusAnswer("Accepted");
  out["certificateHashDataChain"] = std::move(chains);
  return out;
}

void Charger::StartCertificateSigning() {
  std::string key;
  if (config_.faults.reuse_key && !(station_key_.empty() && previous_key_.empty())) {
    key = station_key_.empty() ? previous_key_ : station_key_;
    log::Warn("sim.fault.reuse_key", {});
  } else {
    auto fresh = GenerateP256Key(config_.key_storage);
    if (!fresh.ok()) {
      log::Error("sim.csr.failed", {{"reason", fresh.status().message()}});
      return;
    }
    key = std::move(fresh).value();
  }
  pending_key_ = std::move(key);
  (void)Persist();
  Disarm(csr_timer_);
  SendCsr(0);
}

// Sends a CSR for the pending key. Without a CertificateSigned, A02 repeats it
// after CertSigningWaitMinimum seconds, doubling the wait, CertSigningRepeatTimes times.
void Charger::SendCsr(int repeat) {
  CsrRequest request{pending_key_, serial(),
                     std::string(model_->Get("SecurityCtrlr", "OrganizationName"))};
  if (config_.faults.csr_wrong_serial) {
    request.common_name += "-X";
    log::Warn("sim.fault.csr_wrong_serial", {});
  }
  auto csr = MakeCsr(request);
  if (!csr.ok()) {
    log::Error("sim.csr.failed", {{"reason", csr.status().message()}});
    return;
  }
  log::Info("sim.csr.sent", {{"cn", request.common_name},
                             {"key_fingerprint", Fingerprint(pending_key_)},
                             {"repeat", repeat}});
  link_.Call("SignCertificate", {{"csr", *csr}, {"certificateType", "ChargingStationCertificate"}},
             [](const Result<nlohmann::json>& answer) {
               if (!answer.ok()) {
                 log::Warn("sim.csr.failed", {{"reason", answer.status().message()}});
               } else {
                 log::Info("sim.csr.answer", {{"status", answer->value("status", "")}});
               }
             });
  const int repeats =
      std::atoi(std::string(model_->Get("SecurityCtrlr", "CertSigningRepeatTimes")).c_str());
  const int wait_s =
      std::atoi(std::string(model_->Get("SecurityCtrlr", "CertSigningWaitMinimum")).c_str());
  if (repeat >= repeats || wait_s <= 0) return;
  csr_timer_ = Arm(std::chrono::seconds(static_cast<long long>(wait_s) << repeat), [this, repeat] {
    csr_timer_.reset();
    if (!pending_key_.empty()) SendCsr(repeat + 1);
  });
}

Answer Charger::OnCertificateSigned(const nlohmann::json& p) {
  const std::string& chain = p.at("certificateChain").get_ref<const std::string&>();
  std::string type = p.value("certificateType", "ChargingStationCertificate");
  if (type != "ChargingStationCertificate") {
    return StatusAnswer("Rejected", "UnsupportedParam",
                        "certificateType: only ChargingStationCertificate");
  }
  if (pending_key_.empty()) {
    return StatusAnswer("Rejected", "NoPendingRequest", "no SignCertificate request is pending");
  }
  const std::string expected_cn = serial();
  StationCertificateCheck check{chain, pending_key_, expected_cn,
                                certificates_.Pems(CertificateUse::kCsmsRoot), scheduler_.Now()};
  Status verified = VerifyStationCertificate(check);
  if (!verified.ok()) {
    log::Warn("sim.certificate_signed.rejected", {{"reason", verified.message()}});
    return StatusAnswer("Rejected", "InvalidCertificate", verified.message());
  }
  Disarm(csr_timer_);
  if (station_key_ != pending_key_) previous_key_ = std::move(station_key_);
  station_key_ = std::move(pending_key_);
  pending_key_.clear();
  station_chain_ = chain;
  if (!Persist().ok())
    return StatusAnswer("Rejected", "InternalError", "the state could not be saved");
  log::Info("sim.certificate_signed.accepted", {{"key_fingerprint", Fingerprint(station_chain_)}});
  return StatusAnswer("Accepted");
}

}  // namespace evprov::sim
