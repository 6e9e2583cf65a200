#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "evprov/store/store.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace evprov::test {
namespace {

TEST(CliStore, InitCreatesAMigratedStore) {
  TempDir dir;
  std::string db = dir.File("e.db");
  CliRun r = RunCli({"--store", db, "--json", "init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["created"], true);
  EXPECT_EQ(j["schema_version"], store::LatestSchemaVersion(store::Dialect::kSqlite));
  // Running init again is harmless and says nothing was created.
  r = RunCli({"--store", db, "--json", "init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["created"], false);
}

TEST(CliStore, InitFailsOnAnUnwritablePathWithOneLine) {
  CliRun r = RunCli({"--store", "/nonexistent-dir/x.db", "init"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent-dir/x.db"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(CliStore, MigrateDownAndUp) {
  TempDir dir;
  std::string db = dir.File("e.db");
  ASSERT_EQ(RunCli({"--store", db, "init"}).exit_code, 0);
  CliRun r = RunCli({"--store", db, "--json", "store", "migrate", "--to", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCli({"--store", db, "--json", "store", "version"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["schema_version"], 0);
  r = RunCli({"--store", db, "store", "migrate", "--to", "999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("out of range"), std::string::npos) << r.err;
  ASSERT_EQ(RunCli({"--store", db, "store", "migrate"}).exit_code, 0);
}

TEST(CliStore, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunCli({}).exit_code, 2);
  EXPECT_EQ(RunCli({"--no-such-flag", "init"}).exit_code, 2);
  EXPECT_EQ(RunCli({"--log-level", "loud", "init"}).exit_code, 2);
}

}  // namespace
}  // namespace evprov::test
