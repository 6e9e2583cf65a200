#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "evprov/store/store.h"
#include "support/temp_dir.h"

namespace evprov::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenStore("sqlite:" + dir_.path() + "/t.db");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, MigratesUpAndDownAndUpAgain) {
  int latest = LatestSchemaVersion(Dialect::kSqlite);
  ASSERT_GE(latest, 1);
  EXPECT_EQ(*SchemaVersion(*store_), 0);
  ASSERT_TRUE(MigrateToLatest(*store_).ok());
  EXPECT_EQ(*SchemaVersion(*store_), latest);
  // Each step down and up again must work, one migration at a time.
  for (int v = latest - 1; v >= 0; --v) {
    Status s = MigrateTo(*store_, v);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(*SchemaVersion(*store_), v);
  }
  auto tables = [&] {
    std::vector<std::string> names;
    EXPECT_TRUE(InTransaction(*store_, TxMode::kRead, [&](Transaction& tx) -> Status {
                  EVPROV_ASSIGN_OR_RETURN(
                      auto rows,
                      tx.Query("SELECT name FROM sqlite_master WHERE type='table' AND name <> "
                               "'schema_migrations' ORDER BY name"));
                  for (auto& r : rows) names.push_back(r.Text(0));
                  return Status::Ok();
                }).ok());
    return names;
  };
  EXPECT_TRUE(tables().empty()) << "down to 0 must drop every table";
  ASSERT_TRUE(MigrateToLatest(*store_).ok());
  EXPECT_FALSE(tables().empty());
  EXPECT_EQ(MigrateTo(*store_, latest + 1).code(), StatusCode::kInvalidArgument);
}

// Every pooled connection: WAL, foreign keys, FULL sync (the default options),
// statement journals in memory.
TEST_F(SqliteStoreTest, ConnectionsUseTheDocumentedSettings) {
  auto pragma = [&](const std::string& name) {
    std::string v;
    // A write transaction: SQLite counts "PRAGMA journal_mode" as a write.
    EXPECT_TRUE(InTransaction(*store_, TxMode::kWrite, [&](Transaction& tx) -> Status {
                  EVPROV_ASSIGN_OR_RETURN(auto row, tx.QueryOne(name, "PRAGMA " + name));
                  v = name == "journal_mode" ? row.Text(0) : std::to_string(row.Int(0));
                  return Status::Ok();
                }).ok());
    return v;
  };
  EXPECT_EQ(pragma("journal_mode"), "wal");
  EXPECT_EQ(pragma("foreign_keys"), "1");
  EXPECT_EQ(pragma("synchronous"), "2") << "FULL";
  EXPECT_EQ(pragma("temp_store"), "2") << "MEMORY";
}

TEST_F(SqliteStoreTest, UncommittedTransactionRollsBack) {
  ASSERT_TRUE(MigrateToLatest(*store_).ok());
  {
    auto tx = store_->Begin(TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(
        (*tx)->Exec("INSERT INTO sequences(name, next_value) VALUES (?, ?)", {"a", 1}).ok());
  }  // destroyed without Commit
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT COUNT(*) FROM sequences");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_F(SqliteStoreTest, ConstraintViolationsMapToCodes) {
  ASSERT_TRUE(MigrateToLatest(*store_).ok());
  Status dup = InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
    EVPROV_TRY(tx.Exec("INSERT INTO sequences(name, next_value) VALUES ('x', 1)").status());
    return tx.Exec("INSERT INTO sequences(name, next_value) VALUES ('x', 2)").status();
  });
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists) << dup.ToString();
  Status check = InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
    return tx.Exec("INSERT INTO sequences(name, next_value) VALUES ('y', 0)").status();
  });
  EXPECT_EQ(check.code(), StatusCode::kFailedPrecondition) << check.ToString();
  Status bad_sql = InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
    return tx.Exec("INSERT INTO no_such_table VALUES (1)").status();
  });
  EXPECT_EQ(bad_sql.code(), StatusCode::kInvalidArgument);
  Status read_only = InTransaction(*store_, TxMode::kRead, [](Transaction& tx) -> Status {
    return tx.Exec("INSERT INTO sequences(name, next_value) VALUES ('z', 1)").status();
  });
  EXPECT_EQ(read_only.code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, AuditLogIsAppendOnly) {
  ASSERT_TRUE(MigrateToLatest(*store_).ok());
  ASSERT_TRUE(InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
                return tx
                    .Exec(
                        "INSERT INTO audit_log(at, actor, action, object, detail, prev_hash, "
                        "hash) VALUES ('t', 'a', 'x', 'o', '{}', '0', 'h')")
                    .status();
              }).ok());
  Status del = InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
    return tx.Exec("DELETE FROM audit_log").status();
  });
  EXPECT_EQ(del.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(del.message().find("append-only"), std::string::npos) << del.ToString();
}

TEST_F(SqliteStoreTest, ConcurrentWritersAllCommit) {
  ASSERT_TRUE(MigrateToLatest(*store_).ok());
  ASSERT_TRUE(InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
                return tx.Exec("INSERT INTO sequences(name, next_value) VALUES ('c', 1)").status();
              }).ok());
  constexpr int kThreads = 8, kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        Status s = InTransaction(*store_, TxMode::kWrite, [](Transaction& tx) -> Status {
          return tx.Exec("UPDATE sequences SET next_value = next_value + 1 WHERE name = 'c'")
              .status();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = store_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto row = (*tx)->QueryOne("sequence c", "SELECT next_value FROM sequences WHERE name='c'");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->Int(0), 1 + kThreads * kEach);
}

}  // namespace
}  // namespace evprov::store
