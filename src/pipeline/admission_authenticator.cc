// ocpp::Server authenticators over AdmitFactory / AdmitValidation.
#include <atomic>
#include <functional>
#include <utility>

#include "evprov/common/log.h"
#include "evprov/pipeline/admission.h"

namespace evprov::pipeline {
namespace {

// One admission order across every listener of the process (Admission::sequence).
std::atomic<std::uint64_t> g_admissions{0};

using AdmitFn = Result<Admission> (*)(store::Transaction&, const pki::StationSecret&,
                                      const ocpp::HandshakeInfo&);

ocpp::Authenticator MakeAuthenticator(store::Store& store,
                                      std::shared_ptr<const pki::StationSecret> secret,
                                      AdmitFn admit) {
  return [&store, secret = std::move(secret), admit](const ocpp::HandshakeInfo& handshake) {
    std::optional<Result<Admission>> result;
    // The transaction commits even on a refusal, so its audit entry stays;
    // only a busy store (kAborted) is handed back to InTransaction to retry.
    Status tx_status =
        store::InTransaction(store, store::TxMode::kWrite, [&](store::Transaction& tx) -> Status {
          result.emplace(admit(tx, *secret, handshake));
          if (result->status().code() == StatusCode::kAborted) {
            return result->status();
          }
          return Status::Ok();
        });
    if (!tx_status.ok() || !result) {
      log::Error("admission.error",
                 {{"identity", handshake.identity}, {"error", tx_status.ToString()}});
      return ocpp::AuthDecision::Unauthorized();
    }
    if (!result->ok()) {
      return result->status().code() == StatusCode::kNotFound ? ocpp::AuthDecision::NotFound()
                                                              : ocpp::AuthDecision::Unauthorized();
    }
    (*result)->sequence = ++g_admissions;
    std::string serial = (*result)->serial;
    return ocpp::AuthDecision::Accept(std::make_shared<Admission>(std::move(result->value())),
                                      std::move(serial));
  };
}

}  // namespace

ocpp::Authenticator MakeFactoryAuthenticator(store::Store& store,
                                             std::shared_ptr<const pki::StationSecret> secret) {
  return MakeAuthenticator(store, std::move(secret), &AdmitFactory);
}

ocpp::Authenticator MakeValidationAuthenticator(store::Store& store,
                                                std::shared_ptr<const pki::StationSecret> secret) {
  return MakeAuthenticator(store, std::move(secret), &AdmitValidation);
}

const Admission* SessionAdmission(const std::shared_ptr<void>& context) {
  return static_cast<const Admission*>(context.get());
}

}  // namespace evprov::pipeline
