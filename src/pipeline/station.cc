// Station: the listeners, the message handlers that feed the units' channels,
// and the runners' threads.
#include "evprov/pipeline/station.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "evprov/catalog/repository.h"
#include "evprov/common/log.h"
#include "evprov/common/time.h"
#include "evprov/ocpp/runtime.h"
#include "evprov/ocpp/schema.h"
#include "evprov/ocpp/server.h"
#include "evprov/pipeline/admission.h"
#include "evprov/pki/ca.h"
#include "ocpp/runtime_impl.h"
#include "pipeline/progress.h"
#include "pipeline/runner.h"
#include "pipeline/station_auth.h"
#include "pipeline/steps.h"
#include "pipeline/unit_channel.h"

namespace evprov::pipeline {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(what + ": cannot read '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return Status::Unavailable("station: cannot write '" + path + "'");
  return Status::Ok();
}

// The last certificate of a PEM bundle (the root of an ExportChainPem chain).
std::string LastCertificate(const std::string& pem) {
  auto pos = pem.rfind("-----BEGIN CERTIFICATE-----");
  return pos == std::string::npos ? pem : pem.substr(pos);
}

std::string Url(const std::string& host, std::uint16_t port) {
  return "wss://" + host + ":" + std::to_string(port) + "/ocpp/";
}

ocpp::SecurityProfile ProfileOf(int n) {
  return n == 3 ? ocpp::SecurityProfile::kMutualTls : ocpp::SecurityProfile::kTlsBasicAuth;
}

}  // namespace

class Station::Impl {
 public:
  explicit Impl(StationOptions options) : options_(std::move(options)) {}
  ~Impl() { Stop(); }

  Status Start();
  void Stop();

  std::uint16_t factory_port() const { return factory_ ? factory_->port() : 0; }
  std::uint16_t idevid_port() const { return idevid_ ? idevid_->port() : 0; }
  std::uint16_t validation_port(std::string_view env) const {
    auto it = validation_.find(std::string(env));
    return it == validation_.end() ? 0 : it->second->port();
  }
  std::string factory_url() const { return Url(options_.host, factory_port()); }
  Progress progress() const {
    std::int64_t connections = 0;
    if (factory_) connections += static_cast<std::int64_t>(factory_->connection_count());
    if (idevid_) connections += static_cast<std::int64_t>(idevid_->connection_count());
    for (const auto& [name, s] : validation_) {
      connections += static_cast<std::int64_t>(s->connection_count());
    }
    return progress_.Snapshot(connections);
  }

 private:
  Status CheckOptions() const;
  Status LoadEnvironments();
  ocpp::ServerOptions ListenerOptions(std::uint16_t port, ocpp::SecurityProfile profile,
                                      const std::string& client_ca_file,
                                      ocpp::CnMatch cn_match = ocpp::CnMatch::kSerial) const;
  ocpp::Handlers MakeHandlers(Endpoint endpoint, ocpp::Server** server);
  ocpp::ServerHooks MakeHooks(Endpoint endpoint, ocpp::Server** server);
  std::shared_ptr<UnitChannel> Channel(std::int64_t unit_id);
  void EnsureRunner(const std::shared_ptr<UnitChannel>& channel);
  nlohmann::json BootAnswer(Endpoint endpoint, std::int64_t unit_id, bool* accepted);
  void PostEvent(const ocpp::SessionInfo& session, Endpoint endpoint, ocpp::Server* server,
                 EventKind kind, nlohmann::json payload, std::shared_ptr<ocpp::Reply> reply,
                 bool accepted = false);

  StationOptions options_;
  Services services_;
  ProgressTracker progress_;
  RunnerEnv runner_env_;
  std::string runtime_dir_;
  bool own_runtime_dir_ = false;
  // The listeners' addresses are fixed before the handlers need them.
  ocpp::Server* factory_ptr_ = nullptr;
  ocpp::Server* idevid_ptr_ = nullptr;
  std::map<std::string, ocpp::Server*> validation_ptrs_;
  std::unique_ptr<ocpp::Runtime> runtime_;
  // The steps' writes, committed in groups; drained before runtime_ goes
  // (its callbacks post to the runtime's executor).
  std::unique_ptr<store::GroupCommit> commits_;
  catalog::VariantCache variants_;
  std::unique_ptr<ocpp::Server> factory_;
  std::unique_ptr<ocpp::Server> idevid_;
  std::map<std::string, std::unique_ptr<ocpp::Server>> validation_;
  mutable std::mutex mu_;
  std::map<std::int64_t, std::shared_ptr<UnitChannel>> units_;
  bool started_ = false;
  bool stopped_ = false;
};

