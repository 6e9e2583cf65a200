// `evprov audit list|verify` on a real SQLite store: the entries the other
// commands appended, filtering and paging, and a tampered entry found.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_store_fixture.h"

namespace evprov::test {
namespace {

using nlohmann::json;

class CliAuditTest : public CliStoreTest {
 protected:
  // Edits an entry behind the store's back (dropping the append-only trigger
  // first), as an attacker with file access could.
  void Tamper(int seq) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    const std::string sql =
        "DROP TRIGGER audit_log_append_only_u; UPDATE audit_log SET actor = 'mallory' WHERE seq "
        "= " +
        std::to_string(seq) + ";";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
};

TEST_F(CliAuditTest, ListsTheEntriesOfEarlierCommandsWithTheirActors) {
  json all = CliJson({"audit", "list"});
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), 2U);  // one entry per imported environment
  EXPECT_EQ(all[0]["seq"], 1);
  EXPECT_EQ(all[0]["actor"], "eva");
  EXPECT_EQ(all[0]["action"], all[1]["action"]);
  EXPECT_NE(all[0]["object"], all[1]["object"]);

  json after = CliJson({"audit", "list", "--after", "1"});
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after[0]["seq"], 2);
  json limited = CliJson({"audit", "list", "--limit", "1"});
  ASSERT_EQ(limited.size(), 1U);
  EXPECT_EQ(limited[0]["seq"], 1);
  const std::string action = all[0]["action"];
  EXPECT_EQ(CliJson({"audit", "list", "--action", action}).size(), 2U);
  EXPECT_EQ(CliJson({"audit", "list", "--action", "no.such.action"}).size(), 0U);
  CliRun text = Cli({"audit", "list"});
  EXPECT_NE(text.out.find("eva"), std::string::npos);
}

TEST_F(CliAuditTest, VerifyReportsAnIntactChainAndFindsATamperedEntry) {
  json ok = CliJson({"audit", "verify"});
  EXPECT_EQ(ok["chain"], "intact");
  EXPECT_EQ(ok["entries"], 2);
  EXPECT_EQ(ok["last_seq"], 2);

  Tamper(2);
  CliRun r = Cli({"audit", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("audit entry 2: hash does not match its content"), std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliAuditTest, RefusesBadArguments) {
  EXPECT_NE(Cli({"audit", "list", "--limit", "0"}).exit_code, 0);
  EXPECT_NE(Cli({"audit", "list", "--after", "-3"}).exit_code, 0);
  EXPECT_NE(Cli({"audit"}).exit_code, 0);
}

}  // namespace
}  // namespace evprov::test
