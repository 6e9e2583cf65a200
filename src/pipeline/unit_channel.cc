#include "pipeline/unit_channel.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace evprov::pipeline {
namespace {

// Events a unit keeps for its runner (a full report of a big charger is ~10 parts).
constexpr std::size_t kMaxQueuedEvents = 256;

}  // namespace

std::string_view EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kFactory:
      return "factory";
    case Endpoint::kValidation:
      return "validation";
  }
  return "unknown";
}

UnitChannel::UnitChannel(std::int64_t unit_id, const asio::any_io_executor& executor)
    : unit_id_(unit_id), strand_(asio::make_strand(executor)), timer_(strand_) {}

void UnitChannel::Post(Event event, std::function<void()> after) {
  asio::post(strand_, [self = shared_from_this(), event = std::move(event),
                       after = std::move(after)]() mutable {
    const bool current = self->Apply(event);
    if (!current) {
      if (event.reply) event.reply->Ok({{"status", "Rejected"}});
    } else if (event.kind != EventKind::kConnected && event.kind != EventKind::kDisconnected) {
      self->events_.push_back(std::move(event));
      // Nobody waits for old messages forever: keep the newest.
      while (self->events_.size() > kMaxQueuedEvents) {
        if (self->events_.front().reply) self->events_.front().reply->Ok({{"status", "Rejected"}});
        self->events_.pop_front();
      }
    }
    self->timer_.cancel();
    if (after) after();
  });
}

void UnitChannel::Adopt(const Event& e) {
  Connection& c = connection_;
  const std::uint64_t previous = c.generation;
  c = Connection{};
  c.connected = true;
  c.endpoint = e.endpoint;
  c.server = e.server;
  c.identity = e.identity;
  c.session = e.session;
  c.session_sequence = e.session_sequence;
  c.generation = previous + 1;
}

bool UnitChannel::Apply(const Event& e) {
  Connection& c = connection_;
  const bool same = c.session != nullptr && c.session == e.session;
  const bool older = c.session != nullptr && !same && e.session_sequence < c.session_sequence;
  switch (e.kind) {
    case EventKind::kConnected:
      if (older) return false;  // a late Connected of a session already replaced
      Adopt(e);
      return true;
    case EventKind::kDisconnected:
      // A late close of an older session must not hide the new one, even when
      // both came through the same listener under the same identity.
      if (same) c.connected = false;
      return same;
    case EventKind::kBoot:
      if (older) return false;
      if (!same) Adopt(e);  // a newer session whose Connected is still on its way
      c.booted = true;
      c.boot_accepted = e.accepted;
      c.boot = e.payload;
      c.status_seen.clear();
      return true;
    case EventKind::kStatus:
    case EventKind::kReport:
    case EventKind::kCsr:
    case EventKind::kTransaction:
      if (older) return false;
      if (!same) Adopt(e);
      if (e.kind == EventKind::kStatus) {
        c.status_seen.emplace(e.payload.value("evseId", 0), e.payload.value("connectorId", 0));
      }
      return true;
  }
  return true;
}

asio::awaitable<std::optional<Event>> UnitChannel::Wait(std::function<bool(const Event&)> match,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (auto it = events_.begin(); it != events_.end(); ++it) {
      if (match(*it)) {
        Event e = std::move(*it);
        events_.erase(it);
        co_return e;
      }
    }
    if (cancelled_ || std::chrono::steady_clock::now() >= deadline) co_return std::nullopt;
    timer_.expires_at(deadline);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<bool> UnitChannel::WaitConnected(std::optional<Endpoint> endpoint, bool booted,
                                                 std::chrono::milliseconds timeout,
                                                 std::uint64_t min_generation) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const Connection& c = connection_;
    if (c.connected && c.generation >= min_generation && (!endpoint || c.endpoint == *endpoint) &&
        (!booted || c.booted)) {
      co_return true;
    }
    if (cancelled_ || std::chrono::steady_clock::now() >= deadline) co_return false;
    timer_.expires_at(deadline);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void UnitChannel::Discard(EventKind kind) {
  std::erase_if(events_, [kind](const Event& e) { return e.kind == kind; });
}

void UnitChannel::Cancel() {
  asio::post(strand_, [self = shared_from_this()] {
    self->cancelled_ = true;
    self->timer_.cancel();
  });
}

}  // namespace evprov::pipeline
