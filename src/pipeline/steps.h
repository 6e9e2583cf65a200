// The pipeline's steps and the transition table that orders them, and what a
// step may use (StepContext): the unit's records, the station's services, and
// its charger's current connection.
//
// A step is a coroutine returning ok, or a Status whose message a person
// understands ("configure: SetVariables OCPPCommCtrlr.HeartbeatInterval was
// Rejected"). kUnavailable / kDeadlineExceeded / kAborted / kNotFound (not
// connected) are transient: the runner waits for the charger and tries the
// step again (StepLimits::attempts); anything else fails the unit at once.
// Every step is idempotent: running it again after a crash gives the same
// result (identities are allocated once, a new password replaces the old, a
// new certificate supersedes the old).
//
// Thread-safety: a StepContext belongs to one runner on its unit's strand.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evprov/catalog/model.h"
#include "evprov/common/status.h"
#include "evprov/ocpp/server.h"
#include "evprov/pipeline/station.h"
#include "evprov/pki/issuance.h"
#include "evprov/store/group_commit.h"
#include "evprov/units/units.h"
#include "pipeline/unit_channel.h"

namespace evprov::catalog {
class VariantCache;  // evprov/catalog/repository.h
}

// EVPROV_TRY for coroutines.
#define PIPELINE_CO_TRY(expr)                     \
  do {                                            \
    ::evprov::Status pipeline_s_ = (expr);        \
    if (!pipeline_s_.ok()) co_return pipeline_s_; \
  } while (0)

namespace evprov::pipeline {

enum class StepId {
  kAdmit,
  kIdentify,
  kReadBack,
  kFirmware,
  kIdentity,
  kConfigure,
  kCredentials,
  kCertificates,
  kNetwork,
  kValidate,
  kFinalize,
};

// Where a step's OCPP calls go: the factory connection, the validation one, or either.
enum class StepEndpoint { kFactory, kValidation, kAny };

// An environment as the station serves it.
struct EnvironmentRuntime {
  catalog::Environment env;
  std::string chain_pem;       // issuing CA .. root (pki::ExportChainPem)
  std::string root_pem;        // the environment's root: installed as CSMSRootCertificate
  std::string validation_url;  // wss://host:port/ocpp/
  std::unique_ptr<pki::IssuingCa> ca;
  ocpp::Server* server = nullptr;
};

// What the station gives every step (read-only while units run).
struct Services {
  store::Store* store = nullptr;
  store::GroupCommit* commits = nullptr;      // every write of the steps goes through it
  catalog::VariantCache* variants = nullptr;  // the station's parsed variants
  const pki::StationSecret* secret = nullptr;
  const StationOptions* options = nullptr;
  std::string station_root_pem;
  std::string manufacturer_root_pem;  // may be empty
  std::map<std::string, EnvironmentRuntime, std::less<>> environments;
  // Runs in validate's last transaction (admission: consume the bootstrap secret).
  std::function<Status(store::Transaction&, std::int64_t unit_id)> after_validation;

  StepLimits LimitsFor(std::string_view step) const;
};

class StepContext {
 public:
  StepContext(const Services& s, UnitChannel& c, std::int64_t id)
      : services(s), channel(c), unit_id(id) {}

  const Services& services;
  UnitChannel& channel;
  std::int64_t unit_id;
  StepLimits limits;
  // Reloaded before each step.
  units::Unit unit;
  catalog::Variant variant;
  const EnvironmentRuntime* environment = nullptr;
  // What the step puts in its journal record (never a secret).
  nlohmann::json detail = nlohmann::json::object();

  // Calls the charger on its current connection; a CALLERROR or a transport
  // failure comes back as a Status naming the action.
  boost::asio::awaitable<Result<nlohmann::json>> Call(std::string_view action,
                                                      nlohmann::json payload);
  // Calls and requires payload.status == "Accepted" (or `also_ok`), else
  // kFailedPrecondition "<what>: <action> was <status> (<reasonCode>)".
  // (String views: GCC 12 miscompiles string literals converted to
  // std::string parameters of a coroutine.)
  boost::asio::awaitable<Result<nlohmann::json>> CallAccepted(std::string_view what,
                                                              std::string_view action,
                                                              nlohmann::json payload,
                                                              std::string_view also_ok = {});
  // Writes variables with SetVariables (in chunks); every item must be Accepted.
  boost::asio::awaitable<Status> SetVariables(std::string_view what,
                                              const std::vector<catalog::VariableSetting>& items);
  // GetBaseReport(FullInventory) and its NotifyReport parts, in order.
  boost::asio::awaitable<Result<std::vector<nlohmann::json>>> FullReport(std::string_view what);
};

using StepFn = boost::asio::awaitable<Status> (*)(StepContext&);

struct Transition {
  StepId step;
  std::string_view name;
  StepFn run;
  std::optional<StepId> next;  // nullopt: the unit is ready
  StepEndpoint endpoint;
};

// The state machine, in journey order.
const std::vector<Transition>& TransitionTable();
const Transition& TransitionOf(StepId step);
std::optional<StepId> ParseStep(std::string_view name);
// Whether a failure may be retried (a dropped connection, a timeout).
bool IsTransient(const Status& status);

// The steps (steps_*.cc).
boost::asio::awaitable<Status> RunAdmit(StepContext& ctx);
boost::asio::awaitable<Status> RunIdentify(StepContext& ctx);
boost::asio::awaitable<Status> RunReadBack(StepContext& ctx);
boost::asio::awaitable<Status> RunFirmware(StepContext& ctx);
boost::asio::awaitable<Status> RunIdentity(StepContext& ctx);
boost::asio::awaitable<Status> RunConfigure(StepContext& ctx);
boost::asio::awaitable<Status> RunCredentials(StepContext& ctx);
boost::asio::awaitable<Status> RunCertificates(StepContext& ctx);
boost::asio::awaitable<Status> RunNetwork(StepContext& ctx);
boost::asio::awaitable<Status> RunValidate(StepContext& ctx);
boost::asio::awaitable<Status> RunFinalize(StepContext& ctx);
// After finalize, outside the table: see steps_provision.cc.
boost::asio::awaitable<Status> RunSeal(StepContext& ctx);

}  // namespace evprov::pipeline
