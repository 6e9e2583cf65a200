// One unit's mailbox: what its charger sent (BootNotification, NotifyReport
// parts, SignCertificate, StatusNotification, TransactionEvent) and the state
// of its current connection, for the coroutine that runs the unit's steps.
//
// Handlers on the listeners' threads Post events; everything else runs on the
// channel's strand (the runner coroutine is spawned there), so no lock is
// needed. Wait suspends the runner until a matching event arrives or the
// timeout passes.
//
// Ownership: shared by the station's unit table, the runner and the posted
// handlers. Thread-safety: Post from any thread; the rest on strand() only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "evprov/ocpp/rpc.h"

namespace evprov::ocpp {
class Server;
}

namespace evprov::pipeline {

namespace asio = boost::asio;

// Which listener a connection came in on.
enum class Endpoint { kFactory, kValidation };
std::string_view EndpointName(Endpoint e);

enum class EventKind {
  kConnected,     // a session opened (no payload)
  kDisconnected,  // the session closed
  kBoot,          // BootNotification (payload = request; `accepted` = our answer)
  kReport,        // NotifyReport part
  kCsr,           // SignCertificate (reply pending: the runner answers)
  kStatus,        // StatusNotification
  kTransaction,   // TransactionEvent
};

struct Event {
  EventKind kind = EventKind::kConnected;
  Endpoint endpoint = Endpoint::kFactory;
  ocpp::Server* server = nullptr;  // the listener of the session
  std::string identity;            // the session's OCPP identity
  // Tells sessions apart: the context admission attached to this one (a
  // charger that reconnects has two sessions with the same server and identity).
  std::shared_ptr<const void> session;
  std::uint64_t session_sequence = 0;  // its admission order (Admission::sequence)
  nlohmann::json payload;
  bool accepted = false;               // kBoot: answered Accepted
  std::shared_ptr<ocpp::Reply> reply;  // kCsr: answer from the runner
};

// The charger's current connection as the runner sees it.
struct Connection {
  bool connected = false;
  Endpoint endpoint = Endpoint::kFactory;
  ocpp::Server* server = nullptr;
  std::string identity;
  std::shared_ptr<const void> session;        // see Event::session
  std::uint64_t session_sequence = 0;         // see Event::session_sequence
  std::uint64_t generation = 0;               // +1 per new session
  bool booted = false;                        // a BootNotification arrived on it
  bool boot_accepted = false;                 // ... and was answered Accepted
  nlohmann::json boot;                        // its payload
  std::set<std::pair<int, int>> status_seen;  // (evse, connector) since the boot
};

class UnitChannel : public std::enable_shared_from_this<UnitChannel> {
 public:
  using Strand = asio::strand<asio::any_io_executor>;
  UnitChannel(std::int64_t unit_id, const asio::any_io_executor& executor);

  std::int64_t unit_id() const { return unit_id_; }
  const Strand& strand() const { return strand_; }

  // Any thread: queues the event (updating the connection state first), then
  // runs `after` on the strand (e.g. to start the runner).
  //
  // The connection is the newest session by admission order: events of
  // different sessions come from different listener threads and may arrive
  // out of order. An event of an older session than the current one is
  // stale and dropped (a CSR in it is answered Rejected): a BootNotification
  // that an old factory session delivers after the charger has rebooted onto
  // the validation endpoint must not make that dead session current again.
  // An event of a newer session makes it current even before its Connected.
  void Post(Event event, std::function<void()> after = nullptr);

  // --- strand only ---
  const Connection& connection() const { return connection_; }
  // The first queued event matching `match`, removed from the queue; nullopt
  // after `timeout` (or when Cancel was called).
  asio::awaitable<std::optional<Event>> Wait(std::function<bool(const Event&)> match,
                                             std::chrono::milliseconds timeout);
  // Waits until the charger is connected (and, if `booted`, has sent its
  // BootNotification) on `endpoint` (any endpoint when nullopt), on a session
  // at least `min_generation` (a new one after a dropped connection).
  asio::awaitable<bool> WaitConnected(std::optional<Endpoint> endpoint, bool booted,
                                      std::chrono::milliseconds timeout,
                                      std::uint64_t min_generation = 0);
  // Drops queued events of a kind (stale parts of an earlier attempt).
  void Discard(EventKind kind);
  // Wakes every Wait with nullopt from now on (station stopping).
  void Cancel();
  bool cancelled() const { return cancelled_; }

  bool running = false;  // a runner coroutine owns the unit

 private:
  // Updates the connection; false when the event is stale (see Post).
  bool Apply(const Event& event);
  void Adopt(const Event& event);  // makes the event's session the current one

  std::int64_t unit_id_;
  Strand strand_;
  asio::steady_timer timer_;
  std::deque<Event> events_;
  Connection connection_;
  bool cancelled_ = false;
};

}  // namespace evprov::pipeline
