// UnitChannel's view of a charger's connection when sessions overlap: a
// charger that reconnects (its old session not yet closed) has two sessions
// through the same listener under the same identity, and the late close of
// the old one must not hide the new one from the runner.
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

Event SessionEvent(EventKind kind, const std::shared_ptr<const void>& session) {
  Event e;
  e.kind = kind;
  e.endpoint = Endpoint::kValidation;
  e.identity = "DC-1";  // the same identity (and the same null server) for both sessions
  e.session = session;
  return e;
}

class UnitChannelTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  std::shared_ptr<UnitChannel> channel_ = std::make_shared<UnitChannel>(1, io_.get_executor());
  std::shared_ptr<const void> old_ = std::make_shared<int>(1);
  std::shared_ptr<const void> new_ = std::make_shared<int>(2);

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

}  // namespace
}  // namespace evprov::pipeline