Status Station::Impl::CheckOptions() const {
  const auto& o = options_;
  if (o.store == nullptr) return Status::InvalidArgument("station.store: missing");
  if (o.secret == nullptr) return Status::InvalidArgument("station.secret: missing");
  if (o.host.empty()) return Status::InvalidArgument("station.host: empty");
  if (o.tls_chain_file.empty() || o.tls_key_file.empty()) {
    return Status::InvalidArgument("station.tls: the server certificate chain and key are needed");
  }
  if (o.station_root_file.empty()) return Status::InvalidArgument("station.station_root: missing");
  if (o.environments.empty()) {
    return Status::InvalidArgument("station.environments: name at least one environment");
  }
  return Status::Ok();
}

Status Station::Impl::LoadEnvironments() {
  return store::InTransaction(*options_.store, store::TxMode::kRead, [&](store::Transaction& tx) {
    for (const auto& name : options_.environments) {
      EnvironmentRuntime rt;
      EVPROV_ASSIGN_OR_RETURN(rt.env, catalog::GetEnvironment(tx, name));
      if (rt.env.security_profile != 2 && rt.env.security_profile != 3) {
        return Status::InvalidArgument("environment '" + name +
                                       "': security_profile must be 2 or 3");
      }
      EVPROV_ASSIGN_OR_RETURN(rt.chain_pem, pki::ExportChainPem(tx, rt.env.issuing_ca));
      rt.root_pem = LastCertificate(rt.chain_pem);
      EVPROV_ASSIGN_OR_RETURN(rt.ca, pki::IssuingCa::OpenForEnvironment(tx, rt.env));
      services_.environments.emplace(name, std::move(rt));
    }
    return Status::Ok();
  });
}

ocpp::ServerOptions Station::Impl::ListenerOptions(std::uint16_t port,
                                                   ocpp::SecurityProfile profile,
                                                   const std::string& client_ca_file,
                                                   ocpp::CnMatch cn_match) const {
  ocpp::ServerOptions o;
  o.address = options_.bind_address;
  o.port = port;
  o.profile = profile;
  o.tls.cert_file = options_.tls_chain_file;
  o.tls.key_file = options_.tls_key_file;
  o.tls.ca_file = client_ca_file;
  o.cn_match = cn_match;
  o.threads = options_.threads;
  o.validator = &ocpp::SchemaValidator::Shared(ocpp::OcppVersion::kV201);
  return o;
}

std::shared_ptr<UnitChannel> Station::Impl::Channel(std::int64_t unit_id) {
  std::lock_guard lock(mu_);
  auto& c = units_[unit_id];
  if (!c) c = std::make_shared<UnitChannel>(unit_id, runtime_->impl().ioc().get_executor());
  return c;
}

// On the channel's strand.
void Station::Impl::EnsureRunner(const std::shared_ptr<UnitChannel>& channel) {
  if (channel->running || channel->cancelled() || !channel->connection().connected) return;
  channel->running = true;
  asio::co_spawn(channel->strand(), RunUnit(channel, runner_env_), asio::detached);
}

nlohmann::json Station::Impl::BootAnswer(Endpoint endpoint, std::int64_t unit_id, bool* accepted) {
  std::string status = "Rejected";
  (void)store::InTransaction(*options_.store, store::TxMode::kRead, [&](store::Transaction& tx) {
    EVPROV_ASSIGN_OR_RETURN(units::Unit unit, units::GetUnit(tx, unit_id));
    const std::string step = unit.step.value_or("");
    switch (unit.state) {
      case units::UnitState::kRegistered:
        if (endpoint == Endpoint::kFactory) status = "Pending";
        break;
      case units::UnitState::kProvisioning:
        if (endpoint == Endpoint::kFactory) {
          status = "Pending";
        } else {
          status = (step == "validate" || step == "finalize") ? "Accepted" : "Pending";
        }
        break;
      case units::UnitState::kReady:
        if (endpoint == Endpoint::kValidation) status = "Accepted";
        break;
      case units::UnitState::kFailed:
      case units::UnitState::kScrapped:
        break;
    }
    return Status::Ok();
  });
  *accepted = status == "Accepted";
  int interval = *accepted ? 300 : options_.pending_interval_s;
  return {{"currentTime", NowUtc(true)}, {"interval", interval}, {"status", status}};
}

