// UnitChannel's view of a charger's connection when sessions overlap: a
// charger that reconnects (its old session not yet closed) has two sessions
// under the same identity, and the late events of the old one (its close, its
// last BootNotification, its Connected) must not hide the new one from the
// runner.
#include "pipeline/unit_channel.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace evprov::pipeline {
namespace {

Event SessionEvent(EventKind kind, const std::shared_ptr<const void>& session,
                   std::uint64_t sequence = 0, Endpoint endpoint = Endpoint::kValidation) {
  Event e;
  e.kind = kind;
  e.endpoint = endpoint;
  e.identity = "DC-1";  // the same identity (and the same null server) for both sessions
  e.session = session;
  e.session_sequence = sequence;
  return e;
}

class UnitChannelTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  std::shared_ptr<UnitChannel> channel_ = std::make_shared<UnitChannel>(1, io_.get_executor());
  std::shared_ptr<const void> old_ = std::make_shared<int>(1);
  std::shared_ptr<const void> new_ = std::make_shared<int>(2);

  // The first queued event of a kind, or nullopt (waits at most 20 ms).
  std::optional<Event> Take(EventKind kind) {
    std::optional<Event> got;
    asio::co_spawn(
        channel_->strand(),
        [&]() -> asio::awaitable<void> {
          got = co_await channel_->Wait([kind](const Event& e) { return e.kind == kind; },
                                        std::chrono::milliseconds(20));
        },
        asio::detached);
    io_.restart();
    io_.run();
    return got;
  }

  // What WaitConnected answers for a session newer than the first one.
  bool NewSessionSeen() {
    std::optional<bool> seen;
    asio::co_spawn(
        channel_->strand(),
        [&]() -> asio::awaitable<void> {
          seen = co_await channel_->WaitConnected(Endpoint::kValidation, false,
                                                  std::chrono::milliseconds(50), 2);
        },
        asio::detached);
    io_.restart();
    io_.run();
    return seen.value_or(false);
  }
};

TEST_F(UnitChannelTest, TheLateCloseOfAnOldSessionLeavesTheNewOneConnected) {
  channel_->Post(SessionEvent(EventKind::kConnected, old_));
  channel_->Post(SessionEvent(EventKind::kConnected, new_));
  channel_->Post(SessionEvent(EventKind::kDisconnected, old_));
  io_.run();
  EXPECT_TRUE(channel_->connection().connected);
  EXPECT_EQ(channel_->connection().generation, 2U);
  EXPECT_EQ(channel_->connection().session, new_);
  EXPECT_TRUE(NewSessionSeen());
}

TEST_F(UnitChannelTest, TheCloseOfTheCurrentSessionDisconnects) {
  channel_->Post(SessionEvent(EventKind::kConnected, old_));
  channel_->Post(SessionEvent(EventKind::kDisconnected, old_));
  channel_->Post(SessionEvent(EventKind::kConnected, new_));
  channel_->Post(SessionEvent(EventKind::kDisconnected, new_));
  io_.run();
  EXPECT_FALSE(channel_->connection().connected);
  EXPECT_FALSE(NewSessionSeen());
}

TEST_F(UnitChannelTest, ABootOnAnotherSessionStartsANewGeneration) {
  channel_->Post(SessionEvent(EventKind::kConnected, old_));
  channel_->Post(SessionEvent(EventKind::kBoot, new_));  // its Connected not seen yet
  channel_->Post(SessionEvent(EventKind::kDisconnected, old_));
  io_.run();
  EXPECT_TRUE(channel_->connection().connected);
  EXPECT_TRUE(channel_->connection().booted);
  EXPECT_EQ(channel_->connection().generation, 2U);
}

// A charger on the factory endpoint repeats its BootNotification while
// Pending; the station resets it, and it reconnects to the validation
// endpoint. The factory session's last boot can reach the runner after the
// validation session's events (another listener, another thread): it is
// stale and must neither become the connection nor clear what the
// validation session reported.
TEST_F(UnitChannelTest, ALateBootOfAnOlderSessionIsDropped) {
  auto boot = [](const std::shared_ptr<const void>& s, std::uint64_t seq, Endpoint ep,
                 bool accepted) {
    Event e = SessionEvent(EventKind::kBoot, s, seq, ep);
    e.accepted = accepted;
    return e;
  };
  channel_->Post(SessionEvent(EventKind::kConnected, old_, 1, Endpoint::kFactory));
  channel_->Post(SessionEvent(EventKind::kConnected, new_, 2));
  channel_->Post(boot(new_, 2, Endpoint::kValidation, true));
  Event status = SessionEvent(EventKind::kStatus, new_, 2);
  status.payload = {{"evseId", 1}, {"connectorId", 1}};
  channel_->Post(status);
  channel_->Post(boot(old_, 1, Endpoint::kFactory, false));  // late
  channel_->Post(SessionEvent(EventKind::kDisconnected, old_, 1, Endpoint::kFactory));
  io_.run();
  const Connection& c = channel_->connection();
  EXPECT_TRUE(c.connected);
  EXPECT_EQ(c.session, new_);
  EXPECT_EQ(c.endpoint, Endpoint::kValidation);
  EXPECT_TRUE(c.boot_accepted);
  EXPECT_TRUE(c.status_seen.contains({1, 1}));
  EXPECT_EQ(c.generation, 2U);
  auto first = Take(EventKind::kBoot);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->session, new_);
  EXPECT_FALSE(Take(EventKind::kBoot).has_value()) << "the stale boot is not queued";
}

TEST_F(UnitChannelTest, ALateConnectedOfAnOlderSessionIsIgnored) {
  channel_->Post(SessionEvent(EventKind::kConnected, new_, 2));
  channel_->Post(SessionEvent(EventKind::kConnected, old_, 1));
  channel_->Post(SessionEvent(EventKind::kDisconnected, old_, 1));
  io_.run();
  EXPECT_TRUE(channel_->connection().connected);
  EXPECT_EQ(channel_->connection().session, new_);
  EXPECT_EQ(channel_->connection().generation, 1U);
}

}  // namespace
}  // namespace evprov::pipeline
