#include "sim/net_link.h"

#include <boost/asio/post.hpp>

#include "evprov/common/log.h"
#include "evprov/ocpp/schema.h"
#include "sim/tls_key.h"

namespace evprov::sim {
namespace {

constexpr std::string_view kCallErrorPrefix = "CALLERROR ";

// The Client reports a CALLERROR as FailedPrecondition "CALLERROR <Code>: ...";
// the Link contract says InvalidArgument "<Code>: ...".
Result<nlohmann::json> ToLinkResult(Result<nlohmann::json> result) {
  if (result.ok()) return result;
  const Status& s = result.status();
  if (ocpp::CallErrorCodeOf(s).has_value()) {
    std::string message = s.message();
    if (message.starts_with(kCallErrorPrefix)) message.erase(0, kCallErrorPrefix.size());
    return Status::InvalidArgument(message);
  }
  return result;
}

std::string Join(const std::vector<std::string>& pems) {
  std::string out;
  for (const auto& pem : pems) {
    out += pem;
    if (!out.empty() && out.back() != '\n') out += '\n';
  }
  return out;
}

bool IsTpmBlob(std::string_view pem) {
  return pem.find("-----BEGIN TSS2 PRIVATE KEY-----") != std::string_view::npos;
}

}  // namespace

NetLink::NetLink(boost::asio::any_io_executor strand, NetLinkOptions options, NetLinkHost host)
    : strand_(std::move(strand)), options_(std::move(options)), host_(std::move(host)) {}

NetLink::~NetLink() = default;

template <typename Fn>
void NetLink::Poster::operator()(Fn fn) const {
  boost::asio::post(strand, [weak = weak, f = std::move(fn)]() mutable {
    auto self = weak.lock();
    if (!self || self->shut_down_) return;
    f(*self);
    if (!self->shut_down_ && self->host_.after_event) self->host_.after_event();
  });
}

void NetLink::Call(std::string_view action, nlohmann::json payload, CallDone done) {
  auto it = clients_.find(current_);
  std::uint64_t epoch = call_epoch_;
  auto finish = [post = poster(), epoch, d = std::move(done)](Result<nlohmann::json> r) mutable {
    post([epoch, d = std::move(d), r = std::move(r)](NetLink& self) mutable {
      if (self.call_epoch_ != epoch) return;  // the charger that made it is gone
      d(ToLinkResult(std::move(r)));
    });
  };
  if (current_ == 0 || it == clients_.end()) {
    return finish(Status::Unavailable("not connected"));
  }
  it->second->Call(std::string(action), std::move(payload), ocpp::CallOptions{call_timeout_},
                   std::move(finish));
}

void NetLink::Close(CloseReason reason) {
  ++generation_;
  plan_.clear();
  auto it = clients_.find(current_);
  current_ = 0;
  if (it == clients_.end()) return;
  switch (reason) {
    case CloseReason::kReboot:
      it->second->CloseAsync();
      break;
    case CloseReason::kFaultDrop:
      it->second->Abort();
      break;
  }
}

void NetLink::Drop() {
  auto it = clients_.find(current_);
  if (it != clients_.end()) it->second->Abort();
}

void NetLink::Open(std::vector<ConnectionAttempt> plan) {
  ++generation_;
  plan_ = std::move(plan);
  next_attempt_ = 0;
  TryNext();
}

void NetLink::TryNext() {
  Charger* charger = host_.charger();
  if (charger == nullptr) return;
  if (next_attempt_ >= plan_.size()) {
    log::Warn("sim.link.plan_exhausted",
              {{"attempts", plan_.size()}, {"error", last_error_.message()}});
    host_.connect_failed();
    return;
  }
  ConnectionAttempt attempt = plan_[next_attempt_++];
  ConnectionParams params = charger->Connection(attempt.slot);
  ClientId id = next_id_++;
  auto options = MakeOptions(params, id);
  if (!options.ok()) {
    last_error_ = options.status();
    return TryNext();
  }
  call_timeout_ = std::chrono::seconds(std::max(1, params.message_timeout_s));
  auto client =
      std::make_unique<ocpp::Client>(std::move(*options), MakeHandlers(id), options_.runtime);
  ocpp::Client& ref = *client;
  clients_.emplace(id, std::move(client));
  std::uint64_t generation = generation_;
  int slot = attempt.slot;
  ref.ConnectAsync([post = poster(), generation, id, slot](Status s) {
    post([generation, id, slot, s = std::move(s)](NetLink& self) {
      self.OnConnectDone(generation, id, slot, s);
    });
  });
}

void NetLink::OnConnectDone(std::uint64_t generation, ClientId id, int slot, const Status& status) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  if (generation != generation_) {  // Close or a new Open came first
    if (status.ok()) {
      it->second->Abort();  // erased when it reports closed
    } else {
      clients_.erase(it);
    }
    return;
  }
  if (!status.ok()) {
    last_error_ = status;
    clients_.erase(it);
    return TryNext();
  }
  current_ = id;
  host_.connected(slot);
}

void NetLink::OnClientClosed(ClientId id, const Status& why) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  clients_.erase(it);  // not connected any more: destroying it does not block
  if (id != current_) return;
  current_ = 0;
  last_error_ = why;
  host_.lost(why);
}

Result<ocpp::ClientOptions> NetLink::MakeOptions(const ConnectionParams& params, ClientId id) {
  ocpp::ClientOptions o;
  auto slash = params.url.rfind('/');
  if (slash == std::string::npos) return Status::InvalidArgument("url: no identity segment");
  o.endpoint = params.url.substr(0, slash);
  o.identity = params.identity;
  if (params.security_profile != 3 && !params.basic_auth_password.empty()) {
    o.password = params.basic_auth_password;
  }
  o.tls.ca_file = params.trusted_roots_file;
  o.ca_pem = Join(params.trusted_roots_pem);
  o.tls.cert_file = params.client_cert_file;
  o.tls.key_file = params.client_key_file;
  o.cert_pem = params.client_cert_pem;
  o.key_pem = params.client_key_pem;
  if (IsTpmBlob(o.key_pem)) {
    o.install_key = [key = o.key_pem](void* ctx) { return UsePrivateKey(ctx, key); };
  }
  o.connect_timeout = options_.connect_timeout;
  if (options_.validate_messages) {
    o.validator = &ocpp::SchemaValidator::Shared(ocpp::OcppVersion::kV201);
  }
  o.on_closed = [post = poster(), id](const Status& why) {
    post([id, why](NetLink& self) { self.OnClientClosed(id, why); });
  };
  return o;
}

ocpp::Handlers NetLink::MakeHandlers(ClientId id) {
  ocpp::Handlers handlers;
  for (const std::string& action : Charger::HandledActions()) {
    handlers.On(action,
                [post = poster(), id, action](const ocpp::SessionInfo&, nlohmann::json payload,
                                              const ocpp::Reply& reply) {
                  post([id, action, payload = std::move(payload), reply](NetLink& self) {
                    if (id != self.current_) return;  // a connection on its way out: no answer
                    self.host_.call(action, payload, reply);
                  });
                });
  }
  return handlers;
}

void NetLink::Shutdown() {
  shut_down_ = true;
  ++generation_;
  ++call_epoch_;
  current_ = 0;
  for (auto& [id, client] : clients_) client->CloseAsync();
}

std::vector<std::unique_ptr<ocpp::Client>> NetLink::TakeClients() {
  std::vector<std::unique_ptr<ocpp::Client>> out;
  for (auto& [id, client] : clients_) out.push_back(std::move(client));
  clients_.clear();
  return out;
}

}  // namespace evprov::sim