void Station::Impl::PostEvent(const ocpp::SessionInfo& session, Endpoint endpoint,
                              ocpp::Server* server, EventKind kind, nlohmann::json payload,
                              std::shared_ptr<ocpp::Reply> reply, bool accepted) {
  const Admission* admission = SessionAdmission(session.context);
  if (admission == nullptr) return;
  auto channel = Channel(admission->unit_id);
  Event e;
  e.kind = kind;
  e.endpoint = endpoint;
  e.server = server;
  e.identity = session.identity;
  e.session = session.context;
  e.session_sequence = admission->sequence;
  e.payload = std::move(payload);
  e.reply = std::move(reply);
  e.accepted = accepted;
  std::function<void()> after;
  if (kind == EventKind::kBoot || kind == EventKind::kConnected) {
    after = [this, channel] { EnsureRunner(channel); };
  }
  channel->Post(std::move(e), std::move(after));
}

ocpp::Handlers Station::Impl::MakeHandlers(Endpoint endpoint, ocpp::Server** server) {
  ocpp::Handlers h;
  auto empty = [](const ocpp::SessionInfo&, const nlohmann::json&) -> ocpp::HandlerResult {
    return nlohmann::json::object();
  };
  // The answer is queued on the connection before the runner hears of the
  // boot: otherwise the runner's first CALL (GetBaseReport, Reset, ...) could
  // reach the charger before its BootNotification result, and a conforming
  // charger refuses CALLs while it is not yet registered.
  h.On("BootNotification", [this, endpoint, server](const ocpp::SessionInfo& s, nlohmann::json p,
                                                    const ocpp::Reply& reply) {
    auto unit_id = UnitIdOf(s);
    if (!unit_id) {
      reply.Ok({{"currentTime", NowUtc(true)}, {"interval", 300}, {"status", "Rejected"}});
      return;
    }
    bool accepted = false;
    reply.Ok(BootAnswer(endpoint, *unit_id, &accepted));
    PostEvent(s, endpoint, *server, EventKind::kBoot, std::move(p), nullptr, accepted);
  });
  auto forward = [this, endpoint, server](EventKind kind) {
    return [this, endpoint, server, kind](const ocpp::SessionInfo& s,
                                          nlohmann::json p) -> ocpp::HandlerResult {
      PostEvent(s, endpoint, *server, kind, std::move(p), nullptr);
      return nlohmann::json::object();
    };
  };
  h.OnSync("NotifyReport", forward(EventKind::kReport));
  h.OnSync("StatusNotification", forward(EventKind::kStatus));
  h.OnSync("TransactionEvent", forward(EventKind::kTransaction));
  h.On("SignCertificate",
       [this, endpoint, server](const ocpp::SessionInfo& s, nlohmann::json p, ocpp::Reply reply) {
         if (!UnitIdOf(s)) {
           reply.Ok({{"status", "Rejected"}});
           return;
         }
         PostEvent(s, endpoint, *server, EventKind::kCsr, std::move(p),
                   std::make_shared<ocpp::Reply>(std::move(reply)));
       });
  h.OnSync("Heartbeat", [](const ocpp::SessionInfo&, const nlohmann::json&) -> ocpp::HandlerResult {
    return nlohmann::json{{"currentTime", NowUtc(true)}};
  });
  for (const char* action : {"SecurityEventNotification", "FirmwareStatusNotification",
                             "LogStatusNotification", "MeterValues", "NotifyEvent"}) {
    h.OnSync(action, empty);
  }
  return h;
}

ocpp::ServerHooks Station::Impl::MakeHooks(Endpoint endpoint, ocpp::Server** server) {
  ocpp::ServerHooks hooks;
  hooks.on_connected = [this, endpoint, server](const ocpp::SessionInfo& s) {
    PostEvent(s, endpoint, *server, EventKind::kConnected, nullptr, nullptr);
  };
  hooks.on_disconnected = [this, endpoint, server](const ocpp::SessionInfo& s, const Status&) {
    PostEvent(s, endpoint, *server, EventKind::kDisconnected, nullptr, nullptr);
  };
  return hooks;
}

