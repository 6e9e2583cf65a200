#include "evprov/store/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace evprov::store {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenStore("sqlite:" + dir_.path() + "/g.db");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) {
                  return tx.Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)").status();
                }).ok());
  }
  static GroupCommit::Work Insert(int k) {
    return [k](Transaction& tx) {
      return tx.Exec("INSERT INTO t (k, v) VALUES (?, ?)", {k, "v" + std::to_string(k)}).status();
    };
  }
  std::int64_t Count() {
    std::int64_t n = -1;
    EXPECT_TRUE(InTransaction(*store_, TxMode::kRead, [&](Transaction& tx) -> Status {
                  EVPROV_ASSIGN_OR_RETURN(auto row, tx.QueryOne("count", "SELECT COUNT(*) FROM t"));
                  n = row.Int(0);
                  return Status::Ok();
                }).ok());
    return n;
  }
  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(GroupCommitTest, WorkQueuedWhileACommitRunsSharesTheNextCommit) {
  GroupCommit group(*store_);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<Status> first;
  // The first piece holds the committer until 50 more are queued.
  group.Submit(
      [&](Transaction& tx) {
        released.wait();
        return Insert(0)(tx);
      },
      [&](Status s) { first.set_value(s); });
  std::vector<std::promise<Status>> results(50);
  for (int i = 0; i < 50; ++i) {
    group.Submit(Insert(i + 1), [&results, i](Status s) { results[i].set_value(s); });
  }
  release.set_value();
  EXPECT_TRUE(first.get_future().get().ok());
  for (auto& r : results) EXPECT_TRUE(r.get_future().get().ok());
  EXPECT_EQ(Count(), 51);
  EXPECT_EQ(group.pieces(), 51u);
  // The first piece's batch, then at most one more for the 50 queued behind it.
  EXPECT_LE(group.commits(), 2u);
}

TEST_F(GroupCommitTest, AFailingPieceIsUndoneAloneAndGetsItsOwnError) {
  ASSERT_TRUE(InTransaction(*store_, TxMode::kWrite, Insert(2)).ok());
  GroupCommit group(*store_);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<Status> a;
  std::promise<Status> b;
  std::promise<Status> c;
  group.Submit(
      [&](Transaction& tx) {
        released.wait();
        return Insert(1)(tx);
      },
      [&](Status s) { a.set_value(s); });
  // Inserts 3, then fails on the duplicate 2: its 3 must be undone too.
  group.Submit(
      [](Transaction& tx) -> Status {
        EVPROV_TRY(Insert(3)(tx));
        return Insert(2)(tx);
      },
      [&](Status s) { b.set_value(s); });
  group.Submit(Insert(4), [&](Status s) { c.set_value(s); });
  release.set_value();
  EXPECT_TRUE(a.get_future().get().ok());
  EXPECT_EQ(b.get_future().get().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(c.get_future().get().ok());
  EXPECT_EQ(Count(), 3);  // 2 from before, 1 and 4
  EXPECT_TRUE(InTransaction(*store_, TxMode::kRead, [](Transaction& tx) -> Status {
                EVPROV_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT k FROM t WHERE k = 3"));
                return rows.empty() ? Status::Ok() : Status::Internal("3 was committed");
              }).ok());
}

TEST_F(GroupCommitTest, ManyThreadsRunConcurrentlyAndEveryPieceCommitsOnce) {
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  {
    GroupCommit group(*store_);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          if (!group.Run(Insert(t * kEach + i)).ok()) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(group.pieces(), static_cast<std::size_t>(kThreads * kEach));
    EXPECT_LE(group.commits(), group.pieces());
  }
  EXPECT_EQ(Count(), kThreads * kEach);
}

TEST_F(GroupCommitTest, DestroyingItRunsWhatIsQueuedFirst) {
  std::atomic<int> ok{0};
  {
    GroupCommit group(*store_);
    for (int i = 0; i < 20; ++i) group.Submit(Insert(i), [&](Status s) { ok += s.ok() ? 1 : 0; });
  }
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(Count(), 20);
}

}  // namespace
}  // namespace evprov::store
