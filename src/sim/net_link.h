// The charger's Link over ocpp::Client (one Client per connection attempt),
// on the unit's strand. Internal to src/sim; used by Unit.
//
// Open(plan) tries each (slot, attempt) with Charger::Connection(slot)'s
// parameters and reports through the host: connected(slot) or, when the plan
// is exhausted, connect_failed. Call forwards to the Client (which keeps one
// CALL outstanding and queues the rest) and completes `done` on the strand;
// a CALLERROR becomes kInvalidArgument "<code>: <description>" (link.h).
// Incoming CALLs of Charger::HandledActions() reach host.call on the strand.
// A connection that ends without Close reaches host.lost.
//
// Callbacks of CALLs made before ForgetCalls() (the charger they belong to was
// destroyed: a crash) are dropped, never run.
//
// Ownership: made with std::make_shared; Clients' callbacks hold weak
// references. Shutdown() before the host goes away.
// Thread-safety: every method on the strand, except TakeClients after Shutdown.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "evprov/ocpp/client.h"
#include "evprov/ocpp/rpc.h"
#include "evprov/sim/charger.h"
#include "evprov/sim/link.h"

namespace evprov::sim {

struct NetLinkHost {
  std::function<Charger*()> charger;  // the live charger or nullptr
  std::function<void(int slot)> connected;
  std::function<void()> connect_failed;
  std::function<void(const Status& why)> lost;
  std::function<void(const std::string& action, const nlohmann::json& payload, ocpp::Reply reply)>
      call;
  std::function<void()> after_event;  // after every strand task the link ran
};

struct NetLinkOptions {
  std::shared_ptr<ocpp::Runtime> runtime;
  std::chrono::milliseconds connect_timeout{10000};
  bool validate_messages = true;
};

class NetLink final : public Link, public std::enable_shared_from_this<NetLink> {
 public:
  NetLink(boost::asio::any_io_executor strand, NetLinkOptions options, NetLinkHost host);
  ~NetLink() override;

  void Call(std::string_view action, nlohmann::json payload, CallDone done) override;
  void Close(CloseReason reason) override;
  void Open(std::vector<ConnectionAttempt> plan) override;

  // Drops the current connection as if the network failed: host.lost follows.
  void Drop();
  // Callbacks of calls made so far will not run.
  void ForgetCalls() { ++call_epoch_; }
  // Stops everything: pending attempts are ignored, connections start closing,
  // no host callback runs any more.
  void Shutdown();
  // After Shutdown: the Clients, to destroy off the runtime threads.
  std::vector<std::unique_ptr<ocpp::Client>> TakeClients();

  const Status& last_error() const { return last_error_; }

 private:
  using ClientId = std::uint64_t;
  // Runs fn(link) on the strand if the link still exists and is not shut
  // down. Copyable, safe to call after the NetLink is gone.
  struct Poster {
    std::weak_ptr<NetLink> weak;
    boost::asio::any_io_executor strand;
    template <typename Fn>
    void operator()(Fn fn) const;
  };
  Poster poster() { return Poster{weak_from_this(), strand_}; }
  void TryNext();
  void OnConnectDone(std::uint64_t generation, ClientId id, int slot, const Status& status);
  void OnClientClosed(ClientId id, const Status& why);
  Result<ocpp::ClientOptions> MakeOptions(const ConnectionParams& params, ClientId id);
  ocpp::Handlers MakeHandlers(ClientId id);
  void Forget(ClientId id);

  boost::asio::any_io_executor strand_;
  NetLinkOptions options_;
  NetLinkHost host_;
  bool shut_down_ = false;
  std::uint64_t generation_ = 0;  // bumped by Open/Close: older attempts are stale
  std::uint64_t call_epoch_ = 0;
  std::vector<ConnectionAttempt> plan_;
  std::size_t next_attempt_ = 0;
  ClientId next_id_ = 1;
  ClientId current_ = 0;  // 0: none
  std::chrono::milliseconds call_timeout_{30000};
  std::map<ClientId, std::unique_ptr<ocpp::Client>> clients_;  // current, connecting, closing
  Status last_error_;
};

}  // namespace evprov::sim