Status Station::Impl::Start() {
  if (started_) return Status::FailedPrecondition("station: already started");
  EVPROV_TRY(CheckOptions());
  started_ = true;
  services_.store = options_.store;
  commits_ = std::make_unique<store::GroupCommit>(*options_.store);
  services_.commits = commits_.get();
  services_.variants = &variants_;
  services_.secret = options_.secret;
  services_.options = &options_;
  EVPROV_ASSIGN_OR_RETURN(services_.station_root_pem,
                          ReadFile("station.station_root", options_.station_root_file));
  if (!options_.manufacturer_ca_file.empty()) {
    EVPROV_ASSIGN_OR_RETURN(services_.manufacturer_root_pem,
                            ReadFile("station.manufacturer_ca", options_.manufacturer_ca_file));
  }
  EVPROV_TRY(LoadEnvironments());
  runtime_dir_ = options_.runtime_dir;
  if (runtime_dir_.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "evprov-station-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return Status::Unavailable("station: cannot create a runtime directory");
    }
    runtime_dir_ = tmpl;
    own_runtime_dir_ = true;
  }
  services_.after_validation = [this](store::Transaction& tx, std::int64_t unit_id) {
    return ConsumeBootstrapAfterValidation(tx, unit_id, options_.actor);
  };
  runner_env_.services = &services_;
  runner_env_.progress = &progress_;
  runner_env_.on_finished = options_.on_unit_finished;
  runtime_ = std::make_unique<ocpp::Runtime>(std::max(1, options_.pipeline_threads));

  // Validation listeners first: their URLs go to the chargers.
  for (auto& [name, rt] : services_.environments) {
    std::string client_ca = runtime_dir_ + "/" + name + "-clients.pem";
    EVPROV_TRY(WriteFile(client_ca, rt.chain_pem));
    auto port_it = options_.validation_ports.find(name);
    std::uint16_t port = port_it == options_.validation_ports.end() ? 0 : port_it->second;
    ocpp::Server** slot = &validation_ptrs_[name];
    auto server = std::make_unique<ocpp::Server>(
        ListenerOptions(port, ProfileOf(rt.env.security_profile), client_ca),
        ValidationAuthenticator(services_, rt), MakeHandlers(Endpoint::kValidation, slot),
        MakeHooks(Endpoint::kValidation, slot));
    *slot = server.get();
    rt.server = server.get();
    EVPROV_TRY(server->Start());
    rt.validation_url = Url(options_.host, server->port());
    validation_[name] = std::move(server);
  }
  factory_ = std::make_unique<ocpp::Server>(
      ListenerOptions(options_.factory_port, ocpp::SecurityProfile::kTlsBasicAuth,
                      options_.station_root_file),
      FactoryAuthenticator(services_), MakeHandlers(Endpoint::kFactory, &factory_ptr_),
      MakeHooks(Endpoint::kFactory, &factory_ptr_));
  factory_ptr_ = factory_.get();
  EVPROV_TRY(factory_->Start());
  if (!options_.manufacturer_ca_file.empty()) {
    idevid_ = std::make_unique<ocpp::Server>(
        ListenerOptions(options_.idevid_port, ocpp::SecurityProfile::kMutualTls,
                        options_.manufacturer_ca_file, ocpp::CnMatch::kIdentity),
        FactoryAuthenticator(services_), MakeHandlers(Endpoint::kFactory, &idevid_ptr_),
        MakeHooks(Endpoint::kFactory, &idevid_ptr_));
    idevid_ptr_ = idevid_.get();
    EVPROV_TRY(idevid_->Start());
  }
  log::Info("station.started", {{"factory_port", static_cast<std::int64_t>(factory_port())},
                                {"environments", options_.environments.size()}});
  return Status::Ok();
}

void Station::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, c] : units_) c->Cancel();
  }
  if (idevid_) idevid_->Stop();
  if (factory_) factory_->Stop();
  for (auto& [name, s] : validation_) s->Stop();
  if (runtime_) runtime_->Stop();
  commits_.reset();
  runtime_.reset();
  {
    std::lock_guard lock(mu_);
    units_.clear();
  }
  if (own_runtime_dir_) {
    std::error_code ec;
    fs::remove_all(runtime_dir_, ec);
  }
  log::Info("station.stopped", {});
}

Station::Station(StationOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Station::~Station() = default;
Status Station::Start() {
  return impl_->Start();
}
void Station::Stop() {
  impl_->Stop();
}
std::uint16_t Station::factory_port() const {
  return impl_->factory_port();
}
std::uint16_t Station::idevid_port() const {
  return impl_->idevid_port();
}
std::uint16_t Station::validation_port(std::string_view environment) const {
  return impl_->validation_port(environment);
}
std::string Station::factory_url() const {
  return impl_->factory_url();
}
Progress Station::progress() const {
  return impl_->progress();
}

}  // namespace evprov::pipeline
